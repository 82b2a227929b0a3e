"""Account holders at a vendor signing in there (BaseKit): staff send the reset or verification e-mail; the
links in those e-mails lead the holder to the panel's own public pages, which pass the hash or token on."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from core import permissions
from core.views import apply_service_errors, redirect_after_post, staff_required
from customers import selectors
from customers.models import VendorCustomer
from customers.services import holder as holders
from provisioning.choices import Capability


class ResetForm(forms.Form):
    hash = forms.CharField(widget=forms.HiddenInput, max_length=200)
    password = forms.CharField(label="New password", strip=False, min_length=6, max_length=128,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class VerifyForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=200)


def _holder(pk: int) -> VendorCustomer:
    account = get_object_or_404(VendorCustomer.objects.select_related("vendor_account", "customer"), pk=pk)
    if not account.vendor_account.profile.can(Capability.ACCOUNT_PASSWORDS):
        raise Http404("No such page.")
    return account


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def holder_send(request, pk: int, what: str):
    """Staff: have the vendor mail the holder a password reset link or an e-mail verification."""
    account = selectors.vendor_customer_get(user=request.user, pk=pk)
    try:
        if what == "reset":
            holders.holder_forgotten_password(account=account, by=request.POST.get("by", "username"),
                                              acting_user=request.user)
        else:
            holders.holder_send_verification(account=account, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Queued: the vendor mails the holder once it has the request.")
    return redirect_after_post(request, reverse("customers:vendor_customer_detail", args=[account.pk]))


@sensitive_post_parameters("password", "hash")
@require_http_methods(["GET", "POST"])
def holder_password_reset(request, pk: int):
    """Public: the holder arrives from the vendor's e-mail (``?h=<hash>``) and chooses a new password."""
    account = _holder(pk)
    form = ResetForm(request.POST or None, initial={"hash": request.GET.get("h", "")})
    done = False
    if request.method == "POST" and form.is_valid():
        try:
            holders.holder_reset_password(account=account, hash_=form.cleaned_data["hash"],
                                          password=form.cleaned_data["password"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            done = True
    return render(request, "customers/holder_public.html", {"form": form, "done": done, "account": account,
                                                            "what": "reset"})


@require_http_methods(["GET", "POST"])
def holder_verify_email(request, pk: int):
    """Public: the holder arrives from the verification e-mail (``?token=``) and confirms the address."""
    account = _holder(pk)
    form = VerifyForm(request.POST or None, initial={"token": request.GET.get("token", "")})
    done = False
    if request.method == "POST" and form.is_valid():
        try:
            holders.holder_validate_email(account=account, token=form.cleaned_data["token"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            done = True
    return render(request, "customers/holder_public.html", {"form": form, "done": done, "account": account,
                                                            "what": "verify"})
