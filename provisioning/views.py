"""Staff pages of the engine: operations (the outbox) with their attempts, the alert desk, and the
live banner and badge every staff page carries."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core import permissions
from core.export import stream_csv
from core.lists import list_page, query_without
from core.views import (
    redirect_after_post,
    render_list,
    render_page,
    staff_required,
)
from provisioning import selectors, services, targets, words
from provisioning.filters import (
    OPEN_ALERT_SORTS,
    OPERATION_SORTS,
    RESOLVED_ALERT_SORTS,
    AlertFilter,
    OperationFilter,
)
from provisioning.forms import CancelForm


@staff_required
def operation_list(request):
    filters = OperationFilter(request.GET, queryset=selectors.operation_list(user=request.user))
    page = list_page(request, filters.qs, sorts=OPERATION_SORTS)
    page.items = selectors.with_targets(page.items)
    return render_list(request, "provisioning/operation_list.html", {
        "filters": filters, "page": page, "qs": query_without(request, "after", "before"),
        "rows_template": "provisioning/rows/operations.html",
        "export_url": reverse("provisioning:operation_export"),
    }, table_id="operation-table")


@staff_required
def operation_export(request):
    """The operations the list's filter shows, as a streamed CSV (targets named a chunk at a time)."""
    qs = OperationFilter(request.GET, queryset=selectors.operation_list(user=request.user)).qs.order_by("-id")

    def rows():
        chunk = []
        for op in qs.iterator(chunk_size=2000):
            chunk.append(op)
            if len(chunk) == 2000:
                yield from selectors.with_targets(chunk)
                chunk = []
        yield from selectors.with_targets(chunk)

    return stream_csv(name="operations", rows=rows(),
                      header=["id", "change", "kind", "object", "customer", "vendor account", "state", "attempts",
                              "asked by", "asked at", "finished at", "vendor said"],
                      row=lambda op: [op.pk, op.summary, op.kind, op.target_label, op.customer.name if op.customer
                                      else "", op.vendor_account.name, op.state, op.attempts,
                                      op.requested_by.username if op.requested_by else "", op.created_at,
                                      op.finished_at, op.last_error or op.result_message])


@staff_required
def operation_detail(request, pk: int):
    operation = selectors.operation_get(user=request.user, pk=pk)
    selectors.with_targets([operation])
    return render_page(request, "provisioning/operation_detail.html", {
        "operation": operation, "attempts": selectors.operation_attempts(operation=operation),
        "prerequisites": list(operation.depends_on.all().only("id", "summary", "state")),
        "lines": words.payload_lines(operation), "next_step": words.next_step(operation),
        "cancel_form": CancelForm()})


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def operation_retry(request, pk: int):
    operation = selectors.operation_get(user=request.user, pk=pk)
    try:
        services.operation_retry(operation=operation, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{operation.summary}” queued again.")
    return redirect_after_post(request, reverse("provisioning:operation_detail", args=[operation.pk]))


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def operation_cancel(request, pk: int):
    operation = selectors.operation_get(user=request.user, pk=pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.operation_cancel(operation=operation, reason=form.cleaned_data["reason"],
                                      acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"“{operation.summary}” cancelled.")
    else:
        messages.error(request, "Say why the change is cancelled.")
    return redirect_after_post(request, reverse("provisioning:operation_detail", args=[operation.pk]))


@staff_required
def alert_list(request):
    """The alert desk: open alerts by severity and age; the history of resolved ones."""
    show = "resolved" if request.GET.get("show") == "resolved" else "open"
    filters = AlertFilter(request.GET, queryset=selectors.alert_list(user=request.user,
                                                                     resolved_only=show == "resolved"))
    page = list_page(request, filters.qs, sorts=RESOLVED_ALERT_SORTS if show == "resolved" else OPEN_ALERT_SORTS)
    page.items = selectors.with_targets(page.items)
    return render_list(request, "provisioning/alert_list.html", {
        "filters": filters, "page": page, "qs": query_without(request, "after", "before"), "show": show,
        "extra_params": {"show": show} if show == "resolved" else {},
        "rows_template": "provisioning/rows/alerts.html",
    }, table_id="alert-table")


def _alert_context(request, alert) -> dict:
    selectors.with_targets([alert])
    try:
        fix_url = targets.get(alert.target_type).fix_url(alert.target_id, alert.kind)
    except LookupError:
        fix_url = ""
    return {"alert": alert, "fix_url": f"{fix_url}?alert={alert.pk}&kind={alert.kind}" if fix_url else "",
            "operation": alert.operation}


@staff_required
def alert_detail(request, pk: int):
    alert = selectors.alert_get(user=request.user, pk=pk)
    return render_page(request, "provisioning/alert_detail.html", _alert_context(request, alert))


@staff_required
@require_GET
def alert_status(request, pk: int):
    """The alert's live part: open until the vendor says the cause is gone (286 once resolved)."""
    alert = selectors.alert_get(user=request.user, pk=pk)
    response = render(request, "provisioning/alert_detail.html#alert-status", _alert_context(request, alert))
    if alert.resolved_at:
        response.status_code = 286
    return response


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def alert_acknowledge(request, pk: int):
    alert = selectors.alert_get(user=request.user, pk=pk)
    alert = services.alert_acknowledge(alert=alert, acting_user=request.user)
    if request.htmx and request.POST.get("row"):
        selectors.with_targets([alert])
        return render(request, "provisioning/rows/alerts.html#alert-row", {"alert": alert})
    messages.success(request, "Acknowledged: it stays open until the vendor says the cause is gone.")
    return redirect_after_post(request, reverse("provisioning:alert_detail", args=[alert.pk]))


@staff_required
def alert_badge(request):
    """The navigation's alert badge; polled by every staff page."""
    return render(request, "base.html#alert-badge", {})


@staff_required
def alert_banner(request):
    """The high-priority banner at the top of every staff page; polled by every staff page."""
    high = selectors.high_alerts(user=request.user)
    return render(request, "base.html#alert-banner", {"high_alerts": high})
