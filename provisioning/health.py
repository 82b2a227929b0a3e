"""A vendor account's health on its page: its last success, its recent failures, throttling, open alerts.

Every figure is one bounded, indexed query (the newest rows first, capped), so the page costs the same
whatever the account's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from core.db import cheap_count
from provisioning.choices import OPEN_OPERATION_STATES, AttemptOutcome, OperationState
from provisioning.models import Alert, Attempt, Operation, VendorAccount

RECENT = timedelta(hours=24)
THROTTLE_WINDOW = timedelta(hours=1)
_THROTTLE_WORDS = Q(message__icontains="limit") | Q(message__icontains="throttl") | Q(message__icontains="429")


@dataclass
class Health:
    last_success: Operation | None
    failures: list[Operation]
    failure_count: object
    throttled: list[Attempt]
    waiting: object
    alerts: list[Alert]

    @property
    def words(self) -> str:
        """The account's health in one sentence."""
        if self.alerts:
            return self.alerts[0].title
        latest_ok = self.last_success.finished_at if self.last_success else None
        if self.failures and (latest_ok is None or self.failures[0].finished_at > latest_ok):
            return "The latest change sent to it failed."
        if self.throttled:
            return "It is being held to the vendor's rate limit."
        if self.last_success is None:
            return "Nothing has been sent to it yet."
        return "Working: its latest change succeeded."


def vendor_account_health(*, account: VendorAccount, now=None) -> Health:
    now = now or timezone.now()
    ops = Operation.objects.filter(vendor_account=account).defer("secret_payload", "payload", "vendor_result")
    failed = ops.filter(state=OperationState.FAILED, finished_at__gte=now - RECENT)
    return Health(
        last_success=ops.filter(state=OperationState.SUCCEEDED).order_by("-id").first(),
        failures=list(failed.order_by("-id")[:5]),
        failure_count=cheap_count(failed),
        throttled=list(Attempt.objects.filter(operation__vendor_account=account, started_at__gte=now - THROTTLE_WINDOW,
                                              outcome__in=[AttemptOutcome.WAITING, AttemptOutcome.RETRY])
                       .filter(_THROTTLE_WORDS).select_related("operation").defer("exchanges",
                                                                                   "operation__secret_payload")
                       .order_by("-id")[:5]),
        waiting=cheap_count(ops.filter(state__in=OPEN_OPERATION_STATES)),
        alerts=list(Alert.objects.filter(target_type="vendor_account", target_id=account.pk, resolved_at__isnull=True)
                    .order_by("severity_rank", "opened_at")[:5]),
    )
