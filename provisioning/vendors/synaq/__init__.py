"""SYNAQ: OUs → packages (a product and its editions) ↔ domains (linked, service fields) → mailboxes.

Changes complete as asynchronous actions the engine polls; partial cancellations may start a Prune
or leave a domain stale, each followed up (synaq-api-v6.3-quickstart.md, NOTES.md).
"""

from provisioning.choices import Capability as C
from provisioning.choices import VendorKind
from provisioning.kinds import domain as kd
from provisioning.kinds import mailbox as km
from provisioning.kinds import package as kp
from provisioning.vendors.profile import ActionSpec as A
from provisioning.vendors.profile import VendorProfile
from provisioning.vendors.synaq.adapter import SynaqAdapter

profile = VendorProfile(
    VendorKind.SYNAQ,
    frozenset({C.DOMAINS, C.MAILBOXES, C.ASYNC_ACTIONS, C.SERVICE_FIELDS, C.PACKAGES, C.USAGE, C.WEBMAIL,
               C.CUSTOMER_ACCOUNTS, C.MAILBOX_LOCKS, C.IMPORT}),
    adapter=SynaqAdapter,
    root_label="Reseller OU GUID",
    edition_label="Edition (class of service)",
    domain_origin="created",
    account_requires=("address",),
    mailbox_name_pattern=r"[a-z0-9](?:[a-z0-9._+-]{0,62}[a-z0-9])?",
    # SYNAQ's credit-control measure is closing the domain (the doc: "temporarily suspend the operation of a
    # domain"); it has no suspension of an OU.
    customer_lifecycle={"suspend": (("domain", "close"),), "close": (("domain", "close"),),
                        "reactivate": (("domain", "activate"),)},
    mailbox_name_rule="letters, digits, dots, hyphens, underscores and plus signs, starting and ending with a "
                      "letter or digit",
    actions=(
        A("provision", "package", kp.PackageProvision.kind, "Provision package",
          "Provisions the package with all its linked domains.", states=frozenset({"inactive", "failed", "active"})),
        A("provision", "domain", kd.DomainProvision.kind, "Provision",
          "SYNAQ provisions the domain's services for its linked packages.",
          states=frozenset({"inactive", "failed", "active"}), style="primary"),
        A("refresh", "domain", kd.DomainRefresh.kind, "Refresh",
          "Brings a stale domain's services back in line with its packages (after its service fields are right).",
          states=frozenset({"stale", "active"}), style="primary"),
        A("usage", "domain", kd.DomainUsage.kind, "Fetch usage report",
          "Asks SYNAQ for the domain's usage per edition, for billing."),
        A("close", "domain", kd.DomainClose.kind, "Close domain",
          "A closed domain processes no incoming mail and relays no outgoing mail until it is reactivated.",
          lost="Mail for the domain stops flowing until it is reactivated.", confirm=True,
          states=frozenset({"active"}), style="danger", requests_state="closed"),
        A("activate", "domain", kd.DomainActivate.kind, "Reactivate", "Returns a closed domain to service.",
          states=frozenset({"closed"}), requests_state="active"),
        A("prune", "domain", kd.DomainPrune.kind, "Send Prune again",
          "Sends the Prune action again after a failed one (SYNAQ never retries it itself).",
          states=frozenset({"error", "orphaned"})),
        A("provision", "mailbox", km.MailboxProvision.kind, "Provision",
          "Provisions the mailbox on SYNAQ's platform.", states=frozenset({"inactive", "failed"}), style="primary"),
        A("suspend", "mailbox", km.MailboxSuspend.kind, "Suspend",
          "The mailbox still receives mail but its user cannot reach it.", states=frozenset({"active"}),
          portal=True, requests_state="suspended"),
        A("close", "mailbox", km.MailboxClose.kind, "Close",
          "Mail to a closed mailbox bounces; its contents are kept.", lost="Mail sent to it bounces while closed.",
          confirm=True, states=frozenset({"active", "suspended"}), style="danger", requests_state="closed"),
        A("activate", "mailbox", km.MailboxActivate.kind, "Reactivate", "Returns the mailbox to service.",
          states=frozenset({"suspended", "closed"}), portal=True, requests_state="active"),
        A("unlock", "mailbox", km.MailboxUnlock.kind, "Unlock",
          "Lifts SYNAQ's abuse lock. Change the password first: a compromised account keeps being locked.",
          states=frozenset({"locked"}), style="primary"),
    ),
)
