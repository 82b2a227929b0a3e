"""Greenview Data end to end: SpamStopsHere clients, their domains, mail servers and MX records, through
the real task code against the sandbox, asserting what Greenview now holds and what the panel shows."""

from __future__ import annotations

import pytest
import requests
from django.core.exceptions import ValidationError

from customers import services
from customers.models import Domain, MonthlyCost, VendorCustomer
from provisioning import targets
from provisioning.models import Alert, Operation
from provisioning.services.reads import vendor_catalog, vendor_login_url, vendor_read
from sandbox.greenview import MAIL_SERVER_LIMIT
from tests.factories import CustomerFactory, queue_operation
from tests.vendors.conftest import account_for, counter

pytestmark = pytest.mark.django_db

STANDARD, ENTERPRISE = "spamstopshere-standard", "spamstopshere-enterprise"
TWO = [("karoosolar.example", ["mail.karoosolar.example"]), ("karoo-pv.example", ["mx.karoo-pv.example"])]


@pytest.fixture
def greenview(sandbox):
    vendor = sandbox.vendor("greenview")
    vendor.delays.update(domain_ready=0)
    return vendor


@pytest.fixture
def account(sandbox, greenview):
    return account_for(sandbox, "greenview")


@pytest.fixture
def customer(db):
    return CustomerFactory(name="Karoo Solar", reference="KARO-003")


@pytest.fixture
def catalog(account):
    return vendor_catalog(account=account)


def open_client(customer, account, catalog, staffer, *, domains=TWO, plan=STANDARD, seats=5):
    return services.vendor_customer_open(customer=customer, vendor_account=account, catalog=catalog,
                                         title=customer.name, email="it@karoosolar.example", plan=plan, seats=seats,
                                         domains=domains, acting_user=staffer)


def held(greenview, client: VendorCustomer) -> dict:
    return greenview.clients[int(client.vendor_id)]


def _ops_ok():
    failed = list(Operation.objects.exclude(state="succeeded").values_list("kind", "state", "last_error"))
    assert not failed, failed


@pytest.fixture
def client(customer, account, catalog, staffer, drain):
    made = open_client(customer, account, catalog, staffer)
    drain()
    _ops_ok()
    made.refresh_from_db()
    return made


# ---- the HTTP edge -----------------------------------------------------------------------------
def test_a_wrong_api_key_is_refused_and_alerts_about_the_vendor_account(sandbox, account, customer, staffer, drain):
    catalog = vendor_catalog(account=account)
    account.credentials = {"token": account.credentials["token"], "key": "wrong"}
    account.save()
    open_client(customer, account, catalog, staffer)
    drain()
    operation = Operation.objects.get(kind="vendor_customer.create")
    assert operation.state == "failed" and "401" in operation.last_error
    assert Alert.objects.filter(kind="vendor_auth", target_type="vendor_account", target_id=account.pk).exists()


def test_packages_by_tag_come_with_their_added_features_and_reseller_cost(sandbox, account):
    catalog = vendor_catalog(account=account)
    standard, professional, enterprise = catalog["packages"]
    assert (standard["uid"], standard["domain_cost"], standard["mailbox_cost"]) == (STANDARD, "$0.50", "$1.00")
    assert "SpamStopsHere Anti-Spam" in standard["added_features"]
    assert "SpamStopsHere Anti-Spam" not in professional["added_features"]
    assert "Multiple Mail Servers" in enterprise["added_features"]
    assert counter(sandbox, "greenview", "GET /v1/packages/by_tag/<tag_name>") == 1


# ---- clients -----------------------------------------------------------------------------------
def test_a_client_is_created_with_its_two_domains_their_mail_servers_and_mx_records(sandbox, greenview, client):
    at_vendor = held(greenview, client)
    assert (at_vendor["package_uid"], at_vendor["user_count"], at_vendor["name"], at_vendor["email_address"]) == (
        STANDARD, 5, "Karoo Solar", "it@karoosolar.example")
    assert at_vendor["domains"] == ["karoosolar.example", "karoo-pv.example"]
    assert counter(sandbox, "greenview", "POST /v1/clients") == 1
    domain = Domain.objects.get(name="karoosolar.example")
    assert (domain.vendor_state, domain.vendor_id, domain.mail_servers) == (
        "ready", "karoosolar.example", ["mail.karoosolar.example"])
    assert [r["value"] for r in domain.dns_records] == ["karoosolar-example.relay1g.spamh.com.",
                                                        "karoosolar-example.relay1h.spamh.com."]
    assert client.vendor_state == "active"


