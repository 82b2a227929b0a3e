"""Rackspace Email end to end: customers, contacts, invoices and login tokens, through the real task code
against the sandbox, asserting what Rackspace now holds and what the panel shows."""

from __future__ import annotations

import datetime

import pytest
import requests
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers import services
from customers.models import Contact, Invoice, VendorCustomer
from provisioning import services as provisioning_services
from provisioning import targets
from provisioning.adapters.base import NotFoundError
from provisioning.kinds.contact import ContactCreate, ContactDelete
from provisioning.models import Alert, Attempt, Operation
from provisioning.services.context import Context
from provisioning.services.reads import vendor_login_url, vendor_read
from provisioning.vendors.rackspace.adapter import RackspaceAdapter
from provisioning.vendors.rackspace.client import api_signature
from sandbox.rackspace import LAST_BILLING
from tests.factories import CustomerFactory, queue_operation
from tests.vendors.conftest import account_for, counter

pytestmark = pytest.mark.django_db

DETAILS = {"phone": "1-555-555-5555", "address_line_1": "555 Address", "city": "Austin", "state": "TX",
           "zip": "78703", "country": "US"}


@pytest.fixture
def rackspace(sandbox):
    return sandbox.vendor("rackspace")


@pytest.fixture
def account(sandbox, rackspace):
    return account_for(sandbox, "rackspace", options={
        "control_panel_url": sandbox.base_url("rackspace") + "/TokenLogin.aspx?loginToken={token}"})


@pytest.fixture
def customer(db):
    return CustomerFactory(name="Harbour Books", reference="HARB-004")


def add_customer(customer, account, staffer, **extra):
    values = {"title": customer.name, "reference": customer.reference, "email": "sam@harbourbooks.example",
              **DETAILS, **extra}
    return services.vendor_customer_open(customer=customer, vendor_account=account, acting_user=staffer, **values)


def enqueue(payload, vendor_customer, staffer, secrets=None):
    """Queue an operation straight into the outbox, past the services' own checks."""
    return provisioning_services.operation_enqueue(payload=payload, vendor_account=vendor_customer.vendor_account,
                                                   customer=vendor_customer.customer, secrets=secrets,
                                                   acting_user=staffer)


def _ops_ok():
    failed = list(Operation.objects.exclude(state="succeeded").values_list("kind", "state", "last_error"))
    assert not failed, failed


@pytest.fixture
def live(customer, account, staffer, drain):
    made = add_customer(customer, account, staffer)
    drain()
    _ops_ok()
    made.refresh_from_db()
    return made


@pytest.fixture
def seeded(customer, account):
    """The demo estate's customer 460182 (four contacts, invoices 124, 123 and 77), as the panel holds it."""
    return VendorCustomer.objects.create(customer=customer, vendor_account=account, vendor_id="460182",
                                         vendor_state="active", title="API Customer 17", reference="49")


# ---- the HTTP edge -----------------------------------------------------------------------------
def test_the_signature_reproduces_the_docs_example():
    assert api_signature("eGbq9/2hcZsRlr1JV1Pi", "QHOvchm/40czXhJ1OxfxK7jDHr3t", "Rackspace Management Interface",
                         "20010308143725") == "eGbq9/2hcZsRlr1JV1Pi:20010308143725:46VIwd66mOFGG8IkbgnLlXnfnkU="


def test_a_wrong_secret_is_an_auth_failure_with_its_alert(account, customer, staffer, drain):
    account.credentials = {**account.credentials, "secret_key": "wrong"}
    account.save()
    add_customer(customer, account, staffer)
    drain()
    operation = Operation.objects.get(kind="vendor_customer.create")
    assert operation.state == "failed" and "Authentication failed" in operation.last_error
    assert Alert.objects.filter(kind="vendor_auth", target_id=account.pk).exists()


def test_exceeded_request_limits_is_throttling_retried_after_a_minute_never_an_auth_failure(
        rackspace, account, customer, staffer, drain):
    rackspace.faults.add(kind="throttle", next=1)
    add_customer(customer, account, staffer)
    drain()
    _ops_ok()
    retry = Attempt.objects.get(outcome="retry")
    assert "Exceeded request limits" in retry.message
    assert not Alert.objects.filter(kind="vendor_auth").exists()


