"""The drift check against the SYNAQ sandbox: a mailbox changed behind the panel's back opens one drift alert
naming both sides; "take SYNAQ's" and "push ours" each leave both sides equal; a change in flight is left alone."""

from __future__ import annotations

import pytest

from customers.models import Domain, Mailbox, Package
from customers.services import drift, drift_check
from provisioning.models import Alert, DriftCheck, Operation
from tests.customers.import_support import check_round, import_all
from tests.factories import CustomerFactory
from tests.vendors.conftest import Drain, account_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def synaq(sandbox):
    vendor = sandbox.vendor("synaq")
    vendor.delays.update(action=0, archive_action=0)
    vendor.seed(companies=1, domains=2, mailboxes=20)
    return vendor


@pytest.fixture
def account(sandbox, synaq, staff):
    account = account_for(sandbox, "synaq")
    CustomerFactory(name="Acme Ltd", reference="al")
    CustomerFactory(name="Seed Company 1-1", reference="s1-1")
    import_all(account, staff)
    return account


@pytest.fixture
def renamed(account, synaq):
    """user3's last name changed in SYNAQ's own console."""
    mailbox = Mailbox.objects.get(local_part="user3")
    synaq.mailboxes[mailbox.vendor_id]["last_name"] = "Renamed"
    return mailbox


def test_an_unchanged_estate_opens_no_drift_alert(account):
    runs = check_round(account)
    assert not Alert.objects.filter(kind="drift").exists() and sum(r["compared"] for r in runs) == 2
    assert DriftCheck.objects.get(vendor_account=account).cursor == {"after": 0}


def test_a_mailbox_changed_at_synaq_opens_exactly_one_alert_naming_both_sides(account, renamed):
    check_round(account)
    alert = Alert.objects.get(kind="drift")
    assert alert.kind == "drift" and alert.target_type == "mailbox" and alert.target_id == renamed.pk
    assert "last name: the panel says User 3, SYNAQ says Renamed" in alert.message
    assert alert.details["fields"] == [{"field": "last_name", "label": "last name", "ours": "User 3",
                                        "theirs": "Renamed"}]
    assert Mailbox.objects.get(pk=renamed.pk).last_name == "User 3"  # never overwritten
    check_round(account)
    assert Alert.objects.filter(kind="drift").count() == 1  # the same alert, not a second


def test_taking_synaqs_value_leaves_both_sides_equal(account, renamed, synaq, staff):
    check_round(account)
    drift.drift_take_vendors(alert=Alert.objects.get(kind="drift"), acting_user=staff)
    assert Mailbox.objects.get(pk=renamed.pk).last_name == "Renamed" == synaq.mailboxes[renamed.vendor_id]["last_name"]
    check_round(account)
    drifts = Alert.objects.filter(kind="drift")
    assert drifts.count() == 1 and drifts.get().resolved_at is not None


def test_pushing_ours_sends_the_panels_value_and_leaves_both_sides_equal(account, renamed, synaq, staff):
    check_round(account)
    operations = drift.drift_push_ours(alert=Alert.objects.get(kind="drift"), acting_user=staff)
    assert [op.kind for op in operations] == ["mailbox.update"]
    Drain()()
    assert Operation.objects.get().state == "succeeded"
    assert synaq.mailboxes[renamed.vendor_id]["last_name"] == "User 3" == Mailbox.objects.get(pk=renamed.pk).last_name
    check_round(account)
    assert not Alert.objects.filter(kind="drift", resolved_at__isnull=True).exists()


def test_a_mailbox_with_a_change_in_flight_is_neither_reported_nor_overwritten(account, renamed):
    Operation.objects.create(kind="mailbox.update", target_type="mailbox", target_id=renamed.pk,
                             vendor_account=account, payload={"mailbox_id": renamed.pk, "changes": {}})
    runs = check_round(account)
    assert not Alert.objects.filter(kind="drift").exists() and sum(r["skipped"] for r in runs) == 1
    assert Mailbox.objects.get(pk=renamed.pk).last_name == "User 3"


def test_a_run_compares_only_its_share_and_the_next_run_goes_on(account):
    first = drift_check.drift_check_run(vendor_account=account, units=1)
    assert first["compared"] == 1 and not first["round_done"]
    assert DriftCheck.objects.get(vendor_account=account).cursor["after"] > 0


def test_the_alert_page_offers_both_fixes_and_taking_the_vendors_settles_it(account, renamed, staff_client):
    check_round(account)
    alert = Alert.objects.get(kind="drift")
    page = staff_client.get(f"/alerts/{alert.pk}/")
    assert b"/drift/mailbox/" in page.content
    fix = staff_client.get(f"/drift/mailbox/{renamed.pk}/?alert={alert.pk}&kind=drift", HTTP_HX_REQUEST="true")
    assert b"Take SYNAQ's" in fix.content and b"Push ours" in fix.content and b"Renamed" in fix.content
    response = staff_client.post(f"/drift/mailbox/{renamed.pk}/take/")
    assert response.status_code == 302 and response["Location"] == f"/alerts/{alert.pk}/"
    assert Mailbox.objects.get(pk=renamed.pk).last_name == "Renamed"


def test_a_mailbox_synaq_no_longer_holds_is_drift_and_taking_synaqs_records_it_gone(account, synaq, staff):
    gone = Mailbox.objects.get(local_part="user5")
    synaq._remove_mailbox(synaq.mailboxes[gone.vendor_id])
    check_round(account)
    alert = Alert.objects.get(kind="drift")
    assert alert.target_id == gone.pk and "the panel holds it, SYNAQ no longer does" in alert.message
    assert not drift.can_push(alert)
    drift.drift_take_vendors(alert=alert, acting_user=staff)
    gone.refresh_from_db()
    assert gone.requested_state == "deleted" and gone.vendor_state == "deleted"
    check_round(account)
    drifts = Alert.objects.filter(kind="drift")
    assert drifts.count() == 1 and not drifts.filter(resolved_at__isnull=True).exists()


def test_a_domain_gone_stale_at_synaq_gets_its_high_priority_follow_up_not_a_drift_alert(account, synaq):
    domain = Domain.objects.get(name="seed1-1.example.net")
    synaq.domains[domain.vendor_id]["stale"] = True
    check_round(account)
    assert Domain.objects.get(pk=domain.pk).vendor_state == "stale"
    alert = Alert.objects.get(kind="domain_stale")
    assert alert.target_id == domain.pk and alert.severity == "high"
    assert not Alert.objects.filter(kind="drift").exists()


def test_package_editions_changed_at_synaq_are_drift_and_ours_go_back(account, synaq, staff):
    package = Package.objects.get(customer__reference="s1-1")
    synaq.packages[package.vendor_id]["editions"] = ["SYN-CMS-BASIC-02", "SYN-CM-PREM-25-ARCH", "SYN-CMS-STD-10"]
    check_round(account)
    alert = Alert.objects.get(kind="drift")
    assert alert.target_type == "package" and "editions: the panel says SYN-CMS-BASIC-02, SYN-CM-PREM-25-ARCH" in \
        alert.message
    drift.drift_push_ours(alert=alert, acting_user=staff)
    assert [op.state for op in Drain()()] == ["succeeded"]
    assert synaq.packages[package.vendor_id]["editions"] == ["SYN-CMS-BASIC-02", "SYN-CM-PREM-25-ARCH"]
