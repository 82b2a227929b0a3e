"""Greenview Data (SpamStopsHere): clients with their domains, mail servers and MX records."""

from provisioning.choices import Capability as C
from provisioning.choices import VendorKind
from provisioning.vendors.profile import VendorProfile

profile = VendorProfile(
    VendorKind.GREENVIEW,
    frozenset({C.DOMAINS, C.SPAM_FILTERING, C.PACKAGES, C.LOGIN_TOKENS, C.CUSTOMER_ACCOUNTS}),
    domain_origin="client",
)
