"""Alerts: something staff must look at. At most one open alert per (kind, target)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.choices import Severity, choice_accessor
from core.db import choices_constraint
from provisioning.choices import AlertKind


class Alert(models.Model):
    """Something staff must look at: what happened, to what, the vendor's words and the fix."""

    kind = models.CharField(max_length=32, choices=AlertKind)
    severity = models.CharField(max_length=8, choices=Severity, default=Severity.MEDIUM)
    # 0 is the most urgent: the alert desk's order, served by an index (set from severity on save).
    severity_rank = models.PositiveSmallIntegerField(default=1)
    target_type = models.CharField(max_length=24)
    target_id = models.BigIntegerField()
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    operation = models.ForeignKey("provisioning.Operation", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="alerts")
    title = models.CharField(max_length=200)
    message = models.TextField(blank=True)
    # The next step, in words ("Update the service fields, then Refresh").
    next_step = models.CharField(max_length=300, blank=True)
    vendor_errors = models.JSONField(default=list, blank=True)
    # Structured facts some kinds need to offer their fix: a drift alert's differing fields, each with the
    # panel's value and the vendor's ({"fields": [{"field", "label", "ours", "theirs"}], ...}).
    details = models.JSONField(default=dict, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(max_length=300, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["resolved_at", "severity", "-opened_at"], name="alert_open_idx"),
            models.Index(fields=["target_type", "target_id"], name="alert_target_idx"),
            models.Index(fields=["severity_rank", "opened_at", "id"], name="alert_desk_idx",
                         condition=models.Q(resolved_at__isnull=True)),
            models.Index(fields=["resolved_at", "id"], name="alert_history_idx"),
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

    def save(self, *args, **kwargs):
        self.severity_rank = Severity(self.severity).rank
        if kwargs.get("update_fields") is not None and "severity" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "severity_rank"}
        super().save(*args, **kwargs)

    severity_choice = choice_accessor("severity", Severity)
    kind_choice = choice_accessor("kind", AlertKind)

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
