"""The outbox engine: claiming, per-target order, dependencies, outcomes, retries, polling timing,
failures and alerts.

These tests drive the engine with a stand-in adapter plugged into a vendor's profile; the real
adapters are tested against the sandboxes over HTTP (tests/vendors/).
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers import services as customer_services
from customers.choices import VendorState
from provisioning import services
from provisioning.adapters.base import (
    ActionFailed,
    Adapter,
    AlertSpec,
    Outcome,
    RateLimited,
    TransientError,
    ValidationFailed,
)
from provisioning.choices import AlertKind, OperationState
from provisioning.models import ActionTiming, Alert, Attempt, Operation
from provisioning.services import execution, polling
from provisioning.targets import Facts
from provisioning.vendors import PROFILES
from tests.factories import CustomerFactory, DomainFactory, MailboxFactory, VendorAccountFactory, queue_operation

pytestmark = pytest.mark.django_db


class ScriptedAdapter(Adapter):
    """Answers each step with the next scripted outcome or error."""

    script: list = []
    calls: list = []

    def supports(self, kind: str) -> bool:
        return True

    def handler(self, kind: str):
        return self

    def run(self, ctx, payload):
        ScriptedAdapter.calls.append((ctx.operation.pk, ctx.operation.state))
        step = ScriptedAdapter.script.pop(0)
        if isinstance(step, Exception):
            raise step
        return step


@pytest.fixture(autouse=True)
def _basekit_creates_domains(monkeypatch):
    """These engine tests use BaseKit's profile as a plain vendor that creates domains (the real one adopts them,
    looking each up at the vendor first), so a domain's creation is one queued operation."""
    monkeypatch.setitem(PROFILES, "basekit", dataclasses.replace(PROFILES["basekit"], domain_origin="created"))


@pytest.fixture
def scripted(monkeypatch):
    monkeypatch.setitem(PROFILES, "basekit", dataclasses.replace(PROFILES["basekit"], adapter=ScriptedAdapter))
    ScriptedAdapter.script = []
    ScriptedAdapter.calls = []
    return ScriptedAdapter


@pytest.fixture
def domain_op(staff):
    account = VendorAccountFactory(kind="basekit", name="BaseKit test")
    domain = customer_services.domain_create(customer=CustomerFactory(), vendor_account=account,
                                             name="shop.example", acting_user=staff)
    return Operation.objects.get(target_id=domain.pk, target_type="domain")


def _due(operation):
    Operation.objects.filter(pk=operation.pk).update(next_attempt_at=timezone.now())


def test_operation_without_an_adapter_stays_pending_with_its_reason(staff, monkeypatch):
    monkeypatch.setitem(PROFILES, "basekit", dataclasses.replace(PROFILES["basekit"], adapter=None))
    operation = queue_operation(DomainFactory(), "domain.create", acting_user=staff)
    services.operation_execute(operation_id=operation.pk)
    operation.refresh_from_db()
    assert operation.state == OperationState.PENDING
    assert "no BaseKit adapter" in operation.pending_reason
    assert operation.next_attempt_at > timezone.now()
    assert operation.attempts == 0  # waiting for an adapter spends none of the retry budget


def test_success_writes_vendor_id_and_state_onto_the_target(scripted, domain_op):
    scripted.script = [Outcome.finished("made", Facts("ref-42", "active"))]
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    domain = domain_op.vendor_account.domains.get()
    assert domain_op.state == OperationState.SUCCEEDED and domain_op.finished_at is not None
    assert (domain.vendor_id, domain.vendor_state) == ("ref-42", VendorState.ACTIVE)
    assert domain_op.result_message == "made"


def test_each_step_is_recorded_as_an_attempt_with_its_worker_and_outcome(scripted, domain_op):
    scripted.script = [Outcome.finished("made")]
    services.operation_execute(operation_id=domain_op.pk)
    attempt = Attempt.objects.get(operation=domain_op)
    assert attempt.outcome == "done" and attempt.worker and attempt.finished_at >= attempt.started_at


def test_async_action_moves_to_polling_then_succeeds(scripted, domain_op):
    scripted.script = [Outcome.polling("/actions/1", "Provision"), Outcome.finished()]
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    assert domain_op.state == OperationState.POLLING and domain_op.action_location == "/actions/1"
    _due(domain_op)
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    assert domain_op.state == OperationState.SUCCEEDED
    assert [state for _, state in scripted.calls] == ["running", "polling"]


