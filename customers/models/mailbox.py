"""A mailbox under a domain."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower

from core.db import choices_constraint
from customers.choices import RequestedState, VendorState
from customers.models.base import ServiceState
from customers.validators import validate_local_part


class Mailbox(ServiceState):
    """A mailbox (user) under a domain, with its class of service (edition) and quota."""

    domain = models.ForeignKey("customers.Domain", on_delete=models.PROTECT, related_name="mailboxes")
    local_part = models.CharField(max_length=64, validators=[validate_local_part])
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    edition = models.CharField(max_length=64, blank=True, help_text="Class of service, in the vendor's words.")
    # The package whose edition the mailbox has (SYNAQ CloudMail); none on vendors without packages.
    package = models.ForeignKey("customers.Package", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="mailboxes")
    quota_mb = models.PositiveIntegerField(
        null=True, blank=True, help_text="Mailbox size in MB, if the vendor sets one."
    )
    # A lock the vendor put on the mailbox (SYNAQ's abuse desk), with its reason as the vendor gave it.
    locked = models.BooleanField(default=False)
    lock_type = models.CharField(max_length=32, blank=True)
    lock_reason_code = models.CharField(max_length=32, blank=True)
    lock_reason = models.CharField(max_length=300, blank=True)
    # What the vendor said about the mailbox beyond id and state: Hostway's kind ("mailbox" or "exchange"),
    # master flag, webmail type; a message count read at a time; settings read back (forwards, lists...).
    vendor_attrs = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["domain__name", "local_part"]
        verbose_name_plural = "mailboxes"
        indexes = [
            # Prefix search (LIKE 'x%') uses it on PostgreSQL whatever the database collation.
            models.Index(fields=["local_part"], name="mailbox_local_part_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["vendor_state"], name="mailbox_vendor_state_idx"),
            # Sorting by name: a pattern-ops index serves LIKE, not ORDER BY, under most collations.
            models.Index(fields=["local_part", "id"], name="mailbox_name_sort_idx"),
            models.Index(fields=["created_at", "id"], name="mailbox_created_idx"),
            models.Index(fields=["domain", "vendor_id"], name="mailbox_vendor_id_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["domain", "local_part"], name="mailbox_unique_local_part_per_domain"),
            models.CheckConstraint(
                condition=models.Q(local_part=Lower("local_part")), name="mailbox_local_part_lower_case"
            ),
            choices_constraint("requested_state", RequestedState, "mailbox_requested_state_valid"),
            choices_constraint("vendor_state", VendorState, "mailbox_vendor_state_valid"),
        ]

    def __str__(self) -> str:
        return self.address

    @property
    def address(self) -> str:
        return f"{self.local_part}@{self.domain.name}"

    @property
    def display_address(self) -> str:
        """The address as people read it (the domain in Unicode)."""
        return f"{self.local_part}@{self.domain.display_name}"

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)
