"""The SYNAQ sandbox over real HTTP: the doc's examples as contract tests, then the vendor's behaviours."""

from __future__ import annotations

import hashlib
import itertools
import time

import pytest
import requests

from sandbox.testing import running_sandbox

API = "/api/v1"
_salts = itertools.count(int(time.time() * 1_000_000))


@pytest.fixture(scope="module")
def server():
    with running_sandbox(vendors=["synaq"]) as sb:
        yield sb


@pytest.fixture
def sb(server):
    server.reset()
    return server


class Synaq:
    """A minimal SWSS-signing client, as an adapter would be."""

    def __init__(self, sb):
        config = sb.config("synaq")
        self.sb = sb
        self.base = sb.base_url("synaq")
        self.user = config["credentials"]["user"]
        self.key = config["credentials"]["key"]
        self.seeded = config["seeded"]

    def auth(self, *, user=None, key=None, salt=None):
        user = self.user if user is None else user
        salt = str(next(_salts)) if salt is None else salt
        digest = hashlib.sha1((user + (self.key if key is None else key) + salt).encode()).hexdigest()
        return {"synaq-api-user": user, "synaq-api-salt": salt, "synaq-api-hash": digest}

    def call(self, method, path, body=None, *, headers=None, params=None):
        return requests.request(method, self.base + path, json=body, headers=headers or self.auth(), params=params,
                                timeout=10)

    def get(self, path, **params):
        return self.call("GET", path, params=params or None)

    def post(self, path, body=None):
        return self.call("POST", path, body)

    def patch(self, path, body):
        return self.call("PATCH", path, body)

    def delete(self, path):
        return self.call("DELETE", path)

    def settle(self, seconds=60):
        """Let every running action finish (the scheduler applies them on the next request)."""
        self.sb.app.clock.advance(seconds)

    def action(self, path, name):
        return self.post(path + "/actions.json", {"action": {"action": name}})

    def state(self, domain_guid):
        return self.get(f"{API}/domains/{domain_guid}.json").json()["state"]

    # ---- building blocks through the API ----------------------------------------------------------------
    def package(self, code, *editions, ou=None):
        answer = self.post(f"{API}/ous/{ou or self.seeded['company_guid']}/packages.json",
                           {"package": {"code": code, "editions": [{"code": e} for e in editions]}})
        assert answer.status_code == 201, answer.text
        return guid_of(answer)

    def domain(self, package, name):
        answer = self.post(f"{API}/packages/{package}/domains.json", {"domain": {"domain_name": name}})
        assert answer.status_code == 201, answer.text
        return guid_of(answer)

    def link(self, package, domain):
        assert self.call("LINK", f"{API}/packages/{package}/domains/{domain}.json").status_code == 204

    def fields(self, domain, **values):
        answer = self.patch(f"{API}/domains/{domain}/servicefields.json", {"fields": values})
        assert answer.status_code == 204, answer.text

    def provision(self, domain):
        answer = self.action(f"{API}/domains/{domain}", "Provision")
        assert answer.status_code == 202, answer.text
        self.settle()
        assert self.get(location(answer)).json()["state"] == "finished"
        assert self.state(domain) == "active"

    def mailbox(self, domain, local, **extra):
        body = {"mailbox": {"email_local": local, "password": "Sample123$", "last_name": "Sample", **extra}}
        answer = self.post(f"{API}/domains/{domain}/mailboxes.json", body)
        assert answer.status_code in (201, 202), answer.text
        return guid_of(answer)


SECUREMAIL_FIELDS = {"mail_delivery_location": "smtp.some-domain.com",
                     "mail_delivery_alternative": "smtp2.some-domain.com",
                     "auth_method": "smtp", "username": "smtp-username", "password": "smtpPassw0rd!"}
OUTBOUND_FIELDS = {"auth_method": "smtp", "username": "smtp-username", "password": "smtpPassw0rd!"}


def location(response):
    """The Location of a 201/202, whichever case the endpoint uses (as the doc tells clients to do)."""
    return response.headers["Location"]


def guid_of(response):
    """The GUID of the object in a Location such as /api/v1/domains/{guid}[/actions/{id}]."""
    return location(response).split("/")[4]


def header_names(response):
    """The header names exactly as they came over the wire."""
    return list(response.raw.headers.keys())


@pytest.fixture
def api(sb):
    return Synaq(sb)


@pytest.fixture
def company(api):
    return api.seeded["company_guid"]


# ==== Request authentication ================================================================================
def test_request_signed_as_in_the_php_example_is_accepted(api):
    salt = str(int(time.time() * 10000))
    headers = {"synaq-api-user": api.user, "synaq-api-salt": salt,
               "synaq-api-hash": hashlib.sha1((api.user + api.key + salt).encode()).hexdigest()}
    answer = api.call("GET", f"{API}/ous/{api.seeded['reseller_guid']}.json", headers=headers)
    assert answer.status_code == 200
    assert answer.json()["guid"] == api.seeded["reseller_guid"]


def test_missing_auth_headers_are_a_401_in_the_error_shape(api):
    answer = requests.get(api.base + f"{API}/ous.json", timeout=10)
    assert answer.status_code == 401
    assert answer.json()["code"] == 401 and answer.json()["errors"] is None and answer.json()["message"]


def test_wrong_api_key_is_a_401(api):
    assert api.call("GET", f"{API}/ous.json", headers=api.auth(key="not-the-key")).status_code == 401


def test_user_name_is_case_sensitive(api):
    assert api.call("GET", f"{API}/ous.json", headers=api.auth(user=api.user.upper())).status_code == 401


def test_reused_salt_is_rejected_as_a_replay(api):
    headers = api.auth()
    assert api.call("GET", f"{API}/ous.json", headers=headers).status_code == 200
    replay = api.call("GET", f"{API}/ous.json", headers=headers)
    assert replay.status_code == 401
    assert "salt" in replay.json()["message"]


def test_hash_over_another_salt_is_rejected(api):
    headers = api.auth()
    headers["synaq-api-salt"] = str(next(_salts))
    assert api.call("GET", f"{API}/ous.json", headers=headers).status_code == 401


# ==== OUs ===================================================================================================
ACME = {"ou": {"title": "Acme Ltd", "client_ref": "al", "phone_number": "0113216547", "vat_numer": "987654320",
               "physical_address": {"line_1": "20 Long Street", "city": "Johannesburg", "postal_code": "4321",
                                    "country": "ZA"}}}


def test_creating_a_company_underneath_a_reseller_answers_201_with_lowercase_location(api):
    answer = api.post(f"{API}/ous/{api.seeded['reseller_guid']}/companies.json", ACME)
    assert answer.status_code == 201
    assert "location" in header_names(answer) and "Location" not in header_names(answer)
    assert location(answer).startswith(f"{API}/ous/")
    ou = api.get(location(answer)).json()
    assert ou["title"] == "Acme Ltd" and ou["type"] == "company"
    assert ou["parent_guid"] == api.seeded["reseller_guid"]
    assert ou["physical_address"]["city"] == "Johannesburg"


def test_creating_a_subreseller_answers_201(api):
    answer = api.post(f"{API}/ous/{api.seeded['reseller_guid']}/subresellers.json", ACME)
    assert answer.status_code == 201
    assert "location" in header_names(answer) and "Location" not in header_names(answer)
    assert api.get(location(answer) + ".json").json()["type"] == "subreseller"


def test_company_without_required_fields_is_a_400_listing_each_field(api):
    answer = api.post(f"{API}/ous/{api.seeded['reseller_guid']}/companies.json",
                      {"ou": {"physical_address": {"line_1": "20 Long Street"}}})
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert {e.split(":")[0] for e in errors} == {"title", "physical_address.city", "physical_address.postal_code",
                                                 "physical_address.country"}


def test_company_under_a_company_is_refused(api, company):
    assert api.post(f"{API}/ous/{company}/companies.json", ACME).status_code == 400


