"""Bringing one vendor-side object into the panel, or comparing it with what the panel holds.

Used by the import of vendor-side accounts (SYNAQ OUs, Greenview clients, Rackspace customers) and by the
periodic drift check, so both treat an object the same way:

* missing here: created with what the vendor said (only when ``create``; the drift check creates nothing);
* here with a change in flight: left alone (``skipped``), neither refreshed nor compared;
* here: what the vendor says about what is live (its id, state, lock, links) is refreshed, and the fields the
  panel asks for (``compared``) are compared: a difference opens one drift alert naming both sides (never
  overwritten), agreement resolves it.

Every function adds what came of each object to ``counts`` (created, updated, unchanged, drifted, skipped).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils import timezone

from customers.choices import LinkState, RequestedState
from customers.models import Contact, Customer, Domain, DomainPackageLink, Mailbox, Package, VendorCustomer
from customers.services.drift import EXISTS, Difference, differences, drift_open, drift_settle, in_flight, same
from provisioning.adapters.importing import VendorContact, VendorDomain, VendorMailbox, VendorOwner, VendorPackage
from provisioning.services.state import target_check_state

COUNTS = ("created", "updated", "unchanged", "drifted", "skipped")
# Vendor states with a follow-up of their own (a stale domain, a locked mailbox...): when one is found, or found
# gone, the engine's state check reads the object through its adapter, which opens or resolves that alert.
FOLLOW_UP_STATES = frozenset({"stale", "error", "failed", "orphaned", "locked"})


def follow_up(target_type: str, obj, before: str = "") -> None:
    """Let the engine's state check open (or resolve) the follow-up alert a vendor state calls for."""
    if obj.vendor_state in FOLLOW_UP_STATES or before in FOLLOW_UP_STATES:
        target_check_state(target_type=target_type, pk=obj.pk)


def tally() -> dict[str, int]:
    return dict.fromkeys(COUNTS, 0)


def add(counts: dict[str, int], more: dict[str, int]) -> None:
    for key, value in more.items():
        counts[key] = counts.get(key, 0) + value


def _refresh(target_type: str, obj, facts: dict[str, Any]) -> list[str]:
    """Write what the vendor said about what is live; the names that changed."""
    before = obj.vendor_state
    changed = []
    for name, value in facts.items():
        if name == "vendor_attrs":
            merged = {**(obj.vendor_attrs or {}), **(value or {})}
            if merged != (obj.vendor_attrs or {}):
                obj.vendor_attrs = merged
                changed.append(name)
        elif not same(getattr(obj, name), value):
            setattr(obj, name, value)
            changed.append(name)
    if changed:
        obj.last_synced_at = timezone.now()
        obj.save(update_fields=[*changed, "last_synced_at", "updated_at"])
        if "vendor_state" in changed:
            follow_up(target_type, obj, before)
    return changed


def _compare(target_type: str, obj, *, facts: dict, compared: tuple[str, ...], theirs: dict, label: str,
             customer_id: int | None, vendor_account, counts: dict[str, int]) -> None:
    if in_flight(target_type, [obj.pk]):
        counts["skipped"] += 1
        return
    changed = _refresh(target_type, obj, facts)
    found = differences(obj, compared, theirs)
    if found:
        drift_open(target_type=target_type, obj=obj, label=label, customer_id=customer_id,
                   vendor_account=vendor_account, found=found)
        counts["drifted"] += 1
        return
    drift_settle(target_type, [obj.pk])
    counts["updated" if changed else "unchanged"] += 1


