"""Reads of the provisioning app."""

from __future__ import annotations

import pytest
from django.utils import timezone

from provisioning import selectors, services
from provisioning.choices import AlertKind

pytestmark = pytest.mark.django_db


def _alert(kind, target_id):
    return services.alert_open(kind=kind, target_type="domain", target_id=target_id, title=f"{kind}")


def test_alerts_list_open_before_resolved_then_most_urgent_then_oldest(staff):
    resolved = _alert(AlertKind.PRUNE_FAILED, 1)
    services.alert_resolve(kind=AlertKind.PRUNE_FAILED, target_type="domain", target_id=1)
    medium = _alert(AlertKind.DOMAIN_NOT_READY, 2)
    high = _alert(AlertKind.DOMAIN_STALE, 3)
    newer_medium = _alert(AlertKind.MAILBOX_PENDING, 4)
    ordered = list(selectors.alert_list(user=staff, include_resolved=True))
    assert [a.pk for a in ordered] == [high.pk, medium.pk, newer_medium.pk, resolved.pk]
    assert ordered[-1].resolved_at <= timezone.now()
