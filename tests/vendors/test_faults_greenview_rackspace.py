"""300 mixed Greenview and Rackspace operations carried out by a real Celery worker process while the
sandboxes misbehave (lost answers, dropped connections, 503s, timeouts, throttling): every operation ends,
nothing is created twice at the vendor, every failure has its alert."""

from __future__ import annotations

import subprocess
import time
from collections import Counter

import pytest

from customers import services
from customers.models import Domain, VendorCustomer
from provisioning.choices import OPEN_OPERATION_STATES
from provisioning.models import Alert, Operation
from provisioning.services import operations_sweep_due
from provisioning.services.reads import vendor_catalog
from tests.factories import CustomerFactory, StaffFactory
from tests.support import BASE_DIR, PYTHON, child_env
from tests.vendors.conftest import account_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Short engine timings for the worker, so the faults are worked through in a few minutes.
WORKER_ENV = {"PROVISIONING_BACKOFF_SECONDS": "0.3", "PROVISIONING_BACKOFF_CAP_SECONDS": "3",
              "PROVISIONING_CLAIM_SECONDS": "90", "VENDOR_READ_TIMEOUT": "2", "VENDOR_CONNECT_TIMEOUT": "2",
              "PROVISIONING_MAX_ATTEMPTS": "12", "CELERY_BROKER_POLLING_INTERVAL": "0.05"}
FAULTS = [
    {"kind": "drop_after", "rate": 0.05}, {"kind": "drop", "rate": 0.03}, {"kind": "status", "status": 503,
                                                                          "rate": 0.05},
    {"kind": "throttle", "rate": 0.02}, {"kind": "timeout", "timeout": 3, "rate": 0.01},
    {"kind": "latency", "latency": 0.2, "rate": 0.05},
]
DEADLINE_SECONDS = 420


