"""The import pages in the view-permission matrix: anonymous → sign-in, a customer's user → 403, staff → a page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from provisioning.models import ImportJob, VendorAccount
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(db):
    account = VendorAccount.objects.create(kind="hostway", name="Hostway", base_url="http://127.0.0.1:9/hostway",
                                           root_id="acct")
    job = ImportJob.objects.create(vendor_account=account, scope=["test.com"], state="proposed",
                                   proposal=[{"name": "test.com", "customer_id": None, "error": ""}])
    return [("get", reverse("customers:vendor_account_list")),
            ("get", reverse("customers:vendor_account_detail", args=[account.pk])),
            ("get", reverse("customers:import_detail", args=[job.pk])),
            ("get", reverse("customers:import_progress", args=[job.pk])),
            ("post", reverse("customers:import_cancel", args=[job.pk]))]


def test_anonymous_visitors_are_sent_to_sign_in(client, urls):
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_customer_users_are_refused(client, urls):
    client.force_login(MembershipFactory().user)
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 403, url


def test_staff_reach_every_import_page(staff_client, urls):
    for method, url in urls:
        assert getattr(staff_client, method)(url).status_code in {200, 286, 302}, url