def test_deleting_an_organisation_answers_204(api):
    created = api.post(f"{API}/ous/{api.seeded['reseller_guid']}/companies.json", ACME)
    guid = guid_of(created)
    assert api.delete(f"{API}/ous/{guid}.json").status_code == 204
    assert api.get(f"{API}/ous/{guid}.json").status_code == 404


def test_deleting_an_organisation_with_active_packages_is_a_409(api, company):
    answer = api.delete(f"{API}/ous/{company}.json")
    assert answer.status_code == 409
    assert answer.json() == {"code": 409, "message": answer.json()["message"], "errors": None}


def test_deleting_an_organisation_whose_domain_still_has_live_services_is_a_409(api):
    ou = guid_of(api.post(f"{API}/ous/{api.seeded['reseller_guid']}/companies.json", ACME))
    cloudmail = api.package("SYN-CMS", "SYN-CMS-BASIC-02", ou=ou)
    domain = api.domain(cloudmail, "live.example.com")
    api.provision(domain)
    api.link(api.package("SYN-PIN-BRD", "SYN-PIN-BRD", ou=ou), domain)
    # The new package is not provisioned yet, so the domain (and both packages) show `inactive`...
    assert api.state(domain) == "inactive"
    # ...but CloudMail is live on it: neither the OU nor the domain may go.
    answer = api.delete(f"{API}/ous/{ou}.json")
    assert answer.status_code == 409 and answer.json()["errors"] is None
    assert api.delete(f"{API}/domains/{domain}.json").status_code == 409
    assert api.state(domain) == "inactive"


def test_undocumented_method_is_a_405_in_the_error_shape(api):
    answer = api.call("PUT", f"{API}/domains/{api.seeded['domain_guid']}.json", {"domain": {}})
    assert answer.status_code == 405 and answer.json()["code"] == 405
    assert "GET" in answer.headers["Allow"]


def test_unknown_ou_is_a_404_in_the_error_shape(api):
    answer = api.get(f"{API}/ous/00000000-0000-4000-8000-000000000000.json")
    assert answer.status_code == 404 and answer.json()["code"] == 404


# ==== Packages ==============================================================================================
def test_options_on_packages_lists_product_and_edition_combinations(api, company):
    answer = api.call("OPTIONS", f"{API}/ous/{company}/packages.json")
    assert answer.status_code == 200
    products = {p["code"]: p for p in answer.json()["products"]}
    assert {"SYN-CMS", "SYN-PIN-SEC", "SYN-PIN-BRD", "SYN-PIN-ARCH"} <= set(products)
    assert "SYN-PIN-SEC-BOTH" in {e["code"] for e in products["SYN-PIN-SEC"]["editions"]}
    assert products["SYN-PIN-SEC"]["plan_based"] is True


def test_create_a_new_cloudmail_package(api, company):
    body = {"package": {"code": "SYN-CMS", "editions": [{"code": "SYN-CMS-BASIC-02"}, {"code": "SYN-CM-PREM-25-ARCH"}]}}
    answer = api.post(f"{API}/ous/{company}/packages.json", body)
    assert answer.status_code == 201
    assert "location" in header_names(answer)
    package = api.get(location(answer)).json()
    assert package["code"] == "SYN-CMS" and package["state"] == "inactive"
    assert [e["code"] for e in package["editions"]] == ["SYN-CMS-BASIC-02", "SYN-CM-PREM-25-ARCH"]


def test_cloudmail_package_with_empty_editions_gets_the_default_editions(api):
    package = api.get(f"{API}/packages/{api.package('SYN-CMS')}.json").json()
    assert "SYN-CMS-BASIC-02" in [e["code"] for e in package["editions"]]


def test_create_a_new_securemail_bidirectional_package(api, company):
    answer = api.post(f"{API}/ous/{company}/packages.json",
                      {"package": {"code": "SYN-PIN-SEC", "editions": [{"code": "SYN-PIN-SEC-BOTH"}]}})
    assert answer.status_code == 201
    assert "location" in header_names(answer)
    assert location(answer).startswith(f"{API}/packages/")
    assert api.get(location(answer)).json()["editions"] == [{"code": "SYN-PIN-SEC-BOTH",
                                                             "name": "Securemail Bidirectional"}]


def test_create_a_new_branding_package(api, company):
    answer = api.post(f"{API}/ous/{company}/packages.json",
                      {"package": {"code": "SYN-PIN-BRD", "editions": [{"code": "SYN-PIN-BRD"}]}})
    assert answer.status_code == 201
    assert "location" in header_names(answer)
    assert api.get(location(answer)).json()["code"] == "SYN-PIN-BRD"


def test_plan_based_package_without_an_edition_is_a_400(api, company):
    answer = api.post(f"{API}/ous/{company}/packages.json", {"package": {"code": "SYN-PIN-SEC", "editions": []}})
    assert answer.status_code == 400
    assert answer.json()["errors"][0].startswith("editions:")


def test_plan_based_package_with_two_editions_is_a_400(api, company):
    body = {"package": {"code": "SYN-PIN-SEC", "editions": [{"code": "SYN-PIN-SEC-IN"}, {"code": "SYN-PIN-SEC-OUT"}]}}
    assert api.post(f"{API}/ous/{company}/packages.json", body).status_code == 400


def test_edition_of_another_product_is_a_400(api, company):
    body = {"package": {"code": "SYN-CMS", "editions": [{"code": "SYN-PIN-BRD"}]}}
    answer = api.post(f"{API}/ous/{company}/packages.json", body)
    assert answer.status_code == 400 and answer.json()["errors"][0].startswith("editions[0].code:")


def test_provisioning_a_package_with_all_its_linked_domains(api):
    package = api.package("SYN-CMS", "SYN-CMS-BASIC-02")
    first, second = api.domain(package, "one.example.com"), api.domain(package, "two.example.com")
    answer = api.action(f"{API}/packages/{package}", "Provision")
    assert answer.status_code == 202
    assert "location" in header_names(answer)
    assert location(answer).startswith(f"{API}/packages/{package}/actions/")
    api.settle()
    assert api.get(location(answer)).json()["state"] == "finished"
    assert api.state(first) == api.state(second) == "active"


def test_updating_the_edition_of_an_active_package_makes_it_and_its_domains_stale(api):
    package = api.package("SYN-PIN-SEC", "SYN-PIN-SEC-OUT")
    domain = api.domain(package, "outbound.example.com")
    api.fields(domain, **OUTBOUND_FIELDS)
    api.provision(domain)
    answer = api.patch(f"{API}/packages/{package}.json",
                       {"package": {"code": "SYN-PIN-SEC", "editions": [{"code": "SYN-PIN-SEC-BOTH"}]}})
    assert answer.status_code == 204
    assert api.state(domain) == "stale"
    assert api.get(f"{API}/packages/{package}.json").json()["state"] == "stale"
    # The new edition needs inbound fields: the domain shows them, unset, for the fix form.
    assert api.get(f"{API}/domains/{domain}.json").json()["fields"]["mail_delivery_location"] is None


def test_updating_the_edition_of_an_inactive_package_answers_204_and_nothing_goes_stale(api):
    package = api.package("SYN-PIN-SEC", "SYN-PIN-SEC-OUT")
    domain = api.domain(package, "outbound.example.com")
    answer = api.patch(f"{API}/packages/{package}.json",
                       {"package": {"code": "SYN-PIN-SEC", "editions": [{"code": "SYN-PIN-SEC-BOTH"}]}})
    assert answer.status_code == 204
    assert api.state(domain) == "inactive"
    assert api.get(f"{API}/packages/{package}.json").json()["editions"][0]["code"] == "SYN-PIN-SEC-BOTH"


def test_package_edition_patch_cannot_change_the_product(api):
    package = api.package("SYN-PIN-SEC", "SYN-PIN-SEC-OUT")
    answer = api.patch(f"{API}/packages/{package}.json",
                       {"package": {"code": "SYN-PIN-BRD", "editions": [{"code": "SYN-PIN-BRD"}]}})
    assert answer.status_code == 400


