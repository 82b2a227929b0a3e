"""Writes of the customers app: each a single transaction with its audit row and outbox rows.

Services validate again what the forms validated (a service is also called from the API, tasks and
commands), and turn a database race on a unique name into the same ``ValidationError`` a form
would show.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.views.decorators.debug import sensitive_variables

from customers.models import Customer, Domain, Mailbox
from customers.validators import normalise_domain_name
from panel.audit import audit_record
from provisioning.choices import Capability, OperationKind, TargetType
from provisioning.models import VendorAccount
from provisioning.services import operation_enqueue

CUSTOMER_FIELDS = ("name", "reference", "contact_name", "email", "phone", "status")


def _save_new(instance, *, unique_error: dict[str, str]):
    """Validate fields, then insert; a unique clash (or a race on one) becomes a field error, not a 500."""
    # Model constraints are left to the database so their clash lands on the right field below.
    instance.full_clean(validate_constraints=False, validate_unique=False)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationError(unique_error) from exc
    return instance


@transaction.atomic
def customer_create(
    *, name: str, reference: str, contact_name: str = "", email: str = "", phone: str = "", status: str = "active",
    acting_user,
) -> Customer:
    """Create a customer. No vendor change: vendor-side accounts follow with the first service."""
    customer = Customer(
        name=name.strip(), reference=reference.strip(), contact_name=contact_name.strip(), email=email.strip(),
        phone=phone.strip(), status=status,
    )
    _save_new(customer, unique_error={"reference": "A customer with this reference already exists."})
    audit_record(acting_user=acting_user, action="customer.create", target=customer, customer=customer,
                 summary=f"Created customer {customer.name} ({customer.reference})")
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, acting_user, **changes) -> Customer:
    """Change a customer's details; only the fields given change, and the audit row lists them."""
    unknown = set(changes) - set(CUSTOMER_FIELDS)
    if unknown:
        raise ValueError(f"not customer fields: {sorted(unknown)}")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    diff = {}
    for name, value in changes.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(customer, name) != value:
            diff[name] = [getattr(customer, name), value]
            setattr(customer, name, value)
    if not diff:
        return customer
    customer.full_clean()
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError as exc:
        raise ValidationError({"reference": "A customer with this reference already exists."}) from exc
    audit_record(acting_user=acting_user, action="customer.update", target=customer, customer=customer,
                 summary=f"Updated customer {customer.name}", changes=diff)
    return customer


@transaction.atomic
def domain_create(*, customer: Customer, vendor_account: VendorAccount, name: str, acting_user) -> Domain:
    """Add a domain for a customer on a vendor account, and queue its creation on the vendor."""
    if not vendor_account.is_active:
        raise ValidationError({"vendor_account": "This vendor account is disabled."})
    if not vendor_account.profile.can(Capability.DOMAINS):
        raise ValidationError({"vendor_account": f"{vendor_account.kind_label} does not host domains."})
    domain = Domain(customer=customer, vendor_account=vendor_account, name=normalise_domain_name(name))
    _save_new(domain, unique_error={"name": "A domain with this name already exists."})
    operation_enqueue(
        kind=OperationKind.DOMAIN_CREATE, target=domain, target_type=TargetType.DOMAIN,
        vendor_account=vendor_account, customer=customer, payload={"name": domain.name}, acting_user=acting_user,
    )
    audit_record(acting_user=acting_user, action="domain.create", target=domain, customer=customer,
                 summary=f"Added domain {domain.name} on {vendor_account.name}")
    return domain


@sensitive_variables("password")
@transaction.atomic
def mailbox_create(
    *, domain: Domain, local_part: str, password: str, first_name: str = "", last_name: str = "",
    edition: str = "", quota_mb: int | None = None, acting_user,
) -> Mailbox:
    """Add a mailbox under a domain and queue its creation; the password travels encrypted."""
    if not domain.vendor_account.profile.can(Capability.MAILBOXES):
        raise ValidationError({"local_part": f"{domain.vendor_account.kind_label} does not host mailboxes."})
    if not password:
        raise ValidationError({"password": "A mailbox needs a password."})
    mailbox = Mailbox(
        domain=domain, local_part=(local_part or "").strip().lower(), first_name=first_name.strip(),
        last_name=last_name.strip(), edition=edition.strip(), quota_mb=quota_mb,
    )
    _save_new(mailbox, unique_error={"local_part": "This domain already has a mailbox with this name."})
    operation_enqueue(
        kind=OperationKind.MAILBOX_CREATE, target=mailbox, target_type=TargetType.MAILBOX,
        vendor_account=domain.vendor_account, customer=domain.customer,
        payload={
            "domain": domain.name, "local_part": mailbox.local_part, "first_name": mailbox.first_name,
            "last_name": mailbox.last_name, "edition": mailbox.edition, "quota_mb": mailbox.quota_mb,
        },
        secret_payload={"password": password},
        acting_user=acting_user,
    )
    audit_record(acting_user=acting_user, action="mailbox.create", target=mailbox, customer=domain.customer,
                 summary=f"Added mailbox {mailbox.local_part}@{domain.name}")
    return mailbox
