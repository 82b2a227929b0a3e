"""Portal pages cost the same number of queries for three rows as for thirty."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import DomainFactory, MailboxFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", ["/portal/", "/portal/mailboxes/", "/portal/activity/", "/portal/billing/"])
def test_a_portal_page_costs_the_same_for_few_rows_as_for_many(client, path):
    owner = MembershipFactory(role="owner")
    client.force_login(owner.user)
    domain = DomainFactory(customer=owner.customer)
    for _ in range(3):
        MailboxFactory(domain=DomainFactory(customer=owner.customer))
    few = _queries(client, path)
    for _ in range(20):
        MailboxFactory(domain=domain)
        DomainFactory(customer=owner.customer)
    assert _queries(client, path) == few
