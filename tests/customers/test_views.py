"""Staff pages for customers, domains and mailboxes: forms, errors, partials, scoping."""

from __future__ import annotations

import pytest
from django.urls import reverse

from customers.models import Customer, Domain, Mailbox
from provisioning.models import Operation
from tests.factories import CustomerFactory, DomainFactory, MailboxFactory, VendorAccountFactory, queue_operation

pytestmark = pytest.mark.django_db


def _counts():
    return Customer.objects.count(), Domain.objects.count(), Mailbox.objects.count(), Operation.objects.count()


def test_customer_create_through_the_form_redirects_to_the_customer(staff_client):
    response = staff_client.post(reverse("customers:customer_create"), {"name": "Acme", "reference": "ACME-1",
                                                              "status": "active"})
    customer = Customer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:customer_detail", args=[customer.pk])


def test_customer_create_over_htmx_answers_with_a_client_redirect(staff_client):
    response = staff_client.post(reverse("customers:customer_create"), {"name": "Acme", "reference": "ACME-1",
                                                              "status": "active"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "HX-Redirect" in response.headers


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": "", "reference": "R1", "status": "active"}, "name"),
        ({"name": "Acme", "reference": "", "status": "active"}, "reference"),
        ({"name": "x" * 201, "reference": "R1", "status": "active"}, "name"),
        ({"name": "Acme", "reference": "R" * 33, "status": "active"}, "reference"),
        ({"name": "Acme", "reference": "R1", "email": "not-an-email", "status": "active"}, "email"),
    ],
)
def test_customer_create_with_bad_input_shows_field_error_and_changes_nothing(staff_client, data, field):
    before = _counts()
    response = staff_client.post(reverse("customers:customer_create"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert _counts() == before


def test_customer_create_with_duplicate_reference_shows_error(staff_client):
    CustomerFactory(reference="ACME-1")
    response = staff_client.post(reverse("customers:customer_create"), {"name": "Acme", "reference": "ACME-1",
                                                              "status": "active"})
    assert "reference" in response.context["form"].errors
    assert Customer.objects.count() == 1


def test_customer_create_form_error_over_htmx_renders_only_the_form_partial(staff_client):
    response = staff_client.post(reverse("customers:customer_create"), {"name": ""}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and 'id="customer-form"' in body and "<html" not in body


def test_customer_edit_changes_the_customer(staff_client):
    customer = CustomerFactory(name="Old")
    staff_client.post(reverse("customers:customer_edit", args=[customer.pk]),
                      {"name": "New", "reference": customer.reference, "status": "active"})
    customer.refresh_from_db()
    assert customer.name == "New"


def test_domain_create_through_the_page_writes_domain_and_operation(staff_client):
    customer = CustomerFactory(address_line_1="1 Main Road", city="Cape Town", postal_code="8001", country="ZA")
    account = VendorAccountFactory(kind="synaq")  # a vendor that creates domains (BaseKit adopts them)
    response = staff_client.post(reverse("customers:domain_create", args=[customer.pk]),
                                 {"name": "shop.example.com", "vendor_account": account.pk})
    domain = Domain.objects.get()
    assert response.status_code == 302
    assert Operation.objects.filter(target_id=domain.pk, kind="domain.create").count() == 1


@pytest.mark.parametrize(
    "name, message",
    [
        ("", "required"),
        ("no-dot", "not a valid domain name"),
        ("bad_domain.com", "not a valid domain name"),
        ("-lead.example.com", "not a valid domain name"),
        ("a" * 64 + ".com", "not a valid domain name"),
        ("example.c0m", "top-level domain"),
    ],
)
def test_domain_create_with_invalid_name_shows_error_and_changes_nothing(staff_client, name, message):
    customer = CustomerFactory()
    account = VendorAccountFactory()
    before = _counts()
    response = staff_client.post(reverse("customers:domain_create", args=[customer.pk]),
                                 {"name": name, "vendor_account": account.pk})
    assert response.status_code == 200
    assert message in " ".join(response.context["domain_form"].errors["name"])
    assert _counts() == before


def test_domain_create_with_duplicate_name_shows_error_and_changes_nothing(staff_client):
    existing = DomainFactory(name="taken.example")
    before = _counts()
    response = staff_client.post(reverse("customers:domain_create", args=[existing.customer.pk]),
                                 {"name": "TAKEN.example", "vendor_account": existing.vendor_account.pk})
    assert "already exists" in " ".join(response.context["domain_form"].errors["name"])
    assert _counts() == before


def test_domain_create_without_vendor_account_shows_error(staff_client):
    customer = CustomerFactory()
    response = staff_client.post(reverse("customers:domain_create", args=[customer.pk]), {"name": "ok.example"})
    assert "vendor_account" in response.context["domain_form"].errors
    assert not Domain.objects.exists()


def test_mailbox_create_through_the_page_writes_mailbox_and_operation(staff_client):
    domain = DomainFactory()
    response = staff_client.post(reverse("customers:mailbox_create", args=[domain.pk]),
                                 {"local_part": "jane", "password": "a-long-password-1"})
    mailbox = Mailbox.objects.get()
    assert response.status_code == 302
    assert Operation.objects.filter(target_id=mailbox.pk, kind="mailbox.create").count() == 1


@pytest.mark.parametrize(
    "data, field",
    [
        ({"local_part": "", "password": "a-long-password-1"}, "local_part"),
        ({"local_part": "jane smith", "password": "a-long-password-1"}, "local_part"),
        ({"local_part": "jane..smith", "password": "a-long-password-1"}, "local_part"),
        ({"local_part": "j" * 65, "password": "a-long-password-1"}, "local_part"),
        ({"local_part": "jane", "password": ""}, "password"),
        ({"local_part": "jane", "password": "short"}, "password"),
        ({"local_part": "jane", "password": "a-long-password-1", "quota_mb": "-5"}, "quota_mb"),
        ({"local_part": "jane", "password": "a-long-password-1", "first_name": "x" * 101}, "first_name"),
    ],
)
def test_mailbox_create_with_bad_input_shows_field_error_and_changes_nothing(staff_client, data, field):
    domain = DomainFactory()
    before = _counts()
    response = staff_client.post(reverse("customers:mailbox_create", args=[domain.pk]), data)
    assert response.status_code == 200
    assert field in response.context["mailbox_form"].errors
    assert _counts() == before


def test_mailbox_create_duplicate_shows_error_and_changes_nothing(staff_client):
    mailbox = MailboxFactory(local_part="jane")
    before = _counts()
    response = staff_client.post(reverse("customers:mailbox_create", args=[mailbox.domain.pk]),
                                 {"local_part": "Jane", "password": "a-long-password-1"})
    assert "already exists" in " ".join(response.context["mailbox_form"].errors["local_part"])
    assert _counts() == before


def test_mailbox_form_is_not_offered_for_a_vendor_without_mailboxes(staff_client):
    domain = DomainFactory(vendor_account=VendorAccountFactory(kind="greenview", name="Greenview"))
    response = staff_client.get(reverse("customers:domain_detail", args=[domain.pk]))
    assert 'id="mailbox-form"' not in response.content.decode()


def test_customer_list_search_filters_by_name(staff_client):
    CustomerFactory(name="Alpha Widgets")
    CustomerFactory(name="Beta Gadgets")
    response = staff_client.get(reverse("customers:customer_list"), {"q": "widg"})
    names = [c.name for c in response.context["page"]]
    assert names == ["Alpha Widgets"]


def test_customer_list_over_htmx_renders_only_the_table_partial(staff_client):
    CustomerFactory(name="Alpha Widgets")
    response = staff_client.get(reverse("customers:customer_list"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="customer-table">') and "Alpha Widgets" in body


def test_customer_list_pages_by_keyset_in_pages_of_25_and_counts_them(staff_client):
    CustomerFactory.create_batch(30)
    first = staff_client.get(reverse("customers:customer_list"))
    page = first.context["page"]
    assert len(page.items) == 25 and page.has_next and page.count == 30
    second = staff_client.get(reverse("customers:customer_list"), {"after": page.next_cursor})
    assert len(second.context["page"].items) == 5 and not second.context["page"].has_next
    back = staff_client.get(reverse("customers:customer_list"), {"before": second.context["page"].previous_cursor})
    assert [c.pk for c in back.context["page"].items] == [c.pk for c in page.items]


@pytest.mark.parametrize("sort", ["name", "reference", "newest"])
def test_every_sort_pages_through_every_customer_once(staff_client, sort):
    CustomerFactory.create_batch(60)
    seen, params = [], {"sort": sort}
    while True:
        page = staff_client.get(reverse("customers:customer_list"), params).context["page"]
        seen += [c.pk for c in page.items]
        if not page.has_next:
            break
        params = {"sort": sort, "after": page.next_cursor}
    assert len(seen) == len(set(seen)) == 60


def test_a_tampered_cursor_starts_again_from_the_first_page(staff_client):
    CustomerFactory.create_batch(3)
    response = staff_client.get(reverse("customers:customer_list"), {"after": "bm90IGEgY3Vyc29y"})
    assert response.status_code == 200 and len(response.context["page"].items) == 3


def test_counts_stop_at_ten_thousand(staff_client, monkeypatch):
    from core import lists

    monkeypatch.setattr(lists, "COUNT_CAP", 5)
    CustomerFactory.create_batch(7)
    body = staff_client.get(reverse("customers:customer_list")).content.decode()
    assert "5+ in all" in body


def _grow_estate(staff, n):
    from provisioning import services as provisioning_services
    from provisioning.choices import AlertKind

    for _ in range(n):
        mailbox = MailboxFactory()
        queue_operation(mailbox, "mailbox.create", acting_user=staff)
        provisioning_services.alert_open(kind=AlertKind.MAILBOX_PENDING, target_type="mailbox",
                                         target_id=mailbox.pk, customer=mailbox.domain.customer, title="pending")
    return mailbox


@pytest.mark.parametrize("url_name", ["customers:customer_list", "customers:domain_list", "customers:mailbox_list",
                                      "provisioning:operation_list",
                                      "provisioning:alert_list", "dashboard"])
def test_list_query_count_does_not_grow_with_rows(staff_client, staff, django_assert_max_num_queries, url_name):
    _grow_estate(staff, 3)
    with django_assert_max_num_queries(20) as small:
        staff_client.get(reverse(url_name))
    _grow_estate(staff, 20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        staff_client.get(reverse(url_name))


@pytest.mark.parametrize("url_name, target", [("customers:customer_detail", "customer"),
                                              ("customers:domain_detail", "domain")])
def test_detail_query_count_does_not_grow_with_rows(staff_client, staff, django_assert_max_num_queries,
                                                    url_name, target):

    domain = DomainFactory()

    def grow(n):
        for _ in range(n):
            mailbox = MailboxFactory(domain=domain)
            queue_operation(domain, "domain.sync", acting_user=staff)
            DomainFactory(customer=domain.customer, vendor_account=domain.vendor_account)
            assert mailbox

    url = reverse(url_name, args=[getattr(domain, target).pk if target == "customer" else domain.pk])
    grow(2)
    with django_assert_max_num_queries(20) as small:
        staff_client.get(url)
    grow(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        staff_client.get(url)


@pytest.mark.parametrize("url_name, params", [
    ("customers:customer_list", {"q": "a\x00b"}), ("customers:customer_list", {"status": "\x00"}),
    ("customers:customer_list", {"status": "bogus"}),
    ("customers:domain_list", {"q": "\x00", "state": "\x00"}), ("customers:mailbox_list", {"q": "x\x00@y"}),
    ("provisioning:operation_list", {"state": "\x00"}), ("customers:customer_list", {"page": "\x00"}),
])
def test_bad_filter_parameters_are_ignored_not_a_server_error(staff_client, url_name, params):
    CustomerFactory(name="Alpha")
    assert staff_client.get(reverse(url_name), params).status_code == 200


def test_a_domain_form_error_without_htmx_still_shows_the_customers_domains(staff_client):
    domain = DomainFactory(name="existing.example")
    response = staff_client.post(reverse("customers:domain_create", args=[domain.customer.pk]),
                                 {"name": "bad name", "vendor_account": domain.vendor_account.pk})
    body = response.content.decode()
    assert "existing.example" in body and "not a valid domain name" in body


def test_a_mailbox_form_error_without_htmx_still_shows_the_domains_mailboxes(staff_client):
    mailbox = MailboxFactory(local_part="present")
    response = staff_client.post(reverse("customers:mailbox_create", args=[mailbox.domain.pk]), {"local_part": "x y"})
    assert "present@" in response.content.decode()


def test_pages_answer_404_for_unknown_ids(staff_client):
    assert staff_client.get(reverse("customers:customer_detail", args=[999])).status_code == 404
    assert staff_client.get(reverse("customers:domain_detail", args=[999])).status_code == 404
    assert staff_client.get(reverse("customers:mailbox_detail", args=[999])).status_code == 404


def test_customer_list_history_restore_gets_the_whole_page(staff_client):
    response = staff_client.get(reverse("customers:customer_list"), {"q": "x"},
                                headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in response.content.decode()


def test_a_customer_reference_is_unique_whatever_its_case(staff_client):
    CustomerFactory(reference="ACME-1")
    response = staff_client.post(reverse("customers:customer_create"), {"name": "Other", "reference": "acme-1",
                                                                         "status": "active"})
    assert "already exists" in " ".join(response.context["form"].errors["reference"])
    assert Customer.objects.count() == 1


def test_the_database_refuses_a_reference_differing_only_in_case():
    from django.db import IntegrityError, transaction

    CustomerFactory(reference="ACME-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerFactory(reference="Acme-1")


@pytest.mark.parametrize("name", ["shop.example\n", "sh\u200bop.example"])
def test_a_domain_name_with_a_newline_or_zero_width_space_is_refused_beside_its_field(staff_client, name):
    customer = CustomerFactory()
    account = VendorAccountFactory()
    before = _counts()
    response = staff_client.post(reverse("customers:domain_create", args=[customer.pk]),
                                 {"name": name, "vendor_account": account.pk})
    assert "invisible character" in " ".join(response.context["domain_form"].errors["name"])
    assert _counts() == before


def test_an_internationalised_domain_is_shown_in_unicode_and_found_by_either_form(staff_client):
    DomainFactory(name="xn--bcher-kva.example")
    for term in ("bücher", "xn--bcher"):
        body = staff_client.get(reverse("customers:domain_list"), {"q": term}).content.decode()
        assert "bücher.example" in body, term


def test_a_mailbox_name_follows_its_vendors_rule(staff_client):
    domain = DomainFactory(vendor_account=VendorAccountFactory(kind="hostway", name="Hostway"))
    response = staff_client.post(reverse("customers:mailbox_create", args=[domain.pk]),
                                 {"local_part": "jo+news", "password": "a-long-password-1"})
    assert "Hostway accepts letters, digits" in " ".join(response.context["mailbox_form"].errors["local_part"])
    assert not Mailbox.objects.exists()
