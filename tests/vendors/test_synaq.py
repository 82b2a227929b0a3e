"""SYNAQ end to end: every documented operation through the real task code against the sandbox,
asserting what SYNAQ now holds (sandbox state and counters) and what the panel shows."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError

from customers import services
from customers.models import Domain, Mailbox, Package, UsageReport
from provisioning.models import Alert, Operation
from provisioning.services.reads import vendor_catalog, vendor_login_url
from provisioning.targets import TargetRef
from provisioning.vendors.synaq.client import SynaqClient, new_salt
from tests.factories import CustomerFactory
from tests.vendors.conftest import account_for, counter

pytestmark = pytest.mark.django_db

ADDRESS = {"address_line_1": "1 Main Road", "city": "Cape Town", "postal_code": "8001", "country": "ZA"}
CLOUDMAIL = ("SYN-CMS", ["SYN-CMS-BASIC-02", "SYN-CM-PREM-25-ARCH"])


@pytest.fixture
def synaq(sandbox):
    vendor = sandbox.vendor("synaq")
    vendor.delays.update(action=0, archive_action=0)
    return vendor


@pytest.fixture
def account(sandbox, synaq):
    return account_for(sandbox, "synaq", options={"webmail_url": sandbox.base_url("synaq")
                                                  + "/webmail/login?token={token}"})


@pytest.fixture
def customer(db):
    return CustomerFactory(name="Acme Trading", reference="ACME-1", **ADDRESS)


@pytest.fixture
def catalog(account):
    return vendor_catalog(account=account)


def order(customer, account, catalog, staffer, product=CLOUDMAIL):
    return services.package_order(customer=customer, vendor_account=account, catalog=catalog, product_code=product[0],
                                  editions=list(product[1]), acting_user=staffer)


FIELDS = {"mail_delivery_location": "smtp.acme.example", "auth_method": "smtp", "username": "relay",
          "password": "Relay-Passw0rd!"}


def live_domain(customer, account, catalog, staffer, drain, name="acme-trading.example", packages=(CLOUDMAIL,)):
    """A domain provisioned at SYNAQ under the given packages (the first linked at creation), with the service
    fields they ask for."""
    made = [order(customer, account, catalog, staffer, p) for p in packages]
    domain = services.domain_create(customer=customer, vendor_account=account, name=name, package=made[0],
                                    catalog=catalog, acting_user=staffer)
    for package in made[1:]:
        services.domain_link(domain=domain, package=package, acting_user=staffer)
    drain()
    domain.refresh_from_db()
    if domain.service_field_names:
        services.domain_set_service_fields(domain=domain, fields={k: v for k, v in FIELDS.items()
                                                                  if k in domain.service_field_names},
                                           acting_user=staffer)
    services.domain_action(domain=domain, name="provision", acting_user=staffer)
    drain()
    domain.refresh_from_db()
    assert domain.vendor_state == "active", Operation.objects.filter(state="failed").values_list("last_error")
    return domain, made


def vendor_domain(synaq, domain):
    return synaq.domains[domain.vendor_id]


def _ops_ok():
    failed = list(Operation.objects.exclude(state="succeeded").values_list("kind", "state", "last_error"))
    assert not failed, failed


# ---- the HTTP edge -----------------------------------------------------------------------------
def test_salts_never_repeat_across_threads():
    salts: list[str] = []

    def take():
        salts.extend(new_salt() for _ in range(2000))

    threads = [threading.Thread(target=take) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(salts)) == len(salts) == 16000


def test_a_wrong_api_key_is_refused_and_alerts_about_the_vendor_account(account, customer, catalog, staffer, drain):
    account.credentials = {"user": account.credentials["user"], "key": "wrong"}
    account.save()
    order(customer, account, catalog, staffer)
    drain()
    operation = Operation.objects.get(kind="vendor_customer.create")
    assert operation.state == "failed" and "Invalid API credentials" in operation.last_error
    assert Alert.objects.filter(kind="vendor_auth", target_type="vendor_account", target_id=account.pk).exists()


def test_validation_errors_land_on_the_field_they_name():
    class Answer:
        status_code = 400
        reason = "Bad Request"
        headers: dict = {}

        def json(self):
            return {"code": 400, "message": "Validation Failed", "errors": ["email_local: This value is not valid."]}

    error = SynaqClient.from_response(Answer())
    assert (type(error).__name__, error.field) == ("ValidationFailed", "local_part")
    assert "email_local: This value is not valid." in error.message


def test_lists_are_followed_to_their_last_page(sandbox, synaq, account):
    synaq.seed(domains=230)
    from provisioning.services.context import Context
    from provisioning.vendors.synaq.adapter import SynaqAdapter

    ctx = Context.for_read(account, adapter=SynaqAdapter())
    names = [d["domain_name"] for d in ctx.client.pages("/api/v1/domains.json", "domains")]
    assert len(names) == len(synaq.domains) and len(set(names)) == len(names)


# ---- OUs and packages --------------------------------------------------------------------------
def test_the_first_package_opens_the_customers_company_once(sandbox, synaq, account, customer, catalog, staffer, drain):
    order(customer, account, catalog, staffer)
    order(customer, account, catalog, staffer, ("SYN-PIN-SEC", ["SYN-PIN-SEC-BOTH"]))
    drain()
    _ops_ok()
    company = customer.vendor_customers.get()
    ou = synaq.ous[company.vendor_id]
    assert (ou["type"], ou["title"], ou["client_ref"], ou["parent_guid"]) == (
        "company", "Acme Trading", "ACME-1", account.root_id)
    assert ou["physical_address"]["city"] == "Cape Town"
    assert counter(sandbox, "synaq", "POST /api/v1/ous/<uuid:ou>/companies.json") == 1
    assert {p["code"] for p in synaq.packages.values() if p["ou_guid"] == ou["guid"]} == {"SYN-CMS", "SYN-PIN-SEC"}


def test_a_customer_without_an_address_is_told_before_anything_is_sent(account, catalog, staffer):
    with pytest.raises(ValidationError) as excinfo:
        order(CustomerFactory(), account, catalog, staffer)
    assert "postal address" in str(excinfo.value)
    assert not Operation.objects.exists()


def test_a_lost_response_to_the_company_create_adopts_instead_of_creating_a_second(sandbox, synaq, account, customer,
                                                                                    catalog, staffer, drain):
    synaq.faults.add(kind="drop_after", next=1, method="POST", path="companies")
    order(customer, account, catalog, staffer)
    drain()
    _ops_ok()
    assert sum(1 for ou in synaq.ous.values() if ou["client_ref"] == "ACME-1") == 1


def test_the_catalogue_is_fetched_once_and_cached_until_refreshed(sandbox, account):
    first = vendor_catalog(account=account)
    vendor_catalog(account=account)
    assert counter(sandbox, "synaq", "OPTIONS /api/v1/ous/<uuid:ou>/packages.json") == 1
    vendor_catalog(account=account, refresh=True)
    assert counter(sandbox, "synaq", "OPTIONS /api/v1/ous/<uuid:ou>/packages.json") == 2
    cloudmail = next(p for p in first["products"] if p["code"] == "SYN-CMS")
    assert cloudmail["provision_immediately"] and cloudmail["mailboxes"]


def test_cloudmail_may_be_ordered_with_no_editions_and_gets_the_defaults(synaq, account, customer, catalog, staffer,
                                                                         drain):
    package = order(customer, account, catalog, staffer, ("SYN-CMS", []))
    drain()
    package.refresh_from_db()
    assert package.vendor_id and package.editions == synaq.packages[package.vendor_id]["editions"]
    assert "SYN-CMS-BASIC-02" in package.editions


def test_a_plan_product_needs_exactly_one_edition(account, customer, catalog, staffer):
    with pytest.raises(ValidationError):
        order(customer, account, catalog, staffer, ("SYN-PIN-SEC", ["SYN-PIN-SEC-IN", "SYN-PIN-SEC-OUT"]))
    with pytest.raises(ValidationError):
        order(customer, account, catalog, staffer, ("SYN-PIN-BRD", []))


def test_a_package_is_provisioned_with_all_its_linked_domains(synaq, account, customer, catalog, staffer, drain):
    package = order(customer, account, catalog, staffer)
    first = services.domain_create(customer=customer, vendor_account=account, name="one.example", package=package,
                                   acting_user=staffer, catalog=catalog)
    second = services.domain_create(customer=customer, vendor_account=account, name="two.example", package=package,
                                    acting_user=staffer, catalog=catalog)
    drain()
    services.package_action(package=package, name="provision", acting_user=staffer)
    drain()
    _ops_ok()
    for domain in (first, second):
        domain.refresh_from_db()
        assert domain.vendor_state == "active" == synaq._domain_state(vendor_domain(synaq, domain))


def test_changing_the_edition_of_an_active_package_makes_its_domains_stale_with_an_alert(
        synaq, account, customer, catalog, staffer, drain):
    domain, (package,) = live_domain(customer, account, catalog, staffer, drain,
                                     packages=[("SYN-PIN-SEC", ["SYN-PIN-SEC-OUT"])])
    services.package_change_editions(package=package, editions=["SYN-PIN-SEC-BOTH"], catalog=catalog,
                                     acting_user=staffer)
    drain()
    _ops_ok()
    domain.refresh_from_db()
    package.refresh_from_db()
    assert synaq.packages[package.vendor_id]["editions"] == ["SYN-PIN-SEC-BOTH"]
    assert domain.vendor_state == "stale"
    alert = Alert.objects.get(kind="domain_stale", target_id=domain.pk, resolved_at__isnull=True)
    assert alert.severity == "high" and "Refresh" in alert.next_step


def test_a_package_is_deleted_once_no_domain_is_linked(synaq, account, customer, catalog, staffer, drain):
    package = order(customer, account, catalog, staffer)
    drain()
    guid = Package.objects.get().vendor_id
    services.package_delete(package=package, confirm="SYN-CMS", acting_user=staffer)
    drain()
    _ops_ok()
    assert guid not in synaq.packages and not Package.objects.exists()


# ---- domains -----------------------------------------------------------------------------------
def test_a_domain_created_under_cloudmail_and_provisioned_at_once_uses_one_request(sandbox, synaq, account, customer,
                                                                                    catalog, staffer, drain):
    package = order(customer, account, catalog, staffer)
    domain = services.domain_create(customer=customer, vendor_account=account, name="acme-trading.example",
                                    package=package, provision_now=True, catalog=catalog, acting_user=staffer)
    drain()
    _ops_ok()
    domain.refresh_from_db()
    held = vendor_domain(synaq, domain)
    assert (domain.vendor_state, synaq._domain_state(held)) == ("active", "active")
    assert list(held["packages"]) == [package.__class__.objects.get().vendor_id]
    assert counter(sandbox, "synaq", "POST /api/v1/packages/<uuid:package>/domains.json") == 1
    assert domain.package_links.get().state == "linked"


def test_provision_now_is_refused_for_a_product_that_needs_service_fields(account, customer, catalog, staffer):
    package = order(customer, account, catalog, staffer, ("SYN-PIN-SEC", ["SYN-PIN-SEC-BOTH"]))
    with pytest.raises(ValidationError) as excinfo:
        services.domain_create(customer=customer, vendor_account=account, name="x.example", package=package,
                               provision_now=True, catalog=catalog, acting_user=staffer)
    assert "provision_now" in excinfo.value.message_dict and not Domain.objects.exists()


def test_a_standalone_domain_is_created_under_the_company_then_linked_and_provisioned(
        synaq, account, customer, catalog, staffer, drain):
    package = order(customer, account, catalog, staffer)
    domain = services.domain_create(customer=customer, vendor_account=account, name="solo.example",
                                    acting_user=staffer)
    drain()
    domain.refresh_from_db()
    assert domain.vendor_state == "inactive" and not vendor_domain(synaq, domain)["packages"]
    services.domain_link(domain=domain, package=package, acting_user=staffer)
    drain()
    services.domain_action(domain=domain, name="provision", acting_user=staffer)
    drain()
    _ops_ok()
    domain.refresh_from_db()
    assert domain.vendor_state == "active" and synaq._domain_state(vendor_domain(synaq, domain)) == "active"


@pytest.mark.parametrize("fault", ["drop_after", "no_location"])
def test_a_lost_answer_to_a_domain_create_adopts_it_instead_of_creating_a_second(synaq, account, customer, catalog,
                                                                                 staffer, drain, fault):
    package = order(customer, account, catalog, staffer)
    drain()
    synaq.faults.add(kind=fault, next=1, method="POST", path="/domains")
    domain = services.domain_create(customer=customer, vendor_account=account, name="once.example", package=package,
                                    provision_now=True, catalog=catalog, acting_user=staffer)
    drain()
    _ops_ok()
    domain.refresh_from_db()
    assert sum(1 for d in synaq.domains.values() if d["domain_name"] == "once.example") == 1
    assert domain.vendor_state == "active" and domain.vendor_id in synaq.domains


def test_a_domain_whose_provision_failed_while_the_answer_was_lost_is_provisioned_again(
        synaq, account, customer, catalog, staffer, drain):
    package = order(customer, account, catalog, staffer)
    drain()
    synaq.faults.add(kind="drop_after", next=1, method="POST", path="/domains")
    synaq.faults.add(kind="action_error", next=1, action="Provision")
    domain = services.domain_create(customer=customer, vendor_account=account, name="twice.example", package=package,
                                    provision_now=True, catalog=catalog, acting_user=staffer)
    drain()
    _ops_ok()
    domain.refresh_from_db()
    assert sum(1 for d in synaq.domains.values() if d["domain_name"] == "twice.example") == 1
    assert domain.vendor_state == "active" == synaq._domain_state(vendor_domain(synaq, domain))


def test_a_change_queued_behind_a_failed_mailbox_create_fails_instead_of_waiting_for_ever(synaq, domain, staffer,
                                                                                        drain):
    synaq.faults.add(kind="status", status=422, next=1, method="POST", path="mailboxes")
    mailbox = services.mailbox_create(domain=domain, local_part="never", password="Secret-pass-123",
                                      edition="SYN-CMS-BASIC-02", acting_user=staffer)
    services.mailbox_change_edition(mailbox=mailbox, edition="SYN-CM-PREM-25-ARCH", acting_user=staffer)
    drain()
    change = Operation.objects.get(kind="mailbox.change_edition")
    assert change.state == "failed" and "nothing queued will put it there" in change.last_error
    assert Alert.objects.filter(operation=change).exists()
    assert not any(m["email"] == "never@acme-trading.example" for m in synaq.mailboxes.values())


def test_a_domain_synaq_holds_under_another_organisation_is_refused_on_its_field(account, customer, catalog, staffer,
                                                                                 drain):
    package = order(customer, account, catalog, staffer)
    services.domain_create(customer=customer, vendor_account=account, name="acme.example", package=package,
                           acting_user=staffer, catalog=catalog)  # the demo estate's company holds acme.example
    drain()
    operation = Operation.objects.get(kind="domain.create")
    assert operation.state == "failed" and operation.error_field == "name"
    assert "another organisation" in operation.last_error


def test_service_fields_are_sent_with_their_secret_which_is_then_wiped(synaq, account, customer, catalog, staffer,
                                                                       drain):
    package = order(customer, account, catalog, staffer, ("SYN-PIN-SEC", ["SYN-PIN-SEC-BOTH"]))
    domain = services.domain_create(customer=customer, vendor_account=account, name="secure.example",
                                    package=package, catalog=catalog, acting_user=staffer)
    drain()
    domain.refresh_from_db()
    assert "mail_delivery_location" in domain.service_field_names
    services.domain_set_service_fields(domain=domain, fields={
        "mail_delivery_location": "smtp.secure.example", "auth_method": "smtp", "username": "relay",
        "password": "Relay-Passw0rd!"}, acting_user=staffer)
    drain()
    _ops_ok()
    held = vendor_domain(synaq, domain)["fields"]
    assert held["mail_delivery_location"] == "smtp.secure.example" and held["password"] == "Relay-Passw0rd!"
    domain.refresh_from_db()
    assert domain.service_field_values["password"] is None
    operation = Operation.objects.get(kind="domain.set_service_fields")
    assert operation.secret_payload is None and "Relay-Passw0rd!" not in str(operation.attempt_log.get().exchanges)
    services.domain_action(domain=domain, name="provision", acting_user=staffer)
    drain()
    domain.refresh_from_db()
    assert domain.vendor_state == "active"


def test_a_provision_whose_action_fails_fails_its_operation_with_the_vendors_words(synaq, account, customer, catalog,
                                                                                   staffer, drain):
    package = order(customer, account, catalog, staffer, ("SYN-PIN-SEC", ["SYN-PIN-SEC-BOTH"]))
    domain = services.domain_create(customer=customer, vendor_account=account, name="nofields.example",
                                    package=package, catalog=catalog, acting_user=staffer)
    drain()
    services.domain_action(domain=domain, name="provision", acting_user=staffer)
    drain()
    operation = Operation.objects.get(kind="domain.provision")
    assert operation.state == "failed" and "mail_delivery_location" in operation.last_error
    assert Alert.objects.get(operation=operation).vendor_errors
    domain.refresh_from_db()
    assert domain.vendor_state == "failed"


def test_closing_and_reactivating_a_domain(synaq, account, customer, catalog, staffer, drain):
    domain, _ = live_domain(customer, account, catalog, staffer, drain)
    services.domain_action(domain=domain, name="close", acting_user=staffer)
    drain()
    domain.refresh_from_db()
    assert domain.vendor_state == "closed" == synaq._domain_state(vendor_domain(synaq, domain))
    assert domain.requested_state == "closed"
    services.domain_action(domain=domain, name="activate", acting_user=staffer)
    drain()
    domain.refresh_from_db()
    assert domain.vendor_state == "active" == synaq._domain_state(vendor_domain(synaq, domain))
    _ops_ok()


def test_an_action_the_domain_state_does_not_offer_is_refused(account, customer, catalog, staffer, drain):
    domain, _ = live_domain(customer, account, catalog, staffer, drain)
    with pytest.raises(ValidationError):
        services.domain_action(domain=domain, name="activate", acting_user=staffer)


def test_the_usage_report_is_fetched_and_kept_per_domain_and_month(synaq, account, customer, catalog, staffer, drain):
    domain, _ = live_domain(customer, account, catalog, staffer, drain)
    for local in ("a", "b"):
        services.mailbox_create(domain=domain, local_part=local, password="Secret-pass-123",
                                edition="SYN-CMS-BASIC-02", acting_user=staffer)
    drain()
    services.domain_action(domain=domain, name="usage", acting_user=staffer)
    drain()
    _ops_ok()
    report = UsageReport.objects.get(domain=domain)
    assert report.total == 2 and report.editions[0]["edition_code"] == "SYN-CMS-BASIC-02"
    assert report.month.day == 1


def test_a_domain_with_mailboxes_cannot_be_deleted_until_they_are_gone(account, customer, catalog, staffer, drain):
    domain, _ = live_domain(customer, account, catalog, staffer, drain)
    services.mailbox_create(domain=domain, local_part="a", password="Secret-pass-123", acting_user=staffer,
                            edition="SYN-CMS-BASIC-02")
    with pytest.raises(ValidationError) as excinfo:
        services.domain_delete(domain=domain, confirm=domain.name, acting_user=staffer)
    assert "mailbox" in str(excinfo.value)


def test_an_active_domain_is_deleted_by_its_delete_action_then_its_record(synaq, account, customer, catalog, staffer,
                                                                          drain):
    domain, _ = live_domain(customer, account, catalog, staffer, drain)
    guid = domain.vendor_id
    services.domain_delete(domain=domain, confirm="ACME-trading.example", acting_user=staffer)
    drain()
    _ops_ok()
    assert guid not in synaq.domains and not Domain.objects.filter(pk=domain.pk).exists()


def test_a_delete_that_the_vendor_refuses_leaves_the_domain_here(synaq, account, customer, catalog, staffer, drain):
    domain, _ = live_domain(customer, account, catalog, staffer, drain)
    synaq.faults.add(kind="action_error", action="Delete", next=1)
    services.domain_delete(domain=domain, confirm=domain.name, acting_user=staffer)
    drain()
    assert Operation.objects.get(kind="domain.delete").state == "failed"
    domain.refresh_from_db()
    assert domain.requested_state == "deleted" and domain.vendor_id in synaq.domains


# ---- partial cancellations (the doc's three walkthroughs) ---------------------------------------
def test_cancel_securemail_outbound_on_cloudmail_goes_stale_then_refresh_makes_it_active(
        synaq, account, customer, catalog, staffer, drain):
    domain, (cloudmail, outbound) = live_domain(customer, account, catalog, staffer, drain,
                                                packages=[CLOUDMAIL, ("SYN-PIN-SEC", ["SYN-PIN-SEC-OUT"])])
    services.domain_unlink(domain=domain, package=outbound, acting_user=staffer)
    drain()
    domain.refresh_from_db()
    assert domain.vendor_state == "stale" and not domain.package_links.filter(package=outbound).exists()
    alert = Alert.objects.get(kind="domain_stale", target_id=domain.pk, resolved_at__isnull=True)
    assert "Send Refresh" in alert.next_step  # CloudMail alone needs no service fields
    services.domain_action(domain=domain, name="refresh", acting_user=staffer)
    drain()
    _ops_ok()
    domain.refresh_from_db()
    alert.refresh_from_db()
    assert domain.vendor_state == "active" == synaq._domain_state(vendor_domain(synaq, domain))
    assert alert.resolved_at is not None and alert.resolved_by == staffer


def test_cancel_branding_on_a_securemail_domain_prunes_and_stays_active(synaq, account, customer, catalog, staffer,
                                                                       drain):
    package_sec = order(customer, account, catalog, staffer, ("SYN-PIN-SEC", ["SYN-PIN-SEC-BOTH"]))
    branding = order(customer, account, catalog, staffer, ("SYN-PIN-BRD", ["SYN-PIN-BRD"]))
    domain = services.domain_create(customer=customer, vendor_account=account, name="brand.example",
                                    package=package_sec, catalog=catalog, acting_user=staffer)
    services.domain_link(domain=domain, package=branding, acting_user=staffer)
    drain()
    services.domain_set_service_fields(domain=domain, fields={
        "mail_delivery_location": "smtp.brand.example", "auth_method": "smtp", "username": "u",
        "password": "Passw0rd-1"}, acting_user=staffer)
    services.domain_action(domain=domain, name="provision", acting_user=staffer)
    drain()
    services.domain_unlink(domain=domain, package=branding, acting_user=staffer)
    drain()
    _ops_ok()
    unlink = Operation.objects.get(kind="domain.unlink")
    assert unlink.action_name == "Prune"
    domain.refresh_from_db()
    assert domain.vendor_state == "active" and "branding" not in vendor_domain(synaq, domain)["live"]
    assert not Alert.objects.filter(resolved_at__isnull=True).exists()


def _securemail_with_archive(synaq, account, customer, catalog, staffer, drain):
    secure = order(customer, account, catalog, staffer, ("SYN-PIN-SEC", ["SYN-PIN-SEC-BOTH"]))
    archive = order(customer, account, catalog, staffer, ("SYN-PIN-ARCH", ["SYN-PIN-ARCH-10"]))
    domain = services.domain_create(customer=customer, vendor_account=account, name="archive.example",
                                    package=secure, catalog=catalog, acting_user=staffer)
    services.domain_link(domain=domain, package=archive, acting_user=staffer)
    drain()
    services.domain_set_service_fields(domain=domain, fields={
        "mail_delivery_location": "smtp.archive.example", "auth_method": "smtp", "username": "u",
        "password": "Passw0rd-1"}, acting_user=staffer)
    services.domain_action(domain=domain, name="provision", acting_user=staffer)
    drain()
    domain.refresh_from_db()
    assert domain.vendor_state == "active"
    return domain, archive


def test_cancel_archive_on_a_securemail_domain_prunes_then_goes_stale_until_fields_and_refresh(
        synaq, account, customer, catalog, staffer, drain):
    domain, archive = _securemail_with_archive(synaq, account, customer, catalog, staffer, drain)
    services.domain_unlink(domain=domain, package=archive, acting_user=staffer)
    drain()
    domain.refresh_from_db()
    assert domain.vendor_state == "stale"
    alert = Alert.objects.get(kind="domain_stale", target_id=domain.pk, resolved_at__isnull=True)
    assert "service fields" in alert.next_step
    services.domain_set_service_fields(domain=domain, fields={"mail_delivery_location": "smtp2.archive.example"},
                                       acting_user=staffer)
    services.domain_action(domain=domain, name="refresh", acting_user=staffer)
    drain()
    _ops_ok()
    domain.refresh_from_db()
    alert.refresh_from_db()
    assert domain.vendor_state == "active" == synaq._domain_state(vendor_domain(synaq, domain))
    assert alert.resolved_at is not None


def test_a_failed_prune_opens_a_high_priority_alert_and_sending_it_again_resolves_it(
        synaq, account, customer, catalog, staffer, drain):
    domain, archive = _securemail_with_archive(synaq, account, customer, catalog, staffer, drain)
    synaq.faults.add(kind="action_error", action="Prune", next=1)
    services.domain_unlink(domain=domain, package=archive, acting_user=staffer)
    drain()
    alert = Alert.objects.get(kind="prune_failed", resolved_at__isnull=True)
    assert alert.severity == "high" and "mail flow may be affected" in alert.title
    assert alert.vendor_errors and alert.target_id == domain.pk
    domain.refresh_from_db()
    assert domain.vendor_state == "error" and not domain.package_links.filter(package=archive).exists()
    services.domain_action(domain=domain, name="prune", acting_user=staffer)
    drain()
    alert.refresh_from_db()
    domain.refresh_from_db()
    assert alert.resolved_at is not None and domain.vendor_state == "stale"


# ---- mailboxes ---------------------------------------------------------------------------------
@pytest.fixture
def domain(account, customer, catalog, staffer, drain):
    return live_domain(customer, account, catalog, staffer, drain)[0]


def _mailbox(domain, staffer, drain, local="jo", provision_now=True, edition="SYN-CMS-BASIC-02"):
    mailbox = services.mailbox_create(domain=domain, local_part=local, password="Secret-pass-123", last_name="Smith",
                                      edition=edition, provision_now=provision_now, acting_user=staffer)
    drain()
    mailbox.refresh_from_db()
    return mailbox


def test_a_mailbox_created_and_provisioned_at_once_goes_live(sandbox, synaq, domain, staffer, drain):
    mailbox = _mailbox(domain, staffer, drain)
    held = synaq.mailboxes[mailbox.vendor_id]
    assert (mailbox.vendor_state, held["state"], held["email"]) == ("active", "active", "jo@acme-trading.example")
    assert counter(sandbox, "synaq", "POST /api/v1/domains/<uuid:domain>/mailboxes.json") == 1
    assert Operation.objects.get(kind="mailbox.create").secret_payload is None


def test_a_mailbox_created_without_provisioning_is_provisioned_later(synaq, domain, staffer, drain):
    mailbox = _mailbox(domain, staffer, drain, provision_now=False)
    assert mailbox.vendor_state == "inactive"
    services.mailbox_action(mailbox=mailbox, name="provision", acting_user=staffer)
    drain()
    mailbox.refresh_from_db()
    assert mailbox.vendor_state == "active" == synaq.mailboxes[mailbox.vendor_id]["state"]


def test_a_lost_answer_to_a_mailbox_create_adopts_it(synaq, domain, staffer, drain):
    synaq.faults.add(kind="drop_after", next=1, method="POST", path="mailboxes")
    mailbox = _mailbox(domain, staffer, drain)
    _ops_ok()
    assert sum(1 for m in synaq.mailboxes.values() if m["email"] == "jo@acme-trading.example") == 1
    assert mailbox.vendor_state == "active"


def test_updating_a_live_mailbox_and_its_password_goes_through_update_actions(sandbox, synaq, domain, staffer, drain):
    mailbox = _mailbox(domain, staffer, drain)
    services.mailbox_update(mailbox=mailbox, first_name="Joanna", last_name="Smith-Jones", acting_user=staffer)
    services.mailbox_set_password(mailbox=mailbox, password="Another-pass-456", acting_user=staffer)
    drain()
    _ops_ok()
    held = synaq.mailboxes[mailbox.vendor_id]
    assert (held["first_name"], held["last_name"]) == ("Joanna", "Smith-Jones")
    assert counter(sandbox, "synaq", "PATCH /api/v1/mailboxes/<uuid:mailbox>.json") == 2
    assert Operation.objects.get(kind="mailbox.set_password").secret_payload is None


def test_changing_a_mailboxs_edition(synaq, domain, staffer, drain):
    mailbox = _mailbox(domain, staffer, drain)
    services.mailbox_change_edition(mailbox=mailbox, edition="SYN-CM-PREM-25-ARCH", acting_user=staffer)
    drain()
    _ops_ok()
    mailbox.refresh_from_db()
    assert mailbox.edition == "SYN-CM-PREM-25-ARCH" == synaq.mailboxes[mailbox.vendor_id]["package_edition_code"]


@pytest.mark.parametrize("name, state", [("suspend", "suspended"), ("close", "closed")])
def test_suspending_or_closing_then_reactivating_a_mailbox(synaq, domain, staffer, drain, name, state):
    mailbox = _mailbox(domain, staffer, drain)
    services.mailbox_action(mailbox=mailbox, name=name, acting_user=staffer)
    drain()
    mailbox.refresh_from_db()
    assert mailbox.vendor_state == state == synaq.mailboxes[mailbox.vendor_id]["state"]
    services.mailbox_action(mailbox=mailbox, name="activate", acting_user=staffer)
    drain()
    mailbox.refresh_from_db()
    assert mailbox.vendor_state == "active" == synaq.mailboxes[mailbox.vendor_id]["state"]


def test_a_lock_is_seen_with_its_reason_and_cleared_by_unlock(synaq, domain, staffer, drain):
    mailbox = _mailbox(domain, staffer, drain)
    synaq.lock_mailbox(mailbox.vendor_id, reason="Outbound spam", reason_code="SPAM1")
    drain.check_states()
    mailbox.refresh_from_db()
    assert (mailbox.vendor_state, mailbox.locked, mailbox.lock_reason, mailbox.lock_reason_code) == (
        "locked", True, "Outbound spam", "SPAM1")
    alert = Alert.objects.get(kind="mailbox_locked", target_id=mailbox.pk)
    assert "Change the mailbox's password" in alert.next_step
    services.mailbox_action(mailbox=mailbox, name="unlock", acting_user=staffer)
    drain()
    mailbox.refresh_from_db()
    alert.refresh_from_db()
    assert (mailbox.vendor_state, mailbox.locked) == ("active", False) and alert.resolved_at is not None
    assert not synaq.mailboxes[mailbox.vendor_id]["account_locked"]


def test_deleting_a_live_mailbox_ends_when_its_action_answers_404(synaq, domain, staffer, drain):
    mailbox = _mailbox(domain, staffer, drain)
    guid = mailbox.vendor_id
    services.mailbox_delete(mailbox=mailbox, confirm=mailbox.address, acting_user=staffer)
    drain()
    _ops_ok()
    assert guid not in synaq.mailboxes and not Mailbox.objects.filter(pk=mailbox.pk).exists()
    assert Operation.objects.get(kind="mailbox.delete").action_name == "Delete"


def test_webmail_opens_through_a_one_time_token_that_is_never_stored(sandbox, account, domain, staffer, drain):
    import requests

    mailbox = _mailbox(domain, staffer, drain)
    ref = TargetRef(type="mailbox", pk=mailbox.pk, vendor_id=mailbox.vendor_id, vendor_state="active",
                    label=mailbox.address)
    url = vendor_login_url(account=account, ref=ref)
    token = url.rsplit("=", 1)[1]
    assert requests.get(url, timeout=5).status_code == 200
    assert requests.get(url, timeout=5).status_code == 401  # single use
    assert not Operation.objects.filter(vendor_result__icontains=token).exists()


def test_the_state_check_catches_a_domain_that_went_stale_on_its_own(synaq, domain, staffer, drain):
    vendor_domain(synaq, domain)["stale"] = True
    drain.check_states()
    domain.refresh_from_db()
    assert domain.vendor_state == "stale"
    assert Alert.objects.filter(kind="domain_stale", target_id=domain.pk, resolved_at__isnull=True).exists()


def test_an_organisation_is_deleted_once_the_customer_has_nothing_left_there(synaq, account, customer, catalog,
                                                                             staffer, drain):
    package = order(customer, account, catalog, staffer)
    drain()
    company = customer.vendor_customers.get()
    guid = company.vendor_id
    with pytest.raises(ValidationError):
        services.vendor_customer_delete(vendor_customer=company, confirm=company.title, acting_user=staffer)
    services.package_delete(package=package, confirm="SYN-CMS", acting_user=staffer)
    drain()
    services.vendor_customer_delete(vendor_customer=company, confirm=company.title, acting_user=staffer)
    drain()
    _ops_ok()
    assert guid not in synaq.ous and customer.vendor_customers.get().vendor_state == "deleted"
