"""The customer's accounts at the vendors: contacts, invoices (CSV), monthly costs, and the vendor's own
control panel through its login token. What shows is what the vendor's profile declares."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from core import permissions
from core.views import redirect_after_post, render_page, submit
from customers import selectors, services
from customers.forms_accounts import ContactForm
from portal.views.common import portal_required
from provisioning.adapters.base import RateLimited, VendorError
from provisioning.choices import Capability


def account_url(account) -> str:
    return reverse("portal:account_detail", args=[account.pk])


def account_context(request, account, *, contact_form=None) -> dict:
    profile = account.vendor_account.profile
    contacts = profile.can(Capability.CONTACTS)
    return {
        "account": account, "profile": profile,
        "domains": selectors.vendor_customer_domains(vendor_customer=account)
        if profile.domain_origin == "client" else [],
        "contacts": selectors.contacts_of(vendor_customer=account) if contacts else None,
        "contact_form": contact_form or (ContactForm(creating=True, prefix="contact") if contacts
                                         and request.portal.can(permissions.CONTACTS_CHANGE)
                                         and not account.is_deleted else None),
        "invoices": selectors.invoices_of(vendor_customer=account)[:24] if profile.can(Capability.INVOICES) else None,
        "costs": selectors.monthly_costs(user=request.user, vendor_customer=account)[:12]
        if profile.can(Capability.MONTHLY_COSTS) else None,
        "can_login": profile.can(Capability.LOGIN_TOKENS) and bool(account.vendor_id) and not account.is_deleted,
    }


def _account(request, pk: int):
    return selectors.vendor_customer_get(user=request.user, pk=pk, customer=request.portal.customer)


@portal_required
def account_detail(request, pk: int):
    return render_page(request, "portal/account_detail.html", account_context(request, _account(request, pk)))


@portal_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def account_login(request, pk: int):
    """Into the vendor's own control panel as the customer's account, through a one-time login token."""
    account = _account(request, pk)
    try:
        url = services.vendor_customer_login_url(vendor_customer=account, acting_user=request.user)
    except VendorError as error:
        messages.error(request, f"{account.vendor_account.profile.login_label} failed: {error.message}")
        return redirect_after_post(request, account_url(account))
    return HttpResponseRedirect(url)


@portal_required(permission=permissions.CONTACTS_CHANGE)
@sensitive_post_parameters("contact-security_answer")
@require_POST
def contact_create(request, pk: int):
    account = _account(request, pk)
    form = ContactForm(request.POST, creating=True, prefix="contact")
    done = submit(request, form,
                  lambda data: services.contact_create(vendor_customer=account, acting_user=request.user, **data),
                  message=lambda c: f"Contact {c.name} is on its way to {account.vendor_account.name}.",
                  url=lambda c: account_url(account))
    return done or render_page(request, "portal/account_detail.html",
                               account_context(request, account, contact_form=form))


@portal_required(permission=permissions.CONTACTS_CHANGE)
@require_POST
def contact_delete(request, pk: int):
    contact = selectors.contact_get(user=request.user, pk=pk, customer=request.portal.customer)
    try:
        services.contact_delete(contact=contact, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Removing {contact.name}: it stays listed until the vendor confirms.")
    return redirect_after_post(request, account_url(contact.vendor_customer))


@portal_required(permission=permissions.BILLING_VIEW)
def invoice_list(request):
    return render_page(request, "portal/invoice_list.html", {
        "invoices": selectors.invoice_list(user=request.user, customer=request.portal.customer)[:100],
        "costs": selectors.monthly_costs(user=request.user).filter(
            vendor_customer__customer=request.portal.customer)[:24],
    })


@portal_required(permission=permissions.BILLING_VIEW)
def invoice_detail(request, pk: int):
    invoice = selectors.invoice_get(user=request.user, pk=pk, customer=request.portal.customer)
    error = ""
    if invoice.csv_available and not invoice.lines_fetched_at:
        try:
            invoice = services.invoice_lines(invoice=invoice)
        except RateLimited as exc:
            error = f"{exc.message} Open it again in {exc.retry_after:.0f} s."
        except VendorError as exc:
            error = f"The line items could not be read: {exc.message}"
    return render_page(request, "portal/invoice_detail.html", {
        "invoice": invoice, "lines": list(invoice.lines.all()), "error": error})


@portal_required(permission=permissions.BILLING_VIEW)
def invoice_csv(request, pk: int):
    invoice = selectors.invoice_get(user=request.user, pk=pk, customer=request.portal.customer)
    if not invoice.csv_text:
        raise Http404("No line items are kept for this invoice.")
    response = HttpResponse(invoice.csv_text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="invoice-{invoice.invoice_id}.csv"'
    return response
