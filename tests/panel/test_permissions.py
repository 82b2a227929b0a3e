"""The view-permission matrix: every staff URL as anonymous, as a customer's user, and as staff."""

from __future__ import annotations

import pytest
from django.urls import reverse

from customers import selectors
from provisioning import services
from provisioning.choices import AlertKind
from tests.factories import DomainFactory, MailboxFactory, MembershipFactory, UserFactory, queue_operation

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(staff):
    mailbox = MailboxFactory()
    domain = mailbox.domain
    operation = queue_operation(domain, "domain.create", acting_user=staff)
    alert = services.alert_open(kind=AlertKind.DOMAIN_STALE, target_type="domain", target_id=domain.pk,
                                customer=domain.customer, title="stale")
    return {"customer": domain.customer, "domain": domain, "mailbox": mailbox, "operation": operation,
            "alert": alert}


def _urls(e):
    return [
        ("get", reverse("dashboard")),
        ("get", reverse("customers:customer_list")),
        ("get", reverse("customers:customer_create")),
        ("get", reverse("customers:customer_detail", args=[e["customer"].pk])),
        ("get", reverse("customers:customer_edit", args=[e["customer"].pk])),
        ("post", reverse("customers:domain_create", args=[e["customer"].pk])),
        ("get", reverse("customers:domain_list")),
        ("get", reverse("customers:domain_detail", args=[e["domain"].pk])),
        ("post", reverse("customers:mailbox_create", args=[e["domain"].pk])),
        ("get", reverse("customers:mailbox_list")),
        ("get", reverse("customers:mailbox_detail", args=[e["mailbox"].pk])),
        ("get", reverse("provisioning:operation_list")),
        ("get", reverse("provisioning:operation_detail", args=[e["operation"].pk])),
        ("post", reverse("provisioning:operation_retry", args=[e["operation"].pk])),
        ("get", reverse("provisioning:alert_list")),
        ("get", reverse("provisioning:alert_badge")),
        ("post", reverse("provisioning:alert_acknowledge", args=[e["alert"].pk])),
        ("get", reverse("provisioning:alert_detail", args=[e["alert"].pk])),
        ("get", reverse("provisioning:alert_status", args=[e["alert"].pk])),
        ("get", reverse("provisioning:alert_banner")),
        ("post", reverse("provisioning:operation_cancel", args=[e["operation"].pk])),
        ("get", reverse("customers:domain_status", args=[e["domain"].pk])),
        ("get", reverse("customers:domain_fix", args=[e["domain"].pk])),
        ("post", reverse("customers:domain_link", args=[e["domain"].pk])),
        ("post", reverse("customers:domain_service_fields", args=[e["domain"].pk])),
        ("get", reverse("customers:domain_delete", args=[e["domain"].pk])),
        ("get", reverse("customers:mailbox_status", args=[e["mailbox"].pk])),
        ("post", reverse("customers:mailbox_edit", args=[e["mailbox"].pk])),
        ("post", reverse("customers:mailbox_password", args=[e["mailbox"].pk])),
        ("get", reverse("customers:mailbox_delete", args=[e["mailbox"].pk])),
    ]


def test_anonymous_visitors_are_sent_to_sign_in_everywhere(client, estate):
    for method, url in _urls(estate):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_customer_users_are_refused_every_staff_page(client, estate):
    member = MembershipFactory(customer=estate["customer"]).user
    client.force_login(member)
    for method, url in _urls(estate):
        assert getattr(client, method)(url).status_code == 403, url


def test_staff_reach_every_page_without_a_server_error(staff_client, estate):
    for method, url in _urls(estate):
        assert getattr(staff_client, method)(url).status_code in {200, 286, 302}, url


def test_a_customer_user_sees_only_their_own_customer_and_domains():
    own = MembershipFactory()
    other_domain = DomainFactory()
    own_domain = DomainFactory(customer=own.customer)
    user = own.user
    assert list(selectors.customer_list(user=user)) == [own.customer]
    assert list(selectors.domain_list(user=user)) == [own_domain]
    with pytest.raises(Exception) as excinfo:
        selectors.domain_get(user=user, pk=other_domain.pk)
    assert excinfo.type.__name__ == "Http404"


def test_a_user_with_no_membership_sees_nothing():
    DomainFactory()
    assert not selectors.customer_list(user=UserFactory()).exists()


def test_a_customer_user_gets_404_for_another_customers_mailbox_operation_and_alert(staff):
    from django.http import Http404

    from provisioning import selectors as provisioning_selectors

    own = MembershipFactory()
    other = MailboxFactory()
    operation = queue_operation(other, "mailbox.create", acting_user=staff)
    alert = services.alert_open(kind=AlertKind.MAILBOX_PENDING, target_type="mailbox", target_id=other.pk,
                                customer=other.domain.customer, title="pending")
    with pytest.raises(Http404):
        selectors.mailbox_get(user=own.user, pk=other.pk)
    with pytest.raises(Http404):
        provisioning_selectors.operation_get(user=own.user, pk=operation.pk)
    with pytest.raises(Http404):
        provisioning_selectors.alert_get(user=own.user, pk=alert.pk)
    assert provisioning_selectors.alert_counts(user=own.user) == {"open": 0, "high": 0}
