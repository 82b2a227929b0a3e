"""Vendor accounts, the outbox of operations, and alerts.

An :class:`Operation` is one change the panel owes a vendor. It is written in the same
transaction as the local change that asked for it, and carried out by Celery tasks that claim it
by its due time (``next_attempt_at``). Every operation ends ``succeeded``, ``failed`` (with an
alert) or ``cancelled``; one that nothing can carry out yet stays ``pending`` with its reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from panel.choices import Severity
from panel.crypto import EncryptedJSONField, mask_secret
from panel.db import choices_constraint
from provisioning.choices import AlertKind, OperationKind, OperationState, TargetType, VendorKind
from provisioning.vendors import VendorProfile, profile


class VendorAccount(models.Model):
    """The reseller's account with one vendor: where its API is and how to authenticate."""

    kind = models.CharField(max_length=16, choices=VendorKind)
    name = models.CharField(max_length=100, unique=True)
    base_url = models.URLField(max_length=300, help_text="The API root, e.g. https://api.vendor.example")
    credentials = EncryptedJSONField(
        blank=True, null=True, help_text="Encrypted at rest; never shown back in full."
    )
    root_id = models.CharField(
        max_length=128, blank=True, help_text="The vendor-side root: SYNAQ reseller GUID, Hostway account, ..."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [choices_constraint("kind", VendorKind, "vendor_account_kind_valid")]

    def __str__(self) -> str:
        return self.name

    @property
    def profile(self) -> VendorProfile:
        return profile(self.kind)

    @property
    def kind_label(self) -> str:
        return VendorKind(self.kind).label

    def masked_credentials(self) -> dict[str, str]:
        """Credential names with masked values, for display."""
        return {k: mask_secret(str(v)) for k, v in (self.credentials or {}).items()}


class Operation(models.Model):
    """One change owed to a vendor: the outbox row, its attempts and its polling state."""

    kind = models.CharField(max_length=32, choices=OperationKind)
    state = models.CharField(max_length=16, choices=OperationState, default=OperationState.PENDING)
    target_type = models.CharField(max_length=16, choices=TargetType)
    target_id = models.BigIntegerField()
    vendor_account = models.ForeignKey(VendorAccount, on_delete=models.PROTECT, related_name="operations")
    # For scoping what a customer's users see, and listing a customer's operations.
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="operations"
    )
    payload = models.JSONField(default=dict, blank=True)
    # Passwords in flight, encrypted; wiped when the operation ends.
    secret_payload = EncryptedJSONField(null=True, blank=True)
    # Calls of the adapter's execute (waits and polls do not count against the retry budget).
    attempts = models.PositiveIntegerField(default=0)
    polls = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A worker that claims the operation holds it until then; a crashed worker's claim lapses.
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Which claim holds the row: a worker whose lease lapsed can no longer write its result.
    claim_token = models.UUIDField(null=True, blank=True)
    # When a message was last sent for it; the sweep re-sends only when that message looks lost.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    action_location = models.CharField(max_length=500, blank=True, help_text="The vendor's async action to poll.")
    vendor_result = models.JSONField(default=dict, blank=True)
    pending_reason = models.CharField(max_length=300, blank=True)
    last_error = models.TextField(blank=True)
    error_field = models.CharField(max_length=64, blank=True, help_text="The form field the vendor's error concerns.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
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
        ]
        constraints = [
            choices_constraint("state", OperationState, "operation_state_valid"),
            choices_constraint("kind", OperationKind, "operation_kind_valid"),
            choices_constraint("target_type", TargetType, "operation_target_type_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def status(self) -> OperationState:
        return OperationState(self.state)


class Alert(models.Model):
    """Something staff must look at. At most one open alert per (kind, target)."""

    kind = models.CharField(max_length=32, choices=AlertKind)
    severity = models.CharField(max_length=8, choices=Severity, default=Severity.MEDIUM)
    target_type = models.CharField(max_length=16, choices=TargetType)
    target_id = models.BigIntegerField()
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    operation = models.ForeignKey(Operation, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts")
    title = models.CharField(max_length=200)
    message = models.TextField(blank=True)
    vendor_errors = models.JSONField(default=list, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["resolved_at", "severity", "-opened_at"], name="alert_open_idx"),
            models.Index(fields=["target_type", "target_id"], name="alert_target_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target_type", "target_id"],
                condition=models.Q(resolved_at__isnull=True),
                name="alert_one_open_per_kind_target",
            ),
            choices_constraint("severity", Severity, "alert_severity_valid"),
            choices_constraint("kind", AlertKind, "alert_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def severity_choice(self) -> Severity:
        return Severity(self.severity)

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
