"""Every documented example request of the Hostway email API, replayed against the sandbox.

Section numbers are those of ``hostway-email-api.txt``. The doc's placeholder accounts ("account-number",
"test", "account007", ...) are the seeded account; its domain is the seeded ``test.com``. Where an example
needs prior state (an existing mailbox, two activesync accounts...), the test builds it through the API first.
"""

from __future__ import annotations

import pytest

from sandbox.testing import running_sandbox
from tests.sandbox.test_hostway import Api

A = "/accounts/test-account123/email/test.com"
U = A + "/usernames"
S = "/email/test.com/usernames"
OWNER = ("test@test.com", "Mbx-Demo-9!")


@pytest.fixture(scope="module")
def server():
    with running_sandbox(vendors=["hostway"]) as sb:
        yield sb


@pytest.fixture
def sb(server):
    server.reset()
    return server


@pytest.fixture
def api(sb):
    return Api(sb)


def links_ok(body) -> bool:
    return isinstance(body["links"], list) and all("rel" in link for link in body["links"])


# ---- 2 aliases -------------------------------------------------------------------------------------------------
def test_2_4_1_aliases_list(api):
    response = api.get(A + "/aliases")
    assert response.status_code == 200
    body = response.json()
    assert body["list"] == ["test-com-alias.com", "test-alias-2.com"] and links_ok(body)


# ---- 4-10 and 36-42 black/white lists, domain and mailbox level (same examples) ------------------------------
BWL_OWNERS = pytest.mark.parametrize("owner", [A, U + "/test"], ids=["domain", "mailbox"])
ADDRESS = "mb1-white20150114-0113@somedomain.com"


@BWL_OWNERS
def test_4_4_1_and_36_4_1_bwl_delete_address(api, owner):
    api.put(owner + "/blackwhitelist", {"list": [{"address": ADDRESS, "type": "W"}]})
    assert api.delete(owner + f"/blackwhitelist/{ADDRESS}").status_code == 204
    assert api.get(owner + f"/blackwhitelist/{ADDRESS}").status_code == 404


@BWL_OWNERS
def test_6_4_1_and_38_4_1_bwl_get_address(api, owner):
    api.put(owner + "/blackwhitelist", {"list": [{"address": ADDRESS, "type": "W"}]})
    response = api.get(owner + f"/blackwhitelist/{ADDRESS}")
    assert response.status_code == 200
    body = response.json()
    assert (body["type"], body["address"]) == ("W", ADDRESS) and links_ok(body)


@BWL_OWNERS
def test_8_4_1_and_40_4_1_bwl_list(api, owner):
    body = api.get(owner + "/blackwhitelist").json()
    assert body["totalCount"] == 4 and {"type": "W", "address": "mb1-white@somedomain.com"} in body["list"]
    assert links_ok(body)


@BWL_OWNERS
def test_8_4_2_and_40_4_2_bwl_filter_by_address(api, owner):
    body = api.get(owner + "/blackwhitelist?filterAddress=*somedomain.com*").json()
    assert body["totalCount"] == 2
    assert [i["address"] for i in body["list"]] == ["mb1-white@somedomain.com", "mb3-black@somedomain.com"]


@BWL_OWNERS
def test_8_4_3_and_40_4_3_bwl_filter_by_type(api, owner):
    body = api.get(owner + "/blackwhitelist?filterType=W").json()
    assert body["totalCount"] == 1 and body["list"] == [{"type": "W", "address": "mb1-white@somedomain.com"}]


@BWL_OWNERS
def test_8_4_4_and_40_4_4_bwl_paginated(api, owner):
    response = api.get(owner + "/blackwhitelist?pageSize=2&page=1")
    assert response.status_code == 200
    body = response.json()
    assert len(body["list"]) == 2 and body["totalCount"] == 4
    rels = {link["rel"]: link["href"] for link in body["links"]}
    assert rels["next"].endswith("page=2&pageSize=2") and rels["last"].endswith("page=2&pageSize=2")


@BWL_OWNERS
def test_8_4_5_and_40_4_5_bwl_sorted(api, owner):
    body = api.get(owner + "/blackwhitelist?sortField=address&sortOrder=desc").json()
    assert [i["address"] for i in body["list"]] == [
        "mb3-black@somedomain.com", "mb2-black@domain.com", "mb1-white@somedomain.com", "@sometestdomain.com"]


@BWL_OWNERS
def test_10_4_1_and_42_4_1_bwl_put_missing_type(api, owner):
    response = api.put(owner + "/blackwhitelist", {"list": [{"address": "mbl-white@somedomain.com"}]})
    assert response.status_code == 400
    assert response.json() == {"badRequest": {"message": "POST data error", "code": 400,
                                              "details": {"list.0.type": "Required"}}}


@BWL_OWNERS
def test_10_4_2_and_42_4_2_bwl_put_invalid_address_and_type(api, owner):
    response = api.put(owner + "/blackwhitelist", {"list": [{"address": "somedomain.com", "type": "A"}]})
    assert response.status_code == 400
    assert response.json()["badRequest"]["details"] == {
        "list.0.type": '"A" is not one of B, W', "list.0.address": "Invalid address format: somedomain.com"}