def test_adding_a_domain_sends_the_whole_list_so_the_others_stay(sandbox, greenview, client, staffer, drain):
    services.filtered_domain_add(vendor_customer=client, name="karoo-wind.example", mail_servers=["mail.wind.example"],
                                 acting_user=staffer)
    drain()
    _ops_ok()
    assert held(greenview, client)["domains"] == ["karoosolar.example", "karoo-pv.example", "karoo-wind.example"]
    assert greenview.domains["karoo-wind.example"]["mail_servers"] == ["mail.wind.example"]
    # The domains already held kept their mail servers (the PUT left them out).
    assert greenview.domains["karoo-pv.example"]["mail_servers"] == ["mx.karoo-pv.example"]
    assert Domain.objects.get(name="karoo-wind.example").vendor_state == "ready"


def test_removing_one_domain_keeps_the_other(sandbox, greenview, client, staffer, drain):
    services.domain_delete(domain=Domain.objects.get(name="karoo-pv.example"), confirm="karoo-pv.example",
                           acting_user=staffer)
    drain()
    _ops_ok()
    assert held(greenview, client)["domains"] == ["karoosolar.example"]
    assert "karoo-pv.example" not in greenview.domains
    assert greenview.domains["karoosolar.example"]["status"] == "ready"  # never removed and re-added
    assert list(Domain.objects.values_list("name", flat=True)) == ["karoosolar.example"]
    assert counter(sandbox, "greenview", "PUT /v1/clients/<int:client_id>") == 1


def test_the_last_domain_of_a_client_cannot_be_removed(client, staffer, drain):
    services.domain_delete(domain=Domain.objects.get(name="karoo-pv.example"), confirm="karoo-pv.example",
                           acting_user=staffer)
    with pytest.raises(ValidationError) as excinfo:
        services.domain_delete(domain=Domain.objects.get(name="karoosolar.example"), confirm="karoosolar.example",
                               acting_user=staffer)
    assert "cancel the client" in str(excinfo.value)


def test_updating_the_client_sends_its_details_with_every_domain(greenview, client, catalog, staffer, drain):
    services.vendor_customer_update(vendor_customer=client, seats=12, email="ops@karoosolar.example",
                                    catalog=catalog, acting_user=staffer)
    drain()
    _ops_ok()
    at_vendor = held(greenview, client)
    assert (at_vendor["user_count"], at_vendor["email_address"]) == (12, "ops@karoosolar.example")
    assert at_vendor["domains"] == ["karoosolar.example", "karoo-pv.example"]


def test_a_lost_answer_to_the_create_adopts_the_client_instead_of_creating_a_second(greenview, account, customer,
                                                                                    catalog, staffer, drain):
    greenview.faults.add(kind="drop_after", next=1, method="POST", path="^/v1/clients$")
    client = open_client(customer, account, catalog, staffer)
    drain()
    _ops_ok()
    client.refresh_from_db()
    mine = [c for c in greenview.clients.values() if "karoosolar.example" in c["domains"]]
    assert len(mine) == 1 and str(mine[0]["id"]) == client.vendor_id


def test_a_domain_another_reseller_holds_is_refused_on_the_domains_field(account, customer, catalog, staffer, drain):
    open_client(customer, account, catalog, staffer, domains=[("other-reseller-customer.test", [])])
    drain()
    operation = Operation.objects.get(kind="vendor_customer.create")
    assert operation.state == "failed" and operation.error_field == "domains"
    assert "has already been taken" in operation.last_error


def test_an_unknown_package_is_refused_on_the_plan_field_in_the_vendors_words(account, customer, staffer, drain):
    client = VendorCustomer.objects.create(customer=customer, vendor_account=account, title="Karoo", plan="nope",
                                           seats=1)
    Domain.objects.create(customer=customer, vendor_account=account, vendor_customer=client, name="nope.example")
    queue_operation(client, "vendor_customer.create", acting_user=staffer)
    drain()
    operation = Operation.objects.get(kind="vendor_customer.create")
    assert (operation.state, operation.error_field) == ("failed", "plan")
    assert "Package is not a valid package" in operation.last_error


