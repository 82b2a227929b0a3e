"""Tenants stay apart: a user of another customer asks every portal URL and HTMX endpoint for every
object of this customer, by the method it takes, as a page and as an HTMX swap. Every answer is 404 and
nothing changes; their own lists show none of it."""

from __future__ import annotations

import pytest

from tests.matrix import build_estate, fingerprint, reverse_with, visitors
from tests.portal.test_permission_matrix import PORTAL_URLS

pytestmark = pytest.mark.django_db

PAGES = {"portal:domain_detail", "portal:domain_status", "portal:mailbox_detail", "portal:mailbox_status",
         "portal:account_detail", "portal:invoice_detail", "portal:invoice_csv", "portal:mailbox_panel",
         "portal:domain_panel"}
LISTS = ["portal:home", "portal:mailbox_list", "portal:invoice_list", "portal:activity", "portal:member_list"]


@pytest.fixture
def stranger_client(client, staff):
    estate = build_estate(staff)
    client.force_login(visitors(estate)["other:owner"])
    return client, estate


def test_every_object_of_another_customer_is_not_found_and_nothing_changes(stranger_client):
    client, estate = stranger_client
    args = {name: spec[0] for name, spec in PORTAL_URLS.items()}
    object_urls = [name for name, (make, _) in PORTAL_URLS.items() if make(estate)]
    assert len(object_urls) >= 18
    for name in object_urls:
        url = reverse_with(name, args, estate)
        method = "get" if name in PAGES else "post"
        for headers in ({}, {"HX-Request": "true", "HX-Current-URL": "http://testserver/portal/"}):
            before = fingerprint()
            response = getattr(client, method)(url, headers=headers)
            assert response.status_code == 404, f"{method.upper()} {name} {headers}"
            assert fingerprint() == before, f"{name} changed something"


def test_another_customers_lists_show_none_of_this_customers_objects(stranger_client):
    client, estate = stranger_client
    secrets = [estate["domain"].name, estate["mailbox"].local_part, estate["invoice"].invoice_id,
               estate["customer"].name, estate["contact"].email, estate["membership"].user.username]
    for name in LISTS:
        for query in ("", f"?q={estate['mailbox'].local_part}"):
            body = client.get(reverse_with(name, {name: lambda e: []}, estate) + query).content.decode()
            shown = [s for s in secrets if s != estate["mailbox"].local_part] if query else secrets  # the search echoed
            for secret in [*shown, f"{estate['mailbox'].local_part}@"]:
                assert secret not in body, f"{name}{query} shows {secret}"


def test_a_portal_session_cannot_choose_another_customer(stranger_client):
    client, estate = stranger_client
    session = client.session
    session["portal_customer"] = estate["customer"].pk  # a forged choice of customer
    session.save()
    body = client.get("/portal/").content.decode()
    assert estate["customer"].name not in body and estate["domain"].name not in body
