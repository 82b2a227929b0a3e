"""The customer's own account at a vendor, opened on first use."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.audit import audit_record
from customers.models import Customer, VendorCustomer
from provisioning import selectors as provisioning_selectors
from provisioning import services as provisioning
from provisioning.choices import Capability
from provisioning.kinds.account import VendorCustomerCreate, VendorCustomerDelete
from provisioning.models import Operation, VendorAccount


def vendor_customer_ensure(*, customer: Customer, vendor_account: VendorAccount,
                           acting_user) -> tuple[VendorCustomer, list[Operation]]:
    """The customer's account at the vendor, queued for creation if it has none yet.

    Returns the row and the operations still open on it, which a new change there must wait for.
    Call inside the caller's transaction.
    """
    vendor = vendor_account.profile
    if not vendor.can(Capability.CUSTOMER_ACCOUNTS):
        raise ValueError(f"{vendor.label} keeps no customer accounts")
    existing = VendorCustomer.objects.select_for_update().filter(customer=customer,
                                                                  vendor_account=vendor_account).first()
    if existing is not None:
        return existing, provisioning_selectors.open_operations(target_type="vendor_customer", target_id=existing.pk)
    if "address" in vendor.account_requires and not customer.has_postal_address:
        raise ValidationError(
            f"{vendor.label} needs the customer's postal address (address, city, postal code and country) to open "
            f"its account there. Add it to {customer.name}'s details first.")
    try:
        with transaction.atomic():
            account = VendorCustomer.objects.create(customer=customer, vendor_account=vendor_account,
                                                    title=customer.name[:200])
    except IntegrityError:  # another request opened it a moment ago
        account = VendorCustomer.objects.get(customer=customer, vendor_account=vendor_account)
        return account, provisioning_selectors.open_operations(target_type="vendor_customer", target_id=account.pk)
    operation = provisioning.operation_enqueue(
        payload=VendorCustomerCreate(vendor_customer_id=account.pk, title=customer.name, reference=customer.reference,
                                     phone=customer.phone, vat_number=customer.vat_number,
                                     address=customer.postal_address()),
        vendor_account=vendor_account, customer=customer, acting_user=acting_user,
        summary=f"Open {customer.name}'s account at {vendor.label}",
    )
    audit_record(acting_user=acting_user, action="vendor_customer.create", target=account, customer=customer,
                 summary=f"Queued {customer.name}'s account at {vendor_account.name}")
    return account, [operation]


@transaction.atomic
def vendor_customer_delete(*, vendor_customer: VendorCustomer, confirm: str, acting_user) -> Operation:
    """Delete the customer's account at the vendor (a SYNAQ organisation), once nothing of the
    customer's is left on that vendor account."""
    account = VendorCustomer.objects.select_for_update().get(pk=vendor_customer.pk)
    customer = account.customer
    if confirm.strip() != customer.reference:
        raise ValidationError({"confirm": f"Type {customer.reference} to confirm."})
    left = (customer.packages.filter(vendor_account=account.vendor_account).count()
            + customer.domains.filter(vendor_account=account.vendor_account).count())
    if left:
        raise ValidationError(f"{customer.name} still has {left} package(s) or domain(s) on "
                              f"{account.vendor_account.name}: delete them first.")
    operation = provisioning.operation_enqueue(
        payload=VendorCustomerDelete(vendor_customer_id=account.pk), vendor_account=account.vendor_account,
        customer=customer, acting_user=acting_user,
        after=provisioning_selectors.open_operations(target_type="vendor_customer", target_id=account.pk),
        summary=f"Delete {customer.name}'s account at {account.vendor_account.profile.label}",
    )
    audit_record(acting_user=acting_user, action="vendor_customer.delete", target=account, customer=customer,
                 summary=f"Asked to delete {customer.name}'s account at {account.vendor_account.name}")
    return operation
