"""customers.services: each change writes its rows, its Operation and its audit row together."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from core.models import AuditEvent
from customers import services
from customers.models import Customer, Domain, Mailbox
from provisioning.choices import OperationState
from provisioning.models import Operation
from tests.factories import CustomerFactory, DomainFactory, VendorAccountFactory

pytestmark = pytest.mark.django_db


def test_customer_create_writes_customer_and_audit_row(staff):
    customer = services.customer_create(name="Acme", reference="ACME-1", acting_user=staff)
    event = AuditEvent.objects.get(action="customer.create")
    assert event.target_id == customer.pk and event.actor == staff and event.customer == customer


def test_customer_create_queues_no_vendor_operation(staff):
    services.customer_create(name="Acme", reference="ACME-1", acting_user=staff)
    assert Operation.objects.count() == 0


def test_customer_create_with_duplicate_reference_is_a_validation_error(staff):
    CustomerFactory(reference="ACME-1")
    with pytest.raises(ValidationError) as excinfo:
        services.customer_create(name="Other", reference="ACME-1", acting_user=staff)
    assert "reference" in excinfo.value.message_dict
    assert Customer.objects.count() == 1


def test_customer_update_audits_only_changed_fields(staff):
    customer = CustomerFactory(name="Old name")
    services.customer_update(customer=customer, name="New name", phone="", acting_user=staff)
    event = AuditEvent.objects.get(action="customer.update")
    assert event.changes == {"name": ["Old name", "New name"]}


def test_domain_create_writes_domain_and_one_create_operation(staff):
    customer = CustomerFactory(address_line_1="1 Main Road", city="Cape Town", postal_code="8001", country="ZA")
    account = VendorAccountFactory(kind="synaq")  # a vendor that creates domains (BaseKit adopts them)
    domain = services.domain_create(customer=customer, vendor_account=account, name="Example.CO.ZA",
                                    acting_user=staff)
    assert domain.name == "example.co.za"
    operation = Operation.objects.get(kind="domain.create")
    assert (operation.kind, operation.target_type, operation.target_id) == (
        "domain.create", "domain", domain.pk)
    assert operation.state == OperationState.PENDING and operation.requested_by == staff


def test_domain_create_rolls_back_domain_and_operation_when_a_later_step_fails(staff, monkeypatch):
    customer = CustomerFactory(address_line_1="1 Main Road", city="Cape Town", postal_code="8001", country="ZA")
    account = VendorAccountFactory(kind="synaq")  # a vendor that creates domains (BaseKit adopts them)

    def broken_audit(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr("customers.services.domain.audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        services.domain_create(customer=customer, vendor_account=account, name="example.com", acting_user=staff)
    assert not Domain.objects.exists()
    assert not Operation.objects.exists()


def test_mailbox_create_rolls_back_mailbox_and_operation_when_a_later_step_fails(staff, monkeypatch):
    domain = DomainFactory()
    monkeypatch.setattr("customers.services.mailbox.audit_record",
                        lambda **kw: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        services.mailbox_create(domain=domain, local_part="jo", password="a-long-password-1", acting_user=staff)
    assert not Mailbox.objects.exists()
    assert not Operation.objects.exists()


def test_domain_create_rejects_an_invalid_name_and_writes_nothing(staff):
    with pytest.raises(ValidationError):
        services.domain_create(customer=CustomerFactory(), vendor_account=VendorAccountFactory(),
                               name="not a domain", acting_user=staff)
    assert not Domain.objects.exists() and not Operation.objects.exists()


def test_domain_create_on_a_vendor_without_domains_is_refused(staff):
    account = VendorAccountFactory(kind="rackspace", name="Rackspace")
    with pytest.raises(ValidationError) as excinfo:
        services.domain_create(customer=CustomerFactory(), vendor_account=account, name="example.com",
                               acting_user=staff)
    assert "vendor_account" in excinfo.value.message_dict


def test_mailbox_create_queues_operation_with_password_encrypted(staff):
    domain = DomainFactory()
    mailbox = services.mailbox_create(domain=domain, local_part="Jane.Smith", password="a-long-password-1",
                                      first_name="Jane", acting_user=staff)
    operation = Operation.objects.get(target_type="mailbox", target_id=mailbox.pk)
    assert mailbox.local_part == "jane.smith"
    assert operation.secret_payload == {"password": "a-long-password-1"}
    assert "password" not in operation.payload


def test_mailbox_create_duplicate_local_part_is_a_validation_error(staff):
    domain = DomainFactory()
    services.mailbox_create(domain=domain, local_part="jo", password="a-long-password-1", acting_user=staff)
    with pytest.raises(ValidationError) as excinfo:
        services.mailbox_create(domain=domain, local_part="JO", password="a-long-password-1", acting_user=staff)
    assert "local_part" in excinfo.value.message_dict
    assert Mailbox.objects.count() == 1 and Operation.objects.count() == 1


def test_mailbox_create_on_a_vendor_without_mailboxes_is_refused(staff):
    domain = DomainFactory(vendor_account=VendorAccountFactory(kind="greenview", name="Greenview"))
    with pytest.raises(ValidationError):
        services.mailbox_create(domain=domain, local_part="jo", password="a-long-password-1", acting_user=staff)
    assert not Mailbox.objects.exists()
