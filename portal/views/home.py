"""The portal's entry: sign-in, the organisation at a glance, its activity log."""

from __future__ import annotations

from core import permissions
from core.views import paginate, render_page
from customers import selectors
from portal.views.common import portal_required


@portal_required
def home(request):
    customer = request.portal.customer
    return render_page(request, "portal/home.html", {
        "domains": paginate(request, selectors.domain_list(user=request.user, customer=customer)),
        "accounts": selectors.vendor_customers(customer=customer),
        "activity": selectors.activity_of(customer=customer)[:8],
    }, partial="domain-table")


@portal_required(permission=permissions.SERVICES_VIEW)
def activity(request):
    """Everything changed in the organisation, by whom, and by which of the reseller's staff on their behalf."""
    return render_page(request, "portal/activity.html", {
        "page": paginate(request, selectors.activity_of(customer=request.portal.customer)),
    }, partial="activity-table")
