"""Impersonation: a staff member working in a customer's portal as one of its users."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from customers.models import User

SESSION_IMPERSONATOR = "impersonator_id"
SESSION_IMPERSONATOR_DEVICE = "impersonator_otp_device"


class ImpersonationMiddleware:
    """Marks the request with the staff member behind an impersonated session, so every audit row it
    writes names both (``core.audit`` reads ``request.impersonator_id``) and every page shows the banner.

    Runs after authentication and before ``core.audit.AuditContextMiddleware``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        impersonator_id = session.get(SESSION_IMPERSONATOR) if session is not None else None
        if impersonator_id and request.user.is_authenticated:
            request.impersonator_id = impersonator_id
            request.impersonator = SimpleLazyObject(lambda: User.objects.filter(pk=impersonator_id).first())
        return self.get_response(request)
