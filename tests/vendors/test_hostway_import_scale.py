"""A seeded Hostway estate of 5,000 mailboxes over 50 domains, imported through the real import code against
the sandbox over HTTP: every object local, a second run changes and creates nothing, one diverged object opens
exactly one drift alert."""

from __future__ import annotations

import time

import pytest

from customers.models import Domain, Mailbox
from customers.services import imports
from provisioning.models import Alert, ImportJob
from tests.factories import CustomerFactory
from tests.vendors.conftest import account_for

pytestmark = pytest.mark.django_db


def _sync(account, names, customers, staff):
    job = imports.import_start(vendor_account=account, scope="\n".join(names), acting_user=staff, dispatch=False)
    imports.import_propose(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "proposed", job.error
    mapping = {i: customers[i % len(customers)].pk for i in range(len(job.proposal))}
    imports.import_confirm(job=job, mapping=mapping, acting_user=staff, dispatch=False)
    imports.import_run(job_id=job.pk)
    return ImportJob.objects.get(pk=job.pk)


def _snapshot():
    return (list(Domain.objects.order_by("pk").values_list("pk", "name", "customer_id", "vendor_state", "updated_at")),
            list(Mailbox.objects.order_by("pk").values_list("pk", "local_part", "quota_mb", "edition", "vendor_state",
                                                            "updated_at")))


def test_5000_mailboxes_over_50_domains_import_idempotently_with_one_drift_alert(sandbox, staff):
    hostway = sandbox.vendor("hostway")
    account = account_for(sandbox, "hostway")
    seeded = hostway.seed(account=account.root_id, domains=50, mailboxes=5000)
    names = sorted(n for n, d in hostway.domains.items() if d["account"] == account.root_id and ".seed" in n)
    assert len(names) == 50 and seeded["mailboxes"] == 5000
    customers = [CustomerFactory(name=f"Seeded {i}") for i in range(5)]

    started = time.monotonic()
    first = _sync(account, names, customers, staff)
    took = time.monotonic() - started
    assert first.state == "done" and first.domains_done == 50 and first.mailboxes_seen == 5000
    assert first.created == 5050 and first.drifted == 0
    assert Domain.objects.count() == 50 and Mailbox.objects.count() == 5000
    assert Mailbox.objects.filter(vendor_state="active", quota_mb=1024, edition="standard").count() == 5000
    assert took < 120, took

    before = _snapshot()
    second = _sync(account, names, customers, staff)
    assert (second.created, second.updated, second.drifted, second.unchanged) == (0, 0, 0, 5050)
    assert _snapshot() == before
    assert not Alert.objects.exists()

    # One mailbox diverges at the vendor: one drift alert naming both sides, the local row left as it was.
    hostway.domains[names[7]]["mailboxes"]["user000007"]["quota"] = 2048
    third = _sync(account, names, customers, staff)
    assert third.drifted == 1 and third.created == 0
    alert = Alert.objects.get()
    diverged = Mailbox.objects.get(domain__name=names[7], local_part="user000007")
    assert (alert.kind, alert.target_type, alert.target_id) == ("drift", "mailbox", diverged.pk)
    assert "the panel says 1024" in alert.message and "Hostway says 2048" in alert.message
    assert diverged.quota_mb == 1024
    _sync(account, names, customers, staff)
    assert Alert.objects.count() == 1  # the same alert, not a second
