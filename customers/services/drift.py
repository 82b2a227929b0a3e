"""Drift: where the panel and the vendor disagree about an object, and the two ways staff settle it.

A drift alert names each differing field with both sides ("seats: the panel says 10, Greenview says 12") and
keeps them structured on the alert (``Alert.details["fields"]``), so the alert page can offer:

* **take the vendor's** (:func:`drift_take_vendors`): the vendor's values are written on the local row; nothing
  is sent;
* **push ours** (:func:`drift_push_ours`): the operation that sends the panel's values is queued, through the
  outbox like any other change (only where the vendor's adapter carries that kind out).

Objects with an operation still open are never reported nor overwritten: the change in flight decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import permissions
from core.audit import audit_record
from customers.models import Contact, Domain, Mailbox, Package, VendorCustomer
from provisioning import services as provisioning
from provisioning.choices import OPEN_OPERATION_STATES, AlertKind, Capability
from provisioning.kinds.account import VendorCustomerUpdate
from provisioning.kinds.contact import ContactUpdate
from provisioning.kinds.filtering import DomainSetMailServers
from provisioning.kinds.mail import MailboxSetQuota
from provisioning.kinds.mailbox import MailboxChangeEdition, MailboxUpdate
from provisioning.kinds.package import PackageChangeEditions
from provisioning.models import Alert, Operation
from provisioning.services.alerts import alert_open

# The pseudo-field of an object one side holds and the other does not.
EXISTS = "exists"
MODELS = {"vendor_customer": VendorCustomer, "contact": Contact, "domain": Domain, "mailbox": Mailbox,
          "package": Package}
# What a field is called on the page, where the model's verbose name is not it.
LABELS = {"title": "name", "seats": "users", "plan": "package", "mail_servers": "mail servers",
          "quota_mb": "quota", "security_question": "security question", "receives_alerts": "receives alerts",
          "receives_billing": "receives billing", "receives_updates": "receives updates"}


@dataclass(frozen=True)
class Difference:
    """One field on which panel and vendor disagree (``field`` is the model field, or ``details.<key>``)."""

    field: str
    ours: Any
    theirs: Any

    @property
    def label(self) -> str:
        name = self.field.removeprefix("details.")
        return LABELS.get(name, name.replace("_", " "))

    def words(self, vendor_label: str) -> str:
        if self.field == EXISTS:
            return (f"the panel holds it, {vendor_label} no longer does" if self.ours
                    else f"{vendor_label} holds it, the panel does not")
        return f"{self.label}: the panel says {_shown(self.ours)}, {vendor_label} says {_shown(self.theirs)}"


def _shown(value: Any) -> str:
    if value in (None, "", [], {}):
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def same(ours: Any, theirs: Any) -> bool:
    """Whether two values agree (empty is empty, whatever its type; lists item by item; numbers by value)."""
    empty = (None, "", [], {})
    if ours in empty and theirs in empty:
        return True
    if isinstance(ours, list | tuple) and isinstance(theirs, list | tuple):
        return len(ours) == len(theirs) and all(same(a, b) for a, b in zip(ours, theirs, strict=True))
    if isinstance(ours, dict) or isinstance(theirs, dict):
        return ours == theirs  # key order is not kept by every database (PostgreSQL's jsonb sorts keys)
    if isinstance(ours, int | bool) or isinstance(theirs, int | bool):
        return str(ours) == str(theirs)
    return ours == theirs


def value_of(obj, name: str) -> Any:
    """A compared field's local value (``details.<key>`` reads the row's ``details``)."""
    if name.startswith("details."):
        return (obj.details or {}).get(name.removeprefix("details."), "")
    return getattr(obj, name)


def differences(obj, names: tuple[str, ...], theirs: dict[str, Any]) -> list[Difference]:
    """The compared fields on which ``obj`` and the vendor's values disagree (fields the vendor did not give are
    not compared)."""
    found = []
    for name in names:
        if name not in theirs:
            continue
        ours = value_of(obj, name)
        if not same(ours, theirs[name]):
            found.append(Difference(name, ours, theirs[name]))
    return found


def in_flight(target_type: str, ids) -> set[int]:
    """Which of these objects have an operation still open (their change decides, not a sync)."""
    ids = list(ids)
    if not ids:
        return set()
    return set(Operation.objects.filter(target_type=target_type, target_id__in=ids,
                                        state__in=OPEN_OPERATION_STATES).values_list("target_id", flat=True))


def _json(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def drift_open(*, target_type: str, obj, label: str, customer_id: int | None, vendor_account,
               found: list[Difference]) -> Alert:
    """Open (or refresh) the object's one drift alert, naming every differing field with both sides."""
    vendor_label = vendor_account.kind_label
    words = [d.words(vendor_label) for d in found]
    alert = alert_open(kind=AlertKind.DRIFT, target_type=target_type, target_id=obj.pk, customer_id=customer_id,
                       title=f"{label}: the panel and {vendor_label} disagree", message="; ".join(words) + ".",
                       next_step=f"Take {vendor_label}'s values into the panel, or push the panel's to "
                                 f"{vendor_label}.", vendor_errors=words)
    details = {"vendor_account_id": vendor_account.pk, "vendor_label": vendor_label, "fields": [
        {"field": d.field, "label": d.label, "ours": _json(d.ours), "theirs": _json(d.theirs)} for d in found]}
    Alert.objects.filter(pk=alert.pk).update(details=details)
    alert.details = details
    return alert


