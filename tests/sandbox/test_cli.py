"""`python -m sandbox`: help, printed configuration, and serving all five vendors on one port."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
VENDORS = {"synaq", "greenview", "hostway", "rackspace", "basekit"}


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sandbox", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)


def test_help_explains_ports_control_surface_and_fault_kinds():
    out = _run("--help").stdout
    for needle in ("--port", "--print-config", "/_sandbox/config", "faults", "drop_after", "action_error"):
        assert needle in out


def test_print_config_gives_prefix_credentials_and_seeded_ids_per_vendor():
    config = json.loads(_run("--print-config").stdout)
    assert set(config) == VENDORS
    assert set(config["synaq"]["credentials"]) == {"user", "key"}
    assert set(config["greenview"]["credentials"]) == {"token", "key"}
    assert {"user", "password"} <= set(config["hostway"]["credentials"])
    assert {"user", "password"} <= set(config["basekit"]["credentials"])
    assert {"user_key", "secret_key"} <= set(config["rackspace"]["credentials"])
    assert "reseller_guid" in config["synaq"]["seeded"]
    assert {"account", "domain"} <= set(config["hostway"]["seeded"])
    assert {"account_holder_ref", "account_domain_ref"} <= set(config["basekit"]["seeded"])
    assert all(config[v]["prefix"] == f"/{v}" for v in VENDORS)


def test_print_config_is_the_same_on_every_start():
    assert _run("--print-config").stdout == _run("--print-config").stdout


def test_serves_every_vendor_under_its_prefix_on_one_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "sandbox", "--port", str(port), "--quiet"], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/_sandbox/config"
        deadline = time.monotonic() + 20
        while True:
            try:
                config = requests.get(url, timeout=2).json()
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "sandbox did not start"
                time.sleep(0.2)
        assert set(config["vendors"]) == VENDORS
        for vendor in VENDORS:
            # Unauthenticated calls reach the vendor's own code (it refuses them), not a 404 for the prefix.
            answer = requests.get(f"http://127.0.0.1:{port}/{vendor}/", timeout=5)
            assert "no sandbox at" not in answer.text
    finally:
        process.terminate()
        process.wait(timeout=10)
