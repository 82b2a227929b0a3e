"""The vendor-side account pages: every URL as anonymous, as a customer's user and as staff, and what
they show (the panels the vendor's capabilities call for, the vendor's refusals beside their fields)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from customers.models import Contact, Invoice, VendorCustomer
from provisioning.models import Operation
from tests.factories import DomainFactory, MembershipFactory, VendorAccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate():
    greenview = VendorAccountFactory(kind="greenview", name="Greenview test")
    rackspace = VendorAccountFactory(kind="rackspace", name="Rackspace test")
    domain = DomainFactory(vendor_account=greenview, name="karoo.example",
                           dns_records=[{"type": "MX", "priority": 10, "value": "karoo-example.relay1g.spamh.com."}],
                           vendor_state="initializing", mail_servers=["mail.karoo.example"])
    client = VendorCustomer.objects.create(customer=domain.customer, vendor_account=greenview, title="Karoo",
                                           vendor_id="5", vendor_state="active", plan="spamstopshere-standard",
                                           seats=2)
    domain.vendor_customer = client
    domain.save()
    customer = VendorCustomer.objects.create(customer=domain.customer, vendor_account=rackspace, title="Karoo",
                                             vendor_id="460190", vendor_state="active", reference="K-1")
    contact = Contact.objects.create(vendor_customer=customer, name="Ann", email="a@x.example", phone="1",
                                     security_question="Q", receives_billing=True)
    invoice = Invoice.objects.create(vendor_customer=customer, invoice_id="1", invoice_date="2018-01-07",
                                     total_due="10.00", csv_available=False)
    return {"customer": domain.customer, "domain": domain, "client": client, "rs": customer, "contact": contact,
            "invoice": invoice, "greenview": greenview, "rackspace": rackspace}


def _urls(e):
    return [
        ("get", reverse("customers:vendor_customer_open", args=[e["customer"].pk, e["rackspace"].pk])),
        ("get", reverse("customers:vendor_customer_detail", args=[e["client"].pk])),
        ("get", reverse("customers:vendor_customer_detail", args=[e["rs"].pk])),
        ("get", reverse("customers:vendor_customer_status", args=[e["client"].pk])),
        ("post", reverse("customers:vendor_customer_edit", args=[e["rs"].pk])),
        ("get", reverse("customers:vendor_customer_action", args=[e["rs"].pk, "disable"])),
        ("get", reverse("customers:vendor_customer_delete", args=[e["client"].pk])),
        ("post", reverse("customers:filtered_domain_create", args=[e["client"].pk])),
        ("post", reverse("customers:contact_create", args=[e["rs"].pk])),
        ("get", reverse("customers:contact_edit", args=[e["contact"].pk])),
        ("post", reverse("customers:domain_mail_servers", args=[e["domain"].pk])),
        ("get", reverse("customers:billing")),
        ("get", reverse("customers:invoice_detail", args=[e["invoice"].pk])),
        ("get", reverse("customers:domain_detail", args=[e["domain"].pk])),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, estate):
    for method, url in _urls(estate):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_customer_users_are_refused(client, estate):
    client.force_login(MembershipFactory(customer=estate["customer"]).user)
    for method, url in _urls(estate):
        assert getattr(client, method)(url).status_code == 403, url


def test_staff_reach_every_page_without_a_server_error(staff_client, estate):
    for method, url in _urls(estate):
        assert getattr(staff_client, method)(url).status_code in {200, 286, 302}, url


def test_a_greenview_client_page_shows_its_domains_words_and_mx_records_with_copy_buttons(staff_client, estate):
    html = staff_client.get(reverse("customers:vendor_customer_detail", args=[estate["client"].pk])).content.decode()
    assert "Don't change your MX records yet" in html and "karoo-example.relay1g.spamh.com." in html
    assert 'class="copy"' in html and "Open SpamStopsHere" in html and "Contacts" not in html


def test_a_rackspace_customer_page_shows_contacts_invoices_and_the_control_panel_button(staff_client, estate):
    html = staff_client.get(reverse("customers:vendor_customer_detail", args=[estate["rs"].pk])).content.decode()
    assert "Contacts" in html and "Invoices" in html and "Open Rackspace control panel" in html
    assert "Domains in this client" not in html


def test_the_vendors_refusal_shows_beside_the_mail_servers_field(staff_client, estate):
    Operation.objects.create(kind="domain.set_mail_servers", state="failed", target_type="domain",
                             target_id=estate["domain"].pk, vendor_account=estate["greenview"],
                             error_field="mail_servers", last_error="Greenview: Mail servers are invalid.")
    html = staff_client.get(reverse("customers:domain_detail", args=[estate["domain"].pk])).content.decode()
    assert "The vendor refused the last change: Greenview: Mail servers are invalid." in html


def test_the_customer_page_offers_to_open_accounts_where_staff_open_them(staff_client, estate):
    other = DomainFactory().customer
    html = staff_client.get(reverse("customers:customer_detail", args=[other.pk])).content.decode()
    assert "Open a Rackspace customer at Rackspace test" in html and "Open a SpamStopsHere client" in html


def test_deleting_a_client_warns_that_mail_will_bounce(staff_client, estate, monkeypatch):
    from customers.services import dns

    monkeypatch.setattr(dns, "mx_hosts", lambda name: ["karoo-example.relay1g.spamh.com"])
    html = staff_client.get(reverse("customers:vendor_customer_delete", args=[estate["client"].pk])).content.decode()
    assert "still point at Greenview Data: its mail will bounce" in html and "Type Karoo" in html
    monkeypatch.setattr(dns, "mx_hosts", lambda name: None)
    html = staff_client.get(reverse("customers:vendor_customer_delete", args=[estate["client"].pk])).content.decode()
    assert "could not check karoo.example" in html
