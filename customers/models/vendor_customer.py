"""A customer's own account at a vendor: SYNAQ company OU, Greenview client, Rackspace customer..."""

from __future__ import annotations

from django.db import models

from core.choices import choice_accessor
from core.db import choices_constraint
from customers.choices import RequestedState, VendorState


class VendorCustomer(models.Model):
    """The customer as one vendor account knows it. Created at the vendor on first use, or by staff.

    Which of the detail fields a vendor uses is its profile's ``account_fields`` (Greenview: plan and
    seats; Rackspace: reference, e-mail, phone and address in ``details``).
    """

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="vendor_customers")
    vendor_account = models.ForeignKey("provisioning.VendorAccount", on_delete=models.PROTECT,
                                       related_name="vendor_customers")
    vendor_id = models.CharField(max_length=128, blank=True, help_text="The vendor's id: OU GUID, client id...")
    vendor_state = models.CharField(max_length=16, choices=VendorState, default=VendorState.UNKNOWN)
    requested_state = models.CharField(max_length=16, choices=RequestedState, default=RequestedState.ACTIVE)
    title = models.CharField(max_length=200, help_text="The name the vendor holds for the customer.")
    reference = models.CharField(max_length=32, blank=True, help_text="The reference number the vendor holds.")
    email = models.EmailField(max_length=254, blank=True)
    # Greenview: the package uid (from the packages-by-tag list) and the number of protected users.
    plan = models.CharField(max_length=64, blank=True)
    seats = models.PositiveIntegerField(null=True, blank=True)
    # Other details the vendor keeps (Rackspace: phone and postal address), in the panel's field names.
    details = models.JSONField(default=dict, blank=True)
    # When the vendor last confirmed an enable or disable (Rackspace allows one per 5 minutes).
    toggled_at = models.DateTimeField(null=True, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["customer", "vendor_account"]
        constraints = [
            # One live account per customer and vendor account; deleted ones stay for their billing history.
            models.UniqueConstraint(fields=["customer", "vendor_account"], name="vendor_customer_unique",
                                    condition=~models.Q(requested_state="deleted")),
            choices_constraint("vendor_state", VendorState, "vendor_customer_state_valid"),
            choices_constraint("requested_state", RequestedState, "vendor_customer_requested_valid"),
        ]
        indexes = [models.Index(fields=["vendor_account", "vendor_id"], name="vendor_customer_vendor_id_idx")]

    def __str__(self) -> str:
        return f"{self.customer} at {self.vendor_account}"

    vendor_state_choice = choice_accessor("vendor_state", VendorState)
    requested_state_choice = choice_accessor("requested_state", RequestedState)

    @property
    def is_deleted(self) -> bool:
        return self.requested_state == RequestedState.DELETED