def test_the_first_poll_lands_when_actions_of_that_name_usually_finish(scripted, domain_op):
    ActionTiming.objects.create(vendor_account=domain_op.vendor_account, action="Provision", estimate_seconds=7.5)
    scripted.script = [Outcome.polling("/actions/1", "Provision")]
    before = timezone.now()
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    delay = (domain_op.next_attempt_at - before).total_seconds()
    assert 7.0 <= delay <= 8.5


def test_an_unknown_action_is_first_polled_after_the_default(scripted, domain_op):
    scripted.script = [Outcome.polling("/actions/1", "Archive")]
    before = timezone.now()
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    assert (domain_op.next_attempt_at - before).total_seconds() >= polling.DEFAULT_FIRST_POLL_SECONDS - 0.1


def test_a_running_action_is_polled_again_later_and_later(scripted, domain_op):
    scripted.script = [Outcome.polling("/a/1", "Provision")] + [Outcome.polling("/a/1", "Provision")] * 3
    services.operation_execute(operation_id=domain_op.pk)
    gaps = []
    for _ in range(3):
        _due(domain_op)
        before = timezone.now()
        services.operation_execute(operation_id=domain_op.pk)
        domain_op.refresh_from_db()
        gaps.append((domain_op.next_attempt_at - before).total_seconds())
    assert gaps[0] < gaps[1] < gaps[2] <= polling.POLL_CAP_SECONDS


def test_finished_actions_teach_the_estimate(scripted, domain_op):
    scripted.script = [Outcome.polling("/a/1", "Provision"), Outcome.finished()]
    services.operation_execute(operation_id=domain_op.pk)
    Operation.objects.filter(pk=domain_op.pk).update(poll_started_at=timezone.now() - timedelta(seconds=10),
                                                     next_attempt_at=timezone.now())
    services.operation_execute(operation_id=domain_op.pk)
    timing = ActionTiming.objects.get(vendor_account=domain_op.vendor_account, action="Provision")
    assert timing.samples == 1 and 8 <= timing.estimate_seconds <= 10


def test_transient_error_schedules_a_retry_no_sooner_than_retry_after(scripted, domain_op):
    scripted.script = [TransientError("503 Service Unavailable", retry_after=120)]
    before = timezone.now()
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    assert domain_op.state == OperationState.PENDING and domain_op.claimed_until is None
    assert domain_op.next_attempt_at >= before + timedelta(seconds=120)
    assert domain_op.last_error == "503 Service Unavailable"
    assert "Will try again at" in domain_op.pending_reason


def test_a_lost_response_is_remembered_so_the_next_attempt_looks_before_creating(scripted, domain_op):
    scripted.script = [TransientError("dropped", maybe_applied=True)]
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    assert domain_op.vendor_result["_maybe_applied"] is True


def test_held_back_by_the_rate_limiter_is_a_wait_not_an_attempt(scripted, domain_op):
    scripted.script = [RateLimited("over the limit", retry_after=30)]
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    assert domain_op.attempts == 0 and domain_op.state == OperationState.PENDING
    assert "over the limit" in domain_op.pending_reason


def test_transient_errors_fail_the_operation_after_the_last_attempt(scripted, domain_op):
    Operation.objects.filter(pk=domain_op.pk).update(attempts=settings.PROVISIONING_MAX_ATTEMPTS - 1)
    scripted.script = [TransientError("timed out")]
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    assert domain_op.state == OperationState.FAILED and Alert.objects.filter(operation=domain_op).exists()


def test_validation_error_fails_at_once_with_field_and_opens_one_alert(scripted, domain_op):
    scripted.script = [ValidationFailed("name: domain already exists", field="name", errors=["name: exists"])]
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    alert = Alert.objects.get()
    assert domain_op.state == OperationState.FAILED and domain_op.error_field == "name"
    assert (alert.kind, alert.target_id, alert.vendor_errors) == (
        AlertKind.OPERATION_FAILED, domain_op.target_id, ["name: exists"])
    assert len(scripted.calls) == 1  # never retried


def test_an_error_may_name_its_own_alert_instead_of_the_generic_one(scripted, domain_op):
    alert = AlertSpec(kind=AlertKind.PRUNE_FAILED, title="Prune failed on shop.example: mail flow may be affected")
    scripted.script = [ActionFailed("Prune failed", errors=["bus down"], alert=alert,
                                    facts=Facts(vendor_state="error"))]
    services.operation_execute(operation_id=domain_op.pk)
    opened = Alert.objects.get()
    assert (opened.kind, opened.severity, opened.vendor_errors) == ("prune_failed", "high", ["bus down"])
    assert domain_op.vendor_account.domains.get().vendor_state == "error"