@BWL_OWNERS
def test_10_4_3_and_42_4_3_bwl_put_email_addresses(api, owner):
    body = {"list": [{"address": "mbl-white20150114-0113@somedomain.com", "type": "W"},
                     {"address": "mb2-white20150114-0113@somedomain.com", "type": "W"}]}
    assert api.put(owner + "/blackwhitelist", body).status_code == 204
    assert api.get(owner + "/blackwhitelist").json()["totalCount"] == 6


@BWL_OWNERS
def test_10_4_4_and_42_4_4_bwl_put_domain_addresses(api, owner):
    body = {"list": [{"type": "W", "address": "@domainaddr1.com"}, {"type": "B", "address": "@someotherdomain.com"}]}
    assert api.put(owner + "/blackwhitelist", body).status_code == 204
    assert api.get(owner + "/blackwhitelist/@someotherdomain.com").json()["type"] == "B"


# ---- 12-14 and 44-46 CleanMailPlus, domain and mailbox level ---------------------------------------------------
CMP_OWNERS = pytest.mark.parametrize("owner", ["", "/usernames/test"], ids=["domain", "mailbox"])
MISSING = "/accounts/test-account123/email/non-existent-domain.com"


@CMP_OWNERS
def test_12_4_1_and_44_4_1_cleanmailplus_get_for_missing_domain(api, owner):
    assert api.get(MISSING + owner + "/cleanmailplus").status_code == 404


@CMP_OWNERS
def test_12_4_2_and_44_4_2_cleanmailplus_get(api, owner):
    response = api.get(A + owner + "/cleanmailplus")
    assert response.status_code == 200
    fields = {f["fieldName"]: f for f in response.json()}
    assert fields["SPAM_LEVEL"]["selected"] == "6" and fields["SPAM_LEVEL"]["description"] == "SPAM Tag Level"
    assert {"name": "Normal", "value": "4"} in fields["SPAM_LEVEL"]["options"]
    assert set(fields) >= {"SPAM_ACTION", "ATTACHMENT_CONTROL", "VIRUS_ACTION", "SPAM_CHECK", "CLEANMAIL_PLUS"}


@CMP_OWNERS
def test_14_4_1_and_46_4_1_cleanmailplus_put_for_missing_domain(api, owner):
    body = {"attributes": [{"attributeName": "SPAM_LEVEL", "attributeValue": "1"}]}
    response = api.put(MISSING + owner + "/cleanmailplus", body)
    assert response.status_code == 404
    assert response.json() == {"itemNotFound": {"message": "Resource not found", "code": 404,
                                                "details": {"message": "Domain not found"}}}


@CMP_OWNERS
def test_14_4_2_and_46_4_2_cleanmailplus_put_bad_body(api, owner):
    response = api.put(A + owner + "/cleanmailplus", {"badBody": "badBodyValue"})
    assert response.status_code == 400 and response.json() == {"attributes": "Required"}


@CMP_OWNERS
def test_14_4_3_and_46_4_3_cleanmailplus_put_unknown_attribute(api, owner):
    body = {"attributes": [{"attributeName": "NON_EXISTENT_ATTRIBUTE_NAME", "attributeValue": "1"}]}
    response = api.put(A + owner + "/cleanmailplus", body)
    assert response.status_code == 400
    assert response.json() == {"attributes.0": "NON_EXISTENT_ATTRIBUTE_NAME is not valid filter attribute name"}


@CMP_OWNERS
def test_14_4_4_and_46_4_4_cleanmailplus_put_invalid_value(api, owner):
    body = {"attributes": [{"attributeName": "SPAM_LEVEL", "attributeValue": "val01"}]}
    response = api.put(A + owner + "/cleanmailplus", body)
    assert response.status_code == 400
    assert response.json() == {"attributes.0": "val01 is not valid attribute option for SPAM_LEVEL filter attribute"}


@CMP_OWNERS
def test_14_4_5_and_46_4_5_cleanmailplus_put(api, owner):
    body = {"attributes": [{"attributeName": "SPAM_LEVEL", "attributeValue": "1"},
                           {"attributeName": "SPAM_ACTION", "attributeValue": "1"}]}
    assert api.put(A + owner + "/cleanmailplus", body).status_code == 204
    fields = {f["fieldName"]: f["selected"] for f in api.get(A + owner + "/cleanmailplus").json()}
    assert (fields["SPAM_LEVEL"], fields["SPAM_ACTION"]) == ("1", "1")


# ---- 16-25 global address book contacts ---------------------------------------------------------------------
def test_16_4_1_contact_delete(api):
    assert api.delete(A + "/contacts/test-contact").status_code == 204
    assert api.get(A + "/contacts/test-contact").status_code == 404


def test_18_3_1_contact_get_missing(api):
    assert api.get(A + "/contacts/non-existent-contact").status_code == 404


def test_18_3_2_contact_get(api):
    response = api.get(A + "/contacts/test-contact")
    assert response.status_code == 200
    body = response.json()
    assert (body["email"], body["displayName"], body["firstName"], body["lastName"]) == (
        "test@test.com", "Display Name", "First", "Last")
    assert body["city"] == "" and links_ok(body)


