"""Staff pages for customers: list, create, edit, the customer's page, ordering packages."""

from __future__ import annotations

from django.contrib import messages
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

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
from customers.filters import CUSTOMER_SORTS, CustomerFilter
from customers.forms import CustomerForm, DomainCreateForm, PackageOrderForm
from customers.services.bulk_actions import ACTIONS
from provisioning import selectors as provisioning_selectors
from provisioning.adapters.base import VendorError
from provisioning.choices import Capability
from provisioning.services.reads import vendor_catalog


def customer_url(customer) -> str:
    return reverse("customers:customer_detail", args=[customer.pk])


@staff_required
def customer_list(request):
    filters = CustomerFilter(request.GET, queryset=selectors.customer_list(user=request.user))
    return render_list(request, "customers/customer_list.html", {
        "filters": filters, "page": list_page(request, filters.qs, sorts=CUSTOMER_SORTS),
        "qs": query_without(request, "after", "before"), "rows_template": "customers/rows/customers.html",
        "export_url": reverse("customers:customer_export"),
        "bulk_url": reverse("customers:customer_bulk"), "bulk_actions": ACTIONS["customer"],
    }, table_id="customer-table")


@staff_required(permission=permissions.CUSTOMERS_CHANGE)
@require_http_methods(["GET", "POST"])
def customer_create(request):
    form = CustomerForm(request.POST or None)
    done = submit(request, form, lambda data: services.customer_create(acting_user=request.user, **data),
                  message=lambda c: f"Customer {c.name} created.", url=customer_url)
    return done or render_page(request, "customers/customer_form.html", {"form": form, "customer": None},
                               partial="form")


@staff_required(permission=permissions.CUSTOMERS_CHANGE)
@require_http_methods(["GET", "POST"])
def customer_edit(request, pk: int):
    customer = selectors.customer_get(user=request.user, pk=pk)
    # The form gets its own copy: validation writes the input onto its instance, and the service
    # compares against the stored row to audit only what changed.
    form = CustomerForm(request.POST or None, instance=selectors.customer_get(user=request.user, pk=pk))
    done = submit(request, form,
                  lambda data: services.customer_update(customer=customer, acting_user=request.user, **data),
                  message=lambda c: "Customer updated.", url=customer_url)
    return done or render_page(request, "customers/customer_form.html", {"form": form, "customer": customer},
                               partial="form")


def _catalogs(accounts) -> list[dict]:
    """Each packages vendor's catalogue for the order form, or why it could not be fetched."""
    found = []
    for account in accounts:
        try:
            catalog = vendor_catalog(account=account)
        except VendorError as error:
            found.append({"account": account, "catalog": {}, "error": error.message})
            continue
        if catalog.get("products"):  # a vendor without a catalogue (or an adapter yet) offers no order form
            found.append({"account": account, "catalog": catalog, "error": ""})
    return found


def _customer_context(request, customer, *, domain_form=None, order_forms=None) -> dict:
    accounts = provisioning_selectors.vendor_account_list(user=request.user)
    package_accounts = [a for a in accounts if a.profile.can(Capability.PACKAGES)]
    orders = order_forms or {}
    catalogs = _catalogs(package_accounts)
    for entry in catalogs:
        entry["form"] = orders.get(entry["account"].pk) or PackageOrderForm(
            catalog=entry["catalog"], prefix=f"order{entry['account'].pk}")
    vendor_customers = list(selectors.vendor_customers(customer=customer))
    held = {vc.vendor_account_id for vc in vendor_customers if not vc.is_deleted}
    openable = [a for a in accounts if a.profile.can(Capability.CUSTOMER_ACCOUNTS) and a.profile.staff_opens_accounts
                and a.pk not in held]
    return {
        "customer": customer,
        "openable_accounts": openable,
        "page": paginate(request, selectors.domain_list(user=request.user, customer=customer)),
        "packages": selectors.package_list(user=request.user, customer=customer),
        "vendor_customers": vendor_customers,
        "catalogs": catalogs,
        "operations": provisioning_selectors.operation_list(user=request.user, customer=customer)[:10],
        "domain_form": domain_form or DomainCreateForm(customer=customer),
    }


@staff_required
def customer_detail(request, pk: int):
    customer = selectors.customer_get(user=request.user, pk=pk)
    return render_page(request, "customers/customer_detail.html", _customer_context(request, customer),
                       partial="domain-table")


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def package_order(request, pk: int, account_pk: int):
    customer = selectors.customer_get(user=request.user, pk=pk)
    account = provisioning_selectors.vendor_account_get(user=request.user, pk=account_pk)
    catalog = {}
    try:
        catalog = vendor_catalog(account=account)
    except VendorError as error:
        messages.error(request, f"{account.name}'s product list could not be fetched: {error.message}")
    form = PackageOrderForm(request.POST, catalog=catalog, prefix=f"order{account.pk}")
    done = submit(
        request, form,
        lambda data: services.package_order(customer=customer, vendor_account=account, catalog=catalog,
                                            product_code=data["product_code"], editions=data["editions"],
                                            acting_user=request.user),
        message=lambda p: f"{p.product_name} ordered: queued for {account.name}. It is ready once the vendor "
                          "confirms it.",
        url=lambda p: reverse("customers:package_detail", args=[p.pk]),
    )
    return done or render_page(request, "customers/customer_detail.html",
                               _customer_context(request, customer, order_forms={account.pk: form}))


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def catalog_refresh(request, account_pk: int):
    account = provisioning_selectors.vendor_account_get(user=request.user, pk=account_pk)
    try:
        vendor_catalog(account=account, refresh=True)
    except VendorError as error:
        messages.error(request, f"{account.name}'s product list could not be fetched: {error.message}")
    else:
        messages.success(request, f"{account.name}'s product list is up to date.")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = reverse("dashboard")
    return redirect_after_post(request, next_url)

