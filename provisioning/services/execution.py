"""Carrying out operations: claim, run one step through the vendor's handler, record what came of it.

The rules (docs/architecture.md, "The outbox"):

* A worker claims an operation with a lease (``claimed_until``) and a token (``claim_token``) under
  a row lock. Every write of a result is conditional on the token, so a worker whose lease lapsed
  (and whose operation another worker has taken over) writes nothing. The lease is renewed before
  each vendor call, and a task time limit below the lease stops a stuck worker.
* An operation runs only when it is first in its target's line and what it depends on succeeded.
* Each step is recorded as an :class:`~provisioning.models.Attempt` with the vendor calls it made.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, CharField, Exists, F, OuterRef, PositiveIntegerField, Q, Value, When
from django.utils import timezone

from core.choices import Severity
from provisioning import targets
from provisioning.adapters.base import (
    AlertSpec,
    AuthError,
    NotReady,
    Outcome,
    RateLimited,
    TransientError,
    VendorError,
)
from provisioning.choices import OPEN_OPERATION_STATES, AlertKind, AttemptOutcome, OperationState
from provisioning.kinds import payload_class
from provisioning.models import Attempt, Operation
from provisioning.services import polling
from provisioning.services.alerts import alert_open, alert_resolve_operation, alerts_resolve
from provisioning.services.context import ClaimLost, Context
from provisioning.services.outbox import dispatch_followers, fail_dependents, hinted, schedule
from provisioning.vendors import PROFILES, profile

logger = logging.getLogger(__name__)

# With no adapter for a vendor yet, look again this often (a deploy may have added one).
NO_ADAPTER_RECHECK_SECONDS = 15 * 60
# A step that needs something not there yet (a prerequisite's vendor id) looks again this soon.
NOT_READY_SECONDS = 5


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"[:100]


def _budget(operation: Operation) -> tuple[int, int]:
    """(used, allowed): polls of an asynchronous action, else calls of the handler."""
    if operation.state == OperationState.POLLING:
        return operation.polls, settings.PROVISIONING_MAX_POLLS
    return operation.attempts, settings.PROVISIONING_MAX_ATTEMPTS


def backoff_seconds(attempts: int, retry_after: float | None = None) -> float:
    """Exponential backoff with jitter (between half and all of the step), capped; never sooner
    than the vendor's Retry-After."""
    base, cap = settings.PROVISIONING_BACKOFF_SECONDS, settings.PROVISIONING_BACKOFF_CAP_SECONDS
    ceiling = min(cap, base * 2 ** max(0, attempts - 1))
    delay = random.uniform(ceiling / 2, ceiling)  # noqa: S311 (jitter, not security)
    return max(delay, retry_after or 0)


# ---- claim -------------------------------------------------------------------------------------
def _wait(operation: Operation, *, reason: str, seconds: float, now) -> None:
    """Leave the operation unclaimed and pending, with why, to be looked at again later."""
    operation.pending_reason = reason[:300]
    operation.next_attempt_at = now + timedelta(seconds=seconds)
    operation.dispatched_at = None
    operation.redispatches = 0
    if operation.state == OperationState.RUNNING:
        operation.state = OperationState.PENDING
    operation.save(update_fields=["pending_reason", "next_attempt_at", "dispatched_at", "redispatches", "state",
                                  "last_attempt_at", "updated_at"])


