"""The outbox: asking for a change (enqueue), ringing the bell (dispatch), the sweep that re-rings
it, and staff's retry and cancel.

* :func:`operation_enqueue` is called inside the transaction of the local change; the Celery
  message is sent only after commit, and beat's sweep re-sends whatever is due but whose message
  looks lost.
* Operations on one target run in the order they were asked; an operation may also wait for
  others (``depends_on``: the domain's creation before its first mailbox).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from core import permissions
from core.audit import audit_record
from provisioning import targets
from provisioning.choices import OPEN_OPERATION_STATES, AlertKind, OperationState
from provisioning.kinds import Payload
from provisioning.models import Operation, VendorAccount
from provisioning.services.alerts import alert_open

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500
EXECUTE_TASK = "provisioning.execute_operation"


@sensitive_variables("secrets")
def operation_enqueue(
    *,
    payload: Payload,
    vendor_account: VendorAccount,
    customer=None,
    secrets: dict | None = None,
    after: Iterable[Operation | None] = (),
    summary: str = "",
    acting_user=None,
) -> Operation:
    """Write an Operation for a change owed to a vendor; it is sent to a worker after commit.

    Call inside the transaction that makes the local change, so both commit or neither does.
    ``after`` names operations that must succeed first; ``secrets`` travel encrypted and are wiped
    when the operation ends.
    """
    missing = set(payload.secrets) - set(secrets or {})
    if missing:
        raise ValueError(f"{payload.kind} needs the secrets {sorted(missing)}")
    # Lock the target so two requests on one object commit their operations in id order,
    # which is the order they then run in.
    targets.get(payload.target_type).lock(payload.target_id)
    now = timezone.now()
    operation = Operation.objects.create(
        kind=payload.kind,
        target_type=payload.target_type,
        target_id=payload.target_id,
        summary=(summary or payload.label)[:300],
        vendor_account=vendor_account,
        customer=customer,
        payload=payload.to_json(),
        secret_payload=secrets or None,
        requested_by=acting_user if getattr(acting_user, "pk", None) else None,
        next_attempt_at=now,
        dispatched_at=now,
    )
    prerequisites = [p for p in after if p is not None and p.state != OperationState.SUCCEEDED]
    if prerequisites:
        operation.depends_on.add(*prerequisites)
        Operation.objects.filter(pk=operation.pk).update(has_prerequisites=True)
        Operation.objects.filter(pk__in=[p.pk for p in prerequisites]).update(has_dependents=True)
    earlier = (Operation.objects.filter(target_type=payload.target_type, target_id=payload.target_id,
                                        id__lt=operation.pk, state__in=OPEN_OPERATION_STATES)
               .order_by("id").values_list("id", "summary").first())
    if prerequisites or earlier:
        # It would only find it must wait: the operation it waits for wakes it when it ends
        # (dispatch_followers), and the sweep is the safety net.
        pk, what = (prerequisites[0].pk, prerequisites[0].summary) if prerequisites else earlier
        operation.pending_reason = f"Waiting for {what} (#{pk}) to finish first."[:300]
        Operation.objects.filter(pk=operation.pk).update(
            next_attempt_at=now + timedelta(seconds=settings.PROVISIONING_ORDER_WAIT_SECONDS), dispatched_at=None,
            pending_reason=operation.pending_reason)
    else:
        transaction.on_commit(lambda: operation_dispatch(operation_id=operation.pk))
    return operation


def operation_dispatch(*, operation_id: int, countdown: float | None = None) -> None:
    """Ring the bell: ask a worker to run the operation. Losing this message loses nothing: the
    due time lives on the row and the sweep rings again."""
    try:
        # By name: the tasks module sits above the services and imports them, not the other way round.
        current_app.send_task(EXECUTE_TASK, args=(operation_id,), countdown=countdown or None)
    except Exception:  # broker down: the sweep will find the operation when it is due
        logger.warning("could not send operation %s to the broker; the sweep will retry", operation_id,
                       exc_info=True)


def operations_sweep_due(*, now=None, limit: int = SWEEP_BATCH) -> int:
    """Send a message for each open operation that is due, unclaimed, and whose last message looks
    lost. Returns how many were sent.

    A message counts as lost once it is older than ``PROVISIONING_REDISPATCH_SECONDS``, doubled for
    each copy already re-sent without a worker picking the operation up (a slow queue is not a lost
    message, and must not be flooded).
    """
    now = now or timezone.now()
    base = settings.PROVISIONING_REDISPATCH_SECONDS
    with transaction.atomic():
        candidates = list(
            Operation.objects.select_for_update(skip_locked=True, no_key=True)
            .filter(state__in=OPEN_OPERATION_STATES, next_attempt_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - timedelta(seconds=base)))
            .order_by("next_attempt_at", "id")
            .values_list("id", "dispatched_at", "redispatches")[: limit * 2]
        )
        due = [pk for pk, sent, copies in candidates
               if sent is None or sent < now - timedelta(seconds=base * 2 ** min(copies, 6))][:limit]
        Operation.objects.filter(pk__in=due).exclude(dispatched_at=None).update(
            redispatches=F("redispatches") + 1)
        Operation.objects.filter(pk__in=due).update(dispatched_at=now)
        for operation_id in due:
            transaction.on_commit(lambda operation_id=operation_id: operation_dispatch(operation_id=operation_id))
    return len(due)


def hinted(at, now):
    """The ``dispatched_at`` to write for a step due at ``at``: now if :func:`schedule` rings the bell
    for it (so the sweep leaves it alone), else None (the sweep sends it when it is due)."""
    return now if (at - now).total_seconds() <= settings.PROVISIONING_HINT_SECONDS else None


def schedule(operation_id: int, *, at, now=None) -> None:
    """After commit, ring the bell for ``operation_id`` at ``at``: a short wait rides on a countdown as a
    hint (the row's due time stays the truth and the sweep the safety net); a long one waits for the sweep."""
    now = now or timezone.now()
    delay = (at - now).total_seconds()
    if delay <= settings.PROVISIONING_HINT_SECONDS:
        transaction.on_commit(lambda: operation_dispatch(operation_id=operation_id,
                                                         countdown=max(0.0, delay) or None))


def dispatch_followers(operation: Operation) -> None:
    """When an operation ends: send the next one on its target, and those that waited for it."""
    following = (
        Operation.objects.filter(target_type=operation.target_type, target_id=operation.target_id,
                                 id__gt=operation.pk, state__in=OPEN_OPERATION_STATES)
        .order_by("id").values_list("id", flat=True).first()
    )
    waiting = list(operation.dependents.filter(state__in=OPEN_OPERATION_STATES).values_list("id", flat=True)
                   ) if operation.has_dependents else []
    wake = ([following] if following else []) + [pk for pk in waiting if pk != following]
    if not wake:
        return
    now = timezone.now()
    Operation.objects.filter(pk__in=wake).update(next_attempt_at=now, dispatched_at=now)
    for pk in wake:
        transaction.on_commit(lambda pk=pk: operation_dispatch(operation_id=pk))


def fail_dependents(operation: Operation, *, why: str) -> None:
    """Operations that waited for ``operation`` can no longer run: fail each, with its alert, marked
    as blocked by it (retrying ``operation`` re-opens them)."""
    if not operation.has_dependents:
        return
    now = timezone.now()
    for dependent in operation.dependents.filter(state__in=OPEN_OPERATION_STATES).exclude(
            claimed_until__gt=now):
        message = f"Not sent: {why}."
        Operation.objects.filter(pk=dependent.pk).update(
            state=OperationState.FAILED, failed_before=True, blocked_by=operation, last_error=message, finished_at=now,
            pending_reason="", updated_at=now)
        alert_open(kind=AlertKind.OPERATION_FAILED, target_type=dependent.target_type, target_id=dependent.target_id,
                   customer=dependent.customer, operation=dependent, title=f"{dependent.summary} failed",
                   message=message, next_step="Retry the change it waited for; this one is retried with it.")
        fail_dependents(dependent, why=f"it waited for {dependent.summary}, which could not run")


@transaction.atomic
def operation_retry(*, operation: Operation, acting_user) -> Operation:
    """Staff ask for a failed operation to be tried again (vendors never retry failed actions).

    Refused once a later change to the same object has been sent: running this one after it would
    undo the order the changes were asked in. Operations that failed only because this one did are
    re-opened with it.
    """
    permissions.require(acting_user, permissions.SERVICES_CHANGE)
    operation = Operation.objects.select_for_update().get(pk=operation.pk)
    if operation.state != OperationState.FAILED:
        raise ValidationError("Only a failed operation can be retried.")
    later_sent = Operation.objects.filter(
        target_type=operation.target_type, target_id=operation.target_id, id__gt=operation.pk,
    ).exclude(state=OperationState.PENDING).exclude(state=OperationState.CANCELLED, attempts=0)
    if later_sent.exclude(blocked_by=operation).exists():
        raise ValidationError(
            "A later change to the same object has already been sent, so this one cannot run after it. "
            "Make the change again instead."
        )
    now = timezone.now()
    reopened = [operation.pk, *operation.blocked.filter(state=OperationState.FAILED).values_list("pk", flat=True)]
    Operation.objects.filter(pk__in=reopened).update(
        state=OperationState.PENDING, attempts=0, polls=0, finished_at=None, next_attempt_at=now, dispatched_at=now,
        pending_reason="", blocked_by=None, action_location="", action_name="", poll_started_at=None, updated_at=now,
    )
    operation.refresh_from_db()
    audit_record(acting_user=acting_user, action="operation.retry", target=operation, customer=operation.customer,
                 summary=f"Retried {operation.summary or operation}")
    for pk in reopened:
        transaction.on_commit(lambda pk=pk: operation_dispatch(operation_id=pk))
    return operation


@transaction.atomic
def operation_cancel(*, operation: Operation, reason: str, acting_user) -> Operation:
    """Staff withdraw a change that has not reached the vendor (pending, not being worked on)."""
    permissions.require(acting_user, permissions.SERVICES_CHANGE)
    operation = Operation.objects.select_for_update().get(pk=operation.pk)
    now = timezone.now()
    if operation.state != OperationState.PENDING or (operation.claimed_until and operation.claimed_until > now):
        raise ValidationError("Only a pending change that no worker is carrying out can be cancelled.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the change is cancelled."})
    Operation.objects.filter(pk=operation.pk).update(
        state=OperationState.CANCELLED, cancelled_by=acting_user, cancel_reason=reason[:300], finished_at=now,
        secret_payload=None, pending_reason="", updated_at=now)
    operation.refresh_from_db()
    audit_record(acting_user=acting_user, action="operation.cancel", target=operation, customer=operation.customer,
                 summary=f"Cancelled {operation.summary or operation}: {reason}"[:300])
    fail_dependents(operation, why=f"it waited for {operation.summary or operation}, which was cancelled")
    dispatch_followers(operation)
    return operation
