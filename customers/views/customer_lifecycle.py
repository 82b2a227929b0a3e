"""Staff pages of a customer's life: suspend, reactivate, close. Each first says, per vendor, what will
be queued there and what stops working; closing asks for the customer's name typed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from core import permissions
from core.views import apply_service_errors, redirect_after_post, render_page, staff_required
from customers import selectors
from customers.forms_lifecycle import CloseForm, SuspendForm
from customers.services.customer_lifecycle import (
    EVENTS,
    FROM,
    customer_close,
    customer_lifecycle_preview,
    customer_reactivate,
    customer_suspend,
)

TITLES = {"suspend": "Suspend", "reactivate": "Reactivate", "close": "Close"}


def _form(event: str, customer, data):
    if event == "suspend":
        return SuspendForm(data)
    if event == "close":
        return CloseForm(data, expected=customer.name)
    return None


def _save(event: str, customer, form, user):
    if event == "suspend":
        return customer_suspend(customer=customer, reason=form.cleaned_data["reason"], acting_user=user)
    if event == "close":
        return customer_close(customer=customer, confirm=form.cleaned_data["confirm"],
                              reason=form.cleaned_data.get("reason", ""), acting_user=user)
    return customer_reactivate(customer=customer, acting_user=user)


@staff_required(permission=permissions.CUSTOMERS_CHANGE)
@require_http_methods(["GET", "POST"])
def customer_lifecycle(request, pk: int, event: str):
    """GET: what ``event`` would do at each vendor; POST: do it (the vendors' changes queued as operations)."""
    if event not in EVENTS:
        raise Http404("No such change.")
    customer = selectors.customer_get(user=request.user, pk=pk)
    url = reverse("customers:customer_detail", args=[customer.pk])
    form = _form(event, customer, request.POST or None)
    allowed = customer.status in FROM[event]
    if request.method == "POST" and allowed and (form is None or form.is_valid()):
        try:
            operations = _save(event, customer, form, request.user)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect_after_post(request, url)
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
                return redirect_after_post(request, url)
            apply_service_errors(form, error)
        else:
            queued = len(operations)
            messages.success(request, f"{customer.name}: {TITLES[event].lower()}d. "
                             + (f"{queued} change{'s' if queued != 1 else ''} queued at vendors; this page follows "
                                "them." if queued else "Nothing needed changing at any vendor."))
            return redirect_after_post(request, url)
    return render_page(request, "customers/customer_lifecycle.html", {
        "customer": customer, "event": event, "title": TITLES[event], "form": form, "allowed": allowed,
        "effects": customer_lifecycle_preview(customer=customer, event=event),
        "action_url": reverse("customers:customer_lifecycle", args=[customer.pk, event]),
    })
