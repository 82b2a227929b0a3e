"""Signing in (password, then the second factor where the user has one), two-factor set-up with recovery
codes, and the lockouts staff admins lift."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from accounts import throttle, twofactor
from accounts.forms import CodeForm, SignInForm
from core import permissions
from core.views import redirect_after_post, render_page, staff_required

PENDING = "two_factor_pending"
PENDING_SECONDS = 300
PENDING_TRIES = 5


class SignInView(auth_views.LoginView):
    """The password step. A user with a second factor is not signed in yet: the session remembers them
    for five minutes while they give the code (``verify``)."""

    authentication_form = SignInForm
    redirect_authenticated_user = True
    home = "dashboard"

    def get_default_redirect_url(self):
        """Staff to the console, a customer's user to their portal (whichever page they signed in on)."""
        user = self.request.user
        if user.is_authenticated:
            return resolve_url("dashboard" if user.is_reseller_staff else "portal:home")
        return resolve_url(self.home)

    def form_valid(self, form):
        user = form.get_user()
        if not twofactor.has_two_factor(user):
            return super().form_valid(form)
        self.request.session[PENDING] = {"user": user.pk, "backend": user.backend, "at": time.time(), "tries": 0,
                                         "next": self.get_redirect_url()}
        return redirect("accounts:verify")


class PortalSignInView(SignInView):
    template_name = "portal/login.html"
    home = "portal:home"


def _safe(request, url: str, default: str) -> str:
    ok = url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure())
    return url if ok else default


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second factor: after the password step, or for a signed-in session that must prove it (an
    administrator who arrived by a login token)."""
    pending = request.session.get(PENDING)
    user_model = get_user_model()
    if pending and time.time() - pending["at"] < PENDING_SECONDS:
        user = user_model.objects.filter(pk=pending["user"], is_active=True).first()
    elif request.user.is_authenticated:
        user, pending = request.user, None
    else:
        request.session.pop(PENDING, None)
        return redirect("login")
    if user is None:
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify(user, form.cleaned_data["code"])
        if device is not None:
            if pending:
                del request.session[PENDING]
                user.otp_device = device  # django-otp marks the new session verified on login
                login(request, user, backend=pending["backend"])
                return redirect(_safe(request, pending["next"], _home(user)))
            otp_login(request, device)
            return redirect(_safe(request, request.GET.get("next", ""), _home(user)))
        form.add_error("code", "That code is not right (or was used already). Try the next one.")
        if pending:
            pending["tries"] += 1
            if pending["tries"] >= PENDING_TRIES:
                del request.session[PENDING]
                messages.error(request, "Too many wrong codes: sign in again.")
                return redirect("login")
            request.session[PENDING] = pending
    return render(request, "accounts/verify.html", {"form": form})


def _home(user) -> str:
    return reverse("dashboard") if user.is_reseller_staff else reverse("portal:home")


@login_required
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def security(request):
    """The signed-in user's second factor: set it up (QR code, then a code to confirm), new recovery codes,
    or turn it off where their role allows."""
    user = request.user
    required = twofactor.required_for(user)
    context = {"enabled": twofactor.has_two_factor(user), "required": required, "codes": None, "form": CodeForm(),
               "home": _home(user)}
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "begin":
        twofactor.totp_begin(user)
    elif action == "confirm":
        device = twofactor.pending_device(user)
        form = CodeForm(request.POST)
        codes = twofactor.totp_confirm(user, device, request.POST.get("code", "")) if device and form.is_valid() \
            else None
        if codes is None:
            form.add_error("code", "That code is not right: check the app's clock and try the next one.")
            context["form"] = form
        else:
            otp_login(request, twofactor.verify_device_for_session(user))
            context.update(enabled=True, codes=codes)
    elif action == "recovery" and context["enabled"] and request.user.is_verified():
        context["codes"] = twofactor.recovery_codes_new(user)
    elif action == "disable" and context["enabled"] and not required and request.user.is_verified():
        twofactor.two_factor_disable(user, acting_user=user)
        context["enabled"] = False
        messages.success(request, "Two-factor sign-in is off.")
    pending = twofactor.pending_device(user) if not context["enabled"] else None
    if pending is not None:
        context.update(pending=pending, qr=twofactor.qr_svg(pending), secret=twofactor.secret_text(pending))
    return render(request, "accounts/security.html", context)


@staff_required(permission=permissions.STAFF_MANAGE)
def lockout_list(request):
    """Who cannot sign in now, and why (per username at an address, per address, per username)."""
    return render_page(request, "accounts/lockout_list.html", {"lockouts": throttle.lockouts()})


@staff_required(permission=permissions.STAFF_MANAGE)
@require_POST
def lockout_lift(request):
    username = request.POST.get("username", "").replace("\x00", "")[:255] or None
    ip_address = request.POST.get("ip_address", "").replace("\x00", "")[:45] or None
    lifted = throttle.lockout_lift(username=username, ip_address=ip_address, acting_user=request.user)
    messages.success(request, f"Lockout lifted ({lifted} record{'s' if lifted != 1 else ''} of failures forgotten).")
    return redirect_after_post(request, reverse("accounts:lockout_list"))
