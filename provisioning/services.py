"""Writes of the provisioning app: the outbox (enqueue, claim, execute, sweep) and alerts.

The rules the outbox keeps (docs/architecture.md, "The outbox"):

* :func:`operation_enqueue` is called inside the transaction of the local change; the Celery
  message is sent only after commit, and beat's sweep re-sends whatever is due but whose message
  looks lost.
* A worker claims an operation with a lease (``claimed_until``) and a token (``claim_token``)
  under a row lock. Every write of a result is conditional on the token, so a worker whose lease
  lapsed (and whose operation another worker has taken over) can no longer write anything.
* Operations on one target run in the order they were asked.
* An operation that nothing can carry out yet stays ``pending`` with its reason.
"""

from __future__ import annotations

import logging
import random
import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from panel.audit import audit_record
from panel.choices import Severity
from provisioning.adapters.base import Outcome, TransientError, VendorError
from provisioning.choices import (
    OPEN_OPERATION_STATES,
    AlertKind,
    OperationKind,
    OperationState,
    TargetType,
)
from provisioning.models import Alert, Operation, VendorAccount
from provisioning.vendors import ADAPTERS

logger = logging.getLogger(__name__)

CLAIM_SECONDS = 300
MAX_ATTEMPTS = 10
# Polls of one asynchronous action before giving up (with backoff capped, this spans hours).
MAX_POLLS = 200
BACKOFF_BASE_SECONDS = 5
BACKOFF_CAP_SECONDS = 15 * 60
# With no adapter for a vendor yet, look again this often (a deploy may have added one).
NO_ADAPTER_RECHECK_SECONDS = 15 * 60
# An operation waiting behind an earlier one is woken when that one ends; this is only a safety net.
ORDER_WAIT_SECONDS = 60
# A sent message not picked up within this long is taken as lost and sent again by the sweep.
REDISPATCH_SECONDS = 60
SWEEP_BATCH = 500


def _target_model(target_type: str):
    from customers.models import Customer, Domain, Mailbox

    return {TargetType.CUSTOMER: Customer, TargetType.DOMAIN: Domain, TargetType.MAILBOX: Mailbox}.get(target_type)


# ---- enqueue and dispatch ----------------------------------------------------------------------
@sensitive_variables("secret_payload")
def operation_enqueue(
    *,
    kind: OperationKind,
    target,
    target_type: TargetType,
    vendor_account: VendorAccount,
    customer=None,
    payload: dict | None = None,
    secret_payload: dict | None = None,
    acting_user=None,
) -> Operation:
    """Write an Operation for a change owed to a vendor; it is sent to a worker after commit.

    Call inside the transaction that makes the local change, so both commit or neither does.
    """
    model = _target_model(target_type)
    if model is not None:
        # Lock the target so two requests on one object commit their operations in id order,
        # which is the order they then run in.
        list(model.objects.select_for_update().filter(pk=target.pk).values_list("pk", flat=True))
    now = timezone.now()
    operation = Operation.objects.create(
        kind=kind,
        target_type=target_type,
        target_id=target.pk,
        vendor_account=vendor_account,
        customer=customer,
        payload=payload or {},
        secret_payload=secret_payload or None,
        requested_by=acting_user if getattr(acting_user, "pk", None) else None,
        next_attempt_at=now,
        dispatched_at=now,
    )
    transaction.on_commit(lambda: operation_dispatch(operation_id=operation.pk))
    return operation


def operation_dispatch(*, operation_id: int) -> None:
    """Ring the bell: ask a worker to run the operation. Losing this message loses nothing."""
    from provisioning.tasks import execute_operation

    try:
        execute_operation.delay(operation_id)
    except Exception:  # broker down: the sweep will find the operation when it is due
        logger.warning("could not send operation %s to the broker; the sweep will retry", operation_id,
                       exc_info=True)


