"""Reads for an object's life on its page: is a deletion under way, or did it fail at the vendor?

A deleted object's row goes only when the vendor confirms the deletion (the target type's ``removed``
fact). So a row asked to be deleted (``requested_state == "deleted"``) with no change in flight left to
carry that out still lives at the vendor: its deletion failed (or was cancelled), and its page says so
with the vendor's words and the way to retry.
"""

from __future__ import annotations

from dataclasses import dataclass

from customers.choices import RequestedState
from provisioning.choices import OPEN_OPERATION_STATES, OperationState
from provisioning.models import Operation


@dataclass(frozen=True)
class Deletion:
    """Where an object's deletion stands: "" (not asked), "deleting" (in flight) or "failed"."""

    state: str = ""
    operation: Operation | None = None

    @property
    def failed(self) -> bool:
        return self.state == "failed"

    @property
    def in_flight(self) -> bool:
        return self.state == "deleting"


def _carriers(obj, target_type: str) -> list[tuple[str, int]]:
    """The targets whose operations carry out the object's deletion: itself, and for a domain a vendor keeps
    inside the customer's account there (Greenview), that account (whose update removes it)."""
    found = [(target_type, obj.pk)]
    if target_type == "domain" and getattr(obj, "vendor_customer_id", None):
        found.append(("vendor_customer", obj.vendor_customer_id))
    return found


def deletion_of(obj, target_type: str) -> Deletion:
    """Where ``obj``'s deletion stands (two small indexed queries, only for a row asked to be deleted)."""
    if obj.requested_state != RequestedState.DELETED:
        return Deletion()
    latest = None
    for kind_target, pk in _carriers(obj, target_type):
        ops = Operation.objects.filter(target_type=kind_target, target_id=pk).defer("secret_payload")
        if ops.filter(state__in=OPEN_OPERATION_STATES).exists():
            return Deletion("deleting")
        candidate = ops.filter(state__in=[OperationState.FAILED, OperationState.CANCELLED]).order_by("-id").first()
        if candidate is not None and (latest is None or candidate.pk > latest.pk):
            latest = candidate
    return Deletion("failed", latest)