def test_20_4_1_contact_put_invalid_email(api):
    response = api.put(A + "/contacts/test-contact", {"email": "updated-email", "displayName": "Display Name Updated"})
    assert response.status_code == 400 and response.json() == {"email": "Invalid email address"}


def test_20_4_2_contact_put(api):
    body = {"email": "new@test.com", "mobilePhone": "123456789"}
    assert api.put(A + "/contacts/test-contact", body).status_code == 204
    assert api.get(A + "/contacts/test-contact").json()["mobilePhone"] == "123456789"


@pytest.fixture
def contacts(api):
    """The state the 23.x examples assume: two contacts sharing new@test.com."""
    api.post(A + "/contacts", {"name": "search-contact", "email": "new@test.com", "firstName": "First",
                               "lastName": "Last", "displayName": "Display Name"})
    api.put(A + "/contacts/test-contact", {"email": "new@test.com", "mobilePhone": "123456789"})
    return api


@pytest.mark.parametrize(("query", "count"), [
    ("filterName=search-contact&filterEmail=new@test.com", 1),  # 23.3.1
    ("filterEmail=new@test.com", 2),  # 23.3.2
    ("searchName=contact", 2),  # 23.3.3
    ("filterName=notexisting", 0),  # 23.3.4
    ("searchName=notexisting", 0),  # 23.3.5
])
def test_23_3_contacts_filter_and_search(contacts, query, count):
    response = contacts.get(A + "/contacts?" + query)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == count and len(body["list"]) == count and links_ok(body)
    assert all("name" in c and "links" in c for c in body["list"])


def test_25_4_1_contact_create_missing_data(api):
    response = api.post(A + "/contacts", {})
    assert response.status_code == 400
    assert response.json() == {"displayName": "Required", "name": "Required", "email": "Required"}


def test_25_4_2_contact_create_invalid_email(api):
    response = api.post(A + "/contacts", {"name": "test-contact", "email": "test", "displayName": "Display Name"})
    assert response.status_code == 400 and response.json() == {"email": "Invalid email address"}


def test_25_4_3_and_25_4_4_contact_create_then_duplicate(api):
    api.delete(A + "/contacts/test-contact")
    body = {"name": "test-contact", "email": "test@test.com", "firstName": "First", "lastName": "Last",
            "displayName": "Display Name"}
    assert api.post(A + "/contacts", body).status_code == 204
    response = api.post(A + "/contacts", body)
    assert response.status_code == 409
    conflict = response.json()["conflict"]
    assert (conflict["code"], conflict["message"], conflict["details"]) == (409, "Data conflict", "")
    assert set(conflict) == {"guid", "code", "message", "details"} and len(conflict["guid"]) == 36


# ---- 27-28 InfoStore, 30 statistics --------------------------------------------------------------------------
def test_27_4_1_infostore_get(api):
    response = api.get(A + "/infostore")
    assert response.status_code == 200
    assert response.json()["infoStore"] == {"usage": 0, "quota": 20} and links_ok(response.json())


def test_28_4_1_infostore_put_missing_quota(api):
    response = api.put(A + "/infostore", {"foo": "bar"})
    assert response.status_code == 400
    assert response.json() == {"badRequest": {"message": "POST data error", "code": 400,
                                              "details": {"quota": "Required"}}}


def test_28_4_2_infostore_put_negative_quota(api):
    response = api.put(A + "/infostore", {"quota": -1})
    assert response.status_code == 400
    assert response.json()["badRequest"]["details"] == {"quota": "-1 is less than minimum value 0"}


def test_28_4_3_infostore_put_below_usage(api):
    api.domain()["infostore"]["usage"] = 120
    response = api.put(A + "/infostore", {"quota": 100})
    assert response.status_code == 400
    assert response.json()["badRequest"]["details"] == {"message": "Used storage exceeds the quota value"}


def test_28_4_4_infostore_put(api):
    assert api.put(A + "/infostore", {"quota": 50}).status_code == 204
    assert api.get(A + "/infostore").json()["infoStore"]["quota"] == 50


def test_30_4_1_statistics_mailbox_type_count(api):
    response = api.get(A + "/statistics/mailboxTypeCount")
    assert response.status_code == 200
    body = response.json()
    assert {k: type(v) for k, v in body.items() if k != "links"} == dict.fromkeys(
        ["numStandard", "numActiveSync", "numPremium", "numExchange2013Standard", "numExchange2013Premium"], int)
    assert links_ok(body)


# ---- 32-34 autoresponder ---------------------------------------------------------------------------------------
def test_32_4_1_autoresponder_get(api):
    api.put(U + "/test/autoresponder", {"subject": "Subject", "body": "AutoRespond", "active": True})
    response = api.get(U + "/test/autoresponder")
    assert response.status_code == 200
    body = response.json()
    assert (body["body"], body["active"], body["subject"]) == ("AutoRespond", True, "Subject") and links_ok(body)


def test_34_4_1_autoresponder_put_missing_body(api):
    response = api.put(U + "/test/autoresponder", {"subject": "Subject", "active": True})
    assert response.status_code == 400 and response.json() == {"body": "Required"}


