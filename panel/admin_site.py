"""The admin site, open only to staff whose role may manage staff (administrators)."""

from __future__ import annotations

from functools import wraps

from django.contrib import admin

from core import permissions
from core.views import second_factor_missing


class PanelAdminSite(admin.AdminSite):
    site_header = "Reseller Mail Panel administration"

    def admin_view(self, view, cacheable=False):
        """Every admin page reads its query string free of NUL bytes (PostgreSQL refuses them in text, and a
        search or list filter carrying one would otherwise be a 500)."""
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def without_nul(request, *args, **kwargs):
            if "\x00" in request.META.get("QUERY_STRING", "") or any("\x00" in v for v in request.GET.values()):
                cleaned = request.GET.copy()
                for key in list(cleaned):
                    cleaned.setlist(key, [v.replace("\x00", "") for v in cleaned.getlist(key)])
                request.GET = cleaned
                request.META["QUERY_STRING"] = cleaned.urlencode()
            return inner(request, *args, **kwargs)

        return without_nul

    def has_permission(self, request):
        return permissions.can(request.user, permissions.STAFF_MANAGE) and not second_factor_missing(request.user)
