"""The drift check against the Rackspace sandbox: a contact or a customer changed behind the panel's back opens
one drift alert naming both sides; either fix leaves both sides equal; within the documented rate limits."""

from __future__ import annotations

import pytest

from customers.models import Contact, VendorCustomer
from customers.services import drift
from provisioning.models import Alert
from tests.customers.import_support import check_round, confirm, run, share_clock, start
from tests.factories import CustomerFactory
from tests.vendors.conftest import Drain, account_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(sandbox, settings):
    return share_clock(sandbox, settings)


@pytest.fixture
def rackspace(sandbox):
    vendor = sandbox.vendor("rackspace")
    vendor.seed(customers=4, contacts=2)
    return vendor


@pytest.fixture
def account(sandbox, rackspace, staff, clock):
    account = account_for(sandbox, "rackspace")
    job = start(account, "all", staff)
    mapping = {i: CustomerFactory(name=f"Customer {i}", reference=f"C-{i}").pk for i in range(len(job.proposal))}
    run(confirm(job, staff, mapping), on_wait=lambda _: clock.advance(61))
    return account


def _check(account, clock):
    return check_round(account, on_wait=lambda _: clock.advance(61))


@pytest.fixture
def contact(account, rackspace):
    """A contact whose phone Rackspace's own console changed."""
    local = Contact.objects.get(vendor_customer__vendor_id="460184", name="Contact 1")
    rackspace.contacts["460184"][local.vendor_id]["Phone"] = "1235550000"
    return local


def test_an_unchanged_estate_opens_no_drift_alert(account, clock):
    _check(account, clock)
    assert not Alert.objects.exists()


def test_a_contact_changed_at_rackspace_opens_exactly_one_alert_naming_both_sides(account, contact, clock):
    _check(account, clock)
    alert = Alert.objects.get()
    assert alert.target_type == "contact" and alert.target_id == contact.pk
    assert "phone: the panel says 1235555555, Rackspace Email says 1235550000" in alert.message


def test_taking_rackspaces_phone_leaves_both_sides_equal(account, contact, rackspace, staff, clock):
    _check(account, clock)
    drift.drift_take_vendors(alert=Alert.objects.get(), acting_user=staff)
    assert Contact.objects.get(pk=contact.pk).phone == "1235550000"
    _check(account, clock)
    assert not Alert.objects.filter(resolved_at__isnull=True).exists()


def test_pushing_our_phone_leaves_both_sides_equal(account, contact, rackspace, staff, clock):
    _check(account, clock)
    drift.drift_push_ours(alert=Alert.objects.get(), acting_user=staff)
    assert [op.state for op in Drain()()] == ["succeeded"]
    assert rackspace.contacts["460184"][contact.vendor_id]["Phone"] == "1235555555"
    _check(account, clock)
    assert not Alert.objects.filter(resolved_at__isnull=True).exists()


def test_a_customer_renamed_at_rackspace_is_drift_and_our_name_goes_back(account, rackspace, staff, clock):
    rackspace.customers["460185"]["name"] = "Renamed At Rackspace"
    _check(account, clock)
    alert = Alert.objects.get()
    holder = VendorCustomer.objects.get(vendor_id="460185")
    assert alert.target_type == "vendor_customer" and alert.target_id == holder.pk
    assert "name: the panel says Seeded Customer 460185, Rackspace Email says Renamed At Rackspace" in alert.message
    drift.drift_push_ours(alert=alert, acting_user=staff)
    assert [op.state for op in Drain()()] == ["succeeded"]
    assert rackspace.customers["460185"]["name"] == "Seeded Customer 460185"
    _check(account, clock)
    assert not Alert.objects.filter(resolved_at__isnull=True).exists()


def test_a_customer_the_panel_disabled_stays_disabled_the_vendor_shows_no_state_to_say_otherwise(account, clock):
    holder = VendorCustomer.objects.get(vendor_id="460186")
    VendorCustomer.objects.filter(pk=holder.pk).update(vendor_state="suspended", requested_state="suspended")
    _check(account, clock)
    assert VendorCustomer.objects.get(pk=holder.pk).vendor_state == "suspended" and not Alert.objects.exists()
