"""Rackspace's estate imported over real HTTP against the sandbox: customers mapped to panel customers (by
reference number, then name, or by hand) with their details, and their contacts; within the documented
60 GETs a minute (the shared limiter holds calls back; the import waits and resumes); idempotence."""

from __future__ import annotations

import pytest

from customers.models import Contact, VendorCustomer
from provisioning.models import Alert
from tests.customers.import_support import confirm, run, share_clock, start
from tests.factories import CustomerFactory
from tests.vendors.conftest import account_for, counter

pytestmark = pytest.mark.django_db


@pytest.fixture
def rackspace(sandbox):
    return sandbox.vendor("rackspace")


@pytest.fixture
def account(sandbox, rackspace):
    return account_for(sandbox, "rackspace")


@pytest.fixture
def clock(sandbox, settings):
    return share_clock(sandbox, settings)


@pytest.fixture
def estate(rackspace):
    """250 seeded customers with three contacts each: 1,000 objects."""
    rackspace.seed(customers=250, contacts=3)
    return rackspace


WAITS: list[str] = []


def _pass_a_minute(clock):
    def wait(job):
        WAITS.append(job.error)
        clock.advance(61)
    return wait


def _import(account, staff, clock, scope="all"):
    job = start(account, scope, staff)
    mapping = {}
    for index, row in enumerate(job.proposal):
        if not row.get("customer_id") and not row.get("error"):
            mapping[index] = CustomerFactory(name=f"{row['name']} Inc", reference=f"RS-{row['vendor_id']}").pk
    return run(confirm(job, staff, mapping), on_wait=_pass_a_minute(clock))


def test_the_proposal_maps_customers_by_reference_number_then_name(account, estate, staff, clock):
    by_ref = CustomerFactory(name="Another Name", reference="s460190")
    by_name = CustomerFactory(name="Seeded Customer 460200", reference="ELSEWHERE-1")
    job = start(account, "all", staff)
    rows = {r["vendor_id"]: r for r in job.proposal}
    assert len(rows) >= 250
    assert rows["460190"]["customer_id"] == by_ref.pk and "reference number" in rows["460190"]["reason"]
    assert rows["460200"]["customer_id"] == by_name.pk and rows["460200"]["reason"] == "same name"
    assert not VendorCustomer.objects.exists()


def test_importing_brings_customers_and_contacts_within_the_rate_limit(account, estate, staff, clock, sandbox):
    WAITS.clear()
    job = _import(account, staff, clock)
    assert job.state == "done" and job.percent == 100
    seeded = VendorCustomer.objects.get(vendor_id="460190")
    assert seeded.title == "Seeded Customer 460190" and seeded.reference == "S460190"
    assert seeded.email == "owner@c460190.example" and seeded.details == {"country": "US"}
    contacts = Contact.objects.filter(vendor_customer=seeded).order_by("name")
    assert [c.name for c in contacts] == ["Contact 0", "Contact 1", "Contact 2"]
    first = contacts[0]
    assert first.receives_billing and first.phone == "1235555555" and first.security_question == "Q"
    assert VendorCustomer.objects.filter(vendor_id__startswith="460").count() + \
        Contact.objects.filter(vendor_customer__vendor_id__startswith="460").count() >= 1000
    # Well over 60 GETs, yet Rackspace never had to refuse one: the limiter held them back.
    assert counter(sandbox, "rackspace", "GET /v2/customers/<account>/contacts") >= 250
    assert len(WAITS) >= 8 and all("Held back to stay within Rackspace's limit of 60" in w for w in WAITS)
    assert not any("Exceeded" in (w or "") for w in WAITS)


def test_a_second_import_creates_nothing_and_changes_nothing(account, estate, staff, clock):
    _import(account, staff, clock)
    before = [list(m.objects.order_by("pk").values()) for m in (VendorCustomer, Contact)]
    again = _import(account, staff, clock)
    assert again.created == 0 and again.updated == 0 and again.drifted == 0 and again.skipped == 0
    assert again.unchanged == VendorCustomer.objects.count() + Contact.objects.count()
    assert [list(m.objects.order_by("pk").values()) for m in (VendorCustomer, Contact)] == before
    assert not Alert.objects.exists()


def test_a_customer_named_by_reference_number_is_imported_alone(account, estate, staff, clock):
    job = _import(account, staff, clock, scope="S460189")
    assert job.state == "done" and list(VendorCustomer.objects.values_list("vendor_id", flat=True)) == ["460189"]
    assert Contact.objects.count() == 3