def test_a_high_priority_alert_is_mailed_to_staff_once(mailoutbox, staff, django_capture_on_commit_callbacks):
    staff.email = "ops@reseller.example"
    staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.alert_open(kind=AlertKind.DOMAIN_STALE, target_type="domain", target_id=7, title="x.example is stale",
                            next_step="Send Refresh.")
    with django_capture_on_commit_callbacks(execute=True):
        services.alert_open(kind=AlertKind.DOMAIN_STALE, target_type="domain", target_id=7, title="x.example is stale")
    assert len(mailoutbox) == 1 and "Send Refresh." in mailoutbox[0].body
    assert mailoutbox[0].to == ["ops@reseller.example"]


def test_secret_payload_is_wiped_when_the_operation_ends(scripted, staff):
    domain = DomainFactory(vendor_account=VendorAccountFactory(kind="basekit", name="BaseKit test"))
    mailbox = customer_services.mailbox_create(domain=domain, local_part="jo", password="a-long-password-1",
                                               acting_user=staff)
    operation = Operation.objects.get(target_id=mailbox.pk, target_type="mailbox")
    scripted.script = [Outcome.finished()]
    services.operation_execute(operation_id=operation.pk)
    operation.refresh_from_db()
    assert operation.secret_payload is None


def test_a_claimed_operation_cannot_be_claimed_again(domain_op, scripted):
    assert services.operation_claim(operation_id=domain_op.pk) is not None
    assert services.operation_claim(operation_id=domain_op.pk) is None


def test_a_lapsed_claim_can_be_taken_over(domain_op, scripted):
    services.operation_claim(operation_id=domain_op.pk)
    later = timezone.now() + timedelta(seconds=settings.PROVISIONING_CLAIM_SECONDS + 1)
    assert services.operation_claim(operation_id=domain_op.pk, now=later) is not None


def test_operations_on_one_target_run_in_the_order_asked(scripted, domain_op, staff):
    domain = domain_op.vendor_account.domains.get()
    second = queue_operation(domain, "domain.sync", acting_user=staff)
    second.refresh_from_db()
    assert f"#{domain_op.pk}" in second.pending_reason and second.dispatched_at is None  # no bell: it must wait
    _due(second)
    assert services.operation_claim(operation_id=second.pk) is None
    scripted.script = [Outcome.finished()]
    services.operation_execute(operation_id=domain_op.pk)
    _due(second)
    assert services.operation_claim(operation_id=second.pk) is not None


def test_a_mailbox_waits_for_its_domain_to_be_created_first(scripted, domain_op, staff):
    domain = domain_op.vendor_account.domains.get()
    mailbox = customer_services.mailbox_create(domain=domain, local_part="jo", password="a-long-password-1",
                                               acting_user=staff)
    create = Operation.objects.get(target_type="mailbox", target_id=mailbox.pk)
    assert list(create.depends_on.all()) == [domain_op]
    create.refresh_from_db()
    assert "Waiting for Create shop.example" in create.pending_reason
    _due(create)
    assert services.operation_claim(operation_id=create.pk) is None


def test_when_a_prerequisite_fails_what_waited_for_it_fails_too_and_is_retried_with_it(scripted, domain_op, staff):
    domain = domain_op.vendor_account.domains.get()
    mailbox = customer_services.mailbox_create(domain=domain, local_part="jo", password="a-long-password-1",
                                               acting_user=staff)
    create = Operation.objects.get(target_type="mailbox", target_id=mailbox.pk)
    scripted.script = [ValidationFailed("refused")]
    services.operation_execute(operation_id=domain_op.pk)
    create.refresh_from_db()
    assert create.state == OperationState.FAILED and create.blocked_by == domain_op
    assert Alert.objects.filter(operation=create, resolved_at__isnull=True).exists()
    services.operation_retry(operation=domain_op, acting_user=staff)
    create.refresh_from_db()
    assert create.state == OperationState.PENDING


def test_sweep_resends_only_due_unclaimed_operations_whose_message_looks_lost(
    domain_op, monkeypatch, staff, django_capture_on_commit_callbacks, scripted
):
    from provisioning.services import outbox

    sent = []
    monkeypatch.setattr(outbox, "operation_dispatch", lambda *, operation_id, countdown=None: sent.append(operation_id))
    long_ago = timezone.now() - timedelta(seconds=settings.PROVISIONING_REDISPATCH_SECONDS + 1)
    Operation.objects.filter(pk=domain_op.pk).update(dispatched_at=long_ago)  # its message was lost
    future = queue_operation(DomainFactory(vendor_account=domain_op.vendor_account), "domain.create", acting_user=staff)
    Operation.objects.filter(pk=future.pk).update(next_attempt_at=timezone.now() + timedelta(hours=1),
                                                  dispatched_at=long_ago)
    claimed = queue_operation(DomainFactory(vendor_account=domain_op.vendor_account), "domain.create",
                              acting_user=staff)
    services.operation_claim(operation_id=claimed.pk)
    Operation.objects.filter(pk=claimed.pk).update(dispatched_at=long_ago)
    queue_operation(DomainFactory(vendor_account=domain_op.vendor_account), "domain.create", acting_user=staff)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.operations_sweep_due() == 1
    assert sent == [domain_op.pk]


