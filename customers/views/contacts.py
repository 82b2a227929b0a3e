"""Staff pages of a vendor-side account's contacts: add, edit, delete."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from core import permissions
from core.views import redirect_after_post, render_page, staff_required, submit
from customers import selectors, services
from customers.forms_accounts import ContactForm
from customers.views.vendor_customers import account_context, account_url, attach_refusals
from provisioning import selectors as provisioning_selectors


@staff_required(permission=permissions.CONTACTS_CHANGE)
@sensitive_post_parameters("contact-security_answer")
@require_POST
def contact_create(request, pk: int):
    account = selectors.vendor_customer_get(user=request.user, pk=pk)
    form = ContactForm(request.POST, creating=True, prefix="contact")
    done = submit(request, form,
                  lambda data: services.contact_create(vendor_customer=account, acting_user=request.user, **data),
                  message=lambda c: f"Contact {c.name}: queued for {account.vendor_account.name}.",
                  url=lambda c: account_url(account))
    return done or render_page(request, "customers/vendor_customer_detail.html",
                               account_context(request, account, contact_form=form))


@staff_required(permission=permissions.CONTACTS_CHANGE)
@sensitive_post_parameters("security_answer")
@require_http_methods(["GET", "POST"])
def contact_edit(request, pk: int):
    contact = selectors.contact_get(user=request.user, pk=pk)
    account = contact.vendor_customer
    form = ContactForm(request.POST or None, instance=selectors.contact_get(user=request.user, pk=pk))
    done = submit(request, form,
                  lambda data: services.contact_update(contact=contact, acting_user=request.user, **data),
                  message=lambda c: f"Changes to {c.name}: queued.", url=lambda c: account_url(account))
    attach_refusals(form, provisioning_selectors.vendor_refusals(target_type="contact", target_id=contact.pk))
    return done or render_page(request, "customers/contact_form.html", {"contact": contact, "account": account,
                                                                        "form": form})


@staff_required(permission=permissions.CONTACTS_CHANGE)
@require_POST
def contact_delete(request, pk: int):
    contact = selectors.contact_get(user=request.user, pk=pk)
    try:
        services.contact_delete(contact=contact, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Removing {contact.name}: queued. It stays listed until the vendor confirms.")
    return redirect_after_post(request, account_url(contact.vendor_customer))
