"""Values every staff page needs: the open-alert counts for the badge, the high-priority banner."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from provisioning import selectors


def alerts(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_reseller_staff:
        return {}
    # Lazy: pages that never show the badge or the banner never query for them.
    return {
        "alert_counts": SimpleLazyObject(lambda: selectors.alert_counts(user=user)),
        "high_alerts": SimpleLazyObject(lambda: selectors.high_alerts(user=user)),
    }
