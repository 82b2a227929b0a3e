"""Account security pages: two-factor set-up and recovery codes, and the lockouts staff admins lift."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import throttle
from core import permissions
from core.views import redirect_after_post, render_page, staff_required


@login_required
def security(request):
    """The signed-in user's two-factor settings."""
    return render(request, "accounts/security.html", {})


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
