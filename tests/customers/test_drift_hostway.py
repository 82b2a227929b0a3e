"""The drift check reaches vendors whose scope is domains (Hostway here; BaseKit the same way) through the same
importer contract: a domain the panel holds is re-read with its mailboxes, and a difference opens one alert."""

from __future__ import annotations

import pytest

from customers.models import Mailbox
from customers.services import drift
from provisioning.models import Alert
from tests.customers.import_support import check_round, confirm, run, start
from tests.factories import CustomerFactory
from tests.vendors.conftest import Drain, account_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostway(sandbox):
    return sandbox.vendor("hostway")


@pytest.fixture
def account(sandbox, hostway, staff):
    account = account_for(sandbox, "hostway")
    run(confirm(start(account, "test.com", staff), staff, {0: CustomerFactory(name="Test Com Ltd").pk}))
    return account


def test_an_unchanged_hostway_domain_opens_no_drift_alert(account):
    runs = check_round(account)
    assert sum(r["compared"] for r in runs) == 1 and not Alert.objects.exists()


def test_a_quota_changed_at_hostway_opens_one_alert_and_taking_hostways_settles_it(account, hostway, staff):
    hostway.domains["test.com"]["mailboxes"]["mb1"]["quota"] = 4096
    check_round(account)
    alert = Alert.objects.get()
    mb1 = Mailbox.objects.get(local_part="mb1")
    assert alert.target_id == mb1.pk and "quota: the panel says 1024, Hostway says 4096" in alert.message
    assert drift.can_push(alert)  # either way settles it: this test takes Hostway's
    drift.drift_take_vendors(alert=alert, acting_user=staff)
    assert Mailbox.objects.get(pk=mb1.pk).quota_mb == 4096
    check_round(account)
    assert not Alert.objects.filter(resolved_at__isnull=True).exists()


def test_a_quota_changed_at_hostway_is_pushed_back_by_push_ours(account, hostway, staff):
    hostway.domains["test.com"]["mailboxes"]["mb1"]["quota"] = 4096
    check_round(account)
    alert = Alert.objects.get()
    assert drift.can_push(alert)
    drift.drift_push_ours(alert=alert, acting_user=staff)
    Drain()()
    assert hostway.domains["test.com"]["mailboxes"]["mb1"]["quota"] == 1024 == Mailbox.objects.get(
        local_part="mb1").quota_mb
    check_round(account)
    assert not Alert.objects.filter(resolved_at__isnull=True).exists()
