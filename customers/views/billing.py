"""The billing view: what each vendor-side account costs per month, and the vendors' invoices with their
line items (read from the vendor's CSV when first opened, then kept, and downloadable)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import permissions
from core.views import paginate, redirect_after_post, render_page, staff_required
from customers import selectors, services
from provisioning import selectors as provisioning_selectors
from provisioning.adapters.base import RateLimited, VendorError
from provisioning.choices import Capability


@staff_required(permission=permissions.BILLING_VIEW)
def billing(request):
    month_text = request.GET.get("month", "")
    try:
        month = datetime.date.fromisoformat(month_text + "-01") if month_text else None
    except ValueError:
        month = None
    return render_page(request, "customers/billing.html", {
        "costs": paginate(request, selectors.monthly_costs(user=request.user, month=month)),
        "invoices": selectors.invoice_list(user=request.user)[:25],
        "cost_accounts": provisioning_selectors.vendor_account_list(user=request.user,
                                                                    capability=Capability.MONTHLY_COSTS),
        "month": month})


@staff_required(permission=permissions.BILLING_VIEW)
@require_POST
def costs_fetch(request, account_pk: int):
    account = provisioning_selectors.vendor_account_get(user=request.user, pk=account_pk)
    if not account.profile.can(Capability.MONTHLY_COSTS):
        raise Http404("This vendor reports no monthly costs.")
    services.costs_fetch(vendor_account=account, acting_user=request.user)
    messages.success(request, f"Fetching this month's costs from {account.name}: queued.")
    return redirect_after_post(request, reverse("customers:billing"))


@staff_required(permission=permissions.BILLING_VIEW)
@require_POST
def invoices_fetch(request, pk: int):
    account = selectors.vendor_customer_get(user=request.user, pk=pk)
    try:
        count = services.invoices_fetch(vendor_customer=account, acting_user=request.user)
    except RateLimited as exc:
        messages.error(request, f"{exc.message} Try again in {exc.retry_after:.0f} s.")
    except VendorError as exc:
        messages.error(request, f"The invoices could not be fetched: {exc.message}")
    else:
        messages.success(request, f"{count} invoice(s) fetched from {account.vendor_account.name}.")
    return redirect_after_post(request, reverse("customers:vendor_customer_detail", args=[account.pk]))


@staff_required(permission=permissions.BILLING_VIEW)
def invoice_detail(request, pk: int):
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    error = ""
    if invoice.csv_available and not invoice.lines_fetched_at:
        try:
            invoice = services.invoice_lines(invoice=invoice)
        except RateLimited as exc:
            error = f"{exc.message} Open it again in {exc.retry_after:.0f} s."
        except VendorError as exc:
            error = f"The line items could not be read: {exc.message}"
    return render_page(request, "customers/invoice_detail.html", {
        "invoice": invoice, "account": invoice.vendor_customer, "lines": list(invoice.lines.all()), "error": error})


@staff_required(permission=permissions.BILLING_VIEW)
def invoice_csv(request, pk: int):
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    if not invoice.csv_text:
        raise Http404("No line items are kept for this invoice.")
    response = HttpResponse(invoice.csv_text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="invoice-{invoice.invoice_id}.csv"'
    return response
