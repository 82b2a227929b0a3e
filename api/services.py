"""API keys and login tokens: create, check, revoke; mint and redeem (SSO into the panel).

Secrets are ``<selector>.<verifier>``. Only SHA-256 of the verifier is kept (of ``<user id>:<verifier>``
for a login token, binding it to its user), compared with ``hmac.compare_digest``. Neither secret is
ever logged: failures are logged with the row's id and the reason.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_variables

from api.models import ApiKey, LoginToken, Scope
from core import permissions
from core.audit import audit_record

log = logging.getLogger("panel.sso")


class TokenRefused(Exception):
    """A login token that signs no one in; ``reason`` is safe to show and to log."""

    def __init__(self, reason: str, *, token_id: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.token_id = token_id


class KeyRefused(Exception):
    """An API request whose key is missing, wrong, revoked or lacks the scope (``status``: 401 or 403)."""

    def __init__(self, reason: str, *, status: int = 401):
        super().__init__(reason)
        self.reason = reason
        self.status = status


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _split(secret: str) -> tuple[str, str]:
    selector, _, verifier = (secret or "").partition(".")
    return selector[:16], verifier


def _new_secret() -> tuple[str, str, str]:
    selector, verifier = secrets.token_hex(8), secrets.token_urlsafe(32)
    return selector, verifier, f"{selector}.{verifier}"


# ---- API keys --------------------------------------------------------------------------------
@sensitive_variables("secret", "verifier")
@transaction.atomic
def api_key_create(*, name: str, scopes: list[str], acting_user) -> tuple[ApiKey, str]:
    """A new key; the secret is returned once, for the person to copy, and never again."""
    permissions.require(acting_user, permissions.STAFF_MANAGE)
    scopes = sorted(set(scopes))
    if not scopes or any(s not in Scope.values for s in scopes):
        raise ValidationError({"scopes": "Choose what the key may do."})
    if not name.strip():
        raise ValidationError({"name": "Say which system uses the key."})
    selector, verifier, secret = _new_secret()
    key = ApiKey.objects.create(name=name.strip()[:100], selector=selector, secret_hash=_digest(verifier),
                                scopes=scopes, created_by=acting_user)
    audit_record(acting_user=acting_user, action="api_key.create", target=key,
                 summary=f"Created API key “{key.name}” ({', '.join(scopes)})")
    return key, secret


@transaction.atomic
def api_key_revoke(*, key: ApiKey, acting_user) -> ApiKey:
    permissions.require(acting_user, permissions.STAFF_MANAGE)
    ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_by=acting_user)
    key.refresh_from_db()
    audit_record(acting_user=acting_user, action="api_key.revoke", target=key, summary=f"Revoked API key “{key.name}”")
    return key


@sensitive_variables("secret", "verifier")
def api_key_check(*, secret: str | None, any_of: tuple[str, ...]) -> ApiKey:
    """The active key ``secret`` belongs to, if it carries one of the scopes ``any_of``; raises KeyRefused
    otherwise (401: missing, wrong or revoked; 403: no such scope)."""
    if not secret:
        raise KeyRefused("An API key is required (Authorization: Bearer <key>).")
    selector, verifier = _split(secret)
    key = ApiKey.objects.filter(selector=selector).first()
    # Compare even when there is no row, so a wrong selector takes as long as a wrong verifier.
    expected = key.secret_hash if key is not None else _digest("")
    if not hmac.compare_digest(expected, _digest(verifier)) or key is None:
        raise KeyRefused("The API key is not valid.")
    if not key.is_active:
        raise KeyRefused("The API key has been revoked.")
    if not set(any_of) & set(key.scopes):
        raise KeyRefused(f"The API key may not do this (it needs {' or '.join(any_of)}).", status=403)
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key


# ---- login tokens ----------------------------------------------------------------------------
def safe_next(next_url: str) -> str:
    """Where the token lands: a path inside the panel, or "" (the user's home)."""
    next_url = (next_url or "").strip()
    if not next_url:
        return ""
    if not next_url.startswith("/") or next_url.startswith("//") or not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts=None):
        raise ValidationError({"next": "Give a path inside the panel, like /portal/."})
    return next_url[:500]


def _may_sign_in(user) -> bool:
    if not user.is_active:
        return False
    return user.is_reseller_staff if user.is_staff else user.memberships.exists()


@sensitive_variables("secret", "verifier")
@transaction.atomic
def login_token_mint(*, key: ApiKey, username: str = "", email: str = "", next_url: str = "") -> tuple[LoginToken, str]:
    """A one-time sign-in URL for the user named by ``username`` (or ``email``). Customers' users need the
    key's customers scope, staff its staff scope. Raises ValidationError (unknown or inactive user, bad
    ``next``) or PermissionDenied (scope)."""
    users = get_user_model().objects.all()
    if username:
        found = list(users.filter(username=username[:150]))
    elif email:
        found = list(users.filter(email__iexact=email[:254]))
    else:
        raise ValidationError({"username": "Name the user (username or email)."})
    if len(found) != 1:
        raise ValidationError({"username": "No single user has this username or e-mail."})
    user = found[0]
    needed = Scope.LOGIN_STAFF if user.is_staff else Scope.LOGIN_CUSTOMERS
    if needed not in key.scopes:
        raise PermissionDenied(f"The API key may not sign in this kind of user (it lacks the scope {needed}).")
    if not _may_sign_in(user):
        raise ValidationError({"username": "This user cannot sign in (inactive, or with no role or customer)."})
    selector, verifier, secret = _new_secret()
    token = LoginToken.objects.create(
        user=user, selector=selector, secret_hash=_digest(f"{user.pk}:{verifier}"), next_url=safe_next(next_url),
        api_key=key, expires_at=timezone.now() + datetime.timedelta(seconds=settings.SSO_TOKEN_SECONDS))
    return token, secret


@sensitive_variables("secret", "verifier")
@transaction.atomic
def login_token_redeem(*, secret: str, client_ip: str | None = None):
    """The user a one-time token signs in, and where to land; the token is used up. Raises TokenRefused
    (unknown, tampered, used, expired, or its user inactive), having logged why without the token."""
    selector, verifier = _split(secret)
    token = LoginToken.objects.select_for_update().select_related("user").filter(selector=selector).first()
    expected = token.secret_hash if token is not None else _digest("")
    given = _digest(f"{token.user_id}:{verifier}") if token is not None else _digest(verifier)
    try:
        if token is None or not hmac.compare_digest(expected, given):
            raise TokenRefused("This sign-in link is not valid.", token_id=token.pk if token else None)
        if token.used_at is not None:
            raise TokenRefused("This sign-in link has already been used.", token_id=token.pk)
        if token.is_expired:
            raise TokenRefused("This sign-in link has expired.", token_id=token.pk)
        if not _may_sign_in(token.user):
            raise TokenRefused("This account cannot sign in.", token_id=token.pk)
    except TokenRefused as refused:
        log.warning("login token refused: %s (token id %s, from %s)", refused.reason, refused.token_id, client_ip)
        raise
    token.used_at = timezone.now()
    token.save(update_fields=["used_at"])
    audit_record(acting_user=token.user, action="sso.login", target=token.user, target_type="user",
                 summary=f"Signed in through a login token from “{token.api_key.name if token.api_key else 'a key'}”")
    return token.user, token.next_url
