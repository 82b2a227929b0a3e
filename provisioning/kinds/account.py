"""Kinds on a customer's vendor-side account (SYNAQ OU, Greenview client, Rackspace customer...)."""

from __future__ import annotations

from dataclasses import dataclass, field

from provisioning.kinds.base import Payload


@dataclass(frozen=True)
class VendorCustomerCreate(Payload):
    """Create the customer's account at the vendor (a SYNAQ company OU under the reseller)."""

    kind = "vendor_customer.create"
    label = "Create vendor-side account"
    target_type = "vendor_customer"

    vendor_customer_id: int
    title: str
    reference: str = ""
    phone: str = ""
    vat_number: str = ""
    address: dict = field(default_factory=dict)


@dataclass(frozen=True)
class VendorCustomerDelete(Payload):
    """Delete the customer's account at the vendor."""

    kind = "vendor_customer.delete"
    label = "Delete vendor-side account"
    target_type = "vendor_customer"

    vendor_customer_id: int


ALL = (VendorCustomerCreate, VendorCustomerDelete)
