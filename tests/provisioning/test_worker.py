"""A queued Operation is picked up by a real Celery worker process over the configured broker.

The broker is Redis when REDIS_URL is set (CI) and kombu's file-system transport otherwise.
"""

from __future__ import annotations

import subprocess
import time

import pytest
from django.db import transaction

from tests.factories import CustomerFactory, DomainFactory, StaffFactory, VendorAccountFactory, queue_operation
from tests.support import BASE_DIR, PYTHON, child_env


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def celery_worker_process(tmp_path):
    log_path = tmp_path / "worker.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "panel", "worker", "--pool=solo", "--loglevel=INFO", "--purge",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=BASE_DIR, env=child_env(), stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(lambda: "ready." in log_path.read_text() or process.poll() is not None, 60, "the worker to start")
        assert process.poll() is None, log_path.read_text()
        yield log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_queued_operation_is_picked_up_by_a_real_worker(celery_worker_process):
    staff = StaffFactory()
    account = VendorAccountFactory(kind="hostway", name="Hostway test")  # its API at a port nothing listens on
    domain = DomainFactory(customer=CustomerFactory(), vendor_account=account, name="worker.example",
                           vendor_id="worker.example")
    with transaction.atomic():
        operation = queue_operation(domain, "domain.sync", acting_user=staff)

    def picked_up():
        operation.refresh_from_db()
        return operation.last_attempt_at is not None and operation.claimed_until is None

    try:
        _wait_for(picked_up, 60, "the worker to run the operation")
    except AssertionError:
        raise AssertionError(celery_worker_process.read_text()) from None
    # Hostway cannot be reached: the worker tried, and leaves it visibly pending to retry, never "succeeded".
    assert operation.state == "pending" and operation.attempts >= 1
    assert "Could not connect to Hostway" in operation.last_error
    assert "provisioning.execute_operation[" in celery_worker_process.read_text()
