"""Malformed input found by fuzzing the sandboxes: every sandbox answers as its vendor documents,
never with a traceback (an HTML 500)."""

from __future__ import annotations

import json
import re

import pytest
import requests

from sandbox import VENDOR_MODULES

NESTED = "[" * 50_000 + "]" * 50_000
WRITE_METHODS = {"POST", "PUT", "PATCH"}


def _writes(sandbox, vendor: str) -> list[tuple[str, str]]:
    """(method, concrete path) for every write route of the vendor, with made-up ids."""
    out = []
    for rule in sandbox.vendor(vendor).url_map.iter_rules():
        for method in sorted((rule.methods or set()) & WRITE_METHODS):
            path = re.sub(r"<uuid:[^>]+>", "00000000-0000-4000-8000-000000000000", rule.rule)
            path = re.sub(r"<int:[^>]+>", "1", path)
            path = re.sub(r"<[^>]+>", "x.example", path)
            out.append((method, path))
    return out


@pytest.mark.parametrize("vendor", VENDOR_MODULES)
def test_deeply_nested_json_never_reaches_a_traceback(sandbox, vendor):
    seen = 0
    for method, path in _writes(sandbox, vendor):
        response = requests.request(method, sandbox.base_url(vendor) + path, data=NESTED, timeout=10,
                                    headers={"Content-Type": "application/json"})
        assert response.status_code < 500, (method, path, response.status_code, response.text[:200])
        seen += 1
    assert seen > 0


@pytest.mark.parametrize("vendor, status", [("synaq", 401), ("rackspace", 403), ("hostway", 401),
                                            ("greenview", 401)])
def test_without_credentials_an_unknown_path_gets_the_vendors_refusal_not_a_404(sandbox, vendor, status):
    for method, path in (("GET", "/no/such/path"), ("DELETE", "/api/v1/nothing.json")):
        response = requests.request(method, sandbox.base_url(vendor) + path, timeout=10)
        assert response.status_code == status, (vendor, method, path, response.status_code)


@pytest.mark.parametrize("body", ["[1, 2]", "\"text\"", "42", "null"])
@pytest.mark.parametrize("what", ["faults", "delays", "seed"])
def test_the_control_surface_refuses_a_body_that_is_not_an_object(sandbox, body, what):
    response = requests.post(f"{sandbox.url}/_sandbox/synaq/{what}", data=body, timeout=10)
    assert response.status_code == 400


@pytest.mark.parametrize("spec", [
    {"kind": 5}, {"kind": "status", "status": "oops"}, {"kind": "status", "status": 42},
    {"kind": "latency", "latency": "slow"}, {"kind": "latency", "latency": float("nan")},
    {"kind": "timeout", "timeout": 1e308}, {"kind": "status", "next": -1}, {"kind": "status", "next": True},
    {"kind": "status", "rate": 2}, {"kind": "status", "path": ["x"]}, {"kind": "status", "path": "("},
    {"kind": "status", "retry_after": 1.5}, {"kind": "status", "method": 7},
])
def test_a_fault_of_the_wrong_type_is_refused_and_never_armed(sandbox, spec):
    response = requests.post(f"{sandbox.url}/_sandbox/synaq/faults", data=json.dumps(spec), timeout=10)
    assert response.status_code == 400, spec
    assert requests.get(f"{sandbox.url}/_sandbox/synaq/faults", timeout=10).json() == []


@pytest.mark.parametrize("advance", ["NaN", "1e308", "-5", "\"soon\"", "true"])
def test_the_clock_refuses_an_absurd_advance(sandbox, advance):
    before = requests.get(f"{sandbox.url}/_sandbox/clock", timeout=10).json()["offset"]
    response = requests.post(f"{sandbox.url}/_sandbox/clock", data=f'{{"advance": {advance}}}', timeout=10)
    assert response.status_code == 400
    assert requests.get(f"{sandbox.url}/_sandbox/clock", timeout=10).json()["offset"] == before


@pytest.mark.parametrize("value", ["[1]", "[3, 1]", "-1", "\"x\"", "1e9"])
def test_a_delay_must_be_sensible_seconds_or_a_range(sandbox, value):
    response = requests.post(f"{sandbox.url}/_sandbox/synaq/delays", data=f'{{"action": {value}}}', timeout=10)
    assert response.status_code == 400


def test_a_delay_range_draws_within_it(sandbox):
    assert requests.post(f"{sandbox.url}/_sandbox/synaq/delays", json={"action": [1, 3]}, timeout=10).ok
    draws = [sandbox.vendor("synaq").delay("action") for _ in range(50)]
    assert all(1 <= d <= 3 for d in draws) and len(set(draws)) > 1
