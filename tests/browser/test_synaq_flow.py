"""A new staff member runs SYNAQ from the console, with a real worker and the SYNAQ sandbox:
order CloudMail, add a domain provisioned at once and watch it go live, add a mailbox; unlink a
Securemail package whose Prune fails and see the high-priority banner arrive; fix a stale domain
from its alert and see the alert resolve. Nothing is reloaded while the panel follows the vendor."""

from __future__ import annotations

import pytest

from customers.models import Domain
from provisioning.models import Alert
from tests.browser.test_staff_flow import _sign_in
from tests.factories import StaffFactory
from tests.support import WorkerProcess
from tests.vendors.conftest import account_for

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FAST = {"PROVISIONING_BACKOFF_SECONDS": "0.5", "PROVISIONING_HINT_SECONDS": "30"}


@pytest.fixture
def worker(tmp_path):
    process = WorkerProcess(tmp_path / "worker.log", pool="threads", concurrency=2, **FAST).start()
    yield process
    process.stop()


def _order(page, url, product: str, editions: list[str]):
    page.goto(url)
    page.check(f"input[name$='product_code'][value='{product}']")
    for edition in editions:
        page.check(f"input[name$='editions'][value='{edition}']")
    page.click("button:has-text('Order package')")
    page.wait_for_selector("h1:has-text('SYNAQ')")


def _unlink(page, domain_name: str, product_code: str):
    link = Domain.objects.get(name=domain_name).package_links.get(package__product_code=product_code)
    page.click(f"a[href$='/unlink/{link.package_id}/']")


def _stay_on_page(page):
    """Mark the page, so a later check proves no reload happened in between."""
    page.evaluate("window.__notReloaded = true")


def _not_reloaded(page) -> bool:
    return page.evaluate("window.__notReloaded === true")


