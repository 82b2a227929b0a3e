"""Writing the audit trail. Services call :func:`audit_record` inside their own transaction.

The request's session and address reach services through a context variable set by
:class:`AuditContextMiddleware`, so service signatures stay ``(*, ..., acting_user)``.
"""

from __future__ import annotations

import contextvars
import hashlib
import ipaddress
from typing import Any

from django.conf import settings
from django.db import models

from core.models import AuditEvent

_request_meta: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("audit_meta", default=None)


class AuditContextMiddleware:
    """Remember the session (hashed) and client address of the request being served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session_key = getattr(getattr(request, "session", None), "session_key", None) or ""
        meta = {
            "session_ref": hashlib.sha256(session_key.encode()).hexdigest()[:32] if session_key else "",
            "ip_address": client_ip(request),
            "impersonator_id": getattr(request, "impersonator_id", None),
        }
        token = _request_meta.set(meta)
        try:
            return self.get_response(request)
        finally:
            _request_meta.reset(token)


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies, the address the
    outermost trusted proxy saw (never a value the client could forge)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    if proxies and len(forwarded) >= proxies:
        candidate = forwarded[-proxies]
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    acting_user,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    customer=None,
    summary: str,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit row. Call it inside the transaction that makes the change."""
    meta = _request_meta.get() or {}
    return AuditEvent.objects.create(
        actor=acting_user if getattr(acting_user, "pk", None) else None,
        impersonator_id=meta.get("impersonator_id"),
        action=action,
        target_type=target_type or (target._meta.model_name if target is not None else ""),
        target_id=getattr(target, "pk", None),
        customer=customer,
        summary=summary[:300],
        changes=changes or {},
        session_ref=meta.get("session_ref", ""),
        ip_address=meta.get("ip_address"),
    )
