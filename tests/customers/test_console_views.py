"""The SYNAQ console pages: ordering packages from the catalogue, the vendor's actions with typed
confirmation, the unlink preview, service fields, live status partials, the alert's fix in place."""

from __future__ import annotations

import pytest
from django.urls import reverse

from customers.models import Domain, DomainPackageLink, Package
from provisioning.models import Alert, Operation
from provisioning.services import alert_open
from tests.factories import CustomerFactory, DomainFactory, PackageFactory, VendorAccountFactory, queue_operation

pytestmark = pytest.mark.django_db

CATALOG = {"products": [
    {"code": "SYN-CMS", "name": "SYNAQ CloudMail", "plan_based": False, "mailboxes": True, "min_editions": 0,
     "max_editions": None, "provision_immediately": True,
     "editions": [{"code": "SYN-CMS-BASIC-02", "name": "Basic 2GB", "default": True}]},
    {"code": "SYN-PIN-SEC", "name": "SYNAQ Securemail", "plan_based": True, "mailboxes": False, "min_editions": 1,
     "max_editions": 1, "provision_immediately": False,
     "editions": [{"code": "SYN-PIN-SEC-IN", "name": "In", "default": True},
                  {"code": "SYN-PIN-SEC-OUT", "name": "Out", "default": True}]},
]}
ADDRESS = {"address_line_1": "1 Main Road", "city": "Cape Town", "postal_code": "8001", "country": "ZA"}


@pytest.fixture
def synaq_account():
    from django.utils import timezone

    return VendorAccountFactory(kind="synaq", name="SYNAQ", catalog=CATALOG, catalog_fetched_at=timezone.now())


@pytest.fixture
def customer():
    return CustomerFactory(**ADDRESS)


def _order_url(customer, account):
    return reverse("customers:package_order", args=[customer.pk, account.pk])


def test_ordering_a_package_from_the_catalogue_queues_the_company_then_the_package(staff_client, customer,
                                                                                   synaq_account):
    response = staff_client.post(_order_url(customer, synaq_account), {
        f"order{synaq_account.pk}-product_code": "SYN-CMS", f"order{synaq_account.pk}-editions": ["SYN-CMS-BASIC-02"]})
    package = Package.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("customers:package_detail",
                                                                          args=[package.pk])
    assert list(Operation.objects.order_by("id").values_list("kind", flat=True)) == [
        "vendor_customer.create", "package.create"]


def test_the_customer_page_offers_the_catalogues_products(staff_client, customer, synaq_account):
    body = staff_client.get(reverse("customers:customer_detail", args=[customer.pk])).content.decode()
    assert "SYNAQ Securemail" in body and "one edition" in body and "Basic 2GB" in body


@pytest.mark.parametrize("data, message", [
    ({}, "required"),
    ({"product_code": "SYN-NOPE"}, "valid choice"),
    ({"product_code": "SYN-PIN-SEC", "editions": ["SYN-PIN-SEC-IN", "SYN-PIN-SEC-OUT"]}, "exactly one edition"),
    ({"product_code": "SYN-PIN-SEC", "editions": ["SYN-CMS-BASIC-02"]}, "has no edition"),
])
def test_a_bad_order_says_why_next_to_its_field_and_queues_nothing(staff_client, customer, synaq_account, data,
                                                                   message):
    prefixed = {f"order{synaq_account.pk}-{k}": v for k, v in data.items()}
    response = staff_client.post(_order_url(customer, synaq_account), prefixed)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Package.objects.exists() and not Operation.objects.exists()


def test_ordering_for_a_customer_without_an_address_explains_what_synaq_needs(staff_client, synaq_account):
    customer = CustomerFactory()
    response = staff_client.post(_order_url(customer, synaq_account), {
        f"order{synaq_account.pk}-product_code": "SYN-CMS"})
    assert "postal address" in response.content.decode() and not Operation.objects.exists()


@pytest.fixture
def synaq_domain(synaq_account, customer):
    package = PackageFactory(vendor_customer__customer=customer, vendor_customer__vendor_account=synaq_account)
    domain = DomainFactory(customer=customer, vendor_account=synaq_account, vendor_state="active", vendor_id="g-1")
    DomainPackageLink.objects.create(domain=domain, package=package, state="linked")
    return domain


def test_a_plain_action_is_queued_and_says_queued_not_done(staff_client, synaq_domain):
    response = staff_client.post(reverse("customers:domain_action", args=[synaq_domain.pk, "refresh"]), follow=True)
    assert Operation.objects.get().kind == "domain.refresh"
    assert "queued" in response.content.decode()


