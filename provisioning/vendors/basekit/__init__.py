"""BaseKit: account holders, their account domains (adopted) and mailboxes, login tokens."""

from provisioning.choices import Capability as C
from provisioning.choices import VendorKind
from provisioning.vendors.profile import CredentialField, VendorProfile

profile = VendorProfile(
    VendorKind.BASEKIT,
    frozenset({C.DOMAINS, C.MAILBOXES, C.LOGIN_TOKENS}),
    domain_origin="adopted",
    credential_fields=(CredentialField("user", "API user", secret=False), CredentialField("password", "API password")),
    root_label="Account holder ref",
)