def test_sweep_does_not_resend_what_it_just_sent(domain_op, monkeypatch, django_capture_on_commit_callbacks):
    from provisioning.services import outbox

    monkeypatch.setattr(outbox, "operation_dispatch", lambda *, operation_id, countdown=None: None)
    Operation.objects.filter(pk=domain_op.pk).update(dispatched_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.operations_sweep_due() == 1
        assert services.operations_sweep_due() == 0


def test_retry_of_a_failed_operation_queues_it_again(scripted, domain_op, staff):
    scripted.script = [ValidationFailed("bad"), Outcome.finished()]
    services.operation_execute(operation_id=domain_op.pk)
    services.operation_retry(operation=domain_op, acting_user=staff)
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    assert domain_op.state == OperationState.SUCCEEDED
    assert not Alert.objects.filter(resolved_at__isnull=True).exists()


def test_cancel_of_a_pending_change_records_who_and_why(domain_op, staff):
    services.operation_cancel(operation=domain_op, reason="customer changed their mind", acting_user=staff)
    domain_op.refresh_from_db()
    assert (domain_op.state, domain_op.cancelled_by, domain_op.cancel_reason) == (
        "cancelled", staff, "customer changed their mind")


def test_cancel_needs_a_reason_and_a_pending_change(domain_op, staff, scripted):
    with pytest.raises(ValidationError):
        services.operation_cancel(operation=domain_op, reason=" ", acting_user=staff)
    scripted.script = [Outcome.polling("/a/1", "Provision")]
    services.operation_execute(operation_id=domain_op.pk)
    with pytest.raises(ValidationError):
        services.operation_cancel(operation=domain_op, reason="too late", acting_user=staff)


def test_alert_open_twice_for_the_same_kind_and_target_keeps_one_open_alert():
    for message in ("first", "second"):
        services.alert_open(kind=AlertKind.DOMAIN_STALE, target_type="domain", target_id=7,
                            title="Domain is stale", message=message)
    alert = Alert.objects.get()
    assert alert.message == "second" and alert.severity == "high"


def test_a_resolved_alert_lets_a_new_one_open():
    services.alert_open(kind=AlertKind.PRUNE_FAILED, target_type="domain", target_id=7, title="Prune")
    services.alert_resolve(kind=AlertKind.PRUNE_FAILED, target_type="domain", target_id=7)
    services.alert_open(kind=AlertKind.PRUNE_FAILED, target_type="domain", target_id=7, title="Prune")
    assert Alert.objects.count() == 2 and Alert.objects.filter(resolved_at__isnull=True).count() == 1


def test_the_database_refuses_a_second_open_alert_for_the_same_kind_and_target():
    from django.db import IntegrityError, transaction

    Alert.objects.create(kind="domain_stale", target_type="domain", target_id=1, title="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(kind="domain_stale", target_type="domain", target_id=1, title="b")


def test_acknowledge_records_who_and_keeps_the_alert_open(staff):
    alert = services.alert_open(kind=AlertKind.DOMAIN_STALE, target_type="domain", target_id=7,
                                title="Domain is stale")
    services.alert_acknowledge(alert=alert, acting_user=staff)
    alert.refresh_from_db()
    assert alert.acknowledged_by == staff and alert.is_open


def test_backoff_grows_and_is_capped():
    base, cap = settings.PROVISIONING_BACKOFF_SECONDS, settings.PROVISIONING_BACKOFF_CAP_SECONDS
    assert base / 2 <= services.backoff_seconds(1) <= base
    assert 2 * base <= services.backoff_seconds(3) <= 4 * base
    assert cap / 2 <= services.backoff_seconds(30) <= cap
    assert services.backoff_seconds(1, retry_after=60) >= 60


def test_an_adapter_crash_is_retried_then_fails_with_an_alert(scripted, domain_op):
    scripted.script = [KeyError("fields")]
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    assert domain_op.claimed_until is None and "Internal error" in domain_op.last_error
    Operation.objects.filter(pk=domain_op.pk).update(attempts=settings.PROVISIONING_MAX_ATTEMPTS - 1,
                                                     next_attempt_at=timezone.now())
    scripted.script = [KeyError("fields")]
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    assert domain_op.state == OperationState.FAILED and Alert.objects.filter(kind="operation_failed").exists()


def test_a_worker_whose_lease_lapsed_cannot_overwrite_the_result_of_the_worker_that_took_over(scripted, staff):
    mailbox = MailboxFactory(domain=DomainFactory(vendor_account=VendorAccountFactory(kind="basekit")))
    operation = queue_operation(mailbox, "mailbox.set_password", acting_user=staff)
    stale_worker = services.operation_claim(operation_id=operation.pk)
    later = timezone.now() + timedelta(seconds=settings.PROVISIONING_CLAIM_SECONDS + 1)
    services.operation_claim(operation_id=operation.pk, now=later)  # a second worker takes over...
    fresh = Operation.objects.get(pk=operation.pk)
    execution._apply_outcome(fresh, Outcome.finished(), execution.Context(fresh, adapter=None, exchanges=[]))
    with pytest.raises(execution.ClaimLost):  # ...and the first one, back late, writes nothing
        execution._apply_error(stale_worker, TransientError("timed out"),
                               execution.Context(stale_worker, adapter=None, exchanges=[]))
    operation.refresh_from_db()
    assert operation.state == OperationState.SUCCEEDED and operation.secret_payload is None


def test_a_long_call_renews_the_lease(scripted, domain_op):
    claimed = services.operation_claim(operation_id=domain_op.pk)
    Operation.objects.filter(pk=claimed.pk).update(claimed_until=timezone.now() + timedelta(seconds=10))
    claimed.claimed_until = timezone.now() + timedelta(seconds=10)
    ctx = execution.Context(claimed, adapter=None, exchanges=[])
    ctx.renew_lease()
    claimed.refresh_from_db()
    assert claimed.claimed_until > timezone.now() + timedelta(seconds=settings.PROVISIONING_CLAIM_SECONDS - 5)


def test_polls_do_not_spend_the_retry_budget(scripted, domain_op):
    Operation.objects.filter(pk=domain_op.pk).update(attempts=settings.PROVISIONING_MAX_ATTEMPTS - 1)
    scripted.script = [Outcome.polling("/actions/1", "Provision")] * 4
    for _ in range(4):
        _due(domain_op)
        services.operation_execute(operation_id=domain_op.pk)
    scripted.script = [TransientError("503")]
    _due(domain_op)
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    assert domain_op.state == OperationState.POLLING and domain_op.polls == 4


def test_a_later_success_does_not_close_another_operations_failure_alert(scripted, domain_op, staff):
    domain = domain_op.vendor_account.domains.get()
    second = queue_operation(domain, "domain.sync", acting_user=staff)
    scripted.script = [ValidationFailed("bad"), Outcome.finished()]
    services.operation_execute(operation_id=domain_op.pk)
    services.operation_execute(operation_id=second.pk)
    alert = Alert.objects.get()
    assert alert.operation_id == domain_op.pk and alert.is_open


def test_retry_is_refused_once_a_later_change_to_the_target_was_sent(scripted, domain_op, staff):
    domain = domain_op.vendor_account.domains.get()
    second = queue_operation(domain, "domain.sync", acting_user=staff)
    scripted.script = [ValidationFailed("bad"), Outcome.finished()]
    services.operation_execute(operation_id=domain_op.pk)
    services.operation_execute(operation_id=second.pk)
    with pytest.raises(ValidationError):
        services.operation_retry(operation=domain_op, acting_user=staff)


def test_a_failed_mailbox_create_keeps_its_password_for_a_retry(scripted, staff):
    domain = DomainFactory(vendor_account=VendorAccountFactory(kind="basekit", name="BaseKit test"))
    mailbox = customer_services.mailbox_create(domain=domain, local_part="jo", password="a-long-password-1",
                                               acting_user=staff)
    operation = Operation.objects.get(target_id=mailbox.pk, target_type="mailbox")
    scripted.script = [ValidationFailed("quota too large", field="quota_mb")]
    services.operation_execute(operation_id=operation.pk)
    operation.refresh_from_db()
    assert operation.state == OperationState.FAILED and operation.secret_payload == {"password": "a-long-password-1"}


def test_an_adapter_answer_that_does_not_fit_fails_cleanly_instead_of_holding_the_claim(scripted, domain_op):
    scripted.script = [Outcome.finished(facts=Facts(vendor_state="Active"))]
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    assert domain_op.claimed_until is None and "Internal error" in domain_op.last_error
