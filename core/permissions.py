"""One permission table for reseller staff: what each staff role may do.

Services check it (``require``), so views, the API, tasks and commands obey the same rule; views and
templates ask it (``can`` / ``{% if user|can:"services.change" %}``) to show only what a role may use.
A staff user with no role may do nothing. Customer users are governed by their membership role in
the portal, not by this table.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

# The actions. Names are "<area>.<verb>"; an area's view permission lets a role see its pages.
SERVICES_VIEW = "services.view"          # domains, packages, mailboxes, operations, alerts
SERVICES_CHANGE = "services.change"      # create/edit/suspend/delete them; cancel/retry operations
CUSTOMERS_VIEW = "customers.view"
CUSTOMERS_CHANGE = "customers.change"    # create, edit, suspend, reactivate, close customers
BILLING_VIEW = "billing.view"            # invoices, monthly costs, usage, contacts
BILLING_CHANGE = "billing.change"        # billing contacts, billing references
VENDOR_ACCOUNTS_MANAGE = "vendor_accounts.manage"  # add/edit/disable, credentials, test, sync
STAFF_MANAGE = "staff.manage"            # staff users and their roles, API keys
AUDIT_VIEW = "audit.view"
IMPERSONATE = "customers.impersonate"    # open the portal as a customer

ALL = frozenset({
    SERVICES_VIEW, SERVICES_CHANGE, CUSTOMERS_VIEW, CUSTOMERS_CHANGE, BILLING_VIEW, BILLING_CHANGE,
    VENDOR_ACCOUNTS_MANAGE, STAFF_MANAGE, AUDIT_VIEW, IMPERSONATE,
})

# Role values are customers.choices.StaffRole's (core sits below customers, so by value here).
STAFF_ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": ALL,
    "support": frozenset({SERVICES_VIEW, SERVICES_CHANGE, CUSTOMERS_VIEW, CUSTOMERS_CHANGE, BILLING_VIEW,
                          AUDIT_VIEW, IMPERSONATE}),
    "billing": frozenset({SERVICES_VIEW, CUSTOMERS_VIEW, BILLING_VIEW, BILLING_CHANGE, AUDIT_VIEW}),
}


def can(user, permission: str) -> bool:
    """Whether ``user`` (reseller staff) may do ``permission``. No role, no permission."""
    if user is None or not getattr(user, "is_active", False) or not getattr(user, "is_staff", False):
        return False
    return permission in STAFF_ROLE_PERMISSIONS.get(getattr(user, "staff_role", "") or "", frozenset())


def require(user, permission: str) -> None:
    """Raise ``PermissionDenied`` unless ``user`` may do ``permission``; services call this first."""
    if not can(user, permission):
        raise PermissionDenied(f"Your role does not allow this ({permission}).")
