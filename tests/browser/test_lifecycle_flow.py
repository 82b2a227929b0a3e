"""A new staff member lives a day in the console, with a real worker and the SYNAQ sandbox: adds a vendor account
with its credentials and tests the connection, edits a customer, changes a mailbox's password, suspends it,
cancels a change that is waiting, deletes the mailbox with its address typed, suspends the customer, and finds
what they did in the audit log. Then the same pages at 390 px wide."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from customers import services
from customers.models import Customer, Mailbox
from provisioning.models import Operation, VendorAccount
from provisioning.services.reads import vendor_catalog
from tests.browser.test_staff_flow import _sign_in
from tests.factories import CustomerFactory, StaffFactory
from tests.support import WorkerProcess
from tests.vendors.conftest import Drain

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FAST = {"PROVISIONING_BACKOFF_SECONDS": "0.5", "PROVISIONING_HINT_SECONDS": "30"}
SCREENS = Path(__file__).resolve().parents[2] / "var" / "screens"
ADDRESS = {"address_line_1": "1 Main Road", "city": "Cape Town", "postal_code": "8001", "country": "ZA"}


def _until(check, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


def _estate(account, staffer, synaq):
    """A customer with a live CloudMail domain and mailbox, made through the services and drained in-process
    (the sandbox's actions instant meanwhile)."""
    delays = dict(synaq.delays)
    synaq.delays.update(action=0, archive_action=0)
    customer = CustomerFactory(name="Acme Trading", reference="ACME-1", **ADDRESS)
    catalog = vendor_catalog(account=account)
    package = services.package_order(customer=customer, vendor_account=account, catalog=catalog,
                                     product_code="SYN-CMS", editions=["SYN-CMS-BASIC-02"], acting_user=staffer)
    domain = services.domain_create(customer=customer, vendor_account=account, name="acme-trading.example",
                                    package=package, provision_now=True, catalog=catalog, acting_user=staffer)
    Drain()()
    mailbox = services.mailbox_create(domain=domain, local_part="orders", password="Orders-Passw0rd-1",
                                      last_name="Orders", edition="SYN-CMS-BASIC-02", acting_user=staffer)
    Drain()()
    assert Mailbox.objects.get(pk=mailbox.pk).vendor_state == "active", list(
        Operation.objects.values_list("kind", "state", "pending_reason", "last_error"))
    synaq.delays.update(delays)
    return customer, domain, mailbox


def test_a_new_staff_member_lives_every_objects_life(page, live_server, sandbox, tmp_path):
    synaq = sandbox.vendor("synaq")
    synaq.delays.update(action=0.3, archive_action=0.3)
    config = sandbox.config("synaq")
    thandi = StaffFactory(username="thandi", first_name="Thandi", last_name="Admin")
    _sign_in(page, live_server, "thandi")

    # A vendor account, added in the console with its credentials; the connection tested against the sandbox.
    page.click("nav >> text=Vendor accounts")
    page.click("a.button:has-text('SYNAQ')")
    page.fill("#id_name", "SYNAQ production")
    page.fill("#id_base_url", sandbox.base_url("synaq"))
    page.fill("#id_root_id", str(config["seeded"]["reseller_guid"]))
    page.fill("#id_credential_user", config["credentials"]["user"])
    page.fill("#id_credential_key", config["credentials"]["key"])
    page.click("button:has-text('Add account')")
    page.wait_for_selector("h1:has-text('SYNAQ production')")
    assert config["credentials"]["key"] not in page.content()
    page.click("button:has-text('Test connection')")
    page.wait_for_selector("#connection-check:has-text('The credentials work')")
    account = VendorAccount.objects.get(name="SYNAQ production")

    customer, domain, mailbox = _estate(account, thandi, synaq)
    worker = WorkerProcess(tmp_path / "worker.log", pool="threads", concurrency=2, **FAST).start()
    try:
        # Edit the customer.
        page.goto(f"{live_server.url}/customers/{customer.pk}/")
        page.click("a.button:has-text('Edit')")
        page.fill("#id_phone", "021 555 0100")
        page.click("button:has-text('Save')")
        page.wait_for_selector(".message:has-text('Customer updated')")
        assert Customer.objects.get(pk=customer.pk).phone == "021 555 0100"

        # Change the mailbox's password; the page follows the vendor without a reload.
        page.goto(f"{live_server.url}/mailboxes/{mailbox.pk}/")
        page.fill("form[action$='/password/'] #id_password", "New-Orders-Passw0rd-2")
        page.click("button:has-text('Change password')")
        page.wait_for_selector(".message:has-text('New password queued')")
        page.wait_for_selector("#mailbox-status:not([hx-get])", timeout=60_000)
        assert Operation.objects.get(kind="mailbox.set_password").state == "succeeded"

        # Suspend it, and see SYNAQ confirm.
        page.click("#mailbox-status button:has-text('Suspend')")
        page.wait_for_selector("#mailbox-status:not([hx-get]) h1 .badge:text-is('Suspended')", timeout=60_000)

        # A change that waits (the vendor account disabled) is cancelled, with why.
        page.goto(f"{live_server.url}/vendor-accounts/{account.pk}/")
        page.click("button:has-text('Disable')")
        page.wait_for_selector(".message:has-text('disabled')")
        page.goto(f"{live_server.url}/mailboxes/{mailbox.pk}/")
        page.fill("form[action$='/edit/'] #id_first_name", "Order")
        page.click("button:has-text('Save details')")
        page.wait_for_selector(".message:has-text('Details queued')")
        update = Operation.objects.get(kind="mailbox.update")
        _until(lambda: "disabled" in Operation.objects.get(pk=update.pk).pending_reason)
        page.goto(f"{live_server.url}/operations/{update.pk}/")
        assert "is disabled" in page.inner_text(".next-step")
        page.fill("#id_reason", "Typo in the name; will redo")
        page.click("button:has-text('Cancel this change')")
        page.wait_for_selector("h1 .badge:text-is('Cancelled')")
        assert "Typo in the name; will redo" in page.inner_text("main")
        page.goto(f"{live_server.url}/vendor-accounts/{account.pk}/")
        page.click("button:has-text('Enable')")
        page.wait_for_selector(".message:has-text('enabled')")

        # Delete the mailbox, its address typed; it goes only once SYNAQ confirms.
        page.goto(f"{live_server.url}/mailboxes/{mailbox.pk}/")
        page.click("a:has-text('Delete mailbox…')")
        page.fill("#id_confirm", "orders")
        page.click("button.danger:has-text('Delete')")
        page.wait_for_selector("text=exactly to confirm")
        page.fill("#id_confirm", "orders@acme-trading.example")
        page.click("button.danger:has-text('Delete')")
        page.wait_for_selector(".message:has-text('Deleting orders@acme-trading.example')")
        _until(lambda: not Mailbox.objects.filter(pk=mailbox.pk).exists())
        assert mailbox.vendor_id not in synaq.mailboxes

        # Suspend the customer: the page says SYNAQ closes its domain, and it does.
        page.goto(f"{live_server.url}/customers/{customer.pk}/")
        page.click("a.button:has-text('Suspend…')")
        assert "Close domain on 1 domain" in page.inner_text("main")
        page.fill("#id_reason", "Invoice 1042 unpaid")
        page.click("button:has-text('Suspend Acme Trading')")
        page.wait_for_selector("h1 .badge:text-is('Suspended')")
        domain.refresh_from_db()
        _until(lambda: synaq._domain_state(synaq.domains[domain.vendor_id]) == "closed")

        # Everything is in the audit log, found by staff member.
        page.click("nav >> text=Audit log")
        page.select_option("#id_actor", str(thandi.pk))
        page.wait_for_selector("#audit-table:has-text('Suspended Acme Trading')")
        log = page.inner_text("#audit-table")
        for words in ("Added vendor account SYNAQ production", "Changed the password of orders@acme-trading.example",
                      "Cancelled Update orders@acme-trading.example", "Asked to delete orders@acme-trading.example",
                      "Updated customer Acme Trading"):
            assert words in log, words
        # And from the customer's own page.
        page.goto(f"{live_server.url}/customers/{customer.pk}/")
        page.click("a:has-text('History')")
        page.wait_for_selector("#audit-table:has-text('Invoice 1042 unpaid')")
    finally:
        worker.stop()


@pytest.mark.parametrize("width", [1400, 390])
def test_the_lifecycle_pages_fit_the_screen(browser, live_server, sandbox, width):
    """No page of this work overflows its content column sideways, at 1400 px or on a phone (390 px); the
    screenshots land in var/screens/ to be looked at. (The shell's own layout at 390 px is the phone work's.)"""
    account = VendorAccount.objects.create(kind="synaq", name="SYNAQ sandbox", base_url=sandbox.base_url("synaq"),
                                           credentials=sandbox.config("synaq")["credentials"],
                                           root_id=str(sandbox.config("synaq")["seeded"]["reseller_guid"]))
    staffer = StaffFactory(username="lee")
    customer, domain, mailbox = _estate(account, staffer, sandbox.vendor("synaq"))
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, "lee")
    for path in (f"/customers/{customer.pk}/lifecycle/close/", f"/operations/{Operation.objects.first().pk}/",
                 f"/vendor-accounts/{account.pk}/", "/audit/",
                 "/vendor-accounts/new/rackspace/", "/mailboxes/import/"):
        page.goto(live_server.url + path)
        overflow = page.evaluate("(() => { const m = document.querySelector('main.content');"
                                 " return m.scrollWidth - m.clientWidth; })()")
        SCREENS.mkdir(parents=True, exist_ok=True)
        name = "-".join(p for p in path.strip("/").split("/") if not p.isdigit())
        page.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
        assert overflow <= 1, (path, overflow)
    # Pages this work adds to (their own layout is the phone work's): looked at, not measured.
    for path in (f"/customers/{customer.pk}/", "/mailboxes/", f"/domains/{domain.pk}/"):
        page.goto(live_server.url + path)
        name = "-".join(p for p in path.strip("/").split("/") if not p.isdigit()) + "-detail" * path[-2].isdigit()
        page.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
    context.close()