def test_the_limiter_holds_the_31st_write_of_a_minute_back_before_the_vendor_sees_it(rackspace, seeded, staffer,
                                                                                    drain):
    for n in range(31):
        services.contact_create(vendor_customer=seeded, name=f"Contact {n}", email=f"c{n}@harbour.example",
                                phone="1235555555", security_question="Q", security_answer="A",
                                acting_user=staffer)
    drain(max_steps=40)
    assert Operation.objects.filter(kind="contact.create", state="succeeded").count() == 30
    held = Operation.objects.get(kind="contact.create", state="pending")
    assert "Held back to stay within Rackspace's limit of 30 write calls" in held.pending_reason
    # The vendor saw exactly the 30 it allows, none refused.
    assert len(rackspace.calls[(seeded.vendor_account.credentials["user_key"], "write")]) == 30
    assert not Attempt.objects.filter(outcome__in=["retry", "failed"]).exists()


def test_xml_answers_are_understood(account):
    ctx = Context.for_read(account, adapter=RackspaceAdapter())
    with pytest.raises(NotFoundError) as excinfo:
        ctx.client.request("GET", "/v1/customers/999999", accept="text/xml")
    assert "Customer Not Found" in excinfo.value.message


# ---- customers ---------------------------------------------------------------------------------
def test_a_customer_is_added_with_its_details_and_found_by_its_reference_number(sandbox, rackspace, live):
    at_vendor = rackspace.customers[live.vendor_id]
    assert (at_vendor["name"], at_vendor["referenceNumber"], at_vendor["city"], at_vendor["email"]) == (
        "Harbour Books", "HARB-004", "Austin", "sam@harbourbooks.example")
    assert counter(sandbox, "rackspace", "POST /v1/customers") == 1
    assert live.vendor_state == "active"


def test_a_lost_answer_to_the_add_adopts_the_customer_instead_of_adding_a_second(rackspace, account, customer,
                                                                                staffer, drain):
    rackspace.faults.add(kind="drop_after", next=1, method="POST", path="^/v1/customers$")
    made = add_customer(customer, account, staffer)
    drain()
    _ops_ok()
    made.refresh_from_db()
    mine = [a for a, c in rackspace.customers.items() if c["referenceNumber"] == "HARB-004"]
    assert mine == [made.vendor_id]


def test_an_edit_sends_what_changed(rackspace, live, staffer, drain):
    services.vendor_customer_update(vendor_customer=live, title="Harbour Books & Maps", city="Dallas",
                                    acting_user=staffer)
    drain()
    _ops_ok()
    at_vendor = rackspace.customers[live.vendor_id]
    assert (at_vendor["name"], at_vendor["city"]) == ("Harbour Books & Maps", "Dallas")


@pytest.mark.parametrize("title, reference, field, words", [
    ("", "R-1", "title", "Missing required field: name"),
    (" Spaced ", "R-2", "title", "Improper Customer Name: cannot begin or end with a space"),
    ("x" * 101, "R-3", "title", "Name too long: 100 characters or fewer"),
    ("Fine", "R" * 21, "reference", "Reference number too long: 20 characters or fewer"),
])
def test_the_documented_400s_reach_the_right_field_in_words(account, customer, staffer, drain, title, reference,
                                                           field, words):
    # Past the panel's own checks (which refuse the same input before sending), to prove the vendor's words land.
    made = VendorCustomer.objects.create(customer=customer, vendor_account=account, title=title, reference=reference)
    queue_operation(made, "vendor_customer.create", acting_user=staffer)
    drain()
    operation = Operation.objects.get(kind="vendor_customer.create")
    assert (operation.state, operation.error_field) == ("failed", field)
    assert words in operation.last_error


def test_the_panel_refuses_the_same_input_on_its_fields_before_sending(account, customer, staffer):
    with pytest.raises(ValidationError) as excinfo:
        add_customer(customer, account, staffer, title=" Spaced ", reference="R" * 21)
    assert set(excinfo.value.message_dict) == {"title", "reference"}
    assert not Operation.objects.exists()


