"""Packages (a vendor product ordered for a customer, with its editions) and their domain links."""

from __future__ import annotations

from django.db import models

from core.choices import choice_accessor
from core.db import choices_constraint
from customers.choices import LinkState, RequestedState, VendorState
from customers.models.base import ServiceState


class Package(ServiceState):
    """An instance of a vendor product under a customer (SYNAQ: CloudMail, Securemail...)."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="packages")
    vendor_account = models.ForeignKey("provisioning.VendorAccount", on_delete=models.PROTECT,
                                       related_name="packages")
    vendor_customer = models.ForeignKey("customers.VendorCustomer", on_delete=models.PROTECT,
                                        related_name="packages")
    product_code = models.CharField(max_length=40)
    product_name = models.CharField(max_length=100)
    # The edition codes asked for (SYNAQ: CloudMail may have none = every default edition).
    editions = models.JSONField(default=list, blank=True)
    # Whether the product's mailboxes are objects of the API (CloudMail, Continuity).
    has_mailboxes = models.BooleanField(default=False)

    class Meta:
        ordering = ["customer", "product_name", "id"]
        indexes = [models.Index(fields=["vendor_account", "vendor_id"], name="package_vendor_id_idx")]
        constraints = [
            choices_constraint("requested_state", RequestedState, "package_requested_state_valid"),
            choices_constraint("vendor_state", VendorState, "package_vendor_state_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.product_name} for {self.customer}"


class DomainPackageLink(models.Model):
    """A domain linked to a package: which services the vendor provisions for the domain."""

    domain = models.ForeignKey("customers.Domain", on_delete=models.CASCADE, related_name="package_links")
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="domain_links")
    state = models.CharField(max_length=16, choices=LinkState, default=LinkState.LINKING)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["domain", "package"]
        constraints = [
            models.UniqueConstraint(fields=["domain", "package"], name="domain_package_link_unique"),
            choices_constraint("state", LinkState, "domain_package_link_state_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.domain} ↔ {self.package}"

    state_choice = choice_accessor("state", LinkState)
