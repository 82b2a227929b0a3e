"""A customer's owner works in the self-service portal against the sandboxes through the real task
code: signs in, creates a mailbox that goes live while the page watches, opens webmail through SYNAQ's
one-time token, downloads an invoice's CSV; a user of another customer reaches none of it. With
``PANEL_SCREENSHOTS`` set to a folder (``make screenshots``), screenshots of the portal at 1400 px and 390 px
are saved there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from customers import services
from customers.models import Invoice, Mailbox, VendorCustomer
from provisioning.services.reads import vendor_catalog
from tests.factories import PASSWORD, CustomerFactory, MembershipFactory, StaffFactory
from tests.vendors.conftest import Drain, account_for
from tests.vendors.test_synaq import ADDRESS, live_domain

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("PANEL_SCREENSHOTS", "")


def portal_sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/portal/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/portal/")


def shoot(page, name: str):
    """The page at 1400 px and at a phone's 390 px, when screenshots are asked for."""
    if not SHOTS:
        return
    folder = Path(SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    for width, height in ((1400, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 900})


@pytest.fixture
def estate(sandbox):
    """Harbour Bakery: a live SYNAQ domain and a Rackspace customer with its invoices, and its owner."""
    drain = Drain()
    sandbox.vendor("synaq").delays.update(action=0, archive_action=0)
    synaq = account_for(sandbox, "synaq", options={"webmail_url": sandbox.base_url("synaq")
                                                   + "/webmail/login?token={token}"})
    rackspace = account_for(sandbox, "rackspace")
    staffer = StaffFactory(username="ops")
    customer = CustomerFactory(name="Harbour Bakery", reference="HARB-001", **ADDRESS)
    domain, _ = live_domain(customer, synaq, vendor_catalog(account=synaq), staffer, drain,
                            name="harbourbakery.example")
    billing = VendorCustomer.objects.create(customer=customer, vendor_account=rackspace, vendor_id="460182",
                                            vendor_state="active", title="Harbour Bakery", reference="49")
    services.invoices_fetch(vendor_customer=billing, acting_user=staffer)
    owner = MembershipFactory(customer=customer, role="owner", user__username="olivia", user__first_name="Olivia",
                              user__last_name="Baker")
    return {"drain": drain, "domain": domain, "owner": owner, "customer": customer}


def test_an_owner_creates_a_mailbox_opens_webmail_and_downloads_an_invoice(page, live_server, estate):
    drain = estate["drain"]
    portal_sign_in(page, live_server, "olivia")
    assert "harbourbakery.example" in page.inner_text("#domain-table")
    shoot(page, "portal-home")
    page.click("text=harbourbakery.example")
    page.fill("#id_local_part", "orders")
    page.fill("#id_first_name", "Orders")
    page.select_option("#id_edition", "SYN-CMS-BASIC-02")
    page.fill("#id_password", "Flour-and-water-2026")
    page.click("button:has-text('Create mailbox')")
    page.wait_for_selector("h1:has-text('orders@harbourbakery.example')")
    drain()
    # The page follows the vendor by itself until the mailbox is live.
    page.wait_for_selector("#mailbox-status .badge-green")
    assert Mailbox.objects.get(local_part="orders").vendor_state == "active"
    shoot(page, "portal-mailbox")
    with page.context.expect_page() as opened:
        page.click("#open-webmail")
    webmail = opened.value
    webmail.wait_for_load_state()
    assert "orders@harbourbakery.example" in webmail.inner_text("body")
    webmail.close()
    page.click("nav.portal-nav >> text=Billing")
    invoice = Invoice.objects.get(invoice_id="123")
    page.click(f"a[href='/portal/invoices/{invoice.pk}/']")
    with page.expect_download() as download:
        page.click("#invoice-csv")
    assert Path(download.value.path()).read_text().startswith("Account No,Reference No")
    shoot(page, "portal-invoice")


def test_a_user_of_another_customer_reaches_none_of_it(page, live_server, estate):
    MembershipFactory(customer=CustomerFactory(name="Other Co"), role="owner", user__username="otto")
    portal_sign_in(page, live_server, "otto")
    assert "harbourbakery.example" not in page.inner_text("body")
    invoice = Invoice.objects.get(invoice_id="123")
    for path in (f"/portal/domains/{estate['domain'].pk}/", f"/portal/invoices/{invoice.pk}/csv/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 404, path


def test_every_portal_page_passes_axe_and_fits_a_phone(page, live_server, estate):
    from customers.models import VendorCustomer
    from tests.browser.test_accessibility import _blocking_violations, _sideways_scroll

    customer, domain = estate["customer"], estate["domain"]
    mailbox = Mailbox.objects.create(domain=domain, local_part="hello", first_name="Hello", vendor_state="active")
    account = VendorCustomer.objects.get(customer=customer, vendor_account__kind="rackspace")
    invoice = Invoice.objects.get(invoice_id="123")
    pages = ["/portal/", f"/portal/domains/{domain.pk}/", "/portal/mailboxes/", f"/portal/mailboxes/{mailbox.pk}/",
             "/portal/billing/", f"/portal/invoices/{invoice.pk}/", f"/portal/accounts/{account.pk}/",
             "/portal/users/", "/portal/activity/", "/account/security/"]
    portal_sign_in(page, live_server, "olivia")
    problems = []
    for width in (1400, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for path in pages:
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            if page.locator("h1").count() != 1:
                problems.append(f"{path} at {width}px: {page.locator('h1').count()} h1 elements")
            problems += [f"{path} at {width}px: {v}" for v in _blocking_violations(page)]
            if width == 390 and (overflow := _sideways_scroll(page)) > 0:
                problems.append(f"{path} at {width}px scrolls sideways by {overflow}px")
    assert not problems, "\n".join(problems)
