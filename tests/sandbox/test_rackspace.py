"""The Rackspace Email customer API sandbox, driven over real HTTP.

Contract tests send each example request of ``rackspace-email-customer-api.txt`` (with the demo
estate's account numbers in place of the doc's placeholders) and check the documented status and
shape; the rest pin the vendor's own behaviours: the signed header, the per-minute throttle, the
enable/disable window, login-token expiry, CSV line items, the last-billing-contact rule, XML.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
import requests

from sandbox.rackspace import sign
from sandbox.testing import running_sandbox

VENDOR = "rackspace"
CUSTOMER_KEYS = {"name", "accountNumber", "referenceNumber", "addressLine1", "addressLine2", "city", "state", "zip",
                 "country", "phone", "email"}
CONTACT_KEYS = {"CustomerNumber", "Email", "Id", "Name", "Phone", "ReceivesAlerts", "ReceivesBilling",
                "ReceivesUpdates", "SecurityAnswer", "SecurityQuestion"}
INVOICE_KEYS = {"InvoiceId", "InvoiceDate", "InvoiceType", "TotalDue", "IsPaid", "CsvAvailable"}
NEW_CONTACT = {"Email": "user@example.com", "Name": "Best Contact", "Phone": "1235555555", "ReceivesAlerts": False,
               "ReceivesBilling": False, "ReceivesUpdates": False, "SecurityAnswer": "A", "SecurityQuestion": "Q"}
LAST_BILLING = "There must be at least one billing contact and one primary contact. (A single contact can be both.)"


@pytest.fixture(scope="module")
def server():
    with running_sandbox(vendors=[VENDOR]) as sb:
        yield sb


@pytest.fixture
def sb(server):
    server.reset()
    return server


class Api:
    """A signing client: a fresh X-Api-Signature on every call, timestamped by the sandbox clock."""

    def __init__(self, sb, *, user_key=None, secret_key=None, user_agent=None):
        creds = sb.config(VENDOR)["credentials"]
        self.sb = sb
        self.base = sb.base_url(VENDOR)
        self.user_key = user_key or creds["user_key"]
        self.secret_key = secret_key or creds["secret_key"]
        self.user_agent = user_agent or creds["user_agent"]

    def stamp(self, offset=0.0):
        return datetime.fromtimestamp(self.sb.app.clock.now() + offset, UTC).strftime("%Y%m%d%H%M%S")

    def headers(self, accept="application/json", stamp=None):
        return {"X-Api-Signature": sign(self.user_key, self.secret_key, self.user_agent, stamp or self.stamp()),
                "User-Agent": self.user_agent, "Accept": accept}

    def call(self, method, path, *, accept="application/json", headers=None, **kwargs):
        merged = {**self.headers(accept), **(headers or {})}
        return requests.request(method, self.base + path, headers=merged, timeout=10, **kwargs)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, **kw):
        return self.call("POST", path, **kw)

    def put(self, path, **kw):
        return self.call("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)


@pytest.fixture
def api(sb):
    return Api(sb)


@pytest.fixture
def seeded(sb):
    return sb.config(VENDOR)["seeded"]


def fault(response, name, status, message):
    """Assert a documented fault: status, body ``{name: {"message", "code"}}`` and the x-error-message header."""
    assert response.status_code == status, response.text
    assert response.json() == {name: {"message": message, "code": status}}
    assert response.headers["x-error-message"] == message


def advance(sb, seconds):
    requests.post(sb.url + "/_sandbox/clock", json={"advance": seconds}, timeout=5)


def xml_root(response):
    root = ET.fromstring(response.content)
    return root, root.tag.split("}")[0][1:]


def text_of(root, ns, tag):
    return root.find(f"{{{ns}}}{tag}").text


# ---- contract: v1 customers ------------------------------------------------------------------
def test_contract_index_with_size_and_offset(api):
    response = api.get("/v1/customers?size=100&offset=10")
    assert response.status_code == 200
    assert response.json() == {"offset": 10, "size": 100, "total": 3, "customers": []}


def test_contract_index_json_result_example(api):
    body = api.get("/v1/customers").json()
    assert body == {"offset": 0, "size": 50, "total": 3, "customers": [
        {"name": "API Customer 17", "accountNumber": "460182", "referenceNumber": "49"},
        {"name": "API Customer 39", "accountNumber": "460181", "referenceNumber": "23"},
        {"name": "API Customer 50", "accountNumber": "460183", "referenceNumber": "10"}]}


def test_contract_index_xml_result_example(api):
    response = api.get("/v1/customers", accept="text/xml")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/xml")
    root, ns = xml_root(response)
    assert root.tag == "{urn:xml:customerList}customerList" and ns == "urn:xml:customerList"
    assert [text_of(root, ns, t) for t in ("offset", "size", "total")] == ["0", "50", "3"]
    customers = root.find(f"{{{ns}}}customers").findall(f"{{{ns}}}customer")
    assert [text_of(c, ns, "accountNumber") for c in customers] == ["460182", "460181", "460183"]


def test_contract_show_me_is_the_reseller(api, seeded):
    response = api.get("/v1/customers/me")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == CUSTOMER_KEYS and body["accountNumber"] == seeded["account"]


def test_contract_show_customer_json_result_example(api, seeded):
    body = api.get(f"/v1/customers/{seeded['customer']}").json()
    assert body == {"name": "API Customer 17", "accountNumber": "460182", "referenceNumber": "49",
                    "addressLine1": "555 Address", "addressLine2": "Suite 555", "city": "Austin", "state": "TX",
                    "zip": "78703", "country": "US", "phone": "1-555-555-5555", "email": "user@example.com"}


def test_contract_show_xml_result_example(api, seeded):
    root, ns = xml_root(api.get(f"/v1/customers/{seeded['customer']}", accept="text/xml"))
    assert root.tag == "{urn:xml:customer}customer"
    assert text_of(root, ns, "name") == "API Customer 17" and text_of(root, ns, "zip") == "78703"


def test_contract_query_by_reference_number_returns_a_show(api):
    response = api.get("/v1/customers?referenceNumber=49")
    assert response.status_code == 200
    assert set(response.json()) == CUSTOMER_KEYS and response.json()["accountNumber"] == "460182"


def test_contract_add_customer(api):
    response = api.post("/v1/customers", data={"name": "Name"})
    assert response.status_code == 200 and response.content == b""
    listed = api.get("/v1/customers?startswith=Name").json()["customers"]
    assert [c["name"] for c in listed] == ["Name"]


def test_contract_edit_customer(api, seeded):
    fields = {"name": "NewName", "referenceNumber": "12345", "addressLine1": "555 Address",
              "addressLine2": "Suite 555", "city": "Austin", "state": "Texas", "zip": "78703", "country": "USA",
              "phone": "1-555-555-5555", "email": "user@example.com"}
    response = api.put(f"/v1/customers/{seeded['customer']}", data=fields)
    assert response.status_code == 200
    assert api.get(f"/v1/customers/{seeded['customer']}").json() == {**fields, "accountNumber": seeded["customer"]}


def test_contract_disable_customer(sb, api, seeded):
    response = api.post(f"/v1/customers/{seeded['customer']}/disable")
    assert response.status_code == 200
    assert sb.vendor(VENDOR).account_state[seeded["customer"]]["enabled"] is False


def test_contract_delete_customer(api, seeded):
    assert api.delete(f"/v1/customers/{seeded['customer']}").status_code == 200
    fault(api.get(f"/v1/customers/{seeded['customer']}"), "itemNotFoundFault", 404, "Customer Not Found")


def test_contract_create_login_token_for_virtual_user_json(api, seeded):
    response = api.post(f"/v1/customers/{seeded['customer']}/loginToken",
                        data={"userName": "dev_cust_limitedadmin", "virtualUser": "true"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"user", "token", "dateCreated"}
    assert body["user"] == f"dev_cust_limitedadmin_{seeded['customer']}_vu"
    assert len(body["token"]) == 41 and body["token"] == body["token"].upper()
    datetime.strptime(body["dateCreated"], "%m/%d/%Y %I:%M:%S %p")


def test_contract_create_login_token_xml(api, seeded):
    response = api.post(f"/v1/customers/{seeded['customer']}/loginToken", accept="text/xml",
                        data={"userName": "dev_cust_limitedadmin", "virtualUser": "true"})
    root, ns = xml_root(response)
    assert root.tag == "{urn:xml:loginToken}loginToken"
    assert text_of(root, ns, "user") == f"dev_cust_limitedadmin_{seeded['customer']}_vu"


# ---- contract: v2 invoices and contacts ------------------------------------------------------
def test_contract_view_invoices(api, seeded):
    response = api.get(f"/v2/customers/{seeded['customer']}/invoices")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("Size", "Offset", "Total")} == {"Size": 50, "Offset": 0, "Total": 3}
    assert all(set(item) == INVOICE_KEYS for item in body["Items"])
    assert isinstance(body["Items"][0]["IsPaid"], bool) and isinstance(body["Items"][0]["TotalDue"], str)


def test_contract_invoice_line_items_are_text_csv(api, seeded):
    response = api.get(f"/v2/customers/{seeded['customer']}/invoices/{seeded['invoice_with_csv']}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    lines = response.text.splitlines()
    assert lines[0].startswith("Account No,Reference No,Domain,Product,Type,Service Start,Service End")
    assert len(lines) > 1 and lines[1].startswith(seeded["customer"] + ",")


def test_contract_view_contacts(api, seeded):
    body = api.get(f"/v2/customers/{seeded['customer']}/contacts").json()
    assert {k: body[k] for k in ("Size", "Offset", "Total")} == {"Size": 50, "Offset": 0, "Total": 4}
    assert all(set(item) == CONTACT_KEYS for item in body["Items"])


def test_contract_view_a_specific_contact(api, seeded):
    response = api.get(f"/v2/customers/{seeded['customer']}/contacts/4")
    assert response.status_code == 200
    assert set(response.json()) == CONTACT_KEYS and response.json()["Id"] == "4"


def test_contract_view_a_range_of_contacts_at_an_offset(api, seeded):
    body = api.get(f"/v2/customers/{seeded['customer']}/contacts?size=2&offset=2").json()
    assert (body["Size"], body["Offset"], body["Total"]) == (2, 2, 4)
    assert [(c["Id"], c["Email"], c["ReceivesBilling"]) for c in body["Items"]] == [
        ("3", "user3@example.com", True), ("4", "user4@example.com", False)]


def test_contract_add_a_contact(api, seeded):
    response = api.post(f"/v2/customers/{seeded['customer']}/contacts/", json=NEW_CONTACT)
    assert response.status_code == 200
    created = response.json()
    assert set(created) == CONTACT_KEYS and created["CustomerNumber"] == seeded["customer"]
    assert api.get(f"/v2/customers/{seeded['customer']}/contacts/{created['Id']}").json() == created


def test_contract_update_a_contact(api, seeded):
    response = api.put(f"/v2/customers/{seeded['customer']}/contacts/4", json=NEW_CONTACT)
    assert response.status_code == 200
    assert api.get(f"/v2/customers/{seeded['customer']}/contacts/4").json()["Name"] == "Best Contact"


def test_contract_delete_a_contact(api, seeded):
    assert api.delete(f"/v2/customers/{seeded['customer']}/contacts/4").status_code == 200
    assert api.get(f"/v2/customers/{seeded['customer']}/contacts/4").status_code == 404


# ---- documented errors: add/edit -------------------------------------------------------------
@pytest.mark.parametrize(("form", "message"), [
    ({"referenceNumber": "1"}, "Missing required field: name"),
    ({"name": ""}, "Required field name cannot be empty"),
    ({"name": " Padded"}, "Improper Customer Name: cannot begin or end with a space"),
    ({"name": "x" * 101}, "Name too long: 100 characters or fewer"),
    ({"name": "Ok", "referenceNumber": "1" * 21}, "Reference number too long: 20 characters or fewer"),
])
def test_add_customer_documented_400s(sb, api, form, message):
    fault(api.post("/v1/customers", data=form), "badRequestFault", 400, message)
    assert len(sb.vendor(VENDOR).customers) == 3


def test_edit_customer_rejects_blank_name(api, seeded):
    fault(api.put(f"/v1/customers/{seeded['customer']}", data={"name": "  "}), "badRequestFault", 400,
          "Required field name cannot be empty")


def test_add_customer_with_json_body_has_no_form_fields(api):
    fault(api.post("/v1/customers", json={"name": "Name"}), "badRequestFault", 400, "Missing required field: name")


def test_add_customer_rejects_unknown_field(api):
    fault(api.post("/v1/customers", data={"name": "Ok", "reference_number": "1"}), "badRequestFault", 400,
          "Invalid field: reference_number")


def test_add_customer_name_of_exactly_100_characters_is_accepted(api):
    assert api.post("/v1/customers", data={"name": "x" * 100}).status_code == 200


def test_retried_add_creates_a_second_customer_and_reference_lookup_shows_the_oldest(api):
    api.post("/v1/customers", data={"name": "Twice", "referenceNumber": "panel-7"})
    api.post("/v1/customers", data={"name": "Twice", "referenceNumber": "panel-7"})
    assert api.get("/v1/customers?contains=panel-7").json()["total"] == 2
    assert api.get("/v1/customers?referenceNumber=panel-7").json()["accountNumber"] == "460184"


def test_edit_unknown_customer_is_404(api):
    fault(api.put("/v1/customers/999999", data={"name": "NewName"}), "itemNotFoundFault", 404, "Customer Not Found")


def test_edit_me_is_not_authorized(api):
    fault(api.put("/v1/customers/me", data={"name": "NewName"}), "unauthorizedFault", 403, "Not authorized")


# ---- index search and paging -----------------------------------------------------------------
def test_index_startswith_and_contains_together_is_400(api):
    response = api.get("/v1/customers?startswith=API&contains=17")
    assert response.status_code == 400 and "badRequestFault" in response.json()


def test_index_startswith_matches_name_case_insensitively(api):
    assert api.get("/v1/customers?startswith=api customer 5").json()["customers"][0]["accountNumber"] == "460183"


def test_index_contains_matches_account_number(api):
    body = api.get("/v1/customers?contains=0181").json()
    assert [c["name"] for c in body["customers"]] == ["API Customer 39"] and body["total"] == 1


def test_index_size_over_250_is_400(api):
    assert api.get("/v1/customers?size=251").status_code == 400


def test_index_unknown_reference_number_is_404(api):
    fault(api.get("/v1/customers?referenceNumber=nope"), "itemNotFoundFault", 404, "Customer Not Found")


def test_reference_number_query_searches_only_sub_accounts(api):
    assert api.get("/v1/customers?referenceNumber=R-1").status_code == 404


def test_show_unknown_customer_is_404_with_error_header(api):
    fault(api.get("/v1/customers/999999"), "itemNotFoundFault", 404, "Customer Not Found")


# ---- authentication --------------------------------------------------------------------------
def test_missing_signature_is_403_unauthorized_fault(api):
    response = requests.get(api.base + "/v1/customers", headers={"Accept": "application/json"}, timeout=5)
    fault(response, "unauthorizedFault", 403, "Authentication failed")


def test_wrong_secret_key_is_403(sb):
    fault(Api(sb, secret_key="wrong").get("/v1/customers"), "unauthorizedFault", 403, "Authentication failed")


def test_unknown_user_key_is_403(sb):
    fault(Api(sb, user_key="nobody").get("/v1/customers"), "unauthorizedFault", 403, "Authentication failed")


def test_user_agent_must_be_the_hashed_string(api):
    response = api.get("/v1/customers", headers={"User-Agent": "something-else"})
    fault(response, "unauthorizedFault", 403, "Authentication failed")


def test_any_user_agent_works_when_it_is_the_one_hashed(sb):
    assert Api(sb, user_agent="AnotherClient/2").get("/v1/customers").status_code == 200


def test_signature_older_than_five_minutes_is_403(api):
    response = api.get("/v1/customers", headers={"X-Api-Signature": sign(
        api.user_key, api.secret_key, api.user_agent, api.stamp(-301))})
    assert response.status_code == 403


def test_signature_within_five_minutes_is_accepted(api):
    response = api.get("/v1/customers", headers={"X-Api-Signature": sign(
        api.user_key, api.secret_key, api.user_agent, api.stamp(-240))})
    assert response.status_code == 200


def test_local_time_stamp_in_wrong_format_is_403(api):
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    response = api.get("/v1/customers", headers={"X-Api-Signature": sign(
        api.user_key, api.secret_key, api.user_agent, stamp)})
    assert response.status_code == 403


def test_wall_clock_signature_still_accepted_after_sandbox_clock_advances(sb, api):
    advance(sb, 3600)
    wall = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    response = api.get("/v1/customers", headers={"X-Api-Signature": sign(
        api.user_key, api.secret_key, api.user_agent, wall)})
    assert response.status_code == 200


def test_auth_failure_answers_xml_when_asked(sb):
    response = Api(sb, secret_key="wrong").get("/v1/customers", accept="text/xml")
    root, ns = xml_root(response)
    assert response.status_code == 403 and root.tag == "{urn:xml:unauthorizedFault}unauthorizedFault"


def test_customer_level_user_is_refused_reseller_only_routes(sb, seeded):
    user = seeded["customer_api_user"]
    customer = Api(sb, user_key=user["user_key"], secret_key=user["secret_key"])
    fault(customer.get("/v1/customers"), "unauthorizedFault", 403, "Not authorized")


def test_customer_level_user_reads_its_own_contacts_via_me(sb, seeded):
    user = seeded["customer_api_user"]
    customer = Api(sb, user_key=user["user_key"], secret_key=user["secret_key"])
    assert customer.get("/v2/customers/me/contacts").json()["Total"] == 4
    fault(customer.get("/v2/customers/460181/contacts"), "unauthorizedFault", 403, "Unauthorized.")


def test_customer_level_admin_cannot_add_contacts_to_another_account(sb, seeded):
    user = seeded["customer_api_user"]
    customer = Api(sb, user_key=user["user_key"], secret_key=user["secret_key"])
    fault(customer.post("/v2/customers/460181/contacts", json=NEW_CONTACT), "unauthorizedFault", 403, "Unauthorized.")
    assert Api(sb).get("/v2/customers/460181/contacts").json()["Total"] == 1


# ---- content negotiation ---------------------------------------------------------------------
def test_v1_without_json_accept_answers_xml(api):
    response = api.get("/v1/customers/me", accept="*/*")
    assert response.headers["Content-Type"].startswith("text/xml")
    assert xml_root(response)[0].tag == "{urn:xml:customer}customer"


def test_v1_error_in_xml_when_accept_is_text_xml(api):
    response = api.get("/v1/customers/999999", accept="text/xml")
    root, ns = xml_root(response)
    assert response.status_code == 404 and root.tag == "{urn:xml:itemNotFoundFault}itemNotFoundFault"
    assert text_of(root, ns, "message") == "Customer Not Found"


def test_v2_answers_json_even_for_xml_accept(api, seeded):
    assert api.get(f"/v2/customers/{seeded['customer']}/contacts", accept="text/xml").json()["Total"] == 4


def test_wrong_method_on_v1_is_405_with_allow_header(api):
    response = api.delete("/v1/customers")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]


# ---- throttling ------------------------------------------------------------------------------
def test_61st_get_in_a_minute_is_403_exceeded_request_limits_without_retry_after(api):
    statuses = [api.get("/v1/customers/me").status_code for _ in range(60)]
    assert set(statuses) == {200}
    response = api.get("/v1/customers/me")
    fault(response, "unauthorizedFault", 403, "Exceeded request limits")
    assert "Retry-After" not in response.headers


def test_31st_write_in_a_minute_is_throttled_while_reads_continue(api, seeded):
    for _ in range(30):
        assert api.put(f"/v1/customers/{seeded['customer']}", data={"city": "Austin"}).status_code == 200
    fault(api.put(f"/v1/customers/{seeded['customer']}", data={"city": "Austin"}), "unauthorizedFault", 403,
          "Exceeded request limits")
    assert api.get("/v1/customers/me").status_code == 200


def test_throttle_lifts_after_the_minute(sb, api):
    for _ in range(61):
        api.get("/v1/customers/me")
    advance(sb, 61)
    assert api.get("/v1/customers/me").status_code == 200


def test_calls_over_the_limit_still_count(sb, api):
    for _ in range(60):
        api.get("/v1/customers/me")
    advance(sb, 30)
    refused = [api.get("/v1/customers/me").status_code for _ in range(60)]
    assert set(refused) == {403}
    advance(sb, 31)  # the first 60 have left the window; the 60 refused ones have not
    assert api.get("/v1/customers/me").status_code == 403


def test_throttle_fault_answers_like_the_vendor(sb, api):
    sb.vendor(VENDOR).faults.add(kind="throttle")
    response = api.get("/v1/customers")
    fault(response, "unauthorizedFault", 403, "Exceeded request limits")
    assert "Retry-After" not in response.headers


def test_status_fault_uses_the_fault_shape(sb, api):
    requests.post(sb.url + "/_sandbox/rackspace/faults", json={"kind": "status", "status": 503,
                                                                "message": "Service Unavailable"}, timeout=5)
    fault(api.get("/v1/customers"), "serviceUnavailableFault", 503, "Service Unavailable")


# ---- enable / disable ------------------------------------------------------------------------
def test_second_enable_disable_within_five_minutes_is_403_exceeded(api, seeded):
    assert api.post(f"/v1/customers/{seeded['customer']}/disable").status_code == 200
    fault(api.post(f"/v1/customers/{seeded['customer']}/enable"), "unauthorizedFault", 403, "Exceeded request limits")


def test_enable_allowed_again_after_five_minutes(sb, api, seeded):
    api.post(f"/v1/customers/{seeded['customer']}/disable")
    advance(sb, 299)
    assert api.post(f"/v1/customers/{seeded['customer']}/enable").status_code == 403
    advance(sb, 2)
    assert api.post(f"/v1/customers/{seeded['customer']}/enable").status_code == 200
    assert sb.vendor(VENDOR).account_state[seeded["customer"]]["enabled"] is True


def test_enable_disable_window_is_per_customer(api):
    assert api.post("/v1/customers/460181/disable").status_code == 200
    assert api.post("/v1/customers/460183/disable").status_code == 200


def test_disable_unknown_account_is_403_not_authorized(api):
    fault(api.post("/v1/customers/999999/disable"), "unauthorizedFault", 403, "Not authorized")


def test_disable_me_is_403_not_authorized(api):
    fault(api.post("/v1/customers/me/disable"), "unauthorizedFault", 403, "Not authorized")


def test_enable_disable_window_delay_can_be_shortened(sb, api, seeded):
    requests.post(sb.url + "/_sandbox/rackspace/delays", json={"enable_disable_window": 0}, timeout=5)
    api.post(f"/v1/customers/{seeded['customer']}/disable")
    assert api.post(f"/v1/customers/{seeded['customer']}/enable").status_code == 200


# ---- login tokens ----------------------------------------------------------------------------
def _token(api, account, user="dev_cust_limitedadmin", virtual="true"):
    return api.post(f"/v1/customers/{account}/loginToken", data={"userName": user, "virtualUser": virtual})


def test_login_token_signs_in_to_the_control_panel_once(api, seeded):
    token = _token(api, seeded["customer"]).json()["token"]
    first = requests.get(api.base + "/TokenLogin.aspx", params={"loginToken": token}, timeout=5)
    second = requests.get(api.base + "/TokenLogin.aspx", params={"loginToken": token}, timeout=5)
    assert (first.status_code, second.status_code) == (200, 403)


def test_login_token_expires_after_ten_minutes(sb, api, seeded):
    token = _token(api, seeded["customer"]).json()["token"]
    advance(sb, 601)
    response = requests.get(api.base + "/logintokens.aspx", params={"loginToken": token}, timeout=5)
    assert response.status_code == 403


def test_login_token_still_valid_just_before_ten_minutes(sb, api, seeded):
    token = _token(api, seeded["customer"]).json()["token"]
    advance(sb, 599)
    assert requests.get(api.base + "/TokenLogin.aspx", params={"loginToken": token}, timeout=5).status_code == 200


def test_login_token_for_disabled_customer_does_not_sign_in(api, seeded):
    token = _token(api, seeded["customer"]).json()["token"]
    api.post(f"/v1/customers/{seeded['customer']}/disable")
    assert requests.get(api.base + "/TokenLogin.aspx", params={"loginToken": token}, timeout=5).status_code == 403


def test_non_virtual_login_token_needs_an_existing_admin(api, seeded):
    assert _token(api, seeded["customer"], user=seeded["admin_user"], virtual="false").json()["user"] == "admin"
    fault(_token(api, seeded["customer"], user="ghost", virtual="false"), "badRequestFault", 400,
          "Invalid userName: not an existing admin user")


def test_login_token_requires_virtual_user_flag(api, seeded):
    response = api.post(f"/v1/customers/{seeded['customer']}/loginToken", data={"userName": "x"})
    fault(response, "badRequestFault", 400, "Missing required field: virtualUser")


def test_login_token_for_unknown_customer_is_404(api):
    fault(_token(api, "460896"), "itemNotFoundFault", 404, "Customer Not Found")


# ---- invoices --------------------------------------------------------------------------------
def test_invoices_are_newest_first(api, seeded):
    items = api.get(f"/v2/customers/{seeded['customer']}/invoices").json()["Items"]
    dates = [i["InvoiceDate"] for i in items]
    assert dates == sorted(dates, reverse=True)


def test_invoice_without_csv_is_404(api, seeded):
    invoices = api.get(f"/v2/customers/{seeded['customer']}/invoices").json()["Items"]
    old = next(i for i in invoices if i["InvoiceId"] == seeded["invoice_without_csv"])
    assert old["CsvAvailable"] is False
    response = api.get(f"/v2/customers/{seeded['customer']}/invoices/{seeded['invoice_without_csv']}")
    fault(response, "itemNotFoundFault", 404, "Invoice CSV Not Available")


def test_unknown_invoice_is_404(api, seeded):
    fault(api.get(f"/v2/customers/{seeded['customer']}/invoices/123123"), "itemNotFoundFault", 404,
          "Invoice Not Found")


def test_invoices_page_with_capitalised_parameters(api, seeded):
    body = api.get(f"/v2/customers/{seeded['customer']}/invoices?Size=1&Offset=1").json()
    assert (body["Size"], body["Offset"], body["Total"], len(body["Items"])) == (1, 1, 3, 1)


def test_invoices_of_unknown_customer_is_404(api):
    assert api.get("/v2/customers/999999/invoices").status_code == 404


# ---- contacts --------------------------------------------------------------------------------
def test_deleting_the_last_billing_contact_is_400(api, seeded):
    customer = seeded["customer"]
    api.put(f"/v2/customers/{customer}/contacts/1", json={"ReceivesBilling": False})
    api.put(f"/v2/customers/{customer}/contacts/2", json={"ReceivesBilling": False})
    fault(api.delete(f"/v2/customers/{customer}/contacts/3"), "badRequestFault", 400, LAST_BILLING)


def test_deleting_the_only_contact_is_400(api):
    fault(api.delete("/v2/customers/460181/contacts/5"), "badRequestFault", 400, LAST_BILLING)


def test_clearing_billing_on_the_last_billing_contact_is_400(api):
    fault(api.put("/v2/customers/460181/contacts/5", json={"ReceivesBilling": "false"}), "badRequestFault", 400,
          LAST_BILLING)


def test_deleting_a_billing_contact_while_another_remains_is_ok(api, seeded):
    assert api.delete(f"/v2/customers/{seeded['customer']}/contacts/1").status_code == 200


@pytest.mark.parametrize(("change", "message"), [
    ({"Name": ""}, "Contact name cannot be empty."),
    ({"Email": "not-an-email"}, "Please enter a valid email address."),
    ({"SecurityQuestion": ""}, "Security question cannot be empty."),
    ({"SecurityAnswer": " "}, "Security answer cannot be empty."),
])
def test_add_contact_documented_400s(api, seeded, change, message):
    fault(api.post(f"/v2/customers/{seeded['customer']}/contacts", json={**NEW_CONTACT, **change}),
          "badRequestFault", 400, message)


def test_add_contact_needs_every_field(api, seeded):
    body = {k: v for k, v in NEW_CONTACT.items() if k != "ReceivesAlerts"}
    fault(api.post(f"/v2/customers/{seeded['customer']}/contacts", json=body), "badRequestFault", 400,
          "ReceivesAlerts must be true or false.")


def test_add_contact_with_empty_body_is_400(api, seeded):
    fault(api.post(f"/v2/customers/{seeded['customer']}/contacts", headers={"Content-Type": "application/json"}),
          "badRequestFault", 400, "Payload must be a valid JSON object. Make sure the POST body contains content.")


def test_add_contact_form_encoded_is_400_wrong_content_type(api, seeded):
    fault(api.post(f"/v2/customers/{seeded['customer']}/contacts", data=NEW_CONTACT), "badRequestFault", 400,
          "Payload must be a valid JSON object. Verify that the content type is application/json .")


def test_add_contact_over_the_limit_is_400(sb, api, seeded):
    sb.vendor(VENDOR).contact_limit = 4
    try:
        fault(api.post(f"/v2/customers/{seeded['customer']}/contacts", json=NEW_CONTACT), "badRequestFault", 400,
              "Contact/Administrator limit reached.")
    finally:
        del sb.vendor(VENDOR).contact_limit


def test_unknown_contact_is_404(api, seeded):
    fault(api.get(f"/v2/customers/{seeded['customer']}/contacts/999"), "itemNotFoundFault", 404, "Contact Not Found")


def test_v2_invalid_method_is_404_make_sure_the_url_is_correct(api, seeded):
    fault(api.post(f"/v2/customers/{seeded['customer']}/contacts/4"), "itemNotFoundFault", 404,
          "Make sure the URL is correct.")


def test_reseller_reads_its_own_contacts_via_me(api):
    assert api.get("/v2/customers/me/contacts").json()["Items"][0]["CustomerNumber"] == "460100"


def test_deleting_a_customer_removes_its_contacts(api, seeded):
    api.delete(f"/v1/customers/{seeded['customer']}")
    assert api.get(f"/v2/customers/{seeded['customer']}/contacts").status_code == 404


# ---- seeding and control surface -------------------------------------------------------------
def test_seed_ten_thousand_customers_with_100000_contacts_is_fast_and_visible(sb, api):
    started = time.perf_counter()
    answer = requests.post(sb.url + "/_sandbox/rackspace/seed", json={"customers": 10000, "contacts": 10,
                                                                      "invoices": 12}, timeout=60).json()
    assert time.perf_counter() - started < 20
    assert (answer["customers"], answer["contacts"], answer["invoices"]) == (10000, 100000, 120000)
    assert api.get("/v1/customers?size=250&offset=9900").json()["total"] == 10003
    last = str(int(answer["first_account"]) + 9999)
    assert api.get(f"/v2/customers/{last}/contacts?size=5").json()["Total"] == 10
    invoices = api.get(f"/v2/customers/{last}/invoices").json()["Items"]
    with_csv = next(i for i in invoices if i["CsvAvailable"])
    csv = api.get(f"/v2/customers/{last}/invoices/{with_csv['InvoiceId']}")
    assert csv.status_code == 200 and csv.text.count("\r\n") == 3
    stats = requests.get(sb.url + "/_sandbox/rackspace/stats", timeout=5).json()
    assert stats["customers"] == 10003 and stats["contacts"] == 100007


def test_seeded_customer_is_found_by_reference_number(sb, api):
    first = sb.vendor(VENDOR).seed(customers=100)["first_account"]
    assert api.get(f"/v1/customers?referenceNumber=S{first}").json()["accountNumber"] == first


def test_seed_refuses_mailboxes_this_api_does_not_hold(sb):
    response = requests.post(sb.url + "/_sandbox/rackspace/seed", json={"mailboxes": 10}, timeout=5)
    assert response.status_code == 400


def test_login_token_delay_can_be_set_to_zero(sb, api, seeded):
    requests.post(sb.url + "/_sandbox/rackspace/delays", json={"login_token": 0}, timeout=5)
    token = _token(api, seeded["customer"]).json()["token"]
    assert requests.get(api.base + "/TokenLogin.aspx", params={"loginToken": token}, timeout=5).status_code == 403


def test_reset_forgets_added_customers(sb, api):
    api.post("/v1/customers", data={"name": "Temp"})
    requests.post(sb.url + "/_sandbox/reset", timeout=5)
    assert api.get("/v1/customers").json()["total"] == 3


def test_update_contact_accepts_a_read_contact_sent_back(api, seeded):
    path = f"/v2/customers/{seeded['customer']}/contacts/4"
    contact = api.get(path).json()
    assert api.put(path, json={**contact, "Phone": "5550001111"}).status_code == 200
    assert api.get(path).json() == {**contact, "Phone": "5550001111"}


def test_update_contact_rejects_unknown_field(api, seeded):
    fault(api.put(f"/v2/customers/{seeded['customer']}/contacts/4", json={"Mobile": "1"}), "badRequestFault", 400,
          "Invalid field: Mobile")