def operations_sweep_due(*, now=None, limit: int = SWEEP_BATCH) -> int:
    """Send a message for each open operation that is due, unclaimed, and not already sent
    recently (whose message is then taken as lost). Returns how many were sent."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Operation.objects.select_for_update(skip_locked=True)
            .filter(state__in=OPEN_OPERATION_STATES, next_attempt_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - timedelta(seconds=REDISPATCH_SECONDS)))
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        Operation.objects.filter(pk__in=due).update(dispatched_at=now)
        for operation_id in due:
            transaction.on_commit(lambda operation_id=operation_id: operation_dispatch(operation_id=operation_id))
    return len(due)


# ---- claim and execute -------------------------------------------------------------------------
def _earlier_open_operation(operation: Operation) -> Operation | None:
    return (
        Operation.objects.filter(
            target_type=operation.target_type,
            target_id=operation.target_id,
            id__lt=operation.pk,
            state__in=OPEN_OPERATION_STATES,
        )
        .order_by("id")
        .first()
    )


def operation_claim(*, operation_id: int, now=None) -> Operation | None:
    """Take the operation for this worker if it is due, unclaimed and first in its target's line."""
    now = now or timezone.now()
    with transaction.atomic():
        operation = (
            Operation.objects.select_for_update(skip_locked=True)
            .filter(pk=operation_id, state__in=OPEN_OPERATION_STATES, next_attempt_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .first()
        )
        if operation is None:
            return None
        earlier = _earlier_open_operation(operation)
        if earlier is not None:
            operation.pending_reason = (
                f"Waiting for an earlier change to the same {operation.target_type} (#{earlier.pk})."
            )
            operation.next_attempt_at = now + timedelta(seconds=ORDER_WAIT_SECONDS)
            operation.dispatched_at = None
            operation.save(update_fields=["pending_reason", "next_attempt_at", "dispatched_at", "updated_at"])
            return None
        operation.claimed_until = now + timedelta(seconds=CLAIM_SECONDS)
        operation.claim_token = uuid.uuid4()
        operation.last_attempt_at = now
        if operation.state == OperationState.PENDING:
            operation.state = OperationState.RUNNING
        operation.save(update_fields=["claimed_until", "claim_token", "last_attempt_at", "state", "updated_at"])
        return operation


def operation_execute(*, operation_id: int) -> Operation | None:
    """Run one step of an operation: claim it, call its vendor's adapter, record what came of it."""
    operation = operation_claim(operation_id=operation_id)
    if operation is None:
        return None
    account = operation.vendor_account
    adapter_class = ADAPTERS.get(account.kind)
    if adapter_class is None:
        return _operation_wait(
            operation,
            reason=f"Not sent: this panel has no {account.kind_label} adapter yet. It stays queued and is sent "
            "once one is installed.",
            seconds=NO_ADAPTER_RECHECK_SECONDS,
        )
    if not account.is_active:
        return _operation_wait(operation, reason=f"Vendor account “{account.name}” is disabled.",
                               seconds=NO_ADAPTER_RECHECK_SECONDS)
    polling = operation.state == OperationState.POLLING
    used, budget = _budget(operation)
    if used >= budget:
        # Attempts that never reported back (a worker killed mid-call) end here too.
        what = "polls of the vendor's action" if polling else "attempts"
        message = f"Gave up after {used} {what}. {operation.last_error}".strip()
        return operation_fail(operation=operation, message=message)
    counter = "polls" if polling else "attempts"
    setattr(operation, counter, getattr(operation, counter) + 1)
    if not _write_claimed(operation, **{counter: getattr(operation, counter)}):
        return None
    adapter = adapter_class(account)
    try:
        outcome = adapter.poll(operation) if polling else adapter.execute(operation)
        return _operation_outcome(operation, outcome)
    except VendorError as error:
        return _operation_error(operation, error)
    except Exception as exc:  # a bug in an adapter must not leave the operation claimed and silent
        logger.exception("adapter %s failed on operation %s", account.kind, operation.pk)
        return _operation_error(operation, TransientError(f"Internal error in the {account.kind_label} adapter: "
                                                          f"{type(exc).__name__}"))


def _write_claimed(operation: Operation, *, release: bool = False, **fields) -> bool:
    """Write ``fields`` if this worker still holds the claim; False when another has taken over."""
    fields["updated_at"] = timezone.now()
    if release:
        fields.update(claimed_until=None, claim_token=None)
    written = Operation.objects.filter(pk=operation.pk, claim_token=operation.claim_token).update(**fields)
    if not written:
        logger.warning("operation %s: claim lost (lease lapsed); this worker's result is dropped", operation.pk)
        return False
    for name, value in fields.items():
        setattr(operation, name, value)
    return True


def _release(operation: Operation, **fields) -> Operation:
    _write_claimed(operation, release=True, **fields)
    return operation


def _operation_wait(operation: Operation, *, reason: str, seconds: float) -> Operation:
    """Leave the operation pending, with why, to be looked at again later."""
    return _release(
        operation,
        state=OperationState.PENDING,
        pending_reason=reason[:300],
        next_attempt_at=timezone.now() + timedelta(seconds=seconds),
        dispatched_at=None,
    )


def backoff_seconds(attempts: int, retry_after: float | None = None) -> float:
    """Exponential backoff with jitter (between half and all of the step), capped; never sooner
    than the vendor's Retry-After."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))
    delay = random.uniform(ceiling / 2, ceiling)  # noqa: S311 (jitter, not security)
    return max(delay, retry_after or 0)


def _budget(operation: Operation) -> tuple[int, int]:
    """(used, allowed): polls of an asynchronous action, else calls of execute."""
    if operation.state == OperationState.POLLING:
        return operation.polls, MAX_POLLS
    return operation.attempts, MAX_ATTEMPTS


def _operation_error(operation: Operation, error: VendorError) -> Operation:
    used, budget = _budget(operation)
    if error.retryable and used < budget:
        retry_at = timezone.now() + timedelta(seconds=backoff_seconds(used, error.retry_after))
        return _release(
            operation,
            # Waiting out a backoff is not running: say so, and when.
            state=OperationState.POLLING if operation.state == OperationState.POLLING else OperationState.PENDING,
            last_error=error.message[:2000],
            pending_reason=f"Will try again at {timezone.localtime(retry_at):%H:%M:%S} after a vendor error."[:300],
            next_attempt_at=retry_at,
            dispatched_at=None,
        )
    return operation_fail(operation=operation, message=error.message, field=error.field, errors=error.errors)


def _check_outcome(outcome: Outcome) -> None:
    """An adapter's answer must fit the columns it is written to; a misfit is the adapter's bug."""
    from customers.choices import VendorState

    if outcome.vendor_state and outcome.vendor_state not in VendorState.values:
        raise ValueError(f"unknown vendor state {outcome.vendor_state!r}")
    if len(outcome.vendor_id) > 128 or len(outcome.poll_location) > 500:
        raise ValueError("vendor id or action location too long")


def _operation_outcome(operation: Operation, outcome: Outcome) -> Operation:
    _check_outcome(outcome)
    if outcome.poll_location:
        return _release(
            operation,
            state=OperationState.POLLING,
            action_location=outcome.poll_location,
            vendor_result={**operation.vendor_result, **outcome.result},
            next_attempt_at=timezone.now() + timedelta(seconds=outcome.poll_after),
            pending_reason="",
            dispatched_at=None,
        )
    if outcome.done:
        return operation_succeed(operation=operation, outcome=outcome)
    # The adapter made progress but has more steps: run again soon.
    return _release(operation, vendor_result={**operation.vendor_result, **outcome.result},
                    next_attempt_at=timezone.now(), dispatched_at=None)


@transaction.atomic
def operation_succeed(*, operation: Operation, outcome: Outcome) -> Operation:
    """Mark done, write what the vendor said onto the target, wipe secrets, start the next in line."""
    now = timezone.now()
    if not _write_claimed(
        operation, release=True, state=OperationState.SUCCEEDED, secret_payload=None,
        vendor_result={**operation.vendor_result, **outcome.result}, finished_at=now, pending_reason="",
        last_error="", error_field="",
    ):
        return operation
    model = _target_model(operation.target_type)
    if model is not None and (outcome.vendor_id or outcome.vendor_state):
        updates = {"last_synced_at": now}
        if outcome.vendor_id:
            updates["vendor_id"] = outcome.vendor_id
        if outcome.vendor_state:
            updates["vendor_state"] = outcome.vendor_state
        model.objects.filter(pk=operation.target_id).update(**updates)
    # Only this operation's own failure alert closes; another operation's stays open.
    Alert.objects.filter(kind=AlertKind.OPERATION_FAILED, operation=operation, resolved_at__isnull=True).update(
        resolved_at=now)
    _dispatch_next_for_target(operation)
    return operation


@transaction.atomic
def operation_fail(*, operation: Operation, message: str, field: str = "", errors: list | None = None) -> Operation:
    """End the operation as failed and open an alert carrying the vendor's message.

    Secrets are kept while the operation can still be retried; they are wiped when it succeeds or
    is cancelled.
    """
    if not _write_claimed(
        operation, release=True, state=OperationState.FAILED, last_error=message[:2000], error_field=field[:64],
        finished_at=timezone.now(), pending_reason="",
    ):
        return operation
    alert_open(
        kind=AlertKind.OPERATION_FAILED,
        target_type=operation.target_type,
        target_id=operation.target_id,
        customer=operation.customer,
        operation=operation,
        title=f"{operation.get_kind_display()} failed",
        message=message,
        vendor_errors=errors or [],
    )
    _dispatch_next_for_target(operation)
    return operation


def _dispatch_next_for_target(operation: Operation) -> None:
    following = (
        Operation.objects.filter(
            target_type=operation.target_type, target_id=operation.target_id, id__gt=operation.pk,
            state__in=OPEN_OPERATION_STATES,
        )
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    if following:
        now = timezone.now()
        Operation.objects.filter(pk=following).update(next_attempt_at=now, dispatched_at=now)
        transaction.on_commit(lambda: operation_dispatch(operation_id=following))


@transaction.atomic
def operation_retry(*, operation: Operation, acting_user) -> Operation:
    """Staff ask for a failed operation to be tried again (vendors never retry failed actions).

    Refused once a later change to the same object has been sent: running this one after it would
    undo the order the changes were asked in.
    """
    operation = Operation.objects.select_for_update().get(pk=operation.pk)
    if operation.state != OperationState.FAILED:
        raise ValidationError("Only a failed operation can be retried.")
    later_sent = Operation.objects.filter(
        target_type=operation.target_type, target_id=operation.target_id, id__gt=operation.pk,
    ).exclude(state=OperationState.PENDING).exclude(state=OperationState.CANCELLED, attempts=0)
    if later_sent.exists():
        raise ValidationError(
            "A later change to the same object has already been sent, so this one cannot run after it. "
            "Make the change again instead."
        )
    now = timezone.now()
    Operation.objects.filter(pk=operation.pk).update(
        state=OperationState.PENDING, attempts=0, polls=0, finished_at=None, next_attempt_at=now, dispatched_at=now,
        pending_reason="", updated_at=now,
    )
    operation.refresh_from_db()
    audit_record(acting_user=acting_user, action="operation.retry", target=operation, customer=operation.customer,
                 summary=f"Retried {operation}")
    transaction.on_commit(lambda: operation_dispatch(operation_id=operation.pk))
    return operation


# ---- alerts ------------------------------------------------------------------------------------
def alert_open(
    *,
    kind: AlertKind,
    target_type: str,
    target_id: int,
    title: str,
    message: str = "",
    customer=None,
    operation: Operation | None = None,
    severity: Severity | None = None,
    vendor_errors: list | None = None,
) -> Alert:
    """Open an alert, or refresh the open one for the same kind and target (never two)."""
    severity = severity or AlertKind(kind).default_severity
    fields = {
        "severity": severity, "title": title[:200], "message": message, "customer": customer,
        "operation": operation, "vendor_errors": vendor_errors or [],
    }
    with transaction.atomic():
        existing = (
            Alert.objects.select_for_update()
            .filter(kind=kind, target_type=target_type, target_id=target_id, resolved_at__isnull=True)
            .first()
        )
        if existing is not None:
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.save()
            return existing
        try:
            with transaction.atomic():
                return Alert.objects.create(kind=kind, target_type=target_type, target_id=target_id, **fields)
        except IntegrityError:  # another worker opened it a moment ago
            return Alert.objects.get(kind=kind, target_type=target_type, target_id=target_id, resolved_at__isnull=True)


def alert_resolve(*, kind: AlertKind, target_type: str, target_id: int) -> int:
    """Resolve the open alert of this kind on this target, if any. Returns how many were resolved."""
    return Alert.objects.filter(
        kind=kind, target_type=target_type, target_id=target_id, resolved_at__isnull=True
    ).update(resolved_at=timezone.now())


@transaction.atomic
def alert_acknowledge(*, alert: Alert, acting_user) -> Alert:
    """A staff member takes the alert on; it stays open until the cause is gone."""
    if alert.acknowledged_at is None:
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = acting_user
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_record(acting_user=acting_user, action="alert.acknowledge", target=alert, customer=alert.customer,
                     summary=f"Acknowledged alert “{alert.title}”")
    return alert
