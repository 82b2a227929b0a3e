"""What the customers app's services share."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.audit import audit_record
from customers.choices import CustomerStatus
from provisioning import selectors as provisioning_selectors
from provisioning import services as provisioning
from provisioning.kinds import payload_class
from provisioning.models import Operation


def save_new(instance, *, unique_error: dict[str, str]):
    """Validate fields, then insert; a unique clash (or a race on one) becomes a field error, not a 500."""
    # Model constraints are left to the database so their clash lands on the right field below.
    instance.full_clean(validate_constraints=False, validate_unique=False)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationError(unique_error) from exc
    return instance


def require_account_usable(vendor_account, *, field: str = "vendor_account") -> None:
    if not vendor_account.is_active:
        raise ValidationError({field: "This vendor account is disabled."})


def require_customer_active(customer, *, field: str | None = None) -> None:
    """A suspended or closed customer gets no new services."""
    if customer.status != CustomerStatus.ACTIVE:
        message = f"{customer.name} is {customer.get_status_display().lower()}: it gets no new services."
        raise ValidationError({field: message} if field else message)


def request_action(*, obj, target: str, name: str, acting_user) -> Operation:
    """Queue one of the actions the object's vendor offers (its profile's ``ActionSpec``)."""
    account = obj.vendor_account if target != "mailbox" else obj.domain.vendor_account
    customer = obj.customer if target != "mailbox" else obj.domain.customer
    spec = account.profile.action(target, name)
    if spec is None:
        raise ValidationError(f"{account.kind_label} offers no “{name}” here.")
    if not spec.offered_in(obj.vendor_state) and not provisioning_selectors.has_open_operations(
            target_type=target, target_id=obj.pk):
        raise ValidationError(f"“{spec.label}” is not possible while the vendor reports it "
                              f"{obj.vendor_state_choice.label.lower()}.")
    if spec.requests_state:
        type(obj).objects.filter(pk=obj.pk).update(requested_state=spec.requests_state)
    label = getattr(obj, "name", None) or str(obj)
    operation = provisioning.operation_enqueue(
        payload=payload_class(spec.kind)(**{f"{target}_id": obj.pk}), vendor_account=account, customer=customer,
        acting_user=acting_user, summary=f"{spec.label}: {label}",
    )
    audit_record(acting_user=acting_user, action=spec.kind, target=obj, customer=customer,
                 summary=f"Asked for “{spec.label}” on {label}")
    return operation
