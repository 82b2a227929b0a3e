"""The Hostway sandbox's own behaviours: auth, error shapes, faults, delays, seeding and a coherent estate.

The documented request/response examples are replayed in ``test_hostway_contract.py``.
"""

from __future__ import annotations

import time

import pytest
import requests

from sandbox.hostway import password_problem, second_level_label
from sandbox.testing import running_sandbox

A = "/accounts/test-account123/email/test.com"
S = "/email/test.com"


@pytest.fixture(scope="module")
def server():
    with running_sandbox(vendors=["hostway"]) as sb:
        yield sb


@pytest.fixture
def sb(server):
    server.reset()
    return server


class Api:
    """A thin client: reseller Basic auth by default, JSON bodies, no retries."""

    def __init__(self, sb) -> None:
        cfg = sb.config("hostway")
        self.sb = sb
        self.base = sb.base_url("hostway")
        self.auth = (cfg["credentials"]["user"], cfg["credentials"]["password"])
        self.seeded = cfg["seeded"]
        self.vendor = sb.vendor("hostway")

    def call(self, method: str, path: str, body=None, *, auth="admin", **kw) -> requests.Response:
        auth = self.auth if auth == "admin" else auth
        return requests.request(method, self.base + path, json=body, auth=auth, timeout=10, **kw)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def put(self, path, body=None, **kw):
        return self.call("PUT", path, body, **kw)

    def post(self, path, body=None, **kw):
        return self.call("POST", path, body, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)

    def advance(self, seconds: float) -> None:
        requests.post(self.sb.url + "/_sandbox/clock", json={"advance": seconds}, timeout=10)

    def domain(self, name: str = "test.com") -> dict:
        return self.vendor.domains[name]


@pytest.fixture
def api(sb):
    return Api(sb)


OWNER = ("test@test.com", "Mbx-Demo-9!")


