"""Staff settle a drift alert in the browser: SYNAQ's estate imported, a mailbox renamed in SYNAQ's own console,
the drift check opens the alert, and the alert page shows both sides with "Take SYNAQ's" and "Push ours"."""

from __future__ import annotations

import pytest

from customers.models import Mailbox
from provisioning.models import Alert
from tests.browser.test_staff_flow import _sign_in
from tests.customers.import_support import check_round, import_all
from tests.factories import CustomerFactory, StaffFactory
from tests.vendors.conftest import account_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_take_the_vendors_value_from_the_drift_alert(page, live_server, sandbox, tmp_path):
    staff = StaffFactory(username="thandi")
    account = account_for(sandbox, "synaq")
    CustomerFactory(name="Acme Ltd", reference="al")
    import_all(account, staff)
    ceo = Mailbox.objects.get(local_part="ceo")
    sandbox.vendor("synaq").mailboxes[ceo.vendor_id]["last_name"] = "Roadrunner"
    check_round(account)
    alert = Alert.objects.get(kind="drift")
    _sign_in(page, live_server, "thandi")
    page.goto(f"{live_server.url}/alerts/{alert.pk}/")
    page.wait_for_selector("#drift-take")
    assert page.locator("#drift-fix").inner_text().count("Roadrunner") == 1
    assert page.locator("#drift-push").is_visible()
    page.screenshot(path=str(tmp_path / "drift-alert.png"), full_page=True)
    page.click("#drift-take")
    page.wait_for_selector("text=The panel now holds the vendor's values.")
    assert Mailbox.objects.get(pk=ceo.pk).last_name == "Roadrunner"
    assert Alert.objects.get(pk=alert.pk).resolved_at is not None
