"""Vendor accounts in the console, for admins: list, add, edit, disable/enable, test the connection, and
the account's health."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from core.permissions import VENDOR_ACCOUNTS_MANAGE
from core.views import apply_service_errors, redirect_after_post, render_page, staff_required
from provisioning.choices import VendorKind
from provisioning.forms_accounts import VendorAccountForm
from provisioning.health import vendor_account_health
from provisioning.models import VendorAccount
from provisioning.services import vendor_accounts as service
from provisioning.vendors import PROFILES

# Vendor accounts hold the reseller's API keys: their pages are for admins only.
admins_only = staff_required(permission=VENDOR_ACCOUNTS_MANAGE)


def _account(pk: int) -> VendorAccount:
    return get_object_or_404(VendorAccount.objects.all(), pk=pk)


def _url(account) -> str:
    return reverse("provisioning:vendor_account_detail", args=[account.pk])


@admins_only
def vendor_account_list(request):
    accounts = list(VendorAccount.objects.defer("credentials", "catalog").order_by("name"))
    return render_page(request, "provisioning/vendor_account_list.html", {
        "accounts": accounts, "kinds": [(kind, VendorKind(kind).label, p.adapter is not None)
                                        for kind, p in PROFILES.items()]})


@admins_only
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def vendor_account_create(request, kind: str):
    if kind not in VendorKind.values:
        raise Http404("No such vendor.")
    form = VendorAccountForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            account = service.vendor_account_create(kind=kind, acting_user=request.user, **form.service_values())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{account.name} added. Test its connection next.")
            return redirect_after_post(request, _url(account))
    return render_page(request, "provisioning/vendor_account_form.html", {
        "form": form, "account": None, "kind_label": VendorKind(kind).label,
        "action_url": reverse("provisioning:vendor_account_create", args=[kind])})


@admins_only
def vendor_account_detail(request, pk: int):
    account = _account(pk)
    return render_page(request, "provisioning/vendor_account_detail.html", {
        "account": account, "health": vendor_account_health(account=account)})


@admins_only
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def vendor_account_edit(request, pk: int):
    account = _account(pk)
    form = VendorAccountForm(request.POST or None, kind=account.kind, account=account)
    if request.method == "POST" and form.is_valid():
        try:
            service.vendor_account_update(account=account, acting_user=request.user, **form.service_values())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{account.name} saved.")
            return redirect_after_post(request, _url(account))
    return render_page(request, "provisioning/vendor_account_form.html", {
        "form": form, "account": account, "kind_label": account.kind_label,
        "action_url": reverse("provisioning:vendor_account_edit", args=[account.pk])})


@admins_only
@require_POST
def vendor_account_active(request, pk: int):
    account = _account(pk)
    active = request.POST.get("active") == "1"
    try:
        service.vendor_account_set_active(account=account, active=active, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{account.name} {'enabled' if active else 'disabled'}." + (
            "" if active else " Nothing is sent to it; its changes wait, visibly, until it is enabled again."))
    return redirect_after_post(request, _url(account))


@admins_only
@require_POST
def vendor_account_test(request, pk: int):
    """Test the connection: one harmless authenticated call; the answer in words (HTMX: just that part)."""
    account = _account(pk)
    check = service.vendor_account_test(account=account, acting_user=request.user)
    account.refresh_from_db()
    if request.htmx:
        return render(request, "provisioning/vendor_account_detail.html#connection-check",
                      {"account": account, "check": check})
    (messages.success if check.ok else messages.error)(request, check.message)
    return redirect_after_post(request, _url(account))
