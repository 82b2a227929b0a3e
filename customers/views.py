"""Staff pages for customers, domains and mailboxes. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from customers import selectors, services
from customers.choices import CustomerStatus, VendorState
from customers.forms import CustomerForm, DomainCreateForm, MailboxCreateForm
from panel.views_helpers import (
    filter_param,
    paginate,
    query_string_without_page,
    redirect_after_post,
    render_page,
    staff_required,
)
from provisioning import selectors as provisioning_selectors
from provisioning.choices import Capability, TargetType


def _apply_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError next to the field it names, or at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _submit(request, form, save, *, message, url):
    """Validate ``form``; if valid, ``save(cleaned_data)`` through a service and redirect to
    ``url(obj)`` with ``message(obj)``. None when the form (or the service) found errors, which
    are then on the form, next to their fields."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        obj = save(form.cleaned_data)
    except ValidationError as error:
        _apply_service_errors(form, error)
        return None
    messages.success(request, message(obj))
    return redirect_after_post(request, url(obj))


def _customer_url(customer) -> str:
    return reverse("customer_detail", args=[customer.pk])


# ---- customers ---------------------------------------------------------------------------------
@staff_required
def customer_list(request):
    search = filter_param(request, "q")
    status = filter_param(request, "status", choices=CustomerStatus.values)
    page = paginate(request, selectors.customer_list(user=request.user, search=search, status=status))
    return render_page(
        request, "customers/customer_list.html",
        {"page": page, "search": search, "status": status, "statuses": CustomerStatus.choices,
         "qs": query_string_without_page(request)},
        partial="customer-table",
    )


@staff_required
@require_http_methods(["GET", "POST"])
def customer_create(request):
    form = CustomerForm(request.POST or None)
    done = _submit(request, form, lambda data: services.customer_create(acting_user=request.user, **data),
                   message=lambda c: f"Customer {c.name} created.", url=_customer_url)
    return done or render_page(request, "customers/customer_form.html", {"form": form, "customer": None},
                               partial="form")


@staff_required
@require_http_methods(["GET", "POST"])
def customer_edit(request, pk: int):
    customer = selectors.customer_get(user=request.user, pk=pk)
    # The form gets its own copy: validation writes the input onto its instance, and the service
    # compares against the stored row to audit only what changed.
    form = CustomerForm(request.POST or None, instance=selectors.customer_get(user=request.user, pk=pk))
    done = _submit(request, form,
                   lambda data: services.customer_update(customer=customer, acting_user=request.user, **data),
                   message=lambda c: "Customer updated.", url=_customer_url)
    return done or render_page(request, "customers/customer_form.html", {"form": form, "customer": customer},
                               partial="form")


def _customer_detail_context(request, customer, domain_form) -> dict:
    return {
        "customer": customer,
        "page": paginate(request, selectors.domain_list(user=request.user, customer=customer)),
        "operations": provisioning_selectors.operation_list(user=request.user).filter(customer=customer)[:10],
        "domain_form": domain_form,
    }


@staff_required
def customer_detail(request, pk: int):
    customer = selectors.customer_get(user=request.user, pk=pk)
    return render_page(request, "customers/customer_detail.html",
                       _customer_detail_context(request, customer, DomainCreateForm()), partial="domain-table")


# ---- domains -----------------------------------------------------------------------------------
@staff_required
@require_POST
def domain_create(request, customer_pk: int):
    customer = selectors.customer_get(user=request.user, pk=customer_pk)
    form = DomainCreateForm(request.POST)
    done = _submit(
        request, form,
        lambda data: services.domain_create(customer=customer, acting_user=request.user, **data),
        message=lambda d: f"Domain {d.name} added; it is being set up on {d.vendor_account}.",
        url=lambda d: reverse("domain_detail", args=[d.pk]),
    )
    return done or render_page(request, "customers/customer_detail.html",
                               _customer_detail_context(request, customer, form), partial="domain-form")


@staff_required
def domain_list(request):
    search = filter_param(request, "q")
    state = filter_param(request, "state", choices=VendorState.values)
    page = paginate(request, selectors.domain_list(user=request.user, search=search, vendor_state=state))
    return render_page(
        request, "customers/domain_list.html",
        {"page": page, "search": search, "state": state, "states": VendorState.choices,
         "qs": query_string_without_page(request)},
        partial="domain-table",
    )


def _domain_detail_context(request, domain, mailbox_form=None) -> dict:
    can_mailboxes = domain.vendor_account.profile.can(Capability.MAILBOXES)
    return {
        "domain": domain,
        "page": paginate(request, selectors.mailbox_list(user=request.user, domain=domain)),
        "operations": provisioning_selectors.operation_list(
            user=request.user, target_type=TargetType.DOMAIN, target_id=domain.pk
        )[:10],
        "can_mailboxes": can_mailboxes,
        "mailbox_form": mailbox_form or (MailboxCreateForm(domain=domain) if can_mailboxes else None),
    }


@staff_required
def domain_detail(request, pk: int):
    domain = selectors.domain_get(user=request.user, pk=pk)
    return render_page(request, "customers/domain_detail.html", _domain_detail_context(request, domain),
                       partial="mailbox-table")


# ---- mailboxes ---------------------------------------------------------------------------------
@staff_required
@sensitive_post_parameters("password")
@require_POST
def mailbox_create(request, domain_pk: int):
    domain = selectors.domain_get(user=request.user, pk=domain_pk)
    form = MailboxCreateForm(request.POST, domain=domain)
    done = _submit(
        request, form, lambda data: services.mailbox_create(domain=domain, acting_user=request.user, **data),
        message=lambda m: f"Mailbox {m.address} added; it is being set up.",
        url=lambda m: reverse("mailbox_detail", args=[m.pk]),
    )
    return done or render_page(request, "customers/domain_detail.html",
                               _domain_detail_context(request, domain, form), partial="mailbox-form")


@staff_required
def mailbox_list(request):
    search = filter_param(request, "q")
    state = filter_param(request, "state", choices=VendorState.values)
    page = paginate(request, selectors.mailbox_list(user=request.user, search=search, vendor_state=state))
    return render_page(
        request, "customers/mailbox_list.html",
        {"page": page, "search": search, "state": state, "states": VendorState.choices,
         "qs": query_string_without_page(request)},
        partial="mailbox-table",
    )


@staff_required
def mailbox_detail(request, pk: int):
    mailbox = selectors.mailbox_get(user=request.user, pk=pk)
    operations = provisioning_selectors.operation_list(
        user=request.user, target_type=TargetType.MAILBOX, target_id=mailbox.pk
    )[:10]
    return render_page(request, "customers/mailbox_detail.html", {"mailbox": mailbox, "operations": operations})
