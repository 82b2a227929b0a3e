"""The shared sandbox machinery: routing, faults, delays, counters and the control surface."""

from __future__ import annotations

import pytest
import requests
from werkzeug.routing import Rule

from sandbox.core import SandboxApp, VendorSandbox, json_response
from sandbox.testing import running_sandbox


class Toy(VendorSandbox):
    name = "toy"
    default_delays = {"ready": 5.0}

    def routes(self):
        return [
            Rule("/things", methods=["GET"], endpoint="things_list"),
            Rule("/things", methods=["POST"], endpoint="thing_create"),
            Rule("/things/<thing_id>", methods=["LINK"], endpoint="thing_link"),
        ]

    def reset(self):
        self.things = {}

    def config(self):
        return {"credentials": {"key": "k"}, "seeded": {}}

    def authenticate(self, request):
        return None if request.headers.get("X-Key") == "k" else self.error(401, "bad key")

    def seed(self, **params):
        for i in range(int(params.get("things", 0))):
            self.things[str(i)] = {"id": str(i), "ready": True}
        return {"things": len(self.things)}

    def on_things_list(self, request):
        return json_response(list(self.things.values()))

    def on_thing_create(self, request):
        guid = self.new_guid()
        thing = {"id": guid, "ready": False}
        self.things[guid] = thing
        self.scheduler.after(self.delay("ready"), lambda: thing.update(ready=True))
        return json_response(thing, 201, {"Location": f"/things/{guid}"})

    def on_thing_link(self, request, thing_id):
        return json_response(None, 204)


def toy():
    return running_sandbox(app=SandboxApp([Toy], seed=7))


H = {"X-Key": "k"}


def test_unauthenticated_call_is_refused_by_vendor_auth():
    with toy() as sb:
        assert requests.get(sb.base_url("toy") + "/things", timeout=5).status_code == 401


def test_custom_http_methods_route():
    with toy() as sb:
        assert requests.request("LINK", sb.base_url("toy") + "/things/x", headers=H, timeout=5).status_code == 204


def test_delayed_change_applies_when_clock_advances():
    with toy() as sb:
        thing = requests.post(sb.base_url("toy") + "/things", headers=H, timeout=5).json()
        assert thing["ready"] is False
        requests.post(sb.url + "/_sandbox/clock", json={"advance": 6}, timeout=5)
        listed = requests.get(sb.base_url("toy") + "/things", headers=H, timeout=5).json()
        assert listed[0]["ready"] is True


def test_status_fault_fires_for_next_n_calls_only():
    with toy() as sb:
        requests.post(sb.url + "/_sandbox/toy/faults", json={"kind": "status", "status": 503, "next": 2,
                                                              "retry_after": 3}, timeout=5)
        first = requests.get(sb.base_url("toy") + "/things", headers=H, timeout=5)
        second = requests.get(sb.base_url("toy") + "/things", headers=H, timeout=5)
        third = requests.get(sb.base_url("toy") + "/things", headers=H, timeout=5)
        assert [first.status_code, second.status_code, third.status_code] == [503, 503, 200]
        assert first.headers["Retry-After"] == "3"


def test_drop_after_handles_request_but_loses_response():
    with toy() as sb:
        sb.vendor("toy").faults.add(kind="drop_after", method="POST")
        try:
            requests.post(sb.base_url("toy") + "/things", headers=H, timeout=5)
            raise AssertionError("the response should have been lost")
        except requests.ConnectionError:
            pass
        assert len(sb.vendor("toy").things) == 1


def test_counters_count_calls_per_route():
    with toy() as sb:
        for _ in range(3):
            requests.post(sb.base_url("toy") + "/things", headers=H, timeout=5)
        counters = requests.get(sb.url + "/_sandbox/toy/counters", timeout=5).json()
        assert counters == {"POST /things": 3}


def test_rate_faults_are_deterministic_for_a_seed():
    def pattern():
        with toy() as sb:
            sb.vendor("toy").faults.add(kind="status", status=500, rate=0.5)
            return [requests.get(sb.base_url("toy") + "/things", headers=H, timeout=5).status_code for _ in range(20)]

    assert pattern() == pattern()
    assert set(pattern()) == {200, 500}


def test_malformed_fault_returns_unparseable_body():
    with toy() as sb:
        sb.vendor("toy").faults.add(kind="malformed")
        response = requests.get(sb.base_url("toy") + "/things", headers=H, timeout=5)
        try:
            response.json()
            raise AssertionError("body should not parse")
        except ValueError:
            pass


def test_no_location_fault_strips_location_header():
    with toy() as sb:
        sb.vendor("toy").faults.add(kind="no_location")
        response = requests.post(sb.base_url("toy") + "/things", headers=H, timeout=5)
        assert response.status_code == 201 and "Location" not in response.headers


def test_seed_via_control_surface():
    with toy() as sb:
        answer = requests.post(sb.url + "/_sandbox/toy/seed", json={"things": 1000}, timeout=5).json()
        assert answer["things"] == 1000


def test_reset_forgets_faults_and_state():
    with toy() as sb:
        sb.vendor("toy").faults.add(kind="status", next=5)
        sb.vendor("toy").seed(things=3)
        requests.post(sb.url + "/_sandbox/reset", timeout=5)
        assert requests.get(sb.base_url("toy") + "/things", headers=H, timeout=5).json() == []


def test_unknown_fault_kind_is_a_400():
    with toy() as sb:
        assert requests.post(sb.url + "/_sandbox/toy/faults", json={"kind": "nope"}, timeout=5).status_code == 400


@pytest.mark.parametrize("vendor, kinds", [
    ("synaq", {"companies", "packages", "domains", "mailboxes"}), ("greenview", {"clients", "domains"}),
    ("rackspace", {"customers", "contacts"}), ("hostway", {"domains", "mailboxes"}),
    ("basekit", {"domains", "mailboxes"}),
])
def test_the_control_surface_lists_every_objects_natural_key(sandbox, vendor, kinds):
    keys = requests.get(f"{sandbox.url}/_sandbox/{vendor}/keys", timeout=10).json()
    assert set(keys) == kinds and all(isinstance(v, list) for v in keys.values())


def test_the_keys_show_a_domain_the_vendor_now_holds(sandbox):
    greenview = sandbox.vendor("greenview")
    greenview._add_client(None, "pkg", 1, "a@b.example", "Keys Ltd", [("keys.example", ["mx.keys.example"])])
    keys = requests.get(f"{sandbox.url}/_sandbox/greenview/keys", timeout=10).json()
    assert "Keys Ltd" in keys["clients"] and keys["domains"].count("keys.example") == 1
