"""The Greenview Data sandbox over real HTTP: the doc's examples, then its stateful behaviours."""

from __future__ import annotations

import json
import time

import pytest
import requests

from sandbox.greenview import MAIL_SERVER_LIMIT, captcha_answer
from sandbox.testing import running_sandbox

T = 5  # seconds, per request


@pytest.fixture(scope="module")
def server():
    with running_sandbox(vendors=["greenview"]) as sb:
        yield sb


@pytest.fixture
def sb(server):
    server.reset()
    return server


@pytest.fixture
def api(sb):
    """A small client for the vendor API with the demo reseller's credentials."""
    cfg = sb.config("greenview")
    return Api(sb.base_url("greenview"), (cfg["credentials"]["token"], cfg["credentials"]["key"]))


class Api:
    """Calls below /greenview with HTTP Basic auth (``auth=None`` for the public endpoints)."""

    def __init__(self, base: str, auth: tuple[str, str] | None) -> None:
        self.base = base
        self.auth = auth

    def __call__(self, method: str, path: str, *, auth: object = "default", **kw) -> requests.Response:
        kw.setdefault("headers", {"Accept": "application/json"})
        return requests.request(method, self.base + path, auth=self.auth if auth == "default" else auth,
                                timeout=T, **kw)


def documented_client_body() -> dict:
    return {
        "package_uid": "spamstopshere-standard",
        "user_count": 1,
        "email_address": "phil@greenviewdata.com",
        "name": "Test Customer",
        "domains": [{"name": "customer-domain.test", "mail_servers": ["mail.customer-domain.test"]}],
    }


def documented_reseller_body() -> dict:
    return {
        "name": "Greenview Data", "first_name": "Phil", "last_name": "Green", "email_address": "phil@vedit.com",
        "address": "8178 Jackson Rd", "city": "Ann Arbor", "state": "Michigan", "postal_code": "48103",
        "country": "United States", "phone": "734-426-7500", "username": "my-reseller-account",
        "application_name": "cpanel",
    }


def assert_client_shape(client: dict) -> None:
    assert set(client) == {"id", "package_uid", "user_count", "email_address", "name", "domains"}
    assert isinstance(client["id"], int)
    for domain in client["domains"]:
        assert set(domain) == {"name", "mx_records", "mail_servers"}
        assert [set(mx) for mx in domain["mx_records"]] == [{"priority", "hostname"}] * 2


def solved_captcha(api: Api, path: str = "/v1/clients/new") -> dict:
    captcha = api("GET", path, auth=None).json()["captcha"]
    return {"id": captcha["id"], "answer": captcha_answer(captcha["question"])}


def advance(sb, seconds: float) -> None:
    requests.post(sb.url + "/_sandbox/clock", json={"advance": seconds}, timeout=T)


# ---- contract: every documented example request -------------------------------------------------

def test_doc_get_clients_lists_the_resellers_clients(api):
    response = api("GET", "/v1/clients")
    assert response.status_code == 200
    clients = response.json()
    assert isinstance(clients, list) and clients
    for client in clients:
        assert_client_shape(client)
    assert clients[0] == {
        "id": 49632, "package_uid": None, "user_count": 1, "email_address": "phil@greenviewdata.com",
        "name": "Test Customer",
        "domains": [{"name": "customer-domain.test",
                     "mx_records": [{"priority": 10, "hostname": "customer-domain-test.relay1g.spamh.com."},
                                    {"priority": 20, "hostname": "customer-domain-test.relay1h.spamh.com."}],
                     "mail_servers": ["mail.customer-domain.test"]}],
    }


def test_doc_get_clients_new_gives_blank_client_and_captcha(api):
    response = api("GET", "/v1/clients/new", auth=None)
    assert response.status_code == 200
    body = response.json()
    assert body["client"] == {"id": None, "package_uid": None, "user_count": None, "email_address": None,
                              "name": None, "domains": []}
    assert set(body["captcha"]) == {"id", "question"} and len(body["captcha"]["id"]) == 24


def test_doc_public_post_client_with_solved_captcha_creates_client(api):
    api("DELETE", "/v1/clients/49632")  # frees the doc's example domain held by the demo estate
    body = {"client": documented_client_body(), "captcha": solved_captcha(api)}
    response = api("POST", "/v1/clients", auth=None, json=body)
    assert response.status_code == 201
    assert_client_shape(response.json())
    assert response.json()["domains"][0]["name"] == "customer-domain.test"


