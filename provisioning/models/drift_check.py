"""Where the periodic drift check of a vendor account stands: a cursor over what the panel holds there."""

from __future__ import annotations

from django.db import models


class DriftCheck(models.Model):
    """One vendor account's drift check: each run re-reads the next few objects after ``cursor`` at the vendor,
    so the whole estate is compared over a day without a burst of calls."""

    vendor_account = models.OneToOneField("provisioning.VendorAccount", on_delete=models.CASCADE,
                                          related_name="drift_check")
    # {"phase": "accounts" | "domains", "after": last local pk compared}
    cursor = models.JSONField(default=dict, blank=True)
    round_started_at = models.DateTimeField(null=True, blank=True)
    last_round_finished_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    # What the last run did: {"compared": n, "drifted": n, "skipped": n, "error": "..."}
    last_result = models.JSONField(default=dict, blank=True)
    # A worker holds the account's check until then (two runs never walk the same cursor at once).
    claimed_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"drift check of {self.vendor_account}"