def test_34_4_2_autoresponder_put(api):
    assert api.put(U + "/test/autoresponder", {"subject": "Subject", "body": "AutoRespond", "active": True}
                   ).status_code == 204


def test_34_4_3_autoresponder_deactivate(api):
    assert api.put(U + "/test/autoresponder", {"body": "AutoRespond", "active": False}).status_code == 204
    assert api.get(U + "/test/autoresponder").json()["active"] is False


# ---- 48, 64, 103, 105 (and template 121) resetPassword actions -----------------------------------------------
RESET_TARGETS = pytest.mark.parametrize("path", [
    U + "/test-mb/exchange/action",  # 48
    U + "/mailbox123/mailbox/action",  # 64
    S + "/test-mb/exchange/action",  # 103
    S + "/mailbox123/mailbox/action",  # 105
], ids=["48-exchange", "64-mailbox", "103-short-exchange", "105-short-mailbox"])


@RESET_TARGETS
def test_reset_password_action(api, path):
    body = {"action": "resetPassword",
            "actionData": {"secretQuestionsAnswers": {"tk1": "answer123"}, "password": "pWord123$"}}
    response = api.post(path, body, auth=None, headers={"Content-Type": "application/json; Charset=UTF-8"})
    assert response.status_code == 204


@RESET_TARGETS
def test_reset_password_action_with_wrong_answer(api, path):
    body = {"action": "resetPassword",
            "actionData": {"secretQuestionsAnswersList": {"tk1": "wrongAnswer"}, "password": "pWord123$"}}
    response = api.post(path, body, auth=None)
    assert response.status_code == 409
    assert response.json() == {"conflict": {"message": "Invalid secret questions and answers provided", "code": 409}}


# ---- 50-56 Exchange --------------------------------------------------------------------------------------------
def test_50_4_1_exchange_messagestats(api):
    response = api.get(U + "/test-mb/exchange/messagestats")
    assert response.status_code == 200
    body = response.json()
    assert set(body["messageCount"]) == {"inbox", "sent", "spam"}
    assert set(body["messageCount"]["inbox"]) == {"allMessages", "unreadMessages"} and links_ok(body)


def test_52_4_1_exchange_delete(api):
    assert api.delete(U + "/test-mb/exchange").status_code == 204
    assert api.get(U + "/test-mb/exchange").status_code == 404


def test_54_4_1_exchange_get_for_missing_domain(api):
    assert api.get("/accounts/test-account123/email/non-existent-domain.com/usernames/test-mailbox/exchange"
                   ).status_code == 404


def test_54_4_2_exchange_get(api):
    response = api.get(U + "/test-mb/exchange")
    assert response.status_code == 200
    body = response.json()
    assert body["primarySmtpAddress"] == "test-mb@test.com" and body["username"] == "test-mb"
    assert body["quota"] == "1000 MB (1,048,576,000 bytes)"
    assert {"address": "test-mb@test.com", "header": "SMTP"} in body["emailAddresses"]
    assert (body["recipientType"], body["resourceType"], body["type"]) == ("UserMailbox", "user", "standard")
    assert [link["rel"] for link in body["links"]] == ["self", "related"]


def test_56_3_1_exchange_create_without_password(api):
    response = api.put(U + "/john.smith/exchange", {"displayName": "John"})
    assert response.status_code == 400 and response.json() == {"password": "Required"}


def test_56_3_2_exchange_create_without_display_name(api):
    response = api.put(U + "/john.smith/exchange", {"password": "pWord123$"})
    assert response.status_code == 400 and response.json() == {"displayName": "Required"}


def test_56_3_3_exchange_create_with_invalid_password(api):
    response = api.put(U + "/john.smith/exchange", {"password": "abc1234", "displayName": "John"})
    assert response.status_code == 400
    assert response.json() == {"password": "Password should not start with 'abc' case-insensitively"}


def test_56_3_4_exchange_create(api):
    assert api.put(U + "/john.smith/exchange", {"password": "pWord123$", "displayName": "John"}).status_code == 201
    assert api.get(U + "/john.smith/exchange").json()["displayName"] == "John"


def test_56_3_5_exchange_create_premium(api):
    body = {"password": "pWord123$", "displayName": "John", "type": "premium"}
    assert api.put(U + "/john.smith/exchange", body).status_code == 201
    assert api.get(U + "/john.smith/exchange").json()["type"] == "premium"


def test_56_3_6_exchange_update_password(api):
    api.put(U + "/john.smith/exchange", {"password": "pWord123$", "displayName": "John"})
    assert api.put(U + "/john.smith/exchange", {"password": "q!2w3e4R"}).status_code == 204


def test_56_3_6_the_examples_own_password_breaks_the_start_with_a_letter_rule(api):
    # The doc lists "Should start with a letter" for Exchange passwords, yet its update example is !q2w3e4R.
    api.put(U + "/john.smith/exchange", {"password": "pWord123$", "displayName": "John"})
    refused = api.put(U + "/john.smith/exchange", {"password": "!q2w3e4R"})
    assert refused.status_code == 400 and refused.json() == {"password": "Password should start with a letter"}


