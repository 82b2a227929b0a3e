"""Benchmarks (`make bench`): speed at the design size, measured, not asserted by the test suite.

Each prints its timing; each also checks the one property that must hold at scale (e.g. the
query count of a page), so a regression shows here before it shows in production.
"""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import Customer, Domain, Mailbox
from sandbox import build_app
from tests.factories import StaffFactory, VendorAccountFactory


def _report(name: str, seconds: float, extra: str = "") -> None:
    print(f"\n[bench] {name}: {seconds * 1000:.0f} ms {extra}")


@pytest.mark.parametrize("vendor", ["synaq", "hostway", "basekit"])
def test_sandbox_seeds_100k_mailboxes(vendor):
    app = build_app(vendors=[vendor])
    started = time.perf_counter()
    app.vendor(vendor).seed(domains=10_000, mailboxes=100_000)
    _report(f"{vendor} sandbox seed 10k domains / 100k mailboxes", time.perf_counter() - started)


@pytest.fixture
def large_estate(django_db_blocker, db):
    account = VendorAccountFactory()
    customers = Customer.objects.bulk_create(
        Customer(name=f"Customer {i:05d}", reference=f"R{i:05d}") for i in range(10_000))
    domains = Domain.objects.bulk_create(
        Domain(customer=c, vendor_account=account, name=f"d{i}.example") for i, c in enumerate(customers))
    Mailbox.objects.bulk_create(
        Mailbox(domain=domains[i % len(domains)], local_part=f"user{i}") for i in range(100_000))
    return account


@pytest.mark.parametrize("url_name, params", [
    ("customers:customer_list", {}), ("customers:customer_list", {"q": "Customer 099"}), ("customers:domain_list", {}),
    ("customers:mailbox_list", {}), ("customers:mailbox_list", {"q": "user99"}),
])
def test_list_pages_at_design_size(client, large_estate, url_name, params):
    client.force_login(StaffFactory())
    client.get(reverse(url_name), params)  # warm
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(reverse(url_name), params)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200
    _report(f"{url_name} {params or ''} with 10k customers/domains, 100k mailboxes", elapsed,
            f"({len(queries)} queries)")
    assert len(queries) <= 12
