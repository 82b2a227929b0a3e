"""The BaseKit account-domains sandbox, driven over real HTTP as the panel's adapter will drive it."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from sandbox.testing import running_sandbox

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.000000$")


@pytest.fixture(scope="module")
def server():
    with running_sandbox(vendors=["basekit"]) as sb:
        yield sb


@pytest.fixture
def sb(server):
    server.reset()
    return server


class Client:
    """A thin BaseKit client: base URL, Basic credentials, demo refs."""

    def __init__(self, sb):
        config = sb.config("basekit")
        self.sb = sb
        self.base = sb.base_url("basekit")
        self.auth = (config["credentials"]["user"], config["credentials"]["password"])
        self.seeded = config["seeded"]
        self.holder = self.seeded["account_holder_ref"]
        self.domain = self.seeded["account_domain_ref"]

    def call(self, method, path, **kwargs):
        kwargs.setdefault("auth", self.auth)
        kwargs.setdefault("timeout", 10)
        return requests.request(method, self.base + path, **kwargs)

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.call("POST", path, **kwargs)

    def mailbox_path(self, user, holder=None, domain=None):
        return f"/users/{holder or self.holder}/domains/{domain or self.domain}/mailboxes/{user}"

    def add_mailbox(self, user, password="imakebeer", **kwargs):
        return self.call("PUT", self.mailbox_path(user, **kwargs), json={"password": password})

    def domain_mailboxes(self, holder=None, domain=None, **params):
        path = f"/users/{holder or self.holder}/domains/{domain or self.domain}/mailboxes"
        return self.get(path, params=params)

    def control(self, method, what, **kwargs):
        return requests.request(method, f"{self.sb.url}/_sandbox/basekit/{what}", timeout=30, **kwargs)

    def advance(self, seconds):
        requests.post(f"{self.sb.url}/_sandbox/clock", json={"advance": seconds}, timeout=5)

    def outbox(self):
        return self.control("GET", "stats").json()["recent_emails"]


@pytest.fixture
def api(sb):
    return Client(sb)


def assert_php_date(value):
    assert set(value) == {"date", "timezone_type", "timezone"}
    assert DATE_RE.match(value["date"]) and value["timezone_type"] == 3 and value["timezone"] == "Europe/London"


def assert_validation_failed(response, field):
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == 400 and body["message"] == "Validation Failed"
    assert body["errors"]["children"][field]["errors"]
    return body


# ---- contract tests: one per documented example ---------------------------------------------------


def test_get_account_domain_answers_documented_shape(api):
    response = api.get(f"/account-domains/{api.domain}")
    assert response.status_code == 200
    domain = response.json()["accountDomain"]
    assert domain["domainName"] == "johnsmith.co.uk"
    assert domain["active"] == 1 and domain["autoRenew"] == 1 and domain["ref"] == api.domain
    assert_php_date(domain["domainRegistered"])
    assert_php_date(domain["expiryDate"])
    assert isinstance(domain["accountHolder"], dict) and domain["accountHolder"]["ref"] == api.holder
    assert isinstance(domain["domainProduct"], dict)
    assert domain["dnsProvider"] == {"ref": 4}


def test_get_account_domains_answers_documented_shape(api):
    response = api.get(f"/users/{api.holder}/account-domains")
    assert response.status_code == 200
    domains = response.json()["accountDomains"]
    assert [d["ref"] for d in domains] == [api.domain, api.seeded["pending_account_domain_ref"]]
    first = domains[0]
    assert set(first) == {"ref", "name", "renewalDate", "autoRenew", "isFree", "active", "domainRegistered",
                          "expiryDate", "domainProduct", "accountPackage"}
    assert first["name"] == "johnsmith.co.uk" and first["active"] == 1 and first["isFree"] is False
    for key in ("renewalDate", "domainRegistered", "expiryDate"):
        assert_php_date(first[key])


def test_get_mailboxes_answers_domain_mailboxes(api):
    response = api.get(f"/users/{api.holder}/domains/mailboxes")
    assert response.status_code == 200
    assert response.json() == {"domainMailboxes": [
        {"user": "john@johnsmith.co.uk", "status": "active", "accountDomainRef": api.domain,
         "domainName": "johnsmith.co.uk"},
    ]}


def test_get_domain_mailboxes_answers_mailboxes(api):
    response = api.domain_mailboxes()
    assert response.status_code == 200
    assert response.json() == {"mailboxes": [{"user": "john@johnsmith.co.uk", "status": "active"}]}


def test_add_domain_mailbox_answers_pending_mailbox(api):
    response = api.call("PUT", api.mailbox_path("newuser"), json={"password": "imakebeer"},
                        headers={"Content-Type": "application/json"})
    assert response.status_code == 200
    assert response.json() == {"mailbox": [{"user": "newuser@johnsmith.co.uk", "status": "pending"}]}


def test_delete_domain_mailbox_answers_204_and_removes_it(api):
    response = api.call("DELETE", api.mailbox_path("john"))
    assert response.status_code == 204 and response.content == b""
    assert api.domain_mailboxes().json() == {"mailboxes": []}


def test_mailbox_login_token_answers_token(api):
    response = api.post(api.mailbox_path("john") + "/login-tokens")
    assert response.status_code == 200
    token = response.json()["loginToken"]
    assert re.fullmatch(r"[a-z0-9]{25}", token)
    assert api.sb.vendor("basekit").redeem_login_token(token) == "john@johnsmith.co.uk"


def test_forgotten_password_documented_request_answers_204_and_mails_link(api):
    response = api.post("/users/forgotten-password", json={
        "username": "johnsmith", "email": "johnsmith@mail.co.uk", "loginLink": "http://www.website.co.uk/reset"})
    assert response.status_code == 204 and response.content == b""
    [email] = api.outbox()
    assert email["to"] == "johnsmith@mail.co.uk" and email["kind"] == "forgotten-password"
    assert email["link"] == f"http://www.website.co.uk/reset?h={email['hash']}"


def test_reset_password_with_mailed_hash_answers_204(api):
    api.post("/users/forgotten-password", json={"username": "johnsmith", "loginLink": "http://www.website.co.uk/reset"})
    mailed_hash = api.outbox()[-1]["hash"]
    response = api.post("/users/reset-password", json={"hash": mailed_hash, "password": "thenewpassword"})
    assert response.status_code == 204 and response.content == b""
    assert api.sb.vendor("basekit").holders[api.holder]["passwordHash"] is not None


def test_reset_password_documented_example_hash_is_invalid(api):
    documented = {"hash": "kajhrgiwyrgjalsdkgj98ehgr", "password": "thenewpassword"}
    response = api.post("/users/reset-password", json=documented)
    assert_validation_failed(response, "hash")


def test_send_verification_email_answers_204_and_mails_token_link(api):
    response = api.post(f"/users/{api.holder}/send-verification-email",
                        json={"verificationUrl": "https://example.com/verify"})
    assert response.status_code == 204 and response.content == b""
    [email] = api.outbox()
    assert email["kind"] == "email-verification" and email["to"] == "johnsmith@mail.co.uk"
    assert parse_qs(urlsplit(email["link"]).query) == {"token": [email["token"]]}
    assert email["link"].startswith("https://example.com/verify?")


def test_validate_email_verification_token_answers_204_and_verifies(api):
    api.post(f"/users/{api.holder}/send-verification-email", json={"verificationUrl": "https://example.com/verify"})
    token = api.outbox()[-1]["token"]
    response = api.post(f"/users/{api.holder}/validate-email-verification-token", json={"token": token})
    assert response.status_code == 204 and response.content == b""
    assert api.get(f"/users/{api.holder}").json()["accountHolder"]["emailVerified"] is True


def test_validate_documented_example_token_is_400(api):
    response = api.post(f"/users/{api.holder}/validate-email-verification-token",
                        json={"token": "J4kawdtfj2FcLcHq9SFyANBVz2BW5ECn"})
    assert_validation_failed(response, "token")


def test_get_account_holder_reports_email_not_verified(api):
    response = api.get(f"/users/{api.holder}")
    assert response.status_code == 200
    holder = response.json()["accountHolder"]
    assert holder["ref"] == api.holder and holder["username"] == "johnsmith" and holder["emailVerified"] is False


def test_config_names_basic_credentials_and_demo_refs(sb):
    config = sb.config("basekit")
    assert set(config["credentials"]) == {"user", "password"}
    seeded = config["seeded"]
    assert isinstance(seeded["account_holder_ref"], int) and isinstance(seeded["account_domain_ref"], int)
    assert seeded["mailbox"] == "john@johnsmith.co.uk"


# ---- auth --------------------------------------------------------------------------------------------


def test_missing_credentials_answer_401_with_basic_challenge(api):
    response = api.get(f"/account-domains/{api.domain}", auth=None)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Basic realm="BaseKit API"'
    assert response.json()["code"] == 401


def test_wrong_password_answers_401(api):
    response = api.get(f"/account-domains/{api.domain}", auth=(api.auth[0], "wrong"))
    assert response.status_code == 401 and response.json()["message"] == "Invalid credentials."


def test_bearer_token_is_not_accepted(api):
    response = api.get(f"/account-domains/{api.domain}", auth=None, headers={"Authorization": "Bearer abc"})
    assert response.status_code == 401


@pytest.mark.parametrize("method,path", [
    ("GET", "/account-domains/1"),
    ("GET", "/users/500001"),
    ("GET", "/users/500001/account-domains"),
    ("GET", "/users/500001/domains/mailboxes"),
    ("GET", "/users/500001/domains/1/mailboxes"),
    ("PUT", "/users/500001/domains/1/mailboxes/newuser"),
    ("DELETE", "/users/500001/domains/1/mailboxes/john"),
    ("POST", "/users/500001/domains/1/mailboxes/john/login-tokens"),
    ("POST", "/users/forgotten-password"),
    ("POST", "/users/reset-password"),
    ("POST", "/users/500001/send-verification-email"),
    ("POST", "/users/500001/validate-email-verification-token"),
])
def test_every_documented_route_requires_auth(api, method, path):
    assert api.call(method, path, auth=None).status_code == 401


def test_refused_call_changes_nothing(api):
    api.call("DELETE", api.mailbox_path("john"), auth=("someone", "else"))
    assert len(api.domain_mailboxes().json()["mailboxes"]) == 1


# ---- refs, routes and bodies ------------------------------------------------------------------


def test_unknown_account_domain_is_404(api):
    response = api.get("/account-domains/999999")
    assert response.status_code == 404
    assert response.json() == {"code": 404, "message": "Account domain not found"}


def test_unknown_account_holder_is_404(api):
    response = api.get("/users/999/account-domains")
    assert response.status_code == 404 and response.json()["message"] == "Account holder not found"


def test_holder_ref_used_as_domain_ref_is_404(api):
    assert api.get(f"/account-domains/{api.holder}").status_code == 404


def test_non_integer_ref_is_404(api):
    response = api.get("/account-domains/abc")
    assert response.status_code == 404 and response.json()["code"] == 404


def test_domain_of_another_holder_is_404(api):
    other_domain = api.seeded["other_account_domain_ref"]
    response = api.domain_mailboxes(domain=other_domain)
    assert response.status_code == 404 and response.json()["message"] == "Account domain not found"


def test_adding_mailbox_on_another_holders_domain_is_404_and_adds_nothing(api):
    other_domain = api.seeded["other_account_domain_ref"]
    assert api.add_mailbox("intruder", domain=other_domain).status_code == 404
    holder = api.seeded["other_account_holder_ref"]
    assert api.domain_mailboxes(holder=holder, domain=other_domain).json() == {"mailboxes": []}


def test_wrong_method_is_405_with_allow_header(api):
    response = api.get("/users/forgotten-password")
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST" and response.json()["code"] == 405


def test_add_mailbox_without_password_is_validation_failed(api):
    response = api.call("PUT", api.mailbox_path("newuser"), json={})
    body = assert_validation_failed(response, "password")
    assert body["errors"]["children"]["password"]["errors"] == ["This value should not be blank."]


def test_add_mailbox_with_empty_body_is_validation_failed(api):
    assert_validation_failed(api.call("PUT", api.mailbox_path("newuser")), "password")


def test_add_mailbox_with_non_string_password_is_validation_failed(api):
    assert_validation_failed(api.call("PUT", api.mailbox_path("newuser"), json={"password": 123456}), "password")


def test_add_mailbox_with_short_password_is_validation_failed(api):
    assert_validation_failed(api.add_mailbox("newuser", password="abc"), "password")


def test_add_mailbox_with_extra_field_is_validation_failed(api):
    response = api.call("PUT", api.mailbox_path("newuser"), json={"password": "imakebeer", "quota": 10})
    assert response.status_code == 400
    assert response.json()["errors"]["errors"] == ["This form should not contain extra fields."]


def test_form_encoded_body_is_415(api):
    response = api.call("PUT", api.mailbox_path("newuser"), data={"password": "imakebeer"})
    assert response.status_code == 415 and response.json()["code"] == 415


def test_malformed_json_is_400(api):
    response = api.call("PUT", api.mailbox_path("newuser"), data="{nope",
                        headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"code": 400, "message": "Invalid json message received"}


def test_json_array_body_is_400(api):
    response = api.call("PUT", api.mailbox_path("newuser"), json=["imakebeer"])
    assert response.status_code == 400 and response.json()["message"] == "Validation Failed"


def test_invalid_mailbox_user_name_is_400(api):
    response = api.add_mailbox("bad@name")
    assert response.status_code == 400 and "user name" in response.json()["message"]


def test_mailbox_user_name_is_lower_cased(api):
    assert api.add_mailbox("NewUser").json()["mailbox"][0]["user"] == "newuser@johnsmith.co.uk"


def test_adding_existing_mailbox_is_409_and_changes_nothing(api):
    before = api.sb.vendor("basekit").domains[api.domain]["mailboxes"]["john"]["passwordHash"]
    response = api.add_mailbox("john", password="anotherpassword")
    assert response.status_code == 409 and response.json() == {"code": 409, "message": "Mailbox already exists"}
    assert api.sb.vendor("basekit").domains[api.domain]["mailboxes"]["john"]["passwordHash"] == before


def test_adding_pending_mailbox_again_is_409(api):
    api.add_mailbox("newuser")
    assert api.add_mailbox("newuser").status_code == 409


def test_delete_unknown_mailbox_is_404(api):
    response = api.call("DELETE", api.mailbox_path("nobody"))
    assert response.status_code == 404 and response.json()["message"] == "Mailbox not found"


def test_login_token_for_unknown_mailbox_is_404(api):
    assert api.post(api.mailbox_path("nobody") + "/login-tokens").status_code == 404


# ---- account domains and mailboxes over time --------------------------------------------------------


def test_added_account_domain_is_inactive_until_domain_active_delay(api):
    pending = api.seeded["pending_account_domain_ref"]
    assert api.get(f"/account-domains/{pending}").json()["accountDomain"]["active"] == 0
    api.advance(api.sb.vendor("basekit").default_delays["domain_active"] + 0.1)
    assert api.get(f"/account-domains/{pending}").json()["accountDomain"]["active"] == 1


def test_account_domain_still_inactive_before_delay_passes(api):
    pending = api.seeded["pending_account_domain_ref"]
    api.advance(api.sb.vendor("basekit").default_delays["domain_active"] - 1)
    assert api.get(f"/account-domains/{pending}").json()["accountDomain"]["active"] == 0


def test_adding_mailbox_on_inactive_domain_is_400(api):
    response = api.add_mailbox("early", domain=api.seeded["pending_account_domain_ref"])
    assert response.status_code == 400
    assert response.json() == {"code": 400, "message": "Account domain is not active"}


def test_adding_mailbox_once_domain_turned_active_succeeds(api):
    api.advance(api.sb.vendor("basekit").default_delays["domain_active"] + 0.1)
    response = api.add_mailbox("later", domain=api.seeded["pending_account_domain_ref"])
    assert response.status_code == 200


def test_new_mailbox_turns_active_after_mailbox_active_delay(api):
    api.add_mailbox("newuser")
    api.advance(api.sb.vendor("basekit").default_delays["mailbox_active"] + 0.1)
    assert {"user": "newuser@johnsmith.co.uk", "status": "active"} in api.domain_mailboxes().json()["mailboxes"]


def test_new_mailbox_still_pending_before_delay_passes(api):
    api.add_mailbox("newuser")
    api.advance(api.sb.vendor("basekit").default_delays["mailbox_active"] / 2)
    assert {"user": "newuser@johnsmith.co.uk", "status": "pending"} in api.domain_mailboxes().json()["mailboxes"]


def test_zero_mailbox_delay_set_through_control_surface_activates_on_next_request(api):
    assert api.control("POST", "delays", json={"mailbox_active": 0}).json()["mailbox_active"] == 0
    api.add_mailbox("quick")
    statuses = {m["user"]: m["status"] for m in api.domain_mailboxes().json()["mailboxes"]}
    assert statuses["quick@johnsmith.co.uk"] == "active"


def test_mailbox_deleted_while_pending_and_added_again_restarts_pending(api):
    api.add_mailbox("newuser")
    api.advance(2)
    api.call("DELETE", api.mailbox_path("newuser"))
    api.add_mailbox("newuser")
    api.advance(1.5)  # the first mailbox's activation is due now, but it must not touch the new one
    assert {"user": "newuser@johnsmith.co.uk", "status": "pending"} in api.domain_mailboxes().json()["mailboxes"]


def test_login_token_for_pending_mailbox_is_400(api):
    api.add_mailbox("newuser")
    response = api.post(api.mailbox_path("newuser") + "/login-tokens")
    assert response.status_code == 400 and response.json()["message"] == "Mailbox is not active"


def test_login_token_expires_after_login_token_expiry(api):
    token = api.post(api.mailbox_path("john") + "/login-tokens").json()["loginToken"]
    api.sb.app.clock.advance(api.sb.vendor("basekit").default_delays["login_token_expiry"] + 1)
    assert api.sb.vendor("basekit").redeem_login_token(token) is None


def test_login_token_is_one_time(api):
    token = api.post(api.mailbox_path("john") + "/login-tokens").json()["loginToken"]
    vendor = api.sb.vendor("basekit")
    assert vendor.redeem_login_token(token) == "john@johnsmith.co.uk"
    assert vendor.redeem_login_token(token) is None


def test_each_login_token_is_new(api):
    first = api.post(api.mailbox_path("john") + "/login-tokens").json()["loginToken"]
    second = api.post(api.mailbox_path("john") + "/login-tokens").json()["loginToken"]
    assert first != second


# ---- lists ------------------------------------------------------------------------------------------


def test_domain_mailboxes_page_with_limit_and_offset(api):
    api.sb.vendor("basekit").seed(mailboxes=25)
    first = api.domain_mailboxes(limit=10, offset=0).json()["mailboxes"]
    last = api.domain_mailboxes(limit=10, offset=20).json()["mailboxes"]
    everything = api.domain_mailboxes().json()["mailboxes"]
    assert len(first) == 10 and len(last) == 6 and len(everything) == 26
    assert first == everything[:10] and last == everything[20:]


def test_account_domains_page_with_limit_and_offset(api):
    response = api.get(f"/users/{api.holder}/account-domains", params={"limit": 1, "offset": 1})
    assert [d["ref"] for d in response.json()["accountDomains"]] == [api.seeded["pending_account_domain_ref"]]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": "ten"}, {"limit": 1001}, {"offset": -1}, {"limit": "²"},
                                    {"offset": "١"}])
def test_invalid_paging_is_400(api, params):
    response = api.get(f"/users/{api.holder}/domains/mailboxes", params=params)
    assert response.status_code == 400 and response.json()["message"] == "Validation Failed"


# ---- forgotten / reset password and email verification ------------------------------------------------


def test_forgotten_password_by_email_alone_is_case_insensitive(api):
    response = api.post("/users/forgotten-password",
                        json={"email": "JohnSmith@Mail.co.uk", "loginLink": "https://www.website.co.uk/reset"})
    assert response.status_code == 204 and api.outbox()[-1]["to"] == "johnsmith@mail.co.uk"


def test_forgotten_password_needs_username_or_email(api):
    response = api.post("/users/forgotten-password", json={"loginLink": "http://www.website.co.uk/reset"})
    body = assert_validation_failed(response, "username")
    assert body["errors"]["children"]["email"]["errors"]


def test_forgotten_password_needs_login_link(api):
    assert_validation_failed(api.post("/users/forgotten-password", json={"username": "johnsmith"}), "loginLink")


def test_forgotten_password_rejects_login_link_that_is_not_a_url(api):
    response = api.post("/users/forgotten-password", json={"username": "johnsmith", "loginLink": "reset-page"})
    assert_validation_failed(response, "loginLink")


def test_forgotten_password_for_unknown_username_is_404_and_sends_nothing(api):
    response = api.post("/users/forgotten-password",
                        json={"username": "nobody", "loginLink": "http://www.website.co.uk/reset"})
    assert response.status_code == 404 and response.json()["message"] == "Account holder not found"
    assert api.outbox() == []


def test_forgotten_password_username_is_case_sensitive(api):
    response = api.post("/users/forgotten-password",
                        json={"username": "JohnSmith", "loginLink": "http://www.website.co.uk/reset"})
    assert response.status_code == 404


def test_forgotten_password_with_username_and_email_of_different_holders_is_404(api):
    response = api.post("/users/forgotten-password", json={
        "username": "johnsmith", "email": "jane@doe-mail.co.uk", "loginLink": "http://www.website.co.uk/reset"})
    assert response.status_code == 404


def test_reset_hash_is_single_use(api):
    api.post("/users/forgotten-password", json={"username": "johnsmith", "loginLink": "http://www.website.co.uk/reset"})
    mailed_hash = api.outbox()[-1]["hash"]
    api.post("/users/reset-password", json={"hash": mailed_hash, "password": "thenewpassword"})
    again = api.post("/users/reset-password", json={"hash": mailed_hash, "password": "anotherpassword"})
    assert_validation_failed(again, "hash")


def test_reset_hash_expires_after_reset_hash_expiry(api):
    api.post("/users/forgotten-password", json={"username": "johnsmith", "loginLink": "http://www.website.co.uk/reset"})
    mailed_hash = api.outbox()[-1]["hash"]
    api.advance(api.sb.vendor("basekit").default_delays["reset_hash_expiry"] + 1)
    response = api.post("/users/reset-password", json={"hash": mailed_hash, "password": "thenewpassword"})
    assert_validation_failed(response, "hash")


def test_new_forgotten_password_request_replaces_earlier_hash(api):
    link = {"username": "johnsmith", "loginLink": "http://www.website.co.uk/reset"}
    api.post("/users/forgotten-password", json=link)
    api.post("/users/forgotten-password", json=link)
    first, second = (email["hash"] for email in api.outbox())
    assert_validation_failed(api.post("/users/reset-password", json={"hash": first, "password": "thenewpw"}), "hash")
    assert api.post("/users/reset-password", json={"hash": second, "password": "thenewpw"}).status_code == 204


def test_reset_password_rejects_short_password_and_keeps_hash(api):
    api.post("/users/forgotten-password", json={"username": "johnsmith", "loginLink": "http://www.website.co.uk/reset"})
    mailed_hash = api.outbox()[-1]["hash"]
    assert_validation_failed(api.post("/users/reset-password", json={"hash": mailed_hash, "password": "x"}),
                             "password")
    assert api.post("/users/reset-password", json={"hash": mailed_hash, "password": "longenough"}).status_code == 204


def test_send_verification_email_needs_verification_url(api):
    assert_validation_failed(api.post(f"/users/{api.holder}/send-verification-email", json={}), "verificationUrl")


def test_send_verification_email_to_unknown_holder_is_404(api):
    response = api.post("/users/999/send-verification-email", json={"verificationUrl": "https://example.com/verify"})
    assert response.status_code == 404


def test_verification_link_keeps_existing_query(api):
    api.post(f"/users/{api.holder}/send-verification-email", json={"verificationUrl": "https://example.com/v?x=1"})
    email = api.outbox()[-1]
    assert parse_qs(urlsplit(email["link"]).query) == {"x": ["1"], "token": [email["token"]]}


def test_verification_token_of_another_holder_is_400(api):
    api.post(f"/users/{api.holder}/send-verification-email", json={"verificationUrl": "https://example.com/verify"})
    token = api.outbox()[-1]["token"]
    other = api.seeded["other_account_holder_ref"]
    assert_validation_failed(api.post(f"/users/{other}/validate-email-verification-token", json={"token": token}),
                             "token")


def test_verification_token_expires(api):
    api.post(f"/users/{api.holder}/send-verification-email", json={"verificationUrl": "https://example.com/verify"})
    token = api.outbox()[-1]["token"]
    api.advance(api.sb.vendor("basekit").default_delays["verification_token_expiry"] + 1)
    response = api.post(f"/users/{api.holder}/validate-email-verification-token", json={"token": token})
    assert_validation_failed(response, "token")
    assert api.get(f"/users/{api.holder}").json()["accountHolder"]["emailVerified"] is False


def test_verification_token_is_single_use(api):
    api.post(f"/users/{api.holder}/send-verification-email", json={"verificationUrl": "https://example.com/verify"})
    token = api.outbox()[-1]["token"]
    api.post(f"/users/{api.holder}/validate-email-verification-token", json={"token": token})
    again = api.post(f"/users/{api.holder}/validate-email-verification-token", json={"token": token})
    assert again.status_code == 400


def test_validate_without_token_is_validation_failed(api):
    response = api.post(f"/users/{api.holder}/validate-email-verification-token", json={})
    assert_validation_failed(response, "token")


# ---- faults ------------------------------------------------------------------------------------------


def test_mailbox_action_error_fault_leaves_mailbox_stuck_pending(api):
    api.control("POST", "faults", json={"kind": "action_error", "action": "mailbox_active"})
    api.add_mailbox("stuck")
    api.add_mailbox("fine")
    api.advance(3600)
    statuses = {m["user"]: m["status"] for m in api.domain_mailboxes().json()["mailboxes"]}
    assert statuses["stuck@johnsmith.co.uk"] == "pending" and statuses["fine@johnsmith.co.uk"] == "active"


def test_domain_action_error_fault_leaves_account_domain_inactive(api):
    vendor = api.sb.vendor("basekit")
    vendor.faults.add(kind="action_error", action="domain_active")
    with vendor.lock:
        stuck = vendor.add_account_domain(api.holder, "stuck-domain.co.uk")
    api.advance(3600)
    assert api.get(f"/account-domains/{stuck['ref']}").json()["accountDomain"]["active"] == 0


def test_throttle_fault_answers_429_with_retry_after(api):
    api.control("POST", "faults", json={"kind": "throttle"})
    response = api.get(f"/account-domains/{api.domain}")
    assert response.status_code == 429 and response.headers["Retry-After"] == "60"
    assert response.json() == {"code": 429, "message": "Too Many Requests"}
    assert api.get(f"/account-domains/{api.domain}").status_code == 200


def test_status_fault_answers_in_vendor_error_shape(api):
    api.control("POST", "faults", json={"kind": "status", "status": 503, "retry_after": 5, "path": "/mailboxes/"})
    response = api.add_mailbox("newuser")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.json() == {"code": 503, "message": "Injected fault"}
    assert api.domain_mailboxes().json() == {"mailboxes": [{"user": "john@johnsmith.co.uk", "status": "active"}]}


def test_lost_response_on_add_then_retry_gets_409(api):
    api.control("POST", "faults", json={"kind": "drop_after", "method": "PUT"})
    with pytest.raises(requests.ConnectionError):
        api.add_mailbox("newuser")
    assert api.add_mailbox("newuser").status_code == 409


# ---- seeding -----------------------------------------------------------------------------------------


def test_seed_large_estate_is_fast_and_visible_through_api(api):
    started = time.perf_counter()
    summary = api.control("POST", "seed", json={"account_holders": 1000, "domains": 10000, "mailboxes": 100000})
    assert summary.status_code == 200
    assert time.perf_counter() - started < 20
    summary = summary.json()
    stats = api.control("GET", "stats").json()
    assert stats["account_holders"] == 1002 and stats["account_domains"] == 10003 and stats["mailboxes"] == 100001
    holder = summary["account_holder_refs"][0]
    domains = api.get(f"/users/{holder}/account-domains").json()["accountDomains"]
    assert len(domains) == 10 and all(d["active"] == 1 for d in domains)
    mailboxes = api.get(f"/users/{holder}/domains/mailboxes").json()["domainMailboxes"]
    assert len(mailboxes) == 100 and all(m["status"] == "active" for m in mailboxes)
    page = api.domain_mailboxes(holder=holder, domain=domains[0]["ref"], limit=5).json()["mailboxes"]
    assert len(page) == 5


def test_seeded_estate_with_active_false_turns_active_after_delays(api):
    summary = api.sb.vendor("basekit").seed(account_holders=1, domains=2, mailboxes=4, active=False)
    holder = summary["account_holder_refs"][0]
    assert {d["active"] for d in api.get(f"/users/{holder}/account-domains").json()["accountDomains"]} == {0}
    api.advance(10)
    assert {d["active"] for d in api.get(f"/users/{holder}/account-domains").json()["accountDomains"]} == {1}
    mailboxes = api.get(f"/users/{holder}/domains/mailboxes").json()["domainMailboxes"]
    assert {m["status"] for m in mailboxes} == {"active"}


def test_seeded_mailboxes_are_spread_across_seeded_domains(api):
    summary = api.sb.vendor("basekit").seed(account_holders=1, domains=3, mailboxes=7)
    holder = summary["account_holder_refs"][0]
    mailboxes = api.get(f"/users/{holder}/domains/mailboxes").json()["domainMailboxes"]
    counts = sorted(sum(1 for m in mailboxes if m["accountDomainRef"] == ref) for ref in {
        m["accountDomainRef"] for m in mailboxes})
    assert counts == [2, 2, 3]


def test_seed_rejects_unknown_parameters(api):
    response = api.control("POST", "seed", json={"holders": 5})
    assert response.status_code == 400
    assert api.control("GET", "stats").json()["account_holders"] == 2


def test_seed_reads_active_false_given_as_a_string(api):
    summary = api.control("POST", "seed", json={"account_holders": 1, "domains": 1, "active": "false"}).json()
    holder = summary["account_holder_refs"][0]
    assert [d["active"] for d in api.get(f"/users/{holder}/account-domains").json()["accountDomains"]] == [0]


def test_seed_rejects_an_active_flag_that_is_not_a_boolean(api):
    assert api.control("POST", "seed", json={"domains": 1, "active": "no"}).status_code == 400


def test_reset_forgets_seeded_estate(api):
    api.sb.vendor("basekit").seed(mailboxes=10)
    api.sb.reset()
    assert len(api.domain_mailboxes().json()["mailboxes"]) == 1


# ---- dates -------------------------------------------------------------------------------------------


def test_expiry_date_is_a_year_after_registration(api):
    domain = api.get(f"/account-domains/{api.domain}").json()["accountDomain"]
    registered, expiry = domain["domainRegistered"]["date"], domain["expiryDate"]["date"]
    assert int(expiry[:4]) - int(registered[:4]) == 1
