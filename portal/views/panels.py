"""The vendor's own settings on the customer's mailboxes and domains (forwards, auto-replies, spam lists...),
the same capability-driven panels the staff console shows, scoped to the portal's customer."""

from __future__ import annotations

from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from core import permissions
from customers.views.panels import SECRET_FIELDS, change_panel, open_spam_control_panel, render_panel
from portal.views.common import portal_required


@portal_required
@require_GET
def panel_view(request, target: str, pk: int, name: str):
    return render_panel(request, target, pk, name, ns="portal", scope=request.portal.customer)


@sensitive_post_parameters(*SECRET_FIELDS)
@portal_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def panel_change(request, target: str, pk: int, name: str):
    return change_panel(request, target, pk, name, ns="portal", scope=request.portal.customer)


@portal_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def spam_control_panel(request, target: str, pk: int):
    return open_spam_control_panel(request, target, pk, scope=request.portal.customer)