def test_an_exchange_mailbox_is_not_created_with_a_password_starting_with_a_symbol(api):
    refused = api.put(U + "/john.smith/exchange", {"password": "$Word123p", "displayName": "John"})
    assert refused.status_code == 400 and refused.json() == {"password": "Password should start with a letter"}


def test_a_regular_mailbox_may_start_its_password_with_a_symbol(api):
    assert api.put(U + "/john.smith/mailbox", {"password": "$Word123p"}).status_code == 201


def test_56_3_7_exchange_create_room(api):
    body = {"password": "pWord123$", "displayName": "John", "resourceType": "room"}
    assert api.put(U + "/john.smith.room/exchange", body).status_code == 201
    assert api.get(U + "/john.smith.room/exchange").json()["recipientType"] == "RoomMailbox"


def test_56_3_8_exchange_update_resource_type(api):
    api.put(U + "/john.smith.rooh/exchange", {"password": "pWord123$", "displayName": "John", "resourceType": "room"})
    response = api.put(U + "/john.smith.rooh/exchange", {"resourceType": "equipment"})
    assert response.status_code == 400 and response.json() == {"resourceType": "resourceType cannot be updated"}


def test_56_3_9_exchange_update_reset_password_flag(api):
    api.put(U + "/john.smith/exchange", {"password": "pWord123$", "displayName": "John"})
    assert api.put(U + "/john.smith/exchange", {"resetPassword": True}).status_code == 204


# ---- 58-62 forwards --------------------------------------------------------------------------------------------
def test_58_4_1_forward_delete(api):
    api.put(U + "/test-fwd-mailbox/mailbox", {"password": "Fwd-Box-42x"})
    api.post(U + "/test/forwards", {"targets": [{"target": "test-fwd-mailbox@test.com"}]})
    assert api.delete(U + "/test/forwards/test-fwd-mailbox").status_code == 204
    assert api.get(U + "/test/forwards").json()["targets"] == [{"target": "mb1@test.com"}]


def test_60_4_1_forwards_get(api):
    api.post(U + "/test/forwards", {"targets": [{"target": "test@test-forward.com"}]})
    response = api.get(U + "/test/forwards")
    assert response.status_code == 200
    body = response.json()
    assert body["targets"] == [{"target": "mb1@test.com"}, {"target": "test@test-forward.com"}]
    assert body["links"][0]["rel"] == "self" and "location" in body["links"][0]


def test_62_4_1_forwards_post_without_body(api):
    response = api.post(U + "/test/forwards")
    assert response.status_code == 400 and response.json() == {"targets": "Required"}


def test_62_4_2_forwards_post_empty_targets(api):
    response = api.post(U + "/test/forwards", {"targets": []})
    assert response.status_code == 400 and response.json() == {"targets": "Shorter than minimum length 1"}


def test_62_4_3_forwards_post(api):
    assert api.post(U + "/test/forwards", {"targets": [{"target": "test-fwd@example.com"}]}).status_code == 204


def test_62_4_4_forwards_post_distribution_list(api):
    api.put(U + "/test-fwd/mailbox", {"password": "Fwd-Box-42x"})
    body = {"targets": [{"target": "test-fwd@test.com"}, {"target": "test-fwd1@example.com"}]}
    assert api.post(U + "/test/forwards", body).status_code == 204


def test_62_4_6_forwards_post_to_the_same_mailbox(api):
    response = api.post(U + "/test/forwards", {"targets": [{"target": "test@test.com"}]})
    assert response.status_code == 400 and response.json() == {"test@test.com": "Is the same as current mailbox"}


def test_62_4_7_forwards_post_to_the_same_mailbox_on_a_domain_alias(api):
    response = api.post(U + "/test/forwards", {"targets": [{"target": "test@test-com-alias.com"}]})
    assert response.status_code == 409
    assert response.json() == {"conflict": {"message": "Circular target test@test-com-alias.com", "code": 409,
                                            "details": ""}}


def test_62_4_8_forwards_post_to_a_missing_local_mailbox(api):
    response = api.post(U + "/test/forwards", {"targets": [{"target": "not-existing-mailbox@test.com"}]})
    assert response.status_code == 400 and response.json() == {"not-existing-mailbox@test.com": "Target not found"}


def test_62_4_9_forwards_post_distribution_list_with_a_missing_local_mailbox(api):
    api.put(U + "/existing-mailbox/mailbox", {"password": "Fwd-Box-42x"})
    body = {"targets": [{"target": "existing-mailbox@test.com"}, {"target": "not-existing-mailbox@test.com"}]}
    response = api.post(U + "/test/forwards", body)
    assert response.status_code == 400 and response.json() == {"not-existing-mailbox@test.com": "Target not found"}
    assert api.get(U + "/test/forwards").json()["targets"] == [{"target": "mb1@test.com"}]


def test_62_4_10_forwards_post_external(api):
    assert api.post(U + "/test/forwards", {"targets": [{"target": "test-fwd@different-domain.com"}]}
                    ).status_code == 204


def test_62_4_11_forwards_post_multiple_external(api):
    body = {"targets": [{"target": "test-fwd@different-domain_1.com"}, {"target": "test-fwd1@different-domain_2.com"}]}
    assert api.post(U + "/test/forwards", body).status_code == 204


