"""Writes of the customers app, by entity: each a single transaction with its audit row and its
outbox rows.

Services validate again what the forms validated (a service is also called from the API, tasks and
commands), and turn a database race on a unique name into the same ``ValidationError`` a form
would show.
"""

from customers.services.billing import costs_fetch, invoice_lines, invoices_fetch
from customers.services.contact import contact_create, contact_delete, contact_update
from customers.services.customer import CUSTOMER_FIELDS, customer_create, customer_update
from customers.services.domain import (
    domain_action,
    domain_create,
    domain_delete,
    domain_link,
    domain_set_service_fields,
    domain_unlink,
)
from customers.services.filtering import domain_set_mail_servers, filtered_domain_add
from customers.services.mailbox import (
    mailbox_action,
    mailbox_change_edition,
    mailbox_create,
    mailbox_delete,
    mailbox_package,
    mailbox_set_password,
    mailbox_update,
)
from customers.services.membership import (
    impersonation_start,
    impersonation_stop,
    invitation_accept,
    invitation_get,
    invitation_revoke,
    membership_invite,
    membership_remove,
    membership_set_role,
)
from customers.services.package import package_action, package_change_editions, package_delete, package_order
from customers.services.sso import mailbox_webmail_url, vendor_customer_login_url
from customers.services.vendor_customer import (
    vendor_customer_action,
    vendor_customer_delete,
    vendor_customer_ensure,
    vendor_customer_open,
    vendor_customer_update,
)

__all__ = [
    "CUSTOMER_FIELDS", "contact_create", "contact_delete", "contact_update", "costs_fetch", "customer_create",
    "customer_update", "domain_action", "domain_create", "domain_delete", "domain_link", "domain_set_mail_servers",
    "domain_set_service_fields", "domain_unlink", "filtered_domain_add", "impersonation_start",
    "impersonation_stop", "invitation_accept", "invitation_get", "invitation_revoke", "invoice_lines",
    "invoices_fetch", "mailbox_action", "mailbox_change_edition", "mailbox_create", "mailbox_delete",
    "mailbox_package", "mailbox_set_password", "mailbox_update", "mailbox_webmail_url", "membership_invite",
    "membership_remove", "membership_set_role", "package_action", "package_change_editions", "package_delete",
    "package_order", "vendor_customer_action", "vendor_customer_delete", "vendor_customer_ensure",
    "vendor_customer_login_url", "vendor_customer_open", "vendor_customer_update"
]
