"""Staff pages for domains: list, page (live while changes are in flight), add, packages links,
service fields, the vendor's actions, delete, and the fix offered in place on an alert."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import permissions
from core.lists import list_page, query_without
from core.views import (
    paginate,
    redirect_after_post,
    render_list,
    render_page,
    staff_required,
    submit,
)
from customers import selectors, services
from customers.filters import DOMAIN_SORTS, DomainFilter
from customers.forms import ConfirmForm, DomainCreateForm, DomainLinkForm, MailboxCreateForm, ServiceFieldsForm
from customers.forms_accounts import MailServersForm
from customers.lifecycle import deletion_of
from customers.services.bulk_actions import ACTIONS
from customers.services.deletion import deletion_withdraw
from customers.views.common import live_context, queue, stop_polling_when_done
from customers.views.customers import _customer_context
from customers.views.vendor_customers import attach_refusals
from provisioning import selectors as provisioning_selectors
from provisioning.adapters.base import VendorError
from provisioning.choices import Capability
from provisioning.services.reads import vendor_catalog


def domain_url(domain) -> str:
    return reverse("customers:domain_detail", args=[domain.pk])


@staff_required
def domain_list(request):
    filters = DomainFilter(request.GET, queryset=selectors.domain_list(user=request.user))
    return render_list(request, "customers/domain_list.html", {
        "filters": filters, "page": list_page(request, filters.qs, sorts=DOMAIN_SORTS),
        "qs": query_without(request, "after", "before"), "rows_template": "customers/rows/domains.html",
        "export_url": reverse("customers:domain_export"),
        "bulk_url": reverse("customers:domain_bulk"), "bulk_actions": ACTIONS["domain"],
    }, table_id="domain-table")


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def domain_create(request, customer_pk: int):
    customer = selectors.customer_get(user=request.user, pk=customer_pk)
    form = DomainCreateForm(request.POST, customer=customer)
    catalog = {}
    if form.is_valid() and form.cleaned_data.get("package") is not None:
        try:
            catalog = vendor_catalog(account=form.cleaned_data["vendor_account"])
        except VendorError:
            catalog = {}
    done = submit(
        request, form,
        lambda data: services.domain_create(customer=customer, acting_user=request.user, catalog=catalog, **data),
        message=lambda d: f"Domain {d.name} added and queued for {d.vendor_account}. It is live once the vendor "
                          "confirms it.",
        url=domain_url,
    )
    return done or render_page(request, "customers/customer_detail.html",
                               _customer_context(request, customer, domain_form=form), partial="domain-form")


def domain_context(request, domain, *, mailbox_form=None, link_form=None, fields_form=None) -> dict:
    vendor = domain.vendor_account.profile
    can_mailboxes = vendor.can(Capability.MAILBOXES)
    filtering = vendor.can(Capability.SPAM_FILTERING) and domain.vendor_customer_id is not None
    return {
        "domain": domain,
        "vendor": vendor,
        "links": selectors.domain_links(domain=domain),
        "actions": vendor.actions_for("domain", domain.vendor_state),
        "page": paginate(request, selectors.mailbox_list(user=request.user, domain=domain)),
        "can_mailboxes": can_mailboxes,
        "can_packages": vendor.can(Capability.PACKAGES),
        "mailbox_form": mailbox_form or (MailboxCreateForm(domain=domain) if can_mailboxes else None),
        "link_form": link_form or (DomainLinkForm(domain=domain) if vendor.can(Capability.PACKAGES) else None),
        "fields_form": fields_form or (ServiceFieldsForm(domain=domain, prefix="fields")
                                       if domain.service_field_names else None),
        "usage": selectors.usage_reports(domain=domain) if vendor.can(Capability.USAGE) else [],
        "filtering": filtering,
        "mail_servers_form": attach_refusals(MailServersForm(initial={"mail_servers": " ".join(domain.mail_servers)}),
                                             provisioning_selectors.vendor_refusals(target_type="domain",
                                                                                    target_id=domain.pk))
        if filtering and domain.requested_state != "deleted" else None,
        "deletion": deletion_of(domain, "domain"),
        "keep_url": reverse("customers:domain_keep", args=[domain.pk]),
        **live_context(request, target_type="domain", pk=domain.pk),
    }


@staff_required
def domain_detail(request, pk: int):
    domain = selectors.domain_get(user=request.user, pk=pk)
    return render_page(request, "customers/domain_detail.html", domain_context(request, domain),
                       partial="mailbox-table")


@staff_required
@require_GET
def domain_status(request, pk: int):
    """The domain's live part: state, links, alerts and changes in flight (286 once none are)."""
    domain = selectors.domain_get(user=request.user, pk=pk)
    context = domain_context(request, domain)
    return stop_polling_when_done(render_page(request, "customers/domain_detail.html", context,
                                              partial="domain-status"), context)


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def domain_link(request, pk: int):
    domain = selectors.domain_get(user=request.user, pk=pk)
    form = DomainLinkForm(request.POST, domain=domain)
    done = submit(request, form,
                  lambda data: services.domain_link(domain=domain, package=data["package"], acting_user=request.user),
                  message=lambda link: f"Linking {domain.name} to {link.package.product_name}: queued.",
                  url=lambda link: domain_url(domain))
    return done or render_page(request, "customers/domain_detail.html", domain_context(request, domain,
                                                                                       link_form=form))


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_http_methods(["GET", "POST"])
def domain_unlink(request, pk: int, package_pk: int):
    """GET: what the vendor's documentation says may follow; POST: queue the unlink."""
    domain = selectors.domain_get(user=request.user, pk=pk)
    link = get_object_or_404(selectors.domain_links(domain=domain), package_id=package_pk)
    if request.method == "POST":
        return queue(request, lambda: services.domain_unlink(domain=domain, package=link.package,
                                                             acting_user=request.user),
                     done=f"Unlinking {link.package.product_name} from {domain.name}: queued. This page follows "
                          "what SYNAQ does next.", url=domain_url(domain))
    others = [other.package for other in selectors.domain_links(domain=domain) if other.pk != link.pk]
    return render_page(request, "customers/domain_unlink.html", {"domain": domain, "link": link, "others": others})


