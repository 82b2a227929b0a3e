"""Every answer carries the Content-Security-Policy: the panel's own files only, no inline script."""

from __future__ import annotations

import pytest

from tests.factories import MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in header.split(";")) if part}


@pytest.mark.parametrize("path", ["/login/", "/portal/login/", "/account/password-reset/", "/sso/x.y/"])
def test_public_pages_carry_the_policy(client, path):
    policy = _policy(client.get(path))
    assert policy["default-src"] == "default-src 'self'" and policy["script-src"] == "script-src 'self'"
    assert "unsafe-inline" not in client.get(path)["Content-Security-Policy"]


def test_staff_and_portal_pages_carry_the_policy(client):
    client.force_login(StaffFactory(staff_role="support"))
    assert "script-src 'self'" in client.get("/customers/")["Content-Security-Policy"]
    client.force_login(MembershipFactory(role="owner").user)
    assert "frame-ancestors 'none'" in client.get("/portal/")["Content-Security-Policy"]


def test_a_customer_user_signing_in_on_the_staff_page_lands_in_their_portal(client):
    from tests.factories import PASSWORD

    MembershipFactory(role="viewer", user__username="vic")
    response = client.post("/login/", {"username": "vic", "password": PASSWORD})
    assert response["Location"] == "/portal/"