def test_doc_public_post_client_verbatim_answers_422_with_new_captcha(api):
    body = {"client": documented_client_body(), "captcha": {"id": "11aabb2233ccdd4455eeff66", "answer": "A"}}
    response = api("POST", "/v1/clients", auth=None, json=body)
    assert response.status_code == 422
    answer = response.json()
    assert set(answer) == {"captcha", "errors"}
    assert set(answer["captcha"]) == {"id", "question"}
    assert answer["errors"]["captcha"] == {"answer": ["is not correct"]}
    # The demo estate already holds the example domain.
    assert answer["errors"]["client"] == {"domains.name": ["customer-domain.test has already been taken"]}


def test_doc_post_client_with_reseller_key_creates_client(api):
    api("DELETE", "/v1/clients/49632")
    response = api("POST", "/v1/clients", json={"client": documented_client_body()})
    assert response.status_code == 201
    client = response.json()
    assert_client_shape(client)
    assert client["user_count"] == 1 and client["name"] == "Test Customer"
    assert client["domains"][0]["mail_servers"] == ["mail.customer-domain.test"]
    assert "Location" not in response.headers


def test_doc_post_client_with_reseller_key_error_shape(api):
    body = {"client": {**documented_client_body(), "package_uid": "no-such-package"}}
    response = api("POST", "/v1/clients", json=body)
    assert response.status_code == 422
    assert response.json() == {"errors": {"client": {
        "package_uid": ["is not a valid package"],
        "domains.name": ["customer-domain.test has already been taken"]}}}


def test_doc_get_client_by_id(api):
    response = api("GET", "/v1/clients/49632")
    assert response.status_code == 200
    assert_client_shape(response.json())
    assert response.json()["id"] == 49632


def test_doc_get_client_by_domain_name(api):
    response = api("GET", "/v1/domains/customer-domain.test/client")
    assert response.status_code == 200
    assert response.json() == api("GET", "/v1/clients/49632").json()


def test_doc_put_client_by_id(api):
    response = api("PUT", "/v1/clients/49632", json=documented_client_body())
    assert response.status_code == 200
    assert_client_shape(response.json())


def test_doc_put_client_by_domain_name(api):
    body = {**documented_client_body(), "user_count": 7}
    response = api("PUT", "/v1/domains/customer-domain.test/client", json=body)
    assert response.status_code == 200
    assert response.json()["id"] == 49632 and response.json()["user_count"] == 7


def test_doc_put_client_error_shape_is_flat(api):
    body = {**documented_client_body(), "package_uid": None}
    response = api("PUT", "/v1/clients/49632", json=body)
    assert response.status_code == 422
    assert response.json() == {"errors": {"package_uid": ["must be specified"]}}


def test_doc_delete_client_by_id(api):
    response = api("DELETE", "/v1/clients/11111111")
    assert response.status_code == 200
    assert response.content == b""


def test_doc_delete_client_by_domain_name(api):
    response = api("DELETE", "/v1/domains/customer-domain.test/client")
    assert response.status_code == 200
    assert api("GET", "/v1/clients/49632").status_code == 404


def test_doc_get_clients_with_subscriptions(api):
    response = api("GET", "/v1/clients/subscriptions")
    assert response.status_code == 200
    for client in response.json():
        subs = client.pop("subscriptions")
        cost = client.pop("monthly_cost")
        assert_client_shape(client)
        assert isinstance(cost, float)
        for sub in subs:
            assert set(sub) == {"monthly_cost", "quantity", "product", "options", "billing_interval",
                                "next_bill_date"}


def test_doc_get_domain_status(api):
    response = api("GET", "/v1/domains/vedit.com/status")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


def test_doc_put_domain_updates_mail_servers(api):
    response = api("PUT", "/v1/domains/vedit.com", json={"mail_servers": ["mail.customer-domain.test"]})
    assert response.status_code == 200
    assert response.json() == {"name": "vedit.com",
                               "mx_records": [{"priority": 10, "hostname": "vedit-com.relay1g.spamh.com."},
                                              {"priority": 20, "hostname": "vedit-com.relay1h.spamh.com."}],
                               "mail_servers": ["mail.customer-domain.test"]}
    assert api("GET", "/v1/domains/vedit.com").json() == response.json()