def test_deleting_a_package_without_domains_answers_204(api):
    package = api.package("SYN-PIN-BRD", "SYN-PIN-BRD")
    assert api.delete(f"{API}/packages/{package}.json").status_code == 204
    assert api.get(f"{API}/packages/{package}.json").status_code == 404


def test_deleting_a_package_with_live_domains_is_a_409(api):
    assert api.delete(f"{API}/packages/{api.seeded['cloudmail_package_guid']}.json").status_code == 409


# ==== Domains ===============================================================================================
def test_create_a_new_standalone_domain(api, company):
    answer = api.post(f"{API}/ous/{company}/domains.json", {"domain": {"domain_name": "acme.com"}})
    assert answer.status_code == 201
    assert "location" in header_names(answer)
    domain = api.get(location(answer)).json()
    assert domain["domain_name"] == "acme.com" and domain["state"] == "inactive" and domain["packages"] == []


def test_linking_an_existing_domain_to_a_package(api, company):
    package = api.package("SYN-PIN-SEC", "SYN-PIN-SEC-BOTH")
    domain = guid_of(api.post(f"{API}/ous/{company}/domains.json", {"domain": {"domain_name": "acme.com"}}))
    answer = api.call("LINK", f"{API}/packages/{package}/domains/{domain}.json")
    assert answer.status_code == 204
    assert api.get(f"{API}/domains/{domain}.json").json()["packages"] == [package]


def test_linking_twice_is_a_409(api):
    package = api.package("SYN-CMS")
    domain = api.domain(package, "acme.com")
    assert api.call("LINK", f"{API}/packages/{package}/domains/{domain}.json").status_code == 409


def test_creating_a_new_domain_linked_to_a_package(api):
    package = api.package("SYN-CMS")
    answer = api.post(f"{API}/packages/{package}/domains.json", {"domain": {"domain_name": "acme.com"}})
    assert answer.status_code == 201
    assert "location" in header_names(answer)
    assert location(answer).startswith(f"{API}/domains/")
    assert api.get(location(answer)).json()["packages"] == [package]


def test_duplicate_domain_name_is_a_409(api):
    package = api.package("SYN-CMS")
    api.domain(package, "acme.com")
    answer = api.post(f"{API}/packages/{package}/domains.json", {"domain": {"domain_name": "acme.com"}})
    assert answer.status_code == 409


def test_invalid_domain_name_is_a_400(api):
    answer = api.post(f"{API}/packages/{api.package('SYN-CMS')}/domains.json", {"domain": {"domain_name": "not a"}})
    assert answer.status_code == 400 and answer.json()["errors"][0].startswith("domain_name:")


def test_unknown_payload_field_is_a_400(api, company):
    answer = api.post(f"{API}/ous/{company}/domains.json", {"domain": {"domain_name": "a.com", "colour": "red"}})
    assert answer.status_code == 400


def test_configuring_the_service_fields_on_a_domain(api):
    package = api.package("SYN-PIN-SEC", "SYN-PIN-SEC-BOTH")
    domain = api.domain(package, "some-domain.com")
    shown = api.get(f"{API}/domains/{domain}.json").json()
    assert shown["guid"] == domain and shown["domain_name"] == "some-domain.com"
    assert shown["fields"] == {"mail_delivery_location": None, "mail_delivery_alternative": None,
                               "auth_method": "smtp", "username": None, "password": None}
    assert "service_fields" in shown
    answer = api.patch(f"{API}/domains/{domain}/servicefields.json", {"fields": SECUREMAIL_FIELDS})
    assert answer.status_code == 204
    assert api.get(f"{API}/domains/{domain}.json").json()["fields"] == SECUREMAIL_FIELDS
    assert api.state(domain) == "inactive"  # only an active domain goes stale


def test_service_field_not_used_by_the_packages_is_a_400(api):
    domain = api.domain(api.package("SYN-CMS"), "acme.com")
    answer = api.patch(f"{API}/domains/{domain}/servicefields.json", {"fields": {"username": "x"}})
    assert answer.status_code == 400 and answer.json()["errors"][0].startswith("fields.username:")


def test_service_field_patch_on_an_active_domain_makes_it_stale(api):
    domain = api.seeded["securemail_domain_guid"]
    api.fields(domain, mail_delivery_location="smtp3.acme-secure.example")
    assert api.state(domain) == "stale"


def test_provisioning_a_domain(api):
    package = api.package("SYN-PIN-SEC", "SYN-PIN-SEC-BOTH")
    domain = api.domain(package, "some-domain.com")
    api.fields(domain, **SECUREMAIL_FIELDS)
    answer = api.action(f"{API}/domains/{domain}", "Provision")
    assert answer.status_code == 202
    assert "location" in header_names(answer)
    assert location(answer).startswith(f"{API}/domains/{domain}/actions/")
    api.settle()
    polled = api.get(location(answer))
    assert polled.status_code == 200
    assert polled.json() == {"id": polled.json()["id"], "action": "provision", "state": "finished", "errors": [],
                             "exclusions": []}
    assert isinstance(polled.json()["id"], int)
    assert api.state(domain) == "active"


def test_provisioning_with_missing_service_fields_ends_in_error_and_the_domain_failed(api):
    domain = api.domain(api.package("SYN-PIN-SEC", "SYN-PIN-SEC-BOTH"), "some-domain.com")
    answer = api.action(f"{API}/domains/{domain}", "Provision")
    api.settle()
    polled = api.get(location(answer)).json()
    assert polled["state"] == "error"
    assert any(e.startswith("mail_delivery_location:") for e in polled["errors"])
    assert api.state(domain) == "failed"


def test_provisioning_an_unlinked_domain_is_a_409(api, company):
    domain = guid_of(api.post(f"{API}/ous/{company}/domains.json", {"domain": {"domain_name": "acme.com"}}))
    assert api.action(f"{API}/domains/{domain}", "Provision").status_code == 409


def test_action_name_that_is_not_a_string_is_a_400(api):
    answer = api.post(f"{API}/domains/{api.seeded['domain_guid']}/actions.json", {"action": {"action": ["Refresh"]}})
    assert answer.status_code == 400
    assert answer.json()["errors"] == ["action: This value should be of type string."]


def test_unknown_action_name_is_a_400(api):
    answer = api.action(f"{API}/domains/{api.seeded['domain_guid']}", "provision")
    assert answer.status_code == 400 and answer.json()["errors"][0].startswith("action:")


def test_creating_linking_and_provisioning_a_cloudmail_domain_immediately(api):
    package = api.package("SYN-CMS")
    answer = api.post(f"{API}/packages/{package}/domains.json",
                      {"domain": {"domain_name": "acme-cloudmail.com", "provision_immediately": True}})
    assert answer.status_code == 202
    assert "location" in header_names(answer)
    domain = guid_of(answer)
    assert location(answer).startswith(f"{API}/domains/{domain}/actions/")
    assert api.state(domain) == "pending"
    api.settle()
    assert api.get(location(answer)).json()["state"] == "finished"
    assert api.state(domain) == "active"


def test_closing_a_domain_through_its_package(api):
    package = api.seeded["cloudmail_package_guid"]
    answer = api.action(f"{API}/packages/{package}", "Close")
    assert answer.status_code == 202
    assert "location" in header_names(answer)
    assert location(answer).startswith(f"{API}/packages/{package}/actions/")
    api.settle()
    assert api.get(location(answer)).json()["state"] == "finished"
    assert api.state(api.seeded["domain_guid"]) == "closed"


def test_reactivating_a_domain_through_its_package(api):
    package = api.seeded["cloudmail_package_guid"]
    api.action(f"{API}/packages/{package}", "Close")
    api.settle()
    answer = api.action(f"{API}/packages/{package}", "Activate")
    assert answer.status_code == 202
    assert "location" in header_names(answer)
    api.settle()
    assert api.get(location(answer)).json()["state"] == "finished"
    assert api.state(api.seeded["domain_guid"]) == "active"