def _wait_for(predicate, timeout: float, what: str, tick=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if tick is not None:
            tick()
        value = predicate()
        if value:
            return value
        time.sleep(1.0)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def worker(tmp_path):
    log_path = tmp_path / "worker.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "panel", "worker", "--pool=threads", "--concurrency=4", "--loglevel=INFO",
             "--purge", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=BASE_DIR, env=child_env(**WORKER_ENV), stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for(lambda: "ready." in log_path.read_text() or process.poll() is not None, 60, "the worker to start")
        assert process.poll() is None, log_path.read_text()
        yield log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _ask_for_300(sandbox, staff) -> None:
    """270 Greenview operations and 30 Rackspace ones (its documented 30 writes a minute sets the pace)."""
    greenview = account_for(sandbox, "greenview")
    rackspace = account_for(sandbox, "rackspace")
    catalog = vendor_catalog(account=greenview)
    clients = []
    for n in range(70):  # 70 client creates + 70 domain set-ups
        clients.append(services.vendor_customer_open(
            customer=CustomerFactory(name=f"Filtered {n:02d}", reference=f"GV-{n:02d}"), vendor_account=greenview,
            catalog=catalog, title=f"Filtered {n:02d}", plan="spamstopshere-standard", seats=2,
            domains=[(f"f{n:02d}.example", [f"mail.f{n:02d}.example"])], acting_user=staff))
    for n, client in enumerate(clients[:45]):  # 45 client updates + 45 domain set-ups
        services.filtered_domain_add(vendor_customer=client, name=f"g{n:02d}.example", mail_servers=[],
                                     acting_user=staff)
    for n in range(25):  # 25 mail-server changes; the first 5 ask for two, which Standard refuses
        servers = [f"mx.f{n:02d}.example"] + ([f"mx2.f{n:02d}.example"] if n < 5 else [])
        services.domain_set_mail_servers(domain=Domain.objects.get(name=f"f{n:02d}.example"), mail_servers=servers,
                                         acting_user=staff)
    for client in clients[45:60]:  # 15 client updates
        services.vendor_customer_update(vendor_customer=client, seats=3, catalog=catalog, acting_user=staff)
    sandbox.vendor("rackspace").seed(customers=10, contacts=1)
    numbers = sorted(sandbox.vendor("rackspace").customers)[-10:]
    for n in range(10):  # 10 customer adds
        services.vendor_customer_open(customer=CustomerFactory(name=f"Hosted {n:02d}", reference=f"RS-{n:02d}"),
                                      vendor_account=rackspace, title=f"Hosted {n:02d}", reference=f"RS-{n:02d}",
                                      email=f"it@hosted{n}.example", acting_user=staff)
    seeded = [VendorCustomer.objects.create(customer=CustomerFactory(), vendor_account=rackspace, vendor_id=number,
                                            vendor_state="active", title=f"Seeded {number}", reference=f"S{number}")
              for number in numbers]
    for n in range(15):  # 15 contact adds
        services.contact_create(vendor_customer=seeded[n % 10], name=f"Contact {n}", email=f"c{n}@x.example",
                                phone="1235555555", security_question="Q", security_answer="A", acting_user=staff)
    for account in VendorCustomer.objects.filter(vendor_account=rackspace, reference__startswith="RS-")[:5]:
        services.vendor_customer_update(vendor_customer=account, title=f"{account.title} Ltd",
                                        acting_user=staff)  # 5 edits


def test_300_mixed_operations_under_faults_all_end_once_at_the_vendor_with_every_failure_alerted(sandbox, worker):
    staff = StaffFactory()
    sandbox.vendor("greenview").delays.update(domain_ready=1)
    _ask_for_300(sandbox, staff)
    assert Operation.objects.count() == 300
    for vendor in ("greenview", "rackspace"):
        for fault in FAULTS:
            sandbox.vendor(vendor).faults.add(**fault)

    def all_final():
        return not Operation.objects.filter(state__in=OPEN_OPERATION_STATES).exists()

    try:
        _wait_for(all_final, DEADLINE_SECONDS, "every operation to end", tick=operations_sweep_due)
    except AssertionError:
        stuck = list(Operation.objects.filter(state__in=OPEN_OPERATION_STATES).values_list(
            "kind", "state", "pending_reason", "last_error")[:10])
        raise AssertionError(f"still open: {stuck}\n{worker.read_text()[-3000:]}") from None
    for vendor in ("greenview", "rackspace"):
        sandbox.vendor(vendor).faults.clear()

    # Nothing twice at the vendor.
    greenview, rackspace = sandbox.vendor("greenview"), sandbox.vendor("rackspace")
    names = Counter(c["name"] for c in greenview.clients.values() if str(c["name"] or "").startswith("Filtered"))
    assert names and max(names.values()) == 1
    references = Counter(c["referenceNumber"] for c in rackspace.customers.values()
                         if (c["referenceNumber"] or "").startswith("RS-"))
    assert len(references) == 10 and max(references.values()) == 1
    emails = Counter((a, c["Email"]) for a, held in rackspace.contacts.items() for c in held.values()
                     if c["Email"].endswith("@x.example"))
    assert max(emails.values()) == 1
    # What succeeded is there; every failure has its alert.
    for domain in Domain.objects.filter(name__endswith=".example", vendor_customer__isnull=False):
        if Operation.objects.filter(kind="domain.create", target_id=domain.pk, state="succeeded").exists():
            assert domain.name in greenview.domains
    failed = Operation.objects.filter(state="failed")
    for operation in failed:
        assert Alert.objects.filter(operation=operation, resolved_at__isnull=True).exists(), operation.last_error
    refused = failed.filter(kind="domain.set_mail_servers", error_field="mail_servers")
    assert refused.count() == 5 and all("does not allow multiple mail servers" in o.last_error for o in refused)
    assert failed.count() < 30, list(failed.values_list("kind", "last_error")[:5])
    print(f"\n[faults] {Counter(Operation.objects.values_list('state', flat=True))}")
