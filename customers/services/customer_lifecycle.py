"""A customer's life: suspend, reactivate, close.

A suspended or closed customer gets no new services (``require_customer_active``). Suspending or closing
also queues, at each vendor that has one, the matching change on each of the customer's objects there,
as the vendor's profile declares it (``VendorProfile.customer_lifecycle``: SYNAQ closes the domains,
Rackspace disables the account); each is an operation like any other. Reactivating returns exactly the
objects the suspension changed. A vendor with no such step keeps serving, and the page says so first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from core.audit import audit_record
from core.permissions import CUSTOMERS_CHANGE, require
from customers.choices import CustomerStatus, RequestedState
from customers.models import Customer, Domain, Mailbox, VendorCustomer
from customers.services.common import request_action
from provisioning import selectors as provisioning_selectors
from provisioning.models import Operation, VendorAccount
from provisioning.vendors.profile import ActionSpec

EVENTS = ("suspend", "reactivate", "close")
DONE = {"suspend": "Suspended", "close": "Closed", "reactivate": "Reactivated"}
# What each event makes of the customer, and from which statuses it may be asked.
BECOMES = {"suspend": CustomerStatus.SUSPENDED, "close": CustomerStatus.CLOSED, "reactivate": CustomerStatus.ACTIVE}
FROM = {"suspend": {CustomerStatus.ACTIVE}, "close": {CustomerStatus.ACTIVE, CustomerStatus.SUSPENDED},
        "reactivate": {CustomerStatus.SUSPENDED, CustomerStatus.CLOSED}}


def _objects(customer: Customer, account: VendorAccount, target: str) -> QuerySet:
    """The customer's objects of ``target`` type on one vendor account (not being deleted)."""
    if target == "vendor_customer":
        qs = VendorCustomer.objects.filter(customer=customer, vendor_account=account)
    elif target == "domain":
        qs = Domain.objects.filter(customer=customer, vendor_account=account)
    elif target == "mailbox":
        qs = Mailbox.objects.filter(domain__customer=customer, domain__vendor_account=account)
    else:
        raise LookupError(f"customer lifecycle steps do not reach {target} objects")
    return qs.exclude(requested_state=RequestedState.DELETED).order_by("id")


def _offered(spec: ActionSpec, obj) -> bool:
    """The object's vendor state offers the action, or a change still in flight may bring it there."""
    return spec.offered_in(obj.vendor_state) or provisioning_selectors.has_open_operations(
        target_type=spec.target, target_id=obj.pk)


@dataclass
class VendorEffect:
    """What one event means at one vendor account: the actions, on how many objects, and what stops."""

    account: VendorAccount
    steps: list[tuple[ActionSpec, list]] = field(default_factory=list)

    @property
    def changes_nothing(self) -> bool:
        return not any(objects for _, objects in self.steps)

    @property
    def declared(self) -> bool:
        return bool(self.steps)


def _accounts_of(customer: Customer) -> list[VendorAccount]:
    ids = set(Domain.objects.filter(customer=customer).values_list("vendor_account_id", flat=True))
    ids |= set(VendorCustomer.objects.filter(customer=customer).exclude(requested_state=RequestedState.DELETED)
               .values_list("vendor_account_id", flat=True))
    return list(VendorAccount.objects.filter(pk__in=ids).defer("credentials").order_by("name"))


def customer_lifecycle_preview(*, customer: Customer, event: str) -> list[VendorEffect]:
    """Per vendor account the customer has services on: what ``event`` would queue there, on which objects.

    Reactivating lists only the objects the suspension or closing changed.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown customer event {event!r}")
    held = {(t, pk) for t, pk, _ in customer.lifecycle_held}
    effects = []
    for account in _accounts_of(customer):
        effect = VendorEffect(account=account)
        for spec in account.profile.customer_steps(event):
            objects = [obj for obj in _objects(customer, account, spec.target)
                       if (event != "reactivate" or (spec.target, obj.pk) in held) and _offered(spec, obj)]
            effect.steps.append((spec, objects))
        effects.append(effect)
    return effects


def _change(customer: Customer, event: str, *, reason: str, acting_user) -> list[Operation]:
    require(acting_user, CUSTOMERS_CHANGE)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.status not in FROM[event]:
        raise ValidationError(f"{customer.name} is {customer.get_status_display().lower()}: it cannot be "
                              f"{DONE[event].lower()} from there.")
    operations: list[Operation] = []
    held = [] if event == "reactivate" else [list(h) for h in customer.lifecycle_held]
    for effect in customer_lifecycle_preview(customer=customer, event=event):
        for spec, objects in effect.steps:
            for obj in objects:
                operations.append(request_action(obj=obj, target=spec.target, name=spec.name,
                                                 acting_user=acting_user))
                if event != "reactivate" and [spec.target, obj.pk] not in [h[:2] for h in held]:
                    held.append([spec.target, obj.pk, spec.name])
    before = customer.status
    customer.status = BECOMES[event]
    customer.status_reason = reason[:300] if event != "reactivate" else ""
    customer.lifecycle_held = held
    customer.save(update_fields=["status", "status_reason", "lifecycle_held", "updated_at"])
    words = DONE[event]
    audit_record(acting_user=acting_user, action=f"customer.{event}", target=customer, customer=customer,
                 summary=f"{words} {customer.name}" + (f": {reason}" if reason else "")
                 + f" ({len(operations)} change{'s' if len(operations) != 1 else ''} queued at vendors)",
                 changes={"status": [before, customer.status],
                          "operations": [op.pk for op in operations]})
    return operations


@transaction.atomic
def customer_suspend(*, customer: Customer, reason: str, acting_user) -> list[Operation]:
    """Suspend the customer: no new services, and each vendor's suspension queued (SYNAQ closes the domains,
    Rackspace disables the account). Returns the operations queued."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the customer is suspended (e.g. unpaid invoice 1042)."})
    return _change(customer, "suspend", reason=reason, acting_user=acting_user)


@transaction.atomic
def customer_close(*, customer: Customer, confirm: str, reason: str = "", acting_user) -> list[Operation]:
    """Close the customer (its name typed to confirm): no new services, each vendor's closing queued."""
    if (confirm or "").strip().lower() != customer.name.lower():
        raise ValidationError({"confirm": f"Type {customer.name} to confirm."})
    return _change(customer, "close", reason=(reason or "").strip(), acting_user=acting_user)


@transaction.atomic
def customer_reactivate(*, customer: Customer, acting_user) -> list[Operation]:
    """Return a suspended or closed customer to service, with what its suspension changed at vendors."""
    return _change(customer, "reactivate", reason="", acting_user=acting_user)
