from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in and staying safe: sign-in with two factors, recovery codes, password reset, lockouts."""

    name = "accounts"
    verbose_name = "Accounts"
