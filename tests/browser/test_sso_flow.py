"""The reseller's billing site (this test) mints a login token over the API; the browser opens the URL
and lands in the portal already signed in. Staff impersonate a customer: the banner, the change audited
under both names in the customer's activity log, and one click back."""

from __future__ import annotations

import pytest
import requests

from api import services as api_services
from api.models import Scope
from core.models import AuditEvent
from tests.browser.test_portal_flow import shoot
from tests.browser.test_staff_flow import _sign_in
from tests.factories import MailboxFactory, MembershipFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_billing_site_mints_a_token_and_the_browser_lands_signed_in(page, live_server):
    admin = StaffFactory(staff_role="admin")
    _, key = api_services.api_key_create(name="Billing site", scopes=[Scope.LOGIN_CUSTOMERS], acting_user=admin)
    owner = MembershipFactory(role="owner", user__username="olivia", customer__name="Harbour Bakery").user
    MailboxFactory(domain__customer=owner.memberships.get().customer, local_part="orders")
    answer = requests.post(f"{live_server.url}/api/v1/login-tokens/", json={"username": "olivia",
                                                                           "next": "/portal/mailboxes/"},
                           headers={"Authorization": f"Bearer {key}"}, timeout=10)
    assert answer.status_code == 201
    page.goto(answer.json()["url"])
    page.wait_for_url(f"{live_server.url}/portal/mailboxes/")
    assert "orders@" in page.inner_text("#mailbox-table")
    # Used once: the same URL in another browser signs no one in.
    other = page.context.browser.new_context().new_page()
    other.goto(answer.json()["url"])
    assert "already been used" in other.inner_text("body")
    other.context.close()


def test_a_staff_member_impersonates_and_both_logs_show_it(page, live_server):
    staff = StaffFactory(staff_role="support", username="sam", first_name="Sam", last_name="Support")
    owner = MembershipFactory(role="owner", user__username="olivia", customer__name="Harbour Bakery")
    mailbox = MailboxFactory(domain__customer=owner.customer, local_part="orders")
    _sign_in(page, live_server, "sam")
    page.goto(f"{live_server.url}/customers/{owner.customer.pk}/")
    page.click("#impersonate")
    page.wait_for_url(f"{live_server.url}/portal/")
    assert "Sam Support" in page.inner_text("#impersonation-banner")
    page.goto(f"{live_server.url}/portal/mailboxes/{mailbox.pk}/")
    assert page.locator("#impersonation-banner").is_visible()
    page.fill("#id_first_name", "Orders desk")
    page.click("button:has-text('Save name')")
    page.wait_for_selector("text=on its way")
    page.goto(f"{live_server.url}/portal/activity/")
    assert "by Sam Support of the reseller's staff" in page.inner_text("#activity-table")
    shoot(page, "portal-impersonation")
    event = AuditEvent.objects.get(action="mailbox.update")
    assert event.actor.username == "olivia" and event.impersonator == staff
    assert AuditEvent.objects.filter(action="customer.impersonate", actor=staff).exists()
    page.click("#impersonate-stop")
    page.wait_for_url(f"{live_server.url}/customers/{owner.customer.pk}/")
    assert page.locator("#impersonation-banner").count() == 0