def test_a_csv_import_is_previewed_confirmed_and_followed_live_to_the_end(page, live_server, sandbox, tmp_path):
    synaq = sandbox.vendor("synaq")
    account = VendorAccount.objects.create(kind="synaq", name="SYNAQ sandbox", base_url=sandbox.base_url("synaq"),
                                           credentials=sandbox.config("synaq")["credentials"],
                                           root_id=str(sandbox.config("synaq")["seeded"]["reseller_guid"]))
    staffer = StaffFactory(username="mpho")
    _, domain, _ = _estate(account, staffer, synaq)
    lines = ["domain,mailbox,last_name,password,edition"]
    lines += [f"{domain.name},staff{i:02d},Staff,Long-Secret-pass-{i},SYN-CMS-BASIC-02" for i in range(30)]
    lines += [f"{domain.name},bad name,Staff,Long-Secret-pass-x,SYN-CMS-BASIC-02", "nowhere.example,jo,Jo,pw,"]
    upload = tmp_path / "staff.csv"
    upload.write_text("\n".join(lines) + "\n")
    worker = WorkerProcess(tmp_path / "worker.log", pool="threads", concurrency=2, **FAST).start()
    try:
        _sign_in(page, live_server, "mpho")
        page.click("nav >> text=Mailboxes")
        page.click("text=Import from CSV")
        page.set_input_files("#id_file", str(upload))
        page.click("button:has-text('Check the file')")
        page.wait_for_selector("#import-errors")
        assert "<strong>30</strong> rows can be imported" in page.content()
        errors = page.inner_text("#import-errors")
        assert "bad name" in errors and "No domain nowhere.example" in errors
        page.click("button:has-text('Import 30 mailboxes')")
        page.wait_for_selector("#import-progress")
        page.evaluate("window.__notReloaded = true")
        page.wait_for_selector("#import-progress:has-text('Done.')", timeout=120_000)
        page.wait_for_selector("#import-rows .badge:text-is('live')")
        assert page.evaluate("window.__notReloaded === true")
        assert "30 of 30" in page.inner_text("#import-progress")
        assert Mailbox.objects.filter(domain=domain, vendor_state="active").count() == 31
    finally:
        worker.stop()