def test_disable_then_enable_inside_five_minutes_waits_its_turn_and_never_gets_a_403(sandbox, rackspace, live,
                                                                                    staffer, drain):
    services.vendor_customer_action(vendor_customer=live, name="disable", acting_user=staffer)
    drain()
    assert rackspace.account_state[live.vendor_id]["enabled"] is False
    live.refresh_from_db()
    assert live.vendor_state == "suspended" and live.toggled_at is not None
    _, words = services.vendor_customer_action(vendor_customer=live, name="enable", acting_user=staffer)
    assert "5 minutes" in words and "will be sent at" in words
    drain(max_steps=5)
    enable = Operation.objects.get(kind="vendor_customer.enable")
    assert enable.state == "pending" and "will be sent at" in enable.pending_reason
    assert (enable.next_attempt_at - timezone.now()).total_seconds() > 250
    assert counter(sandbox, "rackspace", "POST /v1/customers/<account>/enable") == 0
    # Five minutes pass, on both sides.
    sandbox.app.clock.advance(310)
    VendorCustomer.objects.filter(pk=live.pk).update(toggled_at=live.toggled_at - datetime.timedelta(seconds=310))
    drain()
    _ops_ok()
    assert rackspace.account_state[live.vendor_id]["enabled"] is True
    live.refresh_from_db()
    assert live.vendor_state == "active"


def test_deleting_a_customer_needs_its_name_typed_then_removes_it(rackspace, live, staffer, drain):
    with pytest.raises(ValidationError):
        services.vendor_customer_delete(vendor_customer=live, confirm="harbour", acting_user=staffer)
    services.vendor_customer_delete(vendor_customer=live, confirm="Harbour Books", acting_user=staffer)
    drain()
    _ops_ok()
    assert live.vendor_id not in rackspace.customers
    live.refresh_from_db()
    assert live.vendor_state == "deleted"


def test_the_customers_index_pages_and_searches_as_the_vendor_offers(account, live):
    page = vendor_read(account=account, what="customers", search="harbour", mode="startswith")
    assert [i["vendor_id"] for i in page["items"]] == [live.vendor_id]
    assert vendor_read(account=account, what="customers", search="ustomer 1", mode="contains")["total"] == 1
    everything = vendor_read(account=account, what="customers")
    assert everything["total"] == 4 and len(everything["items"]) == 4


def test_show_me_reads_the_resellers_own_account(account):
    assert vendor_read(account=account, what="account")["accountNumber"] == "460100"


# ---- contacts ----------------------------------------------------------------------------------
def test_a_contact_is_added_with_its_secret_answer_which_is_then_wiped(rackspace, seeded, staffer, drain):
    contact = services.contact_create(vendor_customer=seeded, name="Night Desk", email="night@harbour.example",
                                      phone="1235550000", security_question="First pet?", security_answer="Rex",
                                      receives_alerts=True, acting_user=staffer)
    drain()
    _ops_ok()
    contact.refresh_from_db()
    at_vendor = rackspace.contacts["460182"][contact.vendor_id]
    assert (at_vendor["Name"], at_vendor["SecurityAnswer"], at_vendor["ReceivesAlerts"]) == ("Night Desk", "Rex", True)
    operation = Operation.objects.get(kind="contact.create")
    assert operation.secret_payload is None and "Rex" not in str(operation.attempt_log.get().exchanges)


def test_a_contact_is_edited_and_deleted(rackspace, seeded, staffer, drain):
    Contact.objects.create(vendor_customer=seeded, name="Contact first - Ellie", email="user1@example.com",
                           phone="1235555555", security_question="Q", receives_billing=True, vendor_id="1",
                           vendor_state="active")
    contact = services.contact_create(vendor_customer=seeded, name="Night Desk", email="night@harbour.example",
                                      phone="1235550000", security_question="Q", security_answer="A",
                                      acting_user=staffer)
    drain()
    contact.refresh_from_db()
    services.contact_update(contact=contact, phone="1235551111", receives_updates=True, acting_user=staffer)
    drain()
    at_vendor = rackspace.contacts["460182"][contact.vendor_id]
    assert (at_vendor["Phone"], at_vendor["ReceivesUpdates"]) == ("1235551111", True)
    services.contact_delete(contact=contact, acting_user=staffer)
    drain()
    _ops_ok()
    assert contact.vendor_id not in rackspace.contacts["460182"] and not Contact.objects.filter(pk=contact.pk).exists()