def test_bad_input_is_refused_before_anything_is_sent(account, customer, catalog, staffer):
    with pytest.raises(ValidationError) as excinfo:
        open_client(customer, account, catalog, staffer, domains=[("not a domain", [])], seats=0)
    assert set(excinfo.value.message_dict) >= {"seats"}
    with pytest.raises(ValidationError) as excinfo:
        open_client(customer, account, catalog, staffer, domains=[("ok.example", ["bad host!"])])
    assert "domains" in excinfo.value.message_dict
    assert not Operation.objects.exists() and not VendorCustomer.objects.exists()


def test_the_client_is_read_by_id_and_by_domain(sandbox, greenview, client, staffer, drain):
    services.vendor_customer_action(vendor_customer=client, name="sync", acting_user=staffer)
    drain()
    assert counter(sandbox, "greenview", "GET /v1/clients/<int:client_id>") == 1
    VendorCustomer.objects.filter(pk=client.pk).update(vendor_id="")
    services.vendor_customer_action(vendor_customer=client, name="sync", acting_user=staffer)
    drain()
    _ops_ok()
    assert counter(sandbox, "greenview", "GET /v1/domains/<domain_name>/client") == 1
    client.refresh_from_db()
    assert client.vendor_id == str(held(greenview, client)["id"])


def test_the_clients_list_is_read_and_searched(account, client):
    page = vendor_read(account=account, what="customers", search="karoo")
    assert [i["vendor_id"] for i in page["items"]] == [client.vendor_id] and page["total"] == 1
    assert vendor_read(account=account, what="customers")["total"] == 4


# ---- domains -----------------------------------------------------------------------------------
def test_a_new_domain_is_followed_from_initializing_to_ready(sandbox, greenview, account, customer, catalog, staffer,
                                                             drain):
    greenview.delays.update(domain_ready=600)
    open_client(customer, account, catalog, staffer, domains=TWO[:1])
    drain(until=lambda: Operation.objects.filter(kind="domain.create", state="polling").exists())
    domain = Domain.objects.get()
    assert domain.vendor_state == "initializing" and domain.dns_records
    sandbox.app.clock.advance(601)
    drain()
    _ops_ok()
    domain.refresh_from_db()
    assert domain.vendor_state == "ready"
    assert Operation.objects.get(kind="domain.create").action_name == "Initialize"


def test_a_domain_initializing_past_the_threshold_opens_an_alert_that_ready_resolves(
        sandbox, greenview, account, customer, catalog, staffer, drain):
    account.options = {"ready_alert_minutes": 0}
    account.save()
    greenview.delays.update(domain_ready=600)
    open_client(customer, account, catalog, staffer, domains=TWO[:1])
    drain()
    _ops_ok()
    domain = Domain.objects.get()
    alert = Alert.objects.get(kind="domain_not_ready", target_id=domain.pk)
    assert domain.vendor_state == "initializing" and "don't change mx records yet" in alert.message
    sandbox.app.clock.advance(601)
    drain.check_states()
    domain.refresh_from_db()
    alert.refresh_from_db()
    assert domain.vendor_state == "ready" and alert.resolved_at is not None


def test_an_unknown_status_opens_a_high_priority_alert(greenview, account, customer, catalog, staffer, drain):
    greenview.faults.add(kind="action_error", action="domain_ready", next=1)
    open_client(customer, account, catalog, staffer, domains=TWO[:1])
    drain()
    domain = Domain.objects.get()
    alert = Alert.objects.get(kind="domain_error", target_id=domain.pk)
    assert domain.vendor_state == "error" and alert.severity == "high" and "unknown" in alert.title


def test_two_mail_servers_on_standard_are_refused_on_the_field_in_the_docs_words(greenview, client, staffer, drain):
    domain = Domain.objects.get(name="karoosolar.example")
    services.domain_set_mail_servers(domain=domain, mail_servers=["mx1.karoosolar.example", "mx2.karoosolar.example"],
                                     acting_user=staffer)
    drain()
    operation = Operation.objects.get(kind="domain.set_mail_servers")
    assert (operation.state, operation.error_field) == ("failed", "mail_servers")
    assert MAIL_SERVER_LIMIT in operation.last_error
    domain.refresh_from_db()
    assert domain.mail_servers == ["mail.karoosolar.example"] == greenview.domains[domain.name]["mail_servers"]


