"""Staff open a customer's portal as one of its users: a banner on every page, every change audited
under both names and shown in the customer's activity log, one click back; only roles allowed to."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import AuditEvent
from tests.factories import MailboxFactory, MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return MembershipFactory(role="owner", user__first_name="Olivia")


def _start(client, staff, customer):
    client.force_login(staff)
    return client.post(reverse("portal:impersonate_start", args=[customer.pk]))


def test_support_opens_the_portal_as_the_customer_with_a_banner(client, owner):
    response = _start(client, StaffFactory(staff_role="support", username="sam"), owner.customer)
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    body = client.get(reverse("portal:home")).content.decode()
    assert 'id="impersonation-banner"' in body and "sam" in body and owner.customer.name in body


def test_billing_staff_may_not_impersonate(client, owner):
    response = _start(client, StaffFactory(staff_role="billing"), owner.customer)
    assert response.status_code == 403
    assert not AuditEvent.objects.exists()


def test_changes_while_impersonating_are_audited_under_both_names_and_shown_to_the_customer(client, owner):
    staff = StaffFactory(staff_role="support", username="sam")
    mailbox = MailboxFactory(domain__customer=owner.customer)
    _start(client, staff, owner.customer)
    client.post(reverse("portal:mailbox_edit", args=[mailbox.pk]), {"first_name": "Renamed", "last_name": ""})
    event = AuditEvent.objects.get(action="mailbox.update")
    assert event.actor == owner.user and event.impersonator == staff
    log = client.get(reverse("portal:activity")).content.decode()
    assert "by sam of the reseller" in log
    assert AuditEvent.objects.filter(action="customer.impersonate", actor=staff).exists()


def test_one_click_takes_the_staff_member_back_to_the_console(client, owner):
    staff = StaffFactory(staff_role="admin", username="ada")
    _start(client, staff, owner.customer)
    response = client.post(reverse("portal:impersonate_stop"))
    assert response["Location"] == reverse("customers:customer_detail", args=[owner.customer.pk])
    assert client.get(reverse("dashboard")).status_code == 200
    assert 'id="impersonation-banner"' not in client.get(reverse("dashboard")).content.decode()


def test_a_customer_without_portal_users_cannot_be_impersonated(client):
    from tests.factories import CustomerFactory

    customer = CustomerFactory()
    response = _start(client, StaffFactory(staff_role="admin"), customer)
    assert response.status_code == 302 and response["Location"].endswith(f"/customers/{customer.pk}/")


def test_ending_an_impersonation_that_never_started_is_refused(client, owner):
    client.force_login(owner.user)
    assert client.post(reverse("portal:impersonate_stop")).status_code == 403
