"""Staff pages of vendor-side accounts (a Greenview client, a Rackspace customer...): open one, its page
with the panels its vendor's capabilities call for (domains, contacts, invoices, costs), its actions,
delete, single sign-on into the vendor's panel, and the vendor's own list of accounts."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import permissions
from core.views import redirect_after_post, render_page, staff_required, submit
from customers import selectors, services
from customers.forms import ConfirmForm
from customers.forms_accounts import (
    ContactForm,
    FilteredDomainForm,
    MailServersForm,
    VendorAccountForm,
    account_initial,
)
from customers.services import dns
from customers.views.common import live_context, queue, stop_polling_when_done
from provisioning import selectors as provisioning_selectors
from provisioning.adapters.base import RateLimited, VendorError
from provisioning.choices import Capability
from provisioning.services.reads import vendor_catalog, vendor_read


def account_url(account) -> str:
    return reverse("customers:vendor_customer_detail", args=[account.pk])


def attach_refusals(form, refusals: dict[str, str]):
    """Show the vendor's words on the last refused change beside the field they concern."""
    for name, message in refusals.items():
        if form is not None and name in form.fields:
            form[name].vendor_error = message
    return form


def _catalog(account) -> tuple[dict, str]:
    if "plan" not in account.profile.account_fields:
        return {}, ""
    try:
        return vendor_catalog(account=account), ""
    except VendorError as error:
        return {}, error.message


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_http_methods(["GET", "POST"])
def vendor_customer_open(request, pk: int, account_pk: int):
    customer = selectors.customer_get(user=request.user, pk=pk)
    account = provisioning_selectors.vendor_account_get(user=request.user, pk=account_pk)
    if not account.profile.staff_opens_accounts:
        raise Http404("This vendor opens accounts by itself.")
    catalog, catalog_error = _catalog(account)
    initial = {"title": customer.name, "reference": customer.reference if len(customer.reference) <= 20 else "",
               "email": customer.email, "seats": 1, "phone": customer.phone, "address_line_1": customer.address_line_1,
               "address_line_2": customer.address_line_2, "city": customer.city, "state": customer.province,
               "zip": customer.postal_code, "country": str(customer.country or "")}
    form = VendorAccountForm(request.POST or None, vendor_account=account, catalog=catalog, creating=True,
                             initial=initial)
    done = submit(request, form,
                  lambda data: services.vendor_customer_open(customer=customer, vendor_account=account,
                                                             catalog=catalog, acting_user=request.user, **data),
                  message=lambda a: f"{account.profile.account_label} queued for {account.name}. It is live once "
                                    "the vendor confirms it; this page follows it.",
                  url=account_url)
    return done or render_page(request, "customers/vendor_customer_form.html", {
        "customer": customer, "account": account, "profile": account.profile, "form": form, "catalog": catalog,
        "catalog_error": catalog_error})


def account_context(request, account, *, edit_form=None, domain_form=None, contact_form=None) -> dict:
    profile = account.vendor_account.profile
    domains = list(selectors.vendor_customer_domains(vendor_customer=account)) if profile.domain_origin == "client" \
        else []
    contacts = list(selectors.contacts_of(vendor_customer=account)) if profile.can(Capability.CONTACTS) else []
    live = live_context(request, target_type="vendor_customer", pk=account.pk)
    busy = [("domain", d.pk) for d in domains] + [("contact", c.pk) for c in contacts]
    live["in_flight"] = live["in_flight"] or any(
        provisioning_selectors.has_open_operations(target_type=t, target_id=i) for t, i in busy)
    catalog, _ = _catalog(account.vendor_account) if not account.is_deleted else ({}, "")
    refusals = provisioning_selectors.vendor_refusals(target_type="vendor_customer", target_id=account.pk)
    can_edit = profile.staff_opens_accounts and not account.is_deleted
    return {
        "account": account, "customer": account.customer, "profile": profile,
        "actions": [] if account.is_deleted else profile.actions_for("vendor_customer", account.vendor_state),
        "domains": domains, "contacts": contacts,
        "show_invoices": profile.can(Capability.INVOICES),
        "invoices": selectors.invoices_of(vendor_customer=account)[:24] if profile.can(Capability.INVOICES) else [],
        "costs": selectors.monthly_costs(user=request.user, vendor_customer=account)[:12]
        if profile.can(Capability.MONTHLY_COSTS) else [],
        "can_login": profile.can(Capability.LOGIN_TOKENS) and bool(account.vendor_id) and not account.is_deleted,
        "edit_form": attach_refusals(edit_form or (VendorAccountForm(
            vendor_account=account.vendor_account, catalog=catalog, initial=account_initial(account))
            if can_edit else None), refusals),
        "domain_form": domain_form or (FilteredDomainForm() if domains is not None and profile.domain_origin == "client"
                                       and not account.is_deleted else None),
        "contact_form": contact_form or (ContactForm(creating=True, prefix="contact")
                                         if profile.can(Capability.CONTACTS) and not account.is_deleted else None),
        "refusals": refusals,
        **live,
    }