def test_package_action_lists_domains_it_does_not_apply_to_as_exclusions(api):
    package = api.package("SYN-CMS")
    api.provision(api.domain(package, "live.example.com"))
    api.domain(package, "new.example.com")
    answer = api.action(f"{API}/packages/{package}", "Close")
    api.settle()
    assert api.get(location(answer)).json()["exclusions"] == ["new.example.com"]


def test_closing_and_activating_a_domain_through_its_own_actions(api):
    domain = api.seeded["securemail_domain_guid"]
    api.action(f"{API}/domains/{domain}", "Close")
    api.settle()
    assert api.state(domain) == "closed"
    assert api.action(f"{API}/domains/{domain}", "Close").status_code == 409
    api.action(f"{API}/domains/{domain}", "Activate")
    api.settle()
    assert api.state(domain) == "active"


def test_deleting_a_domain_takes_a_delete_action_then_the_delete_endpoint(api):
    domain = api.seeded["securemail_domain_guid"]
    assert api.delete(f"{API}/domains/{domain}.json").status_code == 409  # active: not yet
    answer = api.action(f"{API}/domains/{domain}", "Delete")
    assert answer.status_code == 202
    assert "location" in header_names(answer)
    api.settle()
    assert api.get(location(answer)).json()["state"] == "finished"
    assert api.state(domain) == "deleted"
    assert api.delete(f"{API}/domains/{domain}.json").status_code == 204
    assert api.get(f"{API}/domains/{domain}.json").status_code == 404


def test_deleting_an_inactive_domain_answers_204(api, company):
    domain = guid_of(api.post(f"{API}/ous/{company}/domains.json", {"domain": {"domain_name": "acme.com"}}))
    assert api.delete(f"{API}/domains/{domain}.json").status_code == 204


def test_delete_action_on_a_domain_with_provisioned_mailboxes_is_refused(api):
    answer = api.action(f"{API}/domains/{api.seeded['domain_guid']}", "Delete")
    assert answer.status_code == 409
    assert answer.json()["code"] == 409


def test_unlinking_an_inactive_domain_answers_204(api):
    package = api.package("SYN-PIN-SEC", "SYN-PIN-SEC-BOTH")
    domain = api.domain(package, "acme.com")
    assert api.call("UNLINK", f"{API}/packages/{package}/domains/{domain}.json").status_code == 204
    assert api.get(f"{API}/domains/{domain}.json").json()["packages"] == []
    assert api.state(domain) == "inactive"


def test_unlinking_a_domain_that_is_not_linked_is_a_409(api):
    package = api.package("SYN-PIN-BRD", "SYN-PIN-BRD")
    answer = api.call("UNLINK", f"{API}/packages/{package}/domains/{api.seeded['domain_guid']}.json")
    assert answer.status_code == 409


def test_unlinking_the_last_package_of_an_active_domain_prunes_it_to_inactive(api):
    domain, package = api.seeded["securemail_domain_guid"], api.seeded["securemail_package_guid"]
    answer = api.call("UNLINK", f"{API}/packages/{package}/domains/{domain}.json")
    assert answer.status_code == 202
    api.settle()
    assert api.get(location(answer)).json()["state"] == "finished"
    assert api.state(domain) == "inactive"


def test_unlinking_a_mailbox_package_with_provisioned_mailboxes_is_a_409(api):
    domain, package = api.seeded["domain_guid"], api.seeded["cloudmail_package_guid"]
    answer = api.call("UNLINK", f"{API}/packages/{package}/domains/{domain}.json")
    assert answer.status_code == 409 and answer.json()["code"] == 409
    assert api.get(f"{API}/domains/{domain}.json").json()["packages"] == [package]
    assert api.state(domain) == "active"


def test_unlinking_a_mailbox_package_whose_mailboxes_are_gone_prunes_it(api):
    cloudmail = api.package("SYN-CMS", "SYN-CMS-BASIC-02")
    domain = api.domain(cloudmail, "mail.example.com")
    api.provision(domain)
    mailbox = api.mailbox(domain, "user", provision_immediately=True)
    api.settle()
    assert api.call("UNLINK", f"{API}/packages/{cloudmail}/domains/{domain}.json").status_code == 409
    api.delete(f"{API}/mailboxes/{mailbox}.json")
    api.settle()
    answer = api.call("UNLINK", f"{API}/packages/{cloudmail}/domains/{domain}.json")
    assert answer.status_code == 202
    api.settle()
    assert api.state(domain) == "inactive"


def test_refresh_after_an_edition_downgrade_drops_the_services_no_longer_needed(api):
    securemail = api.package("SYN-PIN-SEC", "SYN-PIN-SEC-BOTH")
    continuity = api.package("SYN-CON", "SYN-CON-STD")
    domain = api.domain(securemail, "downgrade.example.com")
    api.link(continuity, domain)
    api.fields(domain, **SECUREMAIL_FIELDS)
    api.provision(domain)
    # Downgrade to inbound only: the outbound relay is no longer needed by anything on the domain.
    answer = api.patch(f"{API}/packages/{securemail}.json",
                       {"package": {"code": "SYN-PIN-SEC", "editions": [{"code": "SYN-PIN-SEC-IN"}]}})
    assert answer.status_code == 204
    assert api.state(domain) == "stale"
    api.fields(domain, mail_delivery_location="smtp.downgrade.example.com")
    refresh = api.action(f"{API}/domains/{domain}", "Refresh")
    api.settle()
    assert api.get(location(refresh)).json()["state"] == "finished"
    assert api.state(domain) == "active"
    # Securemail inbound now only shares mx_filter with Continuity: nothing to prune, so 204 and stale.
    unlink = api.call("UNLINK", f"{API}/packages/{securemail}/domains/{domain}.json")
    assert unlink.status_code == 204
    assert api.state(domain) == "stale"


def test_refreshing_a_domain(api):
    domain = api.seeded["securemail_domain_guid"]
    api.fields(domain, username="new-relay-user")
    assert api.state(domain) == "stale"
    answer = api.action(f"{API}/domains/{domain}", "Refresh")
    assert answer.status_code == 202
    assert "location" in header_names(answer)
    assert api.state(domain) == "stale"  # stale outranks pending until the refresh is done
    api.settle()
    assert api.get(location(answer)).json()["state"] == "finished"
    assert api.state(domain) == "active"


# ==== Mailboxes =============================================================================================
SAMPLE_MAILBOX = {"email_local": "sample", "password": "Sample123$", "last_name": "Sample",
                  "package_edition_code": "SYN-CM-PREM-25-ARCH"}


def test_creating_a_mailbox_under_a_domain(api):
    answer = api.post(f"{API}/domains/{api.seeded['domain_guid']}/mailboxes.json", {"mailbox": SAMPLE_MAILBOX})
    assert answer.status_code == 201
    assert "Location" in header_names(answer)
    assert location(answer).startswith(f"{API}/mailboxes/")
    mailbox = api.get(location(answer)).json()
    assert mailbox["email"] == "sample@acme.example" and mailbox["state"] == "inactive"
    assert mailbox["package_edition_code"] == "SYN-CM-PREM-25-ARCH"
    assert "password" not in mailbox


def test_mailbox_without_an_edition_gets_the_simplest_edition(api):
    body = {"mailbox": {"email_local": "plain", "password": "Sample123$", "last_name": "Plain"}}
    answer = api.post(f"{API}/domains/{api.seeded['domain_guid']}/mailboxes.json", body)
    assert api.get(location(answer)).json()["package_edition_code"] == "SYN-CMS-BASIC-02"


def test_mailbox_missing_required_fields_is_a_400(api):
    answer = api.post(f"{API}/domains/{api.seeded['domain_guid']}/mailboxes.json", {"mailbox": {"first_name": "x"}})
    assert answer.status_code == 400
    assert {e.split(":")[0] for e in answer.json()["errors"]} == {"email_local", "password", "last_name"}