def drift_settle(target_type: str, ids, resolution: str = "A drift check found panel and vendor agree.") -> int:
    """Resolve the drift alerts of objects found agreeing again."""
    ids = list(ids)
    if not ids:
        return 0
    return Alert.objects.filter(kind=AlertKind.DRIFT, target_type=target_type, target_id__in=ids,
                                resolved_at__isnull=True).update(resolved_at=timezone.now(), resolution=resolution)


# ---- settling a drift alert -------------------------------------------------------------------------------
def _drifted(alert: Alert):
    if alert.kind != AlertKind.DRIFT or alert.resolved_at is not None:
        raise ValidationError("This alert is not an open drift alert.")
    fields = (alert.details or {}).get("fields") or []
    if not fields or alert.target_type not in MODELS:
        raise ValidationError("This drift alert names no fields the panel can settle here.")
    obj = MODELS[alert.target_type].objects.select_for_update().filter(pk=alert.target_id).first()
    if obj is None:
        raise ValidationError("The object is no longer in the panel.")
    if in_flight(alert.target_type, [obj.pk]):
        raise ValidationError("A change to it is still in flight; let it finish first.")
    return obj, fields


def _resolve(alert: Alert, acting_user, resolution: str) -> None:
    Alert.objects.filter(pk=alert.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolution=resolution[:300],
        resolved_by=acting_user if getattr(acting_user, "pk", None) else None)


@transaction.atomic
def drift_take_vendors(*, alert: Alert, acting_user) -> Alert:
    """Write the vendor's values (as the alert names them) on the local row; nothing is sent to the vendor."""
    permissions.require(acting_user, permissions.SERVICES_CHANGE)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    obj, fields = _drifted(alert)
    changes = {}
    for item in fields:
        name, theirs = item["field"], item["theirs"]
        if name == EXISTS:
            # The vendor no longer holds it: so the panel records it as gone (the row stays for its history).
            obj.requested_state = obj.vendor_state = "deleted"
            continue
        if name.startswith("details."):
            obj.details = {**(obj.details or {}), name.removeprefix("details."): theirs or ""}
            changes["details"] = obj.details
        else:
            model_field = obj._meta.get_field(name)
            if theirs is None and not model_field.null:
                theirs = [] if model_field.get_internal_type() == "JSONField" else ""
            setattr(obj, name, theirs)
            changes[name] = theirs
        if alert.target_type == "mailbox" and name == "edition":
            # The edition belongs to one of the domain's packages: the one offering it.
            package = next((p for p in Package.objects.filter(domain_links__domain_id=obj.domain_id)
                            if theirs in (p.editions or [])), None)
            if package is not None:
                obj.package = package
                changes["package"] = package
    obj.save()
    vendor = _vendor_label(obj)
    _resolve(alert, acting_user, f"Took {vendor}'s values into the panel.")
    audit_record(acting_user=acting_user, action="drift.take_vendors", target=obj, customer=alert.customer,
                 summary=f"Took {vendor}'s values for {alert.title.split(':')[0]}",
                 changes={i["field"]: [str(i["ours"]), str(i["theirs"])] for i in fields})
    alert.refresh_from_db()
    return alert


