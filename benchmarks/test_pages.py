"""Page benchmark (`make bench`): every staff list and detail page at reseller scale, next to Django
admin's changelist for the same model at the same page size, in the same run.

The estate: 2,000 customers, 10,000 domains, 100,000 mailboxes, 50,000 operations and 1,000 open
alerts, seeded in two halves so each page's query count is measured at both sizes (it must not
grow). Writes var/bench/pages.json with, per page, ``p50_ms``, ``p95_ms``, ``queries``,
``queries_at_half``, ``admin_p95_ms`` and ``ratio`` (admin p95 / page p95). Targets: every page's p95
at most 50 ms, the same query count at twice the rows, every list page at least 3x faster than the
admin changelist.
"""

from __future__ import annotations

import json
import statistics
import time

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer, Domain, Mailbox
from provisioning.models import Alert, Operation
from tests.factories import StaffFactory, VendorAccountFactory

pytestmark = pytest.mark.django_db

RUNS = 30
CUSTOMERS, DOMAINS, MAILBOXES, OPERATIONS, ALERTS = 2_000, 10_000, 100_000, 50_000, 1_000


def _seed(account, half: int) -> None:
    """One half of the estate (``half`` 0 or 1), in bulk."""
    c0, d0, m0 = half * CUSTOMERS // 2, half * DOMAINS // 2, half * MAILBOXES // 2
    customers = Customer.objects.bulk_create(
        Customer(name=f"Customer {c0 + i:05d}", reference=f"R{c0 + i:05d}") for i in range(CUSTOMERS // 2))
    domains = Domain.objects.bulk_create(
        Domain(customer=customers[i % len(customers)], vendor_account=account, name=f"d{d0 + i}.example",
               vendor_state="active" if i % 9 else "stale", vendor_id=f"g-{d0 + i}")
        for i in range(DOMAINS // 2))
    Mailbox.objects.bulk_create(
        (Mailbox(domain=domains[i % len(domains)], local_part=f"user{m0 + i}", vendor_state="active")
         for i in range(MAILBOXES // 2)), batch_size=5000)
    now = timezone.now()
    Operation.objects.bulk_create(
        (Operation(kind="mailbox.create", state="succeeded" if i % 10 else "pending", target_type="domain",
                   target_id=domains[i % len(domains)].pk, vendor_account=account,
                   customer=domains[i % len(domains)].customer, summary=f"Create user{i}@example",
                   next_attempt_at=now, payload={}) for i in range(OPERATIONS // 2)), batch_size=5000)
    Alert.objects.bulk_create(
        Alert(kind="domain_stale", severity="high" if i % 3 else "medium", severity_rank=0 if i % 3 else 1,
              target_type="domain", target_id=domains[i].pk, customer=domains[i].customer,
              title=f"d{d0 + i}.example is stale") for i in range(ALERTS // 2))


def _time(client, url: str, params: dict) -> tuple[float, float, int]:
    client.get(url, params)  # warm
    durations = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url, params)
        durations.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 286), (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    durations.sort()
    return statistics.median(durations), durations[int(len(durations) * 0.95) - 1], len(queries)


def _pages(first_domain, first_mailbox, first_customer, first_operation, first_alert):
    """(name, url, params, admin changelist url or None) for every staff list and detail page."""
    return [
        ("dashboard", reverse("dashboard"), {}, None),
        ("customer list", reverse("customers:customer_list"), {}, reverse("admin:customers_customer_changelist")),
        ("customer list, search", reverse("customers:customer_list"), {"q": "Customer 0099"},
         reverse("admin:customers_customer_changelist")),
        ("customer list, newest", reverse("customers:customer_list"), {"sort": "newest"},
         reverse("admin:customers_customer_changelist")),
        ("domain list", reverse("customers:domain_list"), {}, reverse("admin:customers_domain_changelist")),
        ("domain list, stale", reverse("customers:domain_list"), {"vendor_state": "stale"},
         reverse("admin:customers_domain_changelist")),
        ("mailbox list", reverse("customers:mailbox_list"), {}, reverse("admin:customers_mailbox_changelist")),
        ("mailbox list, search", reverse("customers:mailbox_list"), {"q": "user999"},
         reverse("admin:customers_mailbox_changelist")),
        ("operation list", reverse("provisioning:operation_list"), {},
         reverse("admin:provisioning_operation_changelist")),
        ("operation list, pending", reverse("provisioning:operation_list"), {"state": "pending"},
         reverse("admin:provisioning_operation_changelist")),
        ("alert desk", reverse("provisioning:alert_list"), {}, reverse("admin:provisioning_alert_changelist")),
        ("customer page", reverse("customers:customer_detail", args=[first_customer]), {}, None),
        ("domain page", reverse("customers:domain_detail", args=[first_domain]), {}, None),
        ("mailbox page", reverse("customers:mailbox_detail", args=[first_mailbox]), {}, None),
        ("operation page", reverse("provisioning:operation_detail", args=[first_operation]), {}, None),
        ("alert page", reverse("provisioning:alert_detail", args=[first_alert]), {}, None),
    ]


ADMIN_PARAMS = {"customer list, search": {"q": "Customer 0099"}, "domain list, stale": {"vendor_state__exact": "stale"},
                "mailbox list, search": {"q": "user999"}, "operation list, pending": {"state__exact": "pending"}}


def test_pages_at_reseller_scale(client, monkeypatch):
    for model in (Customer, Domain, Mailbox, Operation, Alert):  # the admin at our page size
        monkeypatch.setattr(admin.site._registry[model], "list_per_page", settings.PAGE_SIZE)
    monkeypatch.setattr(admin.site._registry[Domain], "list_filter", ("vendor_state",))
    client.force_login(StaffFactory(is_superuser=True))
    account = VendorAccountFactory(kind="synaq", name="SYNAQ bench")
    _seed(account, 0)
    ids = (Domain.objects.order_by("id").first().pk, Mailbox.objects.order_by("id").first().pk,
           Customer.objects.order_by("id").first().pk, Operation.objects.order_by("id").first().pk,
           Alert.objects.order_by("id").first().pk)
    at_half = {name: _time(client, url, params)[2] for name, url, params, _ in _pages(*ids)}
    _seed(account, 1)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    results = {}
    for name, url, params, admin_url in _pages(*ids):
        p50, p95, queries = _time(client, url, params)
        row = {"p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "queries": queries,
               "queries_at_half": at_half[name]}
        if admin_url:
            _, admin_p95, _ = _time(client, admin_url, ADMIN_PARAMS.get(name, {}))
            row.update(admin_p95_ms=round(admin_p95, 1), ratio=round(admin_p95 / p95, 2))
        results[name] = row
        print(f"\n[bench] {name}: " + ", ".join(f"{k}={v}" for k, v in row.items()), end="")
    out = settings.BASE_DIR / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    summary = {"estate": {"customers": CUSTOMERS, "domains": DOMAINS, "mailboxes": MAILBOXES,
                          "operations": OPERATIONS, "open_alerts": ALERTS},
               "database": connection.vendor, "runs": RUNS, "pages": results}
    (out / "pages.json").write_text(json.dumps(summary, indent=2))
    for name, row in results.items():
        assert row["queries"] == row["queries_at_half"], (name, row)
