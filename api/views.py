"""The API for the reseller's systems (login tokens), the sign-on landing, and the staff page of API keys."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_GET, require_POST

from api import services
from api.models import ApiKey, Scope
from core import permissions
from core.audit import client_ip
from core.views import redirect_after_post, render_page, staff_required

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _bearer(request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


@csrf_exempt  # authenticated by the API key in a header, never by a cookie
@sensitive_variables("secret")
@require_POST
def login_token_create(request):
    """``POST /api/v1/login-tokens/`` with ``{"username" | "email", "next"}`` → ``201 {"url", "expires_at"}``."""
    try:
        key = services.api_key_check(secret=_bearer(request), any_of=(Scope.LOGIN_CUSTOMERS, Scope.LOGIN_STAFF))
    except services.KeyRefused as refused:
        return JsonResponse({"error": refused.reason}, status=refused.status)
    try:
        body = json.loads(request.body or b"{}")
        if not isinstance(body, dict):
            raise ValueError
    except ValueError:
        return JsonResponse({"error": "Send a JSON object."}, status=400)
    try:
        token, secret = services.login_token_mint(key=key, username=str(body.get("username") or ""),
                                                  email=str(body.get("email") or ""),
                                                  next_url=str(body.get("next") or ""))
    except PermissionDenied as refused:
        return JsonResponse({"error": str(refused)}, status=403)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    # The panel's address as the caller reached it (Host is checked against ALLOWED_HOSTS).
    url = request.build_absolute_uri(reverse("api:sso_login", args=[secret]))
    return JsonResponse({"url": url, "expires_at": token.expires_at.isoformat()}, status=201)


@never_cache
@sensitive_variables("token")
@require_GET
def sso_login(request, token: str):
    """The minted URL: signs its user in and lands where the request asked; a clear page otherwise."""
    try:
        user, next_url = services.login_token_redeem(secret=token, client_ip=client_ip(request))
    except services.TokenRefused as refused:
        return render(request, "api/sso_refused.html", {"reason": refused.reason}, status=403)
    if request.user.is_authenticated:
        logout(request)  # whoever was signed in here before is not who the token names
    login(request, user, backend=BACKEND)
    home = reverse("dashboard") if user.is_staff else reverse("portal:home")
    return redirect(next_url or home)


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="Which system uses it, e.g. “Billing site”.")
    scopes = forms.MultipleChoiceField(choices=Scope.choices, widget=forms.CheckboxSelectMultiple)


@staff_required(permission=permissions.STAFF_MANAGE)
def key_list(request, *, form=None, secret: str = ""):
    return render_page(request, "api/key_list.html", {
        "keys": ApiKey.objects.select_related("created_by", "revoked_by")[:200], "form": form or ApiKeyForm(),
        "secret": secret})


@staff_required(permission=permissions.STAFF_MANAGE)
@sensitive_variables("secret")
@require_POST
def key_create(request):
    form = ApiKeyForm(request.POST)
    if form.is_valid():
        try:
            key, secret = services.api_key_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Shown once, on this answer only: never stored, never in a redirect or a message.
            return key_list(request, secret=secret)
    return key_list(request, form=form)


@staff_required(permission=permissions.STAFF_MANAGE)
@require_POST
def key_revoke(request, pk: int):
    key = get_object_or_404(ApiKey, pk=pk)
    services.api_key_revoke(key=key, acting_user=request.user)
    messages.success(request, f"API key “{key.name}” revoked: it works no more.")
    return redirect_after_post(request, reverse("api:key_list"))
