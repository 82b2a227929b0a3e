"""System checks for the panel's own settings (run by ``manage.py check`` and at start-up)."""

from __future__ import annotations

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, register


@register()
def check_field_encryption_keys(app_configs, **kwargs):
    """Every FIELD_ENCRYPTION_KEY must be a valid Fernet key, or secrets cannot be read or written."""
    errors = []
    if not settings.FIELD_ENCRYPTION_KEYS:
        errors.append(Error("FIELD_ENCRYPTION_KEY is empty.", id="core.E001"))
    for index, key in enumerate(settings.FIELD_ENCRYPTION_KEYS):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            errors.append(Error(f"FIELD_ENCRYPTION_KEY entry {index + 1} is not a valid Fernet key.",
                                hint="Generate one with: python -c 'from cryptography.fernet import Fernet; "
                                     "print(Fernet.generate_key().decode())'", id="core.E002"))
    return errors
