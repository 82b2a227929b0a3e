"""Who may do what to a customer's services: reseller staff by their role, a customer's own users by
their membership role inside that customer only (``core.permissions`` holds both tables).

Customer services call ``require(acting_user, permission, customer=...)`` first, so the console, the
portal, the API, tasks and commands obey one rule.
"""

from __future__ import annotations

from core import permissions
from customers.models import Membership


def member_role(user, customer) -> str:
    """``user``'s membership role in ``customer`` ("" if none), remembered on the user for the request."""
    if user is None or customer is None or not getattr(user, "pk", None) or not user.is_active:
        return ""
    cache = user.__dict__.setdefault("_member_roles", {})
    customer_id = getattr(customer, "pk", customer)
    if customer_id not in cache:
        cache[customer_id] = (Membership.objects.filter(user=user, customer_id=customer_id)
                              .values_list("role", flat=True).first() or "")
    return cache[customer_id]


def can(user, permission: str, *, customer=None) -> bool:
    """Staff by their role; otherwise a member of ``customer`` by their role there."""
    if permissions.can(user, permission):
        return True
    return customer is not None and permissions.member_can(member_role(user, customer), permission)


def require(user, permission: str, *, customer=None) -> None:
    """Raise ``PermissionDenied`` unless ``user`` may do ``permission`` (inside ``customer``)."""
    if not can(user, permission, customer=customer):
        raise permissions.refuse(permission)
