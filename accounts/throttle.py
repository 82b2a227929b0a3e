"""Sign-in throttling on django-axes, holding behind a proxy and against spraying.

Three counts within the cool-off, each against its own limit:

* a username at one address (``AXES_FAILURE_LIMIT``, 5): the ordinary lockout;
* one address across every username (``AXES_ADDRESS_FAILURE_LIMIT``, 20): spraying many accounts;
* one username across every address (``AXES_USERNAME_FAILURE_LIMIT``, 10): a distributed attack on one.

The address is ``core.audit.client_ip`` (``AXES_CLIENT_IP_CALLABLE``): behind ``TRUSTED_PROXY_COUNT``
proxies, the one the outermost trusted proxy saw, so a forged X-Forwarded-For locks out no one else.
"""

from __future__ import annotations

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from core import permissions
from core.audit import audit_record, client_ip


def axes_client_ip(request) -> str | None:
    """The client's address for axes: the same one the audit trail records."""
    return client_ip(request)


def recent_attempts():
    cool_off = get_cool_off() or timedelta(hours=settings.AXES_COOLOFF_TIME)
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off)


def _sum(qs) -> int:
    return qs.aggregate(n=Sum("failures_since_start"))["n"] or 0


class PanelAxesHandler(AxesDatabaseHandler):
    """The axes database handler with the per-address and per-username caps beside its own pair count."""

    def get_failures(self, request, credentials=None) -> int:
        limit = settings.AXES_FAILURE_LIMIT
        ip = getattr(request, "axes_ip_address", None) or axes_client_ip(request)
        username = get_client_username(request, credentials)
        attempts = recent_attempts()
        pair = _sum(attempts.filter(username=username, ip_address=ip))
        by_address = _sum(attempts.filter(ip_address=ip)) if ip else 0
        by_username = _sum(attempts.filter(username=username)) if username else 0
        # Each count scaled onto the pair's limit, so axes' one comparison applies all three.
        return max(pair, by_address * limit // settings.AXES_ADDRESS_FAILURE_LIMIT,
                   by_username * limit // settings.AXES_USERNAME_FAILURE_LIMIT)


def lockouts() -> dict[str, list[dict]]:
    """Who is locked out now: username-at-address pairs, addresses and usernames over their caps."""
    attempts = recent_attempts()
    limit = settings.AXES_FAILURE_LIMIT
    pairs = [row for row in attempts.values("username", "ip_address").annotate(failures=Sum("failures_since_start"))
             if row["failures"] >= limit]
    addresses = [row for row in attempts.values("ip_address").annotate(failures=Sum("failures_since_start"))
                 if row["failures"] >= settings.AXES_ADDRESS_FAILURE_LIMIT]
    usernames = [row for row in attempts.values("username").annotate(failures=Sum("failures_since_start"))
                 if row["failures"] >= settings.AXES_USERNAME_FAILURE_LIMIT]
    return {"pairs": pairs, "addresses": addresses, "usernames": usernames}


def lockout_lift(*, username: str | None = None, ip_address: str | None = None, acting_user) -> int:
    """Forget the failures of a username and/or an address (staff admins); audited. How many rows went."""
    permissions.require(acting_user, permissions.STAFF_MANAGE)
    qs = AccessAttempt.objects.all()
    if username:
        qs = qs.filter(username=username)
    if ip_address:
        qs = qs.filter(ip_address=ip_address)
    if not username and not ip_address:
        return 0
    count, _ = qs.delete()
    audit_record(acting_user=acting_user, action="lockout.lift", target_type="lockout",
                 summary=f"Lifted the lockout of {username or 'any user'} at {ip_address or 'any address'}")
    return count
