"""Benchmarks (`make bench`): speed at the design size, measured, not asserted by the test suite.

Each prints its timing; each also checks the one property that must hold at scale (e.g. the
query count of a page), so a regression shows here before it shows in production.
"""

from __future__ import annotations

import time

import pytest

from sandbox import build_app


def _report(name: str, seconds: float, extra: str = "") -> None:
    print(f"\n[bench] {name}: {seconds * 1000:.0f} ms {extra}")


@pytest.mark.parametrize("vendor", ["synaq", "hostway", "basekit"])
def test_sandbox_seeds_100k_mailboxes(vendor):
    app = build_app(vendors=[vendor])
    started = time.perf_counter()
    app.vendor(vendor).seed(domains=10_000, mailboxes=100_000)
    _report(f"{vendor} sandbox seed 10k domains / 100k mailboxes", time.perf_counter() - started)
