"""SSO into the panel: the reseller's systems mint one-time login tokens with API keys (hashed at rest,
scoped, revocable, shown once); a token signs in its user once, within a minute, and nowhere else."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from api import services
from api.models import ApiKey, LoginToken, Scope
from tests.factories import MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/login-tokens/"


@pytest.fixture
def admin():
    return StaffFactory(staff_role="admin")


@pytest.fixture
def key(admin):
    return services.api_key_create(name="Billing site", scopes=[Scope.LOGIN_CUSTOMERS], acting_user=admin)


@pytest.fixture
def member():
    return MembershipFactory(role="owner", user__username="olivia").user


def _mint(client, secret, **body):
    headers = {"Authorization": f"Bearer {secret}"} if secret is not None else {}
    return client.post(URL, body, content_type="application/json", headers=headers)


def _token_path(response) -> str:
    return response.json()["url"].split("://", 1)[1].split("/", 1)[1].join(["/", ""])


# ---- API keys --------------------------------------------------------------------------------
def test_an_api_key_is_kept_only_as_a_hash(key):
    api_key, secret = key
    stored = ApiKey.objects.get()
    assert secret.split(".", 1)[1] not in repr(list(ApiKey.objects.values()))
    assert stored.selector == secret.split(".", 1)[0] and len(stored.secret_hash) == 64


def test_a_request_without_a_key_is_refused(client, member):
    assert _mint(client, None, username="olivia").status_code == 401
    assert not LoginToken.objects.exists()


def test_a_wrong_key_is_refused(client, key, member):
    api_key, secret = key
    selector = secret.split(".", 1)[0]
    assert _mint(client, f"{selector}.not-the-secret", username="olivia").status_code == 401
    assert _mint(client, "garbage", username="olivia").status_code == 401
    assert not LoginToken.objects.exists()


def test_a_revoked_key_is_refused(client, key, member, admin):
    api_key, secret = key
    services.api_key_revoke(key=api_key, acting_user=admin)
    response = _mint(client, secret, username="olivia")
    assert response.status_code == 401 and "revoked" in response.json()["error"]


def test_a_key_without_the_scope_for_staff_cannot_sign_staff_in(client, key):
    StaffFactory(username="ann", staff_role="admin")
    _, secret = key
    assert _mint(client, secret, username="ann").status_code == 403
    assert not LoginToken.objects.exists()


def test_a_key_with_no_login_scope_is_refused(client, admin, member):
    api_key, secret = services.api_key_create(name="Other", scopes=[Scope.LOGIN_STAFF], acting_user=admin)
    ApiKey.objects.filter(pk=api_key.pk).update(scopes=["something:else"])
    assert _mint(client, secret, username="olivia").status_code == 403


def test_only_staff_admins_create_api_keys():
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.api_key_create(name="x", scopes=[Scope.LOGIN_CUSTOMERS], acting_user=StaffFactory(
            staff_role="support"))
    assert not ApiKey.objects.exists()


# ---- login tokens ----------------------------------------------------------------------------
def test_a_minted_token_signs_its_user_in_and_lands_where_asked(client, key, member):
    _, secret = key
    response = _mint(client, secret, username="olivia", next="/portal/mailboxes/")
    assert response.status_code == 201
    landed = client.get(_token_path(response))
    assert landed.status_code == 302 and landed["Location"] == "/portal/mailboxes/"
    assert client.get("/portal/").status_code == 200


def test_a_token_is_kept_only_as_a_hash(client, key, member):
    _, secret = key
    path = _token_path(_mint(client, secret, username="olivia"))
    verifier = path.rstrip("/").rsplit(".", 1)[1]
    assert verifier not in repr(list(LoginToken.objects.values()))


def test_a_token_works_once(client, key, member):
    _, secret = key
    path = _token_path(_mint(client, secret, username="olivia"))
    client.get(path)
    client.logout()
    again = client.get(path)
    assert again.status_code == 403 and "already been used" in again.content.decode()
    assert client.get("/portal/").status_code == 302


def test_a_token_replayed_after_logout_signs_no_one_in(client, key, member):
    _, secret = key
    path = _token_path(_mint(client, secret, username="olivia"))
    client.get(path)
    client.post(reverse("portal:logout"))
    assert client.get(path).status_code == 403
    assert client.get("/portal/").status_code == 302


def test_an_expired_token_is_refused(client, key, member, settings):
    _, secret = key
    path = _token_path(_mint(client, secret, username="olivia"))
    LoginToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(path)
    assert response.status_code == 403 and "expired" in response.content.decode()


def test_tokens_expire_after_sixty_seconds_by_default(client, key, member):
    _, secret = key
    _mint(client, secret, username="olivia")
    token = LoginToken.objects.get()
    assert 59 <= (token.expires_at - token.created_at).total_seconds() <= 61


def test_a_tampered_token_is_refused(client, key, member):
    _, secret = key
    path = _token_path(_mint(client, secret, username="olivia"))
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    assert client.get(tampered).status_code == 403
    assert client.get("/sso/unknown.token/").status_code == 403
    assert client.get("/portal/").status_code == 302


def test_a_token_is_bound_to_its_user(client, key, member):
    _, secret = key
    path = _token_path(_mint(client, secret, username="olivia"))
    other = MembershipFactory(role="owner").user
    LoginToken.objects.update(user=other)  # the row pointed at someone else
    assert client.get(path).status_code == 403
    assert client.get("/portal/").status_code == 302


def test_a_token_signs_in_its_user_not_whoever_was_signed_in(client, key, member):
    _, secret = key
    path = _token_path(_mint(client, secret, username="olivia"))
    someone = MembershipFactory(role="viewer").user
    client.force_login(someone)
    client.get(path)
    assert int(client.session["_auth_user_id"]) == member.pk


def test_a_token_for_an_inactive_user_is_refused(client, key, member):
    _, secret = key
    path = _token_path(_mint(client, secret, username="olivia"))
    type(member).objects.filter(pk=member.pk).update(is_active=False)
    assert client.get(path).status_code == 403
    assert _mint(client, secret, username="olivia").status_code == 400


def test_a_token_never_lands_outside_the_panel(client, key, member):
    _, secret = key
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        assert _mint(client, secret, username="olivia", next=target).status_code == 400


def test_refused_tokens_are_logged_without_the_token(client, key, member, caplog):
    _, secret = key
    path = _token_path(_mint(client, secret, username="olivia"))
    client.get(path)
    with caplog.at_level(logging.WARNING, logger="panel.sso"):
        client.get(path)
    token = path.rstrip("/").rsplit("/", 1)[1]
    sso = " ".join(r.getMessage() for r in caplog.records if r.name == "panel.sso")
    assert "already been used" in sso
    assert token.split(".")[0] not in sso and token.split(".")[1] not in sso


def test_the_log_output_never_shows_a_token_in_a_path(client, key, member, caplog):
    """Django's request log names the path of a refused request: the configured handler redacts it."""
    from core.logredact import RedactSecretPaths

    _, secret = key
    path = _token_path(_mint(client, secret, username="olivia"))
    client.get(path)
    with caplog.at_level(logging.WARNING):
        client.get(path)
    token = path.rstrip("/").rsplit("/", 1)[1]
    redact = RedactSecretPaths()
    lines = []
    for record in caplog.records:
        redact.filter(record)
        lines.append(record.getMessage())
    assert any("/sso/[redacted]/" in line for line in lines)
    assert not any(token in line or token.split(".")[1] in line for line in lines)


def test_the_console_handler_carries_the_redacting_filter():
    from core.logredact import RedactSecretPaths

    handlers = [h for h in logging.getLogger().handlers if any(isinstance(f, RedactSecretPaths) for f in h.filters)]
    assert handlers


def test_the_api_key_page_shows_a_new_key_once(client, admin):
    client.force_login(admin)
    response = client.post(reverse("api:key_create"), {"name": "WHMCS", "scopes": [Scope.LOGIN_CUSTOMERS]})
    body = response.content.decode()
    selector = ApiKey.objects.get().selector
    assert 'id="new-key-secret"' in body and f"{selector}." in body
    assert 'id="new-key-secret"' not in client.get(reverse("api:key_list")).content.decode()