def test_the_last_billing_contact_rule_is_explained_before_the_vendor_refuses(seeded, staffer):
    only = Contact.objects.create(vendor_customer=seeded, name="Only", email="o@x.example", phone="1",
                                  security_question="Q", receives_billing=True, vendor_id="5", vendor_state="active")
    with pytest.raises(ValidationError) as excinfo:
        services.contact_delete(contact=only, acting_user=staffer)
    assert "at least one billing contact" in str(excinfo.value)
    with pytest.raises(ValidationError) as excinfo:
        services.contact_update(contact=only, receives_billing=False, acting_user=staffer)
    assert "receives_billing" in excinfo.value.message_dict
    assert not Operation.objects.exists()


def test_when_the_vendor_refuses_the_last_billing_contact_its_words_reach_the_field(rackspace, account, customer,
                                                                                   staffer, drain):
    lone = VendorCustomer.objects.create(customer=customer, vendor_account=account, vendor_id="460183",
                                         vendor_state="active", title="API Customer 50", reference="10")
    contact = Contact.objects.create(vendor_customer=lone, name="Billing 460183", email="b@x.example", phone="1",
                                     security_question="Q", receives_billing=True, vendor_id="6",
                                     vendor_state="active")
    enqueue(ContactDelete(contact_id=contact.pk, vendor_customer_id=lone.pk), lone, staffer)
    drain()
    operation = Operation.objects.get(kind="contact.delete")
    assert (operation.state, operation.error_field) == ("failed", "receives_billing")
    assert LAST_BILLING in operation.last_error and "6" in rackspace.contacts["460183"]


def test_a_bad_contact_email_is_refused_on_its_field_in_the_vendors_words(seeded, staffer, drain):
    contact = Contact.objects.create(vendor_customer=seeded, name="X", email="not-an-address", phone="1",
                                     security_question="Q")
    enqueue(ContactCreate(contact_id=contact.pk, vendor_customer_id=seeded.pk), seeded, staffer,
            secrets={"security_answer": "A"})
    drain()
    operation = Operation.objects.get(kind="contact.create")
    assert (operation.state, operation.error_field) == ("failed", "email")
    assert "Please enter a valid email address." in operation.last_error


# ---- invoices and sign-on ----------------------------------------------------------------------
def test_invoices_are_fetched_and_their_line_items_read_from_the_csv(sandbox, seeded, staffer, drain):
    assert services.invoices_fetch(vendor_customer=seeded, acting_user=staffer) == 3
    assert list(Invoice.objects.order_by("-invoice_date").values_list("invoice_id", flat=True)) == ["124", "123", "77"]
    invoice = services.invoice_lines(invoice=Invoice.objects.get(invoice_id="123"))
    lines = list(invoice.lines.all())
    assert len(lines) == 6 and lines[1].product == "Hosted Exchange" and float(lines[1].charge) == 140
    assert invoice.csv_text.startswith("Account No,Reference No")
    services.invoice_lines(invoice=invoice)  # kept: not read again
    assert counter(sandbox, "rackspace", "GET /v2/customers/<account>/invoices/<invoice_id>") == 1


def test_invoices_are_also_fetched_through_the_outbox(seeded, staffer, drain):
    queue_operation(seeded, "vendor_customer.fetch_invoices", acting_user=staffer)
    drain()
    _ops_ok()
    assert Invoice.objects.filter(vendor_customer=seeded).count() == 3


def test_an_invoice_without_a_csv_has_no_line_items(seeded, staffer, drain):
    services.invoices_fetch(vendor_customer=seeded, acting_user=staffer)
    invoice = services.invoice_lines(invoice=Invoice.objects.get(invoice_id="77"))
    assert not invoice.lines.exists() and invoice.lines_fetched_at and not invoice.csv_available


def test_the_control_panel_opens_through_a_ten_minute_login_token_never_stored(account, live):
    url = vendor_login_url(account=account, ref=targets.get("vendor_customer").ref(live.pk), purpose="control_panel")
    token = url.rsplit("=", 1)[1]
    assert requests.get(url, timeout=5).status_code == 200
    assert requests.get(url, timeout=5).status_code == 403  # single use
    assert not Operation.objects.filter(vendor_result__icontains=token).exists()