def test_doc_put_domain_error_for_multiple_mail_servers_on_standard(api):
    response = api("PUT", "/v1/domains/vedit.com", json={"mail_servers": ["mx1.vedit.com", "mx2.vedit.com"]})
    assert response.status_code == 422
    assert response.json() == {"errors": {"mail_servers": [MAIL_SERVER_LIMIT]}}


@pytest.mark.parametrize("path", ["/v1/domains/vedit.com/auth_token", "/v1/clients/1234/auth_token"])
def test_doc_get_auth_token(api, path):
    response = api("GET", path)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "protocol", "login_hostname", "path"}
    assert body["token"] in body["path"]


def test_doc_get_packages_by_tag(api):
    response = api("GET", "/v1/packages/by_tag/cpanel")
    assert response.status_code == 200
    packages = response.json()
    assert [p["position"] for p in packages] == sorted(p["position"] for p in packages)
    assert packages[0] == {
        "id": 1, "uid": "spamstopshere-standard", "name": "Standard", "description": "", "position": 1,
        "free_trial": 30,
        "features": [{"id": 1, "name": "SpamStopsHere Anti-Spam", "blurb": "", "description": "", "position": 1},
                     {"id": 10, "name": "Brilliant 24/7/365 Support", "blurb": "800-458-3348", "description": "",
                      "position": 12}],
        "added_features": [
            {"id": 1, "name": "SpamStopsHere Anti-Spam", "blurb": "", "description": "", "position": 1},
            {"id": 10, "name": "Brilliant 24/7/365 Support", "blurb": "800-458-3348", "description": "",
             "position": 12}],
        "reseller_cost": {"domain_cents": 50, "domain_formatted": "$0.50", "mailbox_cents": 100,
                          "mailbox_formatted": "$1.00"},
    }


def test_doc_get_resellers_new(api):
    response = api("GET", "/v1/resellers/new", auth=None)
    assert response.status_code == 200
    body = response.json()
    assert set(body["captcha"]) == {"id", "question"}
    assert body["reseller"] == {"name": None, "first_name": None, "last_name": None, "email_address": None,
                                "address": None, "city": None, "state": None, "postal_code": None,
                                "country": None, "phone": None, "username": None, "tags": []}


def test_doc_post_reseller_with_solved_captcha_creates_reseller(api):
    captcha = solved_captcha(api, "/v1/resellers/new")
    response = api("POST", "/v1/resellers", auth=None,
                   json={"captcha": captcha, "reseller": documented_reseller_body()})
    assert response.status_code == 201
    body = response.json()
    assert body["reseller"] == {"id": 182904, **documented_reseller_body()}
    assert body["captcha"]["id"] == captcha["id"] and "question" in body["captcha"]


def test_doc_post_reseller_captcha_error_shape(api):
    response = api("POST", "/v1/resellers", auth=None,
                   json={"captcha": {"id": "abc123", "answer": "friday"}, "reseller": documented_reseller_body()})
    assert response.status_code == 422
    body = response.json()
    assert body["reseller"] == documented_reseller_body()
    assert body["errors"] == {"reseller": {}, "captcha": {"answer": ["is not correct"]}}
    assert set(body["captcha"]) == {"id", "question"}


def test_doc_post_reseller_validation_error_shape(api):
    captcha = solved_captcha(api, "/v1/resellers/new")
    reseller = {**documented_reseller_body(), "username": None}
    response = api("POST", "/v1/resellers", auth=None, json={"captcha": captcha, "reseller": reseller})
    assert response.status_code == 422
    body = response.json()
    assert body["errors"] == {"reseller": {"username": ["must be specified"]}, "captcha": {}}
    assert body["captcha"]["id"] == captcha["id"]


# ---- authentication ----------------------------------------------------------------------------

def test_missing_credentials_are_refused_with_basic_challenge(api):
    response = api("GET", "/v1/clients", auth=None)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Basic realm="Application"'


def test_wrong_api_key_is_refused(api):
    assert api("GET", "/v1/clients", auth=(api.auth[0], "wrong-key")).status_code == 401


def test_public_client_post_with_wrong_credentials_is_refused_not_captcha_checked(api):
    response = api("POST", "/v1/clients", auth=("nobody", "nothing"), json={"client": documented_client_body()})
    assert response.status_code == 401


