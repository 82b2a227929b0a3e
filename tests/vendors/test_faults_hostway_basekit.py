"""300 mixed Hostway and BaseKit operations carried out by a real Celery worker while a fifth of the calls
fail (503s, timeouts, dropped connections, lost answers, throttling) and the worker is SIGKILLed once: every
operation ends, nothing is created twice at the vendor, every failure has its alert."""

from __future__ import annotations

import collections
import time

import pytest
from django.conf import settings as django_settings

from customers import services
from customers.models import Domain, Mailbox
from customers.services import imports
from customers.services import mail_settings as ms
from provisioning.choices import OPEN_OPERATION_STATES
from provisioning.models import Alert, Operation
from provisioning.services import operations_sweep_due
from tests.factories import CustomerFactory, StaffFactory
from tests.support import WorkerProcess
from tests.vendors.conftest import account_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FAST = {"PROVISIONING_BACKOFF_SECONDS": "0.3", "PROVISIONING_BACKOFF_CAP_SECONDS": "3",
        "PROVISIONING_CLAIM_SECONDS": "20", "PROVISIONING_REDISPATCH_SECONDS": "4", "PROVISIONING_MAX_ATTEMPTS": "12",
        "VENDOR_READ_TIMEOUT": "1.5", "VENDOR_CONNECT_TIMEOUT": "1.5"}
CONCURRENCY = 4 if "postgres" in django_settings.DATABASES["default"]["ENGINE"] else 2
FAULTS = [  # about one call in five fails, one way or another
    {"kind": "status", "status": 503, "rate": 0.06},
    {"kind": "timeout", "timeout": 2.5, "rate": 0.03},
    {"kind": "drop", "rate": 0.04},
    {"kind": "drop_after", "rate": 0.05},
    # Throttling answers Retry-After: 60, which the engine honours; a low rate keeps the run short.
    {"kind": "throttle", "rate": 0.02},
]
PASSWORD = "Kx7!mQ2#zeta"


def _adopt_all(account, customer, staff, scope: str) -> None:
    job = imports.import_start(vendor_account=account, scope=scope, acting_user=staff, dispatch=False)
    imports.import_propose(job_id=job.pk)
    job.refresh_from_db()
    imports.import_confirm(job=job, mapping={i: customer.pk for i in range(len(job.proposal))}, acting_user=staff,
                           dispatch=False)
    imports.import_run(job_id=job.pk)


def _estate(sandbox, staff) -> int:
    """200 Hostway operations over 5 adopted domains and 100 BaseKit ones over 4."""
    hostway, basekit = sandbox.vendor("hostway"), sandbox.vendor("basekit")
    hw_account, bk_account = account_for(sandbox, "hostway"), account_for(sandbox, "basekit")
    hostway.seed(account=hw_account.root_id, domains=5)
    seeded = basekit.seed(account_holders=1, domains=4)
    hw_customer, bk_customer = CustomerFactory(name="Faulty Hostway Co"), CustomerFactory(name="Faulty BaseKit Co")
    _adopt_all(hw_account, hw_customer, staff, ",".join(n for n in hostway.domains if ".seed" in n))
    _adopt_all(bk_account, bk_customer, staff, str(seeded["account_holder_refs"][0]))
    hw_domains = list(Domain.objects.filter(vendor_account=hw_account).order_by("name"))
    bk_domains = list(Domain.objects.filter(vendor_account=bk_account).order_by("name"))
    assert len(hw_domains) == 5 and len(bk_domains) == 4
    hw_boxes = [services.mailbox_create(domain=hw_domains[i % 5], local_part=f"u{i:03d}", password=PASSWORD,
                                        acting_user=staff) for i in range(100)]
    for box in hw_boxes[:50]:
        ms.forward_add(mailbox=box, targets=[f"copy-{box.local_part}@elsewhere.example"], acting_user=staff)
    for box in hw_boxes[50:80]:
        ms.autoresponder_set(mailbox=box, subject="Away", body="Back soon.", active=True, acting_user=staff)
    for n in range(20):
        ms.spam_list_add(obj=hw_domains[n % 5], entries=[(f"spam{n}@bad.example", "B")], acting_user=staff)
    bk_boxes = [services.mailbox_create(domain=bk_domains[i % 4], local_part=f"b{i:03d}", password="hops-malt-99",
                                        acting_user=staff) for i in range(80)]
    for box in bk_boxes[:20]:
        services.mailbox_delete(mailbox=box, confirm=box.address, acting_user=staff)
    return Operation.objects.count()


