"""What each vendor can do, declared once. Views and forms ask here instead of naming vendors.

Each vendor's adapter module (``provisioning/adapters/<vendor>.py``, same name as its sandbox
module) registers itself in :data:`ADAPTERS`; until it does, operations for that vendor stay
pending with a reason instead of pretending to succeed.
"""

from __future__ import annotations

from dataclasses import dataclass

from provisioning.choices import Capability as C
from provisioning.choices import VendorKind


@dataclass(frozen=True)
class VendorProfile:
    kind: VendorKind
    capabilities: frozenset[C]
    # What the vendor calls a mailbox's class of service, for form labels.
    edition_label: str = "Edition"

    def can(self, capability: C) -> bool:
        return capability in self.capabilities


PROFILES: dict[str, VendorProfile] = {
    VendorKind.SYNAQ: VendorProfile(
        VendorKind.SYNAQ,
        frozenset({C.DOMAINS, C.MAILBOXES, C.ASYNC_ACTIONS, C.SERVICE_FIELDS, C.PACKAGES, C.USAGE, C.WEBMAIL,
                   C.CUSTOMER_ACCOUNTS}),
        edition_label="Edition (class of service)",
    ),
    VendorKind.GREENVIEW: VendorProfile(
        VendorKind.GREENVIEW,
        frozenset({C.DOMAINS, C.SPAM_FILTERING, C.PACKAGES, C.LOGIN_TOKENS, C.CUSTOMER_ACCOUNTS}),
    ),
    VendorKind.HOSTWAY: VendorProfile(
        VendorKind.HOSTWAY,
        frozenset({C.DOMAINS, C.MAILBOXES, C.FORWARDS, C.AUTORESPONDERS, C.SPAM_LISTS, C.WEBMAIL, C.USAGE}),
        edition_label="Mailbox type",
    ),
    VendorKind.RACKSPACE: VendorProfile(
        VendorKind.RACKSPACE,
        frozenset({C.CUSTOMER_ACCOUNTS, C.INVOICES, C.CONTACTS, C.LOGIN_TOKENS}),
    ),
    VendorKind.BASEKIT: VendorProfile(
        VendorKind.BASEKIT,
        frozenset({C.DOMAINS, C.MAILBOXES, C.LOGIN_TOKENS}),
    ),
}


def profile(kind: str) -> VendorProfile:
    return PROFILES[kind]


# vendor kind -> adapter class; filled by the adapter modules as they are written.
ADAPTERS: dict[str, type] = {}
