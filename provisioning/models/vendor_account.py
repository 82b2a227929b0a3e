"""The reseller's account with one vendor: where its API is and how to authenticate."""

from __future__ import annotations

from django.db import models

from core.crypto import EncryptedJSONField, mask_secret
from core.db import choices_constraint
from provisioning.choices import VendorKind
from provisioning.vendors import VendorProfile, profile


class VendorAccount(models.Model):
    """The reseller's account with one vendor: where its API is, how to authenticate, what it offers."""

    kind = models.CharField(max_length=16, choices=VendorKind)
    name = models.CharField(max_length=100, unique=True)
    base_url = models.URLField(max_length=300, help_text="The API root, e.g. https://api.vendor.example")
    credentials = EncryptedJSONField(
        blank=True, null=True, help_text="Encrypted at rest; never shown back in full."
    )
    root_id = models.CharField(
        max_length=128, blank=True, help_text="The vendor-side root: SYNAQ reseller GUID, Hostway account, ..."
    )
    is_active = models.BooleanField(default=True)
    # Settings that are not secret, e.g. {"webmail_url": "https://webmail.example/login?token={token}"}.
    options = models.JSONField(default=dict, blank=True)
    # The vendor's catalogue (SYNAQ's OPTIONS of products and editions), cached; refreshed on demand.
    catalog = models.JSONField(default=dict, blank=True)
    catalog_fetched_at = models.DateTimeField(null=True, blank=True)
    # The last "test connection" from the console: when, whether the vendor accepted the credentials, its words.
    checked_at = models.DateTimeField(null=True, blank=True)
    check_ok = models.BooleanField(null=True, blank=True)
    check_message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [choices_constraint("kind", VendorKind, "vendor_account_kind_valid")]

    def __str__(self) -> str:
        return self.name

    @property
    def profile(self) -> VendorProfile:
        """What this account's vendor can do (the capability declaration)."""
        return profile(self.kind)

    @property
    def kind_label(self) -> str:
        return VendorKind(self.kind).label

    def masked_credentials(self) -> dict[str, str]:
        """Credential names with masked values, for display."""
        return {k: mask_secret(str(v)) for k, v in (self.credentials or {}).items()}

    def credentials_shown(self) -> list[tuple[str, str]]:
        """(label, value) of each credential the vendor asks for: secrets masked (last 4 at most), others whole."""
        held = self.credentials or {}
        return [(f.label, (mask_secret(str(held[f.name])) if f.secret else str(held[f.name])) if held.get(f.name)
                 else "not set") for f in self.profile.credential_fields]