def test_mailbox_with_an_edition_not_on_the_package_is_a_400(api):
    body = {"mailbox": {**SAMPLE_MAILBOX, "package_edition_code": "SYN-CM-PREM-100-ARCH"}}
    answer = api.post(f"{API}/domains/{api.seeded['domain_guid']}/mailboxes.json", body)
    assert answer.status_code == 400


def test_mailbox_under_an_unprovisioned_domain_is_a_409(api):
    domain = api.domain(api.package("SYN-CMS"), "acme.com")
    answer = api.post(f"{API}/domains/{domain}/mailboxes.json",
                      {"mailbox": {**SAMPLE_MAILBOX, "package_edition_code": "SYN-CMS-BASIC-02"}})
    assert answer.status_code == 409


def test_duplicate_mailbox_is_a_409(api):
    api.post(f"{API}/domains/{api.seeded['domain_guid']}/mailboxes.json", {"mailbox": SAMPLE_MAILBOX})
    answer = api.post(f"{API}/domains/{api.seeded['domain_guid']}/mailboxes.json", {"mailbox": SAMPLE_MAILBOX})
    assert answer.status_code == 409


def test_provisioning_a_mailbox(api):
    mailbox = api.mailbox(api.seeded["domain_guid"], "sample")
    answer = api.action(f"{API}/mailboxes/{mailbox}", "Provision")
    assert answer.status_code == 202
    assert "Location" in header_names(answer)
    assert location(answer).startswith(f"{API}/mailboxes/{mailbox}/actions/")
    assert api.get(f"{API}/mailboxes/{mailbox}.json").json()["state"] == "pending"
    api.settle()
    assert api.get(location(answer)).json()["state"] == "finished"
    assert api.get(f"{API}/mailboxes/{mailbox}.json").json()["state"] == "active"


def test_creating_a_mailbox_and_provisioning_it_immediately(api):
    body = {"mailbox": {**SAMPLE_MAILBOX, "provision_immediately": True}}
    answer = api.post(f"{API}/domains/{api.seeded['domain_guid']}/mailboxes.json", body)
    assert answer.status_code == 202
    assert "Location" in header_names(answer)
    mailbox = guid_of(answer)
    assert location(answer).startswith(f"{API}/mailboxes/{mailbox}/actions/")
    api.settle()
    assert api.get(location(answer)).json()["state"] == "finished"
    assert api.get(f"{API}/mailboxes/{mailbox}.json").json()["state"] == "active"


def test_updating_an_inactive_mailbox_answers_204(api):
    mailbox = api.mailbox(api.seeded["domain_guid"], "sample")
    answer = api.patch(f"{API}/mailboxes/{mailbox}.json", {"mailbox": {"password": "someNewPassw0rd!"}})
    assert answer.status_code == 204


def test_updating_an_active_mailbox_answers_202_with_an_update_action(api):
    mailbox = api.seeded["mailbox_guid"]
    answer = api.patch(f"{API}/mailboxes/{mailbox}.json", {"mailbox": {"password": "someNewPassw0rd!"}})
    assert answer.status_code == 202
    assert "Location" in header_names(answer)
    assert location(answer).startswith(f"{API}/mailboxes/{mailbox}/actions/")
    api.settle()
    assert api.get(location(answer)).json()["action"] == "update"


def test_mailbox_patch_with_a_short_password_is_a_400(api):
    answer = api.patch(f"{API}/mailboxes/{api.seeded['mailbox_guid']}.json", {"mailbox": {"password": "short"}})
    assert answer.status_code == 400 and answer.json()["errors"][0].startswith("password:")


def test_suspending_a_mailbox(api):
    mailbox = api.seeded["mailbox_guid"]
    answer = api.action(f"{API}/mailboxes/{mailbox}", "Suspend")
    assert answer.status_code == 202
    assert "Location" in header_names(answer)
    api.settle()
    assert api.get(f"{API}/mailboxes/{mailbox}.json").json()["state"] == "suspended"


def test_closing_a_mailbox(api):
    mailbox = api.seeded["mailbox_guid"]
    answer = api.action(f"{API}/mailboxes/{mailbox}", "Close")
    assert answer.status_code == 202
    assert "Location" in header_names(answer)
    api.settle()
    assert api.get(f"{API}/mailboxes/{mailbox}.json").json()["state"] == "closed"


def test_reactivating_a_mailbox(api):
    mailbox = api.seeded["mailbox_guid"]
    api.action(f"{API}/mailboxes/{mailbox}", "Close")
    api.settle()
    answer = api.action(f"{API}/mailboxes/{mailbox}", "Activate")
    assert answer.status_code == 202
    assert "Location" in header_names(answer)
    api.settle()
    assert api.get(f"{API}/mailboxes/{mailbox}.json").json()["state"] == "active"


def test_activating_an_active_mailbox_is_a_409(api):
    assert api.action(f"{API}/mailboxes/{api.seeded['mailbox_guid']}", "Activate").status_code == 409


def test_locked_mailbox_shows_the_lock_fields(api):
    mailbox = api.get(f"{API}/mailboxes/{api.seeded['locked_mailbox_guid']}.json").json()
    assert mailbox["state"] == "suspended" and mailbox["account_locked"] is True
    assert mailbox["lock_type"] == "full" and mailbox["lock_reason_code"] and mailbox["lock_reason"]
    assert mailbox["email"] == "sales@acme.example"


def test_locked_mailbox_cannot_be_activated(api):
    answer = api.action(f"{API}/mailboxes/{api.seeded['locked_mailbox_guid']}", "Activate")
    assert answer.status_code == 409


def test_unlocking_a_mailbox(api):
    mailbox = api.seeded["locked_mailbox_guid"]
    answer = api.action(f"{API}/mailboxes/{mailbox}", "Unlock")
    assert answer.status_code == 202
    assert "Location" in header_names(answer)
    api.settle()
    shown = api.get(f"{API}/mailboxes/{mailbox}.json").json()
    assert shown["state"] == "active" and shown["account_locked"] is False and shown["lock_reason"] is None


def test_unlocking_an_unlocked_mailbox_is_a_409(api):
    assert api.action(f"{API}/mailboxes/{api.seeded['mailbox_guid']}", "Unlock").status_code == 409


def test_changing_the_edition_of_an_inactive_mailbox_answers_204(api):
    package = api.seeded["cloudmail_package_guid"]
    mailbox = api.mailbox(api.seeded["domain_guid"], "sample", package_edition_code="SYN-CMS-BASIC-02")
    answer = api.patch(f"{API}/mailboxes/{mailbox}/packages/{package}/edition.json",
                       {"edition": {"code": "SYN-CM-PREM-25-ARCH"}})
    assert answer.status_code == 204
    assert api.get(f"{API}/mailboxes/{mailbox}.json").json()["package_edition_code"] == "SYN-CM-PREM-25-ARCH"


def test_changing_the_edition_of_an_active_mailbox_shows_when_its_action_finishes(api):
    package, mailbox = api.seeded["cloudmail_package_guid"], api.seeded["mailbox_guid"]
    api.patch(f"{API}/packages/{package}.json", {"package": {"code": "SYN-CMS", "editions": [
        {"code": "SYN-CMS-BASIC-02"}, {"code": "SYN-CM-PREM-25-ARCH"}, {"code": "SYN-CM-PREM-100-ARCH"}]}})
    answer = api.patch(f"{API}/mailboxes/{mailbox}/packages/{package}/edition.json",
                       {"edition": {"code": "SYN-CM-PREM-100-ARCH"}})
    assert answer.status_code == 202
    assert "Location" in header_names(answer)
    assert api.get(f"{API}/mailboxes/{mailbox}.json").json()["package_edition_code"] == "SYN-CMS-BASIC-02"
    api.settle()
    assert api.get(location(answer)).json()["state"] == "finished"
    assert api.get(f"{API}/mailboxes/{mailbox}.json").json()["package_edition_code"] == "SYN-CM-PREM-100-ARCH"


