"""Staff pages for operations (the outbox) and alerts, and the live alert badge."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from panel.views_helpers import (
    filter_param,
    paginate,
    query_string_without_page,
    redirect_after_post,
    render_page,
    staff_required,
)
from provisioning import selectors, services
from provisioning.choices import OperationState


@staff_required
def operation_list(request):
    state = filter_param(request, "state", choices=OperationState.values)
    page = paginate(request, selectors.operation_list(user=request.user, state=state))
    return render_page(
        request, "provisioning/operation_list.html",
        {"page": page, "state": state, "states": OperationState.choices, "qs": query_string_without_page(request)},
        partial="operation-table",
    )


@staff_required
def operation_detail(request, pk: int):
    operation = selectors.operation_get(user=request.user, pk=pk)
    return render_page(request, "provisioning/operation_detail.html", {"operation": operation})


@staff_required
@require_POST
def operation_retry(request, pk: int):
    operation = selectors.operation_get(user=request.user, pk=pk)
    try:
        services.operation_retry(operation=operation, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{operation} queued again.")
    return redirect_after_post(request, reverse("operation_detail", args=[operation.pk]))


@staff_required
def alert_list(request):
    show_resolved = request.GET.get("resolved") == "1"
    page = paginate(request, selectors.alert_list(user=request.user, include_resolved=show_resolved))
    return render_page(
        request, "provisioning/alert_list.html",
        {"page": page, "show_resolved": show_resolved, "qs": query_string_without_page(request)},
        partial="alert-table",
    )


@staff_required
@require_POST
def alert_acknowledge(request, pk: int):
    alert = selectors.alert_get(user=request.user, pk=pk)
    services.alert_acknowledge(alert=alert, acting_user=request.user)
    if request.htmx:
        return render(request, "provisioning/alert_list.html#alert-row", {"alert": alert})
    return redirect_after_post(request, reverse("alert_list"))


@staff_required
def alert_badge(request):
    """The navigation's alert badge; polled by every staff page."""
    return render(request, "base.html#alert-badge", {})
