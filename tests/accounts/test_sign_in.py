"""Signing in: throttling that holds behind a proxy and against spraying, bad input without a 500, a
second factor (required for administrators, optional for others) with recovery codes, password reset."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from tests.factories import PASSWORD, MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db

LOGIN = "/login/"


def _fail(client, username, **headers):
    return client.post(LOGIN, {"username": username, "password": "wrong-password"}, headers=headers)


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


# ---- input ----------------------------------------------------------------------------------
def test_a_username_longer_than_any_is_a_form_error_not_a_server_error(client):
    response = client.post(LOGIN, {"username": "x" * 5000, "password": "whatever"})
    assert response.status_code == 200 and response.context["form"].errors
    assert not AccessAttempt.objects.filter(username__startswith="xxxx").exists()


def test_a_nul_byte_in_the_username_is_no_server_error(client):
    assert client.post(LOGIN, {"username": "ann\x00", "password": "whatever"}).status_code == 200


# ---- throttling -----------------------------------------------------------------------------
def test_spraying_many_usernames_from_one_address_is_throttled(client, settings):
    StaffFactory(username="victim")
    for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
        _fail(client, f"guess{n}")
    response = client.post(LOGIN, {"username": "victim", "password": PASSWORD})
    assert response.status_code == 429


def test_spraying_from_another_address_does_not_lock_out_this_one(client, settings):
    StaffFactory(username="victim")
    for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
        _fail(client, f"guess{n}", REMOTE_ADDR="203.0.113.9")
    response = client.post(LOGIN, {"username": "victim", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302


def test_behind_the_configured_proxy_the_attackers_address_is_locked_out_not_everyone(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    StaffFactory(username="ann")
    proxy = "10.0.0.2"  # every request arrives from the proxy
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "ann", "password": "wrong"}, REMOTE_ADDR=proxy,
                    HTTP_X_FORWARDED_FOR="203.0.113.66")
    locked = client.post(LOGIN, {"username": "ann", "password": PASSWORD}, REMOTE_ADDR=proxy,
                         HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert locked.status_code == 429
    honest = client.post(LOGIN, {"username": "ann", "password": PASSWORD}, REMOTE_ADDR=proxy,
                         HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert honest.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.66"}


def test_a_forged_forwarded_for_header_changes_nothing_without_a_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    StaffFactory(username="ann")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "ann", "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert client.post(LOGIN, {"username": "ann", "password": PASSWORD}).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_one_username_tried_from_many_addresses_is_locked(client, settings):
    StaffFactory(username="ann")
    for n in range(settings.AXES_USERNAME_FAILURE_LIMIT):
        _fail(client, "ann", REMOTE_ADDR=f"203.0.113.{n + 1}")
    assert client.post(LOGIN, {"username": "ann", "password": PASSWORD}, REMOTE_ADDR="198.51.100.1").status_code == 429


def test_staff_admins_see_lockouts_and_lift_them(client, settings):
    StaffFactory(username="ann")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, "ann")
    admin = StaffFactory(staff_role="admin")
    client.force_login(admin)
    page = client.get(reverse("accounts:lockout_list")).content.decode()
    assert "ann" in page and "127.0.0.1" in page
    client.post(reverse("accounts:lockout_lift"), {"username": "ann", "ip_address": "127.0.0.1"})
    client.logout()
    assert client.post(LOGIN, {"username": "ann", "password": PASSWORD}).status_code == 302


def test_support_staff_cannot_lift_lockouts(client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, "ann")
    client.force_login(StaffFactory(staff_role="support"))
    assert client.post(reverse("accounts:lockout_lift"), {"username": "ann"}).status_code == 403
    assert AccessAttempt.objects.filter(username="ann").exists()


# ---- a second factor -------------------------------------------------------------------------
def _enable(user) -> TOTPDevice:
    device = twofactor.totp_begin(user)
    twofactor.totp_confirm(user, device, _code(device))
    device.refresh_from_db()
    return device


def test_an_administrator_must_set_up_a_second_factor_before_any_staff_page(client, settings):
    settings.OTP_REQUIRED_ROLES = ["admin"]
    StaffFactory(username="ada", staff_role="admin")
    client.post(LOGIN, {"username": "ada", "password": PASSWORD})
    response = client.get(reverse("customers:customer_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:security"))


def test_support_staff_need_no_second_factor(client, settings):
    settings.OTP_REQUIRED_ROLES = ["admin"]
    StaffFactory(username="sam", staff_role="support")
    client.post(LOGIN, {"username": "sam", "password": PASSWORD})
    assert client.get(reverse("customers:customer_list")).status_code == 200


def test_with_a_second_factor_the_password_alone_signs_no_one_in(client, settings):
    settings.OTP_REQUIRED_ROLES = ["admin"]
    user = StaffFactory(username="ada", staff_role="admin")
    device = _enable(user)
    response = client.post(LOGIN, {"username": "ada", "password": PASSWORD})
    assert response["Location"] == reverse("accounts:verify")
    assert client.get(reverse("dashboard")).status_code == 302  # not signed in yet
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    signed_in = client.post(reverse("accounts:verify"), {"code": _code(device)})
    assert signed_in.status_code == 302 and client.get(reverse("dashboard")).status_code == 200


def test_a_recovery_code_works_once(client, settings):
    settings.OTP_REQUIRED_ROLES = ["admin"]
    user = StaffFactory(username="ada", staff_role="admin")
    device = twofactor.totp_begin(user)
    codes = twofactor.totp_confirm(user, device, _code(device))
    client.post(LOGIN, {"username": "ada", "password": PASSWORD})
    client.post(reverse("accounts:verify"), {"code": codes[0]})
    assert client.get(reverse("dashboard")).status_code == 200
    client.logout()
    client.post(LOGIN, {"username": "ada", "password": PASSWORD})
    again = client.post(reverse("accounts:verify"), {"code": codes[0]})
    assert again.status_code == 200 and again.context["form"].errors


def test_a_wrong_code_signs_no_one_in(client):
    user = MembershipFactory(role="owner", user__username="olivia").user
    _enable(user)
    client.post("/portal/login/", {"username": "olivia", "password": PASSWORD})
    response = client.post(reverse("accounts:verify"), {"code": "000000"})
    assert response.status_code == 200 and client.get(reverse("portal:home")).status_code == 302


def test_a_customer_user_may_turn_a_second_factor_on_from_the_security_page(client):
    user = MembershipFactory(role="owner").user
    client.force_login(user)
    client.post(reverse("accounts:security"), {"action": "begin"})
    page = client.get(reverse("accounts:security")).content.decode()
    assert 'id="totp-qr"' in page and "<svg" in page
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("accounts:security"), {"action": "confirm", "code": _code(device)})
    body = response.content.decode()
    assert 'id="recovery-codes"' in body and twofactor.has_two_factor(user)


def test_an_administrator_signed_in_by_a_login_token_must_still_give_the_second_factor(client, settings):
    from api import services
    from api.models import Scope

    settings.OTP_REQUIRED_ROLES = ["admin"]
    user = StaffFactory(username="ada", staff_role="admin")
    _enable(user)
    key_owner = StaffFactory(staff_role="admin")
    key, _ = services.api_key_create(name="WHMCS", scopes=[Scope.LOGIN_STAFF], acting_user=key_owner)
    _, secret = services.login_token_mint(key=key, username="ada")
    client.get(reverse("api:sso_login", args=[secret]))
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:verify"))


# ---- password reset -------------------------------------------------------------------------
def test_password_reset_by_email_with_djangos_tokens(client):
    user = MembershipFactory(role="owner", user__username="olivia", user__email="olivia@bakery.example").user
    client.post(reverse("accounts:password_reset"), {"email": "olivia@bakery.example"})
    link = re.search(r"https?://[^/\s]+(/account/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": "A-new-long-pass-77",
                                                         "new_password2": "A-new-long-pass-77"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("A-new-long-pass-77")
