"""Bulk actions on list selections: a confirmation summary first (what applies, and why not), a deletion only
with the count typed, then each object through its own service, a result per object."""

from __future__ import annotations

import pytest
from django.urls import reverse

from customers.models import Mailbox
from provisioning.models import Operation
from tests.factories import DomainFactory, MailboxFactory, PackageFactory, VendorAccountFactory

pytestmark = pytest.mark.django_db
URL = reverse("customers:mailbox_bulk")


@pytest.fixture
def synaq_mailboxes():
    account = VendorAccountFactory(kind="synaq", name="SYNAQ test")
    domain = DomainFactory(vendor_account=account, vendor_state="active")
    package = PackageFactory(vendor_customer__vendor_account=account, vendor_customer__customer=domain.customer)
    domain.package_links.create(package=package, state="linked")
    active = [MailboxFactory(domain=domain, vendor_state="active", edition="SYN-CMS-BASIC-02", package=package)
              for _ in range(3)]
    closed = MailboxFactory(domain=domain, vendor_state="closed", edition="SYN-CMS-BASIC-02", package=package)
    return active, closed


def test_the_summary_says_which_apply_and_why_the_others_do_not(staff_client, synaq_mailboxes):
    active, closed = synaq_mailboxes
    page = staff_client.post(URL, {"ids": [m.pk for m in [*active, closed]], "action": "suspend"}).content.decode()
    assert "<strong>3</strong> will be changed" in page and "Not possible while SYNAQ reports it closed" in page
    assert not Operation.objects.exists()


def test_suspending_the_selection_queues_one_change_each(staff_client, synaq_mailboxes):
    active, closed = synaq_mailboxes
    staff_client.post(URL, {"ids": [m.pk for m in [*active, closed]], "action": "suspend", "go": "1"})
    assert sorted(Operation.objects.values_list("target_id", flat=True)) == sorted(m.pk for m in active)
    assert set(Operation.objects.values_list("kind", flat=True)) == {"mailbox.suspend"}


def test_a_bulk_delete_needs_the_count_typed(staff_client, synaq_mailboxes):
    active, _ = synaq_mailboxes
    ids = [m.pk for m in active]
    page = staff_client.post(URL, {"ids": ids, "action": "delete", "go": "1", "confirm": "yes"}).content.decode()
    assert "Type “delete 3” to confirm" in page and not Operation.objects.exists()
    staff_client.post(URL, {"ids": ids, "action": "delete", "go": "1", "confirm": "delete 3"})
    assert Operation.objects.filter(kind="mailbox.delete").count() == 3
    assert set(Mailbox.objects.filter(pk__in=ids).values_list("requested_state", flat=True)) == {"deleted"}


def test_changing_the_edition_of_the_selection(staff_client, synaq_mailboxes):
    active, _ = synaq_mailboxes
    ids = [m.pk for m in active]
    page = staff_client.post(URL, {"ids": ids, "action": "change_edition"}).content.decode()
    assert "SYN-CM-PREM-25-ARCH" in page  # the editions to choose from
    staff_client.post(URL, {"ids": ids, "action": "change_edition", "edition": "SYN-CM-PREM-25-ARCH", "go": "1"})
    assert set(Mailbox.objects.filter(pk__in=ids).values_list("edition", flat=True)) == {"SYN-CM-PREM-25-ARCH"}
    assert Operation.objects.filter(kind="mailbox.change_edition").count() == 3


def test_a_vendor_without_the_action_is_named_as_the_reason(staff_client):
    mailbox = MailboxFactory(vendor_state="active")  # BaseKit declares no suspend (yet)
    page = staff_client.post(URL, {"ids": [mailbox.pk], "action": "suspend"}).content.decode()
    assert "BaseKit offers no “Suspend” here" in page


def test_the_lists_offer_the_bulk_bar_and_a_checkbox_per_row(staff_client, synaq_mailboxes):
    page = staff_client.get(reverse("customers:mailbox_list")).content.decode()
    assert 'id="bulk-form"' in page and 'form="bulk-form"' in page
    assert 'id="bulk-form"' in staff_client.get(reverse("customers:domain_list")).content.decode()


def test_customers_are_suspended_in_bulk_with_a_reason(staff_client):
    from customers.models import Customer
    from tests.factories import CustomerFactory
    active, suspended = CustomerFactory(), CustomerFactory(status="suspended")
    url = reverse("customers:customer_bulk")
    page = staff_client.post(url, {"ids": [active.pk, suspended.pk], "action": "suspend"}).content.decode()
    assert "<strong>1</strong> will be changed" in page and "It is suspended." in page
    page = staff_client.post(url, {"ids": [active.pk, suspended.pk], "action": "suspend", "go": "1"}).content.decode()
    assert "Say why" in page and Customer.objects.get(pk=active.pk).status == "active"
    staff_client.post(url, {"ids": [active.pk], "action": "suspend", "go": "1", "reason": "unpaid"})
    assert Customer.objects.get(pk=active.pk).status_reason == "unpaid"
