"""API keys of the reseller's own systems, and the one-time login tokens they mint.

Both are split secrets, ``<selector>.<verifier>``: the selector finds the row, and only a hash of the
verifier is kept, compared in constant time. A copy of the database signs no one in.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Scope(models.TextChoices):
    """What an API key may do."""

    LOGIN_CUSTOMERS = "login_tokens:customers", "Mint login tokens for customers' users"
    LOGIN_STAFF = "login_tokens:staff", "Mint login tokens for reseller staff"


class ApiKey(models.Model):
    """A key one of the reseller's systems authenticates with; shown once, at creation."""

    name = models.CharField(max_length=100, help_text="Which system uses it, e.g. “Billing site”.")
    selector = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.selector}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class LoginToken(models.Model):
    """A one-time sign-in for one user, minted by an API key; short-lived (``SSO_TOKEN_SECONDS``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    selector = models.CharField(max_length=16, unique=True)
    # A hash of the verifier bound to the user's id: the token signs in that user only.
    secret_hash = models.CharField(max_length=64)
    next_url = models.CharField(max_length=500, blank=True)
    api_key = models.ForeignKey(ApiKey, on_delete=models.SET_NULL, null=True, related_name="login_tokens")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["expires_at"], name="login_token_expiry_idx")]

    def __str__(self) -> str:
        return f"login token {self.pk} for user {self.user_id}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
