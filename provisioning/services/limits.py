"""The per-vendor-account rate limiter, shared by every worker: a sliding log of recent calls.

Redis holds the log when it is configured (one atomic script per call); otherwise the database
does (a row per call, under a row lock). A vendor's client declares its limits
(``VendorClient.rate_limits``); a call over the limit is held back with the time to wait, before
it is sent, so the vendor never sees it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from functools import lru_cache

import redis
from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from provisioning.adapters.http import RateLimit
from provisioning.models import RateEvent, VendorAccount

# Calls a moment apart on our side may land closer together at the vendor: keep a margin.
MARGIN_SECONDS = 0.5

_SLIDING_LOG = """
local key, now, window, limit, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, math.ceil(window * 1000) + 1000)
  return '0'
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return tostring(tonumber(oldest[2]) + window - now)
"""


@lru_cache(maxsize=1)
def _redis():
    client = redis.Redis.from_url(settings.REDIS_URL)
    return client, client.register_script(_SLIDING_LOG)


def clock() -> float:
    """The limiter's time: the wall clock, or the callable ``PROVISIONING_LIMITER_CLOCK`` names (a benchmark
    gives it the sandbox's own clock, so both count the same window on the same time)."""
    path = getattr(settings, "PROVISIONING_LIMITER_CLOCK", "")
    return import_string(path)() if path else time.time()


def acquire(account_id: int, limit: RateLimit, *, now: float | None = None) -> float:
    """Count one call against ``limit``: 0 when it may go now, else the seconds to wait."""
    now = clock() if now is None else now
    window = limit.window + MARGIN_SECONDS
    if settings.REDIS_URL:
        _, script = _redis()
        key = f"{settings.CELERY_QUEUE_PREFIX}ratelimit:{account_id}:{limit.bucket}"
        return max(0.0, float(script(keys=[key], args=[now, window, limit.limit, uuid.uuid4().hex])))
    with transaction.atomic():
        # The account row is the lock: one worker at a time counts this account's calls.
        list(VendorAccount.objects.select_for_update().filter(pk=account_id).values_list("pk", flat=True))
        recent = RateEvent.objects.filter(vendor_account_id=account_id, bucket=limit.bucket)
        recent.filter(at__lte=now - window).delete()
        times = list(recent.order_by("at").values_list("at", flat=True)[: limit.limit])
        if len(times) < limit.limit:
            RateEvent.objects.create(vendor_account_id=account_id, bucket=limit.bucket, at=now)
            return 0.0
        return max(0.0, times[0] + window - now)


def limiter_for(account: VendorAccount) -> Callable[[RateLimit], float]:
    """The limiter a vendor client calls before each request of this account."""
    return lambda limit: acquire(account.pk, limit)
