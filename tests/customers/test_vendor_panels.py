"""The vendor-specific panels of the mailbox and domain pages: shown only where the vendor's capabilities call
for them, read from the vendor by HTMX, their forms queue through the outbox and answer the panel in place."""

from __future__ import annotations

import pytest

from customers import services
from customers.models import Mailbox
from customers.services import imports
from provisioning.models import Operation
from tests.factories import CustomerFactory
from tests.vendors.conftest import account_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostway_domain(sandbox, staff):
    account = account_for(sandbox, "hostway")
    domain = services.domain_create(customer=CustomerFactory(), vendor_account=account, name="test.com",
                                    acting_user=staff)
    for job in imports.ImportJob.objects.all():
        imports.import_run(job_id=job.pk)
    return domain


def test_a_hostway_mailbox_page_offers_its_vendors_panels(staff_client, hostway_domain):
    mailbox = Mailbox.objects.get(local_part="test")
    page = staff_client.get(f"/mailboxes/{mailbox.pk}/").content.decode()
    for name in ("forwards", "autoresponder", "spam_list", "spam_filter", "webmail", "secrets", "message_counts"):
        assert f'id="panel-{name}"' in page, name
    assert "Open spam control panel" in page


def test_a_basekit_mailbox_page_has_no_hostway_panels(staff_client, sandbox, staff):
    account = account_for(sandbox, "basekit")
    sandbox.vendor("basekit").delays.update(mailbox_active=0)
    domain = services.domain_create(customer=CustomerFactory(), vendor_account=account, name="johnsmith.co.uk",
                                    owner="500001", acting_user=staff)
    for job in imports.ImportJob.objects.all():
        imports.import_run(job_id=job.pk)
    page = staff_client.get(f"/mailboxes/{domain.mailboxes.get().pk}/").content.decode()
    assert 'id="panel-forwards"' not in page and "spam control panel" not in page


def test_a_panel_reads_the_vendor_and_answers_a_fragment(staff_client, hostway_domain):
    mailbox = Mailbox.objects.get(local_part="test")
    panel = staff_client.get(f"/mailboxes/{mailbox.pk}/panels/forwards/", HTTP_HX_REQUEST="true")
    assert panel.status_code == 200 and b"mb1@test.com" in panel.content and b"<html" not in panel.content


def test_adding_a_forward_queues_it_and_shows_it_in_flight(staff_client, hostway_domain):
    mailbox = Mailbox.objects.get(local_part="test")
    panel = staff_client.post(f"/mailboxes/{mailbox.pk}/panels/forwards/change/", {"target": "jack.smith@test.com"},
                              HTTP_HX_REQUEST="true")
    assert panel.status_code == 200 and b"waiting for Hostway" in panel.content
    assert b'hx-trigger="every 2s"' in panel.content
    assert Operation.objects.filter(kind="mailbox.forward_add").count() == 1


def test_a_bad_forward_is_shown_on_its_field_and_queues_nothing(staff_client, hostway_domain):
    mailbox = Mailbox.objects.get(local_part="test")
    panel = staff_client.post(f"/mailboxes/{mailbox.pk}/panels/forwards/change/", {"target": "not an address"},
                              HTTP_HX_REQUEST="true")
    assert panel.status_code == 422 and b"Not an e-mail address" in panel.content
    assert not Operation.objects.filter(kind="mailbox.forward_add").exists()


def test_the_domain_page_offers_its_panels_and_the_import(staff_client, hostway_domain):
    page = staff_client.get(f"/domains/{hostway_domain.pk}/").content.decode()
    for name in ("aliases", "spam_list", "spam_filter", "storage", "webmail_options"):
        assert f'id="panel-{name}"' in page, name
    assert "Adopted from Hostway" in page


def test_the_spam_control_panel_redirects_to_the_link_fetched_now(staff_client, hostway_domain):
    response = staff_client.post(f"/domains/{hostway_domain.pk}/spam-control-panel/")
    assert response.status_code == 302 and response["Location"].startswith("https://avas.hostway.example/sso")


def test_a_panel_the_vendor_does_not_offer_is_404(staff_client, hostway_domain):
    assert staff_client.get(f"/domains/{hostway_domain.pk}/panels/forwards/").status_code == 404


def test_every_panel_renders_without_error(staff_client, hostway_domain):
    mailbox = Mailbox.objects.get(local_part="test")
    for name in ("message_counts", "forwards", "autoresponder", "spam_list", "spam_filter", "webmail", "quota",
                 "secrets", "migration"):
        assert staff_client.get(f"/mailboxes/{mailbox.pk}/panels/{name}/").status_code == 200, name
    for name in ("aliases", "spam_list", "spam_filter", "storage", "webmail_options"):
        assert staff_client.get(f"/domains/{hostway_domain.pk}/panels/{name}/").status_code == 200, name
