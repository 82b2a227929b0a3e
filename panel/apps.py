from django.apps import AppConfig


class PanelConfig(AppConfig):
    """The shell on top: settings, root URLs, layout, dashboard, demo data."""

    name = "panel"
    verbose_name = "Panel"
