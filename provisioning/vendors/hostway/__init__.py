"""Hostway email: domains that exist at the vendor, with mailboxes and everything around them."""

from provisioning.choices import Capability as C
from provisioning.choices import VendorKind
from provisioning.vendors.hostway.adapter import HostwayAdapter
from provisioning.vendors.profile import CredentialField, VendorProfile

profile = VendorProfile(
    VendorKind.HOSTWAY,
    frozenset({C.DOMAINS, C.MAILBOXES, C.FORWARDS, C.AUTORESPONDERS, C.SPAM_LISTS, C.WEBMAIL, C.USAGE, C.IMPORT}),
    adapter=HostwayAdapter,
    edition_label="Mailbox type",
    domain_origin="adopted",
    credential_fields=(CredentialField("user", "API user", secret=False), CredentialField("password", "API password")),
    root_label="Account",
    mailbox_name_pattern=r"[a-zA-Z0-9._-]+",  # NOTES.md: mailboxName
    mailbox_name_rule="letters, digits, dots, hyphens and underscores only",
)
