"""Every staff page, as a keyboard or screen-reader user and on a phone: axe-core finds no serious or
critical violation, and at 390 px nothing scrolls sideways.

The estate is `make run`'s demo (driven to the sandboxes) plus a 63-character domain name and a
high-priority alert, so the pages show what a reseller's staff really see. With ``PANEL_SCREENSHOTS``
set to a folder, the walk also saves the screenshots docs/screenshots/ holds (`make screenshots`).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import reverse

from customers.models import Customer, Domain, Mailbox
from provisioning.models import Alert, Operation
from provisioning.services import alerts as alert_services
from tests.factories import PASSWORD, DomainFactory, StaffFactory
from tests.vendors.conftest import Drain

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A label of 63 characters, the most DNS allows: the layout must hold it.
LONG_DOMAIN = "acme-trading-and-logistics-international-holdings-southern-africa"[:63] + ".co.za"
WIDTHS = {"wide": 1400, "phone": 390}
SCREENSHOTS = os.environ.get("PANEL_SCREENSHOTS", "")
BLOCKING = {"serious", "critical"}
SHOT_PAGES = {"dashboard", "customer", "domain", "mailbox", "alert-desk", "long-domain"}


def _estate(sandbox, settings, tmp_path):
    settings.SANDBOX_URL = sandbox.url
    settings.VAR_DIR = tmp_path
    sandbox.vendor("greenview").delays.update(domain_ready=0)
    sandbox.vendor("synaq").delays.update(action=0, archive_action=0)
    call_command("demo_data")
    Drain()()
    acme = Customer.objects.get(reference="ACME-001")
    long = DomainFactory(customer=acme, name=LONG_DOMAIN, vendor_account=Domain.objects.filter(
        customer=acme).first().vendor_account, vendor_state="stale")
    alert_services.alert_open(kind="domain_stale", target_type="domain", target_id=long.pk, customer=acme,
                              title=f"{long.name} is stale", message="SYNAQ marked the domain stale.",
                              next_step="Fill in the service fields, then resume.")


def _pages() -> list[tuple[str, str]]:
    """(name, path) of every staff page a new staff member meets."""
    acme = Customer.objects.get(reference="ACME-001")
    domain = Domain.objects.filter(customer=acme).exclude(name=LONG_DOMAIN).order_by("id").first()
    mailbox = Mailbox.objects.filter(domain__customer=acme).order_by("id").first()
    operation = Operation.objects.order_by("id").first()
    alert = Alert.objects.order_by("id").first()
    return [
        ("dashboard", reverse("dashboard")),
        ("customers", reverse("customers:customer_list")),
        ("customer", reverse("customers:customer_detail", args=[acme.pk])),
        ("new-customer", reverse("customers:customer_create")),
        ("domains", reverse("customers:domain_list")),
        ("domain", reverse("customers:domain_detail", args=[domain.pk])),
        ("long-domain", reverse("customers:domain_detail", args=[Domain.objects.get(name=LONG_DOMAIN).pk])),
        ("mailboxes", reverse("customers:mailbox_list")),
        ("mailbox", reverse("customers:mailbox_detail", args=[mailbox.pk])),
        ("operations", reverse("provisioning:operation_list")),
        ("operation", reverse("provisioning:operation_detail", args=[operation.pk])),
        ("alert-desk", reverse("provisioning:alert_list")),
        ("alert", reverse("provisioning:alert_detail", args=[alert.pk])),
        ("billing", reverse("customers:billing")),
        ("audit-log", reverse("audit_log")),
        ("vendor-accounts", reverse("provisioning:vendor_account_list")),
        ("vendor-account", reverse("provisioning:vendor_account_detail", args=[domain.vendor_account_id])),
        ("new-vendor-account", reverse("provisioning:vendor_account_create", args=["synaq"])),
        ("suspend-customer", reverse("customers:customer_lifecycle", args=[acme.pk, "suspend"])),
        ("mailbox-import", reverse("customers:mailbox_import")),
    ]


def _sign_in(page, live_server):
    StaffFactory(username="newstaff", first_name="Nomsa", last_name="Khumalo")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "newstaff")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def _blocking_violations(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in BLOCKING]


def _sideways_scroll(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def _shoot(page, name: str, width: str) -> None:
    if SCREENSHOTS and name in SHOT_PAGES:
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)


def test_every_staff_page_passes_axe_and_fits_a_phone(page, live_server, sandbox, settings, tmp_path):
    _estate(sandbox, settings, tmp_path)
    _sign_in(page, live_server)
    problems = []
    for width_name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in _pages():
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            if page.locator("h1").count() != 1:
                problems.append(f"{name} at {width}px: {page.locator('h1').count()} h1 elements")
            problems += [f"{name} at {width}px: {v}" for v in _blocking_violations(page)]
            if width_name == "phone" and (overflow := _sideways_scroll(page)) > 0:
                problems.append(f"{name} at {width}px scrolls sideways by {overflow}px")
            _shoot(page, name, width_name)
    assert not problems, "\n".join(problems)


def test_on_a_phone_the_navigation_opens_behind_the_menu_button(page, live_server):
    _sign_in(page, live_server)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/")
    assert not page.is_visible("#nav-links >> text=Mailboxes")
    page.click("button.menu-toggle")
    assert page.get_attribute("button.menu-toggle", "aria-expanded") == "true"
    page.click("#nav-links >> text=Mailboxes")
    page.wait_for_url(f"{live_server.url}/mailboxes/")
    assert page.get_attribute("#nav-links a[aria-current=page]", "href") == "/mailboxes/"


def test_a_form_error_is_linked_to_its_field(page, live_server):
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}/customers/new/")
    page.click("button:has-text('Create customer')")
    page.wait_for_selector(".field.has-error")
    described = page.get_attribute("#id_name", "aria-describedby")
    assert described and all(page.locator(f"#{ref}").count() == 1 for ref in described.split())
    assert "required" in page.inner_text(f"#{described.split()[-1]}").lower()
    assert page.get_attribute("#id_name", "aria-invalid") == "true"


def test_the_skip_link_moves_focus_to_the_content(page, live_server):
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}/customers/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"


def test_the_search_box_keeps_its_text_on_back(page, live_server):
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}/customers/")
    page.fill("#customer-search", "acme")
    page.wait_for_url("**/customers/?q=acme*")
    page.goto(f"{live_server.url}/mailboxes/")
    page.go_back()
    page.wait_for_url("**/customers/?q=acme*")
    assert page.input_value("#customer-search") == "acme"