def test_edition_not_on_the_package_is_a_400(api):
    package, mailbox = api.seeded["cloudmail_package_guid"], api.seeded["mailbox_guid"]
    answer = api.patch(f"{API}/mailboxes/{mailbox}/packages/{package}/edition.json",
                       {"edition": {"code": "SYN-CMS-BAISC-02"}})  # the doc's own typo is not an edition
    assert answer.status_code == 400


def test_deleting_an_inactive_mailbox_answers_204(api):
    mailbox = api.mailbox(api.seeded["domain_guid"], "sample")
    assert api.delete(f"{API}/mailboxes/{mailbox}.json").status_code == 204
    assert api.get(f"{API}/mailboxes/{mailbox}.json").status_code == 404


def test_deleting_an_active_mailbox_polls_pending_then_404(api):
    mailbox = api.seeded["mailbox_guid"]
    answer = api.delete(f"{API}/mailboxes/{mailbox}.json")
    assert answer.status_code == 202
    assert "Location" in header_names(answer)
    assert location(answer).startswith(f"{API}/mailboxes/{mailbox}/actions/")
    assert api.get(location(answer)).json() == {"state": "pending"}
    api.settle()
    assert api.get(location(answer)).status_code == 404
    assert api.get(f"{API}/mailboxes/{mailbox}.json").status_code == 404


@pytest.mark.parametrize("status", [201, 202, 204])
def test_answers_without_a_body_carry_no_content_type(api, status):
    domain = api.seeded["domain_guid"]
    if status == 201:
        answer = api.post(f"{API}/domains/{domain}/mailboxes.json", {"mailbox": SAMPLE_MAILBOX})
    elif status == 202:
        answer = api.action(f"{API}/domains/{domain}", "Refresh")
    else:
        answer = api.delete(f"{API}/mailboxes/{api.mailbox(domain, 'gone')}.json")
    assert answer.status_code == status
    assert answer.content == b"" and "Content-Type" not in answer.headers


def test_webmail_token_for_an_active_mailbox(api):
    answer = api.get(f"{API}/mailboxes/{api.seeded['mailbox_guid']}/token.json")
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"authentication_token", "authentication_token_expiry"}
    assert len(body["authentication_token"]) == 32 and body["authentication_token_expiry"].endswith("+0200")


def test_webmail_token_for_a_suspended_mailbox_is_a_409(api):
    assert api.get(f"{API}/mailboxes/{api.seeded['locked_mailbox_guid']}/token.json").status_code == 409


# ==== Usage =================================================================================================
def test_usage_action_answers_202_with_location(api):
    domain = api.seeded["domain_guid"]
    answer = api.action(f"{API}/domains/{domain}", "Usage")
    assert answer.status_code == 202
    assert "Location" in header_names(answer)  # the usage section shows the standard header
    assert location(answer).startswith(f"{API}/domains/{domain}/actions/")


def test_domain_shows_a_pending_usage_report_while_it_is_compiled(api):
    domain = api.seeded["domain_guid"]
    api.action(f"{API}/domains/{domain}", "Usage")
    report = api.get(f"{API}/domains/{domain}.json").json()["domain_usage_report"]
    assert report == {"state": "PENDING"}


def test_domain_shows_the_finished_usage_report_per_edition_in_use(api):
    domain = api.seeded["domain_guid"]
    api.action(f"{API}/domains/{domain}", "Usage")
    api.settle()
    shown = api.get(f"{API}/domains/{domain}.json").json()
    assert shown["domain_name"] == "acme.example"
    report = shown["domain_usage_report"]
    assert report["state"] == "FINISHED" and report["data_as_at"].endswith("+0200")
    assert report["edition_usage_reports"] == [{"edition_code": "SYN-CMS-BASIC-02", "count": 2},
                                               {"edition_code": "SYN-CM-PREM-25-ARCH", "count": 1}]


def test_detailed_usage_report_itemises_archive_mailboxes(api):
    securemail = api.package("SYN-PIN-SEC", "SYN-PIN-SEC-IN")
    archive = api.package("SYN-PIN-ARCH", "SYN-PIN-ARCH-10")
    domain = api.domain(securemail, "some-domain.com")
    api.link(archive, domain)
    api.fields(domain, mail_delivery_location="smtp.some-domain.com")
    api.provision(domain)
    api.action(f"{API}/domains/{domain}", "Usage")
    api.settle()
    answer = api.get(f"{API}/domains/{domain}/usage.json")
    assert answer.status_code == 200
    report = answer.json()["domain_usage_report"]
    assert report["state"] == "finished" and "T" in report["data_as_at"]
    by_code = {r["edition_code"]: r for r in report["edition_usage_reports"]}
    archived = by_code["SYN-PIN-ARCH-10"]
    assert archived["count"] == len(archived["billable_mailboxes"]) > 0
    assert all(e.endswith("@some-domain.com") for e in archived["billable_mailboxes"])
    assert set(archived) == {"edition_code", "count", "billable_mailboxes", "warning", "problem", "class_of_service"}
    assert by_code["SYN-PIN-SEC-IN"]["billable_mailboxes"] is None  # not rolled out to Securemail yet


def test_usage_report_for_a_securemail_domain(api):
    domain = api.seeded["securemail_domain_guid"]
    api.action(f"{API}/domains/{domain}", "Usage")
    api.settle()
    report = api.get(f"{API}/domains/{domain}.json").json()["domain_usage_report"]
    assert report["state"] == "FINISHED"
    [edition] = report["edition_usage_reports"]
    assert edition["edition_code"] == "SYN-PIN-SEC-BOTH" and edition["count"] > 0


def test_detailed_usage_report_itemises_mail_management_suite_mailboxes(api):
    suite = api.package("SYN-PIN-SUITE", "SYN-PIN-SUITE-10")
    domain = api.domain(suite, "domain.com")
    api.fields(domain, **SECUREMAIL_FIELDS)
    api.provision(domain)
    api.action(f"{API}/domains/{domain}", "Usage")
    api.settle()
    [edition] = api.get(f"{API}/domains/{domain}/usage.json").json()["domain_usage_report"]["edition_usage_reports"]
    assert edition["edition_code"] == "SYN-PIN-SUITE-10"
    assert edition["count"] == len(edition["billable_mailboxes"])
    assert edition["warning"] is None and edition["problem"] is None and edition["class_of_service"] is None


def test_usage_report_for_a_mail_management_suite_domain(api):
    suite = api.package("SYN-PIN-SUITE", "SYN-PIN-BDL-10")
    domain = api.domain(suite, "example.com")
    api.fields(domain, **SECUREMAIL_FIELDS)
    api.provision(domain)
    api.action(f"{API}/domains/{domain}", "Usage")
    api.settle()
    shown = api.get(f"{API}/domains/{domain}.json").json()
    assert shown["domain_name"] == "example.com"
    report = shown["domain_usage_report"]
    assert set(report) == {"state", "data_as_at", "edition_usage_reports"} and report["state"] == "FINISHED"
    [edition] = report["edition_usage_reports"]
    assert set(edition) == {"edition_code", "count"} and edition["edition_code"] == "SYN-PIN-BDL-10"
    assert edition["count"] > 0


def test_detailed_usage_report_before_any_usage_action_is_null(api):
    answer = api.get(f"{API}/domains/{api.seeded['domain_guid']}/usage.json")
    assert answer.status_code == 200 and answer.json() == {"domain_usage_report": None}


# ==== Lists =================================================================================================
def test_lists_page_with_a_default_limit_of_five(api):
    answer = api.get(f"{API}/mailboxes.json", domain_guid=api.seeded["domain_guid"])
    body = answer.json()
    assert answer.status_code == 200
    assert (body["page"], body["limit"], body["total"], body["pages"]) == (1, 5, 4, 1)
    assert len(body["_embedded"]["mailboxes"]) == 4


