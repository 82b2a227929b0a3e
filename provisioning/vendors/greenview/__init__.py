"""Greenview Data (SpamStopsHere): clients holding their domains, mail servers and MX records.

Synchronous; a new domain goes ``initializing`` -> ``ready``, followed by the engine. A client PUT
replaces the client's domain list, so the adapter always sends the whole list from local state
(greenview-hosted-services-api.md, NOTES.md).
"""

from provisioning.choices import Capability as C
from provisioning.choices import VendorKind
from provisioning.kinds import account as ka
from provisioning.vendors.greenview.adapter import GreenviewAdapter
from provisioning.vendors.profile import ActionSpec as A
from provisioning.vendors.profile import CredentialField, VendorProfile

profile = VendorProfile(
    VendorKind.GREENVIEW,
    frozenset({C.DOMAINS, C.SPAM_FILTERING, C.LOGIN_TOKENS, C.CUSTOMER_ACCOUNTS, C.MONTHLY_COSTS, C.IMPORT}),
    adapter=GreenviewAdapter,
    credential_fields=(CredentialField("token", "API token"), CredentialField("key", "API key")),
    root_label="Reseller id",
    domain_origin="client",
    account_label="SpamStopsHere client",
    account_fields=("title", "email", "plan", "seats"),
    login_label="Open SpamStopsHere",
    actions=(
        A("sync", "vendor_customer", ka.VendorCustomerSync.kind, "Read back from Greenview",
          "Reads the client and its domains as Greenview holds them now."),
    ),
    notes={"domains": "Greenview holds each domain inside the customer's SpamStopsHere client: adding or "
                      "removing one sends the client's whole domain list.",
           "delete": "Cancelling the client stops filtering for all its domains. If their MX records still point "
                     "at SpamStopsHere, their mail will bounce."},
)