def _blocked(operation: Operation, now) -> bool:
    """Wait behind an earlier change to the same target, or a prerequisite; fail if one failed."""
    earlier = (Operation.objects.filter(target_type=operation.target_type, target_id=operation.target_id,
                                        id__lt=operation.pk, state__in=OPEN_OPERATION_STATES)
               .order_by("id").values_list("id", "summary").first())
    if earlier is not None:
        _wait(operation, reason=f"Waiting for an earlier change to the same object: {earlier[1]} (#{earlier[0]}).",
              seconds=settings.PROVISIONING_ORDER_WAIT_SECONDS, now=now)
        return True
    prerequisites = list(operation.depends_on.exclude(state=OperationState.SUCCEEDED)
                         .values_list("id", "state", "summary")) if operation.has_prerequisites else []
    if not prerequisites:
        return False
    broken = [p for p in prerequisites if p[1] in (OperationState.FAILED, OperationState.CANCELLED)]
    if broken:
        pk, state, summary = broken[0]
        message = f"Not sent: it needs {summary} (#{pk}), which {'failed' if state == 'failed' else 'was cancelled'}."
        operation.state = OperationState.FAILED
        operation.failed_before = True
        operation.blocked_by_id = pk
        operation.last_error = message
        operation.finished_at = now
        operation.pending_reason = ""
        operation.save(update_fields=["state", "failed_before", "blocked_by", "last_error", "finished_at",
                                      "pending_reason", "updated_at"])
        alert_open(kind=AlertKind.OPERATION_FAILED, target_type=operation.target_type, target_id=operation.target_id,
                   customer_id=operation.customer_id, operation=operation, title=f"{operation.summary} failed",
                   message=message, next_step="Retry the change it needs; this one is retried with it.")
        fail_dependents(operation, why=f"it needs {operation.summary}, which could not run")
        return True
    pk, _, summary = prerequisites[0]
    _wait(operation, reason=f"Waiting for {summary} (#{pk}) to finish first.",
          seconds=settings.PROVISIONING_ORDER_WAIT_SECONDS, now=now)
    return True


def _claim_at_once(operation_id: int, now) -> Operation | None:
    """The common case in one conditional UPDATE: due, unclaimed, first on its target, waiting for no
    other operation, within its budget, on an active account whose vendor has an adapter."""
    polling = Q(state=OperationState.POLLING)
    earlier = Operation.objects.filter(target_type=OuterRef("target_type"), target_id=OuterRef("target_id"),
                                       id__lt=OuterRef("pk"), state__in=OPEN_OPERATION_STATES)
    token = uuid.uuid4()
    claimed = (
        Operation.objects.filter(pk=operation_id, state__in=OPEN_OPERATION_STATES, next_attempt_at__lte=now,
                                 has_prerequisites=False, vendor_account__is_active=True,
                                 vendor_account__kind__in=[kind for kind, p in PROFILES.items() if p.adapter])
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .filter((polling & Q(polls__lt=settings.PROVISIONING_MAX_POLLS))
                | (~polling & Q(attempts__lt=settings.PROVISIONING_MAX_ATTEMPTS)))
        .filter(~Exists(earlier))
        .update(
            polls=Case(When(polling, then=F("polls") + 1), default=F("polls"), output_field=PositiveIntegerField()),
            attempts=Case(When(polling, then=F("attempts")), default=F("attempts") + 1,
                          output_field=PositiveIntegerField()),
            state=Case(When(polling, then=Value(OperationState.POLLING)), default=Value(OperationState.RUNNING),
                       output_field=CharField()),
            claimed_until=now + timedelta(seconds=settings.PROVISIONING_CLAIM_SECONDS), claim_token=token,
            last_attempt_at=now, redispatches=0, updated_at=now,
        )
    )
    if not claimed:
        return None
    return Operation.objects.select_related("vendor_account").get(pk=operation_id, claim_token=token)