# ---- auth --------------------------------------------------------------------------------------------------
def test_request_without_credentials_is_401_unauthorized_with_basic_challenge(api):
    response = api.get(A, auth=None)
    assert response.status_code == 401
    assert response.json()["unauthorized"]["code"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_wrong_reseller_password_is_401(api):
    assert api.get(A, auth=(api.auth[0], "wrong")).status_code == 401


def test_mailbox_owner_credentials_reach_their_own_mailbox_on_long_and_short_paths(api):
    assert api.get(A + "/usernames/test/webmail", auth=OWNER).status_code == 200
    assert api.get(S + "/usernames/test/webmail", auth=OWNER).status_code == 200


def test_mailbox_owner_credentials_are_refused_on_another_mailbox(api):
    assert api.get(S + "/usernames/mb1/webmail", auth=OWNER).status_code == 401


def test_mailbox_owner_credentials_are_refused_on_domain_resources(api):
    assert api.get(A + "/usernames", auth=OWNER).status_code == 401


def test_mailbox_owner_may_read_short_domain_shortcuts(api):
    assert api.get(S + "/webmailLimits", auth=OWNER).status_code == 200


def test_secrets_put_on_another_mailbox_is_403_forbidden(api):
    response = api.put(S + "/usernames/mb1/secrets", {"tk1": "aa", "tk2": "bb", "tk3": "cc"}, auth=OWNER)
    assert response.status_code == 403
    assert "forbidden" in response.json()


def test_secret_question_catalogue_and_reset_action_need_no_credentials(api):
    assert api.get("/email/secretQuestions", auth=None).status_code == 200
    assert api.get(S + "/usernames/mailbox123/secrets", auth=None).status_code == 200


def test_reset_password_lets_the_owner_log_in_with_the_new_password(api):
    body = {"action": "resetPassword",
            "actionData": {"secretQuestionsAnswers": {"tk1": "answer123"}, "password": "New-Pass-42x"}}
    assert api.post(S + "/usernames/mailbox123/mailbox/action", body, auth=None).status_code == 204
    assert api.get(S + "/usernames/mailbox123/webmail", auth=("mailbox123@test.com", "New-Pass-42x")).ok


# ---- error shapes, faults, throttling ---------------------------------------------------------------------
def test_unknown_domain_is_404_item_not_found(api):
    response = api.get("/accounts/test-account123/email/nope.example")
    assert response.status_code == 404
    assert response.json()["itemNotFound"]["details"] == {"message": "Domain not found"}


def test_domain_of_another_account_is_404(api):
    api.vendor.add_domain("other-account", "other.example")
    assert api.get("/accounts/test-account123/email/other.example").status_code == 404


def test_wrong_method_is_405_bad_method(api):
    response = api.call("PATCH", A)
    assert response.status_code == 405
    assert "badMethod" in response.json()


def test_malformed_json_body_is_400_bad_request(api):
    response = requests.put(api.base + A + "/infostore", data="{nope", auth=api.auth, timeout=10,
                            headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert "badRequest" in response.json()


def test_non_json_content_type_is_400(api):
    response = requests.put(api.base + A + "/infostore", data="quota=5", auth=api.auth, timeout=10,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400


def test_json_body_without_content_type_is_400(api):
    response = requests.put(api.base + A + "/infostore", data='{"quota": 50}', auth=api.auth, timeout=10)
    assert response.status_code == 400 and "badRequest" in response.json()
    assert api.get(A + "/infostore").json()["infoStore"]["quota"] == 20


def test_json_content_type_with_charset_is_accepted(api):
    response = requests.put(api.base + A + "/infostore", data='{"quota": 50}', auth=api.auth, timeout=10,
                            headers={"Content-Type": "application/json; charset=UTF-8"})
    assert response.status_code == 204


def test_empty_answers_carry_no_content_type(api):
    created = api.put(A + "/usernames/new.box/mailbox", {"password": "Fr3sh-Box!x"})
    updated = api.put(A + "/usernames/new.box/mailbox", {"quota": 70})
    assert (created.status_code, updated.status_code) == (201, 204)
    assert "Content-Type" not in created.headers and "Content-Type" not in updated.headers
    assert api.get(A).headers["Content-Type"] == "application/json"


def test_exchange_create_with_a_non_string_resource_type_is_400(api):
    body = {"password": "pWord123$", "displayName": "John", "resourceType": ["room"]}
    response = api.put(A + "/usernames/john.smith/exchange", body)
    assert response.status_code == 400 and "resourceType" in response.json()
    assert api.get(A + "/usernames/john.smith/exchange").status_code == 404


def test_cleanmailplus_put_with_a_non_string_attribute_name_is_400(api):
    body = {"attributes": [{"attributeName": ["SPAM_LEVEL"], "attributeValue": "1"}]}
    response = api.put(A + "/cleanmailplus", body)
    assert response.status_code == 400 and "attributes.0" in response.json()


def test_throttle_fault_answers_429_over_limit_with_retry_after(api):
    api.vendor.faults.add(kind="throttle")
    response = api.get(A)
    assert response.status_code == 429
    assert response.json()["overLimit"]["retryAfter"] == 60
    assert response.headers["Retry-After"] == "60"


def test_status_fault_answers_in_compute_fault_shape(api):
    api.vendor.faults.add(kind="status", status=500)
    response = api.get(A)
    assert response.status_code == 500 and "computeFault" in response.json()


def test_messagestats_action_error_fault_answers_502_imap_failure(api):
    api.vendor.faults.add(kind="action_error", action="messagestats")
    response = api.get(A + "/usernames/test/mailbox/messagestats")
    assert response.status_code == 502
    assert "IMAP" in response.json()["badGateway"]["message"]
    assert api.get(A + "/usernames/test/mailbox/messagestats").status_code == 200


def test_reset_password_action_error_fault_answers_500_and_keeps_the_password(api):
    api.vendor.faults.add(kind="action_error", action="resetPassword")
    body = {"action": "resetPassword",
            "actionData": {"secretQuestionsAnswers": {"tk1": "answer123"}, "password": "New-Pass-42x"}}
    assert api.post(S + "/usernames/mailbox123/mailbox/action", body, auth=None).status_code == 500
    assert api.domain()["mailboxes"]["mailbox123"]["password"] == "Reset-Demo-Pass7!"


# ---- delays ------------------------------------------------------------------------------------------------
def test_new_mailbox_messagestats_are_502_until_the_imap_store_is_ready(api):
    assert api.put(A + "/usernames/fresh/mailbox", {"password": "Fr3sh-Box!x"}).status_code == 201
    assert api.get(A + "/usernames/fresh/mailbox/messagestats").status_code == 502
    api.advance(api.vendor.delays["mailbox_ready"] + 1)
    assert api.get(A + "/usernames/fresh/mailbox/messagestats").status_code == 200


def test_zero_mailbox_ready_delay_makes_new_mailboxes_ready_at_once(api):
    requests.post(api.sb.url + "/_sandbox/hostway/delays", json={"mailbox_ready": 0}, timeout=10)
    api.put(A + "/usernames/fresh/mailbox", {"password": "Fr3sh-Box!x"})
    assert api.get(A + "/usernames/fresh/mailbox/messagestats").status_code == 200


def test_auth_token_is_stable_then_rotates_after_its_lifetime(api):
    first = api.get(A + "/usernames/test/webmail").json()["authToken"]
    assert api.get(A + "/usernames/test/mailbox").json()["authToken"] == first
    api.advance(api.vendor.delays["auth_token"] + 1)
    assert api.get(A + "/usernames/test/webmail").json()["authToken"] != first


def test_demo_webmail_trial_ends_after_the_trial_delay(api):
    assert api.get(A + "/webmail").json()["trialType"] == "premium"
    api.advance(api.vendor.delays["trial"] + 1)
    body = api.get(A + "/webmail").json()
    assert body["trialType"] is None and body["trialExpiration"] is None


# ---- seeding -----------------------------------------------------------------------------------------------
def test_seed_of_100000_mailboxes_over_10000_domains_is_fast_and_visible(api):
    started = time.perf_counter()
    summary = requests.post(api.sb.url + "/_sandbox/hostway/seed", json={"domains": 10000, "mailboxes": 100000},
                            timeout=60).json()
    assert time.perf_counter() - started < 20
    assert summary["mailboxes"] == 100000 and summary["domains"] == 10000
    path = f"/accounts/{summary['account']}/email/{summary['first_domain']}"
    listed = api.get(path + "/usernames?page=1&pageSize=5").json()
    assert listed["totalCount"] == "10" and len(listed["list"]) == 5
    assert api.get(path + "/usernames/user000000/mailbox").status_code == 200
    stats = requests.get(api.sb.url + "/_sandbox/hostway/stats", timeout=10).json()
    assert stats["mailboxes"] >= 100000 and stats["domains"] >= 10000


def test_seed_with_negative_counts_is_400_and_adds_nothing(api):
    before = len(api.vendor.domains)
    response = requests.post(api.sb.url + "/_sandbox/hostway/seed", json={"domains": -1, "mailboxes": 5},
                             timeout=10)
    assert response.status_code == 400 and len(api.vendor.domains) == before


def test_seeded_mailbox_owner_can_authenticate_with_the_seed_password(api):
    summary = api.vendor.seed(domains=2, mailboxes=4, account="bulk")
    owner = (f"user000000@{summary['first_domain']}", summary["mailbox_password"])
    assert api.get(f"/email/{summary['first_domain']}/usernames/user000000/webmail", auth=owner).status_code == 200


def test_seed_into_a_named_account_spreads_mailboxes_across_domains(api):
    api.vendor.seed(domains=3, mailboxes=9, account="bulk")
    sizes = [len(d["mailboxes"]) for d in api.vendor.domains.values() if d["account"] == "bulk"]
    assert sizes == [3, 3, 3]


# ---- a coherent estate -------------------------------------------------------------------------------------
def test_removing_a_domain_removes_its_mailboxes(api):
    api.vendor.remove_domain("test.com")
    assert api.get(A + "/usernames/test/mailbox").status_code == 404
    assert api.get(S + "/usernames/mailbox123/secrets", auth=None).status_code == 404


def test_deleting_a_mailbox_removes_it_from_local_forwards(api):
    assert api.get(A + "/usernames/test/forwards").json()["targets"] == [{"target": "mb1@test.com"}]
    assert api.delete(A + "/usernames/mb1/mailbox").status_code == 204
    assert api.get(A + "/usernames/test/forwards").json()["targets"] == []


def test_renaming_a_mailbox_keeps_forwards_pointing_at_it(api):
    assert api.put(A + "/usernames/mb1/mailbox", {"username": "mb9"}).status_code == 204
    assert api.get(A + "/usernames/test/forwards").json()["targets"] == [{"target": "mb9@test.com"}]
    assert api.get(A + "/usernames/mb1/mailbox").status_code == 404


def test_forward_validation_is_all_or_nothing(api):
    body = {"targets": [{"target": "ext@elsewhere.example"}, {"target": "ghost@test.com"}]}
    assert api.post(A + "/usernames/mb1/forwards", body).status_code == 400
    assert api.get(A + "/usernames/mb1/forwards").json()["targets"] == []


def test_forward_to_the_same_username_on_a_domain_the_source_is_an_alias_of_is_409(api):
    # The doc's second loop: the source's domain is an alias of the target's domain.
    api.vendor.add_domain("test-account123", "primary.example", aliases=["test.com"])
    response = api.post(A + "/usernames/test/forwards", {"targets": [{"target": "test@primary.example"}]})
    assert response.status_code == 409
    assert response.json()["conflict"]["message"] == "Circular target test@primary.example"
    assert api.get(A + "/usernames/test/forwards").json()["targets"] == [{"target": "mb1@test.com"}]


def test_forwards_post_adds_to_existing_targets(api):
    api.post(A + "/usernames/test/forwards", {"targets": [{"target": "x@elsewhere.example"}]})
    targets = [t["target"] for t in api.get(A + "/usernames/test/forwards").json()["targets"]]
    assert targets == ["mb1@test.com", "x@elsewhere.example"]


def test_deleting_an_unknown_forward_is_404(api):
    assert api.delete(A + "/usernames/test/forwards/nobody").status_code == 404


def test_mailbox_names_are_case_insensitive(api):
    assert api.get(A + "/usernames/TEST/mailbox").json()["username"] == "test"


def test_invalid_mailbox_name_is_400(api):
    response = api.put(A + "/usernames/bad!name/mailbox", {"password": "Fr3sh-Box!x"})
    assert response.status_code == 400 and "mailboxName" in response.json()


def test_mailbox_name_taken_by_an_exchange_mailbox_is_409(api):
    response = api.put(A + "/usernames/test-mb/mailbox", {"password": "Fr3sh-Box!x"})
    assert response.status_code == 409 and "conflict" in response.json()


def test_exchange_create_on_a_disabled_domain_is_409(api):
    api.domain()["disabled"] = True
    response = api.put(A + "/usernames/john.smith/exchange", {"password": "pWord123$", "displayName": "John"})
    assert response.status_code == 409


def test_mailbox_create_answers_201_with_location(api):
    response = api.put(A + "/usernames/new.box/mailbox", {"password": "Fr3sh-Box!x"})
    assert response.status_code == 201
    assert response.headers["Location"].endswith(A + "/usernames/new.box/mailbox")


def test_per_type_limit_applies_to_mailbox_type_changes(api):
    for name in ("mb1", "jack.smith"):
        assert api.put(A + f"/usernames/{name}/mailbox", {"type": "activesync"}).status_code == 204
    response = api.put(A + "/usernames/mailbox123/mailbox", {"type": "activesync"})
    assert response.status_code == 400 and response.json() == {"computeFault": "Number of mailboxes exceeded"}


def test_changing_webmail_type_sets_the_new_type_quota(api):
    api.put(A + "/usernames/test/webmail", {"type": "premium"})
    assert api.get(A + "/usernames/test/mailbox").json()["quota"] == 10240


def test_reseller_may_upgrade_even_when_allow_upgrade_is_false(api):
    api.domain()["mailboxes"]["test"]["ox"]["allowUpgrade"] = False
    assert api.put(A + "/usernames/test/webmail", {"type": "premium"}).status_code == 204


def test_mailbox_owner_cannot_lift_allow_upgrade_false(api):
    api.put(A + "/usernames/test/webmail", {"allowUpgrade": False})
    response = api.put(S + "/usernames/test/webmail", {"type": "premium", "allowUpgrade": True}, auth=OWNER)
    assert response.status_code == 400
    assert api.get(A + "/usernames/test/webmail").json()["type"] == "standard"


def test_domain_allow_upgrade_cannot_be_turned_on_when_the_product_disables_upgrades(api):
    api.domain()["upgrade_allowed"] = False
    response = api.put(A + "/webmail", {"allowUpgrade": True})
    assert response.status_code == 409 and "conflict" in response.json()


def test_webmail_post_on_a_mailbox_that_has_one_is_409(api):
    assert api.post(A + "/usernames/test/webmail", {"type": "standard"}).status_code == 409


def test_webmail_get_of_a_mailbox_without_ox_account_is_404(api):
    assert api.get(A + "/usernames/mfg-mbox/webmail").status_code == 404


def test_mailbox_list_filters_with_wildcard(api):
    body = api.get(A + "/usernames?filterUsername=m*").json()
    assert [m["username"] for m in body["list"]] == ["mailbox123", "mb1", "mfg-mbox"]


def test_mailbox_list_filter_without_wildcard_is_exact(api):
    assert api.get(A + "/usernames?filterUsername=mb").json()["totalCount"] == "0"


def test_mailbox_list_sorts_by_quota(api):
    api.put(A + "/usernames/mb1/mailbox", {"quota": 5})
    body = api.get(A + "/usernames?sortField=quota&sortOrder=asc").json()
    assert body["list"][0]["username"] == "mb1"


def test_mailbox_list_includes_exchange_mailboxes_as_type_exchange(api):
    items = {m["username"]: m for m in api.get(A + "/usernames").json()["list"]}
    assert items["test-mb"]["type"] == "exchange" and items["test"]["type"] == "imap"


def test_mailbox_list_page_without_page_size_is_400(api):
    response = api.get(A + "/usernames?page=2")
    assert response.status_code == 400 and "badRequest" in response.json()


def test_mailbox_list_unknown_sort_field_is_400(api):
    assert api.get(A + "/usernames?sortField=created").status_code == 400


def test_mailbox_password_cannot_be_reused(api):
    api.put(A + "/usernames/mb1/mailbox", {"password": "Other-Pass-42x"})
    response = api.put(A + "/usernames/mb1/mailbox", {"password": "Forward-Box7!"})
    assert response.status_code == 400
    assert response.json() == {"password": "Password must not be used more than once"}


def test_statistics_count_mailboxes_by_webmail_and_exchange_type(api):
    api.put(A + "/usernames/room1/exchange", {"password": "pWord123$", "displayName": "R", "type": "premium"})
    body = api.get(A + "/statistics/mailboxTypeCount").json()
    assert (body["numStandard"], body["numExchange2013Standard"], body["numExchange2013Premium"]) == (4, 1, 1)


def test_domain_quota_is_the_sum_of_its_mailbox_quotas(api):
    expected = sum(m["quota"] for m in api.domain()["mailboxes"].values())
    assert api.get(A).json()["quota"] == expected


def test_mailbox_cleanmailplus_inherits_domain_settings_until_set(api):
    api.put(A + "/cleanmailplus", {"attributes": [{"attributeName": "SPAM_LEVEL", "attributeValue": "3"}]})
    api.put(A + "/usernames/test/cleanmailplus", {"attributes": [{"attributeName": "SPAM_ACTION",
                                                                   "attributeValue": "3"}]})
    fields = {f["fieldName"]: f["selected"] for f in api.get(A + "/usernames/test/cleanmailplus").json()}
    assert (fields["SPAM_LEVEL"], fields["SPAM_ACTION"]) == ("3", "3")


def test_secret_answers_must_be_known_text_keys(api):
    response = api.put(A + "/usernames/test/secrets", {"tk1": "aa", "tk2": "bb", "nope": "cc"})
    assert response.status_code == 400 and response.json()["badRequest"]["details"] == {
        "nope": "Unknown secret question text key"}


def test_reset_password_with_a_wrong_answer_changes_nothing(api):
    body = {"action": "resetPassword",
            "actionData": {"secretQuestionsAnswers": {"tk1": "wrong"}, "password": "New-Pass-42x"}}
    assert api.post(S + "/usernames/mailbox123/mailbox/action", body, auth=None).status_code == 409
    assert api.domain()["mailboxes"]["mailbox123"]["password"] == "Reset-Demo-Pass7!"


def test_reset_password_applies_the_password_rules(api):
    body = {"action": "resetPassword",
            "actionData": {"secretQuestionsAnswers": {"tk1": "answer123"}, "password": "password1!A"}}
    response = api.post(S + "/usernames/mailbox123/mailbox/action", body, auth=None)
    assert response.status_code == 400
    assert response.json() == {"password": "Password should not start with 'pass' case-insensitively"}


def test_reset_password_with_a_one_character_answer_is_400_not_409(api):
    body = {"action": "resetPassword", "actionData": {"secretQuestionsAnswers": {"tk1": "a"}, "password": "pWord123$"}}
    response = api.post(S + "/usernames/mailbox123/mailbox/action", body, auth=None)
    assert response.status_code == 400
    assert response.json() == {"actionData.secretQuestionsAnswers.tk1": "Shorter than minimum length 2"}


def test_reset_password_with_an_unknown_action_is_400(api):
    response = api.post(S + "/usernames/mailbox123/mailbox/action", {"action": "explode", "actionData": {}},
                        auth=None)
    assert response.status_code == 400


def test_avas_sso_link_answers_a_link(api):
    body = api.get("/accounts/test-account123/avas/test.com/SSOLink").json()
    assert body["ssoLink"].startswith("https://")


@pytest.mark.parametrize(("password", "problem"), [
    ("Passw0rd!x", "Password should not start with 'pass' case-insensitively"),
    ("Abc-Def-42", "Password should not start with 'abc' case-insensitively"),
    ("123-Abc-xY", "Password should not start with 123"),
    ("Ab1!x", "Password should be at least 8 characters long"),
    ("A1!" + "x" * 126, "Password should be at most 128 characters long"),
    ("Abcdefg!x", "Password should not start with 'abc' case-insensitively"),
    ("Qwerty!xy", "Password should have at least one digit"),
    ("qwerty!x1", "Password should have at least one capital letter"),
    ("QWERTY!X1", "Password should have at least one lower case letter"),
    ("Qwerty_x1", "Password should contain at least one special character"),
    ("Xy-Test-42", "Password must not contain the second-level domain name"),
    ("Xy-John.Smith-4", "Password must not contain the username"),
    ("Joh!Xyz42", "Password must not start with the first 3 letters from the username"),
    ("Good-Pass-42x", None),
])
def test_password_rules(password, problem):
    assert password_problem(password, "john.smith", "test.com", ()) == problem


@pytest.mark.parametrize(("domain", "label"), [
    ("test.com", "test"), ("mail.test.com", "test"), ("shop.co.uk", "shop"), ("www.shop.com.au", "shop"),
    ("d00001.seed1.example", "seed1"),
])
def test_second_level_label_skips_registry_second_levels(domain, label):
    assert second_level_label(domain) == label


def test_password_rule_on_a_co_uk_domain_checks_the_customer_label_not_co():
    assert password_problem("Welcome1!x", "jane", "shop.co.uk", ()) is None
    assert password_problem("My-Shop-42x", "jane", "shop.co.uk", ()) == (
        "Password must not contain the second-level domain name")
