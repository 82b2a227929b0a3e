from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The customers' self-service portal: their own organisation only, through the customers app's
    selectors (scoped to the user's customer) and services (the same permission table)."""

    name = "portal"
    verbose_name = "Customer portal"
