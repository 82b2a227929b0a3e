"""Single sign-on out to the vendors: webmail as a mailbox, the vendor's own panel as the customer.

The vendor's login token is fetched when the person clicks, used for one redirect, never kept or
logged; the sign-on itself is audited (who opened whose webmail), since it hands over a live session.
"""

from __future__ import annotations

from django.views.decorators.debug import sensitive_variables

from core import permissions
from core.audit import audit_record
from customers import access
from customers.models import Mailbox, VendorCustomer
from provisioning import targets
from provisioning.services.reads import vendor_login_url


@sensitive_variables("url")
def mailbox_webmail_url(*, mailbox: Mailbox, acting_user) -> str:
    """The vendor's one-time webmail URL for the mailbox; raises VendorError if the vendor cannot give one."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=mailbox.domain.customer)
    url = vendor_login_url(account=mailbox.domain.vendor_account, ref=targets.get("mailbox").ref_of(mailbox),
                           purpose="webmail")
    audit_record(acting_user=acting_user, action="mailbox.webmail", target=mailbox, customer=mailbox.domain.customer,
                 summary=f"Opened webmail as {mailbox.address}")
    return url


@sensitive_variables("url")
def vendor_customer_login_url(*, vendor_customer: VendorCustomer, acting_user) -> str:
    """The vendor's one-time URL into its own control panel as the customer's account there."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=vendor_customer.customer)
    url = vendor_login_url(account=vendor_customer.vendor_account,
                           ref=targets.get("vendor_customer").ref(vendor_customer.pk), purpose="control_panel")
    audit_record(acting_user=acting_user, action="vendor_customer.login", target=vendor_customer,
                 customer=vendor_customer.customer,
                 summary=f"Signed in to {vendor_customer.vendor_account.name}'s own panel")
    return url
