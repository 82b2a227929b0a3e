"""The engine under faults: 500 mixed SYNAQ operations while the sandbox fails a fifth of the calls
(5xx, timeouts, dropped connections, lost responses, throttling), run by a real Celery worker that is
SIGKILLed mid-run and restarted. Every operation must end, no object may exist twice at the vendor,
and every failure must have its alert."""

from __future__ import annotations

import collections
import time

import pytest
from django.conf import settings
from django.utils import timezone

from customers import services
from customers.models import Mailbox
from provisioning.choices import OPEN_OPERATION_STATES
from provisioning.models import Alert, Attempt, Operation
from provisioning.services import operations_sweep_due
from provisioning.services.reads import vendor_catalog
from tests.factories import CustomerFactory, StaffFactory
from tests.support import WorkerProcess
from tests.vendors.conftest import account_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ADDRESS = {"address_line_1": "1 Main Road", "city": "Cape Town", "postal_code": "8001", "country": "ZA"}
FAST = {"PROVISIONING_BACKOFF_SECONDS": "0.3", "PROVISIONING_BACKOFF_CAP_SECONDS": "3",
        "PROVISIONING_CLAIM_SECONDS": "20", "PROVISIONING_REDISPATCH_SECONDS": "4", "PROVISIONING_MAX_ATTEMPTS": "12",
        "VENDOR_READ_TIMEOUT": "1.5", "VENDOR_CONNECT_TIMEOUT": "1.5"}
# SQLite takes one writer at a time: more worker threads only queue for its lock.
CONCURRENCY = 4 if "postgres" in settings.DATABASES["default"]["ENGINE"] else 2
FAULTS = [  # about one call in five fails, one way or another
    {"kind": "status", "status": 503, "rate": 0.05},
    {"kind": "timeout", "timeout": 2.5, "rate": 0.03},
    {"kind": "drop", "rate": 0.04},
    {"kind": "drop_after", "rate": 0.04},
    {"kind": "throttle", "rate": 0.04},
]


def _estate(account, staffer, catalog) -> int:
    """40 customers: company, CloudMail package, two domains provisioned at once, three mailboxes each,
    then edition changes and renames queued behind their creation: 500 operations."""
    for i in range(40):
        customer = CustomerFactory(name=f"Fault Co {i:02d}", reference=f"FLT-{i:03d}", **ADDRESS)
        package = services.package_order(customer=customer, vendor_account=account, catalog=catalog,
                                         product_code="SYN-CMS", editions=["SYN-CMS-BASIC-02", "SYN-CM-PREM-25-ARCH"],
                                         acting_user=staffer)
        for d in range(2):
            domain = services.domain_create(customer=customer, vendor_account=account, name=f"f{i:02d}-{d}.example",
                                            package=package, provision_now=True, catalog=catalog,
                                            acting_user=staffer)
            for m in range(3):
                services.mailbox_create(domain=domain, local_part=f"u{m}", password="Secret-pass-123",
                                        edition="SYN-CMS-BASIC-02", acting_user=staffer)
    mailboxes = list(Mailbox.objects.order_by("id"))
    for mailbox in mailboxes[:60]:
        services.mailbox_change_edition(mailbox=mailbox, edition="SYN-CM-PREM-25-ARCH", acting_user=staffer)
    for mailbox in mailboxes[60:100]:
        services.mailbox_update(mailbox=mailbox, first_name="Renamed", acting_user=staffer)
    return Operation.objects.count()


def _wait(predicate, timeout: float, *, sweep: bool = True):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if sweep:
            operations_sweep_due()  # what beat does every few seconds
        time.sleep(1)
    return False


def test_five_hundred_operations_under_faults_and_a_killed_worker_all_end_without_duplicates(
        sandbox, tmp_path, settings):  # noqa: F811 (pytest-django's settings fixture)
    synaq = sandbox.vendor("synaq")
    synaq.delays.update(action=0.3)
    for key, value in FAST.items():
        setattr(settings, key, float(value) if "." in value or key.endswith("SECONDS") else int(value))
    staffer = StaffFactory()
    account = account_for(sandbox, "synaq")
    catalog = vendor_catalog(account=account)
    total = _estate(account, staffer, catalog)
    assert total == 500
    for fault in FAULTS:
        synaq.faults.add(**fault)
    worker = WorkerProcess(tmp_path / "worker.log", pool="threads", concurrency=CONCURRENCY, **FAST).start()
    try:
        started = time.monotonic()
        operations_sweep_due()
        assert _wait(lambda: Operation.objects.exclude(state__in=OPEN_OPERATION_STATES).count() >= total * 0.4, 240)
        print(f"\n[faults] 40% final after {time.monotonic() - started:.0f} s; killing the worker")
        worker.kill()
        time.sleep(1)
        worker = WorkerProcess(tmp_path / "worker.log", pool="threads", concurrency=CONCURRENCY, **FAST).start(
            purge=False)
        finished = _wait(lambda: not Operation.objects.filter(state__in=OPEN_OPERATION_STATES).exists(), 360)
        print(f"[faults] all final after {time.monotonic() - started:.0f} s")
        synaq.faults.clear()
    finally:
        worker.stop()
    still_open = list(Operation.objects.filter(state__in=OPEN_OPERATION_STATES).values_list("kind", "state",
                                                                                              "pending_reason")[:5])
    assert finished, f"still open: {still_open}\n{(tmp_path / 'worker.log').read_text()[-3000:]}"

    # No duplicate at the vendor: one company per customer, one package per company, each name once.
    def dupes(values):
        return [v for v, n in collections.Counter(values).items() if n > 1]

    assert not dupes(ou["client_ref"] for ou in synaq.ous.values() if ou["client_ref"])
    seeded = set(synaq.seeded.values())
    assert not dupes(p["ou_guid"] for p in synaq.packages.values() if p["ou_guid"] not in seeded)
    assert not dupes(d["domain_name"] for d in synaq.domains.values())
    assert not dupes(m["email"] for m in synaq.mailboxes.values())
    # Every failure has its alert.
    for operation in Operation.objects.filter(state="failed"):
        assert Alert.objects.filter(operation=operation).exists(), operation.summary
    # No operation ran in two workers at once: its attempts never overlap.
    by_operation = collections.defaultdict(list)
    for attempt in Attempt.objects.exclude(finished_at=None).order_by("started_at"):
        by_operation[attempt.operation_id].append(attempt)
    for attempts in by_operation.values():
        for earlier, later in zip(attempts, attempts[1:], strict=False):
            assert later.started_at >= earlier.finished_at - timezone.timedelta(milliseconds=5)
    succeeded = Operation.objects.filter(state="succeeded").count()
    assert succeeded >= total * 0.9  # faults are transient: nearly all get through
