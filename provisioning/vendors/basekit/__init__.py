"""BaseKit (UK): account holders → account domains (adopted; ``active`` 0 until ready, followed) → mailboxes
(``pending`` until active, followed), webmail login tokens, the holder's password reset and e-mail
verification (basekit-account-domains-api.txt, NOTES.md)."""

from provisioning.choices import Capability as C
from provisioning.choices import VendorKind
from provisioning.kinds import account as ka
from provisioning.vendors.basekit.adapter import BasekitAdapter
from provisioning.vendors.profile import ActionSpec as A
from provisioning.vendors.profile import CredentialField, VendorProfile

profile = VendorProfile(
    VendorKind.BASEKIT,
    frozenset({C.DOMAINS, C.MAILBOXES, C.LOGIN_TOKENS, C.WEBMAIL, C.IMPORT, C.ACCOUNT_PASSWORDS}),
    adapter=BasekitAdapter,
    domain_origin="adopted",
    credential_fields=(CredentialField("user", "API user", secret=False), CredentialField("password", "API password")),
    root_label="Account holder ref",
    account_label="BaseKit account holder",
    mailbox_name_pattern=r"[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?",
    mailbox_name_rule="letters, digits, dots, hyphens and underscores, starting and ending with a letter or digit",
    password_rules=("6 to 128 characters",),
    login_label="Open webmail",
    actions=(
        A("sync", "vendor_customer", ka.VendorCustomerSync.kind, "Read back from BaseKit",
          "Reads the account holder as BaseKit holds it now (e-mail, whether it is verified)."),
    ),
    notes={"domains": "BaseKit's API creates no account domains: one the holder already has is looked up and "
                      "adopted, with its mailboxes. A domain not yet active is followed until it is.",
           "password": "BaseKit documents no way to change a mailbox's password.",
           "delete": "BaseKit's API cannot delete an account domain: deleting it here releases it from the panel "
                     "only."},
)
