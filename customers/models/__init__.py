"""Customers of the reseller, their users, and what they hold at vendors.

Each service row keeps both sides: what the reseller asked for (``requested_state``) and what the
vendor last said (``vendor_state``, ``vendor_id``, ``last_synced_at``). A local change becomes live
only when its Operation (provisioning app) succeeds.
"""

from customers.models.billing import Invoice, InvoiceLine, MonthlyCost
from customers.models.bulk import MailboxImport
from customers.models.contact import Contact
from customers.models.domain import Domain, UsageReport
from customers.models.mailbox import Mailbox
from customers.models.package import DomainPackageLink, Package
from customers.models.people import Customer, Invitation, Membership, User
from customers.models.vendor_customer import VendorCustomer

__all__ = ["Contact", "Customer", "Domain", "DomainPackageLink", "Invitation", "Invoice", "InvoiceLine", "Mailbox",
           "MailboxImport",
           "Membership", "MonthlyCost", "Package", "UsageReport", "User", "VendorCustomer"]
