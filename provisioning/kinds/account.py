"""Kinds on a customer's vendor-side account (SYNAQ OU, Greenview client, Rackspace customer...)."""

from __future__ import annotations

from dataclasses import dataclass, field

from provisioning.kinds.base import Payload


@dataclass(frozen=True)
class VendorCustomerCreate(Payload):
    """Create the customer's account at the vendor (a SYNAQ company OU, a Greenview client with its
    domains, a Rackspace sub-account)."""

    kind = "vendor_customer.create"
    label = "Create vendor-side account"
    target_type = "vendor_customer"

    vendor_customer_id: int
    title: str
    reference: str = ""
    phone: str = ""
    vat_number: str = ""
    address: dict = field(default_factory=dict)
    email: str = ""
    # Greenview: the package (uid from the packages-by-tag list) and the user count.
    plan: str = ""
    seats: int | None = None


@dataclass(frozen=True)
class VendorCustomerUpdate(Payload):
    """Send the account's details to the vendor. ``changes`` names what was asked; vendors whose update
    replaces the whole record (a Greenview client PUT replaces its domain list) get it all, from local state."""

    kind = "vendor_customer.update"
    label = "Update vendor-side account"
    target_type = "vendor_customer"

    vendor_customer_id: int
    changes: dict = field(default_factory=dict)


@dataclass(frozen=True)
class VendorCustomerSync(Payload):
    """Read the account back from the vendor."""

    kind = "vendor_customer.sync"
    label = "Read vendor-side account"
    target_type = "vendor_customer"

    vendor_customer_id: int


@dataclass(frozen=True)
class VendorCustomerEnable(Payload):
    kind = "vendor_customer.enable"
    label = "Enable vendor-side account"
    target_type = "vendor_customer"

    vendor_customer_id: int


@dataclass(frozen=True)
class VendorCustomerDisable(Payload):
    kind = "vendor_customer.disable"
    label = "Disable vendor-side account"
    target_type = "vendor_customer"

    vendor_customer_id: int


@dataclass(frozen=True)
class VendorCustomerDelete(Payload):
    """Delete (Greenview: cancel) the customer's account at the vendor."""

    kind = "vendor_customer.delete"
    label = "Delete vendor-side account"
    target_type = "vendor_customer"

    vendor_customer_id: int


@dataclass(frozen=True)
class VendorCustomerFetchInvoices(Payload):
    """Fetch the account's invoices (the list; line items are read when an invoice is opened)."""

    kind = "vendor_customer.fetch_invoices"
    label = "Fetch invoices"
    target_type = "vendor_customer"

    vendor_customer_id: int


@dataclass(frozen=True)
class VendorAccountFetchCosts(Payload):
    """Fetch what every account on a vendor account costs this month (Greenview's subscriptions)."""

    kind = "vendor_account.fetch_costs"
    label = "Fetch monthly costs"
    target_type = "vendor_account"

    vendor_account_id: int


ALL = (VendorCustomerCreate, VendorCustomerUpdate, VendorCustomerSync, VendorCustomerEnable, VendorCustomerDisable,
       VendorCustomerDelete, VendorCustomerFetchInvoices, VendorAccountFetchCosts)
