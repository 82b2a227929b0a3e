"""The shared per-account rate limiter: a sliding log, in Redis when configured, else the database."""

from __future__ import annotations

import uuid

import pytest

from provisioning.adapters.base import RateLimited
from provisioning.adapters.http import RateLimit, VendorClient
from provisioning.services import limits
from tests.factories import VendorAccountFactory

pytestmark = pytest.mark.django_db

WRITES = RateLimit(bucket="write", limit=3, window=60, methods=frozenset({"POST"}))


@pytest.fixture(params=["database", "redis"])
def backend(request, settings):
    if request.param == "redis":
        if not settings.REDIS_URL:
            pytest.skip("Redis is not configured here (REDIS_URL); CI runs this against Redis.")
        settings.CELERY_QUEUE_PREFIX = f"test-limits-{uuid.uuid4().hex}-"  # a log of its own
    else:
        settings.REDIS_URL = ""
    return request.param


def test_calls_within_the_limit_go_at_once_and_the_next_waits_for_the_window(backend):
    account = VendorAccountFactory()
    now = 1_000_000.0
    assert [limits.acquire(account.pk, WRITES, now=now + i) for i in range(3)] == [0, 0, 0]
    wait = limits.acquire(account.pk, WRITES, now=now + 3)
    assert 57 <= wait <= 60 + limits.MARGIN_SECONDS


def test_the_window_slides(backend):
    account = VendorAccountFactory()
    now = 2_000_000.0
    for i in range(3):
        limits.acquire(account.pk, WRITES, now=now + i)
    assert limits.acquire(account.pk, WRITES, now=now + 61) == 0  # the first call has left the window


def test_accounts_have_their_own_limits(backend):
    first, second = VendorAccountFactory(name="one"), VendorAccountFactory(name="two")
    now = 3_000_000.0
    for i in range(3):
        limits.acquire(first.pk, WRITES, now=now + i)
    assert limits.acquire(second.pk, WRITES, now=now + 3) == 0


def test_a_held_back_call_is_a_wait_not_an_error_for_the_client(backend):
    class Limited(VendorClient):
        rate_limits = (WRITES,)

    account = VendorAccountFactory(base_url="http://127.0.0.1:9/x")
    client = Limited(account, limiter=lambda limit: 12.5)
    with pytest.raises(RateLimited) as excinfo:
        client.request("POST", "/things")
    assert excinfo.value.retry_after == 12.5 and not client.exchanges  # nothing was sent