def test_another_resellers_client_answers_404(sb, api):
    other = sb.config("greenview")["seeded"]["other_reseller"]
    assert api("GET", f"/v1/clients/{other['client_id']}").status_code == 404
    assert api("GET", f"/v1/domains/{other['domain']}/status").status_code == 404
    mine = api("GET", "/v1/clients", auth=(other["token"], other["key"])).json()
    assert [c["id"] for c in mine] == [other["client_id"]]


# ---- clients -----------------------------------------------------------------------------------

def test_package_uid_is_never_shown_in_responses(api):
    api("DELETE", "/v1/clients/49632")
    created = api("POST", "/v1/clients", json={"client": documented_client_body()}).json()
    assert created["package_uid"] is None


def test_create_requires_package_user_count_and_domains(api):
    response = api("POST", "/v1/clients", json={"client": {"name": "Nobody"}})
    assert response.status_code == 422
    assert response.json()["errors"]["client"] == {"package_uid": ["must be specified"],
                                                   "user_count": ["must be specified"],
                                                   "domains": ["must be specified"]}


def test_create_without_client_wrapper_is_rejected(api):
    response = api("POST", "/v1/clients", json=documented_client_body())
    assert response.status_code == 422
    assert "package_uid" in response.json()["errors"]["client"]


def test_create_rejects_bad_user_count_and_domain_name(api):
    body = {"client": {**documented_client_body(), "user_count": 0,
                       "domains": [{"name": "not a domain"}]}}
    errors = api("POST", "/v1/clients", json=body).json()["errors"]["client"]
    assert errors == {"user_count": ["must be greater than 0"], "domains.name": ["not a domain is invalid"]}


def test_body_not_sent_as_json_counts_as_no_parameters(api):
    response = api("POST", "/v1/clients", data=json.dumps({"client": documented_client_body()}),
                   headers={"Content-Type": "text/plain"})
    assert response.status_code == 422


