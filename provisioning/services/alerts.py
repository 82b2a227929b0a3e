"""Alerts: opened by the engine (or a follow-up), refreshed rather than doubled, resolved by the
vendor's own answer, acknowledged by staff. High-priority ones are mailed to the staff on duty."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import permissions
from core.audit import audit_record
from core.choices import Severity
from provisioning import targets
from provisioning.choices import AlertKind
from provisioning.models import Alert, Operation

logger = logging.getLogger(__name__)


def alert_open(
    *,
    kind: AlertKind | str,
    target_type: str,
    target_id: int,
    title: str,
    message: str = "",
    next_step: str = "",
    customer=None,
    customer_id: int | None = None,
    operation: Operation | None = None,
    severity: Severity | str | None = None,
    vendor_errors: list | None = None,
) -> Alert:
    """Open an alert, or refresh the open one for the same kind and target (never two)."""
    severity = severity or AlertKind(kind).default_severity
    fields = {
        "severity": severity, "title": title[:200], "message": message, "next_step": next_step[:300],
        "operation": operation, "vendor_errors": vendor_errors or [],
    }
    if customer is not None:
        fields["customer"] = customer
    elif customer_id is not None:
        fields["customer_id"] = customer_id
    with transaction.atomic(savepoint=False):
        existing = (
            Alert.objects.select_for_update()
            .filter(kind=kind, target_type=target_type, target_id=target_id, resolved_at__isnull=True)
            .first()
        )
        if existing is not None:
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.save()
            return existing
        try:
            with transaction.atomic():
                alert = Alert.objects.create(kind=kind, target_type=target_type, target_id=target_id, **fields)
        except IntegrityError:  # another worker opened it a moment ago
            return Alert.objects.get(kind=kind, target_type=target_type, target_id=target_id, resolved_at__isnull=True)
    if alert.severity == Severity.HIGH:
        transaction.on_commit(lambda: alert_notify(alert_id=alert.pk))
    return alert


def alert_resolve(*, kind: AlertKind | str, target_type: str, target_id: int, resolved_by=None,
                  resolution: str = "") -> int:
    """Resolve the open alert of this kind on this target, if any, saying who or what fixed it."""
    return Alert.objects.filter(
        kind=kind, target_type=target_type, target_id=target_id, resolved_at__isnull=True
    ).update(resolved_at=timezone.now(), resolved_by=resolved_by if getattr(resolved_by, "pk", None) else None,
             resolution=resolution[:300])


def alerts_resolve(*, kinds: list[str], target_type: str, target_id: int, resolved_by=None,
                   resolution: str = "") -> int:
    """Resolve the open alerts of any of ``kinds`` on one target (one query)."""
    return Alert.objects.filter(
        kind__in=kinds, target_type=target_type, target_id=target_id, resolved_at__isnull=True
    ).update(resolved_at=timezone.now(), resolved_by=resolved_by if getattr(resolved_by, "pk", None) else None,
             resolution=resolution[:300])


def alert_resolve_operation(*, operation: Operation, resolution: str = "") -> int:
    """Resolve the failure alert this operation opened (another operation's stays open)."""
    return Alert.objects.filter(kind=AlertKind.OPERATION_FAILED, operation=operation, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=operation.requested_by, resolution=resolution[:300])


@transaction.atomic
def alert_acknowledge(*, alert: Alert, acting_user) -> Alert:
    """A staff member takes the alert on; it stays open until the cause is gone."""
    permissions.require(acting_user, permissions.SERVICES_CHANGE)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is None and alert.resolved_at is None:
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = acting_user
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_record(acting_user=acting_user, action="alert.acknowledge", target=alert, customer=alert.customer,
                     summary=f"Acknowledged alert “{alert.title}”")
    return alert


def alert_notify(*, alert_id: int) -> bool:
    """Mail a high-priority alert to the staff on duty (admins and support with an address), once."""
    updated = Alert.objects.filter(pk=alert_id, notified_at__isnull=True, resolved_at__isnull=True).update(
        notified_at=timezone.now())
    if not updated:
        return False
    alert = Alert.objects.select_related("customer").get(pk=alert_id)
    recipients = list(
        get_user_model().objects.filter(is_active=True, is_staff=True, staff_role__in=["admin", "support"])
        .exclude(email="").values_list("email", flat=True)
    )
    if not recipients:
        return False
    label = targets.labels_for([(alert.target_type, alert.target_id)]).get((alert.target_type, alert.target_id), "")
    lines = [alert.title, "", alert.message]
    if label:
        lines += ["", f"Affects: {label}" + (f" ({alert.customer.name})" if alert.customer else "")]
    if alert.vendor_errors:
        lines += ["", "The vendor said:", *[f"  - {e}" for e in alert.vendor_errors]]
    if alert.next_step:
        lines += ["", f"Next step: {alert.next_step}"]
    lines += ["", f"Open the alert desk: {settings.PANEL_URL.rstrip('/')}/alerts/{alert.pk}/"]
    try:
        send_mail(subject=f"[High priority] {alert.title}"[:200], message="\n".join(lines),
                  from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=recipients)
    except Exception:  # mail is a courtesy; the banner and the desk still show the alert
        logger.warning("could not mail alert %s", alert_id, exc_info=True)
        return False
    return True