def test_a_destructive_action_asks_for_the_name_typed_and_says_what_stops(staff_client, synaq_domain):
    url = reverse("customers:domain_action", args=[synaq_domain.pk, "close"])
    body = staff_client.get(url).content.decode()
    assert "Mail for the domain stops flowing" in body and "Type" in body
    staff_client.post(url, {"confirm": "wrong.example"})
    assert not Operation.objects.exists()
    staff_client.post(url, {"confirm": synaq_domain.name.upper()})
    assert Operation.objects.get().kind == "domain.close"
    synaq_domain.refresh_from_db()
    assert synaq_domain.requested_state == "closed"


def test_an_action_the_vendor_does_not_offer_is_404(staff_client, synaq_domain):
    assert staff_client.post(reverse("customers:domain_action", args=[synaq_domain.pk, "explode"])).status_code == 404


def test_the_unlink_preview_says_what_the_vendor_may_do_next(staff_client, synaq_domain):
    link = synaq_domain.package_links.get()
    url = reverse("customers:domain_unlink", args=[synaq_domain.pk, link.package_id])
    body = staff_client.get(url).content.decode()
    assert "Prune" in body and "stale" in body and "Refresh" in body
    assert not Operation.objects.exists()
    staff_client.post(url)
    assert Operation.objects.get().kind == "domain.unlink"
    link.refresh_from_db()
    assert link.state == "unlinking"


def test_service_fields_travel_encrypted_and_are_never_shown_back(staff_client, synaq_domain):
    Domain.objects.filter(pk=synaq_domain.pk).update(service_field_names=["mail_delivery_location", "password"])
    staff_client.post(reverse("customers:domain_service_fields", args=[synaq_domain.pk]), {
        "fields-mail_delivery_location": "smtp.example.com", "fields-password": "Top-Secret-9"})
    operation = Operation.objects.get(kind="domain.set_service_fields")
    assert operation.secret_payload == {"fields": {"mail_delivery_location": "smtp.example.com",
                                                   "password": "Top-Secret-9"}}
    body = staff_client.get(reverse("customers:domain_detail", args=[synaq_domain.pk])).content.decode()
    assert "Top-Secret-9" not in body and "smtp.example.com" in body


def test_the_live_status_partial_stops_polling_once_nothing_is_in_flight(staff_client, synaq_domain, staff):
    url = reverse("customers:domain_status", args=[synaq_domain.pk])
    assert staff_client.get(url, headers={"HX-Request": "true"}).status_code == 286
    queue_operation(synaq_domain, "domain.refresh", acting_user=staff)
    response = staff_client.get(url, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and 'hx-trigger="every 2s"' in body and "<html" not in body


def test_a_stale_alert_offers_the_fix_in_place(staff_client, synaq_domain):
    Domain.objects.filter(pk=synaq_domain.pk).update(vendor_state="stale")
    alert = alert_open(kind="domain_stale", target_type="domain", target_id=synaq_domain.pk,
                       title=f"{synaq_domain.name} is stale", next_step="Send Refresh.")
    body = staff_client.get(reverse("provisioning:alert_detail", args=[alert.pk])).content.decode()
    fix_url = reverse("customers:domain_fix", args=[synaq_domain.pk])
    assert fix_url in body and "Send Refresh." in body
    fix = staff_client.get(fix_url, {"alert": alert.pk}).content.decode()
    assert "Refresh" in fix and f'value="{alert.pk}"' in fix


def test_the_alert_page_answers_286_once_resolved(staff_client, synaq_domain):
    from provisioning.services import alert_resolve

    alert = alert_open(kind="domain_stale", target_type="domain", target_id=synaq_domain.pk, title="stale")
    url = reverse("provisioning:alert_status", args=[alert.pk])
    assert staff_client.get(url).status_code == 200
    alert_resolve(kind="domain_stale", target_type="domain", target_id=synaq_domain.pk)
    assert staff_client.get(url).status_code == 286
    assert Alert.objects.get().resolved_at is not None


def test_every_staff_page_carries_the_live_high_priority_banner(staff_client, synaq_domain):
    alert_open(kind="prune_failed", target_type="domain", target_id=synaq_domain.pk,
               title="Prune failed on x.example: mail flow may be affected")
    for url in (reverse("dashboard"), reverse("customers:customer_list"), reverse("provisioning:operation_list")):
        body = staff_client.get(url).content.decode()
        assert "Prune failed on x.example" in body and 'id="alert-banner"' in body
    banner = staff_client.get(reverse("provisioning:alert_banner"), headers={"HX-Request": "true"}).content.decode()
    assert "Prune failed on x.example" in banner and "<html" not in banner


def test_the_dashboard_never_says_all_is_well_while_changes_wait(staff_client, synaq_domain, staff):
    queue_operation(synaq_domain, "domain.refresh", acting_user=staff)
    body = staff_client.get(reverse("dashboard")).content.decode()
    assert "Mail is flowing" not in body and "still waiting" in body
