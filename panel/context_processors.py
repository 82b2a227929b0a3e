"""Values every staff page needs: the open-alert counts for the badge."""

from __future__ import annotations


def alerts(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_reseller_staff:
        return {}

    def counts():
        from provisioning.selectors import alert_counts

        return alert_counts(user=user)

    # Lazy: pages that never show the badge never query for it.
    from django.utils.functional import SimpleLazyObject

    return {"alert_counts": SimpleLazyObject(counts)}
