"""Playwright driving the system Chromium (/usr/bin/chromium), never a downloaded browser.

Where Chromium is missing the browser tests are skipped with a plain message, except under CI
(CI=true), where a missing Chromium fails the run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"No Chromium at {CHROMIUM}: install Debian's chromium package to run the browser tests."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; Django must allow ORM use beside it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    """A page whose Content-Security-Policy violations (as Chromium reports them) fail the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    violations: list[str] = []
    context.on("console", lambda message: violations.append(message.text)
               if "Content Security Policy" in message.text else None)
    context.on("page", lambda new: new.on("console", lambda message: violations.append(message.text)
                                          if "Content Security Policy" in message.text else None))
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert not violations, f"CSP violations: {violations}"
