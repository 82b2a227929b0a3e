"""Adapters against the sandboxes, over real HTTP, through the real task code.

``drain()`` runs every due operation through the Celery task function itself
(``provisioning.tasks.execute_operation``), fast-forwarding the waits the engine schedules (polls,
backoffs) so a test needs no sleeps beyond the sandbox's own action delays (set to 0 here).
"""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from provisioning.choices import OPEN_OPERATION_STATES
from provisioning.models import Operation, VendorAccount
from provisioning.tasks import check_states, execute_operation
from tests.factories import StaffFactory


class Drain:
    """Carry out open operations until all have ended (or ``max_steps`` is spent)."""

    def __call__(self, *, max_steps: int = 200, fast_forward: bool = True, until=None) -> list[Operation]:
        for _ in range(max_steps):
            if until is not None and until():
                break
            open_ops = list(Operation.objects.filter(state__in=OPEN_OPERATION_STATES).order_by("id"))
            if not open_ops:
                break
            now = timezone.now()
            due = [op for op in open_ops if op.next_attempt_at <= now]
            if not due:
                if not fast_forward:
                    time.sleep(0.1)
                    continue
                # Time passes: the waits the engine chose (a poll, a backoff) are over.
                Operation.objects.filter(pk__in=[op.pk for op in open_ops]).update(next_attempt_at=now,
                                                                                   claimed_until=None)
                continue
            for op in due:
                execute_operation(op.pk)
        return list(Operation.objects.order_by("id"))

    def check_states(self) -> int:
        return check_states()


@pytest.fixture
def drain():
    return Drain()


@pytest.fixture
def staffer(db):
    return StaffFactory(username="ops", email="ops@reseller.example")


def account_for(sandbox, vendor: str, **extra) -> VendorAccount:
    """A vendor account pointing at the running sandbox, with its demo credentials."""
    config = sandbox.config(vendor)
    root_keys = {"synaq": "reseller_guid", "greenview": "reseller_id", "hostway": "account",
                 "rackspace": "account", "basekit": "account_holder_ref"}
    return VendorAccount.objects.create(
        kind=vendor, name=f"{vendor} sandbox", base_url=sandbox.base_url(vendor),
        credentials=config["credentials"], root_id=str(config["seeded"].get(root_keys[vendor], "")), **extra)


def counter(sandbox, vendor: str, key: str) -> int:
    """How many times the sandbox saw ``key`` (e.g. ``"POST /api/v1/ous/<uuid:ou>/domains.json"``)."""
    return sandbox.vendor(vendor).counters.get(key, 0)
