"""Provisioning benchmark (`make bench`): 1,000 SYNAQ operations through a real Celery worker against
the sandbox (its own process), with asynchronous actions taking 1-3 s and 20 ms of latency per call.

It measures, and writes var/bench/provisioning.json:

* ``wall_seconds``: from the commit that queues the 1,000 operations to the last one ending
  (``queue_seconds`` is how long building them in that one transaction took);
* ``ideal_seconds`` = max(the longest single operation's own minimum time (its calls x latency plus
  its action's delay, at most 3 s), the fewest calls the run needs (one per create or change step
  plus one poll per action) x latency / the worker concurrency);
* ``converge_ratio`` = wall / ideal (target <= 1.2), ``requests_per_create`` (target exactly 1),
  ``polls_per_action`` (target <= 2.0) and ``duplicates`` at the vendor (target 0).
"""

from __future__ import annotations

import collections
import json
import os
import socket
import subprocess
import time

import pytest
import requests
from django.conf import settings
from django.db import transaction

from customers import services
from customers.models import Mailbox
from provisioning.choices import OPEN_OPERATION_STATES
from provisioning.models import Operation, VendorAccount
from provisioning.services.context import Context
from provisioning.services.reads import vendor_catalog
from provisioning.vendors.synaq.adapter import SynaqAdapter
from tests.factories import CustomerFactory, StaffFactory
from tests.support import BASE_DIR, PYTHON, WorkerProcess

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LATENCY = 0.02
DELAY = (1.0, 3.0)
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "2"))
POOL = os.environ.get("BENCH_POOL", "prefork")
CUSTOMERS, DOMAINS_EACH, MAILBOXES_EACH = 50, 5, 2  # 250 domains, 500 mailboxes, 250 edition changes
ADDRESS = {"address_line_1": "1 Main Road", "city": "Cape Town", "postal_code": "8001", "country": "ZA"}
CREATES = ("POST /api/v1/packages/<uuid:package>/domains.json", "POST /api/v1/domains/<uuid:domain>/mailboxes.json")
CHANGES = ("PATCH /api/v1/mailboxes/<uuid:mailbox>/packages/<uuid:package>/edition.json",)
POLLS = ("GET /api/v1/domains/<uuid:domain>/actions/<int:action_id>",
         "GET /api/v1/mailboxes/<uuid:mailbox>/actions/<int:action_id>")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sandbox_process(tmp_path):
    port = _free_port()
    log = open(tmp_path / "sandbox.log", "w")  # noqa: SIM115 (the child's log, closed with it)
    command = [PYTHON, "-m", "sandbox", "--port", str(port), "--quiet"]
    process = subprocess.Popen(command, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(f"{url}/_sandbox/config", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)
    log.close()


def _control(url: str, path: str, body=None, method: str = "POST"):
    return requests.request(method, f"{url}/_sandbox/{path}", json=body, timeout=10).json()


def _wait_all_final(timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not Operation.objects.filter(state__in=OPEN_OPERATION_STATES).exists():
            return time.monotonic()
        time.sleep(0.05)
    raise AssertionError(list(Operation.objects.filter(state__in=OPEN_OPERATION_STATES)
                              .values_list("kind", "state", "pending_reason")[:10]))


def test_provisioning_benchmark(sandbox_process, tmp_path):
    url = sandbox_process
    config = _control(url, "config", method="GET")["vendors"]["synaq"]
    account = VendorAccount.objects.create(kind="synaq", name="SYNAQ bench", base_url=f"{url}/synaq",
                                           credentials=config["credentials"],
                                           root_id=config["seeded"]["reseller_guid"])
    staffer = StaffFactory()
    catalog = vendor_catalog(account=account)
    worker = WorkerProcess(tmp_path / "worker.log", pool=POOL, concurrency=CONCURRENCY).start()
    try:
        # Set-up, not measured: each customer's company and CloudMail package.
        _control(url, "synaq/delays", {"action": 0})
        packages = []
        for i in range(CUSTOMERS):
            customer = CustomerFactory(name=f"Bench {i:03d}", reference=f"B{i:04d}", **ADDRESS)
            packages.append(services.package_order(
                customer=customer, vendor_account=account, catalog=catalog, product_code="SYN-CMS",
                editions=["SYN-CMS-BASIC-02", "SYN-CM-PREM-25-ARCH"], acting_user=staffer))
        _wait_all_final(300)
        assert not Operation.objects.filter(state="failed").exists()
        Operation.objects.all().delete()
        _control(url, "synaq/counters", method="DELETE")
        _control(url, "synaq/delays", {"action": list(DELAY)})
        _control(url, "synaq/faults", {"kind": "latency", "latency": LATENCY, "rate": 1.0})
        marks: list[float] = []

        # The measured run: 1,000 operations queued in one commit; the clock starts at the commit.
        before = time.monotonic()
        with transaction.atomic():
            mailboxes = []
            for i, package in enumerate(packages):
                for d in range(DOMAINS_EACH):
                    domain = services.domain_create(
                        customer=package.customer, vendor_account=account, name=f"b{i:03d}-{d}.example",
                        package=package, provision_now=True, catalog=catalog, acting_user=staffer)
                    for m in range(MAILBOXES_EACH):
                        mailboxes.append(services.mailbox_create(
                            domain=domain, local_part=f"u{m}", password="Secret-pass-123", last_name="User",
                            edition="SYN-CMS-BASIC-02", acting_user=staffer))
            for mailbox in mailboxes[::MAILBOXES_EACH]:
                services.mailbox_change_edition(mailbox=Mailbox.objects.get(pk=mailbox.pk),
                                                edition="SYN-CM-PREM-25-ARCH", acting_user=staffer)
            transaction.on_commit(lambda: marks.append(time.monotonic()))
        started = marks[0]
        queued = started - before
        ended = _wait_all_final(600)
    finally:
        worker.stop()
    wall = ended - started
    operations = Operation.objects.count()
    failed = Operation.objects.exclude(state="succeeded").count()
    counters = _control(url, "synaq/counters", method="GET")
    state = requests.get(f"{url}/_sandbox/synaq", timeout=10).json()
    creates = sum(counters.get(k, 0) for k in CREATES)
    changes = sum(counters.get(k, 0) for k in CHANGES)
    polls = sum(counters.get(k, 0) for k in POLLS)
    create_ops = Operation.objects.filter(kind__in=["domain.create", "mailbox.create"]).count()
    actions = operations  # each of the three kinds is one asynchronous action
    calls_needed = create_ops + changes + actions
    longest_own = 2 * LATENCY + DELAY[1]
    ideal = max(longest_own, calls_needed * LATENCY / CONCURRENCY)
    names = _domain_names(url, account)
    duplicates = sum(n - 1 for n in collections.Counter(names).values() if n > 1)
    result = {
        "operations": operations, "failed": failed, "wall_seconds": round(wall, 2),
        "queue_seconds": round(queued, 2), "ideal_seconds": round(ideal, 2),
        "converge_ratio": round(wall / ideal, 3), "requests_per_create": round(creates / create_ops, 3),
        "polls_per_action": round(polls / actions, 3), "duplicates": duplicates,
        "worker_concurrency": CONCURRENCY, "worker_pool": POOL, "latency_ms": LATENCY * 1000,
        "action_delay_seconds": list(DELAY),
        "calls": {"creates": creates, "changes": changes, "polls": polls}, "sandbox": state,
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "broker": "redis" if settings.REDIS_URL else "filesystem",
    }
    out = settings.BASE_DIR / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "provisioning.json").write_text(json.dumps(result, indent=2))
    print("\n[bench] provisioning: " + ", ".join(f"{k}={v}" for k, v in result.items()
                                                 if k not in ("sandbox", "calls")))
    assert operations == 1000 and failed == 0 and duplicates == 0


def _domain_names(url: str, account) -> list[str]:
    """Every domain name the sandbox holds (each must appear once)."""
    ctx = Context.for_read(account, adapter=SynaqAdapter())
    return [d["domain_name"] for d in ctx.client.pages("/api/v1/domains.json", "domains")]
