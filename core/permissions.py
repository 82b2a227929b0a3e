"""One permission table: what each staff role, and each role inside a customer, may do.

Services check it (``require``), so views, the API, tasks and commands obey the same rule; views and
templates ask it (``can`` / ``{% if user|can:"services.change" %}``) to show only what a role may use.
A staff user with no role may do nothing (and cannot sign in). A customer's own users act only inside
their customer, by their membership role (``member_can``); ``customers.access`` joins the two halves
for a given customer, since only ``customers`` knows memberships.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

# The actions. Names are "<area>.<verb>"; an area's view permission lets a role see its pages.
SERVICES_VIEW = "services.view"          # domains, packages, mailboxes, operations, alerts
SERVICES_CHANGE = "services.change"      # create/edit/suspend/delete them; cancel/retry operations; alerts
CUSTOMERS_VIEW = "customers.view"
CUSTOMERS_CHANGE = "customers.change"    # create, edit, suspend, reactivate, close customers
BILLING_VIEW = "billing.view"            # invoices, monthly costs, usage (and fetching them from the vendor)
BILLING_CHANGE = "billing.change"        # billing references and details
CONTACTS_CHANGE = "contacts.change"      # a customer's contacts at a vendor (billing and technical)
VENDOR_ACCOUNTS_MANAGE = "vendor_accounts.manage"  # add/edit/disable, credentials, test, sync
STAFF_MANAGE = "staff.manage"            # staff users and their roles, API keys, lockouts, the admin
AUDIT_VIEW = "audit.view"
IMPERSONATE = "customers.impersonate"    # open the portal as a customer
MEMBERS_MANAGE = "members.manage"        # a customer's own portal users: invite, change role, remove

STAFF_ALL = frozenset({
    SERVICES_VIEW, SERVICES_CHANGE, CUSTOMERS_VIEW, CUSTOMERS_CHANGE, BILLING_VIEW, BILLING_CHANGE,
    CONTACTS_CHANGE, VENDOR_ACCOUNTS_MANAGE, STAFF_MANAGE, AUDIT_VIEW, IMPERSONATE, MEMBERS_MANAGE,
})

# Role values are customers.choices.StaffRole's (core sits below customers, so by value here).
STAFF_ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": STAFF_ALL,
    # Services and customers; no vendor credentials, no staff users.
    "support": frozenset({SERVICES_VIEW, SERVICES_CHANGE, CUSTOMERS_VIEW, CUSTOMERS_CHANGE, BILLING_VIEW,
                          CONTACTS_CHANGE, AUDIT_VIEW, IMPERSONATE, MEMBERS_MANAGE}),
    # Customers' billing data, invoices, usage; services read-only.
    "billing": frozenset({SERVICES_VIEW, CUSTOMERS_VIEW, BILLING_VIEW, BILLING_CHANGE, CONTACTS_CHANGE,
                          AUDIT_VIEW}),
}

# Role values are customers.choices.MembershipRole's. Inside their own customer only.
MEMBER_ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    # Everything, and the customer's users.
    "owner": frozenset({SERVICES_VIEW, SERVICES_CHANGE, BILLING_VIEW, CONTACTS_CHANGE, MEMBERS_MANAGE}),
    # Services, not users.
    "admin": frozenset({SERVICES_VIEW, SERVICES_CHANGE, BILLING_VIEW, CONTACTS_CHANGE}),
    # Read only.
    "viewer": frozenset({SERVICES_VIEW, BILLING_VIEW}),
}


def staff_role_of(user) -> str:
    """The staff role of an active staff user, or "" (no role: not staff for any purpose)."""
    if user is None or not getattr(user, "is_active", False) or not getattr(user, "is_staff", False):
        return ""
    role = getattr(user, "staff_role", "") or ""
    return role if role in STAFF_ROLE_PERMISSIONS else ""


def can(user, permission: str) -> bool:
    """Whether ``user`` (reseller staff) may do ``permission``. No role, no permission."""
    return permission in STAFF_ROLE_PERMISSIONS.get(staff_role_of(user), frozenset())


def member_can(role: str | None, permission: str) -> bool:
    """Whether a customer's user with membership ``role`` may do ``permission`` inside that customer."""
    return permission in MEMBER_ROLE_PERMISSIONS.get(role or "", frozenset())


def refuse(permission: str):
    """The one refusal: a ``PermissionDenied`` naming the permission (never the object)."""
    return PermissionDenied(f"Your role does not allow this ({permission}).")


def require(user, permission: str) -> None:
    """Raise ``PermissionDenied`` unless ``user`` may do ``permission``; staff-only services call this first."""
    if not can(user, permission):
        raise refuse(permission)