def test_malformed_json_body_is_a_400(api):
    response = api("PUT", "/v1/clients/49632", data="{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert "base" in response.json()["errors"]


def test_unknown_client_is_404_in_errors_shape(api):
    response = api("GET", "/v1/clients/999")
    assert response.status_code == 404
    assert response.json() == {"errors": {"base": ["Client not found"]}}


def test_undocumented_method_is_405(api):
    assert api("PATCH", "/v1/clients/49632", json={}).status_code == 405


def test_put_drops_domains_not_listed(api):
    body = {"package_uid": "spamstopshere-enterprise", "user_count": 20,
            "domains": [{"name": "enterprise-customer.test"}]}
    response = api("PUT", "/v1/clients/11111111", json=body)
    assert response.status_code == 200
    assert [d["name"] for d in response.json()["domains"]] == ["enterprise-customer.test"]
    assert api("GET", "/v1/domains/enterprise-customer.example").status_code == 404


def test_put_by_domain_name_drops_domains_not_listed(api):
    body = {"package_uid": "spamstopshere-enterprise", "user_count": 20,
            "domains": [{"name": "enterprise-customer.example"}]}
    response = api("PUT", "/v1/domains/enterprise-customer.test/client", json=body)
    assert response.status_code == 200
    assert [d["name"] for d in response.json()["domains"]] == ["enterprise-customer.example"]
    assert api("GET", "/v1/domains/enterprise-customer.test/client").status_code == 404


def test_put_keeps_mail_servers_of_listed_domain_when_not_given(api):
    body = {"package_uid": "spamstopshere-enterprise", "user_count": 20,
            "domains": [{"name": "enterprise-customer.test"}, {"name": "enterprise-customer.example"}]}
    domains = api("PUT", "/v1/clients/11111111", json=body).json()["domains"]
    assert domains[0]["mail_servers"] == ["mx1.enterprise-customer.test", "mx2.enterprise-customer.test"]


def test_dropped_domain_is_free_for_another_client(api):
    api("PUT", "/v1/clients/11111111", json={"package_uid": "spamstopshere-enterprise", "user_count": 20,
                                              "domains": [{"name": "enterprise-customer.test"}]})
    body = {"client": {"package_uid": "spamstopshere-standard", "user_count": 1,
                       "domains": [{"name": "enterprise-customer.example"}]}}
    assert api("POST", "/v1/clients", json=body).status_code == 201


def test_put_requires_the_domains_list(api):
    body = {"package_uid": "spamstopshere-standard", "user_count": 2}
    response = api("PUT", "/v1/clients/49632", json=body)
    assert response.status_code == 422
    assert response.json() == {"errors": {"domains": ["must be specified"]}}
    assert api("GET", "/v1/clients/49632").json()["user_count"] == 1  # nothing changed


def test_put_cannot_take_another_clients_domain(api):
    body = {**documented_client_body(), "domains": [{"name": "vedit.com"}]}
    response = api("PUT", "/v1/clients/49632", json=body)
    assert response.status_code == 422
    assert response.json() == {"errors": {"domains.name": ["vedit.com has already been taken"]}}


def test_put_adding_a_domain_starts_it_initializing(api):
    body = {**documented_client_body(), "domains": [{"name": "customer-domain.test"}, {"name": "new-one.test"}]}
    assert api("PUT", "/v1/clients/49632", json=body).status_code == 200
    assert api("GET", "/v1/domains/new-one.test/status").json() == {"status": "initializing"}
    assert api("GET", "/v1/domains/customer-domain.test/status").json() == {"status": "ready"}


def test_client_put_with_multiple_mail_servers_on_standard_hits_subscription_limit(api):
    body = {**documented_client_body(),
            "domains": [{"name": "customer-domain.test", "mail_servers": ["a.example.test", "b.example.test"]}]}
    response = api("PUT", "/v1/clients/49632", json=body)
    assert response.status_code == 422
    assert response.json() == {"errors": {"domains.mail_servers": [MAIL_SERVER_LIMIT]}}


def test_deleted_client_is_gone_and_its_domain_freed(api):
    assert api("DELETE", "/v1/clients/1234").status_code == 200
    assert api("GET", "/v1/clients/1234").status_code == 404
    assert api("DELETE", "/v1/clients/1234").status_code == 404
    assert 1234 not in [c["id"] for c in api("GET", "/v1/clients").json()]
    body = {"client": {"package_uid": "spamstopshere-standard", "user_count": 1, "domains": [{"name": "vedit.com"}]}}
    assert api("POST", "/v1/clients", json=body).status_code == 201


def test_cancel_fault_answers_could_not_cancel_account(sb, api):
    sb.vendor("greenview").faults.add(kind="action_error", action="cancel")
    response = api("DELETE", "/v1/clients/49632")
    assert response.status_code == 422
    assert response.json() == {"errors": {"base": ["Could not cancel account"]}}
    assert api("GET", "/v1/clients/49632").status_code == 200


def test_mx_records_point_at_the_spamstopshere_relays(api):
    domain = api("GET", "/v1/domains/enterprise-customer.example").json()
    assert domain["mx_records"] == [{"priority": 10, "hostname": "enterprise-customer-example.relay1g.spamh.com."},
                                    {"priority": 20, "hostname": "enterprise-customer-example.relay1h.spamh.com."}]


# ---- domains -----------------------------------------------------------------------------------

def test_new_domain_is_initializing_then_ready_after_domain_ready_delay(sb, api):
    api("DELETE", "/v1/clients/49632")
    api("POST", "/v1/clients", json={"client": documented_client_body()})
    assert api("GET", "/v1/domains/customer-domain.test/status").json() == {"status": "initializing"}
    advance(sb, 4)
    assert api("GET", "/v1/domains/customer-domain.test/status").json() == {"status": "initializing"}
    advance(sb, 2)
    assert api("GET", "/v1/domains/customer-domain.test/status").json() == {"status": "ready"}


def test_removed_then_readded_domain_waits_its_own_full_delay(sb, api):
    two = {**documented_client_body(), "domains": [{"name": "customer-domain.test"}, {"name": "late.test"}]}
    one = documented_client_body()
    api("PUT", "/v1/clients/49632", json=two)
    sb.app.clock.advance(3)
    api("PUT", "/v1/clients/49632", json=one)
    api("PUT", "/v1/clients/49632", json=two)  # late.test again: a new 5 s setup starts now
    sb.app.clock.advance(3)
    assert api("GET", "/v1/domains/late.test/status").json() == {"status": "initializing"}
    sb.app.clock.advance(3)
    assert api("GET", "/v1/domains/late.test/status").json() == {"status": "ready"}


def test_domain_ready_delay_can_be_set_to_zero(sb, api):
    requests.post(sb.url + "/_sandbox/greenview/delays", json={"domain_ready": 0}, timeout=T)
    api("DELETE", "/v1/clients/49632")
    api("POST", "/v1/clients", json={"client": documented_client_body()})
    assert api("GET", "/v1/domains/customer-domain.test/status").json() == {"status": "ready"}


def test_domain_ready_fault_leaves_status_unknown(sb, api):
    sb.vendor("greenview").faults.add(kind="action_error", action="domain_ready")
    api("DELETE", "/v1/clients/49632")
    api("POST", "/v1/clients", json={"client": documented_client_body()})
    sb.app.clock.advance(10)
    assert api("GET", "/v1/domains/customer-domain.test/status").json() == {"status": "unknown"}


def test_domain_update_requires_mail_servers(api):
    response = api("PUT", "/v1/domains/vedit.com", json={"name": "renamed.test"})
    assert response.status_code == 422
    assert response.json() == {"errors": {"mail_servers": ["must be specified"]}}


def test_domain_update_rejects_invalid_mail_server(api):
    response = api("PUT", "/v1/domains/vedit.com", json={"mail_servers": ["not a host"]})
    assert response.json() == {"errors": {"mail_servers": ["are invalid"]}}


def test_enterprise_domain_accepts_multiple_mail_servers(api):
    response = api("PUT", "/v1/domains/enterprise-customer.test", json={"mail_servers": ["10.0.0.1", "mx9.test"]})
    assert response.status_code == 200
    assert response.json()["mail_servers"] == ["10.0.0.1", "mx9.test"]


def test_unknown_domain_is_404(api):
    response = api("GET", "/v1/domains/nowhere.test/status")
    assert response.status_code == 404
    assert response.json() == {"errors": {"base": ["Domain not found"]}}


# ---- auth tokens -------------------------------------------------------------------------------

def login(body: dict) -> requests.Response:
    return requests.get(f"{body['protocol']}://{body['login_hostname']}{body['path']}", timeout=T)


def test_auth_token_logs_in_within_the_minute(api):
    body = api("GET", "/v1/clients/1234/auth_token").json()
    response = login(body)
    assert response.status_code == 200 and "Vedit" in response.text


def test_auth_token_expires_after_one_minute(sb, api):
    body = api("GET", "/v1/clients/1234/auth_token").json()
    advance(sb, 61)
    assert login(body).status_code == 401


def test_auth_token_is_single_use(api):
    body = api("GET", "/v1/domains/vedit.com/auth_token").json()
    assert login(body).status_code == 200
    assert login(body).status_code == 401


# ---- packages and subscriptions ----------------------------------------------------------------

def test_added_features_are_relative_to_previous_package_in_the_tag(api):
    plesk = api("GET", "/v1/packages/by_tag/plesk").json()
    assert [p["uid"] for p in plesk] == ["spamstopshere-standard", "spamstopshere-enterprise"]
    assert [f["name"] for f in plesk[1]["added_features"]] == [
        "SpamStopsHere Anti-Virus", "RestorEmail Continuity", "Multiple Mail Servers", "Outbound Filtering"]


def test_unknown_package_tag_is_an_empty_list(api):
    response = api("GET", "/v1/packages/by_tag/nothing")
    assert response.status_code == 200 and response.json() == []


def test_subscriptions_follow_user_count_and_domains(api):
    clients = {c["id"]: c for c in api("GET", "/v1/clients/subscriptions").json()}
    enterprise = clients[11111111]
    assert [(s["product"], s["quantity"], s["monthly_cost"]) for s in enterprise["subscriptions"]] == [
        ("SpamStopsHere Mailbox", 20, 40.0), ("SpamStopsHere Domain", 2, 2.0)]
    assert enterprise["monthly_cost"] == 42.0
    assert enterprise["subscriptions"][0]["options"] == ["Enterprise", "Anti-Virus"]


# ---- public sign-up captchas -------------------------------------------------------------------

def test_wrong_captcha_answer_keeps_id_and_asks_a_new_question(api):
    captcha = api("GET", "/v1/clients/new", auth=None).json()["captcha"]
    body = {"client": {**documented_client_body(), "domains": [{"name": "fresh.test"}]},
            "captcha": {"id": captcha["id"], "answer": "wrong"}}
    answer = api("POST", "/v1/clients", auth=None, json=body).json()
    assert answer["captcha"]["id"] == captcha["id"]
    assert answer["captcha"]["question"] != captcha["question"]
    assert answer["errors"] == {"client": {}, "captcha": {"answer": ["is not correct"]}}


def test_missing_captcha_id_gets_a_new_one(api):
    body = {"client": documented_client_body()}
    answer = api("POST", "/v1/clients", auth=None, json=body).json()
    assert len(answer["captcha"]["id"]) == 24


def test_correct_captcha_with_invalid_client_stays_valid(api):
    captcha = solved_captcha(api)
    first = api("POST", "/v1/clients", auth=None, json={"client": {"name": "x"}, "captcha": captcha})
    assert first.status_code == 422 and first.json()["errors"]["captcha"] == {}
    body = {"client": {**documented_client_body(), "domains": [{"name": "fresh.test"}]}, "captcha": captcha}
    assert api("POST", "/v1/clients", auth=None, json=body).status_code == 201


def test_solved_captcha_is_used_up(api):
    captcha = solved_captcha(api)
    body = {"client": {**documented_client_body(), "domains": [{"name": "fresh.test"}]}, "captcha": captcha}
    assert api("POST", "/v1/clients", auth=None, json=body).status_code == 201
    body["client"]["domains"] = [{"name": "fresh2.test"}]
    assert api("POST", "/v1/clients", auth=None, json=body).status_code == 422


def test_publicly_signed_up_client_is_not_the_resellers(api):
    body = {"client": {**documented_client_body(), "domains": [{"name": "fresh.test"}]},
            "captcha": solved_captcha(api)}
    client_id = api("POST", "/v1/clients", auth=None, json=body).json()["id"]
    assert api("GET", f"/v1/clients/{client_id}").status_code == 404


def test_reseller_username_must_be_unique(api):
    reseller = {**documented_reseller_body(), "username": "demo-reseller"}
    body = {"captcha": solved_captcha(api, "/v1/resellers/new"), "reseller": reseller}
    response = api("POST", "/v1/resellers", auth=None, json=body)
    assert response.status_code == 422
    assert response.json()["errors"]["reseller"] == {"username": ["has already been taken"]}


# ---- faults, seeding, control surface ----------------------------------------------------------

def test_throttle_fault_answers_429_with_retry_after(sb, api):
    requests.post(sb.url + "/_sandbox/greenview/faults", json={"kind": "throttle"}, timeout=T)
    response = api("GET", "/v1/clients")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "60"
    assert "base" in response.json()["errors"]


def test_status_fault_uses_the_errors_shape(sb, api):
    sb.vendor("greenview").faults.add(kind="status", status=503, message="Service Unavailable")
    response = api("GET", "/v1/clients")
    assert response.status_code == 503
    assert response.json() == {"errors": {"base": ["Service Unavailable"]}}


def test_seed_large_estate_is_fast_and_visible_through_the_api(sb, api):
    started = time.perf_counter()
    summary = requests.post(sb.url + "/_sandbox/greenview/seed",
                            json={"clients": 5000, "domains": 10000, "mailboxes": 100000}, timeout=60).json()
    assert summary["clients_added"] == 5000 and summary["domains_added"] == 10000
    clients = api("GET", "/v1/clients").json()
    assert time.perf_counter() - started < 20
    seeded = [c for c in clients if c["name"].startswith("Seed Client")]
    assert len(seeded) == 5000
    assert sum(c["user_count"] for c in seeded) == 100000
    assert sum(len(c["domains"]) for c in seeded) == 10000
    name = seeded[-1]["domains"][-1]["name"]
    assert api("GET", f"/v1/domains/{name}/status").json() == {"status": "ready"}


def test_seed_rejects_unknown_parameters(sb):
    response = requests.post(sb.url + "/_sandbox/greenview/seed", json={"mailbox": 5}, timeout=T)
    assert response.status_code == 400


@pytest.mark.parametrize("params", [{"clients": -1, "domains": 5}, {"clients": -3}, {"mailboxes": -1}])
def test_seed_rejects_negative_counts_and_changes_nothing(sb, params):
    response = requests.post(sb.url + "/_sandbox/greenview/seed", json=params, timeout=T)
    assert response.status_code == 400
    assert requests.get(sb.url + "/_sandbox/greenview", timeout=T).json()["clients"] == 4


def test_stats_count_clients_and_domains(sb):
    stats = requests.get(sb.url + "/_sandbox/greenview", timeout=T).json()
    assert stats["clients"] == 4 and stats["domains"] == 5
    assert stats["domains_by_status"] == {"ready": 5}