@staff_required
def vendor_customer_detail(request, pk: int):
    account = selectors.vendor_customer_get(user=request.user, pk=pk)
    return render_page(request, "customers/vendor_customer_detail.html", account_context(request, account))


@staff_required
@require_GET
def vendor_customer_status(request, pk: int):
    """The account's live part: its state, its domains' statuses and MX records, changes in flight."""
    account = selectors.vendor_customer_get(user=request.user, pk=pk)
    context = account_context(request, account)
    return stop_polling_when_done(render_page(request, "customers/vendor_customer_detail.html", context,
                                              partial="account-status"), context)


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def vendor_customer_edit(request, pk: int):
    account = selectors.vendor_customer_get(user=request.user, pk=pk)
    catalog, _ = _catalog(account.vendor_account)
    form = VendorAccountForm(request.POST, vendor_account=account.vendor_account, catalog=catalog)
    done = submit(request, form,
                  lambda data: services.vendor_customer_update(vendor_customer=account, catalog=catalog,
                                                               acting_user=request.user, **data),
                  message=lambda a: "Changes queued for the vendor.", url=account_url)
    return done or render_page(request, "customers/vendor_customer_detail.html",
                               account_context(request, account, edit_form=form))


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_http_methods(["GET", "POST"])
def vendor_customer_action(request, pk: int, name: str):
    account = selectors.vendor_customer_get(user=request.user, pk=pk)
    spec = account.vendor_account.profile.action("vendor_customer", name)
    if spec is None:
        raise Http404("No such action.")
    form = ConfirmForm(request.POST or None, expected=account.title) if spec.confirm else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            _, words = services.vendor_customer_action(vendor_customer=account, name=name, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, words)
        return redirect_after_post(request, account_url(account))
    return render_page(request, "customers/confirm.html", {
        "object": account.title, "object_url": account_url(account), "spec": spec, "form": form, "lost": "",
        "action_url": reverse("customers:vendor_customer_action", args=[account.pk, name])})


