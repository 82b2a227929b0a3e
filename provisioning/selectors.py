"""Reads of the engine, scoped to the user asking."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404

from core.choices import Severity
from core.db import Count, cheap_count
from provisioning import targets
from provisioning.choices import OPEN_OPERATION_STATES, OperationState
from provisioning.models import Alert, Attempt, Operation, VendorAccount


def _scope(queryset: QuerySet, user) -> QuerySet:
    if user.is_reseller_staff:
        return queryset
    return queryset.filter(customer__memberships__user=user)


# Pages never need secrets: leave them encrypted in the database.
_OPERATION_SECRETS = ("secret_payload", "vendor_account__credentials")


def operation_list(*, user, state: str = "", target_type: str = "", target_id: int | None = None,
                   customer=None, open_only: bool = False) -> QuerySet:
    qs = _scope(Operation.objects.select_related("vendor_account", "customer", "requested_by")
                .defer(*_OPERATION_SECRETS), user)
    if state in OperationState.values:
        qs = qs.filter(state=state)
    if open_only:
        qs = qs.filter(state__in=OPEN_OPERATION_STATES)
    if target_type and target_id is not None:
        qs = qs.filter(target_type=target_type, target_id=target_id)
    if customer is not None:
        qs = qs.filter(customer=customer)
    return qs.order_by("-id")


def operation_get(*, user, pk: int) -> Operation:
    qs = Operation.objects.select_related("vendor_account", "customer", "requested_by", "cancelled_by").defer(
        *_OPERATION_SECRETS)
    return get_object_or_404(_scope(qs, user), pk=pk)


def operation_attempts(*, operation: Operation) -> QuerySet:
    return Attempt.objects.filter(operation=operation).order_by("id")


def open_operations(*, target_type: str, target_id: int) -> list[Operation]:
    """The target's operations not yet ended (a new change waits for them), oldest first."""
    return list(Operation.objects.filter(target_type=target_type, target_id=target_id,
                                         state__in=OPEN_OPERATION_STATES).order_by("id").defer(*_OPERATION_SECRETS))


def has_open_operations(*, target_type: str, target_id: int) -> bool:
    return Operation.objects.filter(target_type=target_type, target_id=target_id,
                                    state__in=OPEN_OPERATION_STATES).exists()


def operation_counts() -> dict[str, Count]:
    """Open and failed operations by state, for the dashboard: each count bounded (10,000+), never a scan."""
    return {state: cheap_count(Operation.objects.filter(state=state))
            for state in (*sorted(OPEN_OPERATION_STATES), OperationState.FAILED)}


def target_labels(rows) -> dict[tuple[str, int], str]:
    """Names of the targets of a page of operations or alerts (one query per target type)."""
    return targets.labels_for([(r.target_type, r.target_id) for r in rows])


def alert_list(*, user, include_resolved: bool = False, resolved_only: bool = False, severity: str = "",
               target_type: str = "", target_id: int | None = None) -> QuerySet:
    qs = _scope(Alert.objects.select_related("customer", "acknowledged_by", "resolved_by"), user)
    if resolved_only:
        qs = qs.filter(resolved_at__isnull=False)
    elif not include_resolved:
        qs = qs.filter(resolved_at__isnull=True)
    if severity in Severity.values:
        qs = qs.filter(severity=severity)
    if target_type and target_id is not None:
        qs = qs.filter(target_type=target_type, target_id=target_id)
    # Open before resolved on every database, then the most urgent, then the oldest open first.
    if resolved_only:
        return qs.order_by("-resolved_at", "-id")
    return qs.order_by(F("resolved_at").asc(nulls_first=True), "severity_rank", "opened_at", "id")


def alert_get(*, user, pk: int) -> Alert:
    return get_object_or_404(_scope(Alert.objects.select_related("customer", "operation"), user), pk=pk)


def alert_counts(*, user) -> dict[str, int]:
    """Open alerts: all, and those of high severity (the badge)."""
    qs = _scope(Alert.objects.filter(resolved_at__isnull=True), user)
    # One query on the open-alert index, whatever the number of alerts: every staff page asks.
    return qs.aggregate(open=models.Count("id"), high=models.Count("id", filter=Q(severity=Severity.HIGH)))


def high_alerts(*, user, limit: int = 5) -> list[Alert]:
    """The open high-priority alerts for the banner on every staff page, oldest first."""
    return list(_scope(Alert.objects.filter(resolved_at__isnull=True, severity=Severity.HIGH), user)
                .order_by("opened_at", "id")[:limit])


def vendor_account_list(*, user, capability: str = "") -> list[VendorAccount]:
    """Active vendor accounts, optionally only those whose vendor has ``capability``."""
    accounts = list(VendorAccount.objects.filter(is_active=True).defer("credentials").order_by("name"))
    if capability:
        accounts = [a for a in accounts if a.profile.can(capability)]
    return accounts


def vendor_account_get(*, user, pk: int) -> VendorAccount:
    return get_object_or_404(VendorAccount.objects.all(), pk=pk)


def with_targets(rows) -> list:
    """Give each operation or alert of a page its target's name and link (one query per type)."""
    rows = list(rows)
    labels = target_labels(rows)
    for row in rows:
        row.target_label = labels.get((row.target_type, row.target_id), f"{row.target_type} #{row.target_id} (gone)")
        try:
            row.target_url = targets.get(row.target_type).url(row.target_id) if (
                row.target_type, row.target_id) in labels else ""
        except LookupError:
            row.target_url = ""
    return rows


def vendor_refusals(*, target_type: str, target_id: int) -> dict[str, str]:
    """The vendor's words on the latest failed change of each kind to a target, by the form field they
    concern, unless a later change of that kind succeeded (so a form can show them beside the field)."""
    seen: set[str] = set()
    found: dict[str, str] = {}
    for kind, state, field_name, error in (Operation.objects.filter(target_type=target_type, target_id=target_id)
                                           .order_by("-id").values_list("kind", "state", "error_field",
                                                                        "last_error")[:50]):
        if kind in seen:
            continue
        seen.add(kind)
        if state == OperationState.FAILED and error:
            found.setdefault(field_name or "", error)
    return found