def operation_claim(*, operation_id: int, now=None) -> Operation | None:
    """Take the operation for this worker if it is due, unclaimed, first in line and can run now.

    The claim also counts the attempt (or poll) it is about to make, so an attempt cut short by a
    killed worker still counts against the budget. Most claims are one UPDATE; the rest (waiting,
    blocked, out of budget, no adapter) go through the row lock below, which also says why.
    """
    now = now or timezone.now()
    operation = _claim_at_once(operation_id, now)
    if operation is not None:
        return operation
    with transaction.atomic():
        operation = (
            # Only the operation's row: locking the joined vendor account too would make every claim
            # on that account skip the others'.
            Operation.objects.select_for_update(skip_locked=True, no_key=True, of=("self",))
            .select_related("vendor_account")
            .filter(pk=operation_id, state__in=OPEN_OPERATION_STATES, next_attempt_at__lte=now)
            .exclude(claimed_until__gte=now)
            .first()
        )
        if operation is None or _blocked(operation, now):
            return None
        account = operation.vendor_account
        vendor = profile(account.kind)
        if vendor.adapter is None:
            operation.last_attempt_at = now
            _wait(operation, reason=f"Not sent: this panel has no {vendor.label} adapter yet. It stays queued and "
                  "is sent once one is installed.", seconds=NO_ADAPTER_RECHECK_SECONDS, now=now)
            return None
        if not account.is_active:
            _wait(operation, reason=f"Vendor account “{account.name}” is disabled.",
                  seconds=NO_ADAPTER_RECHECK_SECONDS, now=now)
            return None
        used, allowed = _budget(operation)
        if used >= allowed:
            # Attempts that never reported back (a worker killed mid-call) end here too.
            what = "polls of the vendor's action" if operation.state == OperationState.POLLING else "attempts"
            operation.claim_token = uuid.uuid4()
            operation.save(update_fields=["claim_token", "updated_at"])
            operation_fail(operation=operation, message=f"Gave up after {used} {what}. {operation.last_error}".strip())
            return None
        if operation.state == OperationState.POLLING:
            operation.polls += 1
        else:
            operation.attempts += 1
            operation.state = OperationState.RUNNING
        operation.claimed_until = now + timedelta(seconds=settings.PROVISIONING_CLAIM_SECONDS)
        operation.claim_token = uuid.uuid4()
        operation.last_attempt_at = now
        operation.redispatches = 0
        operation.save(update_fields=["claimed_until", "claim_token", "last_attempt_at", "state", "attempts", "polls",
                                      "redispatches", "updated_at"])
        return operation


# ---- execute -----------------------------------------------------------------------------------
def operation_execute(*, operation_id: int) -> Operation | None:
    """Run one step of an operation: claim it, call its vendor's handler, record what came of it."""
    operation = operation_claim(operation_id=operation_id)
    if operation is None:
        return None
    polling_step = operation.state == OperationState.POLLING
    attempt = Attempt(operation=operation, worker=_worker_name(), polling=polling_step, started_at=timezone.now(),
                      number=operation.polls if polling_step else operation.attempts)
    adapter = profile(operation.vendor_account.kind).adapter()
    ctx = Context(operation, adapter=adapter, exchanges=[])
    outcome_code, message = AttemptOutcome.FAILED, ""
    try:
        if not adapter.supports(operation.kind):
            raise VendorError(f"{operation.vendor_account.kind_label} cannot carry out “{operation.kind_label}”.")
        payload = payload_class(operation.kind).from_json(operation.payload)
        outcome = adapter.handler(operation.kind).run(ctx, payload)
        outcome_code, message = _apply_outcome(operation, outcome, ctx)
    except ClaimLost:
        logger.warning("operation %s: claim lost (lease lapsed); this worker's result is dropped", operation.pk)
        outcome_code, message = AttemptOutcome.LOST, "Another worker took the operation over."
    except VendorError as error:
        outcome_code, message = _apply_error(operation, error, ctx)
    except Exception as exc:  # a bug in an adapter must not leave the operation claimed and silent
        logger.exception("adapter %s failed on operation %s", operation.vendor_account.kind, operation.pk)
        error = TransientError(f"Internal error in the {operation.vendor_account.kind_label} adapter: "
                               f"{type(exc).__name__}")
        outcome_code, message = _apply_error(operation, error, ctx)
    finally:
        # One row per step, written as it ends (the claim's last_attempt_at shows a step cut short).
        attempt.finished_at, attempt.outcome, attempt.message = timezone.now(), outcome_code, message[:500]
        attempt.exchanges = ctx.exchanges
        attempt.save()
    return operation


def _write_claimed(operation: Operation, *, release: bool = False, **fields) -> bool:
    """Write ``fields`` if this worker still holds the claim; False when another has taken over."""
    fields["updated_at"] = timezone.now()
    if release:
        fields.update(claimed_until=None, claim_token=None)
    written = Operation.objects.filter(pk=operation.pk, claim_token=operation.claim_token).update(**fields)
    if not written:
        raise ClaimLost(operation.pk)
    for name, value in fields.items():
        setattr(operation, name, value)
    return True


def _apply_facts(operation: Operation, outcome_or_error) -> None:
    facts = getattr(outcome_or_error, "facts", None)
    if facts:
        targets.get(operation.target_type).apply(operation.target_id, facts)
    for observation in getattr(outcome_or_error, "observations", []) or []:
        if observation.facts:
            targets.get(observation.target_type).apply(observation.target_id, observation.facts)