def _bounce_warnings(account, domains) -> list[str]:
    """For each domain the filter may still receive mail for, what happens to its mail if it is cancelled."""
    warnings = []
    for domain in domains:
        relays = [r.get("value", "") for r in domain.dns_records if r.get("type") == "MX"]
        if not relays:
            continue
        pointing = dns.points_at(domain.name, relays)
        if pointing:
            warnings.append(f"{domain.name}'s MX records still point at {account.vendor_account.kind_label}: its "
                            "mail will bounce once the client is cancelled. Change them first.")
        elif pointing is None:
            warnings.append(f"The panel could not check {domain.name}'s MX records: if they still point at "
                            f"{', '.join(relays)}, its mail will bounce once the client is cancelled.")
    return warnings


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_http_methods(["GET", "POST"])
def vendor_customer_delete(request, pk: int):
    account = selectors.vendor_customer_get(user=request.user, pk=pk)
    form = ConfirmForm(request.POST or None, expected=account.title)
    if request.method == "POST" and form.is_valid():
        try:
            services.vendor_customer_delete(vendor_customer=account, confirm=form.cleaned_data["confirm"],
                                            acting_user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Deleting {account.title} at {account.vendor_account.name}: queued. It stays "
                                      "here until the vendor confirms.")
            return redirect_after_post(request, account_url(account))
    domains = list(selectors.vendor_customer_domains(vendor_customer=account))
    profile = account.vendor_account.profile
    return render_page(request, "customers/confirm.html", {
        "object": account.title, "object_url": account_url(account), "form": form, "delete": True,
        "action_url": reverse("customers:vendor_customer_delete", args=[account.pk]),
        "warnings": _bounce_warnings(account, domains),
        "lost": profile.notes.get("delete", "The account is deleted at the vendor."),
    })


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def vendor_customer_login(request, pk: int):
    """Open the vendor's own panel as the customer through a login token fetched now and never kept."""
    account = selectors.vendor_customer_get(user=request.user, pk=pk)
    try:
        url = services.vendor_customer_login_url(vendor_customer=account, acting_user=request.user)
    except VendorError as error:
        messages.error(request, f"{account.vendor_account.profile.login_label} failed: {error.message}")
        return redirect_after_post(request, account_url(account))
    return HttpResponseRedirect(url)


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def filtered_domain_create(request, pk: int):
    account = selectors.vendor_customer_get(user=request.user, pk=pk)
    form = FilteredDomainForm(request.POST)
    done = submit(request, form,
                  lambda data: services.filtered_domain_add(vendor_customer=account, name=data["name"],
                                                            mail_servers=data["mail_servers"],
                                                            acting_user=request.user),
                  message=lambda d: f"Adding {d.name}: queued. The client is sent with all its domains, so the "
                                    "others stay.", url=lambda d: account_url(account))
    return done or render_page(request, "customers/vendor_customer_detail.html",
                               account_context(request, account, domain_form=form))


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def domain_mail_servers(request, pk: int):
    domain = selectors.domain_get(user=request.user, pk=pk)
    form = MailServersForm(request.POST)
    if form.is_valid():
        return queue(request, lambda: services.domain_set_mail_servers(
            domain=domain, mail_servers=form.cleaned_data["mail_servers"], acting_user=request.user),
            done="Mail servers change queued.", url=reverse("customers:domain_detail", args=[domain.pk]))
    messages.error(request, " ".join(form.errors.get("mail_servers", ["Check the mail servers."])))
    return redirect_after_post(request, reverse("customers:domain_detail", args=[domain.pk]))


@staff_required
def vendor_account_customers(request, account_pk: int):
    """The vendor's own list of accounts (paged and searched as the vendor offers), each linked to the
    customer that holds it here, if any."""
    account = provisioning_selectors.vendor_account_get(user=request.user, pk=account_pk)
    if not account.profile.can(Capability.CUSTOMER_ACCOUNTS):
        raise Http404("This vendor keeps no customer accounts.")
    search = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    mode = "startswith" if request.GET.get("mode") == "startswith" else "contains"
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    listing, error, me = {"items": [], "total": 0, "size": 25}, "", None
    try:
        listing = vendor_read(account=account, what="customers", page=page_number, search=search, mode=mode)
        if hasattr(account.profile.adapter, "read_account"):
            me = vendor_read(account=account, what="account")
    except RateLimited as error_:
        error = f"{error_.message} Try again in {error_.retry_after:.0f} s."
    except VendorError as error_:
        error = error_.message
    linked = {vc.vendor_id: vc for vc in account.vendor_customers.filter(
        vendor_id__in=[i["vendor_id"] for i in listing["items"]]).select_related("customer")}
    for item in listing["items"]:
        item["local"] = linked.get(item["vendor_id"])
    pages = max(1, -(-listing["total"] // listing["size"]))
    return render_page(request, "customers/vendor_account_customers.html", {
        "account": account, "listing": listing, "error": error, "search": search, "mode": mode, "me": me,
        "page_number": page_number, "pages": pages})
