"""Hostway email: account → email domains (adopted: the API creates none) → usernames, regular mailboxes and
Exchange mailboxes in one namespace, with forwards, auto-responders, CleanMailPlus, black/white lists, OX
webmail, secret questions and InfoStore (hostway-email-api.txt, NOTES.md). Everything is synchronous.
"""

from provisioning.choices import Capability as C
from provisioning.choices import VendorKind
from provisioning.vendors.hostway import rules
from provisioning.vendors.hostway.adapter import HostwayAdapter
from provisioning.vendors.profile import CredentialField, VendorProfile

profile = VendorProfile(
    VendorKind.HOSTWAY,
    frozenset({C.DOMAINS, C.MAILBOXES, C.FORWARDS, C.AUTORESPONDERS, C.SPAM_LISTS, C.WEBMAIL_TYPES, C.USAGE,
               C.IMPORT, C.SPAM_CONTROL_PANEL, C.SECRET_QUESTIONS, C.MESSAGE_COUNTS, C.EXCHANGE, C.MAILBOX_QUOTAS,
               C.MIGRATION_TICKETS, C.DOMAIN_ALIASES}),
    adapter=HostwayAdapter,
    edition_label="Mailbox type",
    domain_origin="adopted",
    credential_fields=(CredentialField("user", "API user", secret=False), CredentialField("password", "API password")),
    root_label="Account",
    mailbox_name_pattern=r"[a-zA-Z0-9._-]{1,64}",  # NOTES.md: mailboxName; 64 is the Exchange limit
    mailbox_name_rule="letters, digits, dots, hyphens and underscores only (at most 64)",
    password_rules=rules.RULES,
    password_problem=rules.password_problem,
    mailbox_types=(("standard", "SMX Mail Basic (standard)"), ("activesync", "SMX Sync Advanced (activesync)"),
                   ("premium", "SMA Collaborate Premium (premium)"), ("exchange:standard", "Exchange standard"),
                   ("exchange:premium", "Exchange premium")),
    login_label="Open spam control panel",
    notes={"domains": "Hostway's API creates no domains: a domain the account already holds is looked up and "
                      "adopted, with its mailboxes.",
           "names": "Regular mailboxes and Exchange mailboxes share one namespace at Hostway: a name taken by one "
                    "cannot be used by the other.",
           "autoresponder": "Hostway's auto-responder has a subject, a body and on/off; it takes no dates.",
           "delete": "Hostway's API cannot delete an email domain: deleting it here releases it from the panel "
                     "only."},
)
