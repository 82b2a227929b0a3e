"""A new staff member works with Greenview clients and Rackspace customers through the pages, while the
real task code carries the changes to the sandboxes."""

from __future__ import annotations

import pytest

from customers.models import Domain, VendorCustomer
from provisioning.models import Operation
from tests.browser.test_staff_flow import _sign_in
from tests.factories import CustomerFactory, StaffFactory
from tests.vendors.conftest import Drain, account_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _both_polling():
    return Operation.objects.filter(kind="domain.create", state="polling").count() == 2


def test_greenview_client_with_two_domains_goes_ready_live_keeps_one_when_the_other_goes_and_opens_spamstopshere(
        page, live_server, sandbox):
    drain = Drain()
    greenview = sandbox.vendor("greenview")
    greenview.delays.update(domain_ready=600)
    account = account_for(sandbox, "greenview")
    customer = CustomerFactory(name="Karoo Solar", reference="KARO-003", email="ayesha@karoosolar.example")
    StaffFactory(username="newbie")
    _sign_in(page, live_server, "newbie")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.click(f"text=Open a SpamStopsHere client at {account.name}")
    page.select_option("#id_plan", "spamstopshere-standard")
    page.fill("#id_seats", "5")
    page.fill("#id_domains", "karoosolar.example mail.karoosolar.example\nkaroo-pv.example mx.karoo-pv.example")
    page.click("button:has-text('Open SpamStopsHere client')")
    page.wait_for_selector("h1:has-text('Karoo Solar')")
    drain(until=_both_polling)
    # The page follows the vendor by itself: MX records to publish, and the doc's warning while initializing.
    page.wait_for_selector("#filtered-domains .status-words.initializing")
    assert "Don't change your MX records yet" in page.inner_text("#filtered-domains")
    assert "karoosolar-example.relay1g.spamh.com." in page.inner_text("#filtered-domains")
    assert page.locator("#filtered-domains button.copy").count() == 4
    sandbox.app.clock.advance(601)
    drain()
    page.wait_for_function("() => document.querySelectorAll('#filtered-domains .status-words.ready').length == 2")
    # Remove one domain: the other stays at Greenview.
    pv = Domain.objects.get(name="karoo-pv.example")
    page.goto(f"{live_server.url}/domains/{pv.pk}/delete/")
    page.fill("#id_confirm", "karoo-pv.example")
    page.click("button:has-text('Delete')")
    page.wait_for_selector("text=queued")
    drain()
    client = VendorCustomer.objects.get(customer=customer)
    page.goto(f"{live_server.url}/vendor-customers/{client.pk}/")
    assert "karoo-pv.example" not in page.inner_text("#filtered-domains")
    assert "karoosolar.example" in page.inner_text("#filtered-domains")
    assert greenview.clients[int(client.vendor_id)]["domains"] == ["karoosolar.example"]
    with page.context.expect_page() as opened:
        page.click("#vendor-login")
    spamstopshere = opened.value
    spamstopshere.wait_for_load_state()
    assert "Signed in as the admin of Karoo Solar" in spamstopshere.inner_text("body")


def test_rackspace_customer_disabled_and_enabled_inside_five_minutes_with_a_contact_invoice_and_control_panel(
        page, live_server, sandbox):
    drain = Drain()
    rackspace = sandbox.vendor("rackspace")
    account = account_for(sandbox, "rackspace", options={
        "control_panel_url": sandbox.base_url("rackspace") + "/TokenLogin.aspx?loginToken={token}"})
    customer = CustomerFactory(name="Sea Point Dental", reference="SEAP-005", email="lerato@seapoint.example")
    StaffFactory(username="newbie")
    _sign_in(page, live_server, "newbie")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.click(f"text=Open a Rackspace customer at {account.name}")
    page.fill("#id_city", "Cape Town")
    page.click("button:has-text('Open Rackspace customer')")
    page.wait_for_selector("h1:has-text('Sea Point Dental')")
    drain()
    client = VendorCustomer.objects.get(customer=customer)
    assert rackspace.customers[client.vendor_id]["referenceNumber"] == "SEAP-005"
    page.reload()
    # A contact.
    page.fill("#id_contact-name", "Front Desk")
    page.fill("#id_contact-email", "desk@seapoint.example")
    page.fill("#id_contact-phone", "0215550100")
    page.fill("#id_contact-security_question", "Street of the first surgery?")
    page.fill("#id_contact-security_answer", "Main")
    page.check("#id_contact-receives_billing")
    page.click("button:has-text('Add contact')")
    page.wait_for_selector("text=Contact Front Desk: queued")
    drain(max_steps=5)
    assert any(c["Email"] == "desk@seapoint.example" for c in rackspace.contacts[client.vendor_id].values())
    # An invoice's line items.
    rackspace._add_invoice(client.vendor_id, "9001", "2018-02-07T00:00:00", "140.00", False,
                           rackspace._demo_lines(client.vendor_id, "SEAP-005"))
    page.reload()
    page.click("#fetch-invoices")
    page.wait_for_selector("text=1 invoice(s) fetched")
    page.click("#invoices a:has-text('9001')")
    page.wait_for_selector("#invoice-lines")
    assert "Hosted Exchange" in page.inner_text("#invoice-lines")
    # The control panel, through a login token minted at the click.
    page.goto(f"{live_server.url}/vendor-customers/{client.pk}/")
    with page.context.expect_page() as opened:
        page.click("#vendor-login")
    panel = opened.value
    panel.wait_for_load_state()
    assert f"(account {client.vendor_id})" in panel.inner_text("body")
    panel.close()
    # Disable (typed confirmation), then enable again at once: the wait is explained, never a raw 403.
    page.click("a:has-text('Disable')")
    page.fill("#id_confirm", "Sea Point Dental")
    page.click("button:has-text('Disable')")
    page.wait_for_selector("text=Disable: queued")
    drain()
    page.reload()
    page.click("button:has-text('Enable')")
    page.wait_for_selector("text=allows one enable or disable every 5 minutes")
    drain(max_steps=3)
    page.reload()
    assert "will be sent at" in page.inner_text("#account-status")
    assert "403" not in page.inner_text("body")
    assert rackspace.account_state[client.vendor_id]["enabled"] is False
