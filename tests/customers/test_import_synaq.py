"""SYNAQ's estate imported over real HTTP against the sandbox: OUs mapped to customers (by reference number,
then name, or by hand), packages, domains with their links, mailboxes with their editions; idempotence."""

from __future__ import annotations

import pytest

from core.models import AuditEvent
from customers.models import Domain, DomainPackageLink, Mailbox, Package, VendorCustomer
from provisioning.models import Alert
from tests.customers.import_support import confirm, import_all, run, start
from tests.factories import CustomerFactory
from tests.vendors.conftest import account_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def synaq(sandbox):
    return sandbox.vendor("synaq")


@pytest.fixture
def account(sandbox, synaq):
    return account_for(sandbox, "synaq")


@pytest.fixture
def estate(synaq):
    """Two seeded companies with ten domains and 1,000 mailboxes, beside the demo's Acme Ltd."""
    synaq.seed(companies=2, domains=10, mailboxes=1000)
    return synaq


@pytest.fixture
def customers(db):
    return {"acme": CustomerFactory(name="Acme Ltd", reference="al"),
            "one": CustomerFactory(name="Seed Company 1-1", reference="S1-1-BILLING"),
            "two": CustomerFactory(name="Someone Else", reference="s1-2")}


def test_the_proposal_maps_ous_by_reference_number_then_name(account, estate, customers, staff):
    job = start(account, "all", staff)
    rows = {r["name"]: r for r in job.proposal}
    assert set(rows) == {"Acme Ltd", "Seed Company 1-1", "Seed Company 1-2"}
    assert rows["Acme Ltd"]["customer_id"] == customers["acme"].pk and "reference" in rows["Acme Ltd"]["reason"]
    assert rows["Seed Company 1-2"]["customer_id"] == customers["two"].pk  # s1-2, whatever the name
    assert rows["Seed Company 1-1"]["customer_id"] == customers["one"].pk and rows["Seed Company 1-1"]["reason"] \
        == "same name"
    assert not VendorCustomer.objects.exists() and not Domain.objects.exists()


def test_an_ou_matching_no_customer_waits_for_staff_to_choose(account, estate, staff):
    job = start(account, "all", staff)
    assert all(r["customer_id"] is None for r in job.proposal)
    chosen = CustomerFactory(name="Chosen By Hand")
    index = next(i for i, r in enumerate(job.proposal) if r["name"] == "Seed Company 1-1")
    job = run(confirm(job, staff, {index: chosen.pk}))
    assert job.state == "done"
    assert VendorCustomer.objects.get().customer == chosen
    assert set(Domain.objects.values_list("customer", flat=True)) == {chosen.pk}


def test_importing_brings_ous_packages_domains_links_and_mailboxes(account, estate, customers, staff):
    job = import_all(account, staff)
    assert job.state == "done" and job.percent == 100
    acme = VendorCustomer.objects.get(customer=customers["acme"])
    assert acme.vendor_id == estate.seeded["company_guid"] and acme.vendor_state == "active"
    assert acme.title == "Acme Ltd" and acme.reference == "al"
    assert Package.objects.filter(customer=customers["acme"]).count() == 2
    assert Domain.objects.count() == 12 and Mailbox.objects.count() == 1004
    assert DomainPackageLink.objects.count() == 12 and not DomainPackageLink.objects.exclude(state="linked").exists()
    ceo = Mailbox.objects.get(local_part="ceo", domain__name="acme.example")
    assert ceo.edition == "SYN-CM-PREM-25-ARCH" and ceo.package.product_code == "SYN-CMS" and ceo.vendor_state \
        == "active"
    sales = Mailbox.objects.get(local_part="sales")
    assert sales.locked and sales.vendor_state == "locked" and "spam" in sales.lock_reason
    assert Mailbox.objects.filter(domain__name__startswith="seed", vendor_state="active").count() == 1000
    assert job.created == 3 + 4 + 12 + 12 + 1004 and job.mailboxes_seen == 1004 and job.drifted == 0


def test_a_locked_mailbox_found_by_the_import_gets_its_follow_up_alert(account, customers, staff):
    import_all(account, staff)
    alert = Alert.objects.get(kind="mailbox_locked")
    assert alert.target_id == Mailbox.objects.get(local_part="sales").pk and "Outbound spam" in alert.message


def test_a_second_import_creates_nothing_and_changes_nothing(account, estate, customers, staff):
    import_all(account, staff)
    tables = (VendorCustomer, Package, Domain, DomainPackageLink, Mailbox)
    before = [list(m.objects.order_by("pk").values()) for m in tables]
    again = import_all(account, staff)
    assert again.created == 0 and again.updated == 0 and again.drifted == 0 and again.skipped == 0
    assert again.unchanged == 3 + 4 + 12 + 1004
    assert [list(m.objects.order_by("pk").values()) for m in tables] == before
    assert list(Alert.objects.values_list("kind", flat=True)) == ["mailbox_locked"]  # the demo's, nothing new


def test_the_second_proposal_names_the_customer_already_holding_the_ou(account, customers, staff):
    import_all(account, staff)
    job = start(account, "all", staff)
    assert job.proposal[0]["reason"] == "already in the panel for this customer"


def test_an_ou_named_by_title_is_imported_alone(account, estate, customers, staff):
    job = import_all(account, staff, scope="Seed Company 1-2")
    assert job.state == "done" and list(VendorCustomer.objects.values_list("title", flat=True)) == ["Seed Company 1-2"]


def test_an_ou_the_vendor_does_not_hold_is_named_in_the_proposal(account, staff):
    job = start(account, "No Such Company", staff)
    assert "holds no OU titled No Such Company" in job.proposal[0]["error"]


def test_each_imported_ou_is_audited_with_what_came_of_it(account, customers, staff):
    import_all(account, staff)
    event = AuditEvent.objects.get(action="vendor_customer.import")
    assert event.actor == staff and "Imported Acme Ltd from synaq sandbox" in event.summary
    assert "11 created" in event.summary
