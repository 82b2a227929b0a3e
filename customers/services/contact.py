"""Contacts of a vendor-side account (Rackspace): add, edit, delete. The vendor's rule that an account
keeps at least one billing contact is explained here, before the vendor would refuse."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from core import permissions
from core.audit import audit_record
from customers import access
from customers.choices import RequestedState
from customers.models import Contact, VendorCustomer
from provisioning import selectors as provisioning_selectors
from provisioning import services as provisioning
from provisioning.kinds.contact import ContactCreate, ContactDelete, ContactUpdate
from provisioning.models import Operation

CONTACT_FIELDS = ("name", "email", "phone", "security_question", "receives_alerts", "receives_billing",
                  "receives_updates")
LAST_BILLING = ("Rackspace requires every account to keep at least one billing contact (and at least one "
                "contact): make another contact a billing contact first.")


def _others(contact: Contact):
    return Contact.objects.filter(vendor_customer_id=contact.vendor_customer_id).exclude(pk=contact.pk).exclude(
        requested_state=RequestedState.DELETED)


def _check(values: dict) -> None:
    errors = {}
    for name, message in (("name", "Contact name cannot be empty."), ("phone", "Phone cannot be empty."),
                          ("security_question", "Security question cannot be empty.")):
        if name in values and not str(values[name] or "").strip():
            errors[name] = message
    if "email" in values and "@" not in str(values["email"] or ""):
        errors["email"] = "Please enter a valid email address."
    if errors:
        raise ValidationError(errors)


@sensitive_variables("security_answer")
@transaction.atomic
def contact_create(*, vendor_customer: VendorCustomer, security_answer: str, acting_user, **values) -> Contact:
    """Add a contact; the security answer travels to the vendor encrypted and is never kept here."""
    access.require(acting_user, permissions.CONTACTS_CHANGE, customer=vendor_customer.customer)
    account = VendorCustomer.objects.select_for_update().select_related("customer", "vendor_account").get(
        pk=vendor_customer.pk)
    if account.is_deleted:
        raise ValidationError("The account is being deleted.")
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if k in CONTACT_FIELDS}
    _check({**dict.fromkeys(("name", "email", "phone", "security_question"), ""), **values})
    if not (security_answer or "").strip():
        raise ValidationError({"security_answer": "Security answer cannot be empty."})
    contact = Contact(vendor_customer=account, **values)
    contact.full_clean(exclude=["vendor_customer"])
    contact.save()
    provisioning.operation_enqueue(
        payload=ContactCreate(contact_id=contact.pk, vendor_customer_id=account.pk),
        secrets={"security_answer": security_answer.strip()}, vendor_account=account.vendor_account,
        customer=account.customer, acting_user=acting_user,
        # Only the account's creation must come first (an enable waiting out its 5 minutes need not hold it up).
        after=[op for op in provisioning_selectors.open_operations(target_type="vendor_customer", target_id=account.pk)
               if op.kind == "vendor_customer.create"],
        summary=f"Add contact {contact.name} to {account.customer.name}'s {account.vendor_account.kind_label} account")
    audit_record(acting_user=acting_user, action="contact.create", target=contact, customer=account.customer,
                 summary=f"Added contact {contact.name}")
    return contact


@sensitive_variables("security_answer")
@transaction.atomic
def contact_update(*, contact: Contact, security_answer: str = "", acting_user, **values) -> Contact:
    """Change a contact; clearing billing on the account's last billing contact is refused with the reason."""
    access.require(acting_user, permissions.CONTACTS_CHANGE, customer=contact.vendor_customer.customer)
    contact = Contact.objects.select_for_update().select_related("vendor_customer__customer",
                                                                 "vendor_customer__vendor_account").get(pk=contact.pk)
    if contact.requested_state == RequestedState.DELETED:
        raise ValidationError("The contact is being deleted.")
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if k in CONTACT_FIELDS}
    _check(values)
    if contact.receives_billing and values.get("receives_billing") is False and \
            not _others(contact).filter(receives_billing=True).exists():
        raise ValidationError({"receives_billing": LAST_BILLING})
    diff = {k: [getattr(contact, k), v] for k, v in values.items() if getattr(contact, k) != v}
    answer = (security_answer or "").strip()
    if not diff and not answer:
        raise ValidationError("Nothing changed.")
    for name, (_, value) in diff.items():
        setattr(contact, name, value)
    contact.full_clean(exclude=["vendor_customer"])
    contact.save()
    account = contact.vendor_customer
    provisioning.operation_enqueue(
        payload=ContactUpdate(contact_id=contact.pk, vendor_customer_id=account.pk, new_answer=bool(answer)),
        secrets={"security_answer": answer} if answer else None, vendor_account=account.vendor_account,
        customer=account.customer, acting_user=acting_user, summary=f"Update contact {contact.name}")
    audit_record(acting_user=acting_user, action="contact.update", target=contact, customer=account.customer,
                 summary=f"Updated contact {contact.name}",
                 changes={k: [str(a), str(b)] for k, (a, b) in diff.items()} | ({"security_answer": ["•", "•"]}
                                                                                 if answer else {}))
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, acting_user) -> Operation:
    """Remove a contact, unless it is the account's last contact or last billing contact."""
    access.require(acting_user, permissions.CONTACTS_CHANGE, customer=contact.vendor_customer.customer)
    contact = Contact.objects.select_for_update().select_related("vendor_customer__customer",
                                                                 "vendor_customer__vendor_account").get(pk=contact.pk)
    others = _others(contact)
    if not others.exists() or (contact.receives_billing and not others.filter(receives_billing=True).exists()):
        raise ValidationError(LAST_BILLING)
    contact.requested_state = RequestedState.DELETED
    contact.save(update_fields=["requested_state", "updated_at"])
    account = contact.vendor_customer
    operation = provisioning.operation_enqueue(
        payload=ContactDelete(contact_id=contact.pk, vendor_customer_id=account.pk),
        vendor_account=account.vendor_account, customer=account.customer, acting_user=acting_user,
        summary=f"Remove contact {contact.name}")
    audit_record(acting_user=acting_user, action="contact.delete", target=contact, customer=account.customer,
                 summary=f"Asked to remove contact {contact.name}")
    return operation
