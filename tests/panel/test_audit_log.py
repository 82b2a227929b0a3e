"""The audit log page: filtered by customer, staff member, object, action and date; objects named and linked;
impersonation shown with both names; not for roles without the audit permission."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from customers import services
from tests.factories import CustomerFactory, DomainFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("audit_log")


@pytest.fixture
def events(staff):
    other = StaffFactory(username="sam", first_name="Sam", last_name="Support", staff_role="support")
    acme = services.customer_create(name="Acme Trading", reference="ACME-1", acting_user=staff)
    services.customer_update(customer=acme, phone="021 555 0100", acting_user=other)
    karoo = services.customer_create(name="Karoo Solar", reference="KAR-1", acting_user=other)
    return {"acme": acme, "karoo": karoo, "sam": other}


def _rows(client, **params) -> str:
    return client.get(URL, params).content.decode()


def test_filtered_by_customer(staff_client, events):
    page = _rows(staff_client, customer=events["acme"].pk)
    assert "Created customer Acme Trading" in page and "Karoo Solar (KAR-1)" not in page


def test_filtered_by_staff_member(staff_client, events):
    page = _rows(staff_client, actor=events["sam"].pk)
    assert "Updated customer Acme Trading" in page and "Created customer Acme Trading" not in page


def test_filtered_by_object_and_linked_to_it(staff_client, events):
    acme = events["acme"]
    page = _rows(staff_client, target_type="customer", target_id=acme.pk)
    assert reverse("customers:customer_detail", args=[acme.pk]) in page and "Karoo" not in page


def test_filtered_by_action(staff_client, events, staff):
    DomainFactory(customer=events["acme"])
    services.customer_update(customer=events["karoo"], phone="1", acting_user=staff)
    page = _rows(staff_client, action="customer.")
    assert "Updated customer Karoo Solar" in page
    assert "Updated customer" not in _rows(staff_client, action="mailbox.")


def test_filtered_by_date(staff_client, events):
    AuditEvent.objects.filter(summary__startswith="Created customer Karoo").update(
        at=timezone.now() - datetime.timedelta(days=10))
    today = timezone.localdate().isoformat()
    page = _rows(staff_client, since=today)
    assert "Created customer Acme" in page and "Created customer Karoo" not in page


def test_impersonation_shows_both_names(staff_client, events):
    customer_user = UserFactory(username="jo", first_name="Jo", last_name="Owner")
    AuditEvent.objects.create(actor=customer_user, impersonator=events["sam"], action="mailbox.set_password",
                              target_type="customer", target_id=events["acme"].pk, customer=events["acme"],
                              summary="Changed the password of jo@acme.example")
    page = _rows(staff_client, customer=events["acme"].pk)
    assert "<strong>Sam Support</strong> <span class=\"small muted\">as</span> Jo Owner" in page


def test_a_bad_filter_value_is_ignored_not_a_500(staff_client, events):
    assert staff_client.get(URL, {"actor": "x", "since": "yesterday", "target_id": "\x00"}).status_code == 200


def test_each_object_page_links_to_its_history(staff_client, events):
    acme = events["acme"]
    page = staff_client.get(reverse("customers:customer_detail", args=[acme.pk])).content.decode()
    assert f"{URL}?customer={acme.pk}" in page
    domain = DomainFactory(customer=CustomerFactory())
    page = staff_client.get(reverse("customers:domain_detail", args=[domain.pk])).content.decode()
    assert f"{URL}?target_type=domain&target_id={domain.pk}" in page


def test_a_staff_member_without_the_audit_permission_is_refused(client):
    client.force_login(StaffFactory(staff_role=""))
    assert client.get(URL).status_code == 403
