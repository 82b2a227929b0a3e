"""The staff shell: the dashboard, read through the apps' selectors."""

from __future__ import annotations

from core.views import render_page, staff_required
from customers import selectors as customer_selectors
from provisioning import selectors as provisioning_selectors


@staff_required
def dashboard(request):
    counts = provisioning_selectors.operation_counts()
    waiting = counts["pending"] + counts["running"] + counts["polling"]
    return render_page(request, "panel/dashboard.html", {
        "counts": customer_selectors.estate_counts(user=request.user),
        "waiting": waiting,
        "failed": counts["failed"],
        "alerts": provisioning_selectors.with_targets(provisioning_selectors.alert_list(user=request.user)[:8]),
        "operations": provisioning_selectors.with_targets(provisioning_selectors.operation_list(user=request.user)[:8]),
    })
