"""Rackspace Email: customers (sub-accounts), contacts, invoices and login tokens; no domains."""

from provisioning.choices import Capability as C
from provisioning.choices import VendorKind
from provisioning.vendors.profile import VendorProfile

profile = VendorProfile(
    VendorKind.RACKSPACE,
    frozenset({C.CUSTOMER_ACCOUNTS, C.INVOICES, C.CONTACTS, C.LOGIN_TOKENS}),
    domain_origin="none",
)
