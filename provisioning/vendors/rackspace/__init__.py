"""Rackspace Email: customers (sub-accounts), contacts, invoices and login tokens; no domains.

Every request is signed; GETs are limited to 60 and writes to 30 a minute per API user, and
enable/disable to once per 5 minutes per account (rackspace-email-customer-api.txt, NOTES.md).
"""

from provisioning.choices import Capability as C
from provisioning.choices import VendorKind
from provisioning.kinds import account as ka
from provisioning.vendors.profile import ActionSpec as A
from provisioning.vendors.profile import CredentialField, VendorProfile
from provisioning.vendors.rackspace.adapter import RackspaceAdapter

profile = VendorProfile(
    VendorKind.RACKSPACE,
    frozenset({C.CUSTOMER_ACCOUNTS, C.INVOICES, C.CONTACTS, C.LOGIN_TOKENS, C.IMPORT}),
    adapter=RackspaceAdapter,
    credential_fields=(CredentialField("user_key", "User key", secret=False),
                       CredentialField("secret_key", "Secret key"),
                       CredentialField("user_agent", "User-Agent (signed with each request)", secret=False)),
    root_label="Reseller account number",
    domain_origin="none",
    account_label="Rackspace customer",
    account_fields=("title", "reference", "email", "phone", "address_line_1", "address_line_2", "city", "state",
                    "zip", "country"),
    login_label="Open Rackspace control panel",
    customer_lifecycle={"suspend": (("vendor_customer", "disable"),), "close": (("vendor_customer", "disable"),),
                        "reactivate": (("vendor_customer", "enable"),)},
    actions=(
        A("disable", "vendor_customer", ka.VendorCustomerDisable.kind, "Disable",
          "Disables the account and all its services (mailboxes, SharePoint sites...). Rackspace allows one "
          "enable or disable every 5 minutes.", lost="Its mailboxes and other services stop until it is "
          "enabled again.", confirm=True, states=frozenset({"active"}), style="danger",
          requests_state="suspended"),
        A("enable", "vendor_customer", ka.VendorCustomerEnable.kind, "Enable",
          "Enables the account and all its services again. Rackspace allows one enable or disable every 5 "
          "minutes.", states=frozenset({"suspended"}), style="primary", requests_state="active"),
        A("sync", "vendor_customer", ka.VendorCustomerSync.kind, "Read back from Rackspace",
          "Reads the customer's details as Rackspace holds them now."),
    ),
    notes={"domains": "Rackspace's customer API has no domains: only customers, contacts, invoices and tokens.",
           "delete": "Deleting the customer removes its account at Rackspace with its mailboxes and services."},
)