# ---- 66-72 mailboxes -------------------------------------------------------------------------------------------
def test_66_4_1_mailbox_delete(api):
    assert api.delete(U + "/test/mailbox").status_code == 204
    assert api.get(U + "/test/mailbox").status_code == 404


def test_68_4_1_mailbox_get(api):
    response = api.get(U + "/test/mailbox")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "test" and body["master"] is True and isinstance(body["authToken"], str)
    assert isinstance(body["quota"], int) and isinstance(body["usage"], int) and links_ok(body)
    assert {u["version"] for u in body["sitemail_urls"]} == {"7", "8"}


def test_70_4_1_mailbox_create_without_password(api):
    response = api.put(U + "/john.smith/mailbox", {"master": False})
    assert response.status_code == 400 and response.json() == {"password": "Required"}


def test_70_4_2_mailbox_create_with_invalid_password(api):
    response = api.put(U + "/john.smith/mailbox", {"password": "abc1234", "master": True})
    assert response.status_code == 400 and list(response.json()) == ["password"]


def test_70_4_3_mailbox_create_with_zero_quota(api):
    response = api.put(U + "/john.smith/mailbox", {"password": "test_password1", "quota": 0})
    assert response.status_code == 400 and response.json() == {"computeFault": "Quota must be greater than 0"}


def test_70_4_4_mailbox_create_over_the_activesync_limit(api):
    for name in ("mb1", "jack.smith"):
        api.put(U + f"/{name}/webmail", {"type": "activesync"})
    response = api.put(U + "/john.smith/mailbox", {"password": "test_password1", "type": "activesync"})
    assert response.status_code == 400 and response.json() == {"computeFault": "Number of mailboxes exceeded"}


def test_70_4_5_mailbox_create(api):
    response = api.put(U + "/john.smith/mailbox", {"password": "pWord123$", "master": True})
    assert response.status_code == 201
    assert api.get(U + "/john.smith/mailbox").json()["master"] is True


def test_70_4_6_mailbox_update_password(api):
    api.put(U + "/john.smith/mailbox", {"password": "pWord123$", "master": True})
    assert api.put(U + "/john.smith/mailbox", {"password": "!q2w3e4R"}).status_code == 204


def test_70_4_7_and_70_4_8_mailbox_rename_then_reuse_of_an_old_password(api):
    api.put(U + "/john.smith/mailbox", {"password": "pWord123$", "master": True})
    api.put(U + "/john.smith/mailbox", {"password": "!q2w3e4R"})
    assert api.put(U + "/john.smith/mailbox", {"username": "john.smith2"}).status_code == 204  # 70.4.8
    assert api.put(U + "/john.smith2/mailbox", {"password": "pWord123$"}).status_code == 400  # 70.4.7


def test_70_4_9_mailbox_rename_onto_an_existing_name(api):
    api.put(U + "/john.smith/mailbox", {"password": "pWord123$"})
    assert api.put(U + "/john.smith/mailbox", {"username": "jack.smith"}).status_code == 400


def test_70_4_10_mailbox_create_with_quota_doc_password_breaks_the_rules(api):
    # The doc answers 201 for "pword1234", which breaks its own password rules; the sandbox stays strict.
    response = api.put(U + "/john.smith2/mailbox", {"password": "pword1234", "quota": 70})
    assert response.status_code == 400 and list(response.json()) == ["password"]


def test_70_4_10_mailbox_create_with_quota(api):
    assert api.put(U + "/john.smith2/mailbox", {"password": "pWord123$", "quota": 70}).status_code == 201
    assert api.get(U + "/john.smith2/mailbox").json()["quota"] == 70


def test_70_4_11_mailbox_update_quota(api):
    api.put(U + "/john.smith2/mailbox", {"password": "pWord123$", "quota": 70})
    assert api.put(U + "/john.smith2/mailbox", {"quota": 85}).status_code == 204
    assert api.get(U + "/john.smith2/mailbox").json()["quota"] == 85


def test_72_4_1_mailbox_messagestats(api):
    response = api.get(U + "/test/mailbox/messagestats")
    assert response.status_code == 200
    assert response.json()["messageCount"]["inbox"] == {"allMessages": 3, "unreadMessages": 3}


def test_74_4_1_migration_ticket(api):
    assert api.post(U + "/test/migration", {"subject": "subject", "body": "body"}).status_code == 201
    assert len(api.vendor.tickets) == 1


# ---- 76-78, 107-109 secrets; 117-119 secret question catalogue ------------------------------------------------
@pytest.mark.parametrize("base", [U, S], ids=["76-long", "107-short"])
def test_secrets_get(api, base):
    response = api.get(base + "/mailbox123/secrets", auth=None)
    assert response.status_code == 200
    body = response.json()
    assert body["list"] == ["tk1", "tk2", "tk3"] and links_ok(body)


@pytest.mark.parametrize("base", [U, S], ids=["78-long", "109-short"])
def test_secrets_put(api, base):
    assert api.put(base + "/test/secrets", {"tk1": "answer1", "tk2": "answer2", "tk3": "answer3"}).status_code == 204
    assert api.get(base + "/test/secrets").json()["list"] == ["tk1", "tk2", "tk3"]