def _vendor_account(obj):
    return obj.domain.vendor_account if isinstance(obj, Mailbox) else (
        obj.vendor_customer.vendor_account if isinstance(obj, Contact) else obj.vendor_account)


def _vendor_label(obj) -> str:
    return _vendor_account(obj).kind_label


def _customer(obj):
    if isinstance(obj, Mailbox):
        return obj.domain.customer
    if isinstance(obj, Contact):
        return obj.vendor_customer.customer
    return obj.customer


def push_payloads(target_type: str, obj, names: list[str]) -> list:
    """The operations that send the panel's values of ``names`` to the vendor (empty: none carries them)."""
    if EXISTS in names:
        return []  # creating it again needs what the panel never keeps (a password, a security answer)
    if target_type == "mailbox":
        payloads = []
        plain = {n: getattr(obj, n) for n in names if n in ("first_name", "last_name")}
        if plain:
            payloads.append(MailboxUpdate(mailbox_id=obj.pk, changes=plain))
        if "edition" in names and obj.package_id:
            payloads.append(MailboxChangeEdition(mailbox_id=obj.pk, package_id=obj.package_id, edition=obj.edition))
        if "quota_mb" in names and obj.quota_mb and obj.domain.vendor_account.profile.can(Capability.MAILBOX_QUOTAS):
            payloads.append(MailboxSetQuota(mailbox_id=obj.pk, quota_mb=obj.quota_mb))
        pushable = {"first_name", "last_name", "edition", "quota_mb"}
        return payloads if len(payloads) and set(names) <= pushable else []
    if target_type == "vendor_customer":
        changes = {n.removeprefix("details."): value_of(obj, n) for n in names}
        return [VendorCustomerUpdate(vendor_customer_id=obj.pk, changes=changes)]
    if target_type == "contact":
        return [ContactUpdate(contact_id=obj.pk, vendor_customer_id=obj.vendor_customer_id, new_answer=False)]
    if target_type == "package" and set(names) == {"editions"}:
        # On an active package its domains then go stale at SYNAQ: the follow-up alert guides the Refresh.
        return [PackageChangeEditions(package_id=obj.pk, product_code=obj.product_code,
                                      editions=tuple(obj.editions or ()))]
    if target_type == "domain" and set(names) == {"mail_servers"}:
        return [DomainSetMailServers(domain_id=obj.pk, mail_servers=tuple(obj.mail_servers))]
    return []


def can_push(alert: Alert) -> bool:
    """Whether "push ours" is offered: the vendor's adapter carries out every operation it needs."""
    model = MODELS.get(alert.target_type)
    obj = model.objects.filter(pk=alert.target_id).first() if model else None
    names = [i["field"] for i in (alert.details or {}).get("fields") or []]
    if obj is None or not names:
        return False
    payloads = push_payloads(alert.target_type, obj, names)
    adapter = _vendor_account(obj).profile.adapter
    return bool(payloads) and adapter is not None and all(adapter().supports(p.kind) for p in payloads)


@transaction.atomic
def drift_push_ours(*, alert: Alert, acting_user) -> list[Operation]:
    """Queue the operations that send the panel's values to the vendor; the alert is settled by them."""
    permissions.require(acting_user, permissions.SERVICES_CHANGE)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    obj, fields = _drifted(alert)
    if not can_push(alert):
        raise ValidationError(f"{_vendor_label(obj)} offers no way for the panel to send these values.")
    account, customer = _vendor_account(obj), _customer(obj)
    operations = [provisioning.operation_enqueue(
        payload=payload, vendor_account=account, customer=customer, acting_user=acting_user,
        summary=f"Send the panel's {', '.join(i['label'] for i in fields)} of {alert.title.split(':')[0]} to "
                f"{account.kind_label}") for payload in push_payloads(alert.target_type, obj,
                                                                       [i["field"] for i in fields])]
    _resolve(alert, acting_user, f"Sent the panel's values to {account.kind_label} "
                                 f"(operation #{operations[0].pk}).")
    audit_record(acting_user=acting_user, action="drift.push_ours", target=obj, customer=customer,
                 summary=f"Sent the panel's values for {alert.title.split(':')[0]} to {account.kind_label}",
                 changes={i["field"]: [str(i["theirs"]), str(i["ours"])] for i in fields})
    return operations
