from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The reseller's own systems (billing site, WHMCS): API keys, and one-time login tokens that sign
    their users in to the panel or the portal (SSO)."""

    name = "api"
    verbose_name = "API and sign-on"
