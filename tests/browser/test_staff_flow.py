"""A staff member signs in and sets up a customer, a domain and a mailbox through the pages."""

from __future__ import annotations

import pytest

from customers.models import Customer, Domain, Mailbox
from provisioning.models import Operation
from tests.factories import PASSWORD, StaffFactory, VendorAccountFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def _create_customer(page, live_server, name, reference):
    page.goto(f"{live_server.url}/customers/new/")
    page.fill("#id_name", name)
    page.fill("#id_reference", reference)
    page.click("button:has-text('Create customer')")
    page.wait_for_selector("#domain-form")


def test_staff_signs_in_and_creates_a_customer(page, live_server):
    StaffFactory(username="ann")
    _sign_in(page, live_server, "ann")
    page.click("text=Customers")
    page.click("text=New customer")
    page.fill("#id_name", "Acme Trading")
    page.fill("#id_reference", "ACME-001")
    page.fill("#id_email", "ops@acme.example")
    page.click("button:has-text('Create customer')")
    page.wait_for_selector("h1:has-text('Acme Trading')")
    customer = Customer.objects.get()
    assert (customer.name, customer.reference) == ("Acme Trading", "ACME-001")
    assert page.url == f"{live_server.url}/customers/{customer.pk}/"


def test_customer_domain_and_mailbox_created_in_the_browser_queue_one_operation_each(page, live_server,
                                                                                     monkeypatch):
    # BaseKit's profile as a plain vendor that creates domains (the real one looks them up and adopts them): the
    # live server runs in this process, so it sees the stand-in.
    import dataclasses

    from provisioning.vendors import PROFILES

    monkeypatch.setitem(PROFILES, "basekit", dataclasses.replace(PROFILES["basekit"], domain_origin="created"))
    StaffFactory(username="ann")
    VendorAccountFactory(kind="basekit", name="BaseKit test")
    _sign_in(page, live_server, "ann")
    _create_customer(page, live_server, "Blue Crane", "BLUE-002")
    page.fill("#id_name", "bluecrane.example")
    page.click("button:has-text('Add domain')")
    page.wait_for_selector("#mailbox-form")
    page.fill("#id_local_part", "bookings")
    page.fill("#id_first_name", "Front")
    page.fill("#id_password", "a-long-password-1")
    page.click("button:has-text('Add mailbox')")
    page.wait_for_selector("h1:has-text('bookings@bluecrane.example')")
    domain = Domain.objects.get()
    mailbox = Mailbox.objects.get()
    assert list(Operation.objects.order_by("id").values_list("kind", "target_id")) == [
        ("domain.create", domain.pk), ("mailbox.create", mailbox.pk)]


def test_an_invalid_domain_shows_the_error_beside_the_field_without_leaving_the_page(page, live_server):
    StaffFactory(username="ann")
    VendorAccountFactory(kind="basekit", name="BaseKit test")
    _sign_in(page, live_server, "ann")
    _create_customer(page, live_server, "Karoo Solar", "KARO-3")
    detail_url = page.url
    page.fill("#id_name", "not a domain")
    page.click("button:has-text('Add domain')")
    page.wait_for_selector("#domain-form .error")
    assert "not a valid domain name" in page.inner_text("#domain-form .error")
    assert page.url == detail_url and not Domain.objects.exists()


def test_customer_search_updates_the_table_as_you_type(page, live_server):
    from tests.factories import CustomerFactory

    StaffFactory(username="ann")
    CustomerFactory(name="Alpha Widgets")
    CustomerFactory(name="Beta Gadgets")
    _sign_in(page, live_server, "ann")
    page.goto(f"{live_server.url}/customers/")
    page.fill("#customer-search", "gadg")
    page.wait_for_function("() => !document.querySelector('#customer-table').innerText.includes('Alpha')")
    assert "Beta Gadgets" in page.inner_text("#customer-table")