def _open_alert(operation: Operation, spec: AlertSpec) -> None:
    alert_open(kind=spec.kind, target_type=spec.target_type or operation.target_type,
               target_id=spec.target_id if spec.target_id is not None else operation.target_id,
               customer_id=operation.customer_id, operation=operation, title=spec.title, message=spec.message,
               next_step=spec.next_step, severity=spec.severity, vendor_errors=spec.errors)


def _apply_alerts(operation: Operation, outcome: Outcome) -> None:
    resolving: dict[tuple[str, int], list[str]] = {}
    for kind, target_type, target_id in outcome.resolves:
        key = (target_type or operation.target_type, target_id if target_id is not None else operation.target_id)
        resolving.setdefault(key, []).append(kind)
    for (target_type, target_id), kinds in resolving.items():
        alerts_resolve(kinds=kinds, target_type=target_type, target_id=target_id, resolved_by=operation.requested_by,
                       resolution=f"The vendor confirmed it after “{operation.summary}”.")
    for spec in outcome.alerts:
        _open_alert(operation, spec)


def _learn_timing(operation: Operation, ctx: Context, now) -> None:
    """An action we were polling has ended: remember how long it took."""
    if operation.state != OperationState.POLLING or not operation.poll_started_at or not operation.action_name:
        return
    polling.action_finished(vendor_account_id=operation.vendor_account_id, action=operation.action_name,
                            seconds=(now - operation.poll_started_at).total_seconds(),
                            first_poll=ctx.progress.get("_action_polls", 1) <= 1)


def _apply_outcome(operation: Operation, outcome: Outcome, ctx: Context) -> tuple[str, str]:
    now = timezone.now()
    result = {**ctx.progress, **outcome.result}
    with transaction.atomic():
        _apply_facts(operation, outcome)
        _apply_alerts(operation, outcome)
        if outcome.poll_location:
            still = (operation.state == OperationState.POLLING and outcome.poll_location == operation.action_location)
            if still:
                polls = result.get("_action_polls", 1) + 1
                delay = polling.next_poll_delay(polls_done=polls - 1, first_delay=result.get("_poll_first", 3.0))
                result["_action_polls"] = polls
                fields = {}
            else:
                _learn_timing(operation, ctx, now)
                delay = polling.first_poll_delay(vendor_account_id=operation.vendor_account_id, action=outcome.action)
                result.update(_action_polls=1, _poll_first=delay)
                fields = {"action_location": outcome.poll_location, "action_name": outcome.action[:40],
                          "poll_started_at": now}
            at = now + timedelta(seconds=delay)
            _write_claimed(operation, release=True, state=OperationState.POLLING, vendor_result=result,
                           next_attempt_at=at, pending_reason="", dispatched_at=hinted(at, now), **fields)
            schedule(operation.pk, at=at, now=now)
            return AttemptOutcome.POLLING, outcome.message or f"The vendor is working on it ({outcome.action})."
        _learn_timing(operation, ctx, now)
        if outcome.done:
            _write_claimed(operation, release=True, state=OperationState.SUCCEEDED, secret_payload=None,
                           vendor_result=result, finished_at=now, pending_reason="", last_error="", error_field="",
                           result_message=outcome.message[:300])
            # Only this operation's own failure alert closes; another operation's stays open.
            if operation.failed_before:
                alert_resolve_operation(operation=operation, resolution=f"“{operation.summary}” succeeded.")
            dispatch_followers(operation)
            return AttemptOutcome.DONE, outcome.message or "The vendor confirmed the change."
        at = now + timedelta(seconds=outcome.again_after)
        # The next step follows at once: back to "running" from the worker's point of view.
        _write_claimed(operation, release=True, state=OperationState.PENDING, vendor_result=result,
                       next_attempt_at=at, dispatched_at=hinted(at, now), pending_reason="", action_location="",
                       action_name="", poll_started_at=None)
        schedule(operation.pk, at=at, now=now)
        return AttemptOutcome.PROGRESS, outcome.message or "Step done; the next follows."