def _wait(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        operations_sweep_due()  # what beat does every few seconds
        time.sleep(1)
    return False


def test_300_hostway_and_basekit_operations_under_faults_and_a_killed_worker_end_once_with_failures_alerted(
        sandbox, tmp_path, settings):
    for key, value in FAST.items():
        setattr(settings, key, float(value) if "." in value or key.endswith("SECONDS") else int(value))
    hostway, basekit = sandbox.vendor("hostway"), sandbox.vendor("basekit")
    hostway.delays.update(mailbox_ready=0)
    basekit.delays.update(mailbox_active=0.5)
    staff = StaffFactory()
    total = _estate(sandbox, staff)
    assert total == 300
    for vendor in (hostway, basekit):
        for fault in FAULTS:
            vendor.faults.add(**fault)
    log = tmp_path / "worker.log"
    worker = WorkerProcess(log, pool="threads", concurrency=CONCURRENCY, **FAST).start()
    try:
        started = time.monotonic()
        operations_sweep_due()
        assert _wait(lambda: Operation.objects.exclude(state__in=OPEN_OPERATION_STATES).count() >= total * 0.4, 300)
        print(f"\n[faults] 40% final after {time.monotonic() - started:.0f} s; killing the worker")
        worker.kill()
        time.sleep(1)
        worker = WorkerProcess(log, pool="threads", concurrency=CONCURRENCY, **FAST).start(purge=False)
        finished = _wait(lambda: not Operation.objects.filter(state__in=OPEN_OPERATION_STATES).exists(), 420)
        print(f"[faults] all final after {time.monotonic() - started:.0f} s: "
              f"{collections.Counter(Operation.objects.values_list('state', flat=True))}")
    finally:
        worker.stop()
        for vendor in (hostway, basekit):
            vendor.faults.clear()
    still_open = list(Operation.objects.filter(state__in=OPEN_OPERATION_STATES).values_list(
        "kind", "state", "pending_reason", "last_error")[:5])
    assert finished, f"still open: {still_open}\n{log.read_text()[-3000:]}"

    # Nothing twice at the vendor: each Hostway mailbox was created once (a second PUT would have been an update
    # with a second password in its history), each forward and list entry held once.
    for box in Mailbox.objects.filter(domain__vendor_account__kind="hostway", local_part__startswith="u"):
        held = hostway.domains[box.domain.name]["mailboxes"].get(box.local_part)
        ok = Operation.objects.filter(kind="mailbox.create", target_id=box.pk, state="succeeded").exists()
        if ok:
            assert held is not None, box.address
        if held is not None:
            assert held["history"] == [PASSWORD], box.address
            forwards = held.get("forwards") or []
            assert len(forwards) == len(set(forwards))
    # BaseKit: each mailbox at most once, the deleted ones gone, the others active where their create succeeded.
    for box in Mailbox.objects.filter(domain__vendor_account__kind="basekit", local_part__startswith="b"):
        domain = basekit.domains[int(box.domain.vendor_id)]
        if Operation.objects.filter(kind="mailbox.create", target_id=box.pk, state="succeeded").exists():
            assert domain["mailboxes"][box.local_part]["status"] == "active"
    deleted = Operation.objects.filter(kind="mailbox.delete", state="succeeded").values_list("target_id", flat=True)
    assert not Mailbox.objects.filter(pk__in=list(deleted)).exists()
    # Every failure has its alert.
    failed = Operation.objects.filter(state="failed")
    for operation in failed:
        assert Alert.objects.filter(operation=operation).exists(), operation.summary
    assert Operation.objects.filter(state="succeeded").count() >= total * 0.9
