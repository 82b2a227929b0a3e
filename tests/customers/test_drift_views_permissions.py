"""The drift fix in the view-permission matrix: anonymous → sign-in, a customer's user → 403, staff see both
sides, only roles that may change services settle it, and a target without an open drift alert answers 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from customers.models import Mailbox
from provisioning.models import Alert
from tests.factories import MailboxFactory, MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(db):
    return MailboxFactory(last_name="Ours")


@pytest.fixture
def alert(mailbox):
    return Alert.objects.create(kind="drift", target_type="mailbox", target_id=mailbox.pk, title="x: disagree",
                                details={"vendor_label": "SYNAQ", "fields": [
                                    {"field": "last_name", "label": "last name", "ours": "Ours", "theirs": "Theirs"}]})


def _urls(mailbox):
    return [("get", reverse("customers:drift_fix", args=["mailbox", mailbox.pk])),
            ("post", reverse("customers:drift_take_vendors", args=["mailbox", mailbox.pk])),
            ("post", reverse("customers:drift_push_ours", args=["mailbox", mailbox.pk]))]


def test_anonymous_visitors_are_sent_to_sign_in(client, mailbox, alert):
    for method, url in _urls(mailbox):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_customer_users_are_refused(client, mailbox, alert):
    client.force_login(MembershipFactory().user)
    for method, url in _urls(mailbox):
        assert getattr(client, method)(url).status_code == 403, url


def test_staff_see_both_sides(staff_client, mailbox, alert):
    page = staff_client.get(_urls(mailbox)[0][1], HTTP_HX_REQUEST="true")
    assert page.status_code == 200 and b"Ours" in page.content and b"Theirs" in page.content


def test_a_role_that_may_not_change_services_cannot_settle_it(client, mailbox, alert):
    client.force_login(StaffFactory(username="billing", staff_role="billing"))
    page = client.get(_urls(mailbox)[0][1])
    assert page.status_code == 200 and b"drift-take" not in page.content
    assert client.post(_urls(mailbox)[1][1]).status_code == 403
    assert Mailbox.objects.get(pk=mailbox.pk).last_name == "Ours"


def test_a_target_without_an_open_drift_alert_answers_404(staff_client, mailbox):
    for method, url in _urls(mailbox):
        assert getattr(staff_client, method)(url).status_code == 404, url
