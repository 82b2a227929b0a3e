"""What each user may read: selectors scope to the user's customer (the view matrix: test_permission_matrix.py)."""

from __future__ import annotations

import pytest

from customers import selectors
from provisioning import services
from provisioning.choices import AlertKind
from tests.factories import DomainFactory, MailboxFactory, MembershipFactory, UserFactory, queue_operation

pytestmark = pytest.mark.django_db


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
