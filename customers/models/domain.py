"""A customer's email domain, and its usage reports."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower

from core.db import choices_constraint
from customers.choices import RequestedState, VendorState
from customers.models.base import ServiceState
from customers.validators import domain_display_name, validate_domain_name


class Domain(ServiceState):
    """A customer's email domain, hosted on one vendor account."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="domains")
    vendor_account = models.ForeignKey(
        "provisioning.VendorAccount", on_delete=models.PROTECT, related_name="domains"
    )
    name = models.CharField(max_length=253, unique=True, validators=[validate_domain_name])
    # The service fields the vendor asks for, in its order, and their values (secrets never kept: None).
    service_field_names = models.JSONField(default=list, blank=True)
    service_field_values = models.JSONField(default=dict, blank=True)
    # Records the customer must publish in DNS, as the vendor gave them: [{"type": "MX", "value": ...}].
    dns_records = models.JSONField(default=list, blank=True)
    # The vendor-side account that holds the domain, where the vendor keeps domains inside one (Greenview).
    vendor_customer = models.ForeignKey("customers.VendorCustomer", on_delete=models.SET_NULL, null=True,
                                        blank=True, related_name="domains")
    # Where a filtering vendor delivers the domain's clean mail (Greenview mail servers), in order.
    mail_servers = models.JSONField(default=list, blank=True)
    # What the vendor said about the domain beyond its id and state (Hostway aliases, a BaseKit expiry...).
    vendor_attrs = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["customer", "name"], name="domain_customer_name_idx"),
            models.Index(fields=["vendor_state"], name="domain_vendor_state_idx"),
            models.Index(fields=["vendor_account", "vendor_id"], name="domain_vendor_id_idx"),
            models.Index(fields=["created_at", "id"], name="domain_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(name=Lower("name")), name="domain_name_lower_case"),
            choices_constraint("requested_state", RequestedState, "domain_requested_state_valid"),
            choices_constraint("vendor_state", VendorState, "domain_vendor_state_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name as people read it (Unicode for an internationalised one)."""
        return domain_display_name(self.name)

    @property
    def is_idn(self) -> bool:
        return "xn--" in self.name


class UsageReport(models.Model):
    """A domain's usage per edition for one month, as the vendor's usage report gave it."""

    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="usage_reports")
    month = models.DateField(help_text="The first day of the month the report is for.")
    data_as_at = models.CharField(max_length=40, blank=True)
    # [{"edition_code": ..., "count": N, "billable_mailboxes": [...] or None}]
    editions = models.JSONField(default=list, blank=True)
    fetched_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["domain", "-month"]
        constraints = [models.UniqueConstraint(fields=["domain", "month"], name="usage_report_unique_month")]

    def __str__(self) -> str:
        return f"usage of {self.domain} for {self.month:%Y-%m}"

    @property
    def total(self) -> int:
        return sum(int(e.get("count") or 0) for e in self.editions)
