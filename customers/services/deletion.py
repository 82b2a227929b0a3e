"""Keeping an object whose deletion failed at the vendor (it still lives there): staff may withdraw the
deletion instead of retrying it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from core.audit import audit_record
from core.permissions import SERVICES_CHANGE, require
from customers.choices import RequestedState
from customers.lifecycle import deletion_of
from customers.models import Domain, Mailbox


@transaction.atomic
def deletion_withdraw(*, obj: Domain | Mailbox, acting_user) -> Domain | Mailbox:
    """Withdraw a failed (or cancelled) deletion: the object is asked to be active again, as it still is at
    the vendor. Refused while the deletion is still in flight."""
    require(acting_user, SERVICES_CHANGE)
    target_type = "mailbox" if isinstance(obj, Mailbox) else "domain"
    obj = type(obj).objects.select_for_update(of=("self",)).get(pk=obj.pk)
    deletion = deletion_of(obj, target_type)
    if not deletion.failed:
        raise ValidationError("Only a deletion that failed or was cancelled can be withdrawn.")
    obj.requested_state = RequestedState.ACTIVE
    obj.save(update_fields=["requested_state", "updated_at"])
    customer = obj.domain.customer if target_type == "mailbox" else obj.customer
    audit_record(acting_user=acting_user, action=f"{target_type}.keep", target=obj, customer=customer,
                 summary=f"Kept {obj} after its deletion failed at the vendor")
    return obj
