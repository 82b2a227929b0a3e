"""The fix a drift alert offers in place: both sides field by field, "take the vendor's" and "push ours"."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.permissions import SERVICES_CHANGE, can
from core.views import redirect_after_post, render_page, staff_required
from customers.services import drift
from provisioning.choices import AlertKind
from provisioning.models import Alert


def _alert(target_type: str, pk: int) -> Alert:
    return get_object_or_404(Alert.objects.select_related("customer"), kind=AlertKind.DRIFT, target_type=target_type,
                             target_id=pk, resolved_at__isnull=True)


@staff_required
@require_GET
def drift_fix(request, target_type: str, pk: int):
    """Both sides of each differing field, with the two ways to settle them."""
    alert = _alert(target_type, pk)
    details = alert.details or {}
    return render_page(request, "customers/drift_fix.html", {
        "alert": alert, "fields": details.get("fields") or [],
        "vendor_label": details.get("vendor_label") or "the vendor",
        "can_push": drift.can_push(alert), "can_change": can(request.user, SERVICES_CHANGE)})


def _settle(request, target_type: str, pk: int, how: str):
    alert = _alert(target_type, pk)
    if not can(request.user, SERVICES_CHANGE):
        raise PermissionDenied
    try:
        if how == "take":
            drift.drift_take_vendors(alert=alert, acting_user=request.user)
            messages.success(request, "The panel now holds the vendor's values.")
        else:
            operations = drift.drift_push_ours(alert=alert, acting_user=request.user)
            messages.success(request, f"The panel's values are queued for the vendor ({len(operations)} change(s)).")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect_after_post(request, reverse("provisioning:alert_detail", args=[alert.pk]))


@staff_required(permission=SERVICES_CHANGE)
@require_POST
def drift_take_vendors(request, target_type: str, pk: int):
    return _settle(request, target_type, pk, "take")


@staff_required(permission=SERVICES_CHANGE)
@require_POST
def drift_push_ours(request, target_type: str, pk: int):
    return _settle(request, target_type, pk, "push")
