"""The outbox engine: claiming, per-target order, outcomes, retries, failures and alerts.

These tests drive the engine with a stand-in adapter registered for a vendor kind; the real
adapters are tested against the sandboxes over HTTP.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from customers import services as customer_services
from customers.choices import VendorState
from provisioning import services
from provisioning.adapters.base import Outcome, TransientError, ValidationFailed
from provisioning.choices import AlertKind, OperationState, TargetType
from provisioning.models import Alert, Operation
from provisioning.vendors import ADAPTERS
from tests.factories import CustomerFactory, DomainFactory, VendorAccountFactory

pytestmark = pytest.mark.django_db


class ScriptedAdapter:
    """Answers each execute/poll with the next scripted outcome or error."""

    script: list = []
    calls: list = []

    def __init__(self, account):
        self.account = account

    def _next(self, operation):
        ScriptedAdapter.calls.append((operation.pk, operation.state))
        step = ScriptedAdapter.script.pop(0)
        if isinstance(step, Exception):
            raise step
        return step

    execute = _next
    poll = _next


@pytest.fixture
def scripted():
    ADAPTERS["basekit"] = ScriptedAdapter
    ScriptedAdapter.script = []
    ScriptedAdapter.calls = []
    yield ScriptedAdapter
    ADAPTERS.pop("basekit", None)


@pytest.fixture
def domain_op(staff):
    account = VendorAccountFactory(kind="basekit", name="BaseKit test")
    domain = customer_services.domain_create(customer=CustomerFactory(), vendor_account=account,
                                             name="shop.example", acting_user=staff)
    return Operation.objects.get(target_id=domain.pk, target_type=TargetType.DOMAIN)


def test_operation_without_an_adapter_stays_pending_with_its_reason(staff):
    domain = DomainFactory(vendor_account=VendorAccountFactory(kind="hostway", name="Hostway"))
    operation = services.operation_enqueue(kind="domain.create", target=domain, target_type=TargetType.DOMAIN,
                                           vendor_account=domain.vendor_account, acting_user=staff)
    services.operation_execute(operation_id=operation.pk)
    operation.refresh_from_db()
    assert operation.state == OperationState.PENDING
    assert "no Hostway adapter" in operation.pending_reason
    assert operation.last_attempt_at is not None and operation.next_attempt_at > timezone.now()
    assert operation.attempts == 0  # waiting for an adapter spends none of the retry budget


def test_success_writes_vendor_id_and_state_onto_the_target(scripted, domain_op):
    scripted.script = [Outcome(done=True, vendor_id="ref-42", vendor_state="active")]
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    domain = domain_op.vendor_account.domains.get()
    assert domain_op.state == OperationState.SUCCEEDED and domain_op.finished_at is not None
    assert (domain.vendor_id, domain.vendor_state) == ("ref-42", VendorState.ACTIVE)


def test_async_action_moves_to_polling_then_succeeds(scripted, domain_op):
    scripted.script = [Outcome(poll_location="/actions/1", poll_after=0), Outcome(done=True, vendor_state="active")]
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    assert domain_op.state == OperationState.POLLING and domain_op.action_location == "/actions/1"
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    assert domain_op.state == OperationState.SUCCEEDED
    assert [state for _, state in scripted.calls] == ["running", "polling"]


def test_transient_error_schedules_a_retry_no_sooner_than_retry_after(scripted, domain_op):
    scripted.script = [TransientError("503 Service Unavailable", retry_after=120)]
    before = timezone.now()
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    assert domain_op.state == OperationState.PENDING and domain_op.claimed_until is None
    assert domain_op.next_attempt_at >= before + timedelta(seconds=120)
    assert domain_op.last_error == "503 Service Unavailable"
    assert "Will try again at" in domain_op.pending_reason


def test_transient_errors_fail_the_operation_after_the_last_attempt(scripted, domain_op):
    Operation.objects.filter(pk=domain_op.pk).update(attempts=services.MAX_ATTEMPTS - 1)
    scripted.script = [TransientError("timed out")]
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    assert domain_op.state == OperationState.FAILED


def test_validation_error_fails_at_once_with_field_and_opens_one_alert(scripted, domain_op):
    scripted.script = [ValidationFailed("name: domain already exists", field="name", errors=["name: exists"])]
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    alert = Alert.objects.get()
    assert domain_op.state == OperationState.FAILED and domain_op.error_field == "name"
    assert (alert.kind, alert.target_id, alert.vendor_errors) == (
        AlertKind.OPERATION_FAILED, domain_op.target_id, ["name: exists"])
    assert len(scripted.calls) == 1  # never retried


def test_secret_payload_is_wiped_when_the_operation_ends(scripted, staff):
    account = VendorAccountFactory(kind="basekit", name="BaseKit test")
    domain = DomainFactory(vendor_account=account)
    mailbox = customer_services.mailbox_create(domain=domain, local_part="jo", password="a-long-password-1",
                                               acting_user=staff)
    operation = Operation.objects.get(target_id=mailbox.pk, target_type=TargetType.MAILBOX)
    scripted.script = [Outcome(done=True)]
    services.operation_execute(operation_id=operation.pk)
    operation.refresh_from_db()
    assert operation.secret_payload is None


def test_a_claimed_operation_cannot_be_claimed_again(domain_op):
    assert services.operation_claim(operation_id=domain_op.pk) is not None
    assert services.operation_claim(operation_id=domain_op.pk) is None


def test_a_lapsed_claim_can_be_taken_over(domain_op):
    services.operation_claim(operation_id=domain_op.pk)
    later = timezone.now() + timedelta(seconds=services.CLAIM_SECONDS + 1)
    assert services.operation_claim(operation_id=domain_op.pk, now=later) is not None


def test_operations_on_one_target_run_in_the_order_asked(scripted, domain_op, staff):
    domain = domain_op.vendor_account.domains.get()
    second = services.operation_enqueue(kind="domain.update", target=domain, target_type=TargetType.DOMAIN,
                                        vendor_account=domain.vendor_account, acting_user=staff)
    assert services.operation_claim(operation_id=second.pk) is None
    second.refresh_from_db()
    assert f"#{domain_op.pk}" in second.pending_reason
    scripted.script = [Outcome(done=True)]
    services.operation_execute(operation_id=domain_op.pk)
    assert services.operation_claim(operation_id=second.pk) is not None


def _another_domain_op(account, staff):
    domain = DomainFactory(vendor_account=account)
    return services.operation_enqueue(kind="domain.create", target=domain, target_type=TargetType.DOMAIN,
                                      vendor_account=account, acting_user=staff)


def test_sweep_resends_only_due_unclaimed_operations_whose_message_looks_lost(
    domain_op, monkeypatch, staff, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(services, "operation_dispatch", lambda *, operation_id: sent.append(operation_id))
    long_ago = timezone.now() - timedelta(seconds=services.REDISPATCH_SECONDS + 1)
    Operation.objects.filter(pk=domain_op.pk).update(dispatched_at=long_ago)  # its message was lost
    future = _another_domain_op(domain_op.vendor_account, staff)
    Operation.objects.filter(pk=future.pk).update(next_attempt_at=timezone.now() + timedelta(hours=1),
                                                  dispatched_at=long_ago)
    claimed = _another_domain_op(domain_op.vendor_account, staff)
    services.operation_claim(operation_id=claimed.pk)
    Operation.objects.filter(pk=claimed.pk).update(dispatched_at=long_ago)
    _another_domain_op(domain_op.vendor_account, staff)  # just sent: its message is still on its way
    with django_capture_on_commit_callbacks(execute=True):
        assert services.operations_sweep_due() == 1
    assert sent == [domain_op.pk]


def test_sweep_does_not_resend_what_it_just_sent(domain_op, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "operation_dispatch", lambda *, operation_id: None)
    Operation.objects.filter(pk=domain_op.pk).update(dispatched_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.operations_sweep_due() == 1
        assert services.operations_sweep_due() == 0


def test_retry_of_a_failed_operation_queues_it_again(scripted, domain_op, staff):
    scripted.script = [ValidationFailed("bad"), Outcome(done=True)]
    services.operation_execute(operation_id=domain_op.pk)
    services.operation_retry(operation=domain_op, acting_user=staff)
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    assert domain_op.state == OperationState.SUCCEEDED
    assert not Alert.objects.filter(resolved_at__isnull=True).exists()


def test_alert_open_twice_for_the_same_kind_and_target_keeps_one_open_alert():
    for message in ("first", "second"):
        services.alert_open(kind=AlertKind.DOMAIN_STALE, target_type=TargetType.DOMAIN, target_id=7,
                            title="Domain is stale", message=message)
    alert = Alert.objects.get()
    assert alert.message == "second" and alert.severity == "high"


def test_a_resolved_alert_lets_a_new_one_open():
    services.alert_open(kind=AlertKind.PRUNE_FAILED, target_type=TargetType.DOMAIN, target_id=7, title="Prune")
    services.alert_resolve(kind=AlertKind.PRUNE_FAILED, target_type=TargetType.DOMAIN, target_id=7)
    services.alert_open(kind=AlertKind.PRUNE_FAILED, target_type=TargetType.DOMAIN, target_id=7, title="Prune")
    assert Alert.objects.count() == 2 and Alert.objects.filter(resolved_at__isnull=True).count() == 1


def test_the_database_refuses_a_second_open_alert_for_the_same_kind_and_target():
    from django.db import IntegrityError, transaction

    Alert.objects.create(kind="domain_stale", target_type="domain", target_id=1, title="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(kind="domain_stale", target_type="domain", target_id=1, title="b")


def test_acknowledge_records_who_and_keeps_the_alert_open(staff):
    alert = services.alert_open(kind=AlertKind.DOMAIN_STALE, target_type=TargetType.DOMAIN, target_id=7,
                                title="Domain is stale")
    services.alert_acknowledge(alert=alert, acting_user=staff)
    alert.refresh_from_db()
    assert alert.acknowledged_by == staff and alert.is_open


def test_backoff_grows_and_is_capped():
    base, cap = services.BACKOFF_BASE_SECONDS, services.BACKOFF_CAP_SECONDS
    assert base / 2 <= services.backoff_seconds(1) <= base
    assert 2 * base <= services.backoff_seconds(3) <= 4 * base
    assert cap / 2 <= services.backoff_seconds(30) <= cap
    assert services.backoff_seconds(1, retry_after=60) >= 60


def test_an_adapter_crash_is_retried_then_fails_with_an_alert(scripted, domain_op):
    scripted.script = [KeyError("fields")]
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    assert domain_op.claimed_until is None and "Internal error" in domain_op.last_error
    Operation.objects.filter(pk=domain_op.pk).update(attempts=services.MAX_ATTEMPTS - 1,
                                                     next_attempt_at=timezone.now())
    scripted.script = [KeyError("fields")]
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    assert domain_op.state == OperationState.FAILED and Alert.objects.filter(kind="operation_failed").exists()


def test_a_worker_whose_lease_lapsed_cannot_overwrite_the_result_of_the_worker_that_took_over(scripted, staff):
    account = VendorAccountFactory(kind="basekit", name="BaseKit test")
    mailbox = customer_services.mailbox_create(domain=DomainFactory(vendor_account=account), local_part="jo",
                                               password="a-long-password-1", acting_user=staff)
    operation = Operation.objects.get(target_id=mailbox.pk, target_type=TargetType.MAILBOX)
    stale_worker = services.operation_claim(operation_id=operation.pk)
    later = timezone.now() + timedelta(seconds=services.CLAIM_SECONDS + 1)
    services.operation_claim(operation_id=operation.pk, now=later)  # a second worker takes over...
    scripted.script = [Outcome(done=True)]
    Operation.objects.filter(pk=operation.pk).update(next_attempt_at=timezone.now())
    fresh = Operation.objects.get(pk=operation.pk)
    services.operation_succeed(operation=fresh, outcome=Outcome(done=True))  # ...and succeeds
    services._operation_error(stale_worker, TransientError("timed out"))  # the first one comes back late
    operation.refresh_from_db()
    assert operation.state == OperationState.SUCCEEDED and operation.secret_payload is None


def test_polls_do_not_spend_the_retry_budget(scripted, domain_op):
    Operation.objects.filter(pk=domain_op.pk).update(attempts=services.MAX_ATTEMPTS - 1)
    scripted.script = [Outcome(poll_location="/actions/1", poll_after=0)] + [Outcome(poll_after=0,
                                                                                      poll_location="/actions/1")] * 3
    for _ in range(4):
        services.operation_execute(operation_id=domain_op.pk)
    scripted.script = [TransientError("503")]
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    assert domain_op.state == OperationState.POLLING and domain_op.polls == 4


def test_a_later_success_does_not_close_another_operations_failure_alert(scripted, domain_op, staff):
    domain = domain_op.vendor_account.domains.get()
    second = services.operation_enqueue(kind="domain.update", target=domain, target_type=TargetType.DOMAIN,
                                        vendor_account=domain.vendor_account, acting_user=staff)
    scripted.script = [ValidationFailed("bad"), Outcome(done=True)]
    services.operation_execute(operation_id=domain_op.pk)
    services.operation_execute(operation_id=second.pk)
    alert = Alert.objects.get()
    assert alert.operation_id == domain_op.pk and alert.is_open


def test_retry_is_refused_once_a_later_change_to_the_target_was_sent(scripted, domain_op, staff):
    from django.core.exceptions import ValidationError

    domain = domain_op.vendor_account.domains.get()
    second = services.operation_enqueue(kind="domain.update", target=domain, target_type=TargetType.DOMAIN,
                                        vendor_account=domain.vendor_account, acting_user=staff)
    scripted.script = [ValidationFailed("bad"), Outcome(done=True)]
    services.operation_execute(operation_id=domain_op.pk)
    services.operation_execute(operation_id=second.pk)
    with pytest.raises(ValidationError):
        services.operation_retry(operation=domain_op, acting_user=staff)


def test_a_failed_mailbox_create_keeps_its_password_for_a_retry(scripted, staff):
    account = VendorAccountFactory(kind="basekit", name="BaseKit test")
    mailbox = customer_services.mailbox_create(domain=DomainFactory(vendor_account=account), local_part="jo",
                                               password="a-long-password-1", acting_user=staff)
    operation = Operation.objects.get(target_id=mailbox.pk, target_type=TargetType.MAILBOX)
    scripted.script = [ValidationFailed("quota too large", field="quota_mb")]
    services.operation_execute(operation_id=operation.pk)
    operation.refresh_from_db()
    assert operation.state == OperationState.FAILED and operation.secret_payload == {"password": "a-long-password-1"}


def test_an_adapter_answer_that_does_not_fit_fails_cleanly_instead_of_holding_the_claim(scripted, domain_op):
    scripted.script = [Outcome(done=True, vendor_state="Active")]
    services.operation_execute(operation_id=domain_op.pk)
    domain_op.refresh_from_db()
    assert domain_op.claimed_until is None and "Internal error" in domain_op.last_error
