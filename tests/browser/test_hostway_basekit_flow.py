"""A new staff member works with Hostway and BaseKit from the console, with a real worker and the sandboxes:
adopt a domain each (neither vendor creates them), add mailboxes, set Hostway's forward, auto-responder and
black list in place, open the spam control panel; watch a BaseKit mailbox leave pending without reloading and
open its webmail through a login token."""

from __future__ import annotations

import pytest

from customers.models import Mailbox
from tests.browser.test_staff_flow import _sign_in
from tests.factories import CustomerFactory, StaffFactory
from tests.support import WorkerProcess
from tests.vendors.conftest import account_for

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FAST = {"PROVISIONING_BACKOFF_SECONDS": "0.5", "PROVISIONING_HINT_SECONDS": "30"}
SHOTS = None  # set to a folder to keep screenshots while looking at the pages


@pytest.fixture
def worker(tmp_path):
    process = WorkerProcess(tmp_path / "worker.log", pool="threads", concurrency=2, **FAST).start()
    yield process
    process.stop()


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _adopt(page, live_server, customer, account, name, owner=""):
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.fill("#id_name", name)
    page.select_option("#id_vendor_account", label=account.name)
    if owner:
        page.fill("#id_owner", owner)
    page.click("button:has-text('Add domain')")
    page.wait_for_selector(f"h1:has-text('{name}')")


def test_a_new_staff_member_runs_hostway_from_the_console(page, live_server, sandbox, worker):
    hostway = sandbox.vendor("hostway")
    account = account_for(sandbox, "hostway")
    customer = CustomerFactory(name="Test Com Trading", reference="TEST-002")
    StaffFactory(username="thabo")
    _sign_in(page, live_server, "thabo")

    # Adopting a domain Hostway does not hold is refused on the name; test.com is adopted with its mailboxes.
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.fill("#id_name", "absent.example")
    page.select_option("#id_vendor_account", label=account.name)
    page.click("button:has-text('Add domain')")
    page.wait_for_selector("text=Hostway holds no email domain absent.example")
    _adopt(page, live_server, customer, account, "test.com")
    page.wait_for_selector("#panel-aliases li:has-text('test-com-alias.com')")
    _shot(page, "hostway-domain")

    # A mailbox: first a password the documented rules refuse, seen beside the field; then a good one.
    page.fill("#id_local_part", "jane")
    page.fill("#id_password", "abcdefgH1!x")
    page.click("button:has-text('Add mailbox')")
    page.wait_for_selector("#mailbox-form .error:has-text(\"should not start with 'abc'\")")
    assert "Hostway asks for at least 8" in page.inner_text("#mailbox-form")
    page.fill("#id_password", "Kx7!mQ2#zeta")
    page.click("button:has-text('Add mailbox')")
    page.wait_for_selector("h1:has-text('jane@test.com')")
    page.wait_for_selector("h1:has-text('jane@test.com') .badge:has-text('Active')", timeout=30_000)
    assert hostway.domains["test.com"]["mailboxes"]["jane"]["kind"] == "mailbox"

    # A forward, in place; the panel follows Hostway until it holds it.
    page.wait_for_selector("#forward-target")
    page.fill("#forward-target", "mb1@test.com")
    page.click("#forward-add")
    page.wait_for_selector("#forward-table td:has-text('mb1@test.com')", timeout=30_000)
    assert hostway.domains["test.com"]["mailboxes"]["jane"]["forwards"] == ["mb1@test.com"]

    # An auto-responder.
    page.check("#auto-active")
    page.fill("#auto-subject", "Away")
    page.fill("#auto-body", "Back on Monday.")
    page.click("#auto-save")
    page.wait_for_selector("#panel-autoresponder .live")  # in flight: the panel follows Hostway
    page.wait_for_selector("#panel-autoresponder .live", state="detached", timeout=30_000)
    assert hostway.domains["test.com"]["mailboxes"]["jane"]["autoresponder"]["active"] is True

    # A black-list entry.
    page.fill("#mailbox-list-address", "spammer@bad.example")
    page.select_option("#mailbox-list-type", "B")
    page.click("#mailbox-list-add")
    page.wait_for_selector("#mailbox-list-table td:has-text('spammer@bad.example')", timeout=30_000)
    assert hostway.domains["test.com"]["mailboxes"]["jane"]["bwl"] == {"spammer@bad.example": "B"}
    _shot(page, "hostway-mailbox")

    # The spam control panel opens through the link fetched at this click (a host outside this machine: the
    # browser's request to it proves the redirect; it cannot load here).
    asked: list[str] = []
    page.context.on("request", lambda request: asked.append(request.url))
    with page.context.expect_page() as opened:
        page.click("#open-spam-control-panel")
    opened.value.wait_for_load_state()
    assert any(u.startswith("https://avas.hostway.example/sso?domain=test.com&token=") for u in asked), asked
    assert "avas.hostway.example" not in page.content()  # never rendered or kept


def test_a_new_staff_member_runs_basekit_from_the_console(page, live_server, sandbox, worker):
    basekit = sandbox.vendor("basekit")
    basekit.delays.update(mailbox_active=4)
    account = account_for(sandbox, "basekit", options={
        "webmail_url": sandbox.base_url("basekit") + "/webmail/login?token={token}"})
    customer = CustomerFactory(name="John Smith Brewing", reference="JSB-004")
    StaffFactory(username="lindi")
    _sign_in(page, live_server, "lindi")

    _adopt(page, live_server, customer, account, "johnsmith.co.uk", owner="500001")
    page.wait_for_selector("text=Adopted from BaseKit")
    page.fill("#id_local_part", "brewer")
    page.fill("#id_password", "hops-and-malt-99")
    page.click("button:has-text('Add mailbox')")
    page.wait_for_selector("h1:has-text('brewer@johnsmith.co.uk')")
    page.evaluate("window.__notReloaded = true")
    page.wait_for_selector("h1:has-text('brewer@johnsmith.co.uk') .badge:has-text('Pending')", timeout=30_000)
    _shot(page, "basekit-pending")
    page.wait_for_selector("h1:has-text('brewer@johnsmith.co.uk') .badge:has-text('Active')", timeout=60_000)
    assert page.evaluate("window.__notReloaded === true")
    assert Mailbox.objects.get(local_part="brewer").vendor_state == "active"

    page.reload()
    with page.context.expect_page() as opened:
        page.click("button:has-text('Open webmail')")
    webmail = opened.value
    webmail.wait_for_load_state()
    assert "signed in as brewer@johnsmith.co.uk" in webmail.inner_text("body")
    assert "loginToken" not in page.content()
