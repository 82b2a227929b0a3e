"""Signing in and out, throttling, and who may see the staff pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("customers:customer_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_staff_signs_in_with_the_right_password(client):
    StaffFactory(username="ann")
    response = client.post(reverse("login"), {"username": "ann", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")


def test_wrong_password_is_refused_with_a_form_error(client):
    StaffFactory(username="ann")
    response = client.post(reverse("login"), {"username": "ann", "password": "wrong"})
    assert response.status_code == 200 and response.context["form"].errors


def test_repeated_failed_sign_ins_lock_the_user_out(client, settings):
    StaffFactory(username="ann")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "ann", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "ann", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()


def test_a_customer_user_cannot_open_staff_pages(client):
    client.force_login(UserFactory())
    assert client.get(reverse("customers:customer_list")).status_code == 403


def test_sign_out_needs_a_post_and_ends_the_session(staff_client):
    response = staff_client.post(reverse("logout"))
    assert response.status_code == 302
    assert staff_client.get(reverse("dashboard")).status_code == 302


def test_an_htmx_poll_after_the_session_ended_gets_a_client_redirect_to_sign_in(client):
    response = client.get(reverse("provisioning:alert_badge"), headers={"HX-Request": "true",
                                                           "HX-Current-URL": "http://testserver/customers/"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/login/?next=%2Fcustomers%2F"