def test_mail_servers_are_changed_where_the_subscription_allows(greenview, account, customer, catalog, staffer, drain):
    open_client(customer, account, catalog, staffer, plan=ENTERPRISE, domains=TWO[:1])
    drain()
    domain = Domain.objects.get()
    services.domain_set_mail_servers(domain=domain, mail_servers=["mx1.karoosolar.example", "mx2.karoosolar.example"],
                                     acting_user=staffer)
    drain()
    _ops_ok()
    domain.refresh_from_db()
    assert domain.mail_servers == ["mx1.karoosolar.example", "mx2.karoosolar.example"]
    assert greenview.domains[domain.name]["mail_servers"] == domain.mail_servers


# ---- cancel ------------------------------------------------------------------------------------
def test_cancelling_a_client_by_id_removes_it_and_its_domains(sandbox, greenview, client, staffer, drain):
    client_id = int(client.vendor_id)
    services.vendor_customer_delete(vendor_customer=client, confirm="Karoo Solar", acting_user=staffer)
    drain()
    _ops_ok()
    assert client_id not in greenview.clients and "karoosolar.example" not in greenview.domains
    client.refresh_from_db()
    assert (client.vendor_state, client.requested_state) == ("deleted", "deleted")
    assert not Domain.objects.exists()
    assert counter(sandbox, "greenview", "DELETE /v1/clients/<int:client_id>") == 1


def test_a_client_whose_id_the_panel_never_learnt_is_cancelled_by_domain(sandbox, greenview, client, staffer, drain):
    client_id = int(client.vendor_id)
    VendorCustomer.objects.filter(pk=client.pk).update(vendor_id="")
    services.vendor_customer_delete(vendor_customer=client, confirm="Karoo Solar", acting_user=staffer)
    drain()
    _ops_ok()
    assert client_id not in greenview.clients
    assert counter(sandbox, "greenview", "DELETE /v1/domains/<domain_name>/client") == 1


def test_a_cancel_greenview_refuses_fails_in_its_words_and_the_client_stays(greenview, client, staffer, drain):
    greenview.faults.add(kind="action_error", action="cancel", next=1)
    services.vendor_customer_delete(vendor_customer=client, confirm="Karoo Solar", acting_user=staffer)
    drain()
    operation = Operation.objects.get(kind="vendor_customer.delete")
    assert operation.state == "failed" and "Could not cancel account" in operation.last_error
    assert int(client.vendor_id) in greenview.clients and Domain.objects.count() == 2


def test_cancelling_needs_the_clients_name_typed(client, staffer):
    with pytest.raises(ValidationError):
        services.vendor_customer_delete(vendor_customer=client, confirm="karoo", acting_user=staffer)
    assert not Operation.objects.filter(kind="vendor_customer.delete").exists()


# ---- sign-on and costs -------------------------------------------------------------------------
def test_spamstopshere_opens_through_a_one_minute_token_that_is_never_stored(account, client):
    ref = targets.get("vendor_customer").ref(client.pk)
    url = vendor_login_url(account=account, ref=ref)
    token = url.rsplit("=", 1)[1]
    assert requests.get(url, timeout=5).status_code == 200
    assert requests.get(url, timeout=5).status_code == 401  # used up
    assert not Operation.objects.filter(vendor_result__icontains=token).exists()
    assert not Operation.objects.filter(attempt_log__exchanges__icontains=token).exists()


def test_monthly_costs_are_fetched_and_kept_per_month(greenview, account, client, staffer, drain):
    services.costs_fetch(vendor_account=account, acting_user=staffer)
    drain()
    _ops_ok()
    cost = MonthlyCost.objects.get(vendor_customer=client)
    assert cost.month.day == 1
    # Standard: five users at $1.00 and two domains at $0.50.
    assert float(cost.monthly_cost) == 6.0
    assert {s["product"] for s in cost.subscriptions} == {"SpamStopsHere Mailbox", "SpamStopsHere Domain"}


def test_a_domain_added_from_the_customers_page_joins_the_customers_client(greenview, account, client, staffer,
                                                                          drain):
    services.domain_create(customer=client.customer, vendor_account=account, name="karoo-three.example",
                           acting_user=staffer)
    drain()
    _ops_ok()
    assert "karoo-three.example" in held(greenview, client)["domains"]
    assert Domain.objects.get(name="karoo-three.example").vendor_customer_id == client.pk
