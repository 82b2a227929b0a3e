from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PanelConfig(AppConfig):
    """The shell on top: settings, root URLs, layout, dashboard, demo data."""

    name = "panel"
    verbose_name = "Panel"


class PanelAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the panel's site (administrators only, two factors where required)."""

    default = False  # panel's own app config stays the default for "panel"
    default_site = "panel.admin_site.PanelAdminSite"
