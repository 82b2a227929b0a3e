"""``make run``'s demo data: on a fresh database the Greenview demo customer becomes a live client with its
domain at the sandbox, and the Rackspace one a live customer there, each once."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from customers.models import Domain, VendorCustomer
from tests.vendors.conftest import Drain

pytestmark = pytest.mark.django_db


def test_demo_customers_go_live_at_greenview_and_rackspace_once(sandbox, settings, tmp_path):
    drain = Drain()
    settings.SANDBOX_URL = sandbox.url
    settings.VAR_DIR = tmp_path
    sandbox.vendor("greenview").delays.update(domain_ready=0)
    sandbox.vendor("synaq").delays.update(action=0, archive_action=0)
    call_command("demo_data")
    call_command("demo_data")  # idempotent: adds nothing
    drain()
    greenview, rackspace = sandbox.vendor("greenview"), sandbox.vendor("rackspace")
    karoo = [c for c in greenview.clients.values() if c["name"] == "Karoo Solar"]
    assert len(karoo) == 1 and karoo[0]["domains"] == ["karoosolar.example"]
    assert Domain.objects.get(name="karoosolar.example").vendor_state == "ready"
    sea_point = [a for a, c in rackspace.customers.items() if c["referenceNumber"] == "SEAP-005"]
    assert len(sea_point) == 1
    account = VendorCustomer.objects.get(reference="SEAP-005")
    assert (account.vendor_id, account.vendor_state) == (sea_point[0], "active")


def test_the_demo_has_a_portal_owner_for_its_first_customer(sandbox, settings, tmp_path):
    from customers.models import Membership

    settings.SANDBOX_URL = sandbox.url
    settings.VAR_DIR = tmp_path
    call_command("demo_data")
    call_command("demo_data")
    membership = Membership.objects.get(user__username="thandi")
    assert membership.role == "owner" and membership.customer.reference == "ACME-001"


def test_demo_domains_on_hostway_and_basekit_are_adopted_and_their_mailboxes_go_live_once(sandbox, settings,
                                                                                          tmp_path):
    from customers.models import Mailbox
    from customers.services import imports
    from provisioning.models import ImportJob

    drain = Drain()
    settings.SANDBOX_URL = sandbox.url
    settings.VAR_DIR = tmp_path
    sandbox.vendor("greenview").delays.update(domain_ready=0)
    sandbox.vendor("synaq").delays.update(action=0, archive_action=0)
    sandbox.vendor("basekit").delays.update(mailbox_active=0)
    call_command("demo_data")
    call_command("demo_data")
    for job in ImportJob.objects.all():  # the worker's import, as beat's sweep would send it
        imports.import_run(job_id=job.pk)
    drain()
    hostway, basekit = sandbox.vendor("hostway"), sandbox.vendor("basekit")
    assert "bookings" in hostway.domains["test.com"]["mailboxes"]
    assert Mailbox.objects.get(local_part="bookings").vendor_state == "active"
    assert Mailbox.objects.filter(domain__name="test.com").count() == 7  # six imported, one new
    assert list(basekit.domains[1]["mailboxes"]) == ["john", "sam"]
    assert Mailbox.objects.get(local_part="sam", domain__name="johnsmith.co.uk").vendor_state == "active"
    assert Domain.objects.get(name="johnsmith.co.uk").vendor_customer.vendor_id == "500001"
