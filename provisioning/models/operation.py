"""The outbox: one :class:`Operation` per change owed to a vendor, and one :class:`Attempt` per step."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.choices import choice_accessor
from core.crypto import EncryptedJSONField
from core.db import choices_constraint
from provisioning.choices import AttemptOutcome, OperationState
from provisioning.kinds import kind_choices, kind_label


class Operation(models.Model):
    """One change owed to a vendor: the outbox row, its progress and its polling state."""

    kind = models.CharField(max_length=40, choices=kind_choices)
    state = models.CharField(max_length=16, choices=OperationState, default=OperationState.PENDING)
    # What the operation changes, by the registry's name ("domain", "mailbox"...): see provisioning.targets.
    target_type = models.CharField(max_length=24)
    target_id = models.BigIntegerField()
    # Words for lists and the audit log ("Create mailbox jo@example.com"), written when it is asked for.
    summary = models.CharField(max_length=300, blank=True)
    vendor_account = models.ForeignKey("provisioning.VendorAccount", on_delete=models.PROTECT,
                                       related_name="operations")
    # For scoping what a customer's users see, and listing a customer's operations.
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="operations"
    )
    # The typed payload of its kind (provisioning.kinds), as JSON.
    payload = models.JSONField(default=dict, blank=True)
    # Passwords in flight, encrypted; wiped when the operation ends.
    secret_payload = EncryptedJSONField(null=True, blank=True)
    # Operations that must have succeeded before this one may run (the domain before its mailbox).
    depends_on = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="dependents")
    # Whether depends_on / dependents hold anything: the hot path skips their queries when not.
    has_prerequisites = models.BooleanField(default=False)
    has_dependents = models.BooleanField(default=False)
    # It failed once (so it has a failure alert that its later success resolves).
    failed_before = models.BooleanField(default=False)
    # Set when this one failed because a prerequisite did: retrying that one re-opens this one.
    blocked_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="blocked")
    # Calls of the adapter (waits and polls do not count against the retry budget).
    attempts = models.PositiveIntegerField(default=0)
    polls = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A worker that claims the operation holds it until then; a crashed worker's claim lapses.
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Which claim holds the row: a worker whose lease lapsed can no longer write its result.
    claim_token = models.UUIDField(null=True, blank=True)
    # When a message was last sent for it; the sweep re-sends only when that message looks lost.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    # Messages the sweep re-sent since a worker last picked the operation up: each waits twice as long,
    # so a queue that is merely slow is not flooded with copies.
    redispatches = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # The vendor's asynchronous action being followed, its name and since when.
    action_location = models.CharField(max_length=500, blank=True, help_text="The vendor's async action to poll.")
    action_name = models.CharField(max_length=40, blank=True)
    poll_started_at = models.DateTimeField(null=True, blank=True)
    # What each step learnt (GUIDs, locations): recorded before the next step, so a retry resumes.
    vendor_result = models.JSONField(default=dict, blank=True)
    result_message = models.CharField(max_length=300, blank=True, help_text="What the vendor confirmed, in words.")
    pending_reason = models.CharField(max_length=300, blank=True)
    last_error = models.TextField(blank=True)
    error_field = models.CharField(max_length=64, blank=True, help_text="The form field the vendor's error concerns.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            # The sweep: open operations by due time.
            models.Index(fields=["state", "next_attempt_at"], name="operation_due_idx"),
            # Per-target order: the earliest open operation of a target goes first.
            models.Index(fields=["target_type", "target_id", "id"], name="operation_target_idx"),
            models.Index(fields=["customer", "-id"], name="operation_customer_idx"),
            # The operations list filtered by state or kind, newest first.
            models.Index(fields=["state", "id"], name="operation_state_list_idx"),
            models.Index(fields=["kind", "id"], name="operation_kind_list_idx"),
            # Recently finished: the state check re-reads what just changed.
            models.Index(fields=["finished_at"], name="operation_finished_idx"),
        ]
        constraints = [choices_constraint("state", OperationState, "operation_state_valid")]

    def __str__(self) -> str:
        return f"{self.kind_label} #{self.pk}"

    state_choice = choice_accessor("state", OperationState)

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    def get_kind_display(self) -> str:
        return self.kind_label

    @property
    def is_open(self) -> bool:
        return not self.state_choice.is_final


class Attempt(models.Model):
    """One step of an operation as a worker ran it: when, where, what was sent and answered."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    polling = models.BooleanField(default=False, help_text="A poll of the vendor's action, not an execution.")
    worker = models.CharField(max_length=100, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=AttemptOutcome, blank=True)
    message = models.CharField(max_length=500, blank=True)
    # The vendor calls made, secrets redacted: method, path, status, milliseconds, what was sent and answered.
    exchanges = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["operation", "id"]
        indexes = [models.Index(fields=["operation", "id"], name="attempt_operation_idx")]

    def __str__(self) -> str:
        return f"attempt {self.number} of operation {self.operation_id}"

    outcome_choice = choice_accessor("outcome", AttemptOutcome)
