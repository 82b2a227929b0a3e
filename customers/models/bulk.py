"""A mailbox import from CSV: previewed (each row checked as the form checks it), then confirmed (the good rows
become mailboxes with their operations), then followed to the end."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.crypto import EncryptedJSONField


class MailboxImport(models.Model):
    """One uploaded file. Its rows keep what each asked for and what came of it; the passwords wait encrypted
    in ``secrets`` between preview and confirm, and are wiped once they ride in their operations."""

    # previewed -> creating (confirmed: a worker creates the rows' mailboxes in batches) -> confirmed (all created)
    PREVIEWED, CREATING, CONFIRMED = "previewed", "creating", "confirmed"

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=16, default=PREVIEWED,
                             choices=[(PREVIEWED, "Previewed"), (CREATING, "Creating the mailboxes"),
                                      (CONFIRMED, "Confirmed")])
    # [{"line", "address", "domain_id", "local_part", "first_name", "last_name", "edition", "quota_mb",
    #   "errors": {"field": ["message"]}, "mailbox_id", "operation_id"}], in file order.
    rows = models.JSONField(default=list, blank=True)
    secrets = EncryptedJSONField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Each batch a worker creates moves this; a creating import it has not moved for a while is resent.
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"mailbox import {self.pk} ({self.filename})"

    @property
    def good_rows(self) -> list[dict]:
        return [r for r in self.rows if not r.get("errors")]

    @property
    def bad_rows(self) -> list[dict]:
        return [r for r in self.rows if r.get("errors")]
