"""BaseKit: account holders, their account domains (adopted) and mailboxes, login tokens."""

from provisioning.choices import Capability as C
from provisioning.choices import VendorKind
from provisioning.vendors.profile import VendorProfile

profile = VendorProfile(
    VendorKind.BASEKIT,
    frozenset({C.DOMAINS, C.MAILBOXES, C.LOGIN_TOKENS}),
    domain_origin="adopted",
)
