"""The permission table enforced in the services: whoever calls them (console, portal, API, command)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from core.models import AuditEvent
from customers import services
from provisioning.models import Operation
from tests.factories import CustomerFactory, MailboxFactory, MembershipFactory, StaffFactory, queue_operation

pytestmark = pytest.mark.django_db


def _nothing_written():
    return AuditEvent.objects.count() == 0 and Operation.objects.count() == 0


def test_a_billing_staff_member_cannot_change_a_mailbox_password():
    mailbox = MailboxFactory()
    with pytest.raises(PermissionDenied):
        services.mailbox_set_password(mailbox=mailbox, password="A-long-password-9", acting_user=StaffFactory(
            staff_role="billing"))
    assert _nothing_written()


def test_a_staff_user_with_no_role_can_do_nothing():
    with pytest.raises(PermissionDenied):
        services.customer_create(name="Acme", reference="ACME-1", acting_user=StaffFactory(staff_role=""))
    assert _nothing_written()


def test_no_one_acts_without_a_user():
    with pytest.raises(PermissionDenied):
        services.customer_create(name="Acme", reference="ACME-1", acting_user=None)


def test_a_customer_viewer_cannot_change_their_own_mailbox():
    mailbox = MailboxFactory()
    viewer = MembershipFactory(customer=mailbox.domain.customer, role="viewer").user
    with pytest.raises(PermissionDenied):
        services.mailbox_update(mailbox=mailbox, first_name="New", acting_user=viewer)
    assert _nothing_written()


def test_a_customer_admin_changes_their_own_mailbox():
    mailbox = MailboxFactory()
    admin = MembershipFactory(customer=mailbox.domain.customer, role="admin").user
    services.mailbox_update(mailbox=mailbox, first_name="New", acting_user=admin)
    assert AuditEvent.objects.get().actor == admin


def test_an_owner_of_another_customer_cannot_change_this_customers_mailbox():
    mailbox = MailboxFactory()
    stranger = MembershipFactory(customer=CustomerFactory(), role="owner").user
    with pytest.raises(PermissionDenied):
        services.mailbox_update(mailbox=mailbox, first_name="New", acting_user=stranger)
    assert _nothing_written()


def test_customers_users_cannot_retry_or_cancel_operations():
    from provisioning import services as engine

    mailbox = MailboxFactory()
    operation = queue_operation(mailbox, "mailbox.create")
    owner = MembershipFactory(customer=mailbox.domain.customer, role="owner").user
    with pytest.raises(PermissionDenied):
        engine.operation_cancel(operation=operation, reason="no", acting_user=owner)
    operation.refresh_from_db()
    assert operation.state == "pending"


def test_a_customers_users_may_not_edit_the_resellers_customer_record():
    customer = CustomerFactory()
    owner = MembershipFactory(customer=customer, role="owner").user
    with pytest.raises(PermissionDenied):
        services.customer_update(customer=customer, name="Mine now", acting_user=owner)
    customer.refresh_from_db()
    assert customer.name != "Mine now"