def test_a_new_staff_member_runs_synaq_from_the_console(page, live_server, sandbox, worker):
    synaq = sandbox.vendor("synaq")
    synaq.delays.update(action=0.5)
    account_for(sandbox, "synaq", options={"webmail_url": sandbox.base_url("synaq") + "/webmail/login?token={token}"})
    StaffFactory(username="nomsa")
    _sign_in(page, live_server, "nomsa")

    # A customer, with the address SYNAQ needs for its organisation.
    page.goto(f"{live_server.url}/customers/new/")
    page.fill("#id_name", "Protea Foods")
    page.fill("#id_reference", "PROT-01")
    page.fill("#id_address_line_1", "12 Bree Street")
    page.fill("#id_city", "Cape Town")
    page.fill("#id_postal_code", "8001")
    page.select_option("#id_country", "ZA")
    page.click("button:has-text('Create customer')")
    page.wait_for_selector("h1:has-text('Protea Foods')")
    customer_url = page.url

    # CloudMail from SYNAQ's live product list, then a domain provisioned at once: it goes live by itself.
    _order(page, customer_url, "SYN-CMS", ["SYN-CMS-BASIC-02", "SYN-CM-PREM-25-ARCH"])
    page.goto(customer_url)
    page.fill("#id_name", "protea.example")
    page.select_option("#id_package", label="SYNAQ CloudMail (synaq sandbox)")
    page.check("#id_provision_now")
    page.click("button:has-text('Add domain')")
    page.wait_for_selector("h1:has-text('protea.example')")
    assert "queued" in page.inner_text(".messages")
    _stay_on_page(page)
    page.wait_for_selector("#domain-status h1 .badge:text-is('Active')", timeout=60_000)
    assert _not_reloaded(page)

    # A mailbox, live at SYNAQ without a reload either.
    page.fill("#id_local_part", "orders")
    page.fill("#id_last_name", "Orders")
    page.fill("#id_password", "Orders-Passw0rd-1")
    page.click("button:has-text('Add mailbox')")
    page.wait_for_selector("h1:has-text('orders@protea.example')")
    _stay_on_page(page)
    page.wait_for_selector("#mailbox-status h1 .badge:text-is('Active')", timeout=60_000)
    assert _not_reloaded(page)

    # A Securemail domain with Branding; unlinking Securemail starts a Prune, which fails.
    _order(page, customer_url, "SYN-PIN-SEC", ["SYN-PIN-SEC-BOTH"])
    _order(page, customer_url, "SYN-PIN-BRD", ["SYN-PIN-BRD"])
    page.goto(customer_url)
    page.fill("#id_name", "protea-secure.example")
    page.select_option("#id_package", label="SYNAQ Securemail (synaq sandbox)")
    page.click("button:has-text('Add domain')")
    page.wait_for_selector("h1:has-text('protea-secure.example')")
    page.wait_for_selector("#domain-status:not([hx-get])", timeout=60_000)
    page.reload()
    page.select_option("form[action$='/link/'] select", index=0)
    page.click("button:has-text('Link')")
    page.wait_for_selector("#domain-status:not([hx-get])", timeout=60_000)
    page.reload()
    page.fill("#id_fields-mail_delivery_location", "smtp.protea.example")
    page.fill("#id_fields-username", "relay")
    page.fill("#id_fields-password", "Relay-Passw0rd!")
    page.click("button:has-text('Save service fields')")
    page.wait_for_selector("#domain-status:not([hx-get])", timeout=60_000)
    page.click("#domain-status button:has-text('Provision')")
    page.wait_for_selector("#domain-status h1 .badge:text-is('Active')", timeout=60_000)
    synaq.faults.add(kind="action_error", action="Prune", next=1)
    _unlink(page, "protea-secure.example", "SYN-PIN-SEC")
    assert "Prune" in page.inner_text("main")  # the preview says what may follow
    page.click("button:has-text('Unlink SYNAQ Securemail')")
    _stay_on_page(page)
    banner = page.wait_for_selector(".banner-high:has-text('Prune failed')", timeout=60_000)
    assert _not_reloaded(page) and "mail flow may be affected" in banner.inner_text()
    banner.query_selector("a").click()
    page.wait_for_selector("h1:has-text('Prune failed on protea-secure.example')")
    assert "Injected fault" in page.inner_text("#alert-status")

    # A stale domain, fixed from its alert: link Securemail to the CloudMail domain, provision, unlink.
    domain = Domain.objects.get(name="protea.example")
    page.goto(f"{live_server.url}/domains/{domain.pk}/")
    page.select_option("form[action$='/link/'] select", label="SYNAQ Securemail")
    page.click("button:has-text('Link')")
    page.wait_for_selector("#domain-status:not([hx-get])", timeout=60_000)
    page.reload()
    page.fill("#id_fields-mail_delivery_location", "smtp.protea.example")
    page.fill("#id_fields-username", "relay")
    page.fill("#id_fields-password", "Relay-Passw0rd!")
    page.click("button:has-text('Save service fields')")
    page.wait_for_selector("#domain-status:not([hx-get])", timeout=60_000)
    # Service fields on a live domain leave it stale until it is refreshed (SYNAQ's rule).
    page.click("#domain-status button:has-text('Refresh')")
    page.wait_for_selector("#domain-status:not([hx-get]) h1 .badge:text-is('Active')", timeout=60_000)
    _unlink(page, "protea.example", "SYN-PIN-SEC")
    page.click("button:has-text('Unlink SYNAQ Securemail')")
    banner = page.wait_for_selector(".banner-high:has-text('protea.example is stale')", timeout=60_000)
    banner.query_selector("a").click()
    page.wait_for_selector("h1:has-text('protea.example is stale')")
    _stay_on_page(page)
    page.click("#domain-fix button:has-text('Refresh')")
    page.wait_for_selector("#alert-status .badge:text-is('Resolved')", timeout=60_000)
    alert = Alert.objects.filter(kind="domain_stale", target_id=domain.pk).latest("opened_at")
    assert alert.resolved_by is not None and alert.resolved_by.username == "nomsa"