def test_lists_page_through_with_page_and_limit(api):
    package = api.package("SYN-CMS")
    for i in range(7):
        api.domain(package, f"d{i}.example.com")
    body = api.get(f"{API}/domains.json", page=2, limit=3).json()
    assert (body["page"], body["limit"], body["total"], body["pages"]) == (2, 3, 9, 3)
    assert len(body["_embedded"]["domains"]) == 3
    assert body["_links"]["next"]["href"].startswith(f"{API}/domains.json?")


def test_page_in_non_ascii_digits_is_a_400_not_a_500(api):
    answer = api.get(f"{API}/ous.json", page="²")
    assert answer.status_code == 400
    assert answer.json()["errors"] == ["page: This value should be a positive integer."]


def test_list_limit_above_one_hundred_is_a_400(api):
    assert api.get(f"{API}/ous.json", limit=101).status_code == 400


def test_domain_search_with_exact_match(api):
    body = api.get(f"{API}/domains.json", domain_name="acme.example", exact_match=1).json()
    assert [d["guid"] for d in body["_embedded"]["domains"]] == [api.seeded["domain_guid"]]


def test_ou_list_embeds_ous(api):
    body = api.get(f"{API}/ous.json").json()
    assert {o["guid"] for o in body["_embedded"]["ous"]} == {api.seeded["reseller_guid"], api.seeded["company_guid"]}


# ==== Polling an asynchronous action (the doc's workflow) ===================================================
def test_polling_an_asynchronous_action_from_pending_to_finished(api):
    domain = api.seeded["domain_guid"]
    answer = api.action(f"{API}/domains/{domain}", "Refresh")
    assert answer.status_code == 202
    action = location(answer)
    assert api.get(action).json() == {"state": "pending"}
    api.sb.app.clock.advance(0.5)
    assert api.get(action).json() == {"state": "pending"}
    api.sb.app.clock.advance(1)
    assert api.get(action).json()["state"] == "finished"


def test_polling_a_failed_action_shows_its_errors(api):
    api.sb.vendor("synaq").faults.add(kind="action_error", action="Refresh")
    answer = api.action(f"{API}/domains/{api.seeded['domain_guid']}", "Refresh")
    api.settle()
    polled = api.get(location(answer)).json()
    assert polled["state"] == "error"
    assert isinstance(polled["errors"], list) and polled["errors"] and all(isinstance(e, str) for e in polled["errors"])


def test_a_failed_action_stays_failed(api):
    api.sb.vendor("synaq").faults.add(kind="action_error", action="Refresh")
    answer = api.action(f"{API}/domains/{api.seeded['domain_guid']}", "Refresh")
    api.settle()
    api.settle()
    assert api.get(location(answer)).json()["state"] == "error"


def test_action_of_another_object_is_a_404(api):
    answer = api.action(f"{API}/domains/{api.seeded['domain_guid']}", "Refresh")
    action_id = location(answer).rsplit("/", 1)[1]
    assert api.get(f"{API}/domains/{api.seeded['securemail_domain_guid']}/actions/{action_id}").status_code == 404


# ==== Cancelling one package on a domain (the doc's three walkthroughs) =====================================
def cloudmail_with_securemail_outbound(api):
    cloudmail = api.package("SYN-CMS", "SYN-CMS-BASIC-02")
    securemail = api.package("SYN-PIN-SEC", "SYN-PIN-SEC-OUT")
    domain = api.domain(cloudmail, "cloudmail-domain-name.com")
    api.link(securemail, domain)
    api.fields(domain, **OUTBOUND_FIELDS)
    api.provision(domain)
    return securemail, domain


def test_cancel_securemail_outbound_on_cloudmail_domain(api):
    securemail, domain = cloudmail_with_securemail_outbound(api)
    # Step 1: unlink (the documented request, without the .json suffix).
    assert api.call("UNLINK", f"{API}/packages/{securemail}/domains/{domain}").status_code == 204
    # Step 2: the domain is stale.
    shown = api.get(f"{API}/domains/{domain}").json()
    assert (shown["guid"], shown["name"], shown["state"]) == (domain, "cloudmail-domain-name.com", "stale")
    assert shown["fields"] == {}  # CloudMail alone needs no service fields
    # Step 3: refresh, posted to the domain itself as documented.
    answer = api.post(f"{API}/domains/{domain}", {"action": {"action": "Refresh"}})
    assert answer.status_code == 202
    assert "location" in header_names(answer)
    assert location(answer).startswith(f"{API}/domains/{domain}/actions/")
    assert api.get(location(answer)).json() == {"state": "pending"}
    api.settle()
    assert api.get(location(answer)).json()["state"] == "finished"
    assert api.state(domain) == "active"


def securemail_with(api, code, edition, name):
    securemail = api.package("SYN-PIN-SEC", "SYN-PIN-SEC-BOTH")
    extra = api.package(code, edition)
    domain = api.domain(securemail, name)
    api.link(extra, domain)
    api.fields(domain, **SECUREMAIL_FIELDS)
    api.provision(domain)
    return extra, domain


def test_cancel_branding_on_securemail_domain(api):
    branding, domain = securemail_with(api, "SYN-PIN-BRD", "SYN-PIN-BRD", "securemail-domain-name.com")
    answer = api.call("UNLINK", f"{API}/packages/{branding}/domains/{domain}")
    assert answer.status_code == 202
    assert "location" in header_names(answer)
    assert location(answer).startswith(f"{API}/domains/{domain}/actions/")
    assert api.get(location(answer)).json() == {"state": "pending"}
    api.settle()
    polled = api.get(location(answer)).json()
    assert polled["state"] == "finished" and polled["action"] == "prune"
    shown = api.get(f"{API}/domains/{domain}").json()
    assert (shown["guid"], shown["name"], shown["state"]) == (domain, "securemail-domain-name.com", "active")


def test_cancel_branding_with_failed_prune_leaves_domain_in_error_until_prune_is_resent(api):
    branding, domain = securemail_with(api, "SYN-PIN-BRD", "SYN-PIN-BRD", "securemail-domain-name.com")
    api.sb.vendor("synaq").faults.add(kind="action_error", action="Prune")
    answer = api.call("UNLINK", f"{API}/packages/{branding}/domains/{domain}")
    assert answer.status_code == 202
    api.settle()
    polled = api.get(location(answer)).json()
    assert polled["state"] == "error" and polled["errors"]
    shown = api.get(f"{API}/domains/{domain}.json").json()
    assert shown["state"] == "error"
    assert len(shown["packages"]) == 1 and branding not in shown["packages"]  # the unlink itself stands
    assert api.action(f"{API}/domains/{domain}", "Refresh").status_code == 409
    # The client re-sends the same action once the cause is fixed; the platform never retries it.
    retry = api.action(f"{API}/domains/{domain}", "Prune")
    assert retry.status_code == 202
    api.settle()
    assert api.get(location(retry)).json()["state"] == "finished"
    assert api.state(domain) == "active"


def test_cancel_archive_on_securemail_domain_prunes_then_stays_stale_until_fields_and_refresh(api):
    archive, domain = securemail_with(api, "SYN-PIN-ARCH", "SYN-PIN-ARCH-10", "securemail-domain-name.com")
    # Step 1: unlink; a Prune action starts.
    answer = api.call("UNLINK", f"{API}/packages/{archive}/domains/{domain}")
    assert answer.status_code == 202
    assert "location" in header_names(answer)
    api.settle()
    assert api.get(location(answer)).json()["state"] == "finished"
    # Step 2: the domain is still stale.
    shown = api.get(f"{API}/domains/{domain}").json()
    assert (shown["guid"], shown["name"], shown["state"]) == (domain, "securemail-domain-name.com", "stale")
    # Refreshing before the Securemail fields are updated does not get it out of stale.
    early = api.post(f"{API}/domains/{domain}", {"action": {"action": "Refresh"}})
    api.settle()
    assert api.get(location(early)).json()["state"] == "error"
    assert api.state(domain) == "stale"
    # Step 3: update the Securemail service fields.
    fields = api.get(f"{API}/domains/{domain}.json").json()["fields"]
    api.fields(domain, **{**fields, "mail_delivery_location": "smtp-new.some-domain.com"})
    # Step 4: refresh.
    answer = api.post(f"{API}/domains/{domain}", {"action": {"action": "Refresh"}})
    assert answer.status_code == 202
    assert "location" in header_names(answer)
    api.settle()
    assert api.get(location(answer)).json()["state"] == "finished"
    # Step 5: active again.
    shown = api.get(f"{API}/domains/{domain}").json()
    assert (shown["guid"], shown["name"], shown["state"]) == (domain, "securemail-domain-name.com", "active")


