"""An import of a vendor's existing estate into the panel: what staff named, the mapping to customers
they confirmed, and how far it has come."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.choices import choice_accessor
from core.db import choices_constraint
from provisioning.choices import FINAL_IMPORT_STATES, ImportState


class ImportJob(models.Model):
    """One sync of a vendor account (or the adoption of one domain): propose, confirm, import.

    ``proposal`` holds one row per vendor-side domain found::

        {"entry": "test.com", "name": "test.com", "vendor_id": "test.com", "vendor_state": "active",
         "owner": {"vendor_id": "500001", "label": "johnsmith"} | None, "mailbox_count": 12,
         "customer_id": 7 | None, "reason": "already in the panel", "error": ""}

    Staff confirm it (choosing or changing the customer per row); only then is anything written. The
    import then walks the rows in order, keeping its place in ``cursor`` so a worker that dies is
    followed by one that resumes where it stopped (every write is idempotent, so repeating a page is safe).
    """

    vendor_account = models.ForeignKey("provisioning.VendorAccount", on_delete=models.PROTECT,
                                       related_name="import_jobs")
    state = models.CharField(max_length=16, choices=ImportState, default=ImportState.PROPOSING)
    # What staff named (Hostway domains, BaseKit account holders), in order.
    scope = models.JSONField(default=list, blank=True)
    proposal = models.JSONField(default=list, blank=True)
    # Adopting one domain for one customer: the mapping is confirmed when it is asked for.
    customer = models.ForeignKey("customers.Customer", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="import_jobs")
    # Where the import stands: {"row": index into proposal, "start": position in that domain's mailbox list}.
    cursor = models.JSONField(default=dict, blank=True)
    domains_total = models.PositiveIntegerField(default=0)
    domains_done = models.PositiveIntegerField(default=0)
    mailboxes_total = models.PositiveIntegerField(default=0)
    mailboxes_seen = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0, help_text="Local objects created.")
    updated = models.PositiveIntegerField(default=0, help_text="Local objects whose vendor state was refreshed.")
    unchanged = models.PositiveIntegerField(default=0)
    drifted = models.PositiveIntegerField(default=0, help_text="Objects on which panel and vendor disagree.")
    skipped = models.PositiveIntegerField(default=0, help_text="Objects left alone: a change is in flight.")
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    # A worker holds the job until then; after it, the sweep sends the job to another worker.
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["vendor_account", "-created_at"], name="import_job_account_idx"),
                   models.Index(fields=["state", "claimed_until"], name="import_job_open_idx",
                                condition=models.Q(state__in=["proposing", "importing"]))]
        constraints = [choices_constraint("state", ImportState, "import_job_state_valid")]

    def __str__(self) -> str:
        return f"import #{self.pk} from {self.vendor_account}"

    state_choice = choice_accessor("state", ImportState)

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_IMPORT_STATES

    @property
    def percent(self) -> int:
        """How far the import has come (mailboxes seen of those the vendor counted, else domains)."""
        if self.state == ImportState.DONE:
            return 100
        if self.mailboxes_total:
            return min(99, self.mailboxes_seen * 100 // self.mailboxes_total)
        if self.domains_total:
            return min(99, self.domains_done * 100 // self.domains_total)
        return 0
