"""The admin site, open only to staff whose role may manage staff (administrators)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

from core import permissions


class PanelAdminSite(admin.AdminSite):
    site_header = "Reseller Mail Panel administration"

    def has_permission(self, request):
        return permissions.can(request.user, permissions.STAFF_MANAGE)


class PanelAdminConfig(AdminConfig):
    default_site = "panel.admin_site.PanelAdminSite"
