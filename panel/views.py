"""The staff shell: the dashboard."""

from __future__ import annotations

from django.db.models import Count

from customers.models import Customer, Domain, Mailbox
from panel.views_helpers import render_page, staff_required
from provisioning import selectors as provisioning_selectors
from provisioning.choices import OperationState
from provisioning.models import Operation


@staff_required
def dashboard(request):
    operation_counts = dict(
        Operation.objects.filter(state__in=[OperationState.PENDING, OperationState.RUNNING, OperationState.POLLING,
                                            OperationState.FAILED])
        .values_list("state").annotate(n=Count("id")).order_by()
    )
    context = {
        "counts": {
            "customers": Customer.objects.count(),
            "domains": Domain.objects.count(),
            "mailboxes": Mailbox.objects.count(),
        },
        "operation_counts": operation_counts,
        "alerts": provisioning_selectors.alert_list(user=request.user)[:8],
        "operations": provisioning_selectors.operation_list(user=request.user)[:8],
    }
    return render_page(request, "panel/dashboard.html", context)