@staff_required(permission=permissions.SERVICES_CHANGE)
@sensitive_post_parameters("password")
@require_POST
def domain_service_fields(request, pk: int):
    domain = selectors.domain_get(user=request.user, pk=pk)
    form = ServiceFieldsForm(request.POST, domain=domain, prefix="fields")
    back = request.POST.get("from_alert")
    done = submit(request, form,
                  lambda data: services.domain_set_service_fields(domain=domain, fields=data, acting_user=request.user),
                  message=lambda d: "Service fields queued for the vendor. On an active domain, send Refresh next.",
                  url=lambda d: _back_to_alert(back) or domain_url(d))
    if done:
        return done
    if _back_to_alert(back):
        messages.error(request, "The service fields were not saved: " + "; ".join(
            f"{name.replace('_', ' ')}: {' '.join(errors)}" for name, errors in form.errors.items()))
        return redirect_after_post(request, _back_to_alert(back))
    return render_page(request, "customers/domain_detail.html", domain_context(request, domain, fields_form=form))


def _back_to_alert(alert_pk: str | None) -> str:
    return reverse("provisioning:alert_detail", args=[int(alert_pk)]) if alert_pk and alert_pk.isdigit() else ""


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_http_methods(["GET", "POST"])
def domain_action(request, pk: int, name: str):
    """One of the vendor's actions on the domain; destructive ones first ask for the name typed."""
    domain = selectors.domain_get(user=request.user, pk=pk)
    spec = domain.vendor_account.profile.action("domain", name)
    if spec is None:
        raise Http404("No such action.")
    url = _back_to_alert(request.POST.get("from_alert")) or domain_url(domain)
    form = ConfirmForm(request.POST or None, expected=domain.name) if spec.confirm else None
    if request.method == "POST" and (form is None or form.is_valid()):
        return queue(request, lambda: services.domain_action(domain=domain, name=name, acting_user=request.user),
                     done=f"{spec.label}: queued for {domain.vendor_account}. This page follows it until the vendor "
                          "confirms.", url=url)
    return render_page(request, "customers/confirm.html", {
        "object": domain, "object_url": domain_url(domain), "spec": spec, "form": form,
        "action_url": reverse("customers:domain_action", args=[domain.pk, name])})


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_http_methods(["GET", "POST"])
def domain_delete(request, pk: int):
    domain = selectors.domain_get(user=request.user, pk=pk)
    form = ConfirmForm(request.POST or None, expected=domain.name)
    if request.method == "POST" and form.is_valid():
        try:
            services.domain_delete(domain=domain, confirm=form.cleaned_data["confirm"], acting_user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Deleting {domain.name}: queued. It stays here until the vendor confirms.")
            return redirect_after_post(request, domain_url(domain))
    mailbox_count = domain.mailboxes.count()
    return render_page(request, "customers/confirm.html", {
        "object": domain, "object_url": domain_url(domain), "form": form, "delete": True,
        "action_url": reverse("customers:domain_delete", args=[domain.pk]),
        "blocked": f"{domain.name} still has {mailbox_count} mailbox(es). Delete them first: the vendor refuses to "
                   "delete a domain with provisioned mailboxes." if mailbox_count else "",
        "lost": "The domain is removed from the vendor with every service on it. Mail for it stops.",
    })


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def domain_keep(request, pk: int):
    """Withdraw a deletion that failed at the vendor: the domain stays, as it still is there."""
    domain = selectors.domain_get(user=request.user, pk=pk)
    return queue(request, lambda: deletion_withdraw(obj=domain, acting_user=request.user),
                 done=f"{domain.name} is kept: its deletion is withdrawn.", url=domain_url(domain))


def _fix_context(request, domain, alert_pk) -> dict:
    vendor = domain.vendor_account.profile
    return {"domain": domain, "alert_pk": alert_pk,
            "fields_form": ServiceFieldsForm(domain=domain, prefix="fields") if domain.service_field_names else None,
            "actions": [a for a in vendor.actions_for("domain", domain.vendor_state) if a.name in ("refresh", "prune")],
            "kind": request.GET.get("kind", "")}


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_GET
def domain_fix(request, pk: int):
    """The fix an alert offers in place (service fields, then Refresh; or Prune again)."""
    domain = selectors.domain_get(user=request.user, pk=pk)
    alert_pk = request.GET.get("alert", "")
    return render_page(request, "customers/domain_fix.html", _fix_context(request, domain, alert_pk))


@staff_required(permission=permissions.SERVICES_CHANGE)
@sensitive_post_parameters("password")
@require_POST
def mailbox_create(request, domain_pk: int):
    domain = selectors.domain_get(user=request.user, pk=domain_pk)
    form = MailboxCreateForm(request.POST, domain=domain)
    done = submit(
        request, form, lambda data: services.mailbox_create(domain=domain, acting_user=request.user, **data),
        message=lambda m: f"Mailbox {m.address} added and queued. It is live once the vendor confirms it.",
        url=lambda m: reverse("customers:mailbox_detail", args=[m.pk]),
    )
    return done or render_page(request, "customers/domain_detail.html",
                               domain_context(request, domain, mailbox_form=form), partial="mailbox-form")