def _never_ready(operation: Operation, error: NotReady) -> bool:
    """Whether what the step waits for can no longer come: no open operation may give the object
    it needs a vendor id (its creation failed or was cancelled, or the object is gone)."""
    if error.waits_for is None:
        return False
    target_type, pk = error.waits_for
    return not (Operation.objects.filter(target_type=target_type, target_id=pk, state__in=OPEN_OPERATION_STATES)
                .exclude(pk=operation.pk).exists())


def _apply_error(operation: Operation, error: VendorError, ctx: Context) -> tuple[str, str]:
    now = timezone.now()
    polling_step = operation.state == OperationState.POLLING
    if isinstance(error, NotReady) and _never_ready(operation, error):
        with transaction.atomic():
            operation_fail(operation=operation, message=f"Not sent: {error.message.rstrip('.')}, and nothing "
                           "queued will put it there (its own change failed or was cancelled). Retry that change "
                           "first, then this one.", progress=ctx.progress)
        return AttemptOutcome.FAILED, error.message
    if isinstance(error, (RateLimited, NotReady)):
        # Held back before anything was sent: a wait, not an attempt.
        counter = "polls" if polling_step else "attempts"
        refund = {counter: max(0, getattr(operation, counter) - 1)}
        seconds = error.retry_after if error.retry_after is not None else NOT_READY_SECONDS
        at = now + timedelta(seconds=seconds)
        state = OperationState.POLLING if polling_step else OperationState.PENDING
        _write_claimed(operation, release=True, state=state,
                       vendor_result=ctx.progress, next_attempt_at=at, dispatched_at=hinted(at, now),
                       pending_reason=error.message[:300], **refund)
        schedule(operation.pk, at=at, now=now)
        return AttemptOutcome.WAITING, error.message
    used, allowed = _budget(operation)
    if error.retryable and used < allowed:
        at = now + timedelta(seconds=backoff_seconds(used, error.retry_after))
        progress = dict(ctx.progress)
        if getattr(error, "maybe_applied", False):
            progress["_maybe_applied"] = True
        _write_claimed(
            operation, release=True,
            # Waiting out a backoff is not running: say so, and when.
            state=OperationState.POLLING if polling_step else OperationState.PENDING,
            vendor_result=progress, last_error=error.message[:2000], dispatched_at=hinted(at, now),
            pending_reason=f"Will try again at {timezone.localtime(at):%H:%M:%S} after a vendor error."[:300],
            next_attempt_at=at,
        )
        schedule(operation.pk, at=at, now=now)
        return AttemptOutcome.RETRY, error.message
    with transaction.atomic():
        _apply_facts(operation, error)
        operation_fail(operation=operation, message=error.message, field=error.field, errors=error.errors,
                       alert=error.alert, progress=ctx.progress)
        if isinstance(error, AuthError):
            account = operation.vendor_account
            alert_open(kind=AlertKind.VENDOR_AUTH, target_type="vendor_account", target_id=account.pk,
                       title=f"{account.name} refused the panel's credentials",
                       message=error.message, severity=Severity.HIGH,
                       next_step="Check the API credentials on the vendor account, then retry the failed changes.")
    return AttemptOutcome.FAILED, error.message


def operation_fail(*, operation: Operation, message: str, field: str = "", errors: list | None = None,
                   alert: AlertSpec | None = None, progress: dict | None = None) -> Operation:
    """End the operation as failed and open its alert with the vendor's words.

    Secrets are kept while the operation can still be retried; they are wiped when it succeeds or
    is cancelled. Operations waiting for it fail with it, and are retried with it.
    """
    with transaction.atomic():
        fields = {"state": OperationState.FAILED, "failed_before": True, "last_error": message[:2000],
                  "error_field": field[:64],
                  "finished_at": timezone.now(), "pending_reason": ""}
        if progress is not None:
            fields["vendor_result"] = progress
        _write_claimed(operation, release=True, **fields)
        spec = alert or AlertSpec(kind=AlertKind.OPERATION_FAILED, title=f"{operation.summary or operation} failed",
                                  message=message, errors=errors or [],
                                  next_step="Correct the cause, then retry the change from its page.")
        if not spec.errors and errors:
            spec.errors = list(errors)
        _open_alert(operation, spec)
        fail_dependents(operation, why=f"it needs {operation.summary}, which failed")
        dispatch_followers(operation)
    return operation
