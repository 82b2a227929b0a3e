"""A customer's own account at a vendor: SYNAQ company OU, Greenview client, Rackspace customer..."""

from __future__ import annotations

from django.db import models

from core.choices import choice_accessor
from core.db import choices_constraint
from customers.choices import VendorState


class VendorCustomer(models.Model):
    """The customer as one vendor account knows it. Created at the vendor on first use."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="vendor_customers")
    vendor_account = models.ForeignKey("provisioning.VendorAccount", on_delete=models.PROTECT,
                                       related_name="vendor_customers")
    vendor_id = models.CharField(max_length=128, blank=True, help_text="The vendor's id: OU GUID, client id...")
    vendor_state = models.CharField(max_length=16, choices=VendorState, default=VendorState.UNKNOWN)
    title = models.CharField(max_length=200, help_text="The name the vendor holds for the customer.")
    last_synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["customer", "vendor_account"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "vendor_account"], name="vendor_customer_unique"),
            choices_constraint("vendor_state", VendorState, "vendor_customer_state_valid"),
        ]
        indexes = [models.Index(fields=["vendor_account", "vendor_id"], name="vendor_customer_vendor_id_idx")]

    def __str__(self) -> str:
        return f"{self.customer} at {self.vendor_account}"

    vendor_state_choice = choice_accessor("vendor_state", VendorState)
