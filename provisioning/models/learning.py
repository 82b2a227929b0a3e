"""What the engine learns while it runs: how long vendor actions take, and recent calls per rate limit."""

from __future__ import annotations

from django.db import models


class ActionTiming(models.Model):
    """How long an asynchronous action of one name usually takes on one vendor account.

    The first poll of a new action lands about then, so most actions need a single poll.
    """

    vendor_account = models.ForeignKey("provisioning.VendorAccount", on_delete=models.CASCADE,
                                       related_name="action_timings")
    action = models.CharField(max_length=40)
    estimate_seconds = models.FloatField()
    samples = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vendor_account", "action"], name="action_timing_unique")]

    def __str__(self) -> str:
        return f"{self.action} on {self.vendor_account_id}: {self.estimate_seconds:.1f}s"


class RateEvent(models.Model):
    """One call counted against a vendor account's rate limit (the database limiter's sliding log)."""

    vendor_account = models.ForeignKey("provisioning.VendorAccount", on_delete=models.CASCADE, related_name="+")
    bucket = models.CharField(max_length=32)
    at = models.FloatField(help_text="Unix time of the call.")

    class Meta:
        indexes = [models.Index(fields=["vendor_account", "bucket", "at"], name="rate_event_window_idx")]

    def __str__(self) -> str:
        return f"{self.bucket} call at {self.at}"
