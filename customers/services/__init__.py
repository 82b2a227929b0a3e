"""Writes of the customers app, by entity: each a single transaction with its audit row and its
outbox rows.

Services validate again what the forms validated (a service is also called from the API, tasks and
commands), and turn a database race on a unique name into the same ``ValidationError`` a form
would show.
"""

from customers.services.customer import CUSTOMER_FIELDS, customer_create, customer_update
from customers.services.domain import (
    domain_action,
    domain_create,
    domain_delete,
    domain_link,
    domain_set_service_fields,
    domain_unlink,
)
from customers.services.mailbox import (
    mailbox_action,
    mailbox_change_edition,
    mailbox_create,
    mailbox_delete,
    mailbox_package,
    mailbox_set_password,
    mailbox_update,
)
from customers.services.package import package_action, package_change_editions, package_delete, package_order
from customers.services.vendor_customer import vendor_customer_delete, vendor_customer_ensure

__all__ = [
    "CUSTOMER_FIELDS", "customer_create", "customer_update", "domain_action", "domain_create", "domain_delete",
    "domain_link", "domain_set_service_fields", "domain_unlink", "mailbox_action", "mailbox_change_edition",
    "mailbox_create", "mailbox_delete", "mailbox_package", "mailbox_set_password", "mailbox_update",
    "package_action", "package_change_editions", "package_delete", "package_order", "vendor_customer_delete",
    "vendor_customer_ensure",
]