def test_cancel_archive_with_failed_prune_shows_error_then_stale_after_prune_is_resent(api):
    archive, domain = securemail_with(api, "SYN-PIN-ARCH", "SYN-PIN-ARCH-10", "securemail-domain-name.com")
    api.sb.vendor("synaq").faults.add(kind="action_error", action="Prune")
    answer = api.call("UNLINK", f"{API}/packages/{archive}/domains/{domain}")
    api.settle()
    assert api.get(location(answer)).json()["state"] == "error"
    assert api.state(domain) == "error"
    retry = api.action(f"{API}/domains/{domain}", "Prune")
    api.settle()
    assert api.get(location(retry)).json()["state"] == "finished"
    assert api.state(domain) == "stale"


def test_failed_prune_of_the_last_package_leaves_the_domain_orphaned(api):
    domain, package = api.seeded["securemail_domain_guid"], api.seeded["securemail_package_guid"]
    api.sb.vendor("synaq").faults.add(kind="action_error", action="Prune")
    api.call("UNLINK", f"{API}/packages/{package}/domains/{domain}.json")
    api.settle()
    assert api.state(domain) == "orphaned"


# ==== Delays ================================================================================================
def test_actions_stay_pending_until_the_action_delay_has_passed(api):
    answer = api.action(f"{API}/domains/{api.seeded['domain_guid']}", "Close")
    requests.post(api.sb.url + "/_sandbox/clock", json={"advance": 0.9}, timeout=10)
    assert api.get(location(answer)).json() == {"state": "pending"}
    assert api.state(api.seeded["domain_guid"]) == "pending"
    requests.post(api.sb.url + "/_sandbox/clock", json={"advance": 0.2}, timeout=10)
    assert api.get(location(answer)).json()["state"] == "finished"


def test_action_delay_of_zero_finishes_before_the_next_request(api):
    requests.post(api.sb.url + "/_sandbox/synaq/delays", json={"action": 0}, timeout=10)
    answer = api.action(f"{API}/domains/{api.seeded['domain_guid']}", "Close")
    assert api.get(location(answer)).json()["state"] == "finished"


def test_actions_are_new_until_the_queue_delay_passes(api):
    api.sb.vendor("synaq").delays.update(action_queue=2, action=10)
    answer = api.action(f"{API}/domains/{api.seeded['domain_guid']}", "Close")
    assert api.get(location(answer)).json() == {"state": "new"}
    api.settle(3)
    assert api.get(location(answer)).json() == {"state": "pending"}
    api.settle(10)
    assert api.get(location(answer)).json()["state"] == "finished"


def test_actions_on_archive_domains_take_the_longer_archive_delay(api):
    archive, domain = securemail_with(api, "SYN-PIN-ARCH", "SYN-PIN-ARCH-10", "archived.example.com")
    answer = api.action(f"{API}/domains/{domain}", "Usage")
    api.settle(2)
    assert api.get(location(answer)).json() == {"state": "pending"}
    api.settle(4)
    assert api.get(location(answer)).json()["state"] == "finished"


# ==== Faults ================================================================================================
def test_action_error_fault_on_provision_fails_the_domain(api):
    requests.post(api.sb.url + "/_sandbox/synaq/faults", json={"kind": "action_error", "action": "Provision"},
                  timeout=10)
    domain = api.domain(api.package("SYN-CMS"), "acme.com")
    answer = api.action(f"{API}/domains/{domain}", "Provision")
    api.settle()
    assert api.get(location(answer)).json()["state"] == "error"
    assert api.state(domain) == "failed"
    again = api.action(f"{API}/domains/{domain}", "Provision")  # the fault fired once; a re-send succeeds
    api.settle()
    assert api.get(location(again)).json()["state"] == "finished"
    assert api.state(domain) == "active"


def test_action_error_fault_only_hits_the_named_action(api):
    api.sb.vendor("synaq").faults.add(kind="action_error", action="Prune")
    answer = api.action(f"{API}/domains/{api.seeded['domain_guid']}", "Refresh")
    api.settle()
    assert api.get(location(answer)).json()["state"] == "finished"


def test_failed_mailbox_delete_keeps_the_mailbox(api):
    api.sb.vendor("synaq").faults.add(kind="action_error", action="Delete")
    mailbox = api.seeded["mailbox_guid"]
    answer = api.delete(f"{API}/mailboxes/{mailbox}.json")
    api.settle()
    assert api.get(location(answer)).json()["state"] == "error"
    assert api.get(f"{API}/mailboxes/{mailbox}.json").json()["state"] == "active"


def test_no_location_fault_strips_the_lowercase_location_too(api):
    api.sb.vendor("synaq").faults.add(kind="no_location")
    answer = api.action(f"{API}/domains/{api.seeded['domain_guid']}", "Refresh")
    assert answer.status_code == 202 and "location" not in answer.headers


def test_status_fault_answers_in_the_error_shape(api):
    api.sb.vendor("synaq").faults.add(kind="status", status=503)
    answer = api.get(f"{API}/ous.json")
    assert answer.status_code == 503 and answer.json()["code"] == 503


def test_throttle_fault_answers_429(api):
    api.sb.vendor("synaq").faults.add(kind="throttle")
    answer = api.get(f"{API}/ous.json")
    assert answer.status_code == 429 and answer.json()["code"] == 429


# ==== Demo estate and seeding ===============================================================================
def test_demo_estate_is_visible_through_the_api(api):
    assert api.state(api.seeded["domain_guid"]) == "active"
    assert api.state(api.seeded["securemail_domain_guid"]) == "active"
    assert api.get(f"{API}/packages/{api.seeded['cloudmail_package_guid']}.json").json()["state"] == "active"
    assert api.get(f"{API}/mailboxes/{api.seeded['mailbox_guid']}.json").json()["state"] == "active"


def test_reset_keeps_the_demo_guids(sb):
    before = sb.config("synaq")["seeded"]
    sb.reset()
    assert sb.config("synaq")["seeded"] == before


def test_seeding_a_large_estate_is_fast_and_visible(api):
    started = time.perf_counter()
    answer = requests.post(api.sb.url + "/_sandbox/synaq/seed",
                           json={"companies": 10, "domains": 10_000, "mailboxes": 100_000}, timeout=60)
    assert time.perf_counter() - started < 20
    summary = answer.json()
    assert (summary["companies"], summary["domains"], summary["mailboxes"]) == (10, 10_000, 100_000)
    stats = requests.get(api.sb.url + "/_sandbox/synaq", timeout=10).json()
    assert stats["domains"] >= 10_000 and stats["mailboxes"] >= 100_000
    assert api.get(f"{API}/domains.json", limit=100).json()["total"] == stats["domains"]
    assert api.get(f"{API}/mailboxes.json").json()["total"] == stats["mailboxes"]
    first = summary["first_domain_guid"]
    mailboxes = api.get(f"{API}/mailboxes.json", domain_guid=first).json()
    assert mailboxes["total"] == 10 and mailboxes["_embedded"]["mailboxes"][0]["state"] == "active"
    assert api.state(first) == "active"


def test_seeding_under_a_given_ou(api, company):
    summary = api.sb.vendor("synaq").seed(domains=3, mailboxes=6, ou_guid=company)
    assert summary["ou_guids"] == [company]
    assert api.get(f"{API}/ous/{company}/domains.json").json()["total"] == 2 + 3
