"""Reads of the provisioning app, scoped to the user asking."""

from __future__ import annotations

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from panel.choices import Severity
from provisioning.choices import OperationState
from provisioning.models import Alert, Operation, VendorAccount


def _scope(queryset: QuerySet, user) -> QuerySet:
    if user.is_reseller_staff:
        return queryset
    return queryset.filter(customer__memberships__user=user)


# Pages never need secrets: leave them encrypted in the database.
_OPERATION_SECRETS = ("secret_payload", "vendor_account__credentials")


def operation_list(*, user, state: str = "", target_type: str = "", target_id: int | None = None) -> QuerySet:
    qs = _scope(Operation.objects.select_related("vendor_account", "customer", "requested_by")
                .defer(*_OPERATION_SECRETS), user)
    if state in OperationState.values:
        qs = qs.filter(state=state)
    if target_type and target_id is not None:
        qs = qs.filter(target_type=target_type, target_id=target_id)
    return qs.order_by("-id")


def operation_get(*, user, pk: int) -> Operation:
    qs = Operation.objects.select_related("vendor_account", "customer").defer(*_OPERATION_SECRETS)
    return get_object_or_404(_scope(qs, user), pk=pk)


def alert_list(*, user, include_resolved: bool = False) -> QuerySet:
    qs = _scope(Alert.objects.select_related("customer", "acknowledged_by"), user)
    if not include_resolved:
        qs = qs.filter(resolved_at__isnull=True)
    # Open before resolved on every database, then the most urgent, then the newest.
    severity_rank = Case(*(When(severity=s, then=Value(s.rank)) for s in Severity), output_field=IntegerField())
    return qs.order_by(F("resolved_at").asc(nulls_first=True), severity_rank, "-opened_at")


def alert_get(*, user, pk: int) -> Alert:
    return get_object_or_404(_scope(Alert.objects.all(), user), pk=pk)


def alert_counts(*, user) -> dict[str, int]:
    """Open alerts: all, and those of high severity (the badge)."""
    qs = _scope(Alert.objects.filter(resolved_at__isnull=True), user)
    open_total = qs.count()
    high = qs.filter(severity=Severity.HIGH).count() if open_total else 0
    return {"open": open_total, "high": high}


def vendor_account_list(*, user, capability: str = "") -> list[VendorAccount]:
    """Active vendor accounts, optionally only those whose vendor has ``capability``."""
    accounts = list(VendorAccount.objects.filter(is_active=True).order_by("name"))
    if capability:
        accounts = [a for a in accounts if a.profile.can(capability)]
    return accounts
