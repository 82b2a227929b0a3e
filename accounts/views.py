"""Account security pages: two-factor sign-in and set-up, recovery codes, lockouts (staff admins)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def security(request):
    """The signed-in user's two-factor settings."""
    return render(request, "accounts/security.html", {})
