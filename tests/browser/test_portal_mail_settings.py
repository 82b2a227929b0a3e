"""A customer's owner sets a forward and an auto-reply on their own Hostway mailbox in the portal, through the
same capability-driven panels the console shows, with a real worker against the sandbox; a viewer of the same
customer may read them but changes nothing."""

from __future__ import annotations

import pytest

from customers.models import Mailbox
from tests.browser.test_portal_flow import portal_sign_in
from tests.customers.import_support import confirm, run, start
from tests.factories import CustomerFactory, MembershipFactory, StaffFactory
from tests.support import WorkerProcess
from tests.vendors.conftest import account_for

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(tmp_path):
    process = WorkerProcess(tmp_path / "worker.log", pool="threads", concurrency=2,
                            PROVISIONING_BACKOFF_SECONDS="0.5", PROVISIONING_HINT_SECONDS="30").start()
    yield process
    process.stop()


@pytest.fixture
def estate(sandbox):
    """test.com adopted from Hostway for the customer, with its mailboxes."""
    account = account_for(sandbox, "hostway")
    customer = CustomerFactory(name="Test Com Trading", reference="TEST-002")
    staff = StaffFactory()
    job = start(account, "test.com", staff)
    run(confirm(job, staff, {i: customer.pk for i in range(len(job.proposal))}))
    return customer, Mailbox.objects.get(domain__name="test.com", local_part="mb1")


def test_an_owner_sets_a_forward_and_an_auto_reply_in_the_portal(page, live_server, sandbox, worker, estate):
    customer, mailbox = estate
    hostway = sandbox.vendor("hostway")
    owner = MembershipFactory(customer=customer, role="owner", user__username="lindiwe").user
    portal_sign_in(page, live_server, owner.username)
    page.goto(f"{live_server.url}/portal/mailboxes/{mailbox.pk}/")

    other = Mailbox.objects.filter(domain__name="test.com").exclude(pk=mailbox.pk).order_by("local_part").first()
    page.wait_for_selector("#forward-target")
    page.fill("#forward-target", other.address)
    page.click("#forward-add")
    page.wait_for_selector(f"#forward-table td:has-text('{other.address}')", timeout=30_000)
    assert hostway.domains["test.com"]["mailboxes"]["mb1"]["forwards"] == [other.address]

    page.check("#auto-active")
    page.fill("#auto-subject", "Away")
    page.fill("#auto-body", "Back on Monday.")
    page.click("#auto-save")
    page.wait_for_selector("#panel-autoresponder .live")
    page.wait_for_selector("#panel-autoresponder .live", state="detached", timeout=30_000)
    held = hostway.domains["test.com"]["mailboxes"]["mb1"]["autoresponder"]
    assert held["active"] is True and held["subject"] == "Away"


def test_a_viewer_reads_the_panels_but_cannot_change_them(client, sandbox, estate):
    customer, mailbox = estate
    viewer = MembershipFactory(customer=customer, role="viewer").user
    client.force_login(viewer)
    assert client.get(f"/portal/mailboxes/{mailbox.pk}/panels/forwards/").status_code == 200
    answer = client.post(f"/portal/mailboxes/{mailbox.pk}/panels/forwards/change/", {"target": "x@test.com"})
    assert answer.status_code == 403
    assert hostway_forwards(sandbox) == []


def hostway_forwards(sandbox) -> list:
    return sandbox.vendor("hostway").domains["test.com"]["mailboxes"]["mb1"].get("forwards") or []
