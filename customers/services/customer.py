"""Customers: create and update (no vendor change: vendor-side accounts follow with the first service)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core import permissions
from core.audit import audit_record
from customers import access
from customers.models import Customer
from customers.services.common import save_new
from customers.validators import refuse_invisible

CUSTOMER_FIELDS = ("name", "reference", "contact_name", "email", "phone", "status", "vat_number", "address_line_1",
                   "address_line_2", "city", "province", "postal_code", "country")
# The status changes only through suspend, reactivate and close (customer_lifecycle), which tell the vendors.
DETAIL_FIELDS = tuple(f for f in CUSTOMER_FIELDS if f != "status")


@transaction.atomic
def customer_create(*, name: str, reference: str, acting_user, **details) -> Customer:
    """Create a customer. No vendor change: vendor-side accounts follow with the first service."""
    access.require(acting_user, permissions.CUSTOMERS_CHANGE)
    unknown = set(details) - set(CUSTOMER_FIELDS)
    if unknown:
        raise ValueError(f"not customer fields: {sorted(unknown)}")
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in details.items() if v is not None}
    customer = Customer(name=refuse_invisible(name), reference=refuse_invisible(reference), **clean)
    save_new(customer, unique_error={"reference": "A customer with this reference already exists."})
    audit_record(acting_user=acting_user, action="customer.create", target=customer, customer=customer,
                 summary=f"Created customer {customer.name} ({customer.reference})")
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, acting_user, **changes) -> Customer:
    """Change a customer's details; only the fields given change, and the audit row lists them. The status
    is not among them: suspending, reactivating and closing tell the vendors (customer_lifecycle)."""
    access.require(acting_user, permissions.CUSTOMERS_CHANGE, customer=customer)
    unknown = set(changes) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"not customer fields: {sorted(unknown)}")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    diff = {}
    for name, value in changes.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(customer, name) != value:
            diff[name] = [str(getattr(customer, name)), str(value)]
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