@pytest.mark.parametrize("base", [U, S], ids=["78-long", "109-short"])
def test_secrets_put_below_the_minimum(api, base):
    response = api.put(base + "/test/secrets", {"tk1": "answer1", "tk2": "answer2"})
    assert response.status_code == 400
    assert response.json()["badRequest"]["details"] == {"": "Shorter than minimum length 3"}


def test_117_4_1_secret_questions(api):
    response = api.get("/email/secretQuestions", auth=None)
    assert response.status_code == 200
    body = response.json()
    assert {"tk1", "tk2", "tk3"} <= set(body["questions"]) and body["links"][0]["rel"] == "self"


def test_117_4_2_no_secret_questions_supported(api):
    api.vendor.secret_questions = {}
    assert api.get("/email/secretQuestions", auth=None).json()["questions"] == {}


def test_119_4_1_secret_question_settings(api):
    response = api.get("/email/secretQuestionSettings", auth=None)
    assert response.status_code == 200 and response.json()["minimum"] == 3


# ---- 80-84, 111-115 mailbox webmail (OX account) --------------------------------------------------------------
def test_80_4_1_webmail_get(api):
    response = api.get(U + "/test/webmail")
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body["authToken"], str) and body["type"] == "standard"
    assert (body["allowUpgrade"], body["resetPassword"], body["theme"]) == (True, False, "test_theme")
    assert (body["language"], body["timezone"]) == ("en_US", "America/Chicago") and links_ok(body)


def test_111_4_1_webmail_get_short_form_with_owner_credentials(api):
    response = api.get(S + "/test/webmail", auth=OWNER)
    assert response.status_code == 200
    body = response.json()
    assert "authToken" not in body and body["type"] == "standard" and body["theme"] == "test_theme"


WEBMAIL = pytest.mark.parametrize("base", [U, S], ids=["long", "short"])


@WEBMAIL
def test_82_4_1_and_113_4_1_webmail_post_invalid_type(api, base):
    response = api.post(base + "/mfg-mbox/webmail", {"type": "non-valid"})
    assert response.status_code == 400
    assert response.json()["type"].endswith("is not one of standard, activesync, premium")


def make_two_activesync(api) -> None:
    for name in ("mb1", "jack.smith"):
        assert api.put(U + f"/{name}/webmail", {"type": "activesync"}).status_code == 204


@WEBMAIL
def test_82_4_2_and_113_4_2_webmail_post_over_the_limit(api, base):
    make_two_activesync(api)
    response = api.post(base + "/mfg-mbox/webmail", {"type": "activesync"})
    assert response.status_code == 400 and response.json() == {"computeFault": "Number of mailboxes exceeded"}


def test_82_4_3_webmail_post(api):
    body = {"type": "standard", "allowUpgrade": False, "language": "en_US", "timezone": "America/Chicago"}
    assert api.post(U + "/mfg-mbox/webmail", body).status_code == 201
    assert api.get(U + "/mfg-mbox/webmail").json()["allowUpgrade"] is False


def test_113_4_3_webmail_post_short_form(api):
    body = {"type": "activesync", "allowUpgrade": False, "language": "en_US", "timezone": "America/Chicago"}
    assert api.post(S + "/mfg-mbox/webmail", body, auth=("mfg-mbox@test.com", "Demo-Pass-Mfg7!")).status_code == 201


@WEBMAIL
def test_84_4_1_and_115_4_1_webmail_put_empty_type(api, base):
    response = api.put(base + "/test/webmail", {"type": ""}, auth=OWNER)
    assert response.status_code == 400 and response.json() == {"type": "Required"}


@WEBMAIL
def test_84_4_2_and_115_4_2_webmail_put_invalid_type(api, base):
    response = api.put(base + "/test/webmail", {"type": "invalid-type"}, auth=OWNER)
    assert response.status_code == 400
    assert response.json() == {"type": '"invalid-type" is not one of standard, activesync, premium'}


@WEBMAIL
def test_84_4_3_and_115_4_3_webmail_put_inconsistent_allow_upgrade(api, base):
    response = api.put(base + "/test/webmail", {"type": "premium", "allowUpgrade": False}, auth=OWNER)
    assert response.status_code == 400
    assert response.json() == {"message": "The allowUpgrade option is inconsistent with the provided type"}


@WEBMAIL
def test_84_4_4_and_115_4_4_webmail_put_allow_upgrade_on_an_upgraded_account(api, base):
    api.put(U + "/test/webmail", {"type": "premium"})
    response = api.put(base + "/test/webmail", {"allowUpgrade": False}, auth=OWNER)
    assert response.status_code == 400
    assert response.json() == {"message": "The account is already upgraded. Please downgrade it to standard first."}


@WEBMAIL
def test_84_4_5_and_115_4_5_webmail_put_upgrade_not_allowed(api, base):
    api.put(U + "/test/webmail", {"allowUpgrade": False})
    response = api.put(base + "/test/webmail", {"type": "premium"}, auth=OWNER)
    assert response.status_code == 400 and response.json() == {"message": "This account is not allowed to be upgraded"}


