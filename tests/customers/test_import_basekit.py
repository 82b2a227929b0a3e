"""BaseKit's estate into the panel: an account holder's account domains and their mailboxes (over 1,000
objects), a second import that changes nothing, and drift found by the periodic check and settled."""

from __future__ import annotations

import pytest

from customers.models import Domain, Mailbox, VendorCustomer
from customers.services import drift
from provisioning.models import Alert
from tests.customers.import_support import check_round, confirm, run, start
from tests.factories import CustomerFactory
from tests.vendors.conftest import account_for

pytestmark = pytest.mark.django_db

DOMAINS, MAILBOXES = 20, 1_000


@pytest.fixture
def basekit(sandbox):
    return sandbox.vendor("basekit")


@pytest.fixture
def holder(basekit):
    """A seeded account holder with 20 account domains and 1,000 mailboxes spread over them."""
    before = set(basekit.holders)
    basekit.seed(account_holders=1, domains=DOMAINS, mailboxes=MAILBOXES)
    return next(iter(set(basekit.holders) - before))


@pytest.fixture
def account(sandbox):
    return account_for(sandbox, "basekit")


def _snapshot():
    return (sorted(Domain.objects.values_list("name", "vendor_id", "vendor_state", "customer_id")),
            sorted(Mailbox.objects.values_list("domain__name", "local_part", "vendor_id", "vendor_state")),
            sorted(VendorCustomer.objects.values_list("vendor_id", "customer_id", "title")))


def _import(account, holder, staff, customer):
    job = start(account, str(holder), staff)
    return run(confirm(job, staff, {i: customer.pk for i in range(len(job.proposal))}))


def test_a_holders_thousand_mailboxes_are_imported_and_a_second_import_changes_nothing(account, holder, staff):
    customer = CustomerFactory(name="Seeded Holder Ltd")
    first = _import(account, holder, staff, customer)
    assert first.state == "done" and first.created == DOMAINS + MAILBOXES
    assert Domain.objects.filter(customer=customer).count() == DOMAINS
    assert Mailbox.objects.filter(domain__customer=customer, vendor_state="active").count() == MAILBOXES
    assert VendorCustomer.objects.get(customer=customer, vendor_account=account).vendor_id == str(holder)
    before = _snapshot()
    second = _import(account, holder, staff, customer)
    assert second.state == "done" and second.created == 0 and second.updated == 0
    assert _snapshot() == before and not Alert.objects.exists()


def test_a_mailbox_basekit_no_longer_holds_opens_one_drift_alert_and_taking_basekits_settles_it(
        account, holder, basekit, staff):
    customer = CustomerFactory(name="Seeded Holder Ltd")
    _import(account, holder, staff, customer)
    assert sum(r["compared"] for r in check_round(account)) >= DOMAINS and not Alert.objects.exists()
    domain = Domain.objects.filter(customer=customer).order_by("name").first()
    gone = Mailbox.objects.filter(domain=domain).order_by("local_part").first()
    del basekit.domains[int(domain.vendor_id)]["mailboxes"][gone.local_part]  # behind the panel's back
    check_round(account)
    alert = Alert.objects.get(resolved_at__isnull=True)
    assert (alert.kind, alert.target_id) == ("drift", gone.pk) and "BaseKit" in alert.message
    drift.drift_take_vendors(alert=alert, acting_user=staff)
    check_round(account)
    assert not Alert.objects.filter(resolved_at__isnull=True).exists()
    held = set(basekit.domains[int(domain.vendor_id)]["mailboxes"])
    live = set(Mailbox.objects.filter(domain=domain).exclude(requested_state="deleted").values_list("local_part",
                                                                                                   flat=True))
    assert live == held