def _split(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Model fields, and ``details.<key>`` values gathered into one dict."""
    plain = {k: v for k, v in values.items() if not k.startswith("details.")}
    details = {k.removeprefix("details."): v for k, v in values.items() if k.startswith("details.") and v}
    return plain, details


# ---- vendor-side accounts ----------------------------------------------------------------------------
def account_reconcile(*, vendor_account, customer: Customer | None, owner: VendorOwner, compared: tuple[str, ...],
                      counts: dict[str, int], create: bool = True) -> VendorCustomer | None:
    """The customer's account at the vendor standing for ``owner`` (made if missing and ``create``)."""
    local = VendorCustomer.objects.filter(vendor_account=vendor_account, vendor_id=owner.vendor_id).exclude(
        requested_state=RequestedState.DELETED).select_related("customer").first()
    if local is None and customer is not None:
        local = VendorCustomer.objects.filter(vendor_account=vendor_account, customer=customer).exclude(
            requested_state=RequestedState.DELETED).first()
        if local is not None and local.vendor_id and local.vendor_id != owner.vendor_id:
            raise ValidationError(f"{customer.name} already has another {vendor_account.profile.account_label} "
                                  f"({local.vendor_id}) on {vendor_account.name}.")
        if local is not None:
            VendorCustomer.objects.filter(pk=local.pk).update(vendor_id=owner.vendor_id)
            local.vendor_id = owner.vendor_id
    if local is None:
        if not create or customer is None:
            return None
        plain, details = _split(owner.fields)
        plain.setdefault("title", (owner.label or customer.name)[:200])
        plain.setdefault("reference", owner.reference[:32])
        local = VendorCustomer.objects.create(
            customer=customer, vendor_account=vendor_account, vendor_id=owner.vendor_id,
            vendor_state=owner.vendor_state or "active", details=details, last_synced_at=timezone.now(), **plain)
        counts["created"] += 1
        return local
    if customer is not None and local.customer_id != customer.pk:
        raise ValidationError(f"{owner.label or owner.vendor_id} belongs to {local.customer} in the panel.")
    facts = {"vendor_id": owner.vendor_id, **({"vendor_state": owner.vendor_state} if owner.vendor_state else {})}
    _compare("vendor_customer", local, facts=facts,
             compared=compared, theirs=owner.fields, label=f"{local.customer}'s {vendor_account.profile.account_label}",
             customer_id=local.customer_id, vendor_account=vendor_account, counts=counts)
    return local


# ---- packages ------------------------------------------------------------------------------------------
def packages_reconcile(*, holder: VendorCustomer, found: list[VendorPackage], counts: dict[str, int],
                       create: bool = True) -> dict[str, Package]:
    """The account's packages by the vendor's id (missing ones made when ``create``)."""
    account = holder.vendor_account
    existing = {p.vendor_id: p for p in Package.objects.filter(vendor_account=account,
                                                               vendor_id__in=[f.vendor_id for f in found])}
    result = {}
    for vendor in found:
        local = existing.get(vendor.vendor_id)
        if local is None:
            if not create:
                continue
            local = Package.objects.create(
                customer=holder.customer, vendor_account=account, vendor_customer=holder, vendor_id=vendor.vendor_id,
                vendor_state=vendor.vendor_state, product_code=vendor.product_code, product_name=vendor.product_name,
                editions=list(vendor.editions), has_mailboxes=vendor.has_mailboxes, last_synced_at=timezone.now())
            counts["created"] += 1
        else:
            _compare("package", local, facts={"vendor_state": vendor.vendor_state, "product_name": vendor.product_name},
                     compared=("editions",), theirs={"editions": list(vendor.editions)},
                     label=f"{local.product_name} of {holder.customer}", customer_id=holder.customer_id,
                     vendor_account=account, counts=counts)
        result[vendor.vendor_id] = local
    return result


# ---- domains ---------------------------------------------------------------------------------------------
def domains_reconcile(*, holder: VendorCustomer | None, customer: Customer, vendor_account, found: list[VendorDomain],
                      compared: tuple[str, ...], packages: dict[str, Package], counts: dict[str, int],
                      create: bool = True) -> list[tuple[Domain, VendorDomain]]:
    """A page of the account's domains (and their package links); the local domains to read mailboxes of."""
    existing = {d.name: d for d in Domain.objects.filter(name__in=[f.name for f in found])}
    busy = in_flight("domain", [d.pk for d in existing.values()])
    result = []
    for vendor in found:
        local = existing.get(vendor.name)
        if local is None:
            if not create:
                continue
            plain, _ = _split(vendor.fields)
            local = Domain.objects.create(
                customer=customer, vendor_account=vendor_account, name=vendor.name, vendor_id=vendor.vendor_id,
                vendor_state=vendor.vendor_state, vendor_customer=holder, vendor_attrs=vendor.attrs,
                last_synced_at=timezone.now(), **plain)
            counts["created"] += 1
            follow_up("domain", local)
        elif local.vendor_account_id != vendor_account.pk or local.customer_id != customer.pk:
            counts["skipped"] += 1  # another customer's or vendor account's in the panel: never taken over
            continue
        elif local.pk in busy:
            counts["skipped"] += 1
            continue
        else:
            facts: dict[str, Any] = {"vendor_id": vendor.vendor_id, "vendor_state": vendor.vendor_state}
            if holder is not None:
                facts["vendor_customer_id"] = holder.pk
            if vendor.attrs:
                facts["vendor_attrs"] = vendor.attrs
            facts.update({k: v for k, v in vendor.fields.items() if k not in compared})
            _compare("domain", local, facts=facts, compared=compared, theirs=vendor.fields, label=local.name,
                     customer_id=local.customer_id, vendor_account=vendor_account, counts=counts)
        _links(local, vendor, packages, counts, create)
        result.append((local, vendor))
    return result


def _links(domain: Domain, vendor: VendorDomain, packages: dict[str, Package], counts: dict[str, int],
           create: bool) -> None:
    wanted = [packages[g] for g in vendor.packages if g in packages]
    if not wanted:
        return
    held = dict(DomainPackageLink.objects.filter(domain=domain).values_list("package_id", "state"))
    for package in wanted:
        if package.pk not in held and create:
            DomainPackageLink.objects.create(domain=domain, package=package, state=LinkState.LINKED)
            counts["created"] += 1
        elif held.get(package.pk) == LinkState.LINKING and not in_flight("domain", [domain.pk]):
            DomainPackageLink.objects.filter(domain=domain, package=package).update(state=LinkState.LINKED)


# ---- mailboxes -------------------------------------------------------------------------------------------
MAILBOX_COLUMNS = {f.name for f in Mailbox._meta.get_fields() if getattr(f, "concrete", False)}


def mailboxes_reconcile(*, domain: Domain, page: list[VendorMailbox], compared: tuple[str, ...],
                        packages: dict[str, Package], counts: dict[str, int], create: bool = True) -> None:
    """One page of the domain's mailboxes, in bulk: new ones made, the others refreshed and compared."""
    compared = tuple(c for c in compared if c != "vendor_attrs")
    existing = {m.local_part: m for m in Mailbox.objects.filter(domain=domain,
                                                                local_part__in=[m.local_part for m in page])}
    busy = in_flight("mailbox", [m.pk for m in existing.values()])
    new, settled = [], []
    now = timezone.now()
    for vendor in page:
        details = {k: v for k, v in vendor.details.items() if k in MAILBOX_COLUMNS}
        package = packages.get(vendor.package)
        local = existing.get(vendor.local_part)
        if local is None:
            if create:
                new.append(Mailbox(domain=domain, local_part=vendor.local_part, vendor_id=vendor.vendor_id,
                                   vendor_state=vendor.vendor_state, package=package, last_synced_at=now,
                                   **{k: ("" if v is None and k != "quota_mb" else v) for k, v in details.items()}))
            continue
        if local.pk in busy:
            counts["skipped"] += 1
            continue
        facts = {k: v for k, v in details.items() if k not in compared}
        facts.update(vendor_id=vendor.vendor_id, vendor_state=vendor.vendor_state)
        if package is not None and "edition" not in compared:
            facts["package_id"] = package.pk
        changed = _refresh("mailbox", local, facts)
        found = differences(local, compared, details)
        if found:
            drift_open(target_type="mailbox", obj=local, label=local.address, customer_id=domain.customer_id,
                       vendor_account=domain.vendor_account, found=found)
            counts["drifted"] += 1
            continue
        settled.append(local.pk)
        counts["updated" if changed else "unchanged"] += 1
    if new:
        Mailbox.objects.bulk_create(new, ignore_conflicts=True)
        counts["created"] += len(new)
        watched = [m.local_part for m in new if m.vendor_state in FOLLOW_UP_STATES]
        for created in Mailbox.objects.filter(domain=domain, local_part__in=watched) if watched else ():
            follow_up("mailbox", created)
    drift_settle("mailbox", settled)


# ---- contacts --------------------------------------------------------------------------------------------
def contacts_reconcile(*, holder: VendorCustomer, found: list[VendorContact], compared: tuple[str, ...],
                       counts: dict[str, int], create: bool = True) -> None:
    """The account's contacts (by the vendor's id)."""
    existing = {c.vendor_id: c for c in Contact.objects.filter(vendor_customer=holder,
                                                               vendor_id__in=[f.vendor_id for f in found])}
    for vendor in found:
        local = existing.get(vendor.vendor_id)
        if local is None:
            if create:
                Contact.objects.create(vendor_customer=holder, vendor_id=vendor.vendor_id,
                                       vendor_state=vendor.vendor_state, last_synced_at=timezone.now(),
                                       **{k: v for k, v in vendor.fields.items() if v is not None})
                counts["created"] += 1
            continue
        _compare("contact", local, facts={"vendor_state": vendor.vendor_state}, compared=compared,
                 theirs=vendor.fields, label=f"{local.name}, contact of {holder.customer}",
                 customer_id=holder.customer_id, vendor_account=holder.vendor_account, counts=counts)


# ---- objects the vendor no longer holds -----------------------------------------------------------------
def gone_at_vendor(*, target_type: str, locals_not_seen, label_of, customer_id: int | None, vendor_account,
                   counts: dict[str, int], limit: int = 1000) -> None:
    """Objects the vendor confirmed once (they have its id) but no longer lists: one drift alert each ("the panel
    holds it, the vendor has no such"); never removed here, and never while a change to them is in flight."""
    gone = list(locals_not_seen.exclude(vendor_id="").exclude(requested_state=RequestedState.DELETED)[:limit])
    busy = in_flight(target_type, [o.pk for o in gone])
    for obj in gone:
        if obj.pk in busy:
            counts["skipped"] += 1
            continue
        drift_open(target_type=target_type, obj=obj, label=label_of(obj), customer_id=customer_id,
                   vendor_account=vendor_account, found=[Difference(EXISTS, True, False)])
        counts["drifted"] += 1


# ---- proposing customers for vendor-side accounts ---------------------------------------------------------
def _chunks(values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def customers_by(field: str, values: set[str]) -> dict[str, list[Customer]]:
    """Customers whose ``field`` (any case) is one of ``values``, by the lower-cased value."""
    found: dict[str, list[Customer]] = {}
    wanted = sorted({v.lower() for v in values if v})
    for chunk in _chunks(wanted):
        for customer in Customer.objects.annotate(match=Lower(field)).filter(match__in=chunk):
            found.setdefault(customer.match, []).append(customer)
    return found


def held_accounts(vendor_account, vendor_ids: list[str]) -> dict[str, VendorCustomer]:
    """The panel's vendor-side accounts on this vendor account, by the vendor's id."""
    held: dict[str, VendorCustomer] = {}
    for chunk in _chunks(vendor_ids):
        for account in VendorCustomer.objects.filter(vendor_account=vendor_account, vendor_id__in=chunk).exclude(
                requested_state=RequestedState.DELETED).select_related("customer"):
            held[account.vendor_id] = account
    return held
