"""When to poll a vendor's asynchronous action.

The first poll lands when actions of that name on that vendor account usually finish (learnt
from recent actions, 3 s by default as SYNAQ suggests), then polls back off, capped. Learning:
an action found finished at its first poll finished somewhat sooner than we looked, so the
estimate shrinks a little; one found still running teaches its real (longer) duration. The
estimate settles where most actions are done by the first poll.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from provisioning.models import ActionTiming

DEFAULT_FIRST_POLL_SECONDS = 3.0
MIN_POLL_SECONDS = 0.5
MAX_FIRST_POLL_SECONDS = 120.0
POLL_BACKOFF = 1.6
POLL_CAP_SECONDS = 60.0
LEARNING_RATE = 0.2
# Found done at the first poll: it finished before we looked; take it as a little sooner.
SHRINK_WHEN_DONE = 0.93


def first_poll_delay(*, vendor_account_id: int, action: str) -> float:
    """Seconds from starting an action to its first poll."""
    estimate = (ActionTiming.objects.filter(vendor_account_id=vendor_account_id, action=action)
                .values_list("estimate_seconds", flat=True).first())
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
    with transaction.atomic():
        timing = (ActionTiming.objects.select_for_update()
                  .filter(vendor_account_id=vendor_account_id, action=action).first())
        if timing is None:
            try:
                with transaction.atomic():
                    ActionTiming.objects.create(vendor_account_id=vendor_account_id, action=action,
                                                estimate_seconds=sample, samples=1)
                return
            except IntegrityError:
                timing = ActionTiming.objects.select_for_update().get(vendor_account_id=vendor_account_id,
                                                                      action=action)
        timing.estimate_seconds += LEARNING_RATE * (sample - timing.estimate_seconds)
        timing.samples += 1
        timing.save(update_fields=["estimate_seconds", "samples", "updated_at"])