@WEBMAIL
def test_84_4_6_and_115_4_6_webmail_put_over_the_limit(api, base):
    make_two_activesync(api)
    response = api.put(base + "/test/webmail", {"type": "activesync"}, auth=OWNER)
    assert response.status_code == 400 and response.json() == {"computeFault": "Number of mailboxes exceeded"}


@WEBMAIL
def test_84_4_7_and_115_4_7_webmail_put_type(api, base):
    assert api.put(base + "/test/webmail", {"type": "premium"}, auth=OWNER).status_code == 204
    assert api.get(U + "/test/webmail").json()["type"] == "premium"


@WEBMAIL
def test_84_4_8_and_115_4_8_webmail_put_downgrade_below_usage(api, base):
    api.put(U + "/test/webmail", {"type": "premium"})
    api.domain()["mailboxes"]["test"]["usage"] = 5000
    response = api.put(base + "/test/webmail", {"type": "standard"}, auth=OWNER)
    assert response.status_code == 400
    assert response.json() == {"message": "Current mailbox usage is larger than the new quota value"}


def test_84_4_9_webmail_put_reset_password_flag(api):
    assert api.put(S + "/test/webmail", {"resetPassword": True}, auth=OWNER).status_code == 204
    assert api.get(U + "/test/webmail").json()["resetPassword"] is True


@WEBMAIL
def test_84_4_10_and_115_4_9_webmail_put_theme_language_timezone(api, base):
    body = {"theme": "new_theme", "language": "en_US", "timezone": "America/Chicago"}
    assert api.put(base + "/test/webmail", body, auth=OWNER).status_code == 204
    assert api.get(U + "/test/webmail").json()["theme"] == "new_theme"


# ---- 86-88 usernames -------------------------------------------------------------------------------------------
def test_86_4_1_username_get_exchange(api):
    body = api.get(U + "/test-mb").json()
    assert set(body) == {"exchange", "secrets", "links"}
    assert body["exchange"][0]["href"].endswith("/usernames/test-mb/exchange/")


def test_86_4_2_username_get_mfg2(api):
    body = api.get(U + "/mfg-mbox").json()
    assert set(body) == {"mailbox", "secrets", "links"} and body["mailbox"][0]["rel"] == "related"


def test_88_4_1_usernames_list(api):
    response = api.get(U)
    assert response.status_code == 200
    body = response.json()
    assert body["totalCount"] == "6"
    item = next(m for m in body["list"] if m["username"] == "test")
    assert {"username", "links", "type", "quota", "master", "trialType", "trialExpiration", "allowUpgrade"} == set(item)
    assert item["type"] == "imap" and item["trialType"] == "premium"


def test_88_4_2_usernames_list_with_details(api):
    body = api.get(U + "?details=1").json()
    assert next(m for m in body["list"] if m["username"] == "test")["webmailAccess"] == "standard"


def test_88_4_3_usernames_list_paginated_and_sorted(api):
    body = api.get(U + "?page=2&pageSize=2&sortField=username&sortOrder=desc").json()
    assert body["totalCount"] == "6" and [m["username"] for m in body["list"]] == ["mfg-mbox", "mb1"]
    rels = {link["rel"]: link["href"] for link in body["links"]}
    assert set(rels) == {"first", "previous", "next", "last", "self"}
    assert "page=3" in rels["next"] and "page=1" in rels["first"]


# ---- 90-98 domain webmail, limits, names, upgrade; 100 domain ----------------------------------------------------
def test_90_4_1_domain_webmail_get(api):
    body = api.get(A + "/webmail").json()
    assert (body["type"], body["allowUpgrade"], body["trialType"]) == ("standard", True, "premium")
    assert len(body["trialExpiration"]) == 10 and body["links"][0]["rel"] == "self"


def test_92_4_1_domain_webmail_put_without_options(api):
    response = api.put(A + "/webmail", {})
    assert response.status_code == 400 and response.json() == {"allowUpgrade": "Required"}


def test_92_4_2_domain_webmail_put(api):
    api.put(A + "/webmail", {"allowUpgrade": False})
    assert api.put(A + "/webmail", {"allowUpgrade": True}).status_code == 204
    assert api.get(A + "/webmail").json()["allowUpgrade"] is True


@pytest.mark.parametrize("base", [A, "/email/test.com"], ids=["94-long", "short"])
def test_94_webmail_limits(api, base):
    body = api.get(base + "/webmailLimits").json()
    assert body["webmailLimits"] == {"activesync": 2, "premium": -1, "starter": -1, "standard": -1} and links_ok(body)


@pytest.mark.parametrize("base", [A, "/email/test.com"], ids=["96-long", "short"])
def test_96_webmail_names(api, base):
    body = api.get(base + "/webmailNames").json()
    assert set(body["webmailNames"]) == {"activesync", "premium", "standard"} and links_ok(body)


@pytest.mark.parametrize("base", [A, "/email/test.com"], ids=["98-long", "short"])
def test_98_webmail_upgrade(api, base):
    body = api.get(base + "/webmailUpgrade").json()
    assert body["allowed"] is True and links_ok(body)


def test_100_4_1_domain_get(api):
    response = api.get("/accounts/test-account123/email/test.com")
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body["quota"], int) and body["links"][0]["href"].endswith("/email/test.com/")
