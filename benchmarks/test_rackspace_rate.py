"""A burst of 300 Rackspace writes at the documented limits (`make bench`): zero throttled answers, and the
share of the allowed write rate reached, written to var/bench/rackspace-rate.json.

The writes are 300 contact adds through the real task code and the shared limiter, against the sandbox,
which counts calls in its own sliding minute at the time it receives them. By default the run uses the
sandbox's clock, given to the limiter too (``PROVISIONING_LIMITER_CLOCK``), so waiting out a minute is a
jump of that one clock and the run takes seconds; ``RACKSPACE_BENCH_REAL_TIME=1`` runs it on the wall clock
instead (about nine minutes).
"""

from __future__ import annotations

import json
import math
import os
import time

import pytest
from django.conf import settings
from django.utils import timezone

from customers import services
from customers.models import Customer, VendorCustomer
from provisioning.choices import OPEN_OPERATION_STATES
from provisioning.models import Attempt, Operation, VendorAccount
from provisioning.tasks import execute_operation
from sandbox.testing import running_sandbox
from tests.factories import StaffFactory

WRITES = 300
LIMIT, WINDOW = 30, 60.0
REAL_TIME = os.environ.get("RACKSPACE_BENCH_REAL_TIME") == "1"
_clock = None


def sandbox_now() -> float:
    """The limiter's time in this benchmark: the sandbox's own clock."""
    return _clock.now()


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_300_rackspace_writes_is_never_throttled_and_runs_at_the_allowed_rate():
    global _clock
    with running_sandbox(vendors=["rackspace"]) as sandbox:
        _clock = sandbox.app.clock
        previous = settings.PROVISIONING_LIMITER_CLOCK
        if not REAL_TIME:
            settings.PROVISIONING_LIMITER_CLOCK = f"{__name__}.sandbox_now"
        try:
            result = _burst(sandbox)
        finally:
            settings.PROVISIONING_LIMITER_CLOCK = previous
    out = settings.BASE_DIR / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "rackspace-rate.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"\n[bench] rackspace burst: {json.dumps(result)}")
    assert result["throttled"] == 0 and result["succeeded"] == WRITES
    assert result["write_rate_ratio"] >= 0.95


def _burst(sandbox) -> dict:
    vendor = sandbox.vendor("rackspace")
    vendor.seed(customers=10, contacts=1)
    config = sandbox.config("rackspace")
    account = VendorAccount.objects.create(kind="rackspace", name="rackspace bench", base_url=sandbox.base_url(
        "rackspace"), credentials=config["credentials"], root_id=config["seeded"]["account"])
    staff = StaffFactory()
    numbers = sorted(vendor.customers)[-10:]
    accounts = []
    for n, number in enumerate(numbers):
        customer = Customer.objects.create(name=f"Bench {n}", reference=f"BENCH-{n}")
        accounts.append(VendorCustomer.objects.create(customer=customer, vendor_account=account, vendor_id=number,
                                                      vendor_state="active", title=f"Bench {n}",
                                                      reference=f"BENCH-{n}"))
    for i in range(WRITES):
        services.contact_create(vendor_customer=accounts[i % len(accounts)], name=f"Contact {i}",
                                email=f"c{i}@bench.example", phone="1235555555", security_question="Q",
                                security_answer="A", acting_user=staff)
    done_at: list[float] = []
    started = time.monotonic()
    for _ in range(WRITES * 40):
        open_ops = list(Operation.objects.filter(state__in=OPEN_OPERATION_STATES).order_by("id")
                        .values_list("pk", "next_attempt_at", "state"))
        if not open_ops:
            break
        now = timezone.now()
        due = [pk for pk, at, _ in open_ops if at <= now]
        if not due:
            wait = max(0.0, (min(at for _, at, _ in open_ops) - now).total_seconds())
            if REAL_TIME:
                time.sleep(min(wait, 1.0))
            else:
                # The minute passes on the one clock both the limiter and the sandbox count on.
                sandbox.app.clock.advance(wait)
                Operation.objects.filter(pk__in=[pk for pk, _, _ in open_ops]).update(next_attempt_at=now)
            continue
        for pk in due:
            execute_operation(pk)
            if Operation.objects.filter(pk=pk, state="succeeded").exists():
                done_at.append(sandbox.app.clock.now())
    throttled = sum(1 for ex in Attempt.objects.values_list("exchanges", flat=True) for e in ex or []
                    if e.get("status") == 403)
    elapsed = max(done_at) - min(done_at) if len(done_at) > 1 else 0.0
    ideal = WINDOW * (math.ceil(WRITES / LIMIT) - 1)
    return {
        "writes": WRITES, "succeeded": len(done_at), "throttled": throttled,
        "limit_per_minute": LIMIT, "elapsed_seconds": round(elapsed, 2), "ideal_seconds": ideal,
        "write_rate_ratio": round(ideal / elapsed, 4) if elapsed else 0.0,
        "writes_per_minute": round((len(done_at) - LIMIT) / elapsed * 60, 2) if elapsed else 0.0,
        "clock": "wall" if REAL_TIME else "sandbox (shared with the limiter)",
        "run_seconds": round(time.monotonic() - started, 1),
        "definition": "write_rate_ratio = the least time the documented sliding limit allows for the burst "
                      "(60 s × (ceil(300/30) − 1)) / the time the burst took from its first write to its last",
    }
