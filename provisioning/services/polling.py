"""When to poll a vendor's asynchronous action.

The first poll lands when actions of that name on that vendor account usually finish (learnt
from recent actions, 3 s by default as SYNAQ suggests), then polls back off, capped. Learning:
an action found finished at its first poll finished somewhat sooner than we looked, so the
estimate shrinks a little; one found still running teaches its real (longer) duration. The
estimate settles where most actions are done by the first poll.
"""

from __future__ import annotations

import time

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from provisioning.models import ActionTiming

DEFAULT_FIRST_POLL_SECONDS = 3.0
MIN_POLL_SECONDS = 0.5
MAX_FIRST_POLL_SECONDS = 120.0
POLL_BACKOFF = 1.6
POLL_CAP_SECONDS = 60.0
LEARNING_RATE = 0.2
# Found done at the first poll: it finished before we looked; take it as a little sooner.
SHRINK_WHEN_DONE = 0.93


_recent: dict[tuple[int, str], tuple[float, float | None]] = {}
CACHE_SECONDS = 5.0


def forget() -> None:
    """Drop the estimates this process remembers (tests; a changed vendor account)."""
    _recent.clear()


def first_poll_delay(*, vendor_account_id: int, action: str) -> float:
    """Seconds from starting an action to its first poll (the estimate is re-read every few seconds)."""
    key = (vendor_account_id, action)
    now = time.monotonic()
    cached = _recent.get(key)
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        estimate = cached[1]
    else:
        estimate = (ActionTiming.objects.filter(vendor_account_id=vendor_account_id, action=action)
                    .values_list("estimate_seconds", flat=True).first())
        _recent[key] = (now, estimate)
    if estimate is None:
        return DEFAULT_FIRST_POLL_SECONDS
    return min(MAX_FIRST_POLL_SECONDS, max(MIN_POLL_SECONDS, estimate))


def next_poll_delay(*, polls_done: int, first_delay: float) -> float:
    """Seconds until the next poll after ``polls_done`` polls found the action still running."""
    step = max(1.0, first_delay / 2) * POLL_BACKOFF ** max(0, polls_done - 1)
    return min(POLL_CAP_SECONDS, step)


def action_finished(*, vendor_account_id: int, action: str, seconds: float, first_poll: bool) -> None:
    """Learn from one action that was seen to end after ``seconds`` (at its first poll or later)."""
    sample = max(MIN_POLL_SECONDS, seconds * (SHRINK_WHEN_DONE if first_poll else 1.0))
    # One UPDATE, no lock held: concurrent samples may overlap a little, which an average forgives.
    updated = ActionTiming.objects.filter(vendor_account_id=vendor_account_id, action=action).update(
        estimate_seconds=F("estimate_seconds") + LEARNING_RATE * (sample - F("estimate_seconds")),
        samples=F("samples") + 1, updated_at=timezone.now())
    if not updated:
        try:
            with transaction.atomic():
                ActionTiming.objects.create(vendor_account_id=vendor_account_id, action=action,
                                            estimate_seconds=sample, samples=1)
        except IntegrityError:
            pass  # another worker learnt the first sample a moment ago
