"""Every object's life against the sandboxes, through the real task code: customers suspended, reactivated and
closed (each vendor's matching change queued), deletions that fail at the vendor left visibly failed, and the
operation page (cancel, retry, words)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from customers import services
from customers.models import Customer, Domain, Mailbox
from customers.services.customer_lifecycle import (
    customer_close,
    customer_lifecycle_preview,
    customer_reactivate,
    customer_suspend,
)
from provisioning.models import Operation
from tests.factories import CustomerFactory
from tests.vendors.conftest import account_for
from tests.vendors.test_rackspace import add_customer
from tests.vendors.test_synaq import ADDRESS, _mailbox, live_domain, vendor_domain
from tests.vendors.test_synaq import account as account  # noqa: F401,PLC0414 (fixtures)
from tests.vendors.test_synaq import catalog as catalog  # noqa: F401,PLC0414
from tests.vendors.test_synaq import customer as customer  # noqa: F401,PLC0414
from tests.vendors.test_synaq import domain as domain  # noqa: F401,PLC0414
from tests.vendors.test_synaq import synaq as synaq  # noqa: F401,PLC0414

pytestmark = pytest.mark.django_db


def _ops_ok():
    failed = list(Operation.objects.exclude(state="succeeded").values_list("kind", "state", "last_error"))
    assert not failed, failed


# ---- customers ---------------------------------------------------------------------------------
def test_suspending_a_customer_closes_its_synaq_domains_and_refuses_new_services(synaq, account, domain, staffer,
                                                                                 drain):
    customer = domain.customer
    operations = customer_suspend(customer=customer, reason="invoice 1042 unpaid", acting_user=staffer)
    assert [op.kind for op in operations] == ["domain.close"]
    drain()
    _ops_ok()
    domain.refresh_from_db()
    customer.refresh_from_db()
    assert domain.vendor_state == "closed" == synaq._domain_state(vendor_domain(synaq, domain))
    assert (customer.status, customer.status_reason) == ("suspended", "invoice 1042 unpaid")
    with pytest.raises(ValidationError, match="gets no new services"):
        services.mailbox_create(domain=domain, local_part="new", password="Secret-pass-123", last_name="N",
                                edition="SYN-CMS-BASIC-02", acting_user=staffer)


def test_a_suspension_needs_a_reason(domain, staffer):
    with pytest.raises(ValidationError):
        customer_suspend(customer=domain.customer, reason="  ", acting_user=staffer)


def test_reactivating_returns_only_what_the_suspension_closed(synaq, account, customer, catalog, staffer, drain):
    first, _ = live_domain(customer, account, catalog, staffer, drain)
    second = services.domain_create(customer=customer, vendor_account=account, name="second.example",
                                    package=first.package_links.get().package, catalog=catalog, acting_user=staffer)
    drain()
    services.domain_action(domain=second, name="provision", acting_user=staffer)
    drain()
    services.domain_action(domain=second, name="close", acting_user=staffer)  # closed by staff on its own
    drain()
    customer_suspend(customer=customer, reason="credit control", acting_user=staffer)
    drain()
    operations = customer_reactivate(customer=customer, acting_user=staffer)
    assert [(op.kind, op.target_id) for op in operations] == [("domain.activate", first.pk)]
    drain()
    _ops_ok()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.vendor_state, second.vendor_state) == ("active", "closed")
    assert Customer.objects.get(pk=customer.pk).status == "active"


def test_closing_needs_the_name_typed_and_closes_at_the_vendor(synaq, domain, staffer, drain):
    customer = domain.customer
    with pytest.raises(ValidationError):
        customer_close(customer=customer, confirm="acme", acting_user=staffer)
    customer_close(customer=customer, confirm="acme trading", reason="left us", acting_user=staffer)
    drain()
    domain.refresh_from_db()
    assert domain.vendor_state == "closed" and Customer.objects.get(pk=customer.pk).status == "closed"


def test_suspending_a_rackspace_customer_disables_its_account(sandbox, staffer, drain):
    rackspace = sandbox.vendor("rackspace")
    account = account_for(sandbox, "rackspace")
    customer = CustomerFactory(name="Harbour Books", reference="HARB-004")
    vendor_customer = add_customer(customer, account, staffer)
    drain()
    vendor_customer.refresh_from_db()
    customer_suspend(customer=customer, reason="unpaid", acting_user=staffer)
    drain()
    _ops_ok()
    assert rackspace.account_state[vendor_customer.vendor_id]["enabled"] is False


def test_the_preview_says_a_vendor_without_a_suspension_keeps_serving(sandbox, staffer, drain):
    account = account_for(sandbox, "greenview")
    customer = CustomerFactory(name="Karoo Solar", **ADDRESS)
    effects = customer_lifecycle_preview(customer=customer, event="suspend")
    assert effects == []
    from customers.models import VendorCustomer
    VendorCustomer.objects.create(customer=customer, vendor_account=account, title="Karoo Solar")
    (effect,) = customer_lifecycle_preview(customer=customer, event="suspend")
    assert not effect.declared


def test_the_close_page_says_what_stops_and_refuses_a_wrong_name(staff_client, domain):
    url = reverse("customers:customer_lifecycle", args=[domain.customer_id, "close"])
    page = staff_client.get(url).content.decode()
    assert "Close domain on 1 domain" in page and "Mail for the domain stops flowing" in page
    answer = staff_client.post(url, {"confirm": "nope"})
    assert answer.status_code == 200 and "exactly to confirm" in answer.content.decode()
    assert Customer.objects.get(pk=domain.customer_id).status == "active"


# ---- deletions ---------------------------------------------------------------------------------
def test_a_mailbox_whose_delete_fails_at_the_vendor_stays_visibly_deletion_failed(synaq, domain, staffer, drain,
                                                                                  staff_client):
    mailbox = _mailbox(domain, staffer, drain)
    synaq.faults.add(kind="action_error", action="Delete", next=1)
    services.mailbox_delete(mailbox=mailbox, confirm=mailbox.address, acting_user=staffer)
    drain()
    assert Mailbox.objects.filter(pk=mailbox.pk).exists() and mailbox.vendor_id in synaq.mailboxes
    page = staff_client.get(reverse("customers:mailbox_detail", args=[mailbox.pk])).content.decode()
    assert "Deletion failed" in page and "Retry the deletion" in page
    # Retried from the page: the vendor deletes it now, and only then does the row go.
    delete = Operation.objects.get(kind="mailbox.delete")
    staff_client.post(reverse("provisioning:operation_retry", args=[delete.pk]))
    drain()
    assert not Mailbox.objects.filter(pk=mailbox.pk).exists() and mailbox.vendor_id not in synaq.mailboxes


def test_a_failed_domain_delete_can_be_withdrawn_and_the_domain_kept(synaq, domain, staffer, drain, staff_client):
    synaq.faults.add(kind="action_error", action="Delete", next=1)
    services.domain_delete(domain=domain, confirm=domain.name, acting_user=staffer)
    drain()
    assert "Deletion failed" in staff_client.get(reverse("customers:domain_detail", args=[domain.pk])).content.decode()
    staff_client.post(reverse("customers:domain_keep", args=[domain.pk]))
    assert Domain.objects.get(pk=domain.pk).requested_state == "active"


# ---- operations --------------------------------------------------------------------------------
def test_the_operation_page_reads_as_words(synaq, domain, staffer, drain, staff_client):
    mailbox = _mailbox(domain, staffer, drain)
    create = Operation.objects.get(kind="mailbox.create")
    page = staff_client.get(reverse("provisioning:operation_detail", args=[create.pk])).content.decode()
    assert mailbox.address in page and reverse("customers:domain_detail", args=[domain.pk]) in page
    assert "Mailbox name:</span> jo" in page and "sent encrypted" in page
    assert "What was sent" in page and "What the vendor answered" in page
    assert "Nothing: the vendor confirmed the change." in page
    assert "{&#x27;" not in page and "Secret-pass-123" not in page


def test_a_pending_operation_is_cancelled_from_its_page_with_who_and_why(account, customer, catalog, staffer,
                                                                         staff_client, staff):
    domain = services.domain_create(customer=customer, vendor_account=account, name="later.example",
                                    acting_user=staffer)
    create = Operation.objects.get(kind="domain.create", target_id=domain.pk)
    staff_client.post(reverse("provisioning:operation_cancel", args=[create.pk]), {"reason": "customer changed mind"})
    create.refresh_from_db()
    assert (create.state, create.cancelled_by, create.cancel_reason) == ("cancelled", staff, "customer changed mind")
    page = staff_client.get(reverse("provisioning:operation_detail", args=[create.pk])).content.decode()
    assert "customer changed mind" in page and "staffer" in page
