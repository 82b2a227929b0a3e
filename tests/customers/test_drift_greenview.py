"""The drift check against the Greenview sandbox: a client's users or a domain's mail servers changed behind
the panel's back open one drift alert naming both sides; either fix leaves both sides equal."""

from __future__ import annotations

import pytest

from customers.models import Domain, VendorCustomer
from customers.services import drift
from provisioning.models import Alert
from tests.customers.import_support import check_round, confirm, run, start
from tests.factories import CustomerFactory
from tests.vendors.conftest import Drain, account_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def greenview(sandbox):
    vendor = sandbox.vendor("greenview")
    vendor.seed(clients=3, domains=6, mailboxes=30)
    return vendor


@pytest.fixture
def account(sandbox, greenview, staff):
    account = account_for(sandbox, "greenview")
    job = start(account, "all", staff)
    run(confirm(job, staff, {i: CustomerFactory(name=f"Customer {i}").pk for i in range(len(job.proposal))}))
    return account


@pytest.fixture
def client_row(account):
    return VendorCustomer.objects.get(vendor_id="50001")


def test_an_unchanged_estate_opens_no_drift_alert(account):
    check_round(account)
    assert not Alert.objects.exists()


def test_users_changed_at_greenview_open_exactly_one_alert_naming_both_sides(account, client_row, greenview):
    greenview.clients[50001]["user_count"] = 99
    check_round(account)
    alert = Alert.objects.get()
    assert alert.target_type == "vendor_customer" and alert.target_id == client_row.pk
    assert "users: the panel says 10, Greenview Data says 99" in alert.message
    assert VendorCustomer.objects.get(pk=client_row.pk).seats == 10


def test_taking_greenviews_users_leaves_both_sides_equal(account, client_row, greenview, staff):
    greenview.clients[50001]["user_count"] = 99
    check_round(account)
    drift.drift_take_vendors(alert=Alert.objects.get(), acting_user=staff)
    assert VendorCustomer.objects.get(pk=client_row.pk).seats == 99 == greenview.clients[50001]["user_count"]
    check_round(account)
    assert not Alert.objects.filter(resolved_at__isnull=True).exists()


def test_pushing_our_users_sends_the_whole_client_and_leaves_both_sides_equal(account, client_row, greenview, staff):
    greenview.clients[50001]["user_count"] = 99
    domains = list(greenview.clients[50001]["domains"])
    check_round(account)
    assert [op.kind for op in drift.drift_push_ours(alert=Alert.objects.get(), acting_user=staff)] == [
        "vendor_customer.update"]
    ops = Drain()()
    assert [op.state for op in ops] == ["succeeded"]
    assert greenview.clients[50001]["user_count"] == 10 == VendorCustomer.objects.get(pk=client_row.pk).seats
    assert greenview.clients[50001]["domains"] == domains  # the PUT listed every domain
    check_round(account)
    assert not Alert.objects.filter(resolved_at__isnull=True).exists()


def test_mail_servers_changed_at_greenview_are_drift_on_the_domain_and_ours_go_back(account, greenview, staff):
    name = greenview.clients[50001]["domains"][0]
    greenview.domains[name]["mail_servers"] = ["mx.elsewhere.test"]
    check_round(account)
    alert = Alert.objects.get()
    domain = Domain.objects.get(name=name)
    assert alert.target_type == "domain" and alert.target_id == domain.pk
    assert f"mail servers: the panel says mail.{name}, Greenview Data says mx.elsewhere.test" in alert.message
    drift.drift_push_ours(alert=alert, acting_user=staff)
    Drain()()
    assert greenview.domains[name]["mail_servers"] == [f"mail.{name}"] == Domain.objects.get(pk=domain.pk).mail_servers
    check_round(account)
    assert not Alert.objects.filter(resolved_at__isnull=True).exists()
