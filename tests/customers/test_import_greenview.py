"""Greenview's estate imported over real HTTP against the sandbox: SpamStopsHere clients mapped to customers
(by name, or by hand) with their package and users, their domains with mail servers, MX records and status;
idempotence."""

from __future__ import annotations

import pytest

from customers.models import Domain, VendorCustomer
from provisioning.models import Alert, ImportJob, Operation
from tests.customers.import_support import confirm, import_all, run, start
from tests.factories import CustomerFactory
from tests.vendors.conftest import account_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def greenview(sandbox):
    return sandbox.vendor("greenview")


@pytest.fixture
def account(sandbox, greenview):
    return account_for(sandbox, "greenview")


@pytest.fixture
def estate(greenview):
    """200 seeded clients holding 800 domains, beside the demo's clients."""
    greenview.seed(clients=200, domains=800, mailboxes=2000)
    return greenview


def _by_hand(job, staff):
    """Every client without a proposed customer goes to a new customer of its own name (as staff would)."""
    mapping = {}
    for index, row in enumerate(job.proposal):
        if not row.get("customer_id") and not row.get("error"):
            mapping[index] = CustomerFactory(name=f"{row['name']} Ltd", reference=f"GV-{row['vendor_id']}").pk
    return confirm(job, staff, mapping)


def test_the_proposal_maps_clients_by_name_and_writes_nothing(account, estate, staff):
    named = CustomerFactory(name="seed client 50001", reference="X-1")
    job = start(account, "all", staff)
    rows = {r["vendor_id"]: r for r in job.proposal}
    assert len(rows) >= 200 and rows["50001"]["customer_id"] == named.pk and rows["50001"]["reason"] == "same name"
    assert rows["50001"]["domain_count"] == 4
    assert not VendorCustomer.objects.exists() and not Domain.objects.exists()


def test_importing_brings_clients_with_plan_and_users_and_their_domains(account, estate, staff):
    job = run(_by_hand(start(account, "all", staff), staff))
    assert job.state == "done" and job.percent == 100
    client = VendorCustomer.objects.get(vendor_id="50001")
    assert client.title == "Seed Client 50001" and client.seats == 10 and client.plan == "spamstopshere-standard"
    assert client.email == "admin@client50001.seed.test"
    domains = Domain.objects.filter(vendor_customer=client)
    assert domains.count() == 4
    domain = domains.get(name="d1.b1.seed.test")
    assert domain.vendor_state == "ready" and domain.mail_servers == ["mail.d1.b1.seed.test"]
    assert domain.vendor_id == "d1.b1.seed.test" and domain.dns_records and domain.customer == client.customer
    assert Domain.objects.filter(name__endswith=".seed.test").count() == 800
    assert job.created >= 1000 and job.drifted == 0


def test_a_second_import_creates_nothing_and_changes_nothing(account, estate, staff):
    run(_by_hand(start(account, "all", staff), staff))
    before = [list(m.objects.order_by("pk").values()) for m in (VendorCustomer, Domain)]
    again = import_all(account, staff)
    assert all(r["reason"] == "already in the panel for this customer" for r in again.proposal)
    assert again.created == 0 and again.updated == 0 and again.drifted == 0 and again.skipped == 0
    assert again.unchanged == VendorCustomer.objects.count() + Domain.objects.count()
    assert [list(m.objects.order_by("pk").values()) for m in (VendorCustomer, Domain)] == before
    assert not Alert.objects.exists()


def test_a_client_named_by_one_of_its_domains_is_imported_alone(account, estate, staff):
    customer = CustomerFactory(name="Picked")
    job = run(confirm(start(account, "d1.b1.seed.test", staff), staff, {0: customer.pk}))
    assert job.state == "done" and VendorCustomer.objects.get().vendor_id == "50001"
    assert Domain.objects.filter(customer=customer).count() == 4


def test_a_client_gone_between_proposal_and_run_is_named_and_the_others_imported(account, estate, staff, greenview):
    job = start(account, "all", staff)
    mapping = {i: CustomerFactory(name=f"C{i}").pk for i, r in enumerate(job.proposal) if not r.get("error")}
    job = confirm(job, staff, mapping)
    del greenview.clients[50001]
    job = run(job)
    assert job.state == "done"
    assert "no client 50001" in next(r for r in job.proposal if r["vendor_id"] == "50001")["error"]
    assert VendorCustomer.objects.filter(vendor_id="50002").exists()


def test_a_client_with_a_change_in_flight_is_left_alone_by_a_second_import(account, estate, staff, greenview):
    run(_by_hand(start(account, "all", staff), staff))
    client = VendorCustomer.objects.get(vendor_id="50001")
    Operation.objects.create(kind="vendor_customer.update", target_type="vendor_customer", target_id=client.pk,
                             vendor_account=account, payload={"vendor_customer_id": client.pk, "changes": {}})
    greenview.clients[50001]["user_count"] = 99
    again = import_all(account, staff)
    assert again.skipped == 1 and not Alert.objects.exists()
    assert VendorCustomer.objects.get(pk=client.pk).seats == 10


def test_an_import_resumes_at_the_account_where_its_worker_died(account, greenview, staff):
    greenview.seed(clients=3, domains=6)
    job = _by_hand(start(account, "all", staff), staff)
    # A worker took it, imported the first two accounts and died (its claim lapses).
    ImportJob.objects.filter(pk=job.pk).update(cursor={"row": 2, "seen": 0}, domains_done=2)
    job = run(job)
    assert job.state == "done" and job.domains_done == job.domains_total
    names = [r["vendor_id"] for r in job.proposal]
    assert set(VendorCustomer.objects.values_list("vendor_id", flat=True)) == set(names[2:])
