"""Contacts of a customer's vendor-side account (Rackspace company contacts)."""

from __future__ import annotations

from django.db import models

from core.db import choices_constraint
from customers.choices import RequestedState, VendorState
from customers.models.base import ServiceState


class Contact(ServiceState):
    """A person the vendor's support may talk to about the account. The security answer is never kept
    here: it travels to the vendor as a secret."""

    vendor_customer = models.ForeignKey("customers.VendorCustomer", on_delete=models.CASCADE,
                                        related_name="contacts")
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=32)
    security_question = models.CharField(max_length=200)
    receives_alerts = models.BooleanField(default=False)
    receives_billing = models.BooleanField(default=False)
    receives_updates = models.BooleanField(default=False)

    class Meta:
        ordering = ["vendor_customer", "name", "id"]
        indexes = [models.Index(fields=["vendor_customer", "vendor_id"], name="contact_vendor_id_idx")]
        constraints = [
            choices_constraint("requested_state", RequestedState, "contact_requested_state_valid"),
            choices_constraint("vendor_state", VendorState, "contact_vendor_state_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"
