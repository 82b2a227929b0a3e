"""What every portal page shares: who is signed in, for which customer, with which role."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from core import permissions
from customers import access, selectors
from customers.models import Customer

SESSION_CUSTOMER = "portal_customer"


@dataclass(frozen=True)
class Portal:
    """The request's place in the portal: the customer, the member's role there, what the role allows,
    and the staff member behind an impersonation (None otherwise)."""

    customer: Customer
    role: str
    perms: frozenset[str]
    impersonator: object | None = None

    def can(self, permission: str) -> bool:
        return permission in self.perms


def portal_required(view=None, *, permission: str | None = None):
    """A signed-in member of a customer (``permission`` too, when given). Everything the view reads is
    then scoped to ``request.portal.customer``: another customer's object is not found (404)."""
    if view is None:
        return lambda v: portal_required(v, permission=permission)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        login_url = reverse("portal:login")
        if not request.user.is_authenticated:
            if request.htmx:
                next_url = urlencode({"next": request.htmx.current_url_abs_path or reverse("portal:home")})
                return HttpResponseClientRedirect(f"{login_url}?{next_url}")
            return redirect_to_login(request.get_full_path(), login_url)
        customer = selectors.portal_customer(user=request.user, pk=request.session.get(SESSION_CUSTOMER))
        if customer is None:
            raise PermissionDenied("This account belongs to no customer's portal.")
        role = access.member_role(request.user, customer)
        perms = permissions.MEMBER_ROLE_PERMISSIONS.get(role, frozenset())
        if permission is not None and permission not in perms:
            raise permissions.refuse(permission)
        request.portal = Portal(customer=customer, role=role, perms=perms,
                                impersonator=getattr(request, "impersonator", None))
        return view(request, *args, **kwargs)

    wrapper.portal_permission = permission
    return wrapper
