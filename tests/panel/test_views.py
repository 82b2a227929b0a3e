"""The staff shell: dashboard, alert badge, alerts and operations pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from provisioning import services
from provisioning.choices import AlertKind
from tests.factories import DomainFactory, queue_operation

pytestmark = pytest.mark.django_db


def _stale_alert():
    return services.alert_open(kind=AlertKind.DOMAIN_STALE, target_type="domain", target_id=1,
                               title="Domain example.com is stale", message="Update service fields, then Refresh.")


def test_dashboard_shows_open_alerts(staff_client):
    _stale_alert()
    body = staff_client.get(reverse("dashboard")).content.decode()
    assert "Domain example.com is stale" in body


def test_alert_badge_counts_high_priority_alerts(staff_client):
    _stale_alert()
    response = staff_client.get(reverse("provisioning:alert_badge"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="alert-badge"' in body and "1 high" in body and "<html" not in body


def test_acknowledge_over_htmx_returns_the_updated_row(staff_client):
    alert = _stale_alert()
    response = staff_client.post(reverse("provisioning:alert_acknowledge", args=[alert.pk]), {"row": "1"},
                                 headers={"HX-Request": "true"})
    body = response.content.decode()
    assert f'id="alert-{alert.pk}"' in body and "Taken on by" in body


def test_operations_page_shows_why_an_operation_is_pending(staff_client, staff, monkeypatch):
    import dataclasses

    from provisioning.vendors import PROFILES

    monkeypatch.setitem(PROFILES, "basekit", dataclasses.replace(PROFILES["basekit"], adapter=None))
    domain = DomainFactory()
    operation = queue_operation(domain, "domain.create", acting_user=staff)
    services.operation_execute(operation_id=operation.pk)
    body = staff_client.get(reverse("provisioning:operation_list")).content.decode()
    assert "no BaseKit adapter yet" in body


def test_operation_detail_never_shows_the_mailbox_password(staff_client, staff):
    from customers.services import mailbox_create
    from provisioning.models import Operation

    mailbox = mailbox_create(domain=DomainFactory(), local_part="jo", password="SuperSecret-Pass-1",
                             acting_user=staff)
    operation = Operation.objects.get(target_id=mailbox.pk, target_type="mailbox")
    body = staff_client.get(reverse("provisioning:operation_detail", args=[operation.pk])).content.decode()
    assert "SuperSecret-Pass-1" not in body
