"""Kinds on a contact of a customer's vendor-side account (Rackspace company contacts)."""

from __future__ import annotations

from dataclasses import dataclass

from provisioning.kinds.base import Payload


@dataclass(frozen=True)
class ContactCreate(Payload):
    """Add the contact at the vendor. Its details are read from the local row when the step runs; the
    security answer travels as a secret."""

    kind = "contact.create"
    label = "Add contact"
    target_type = "contact"
    secrets = ("security_answer",)

    contact_id: int
    vendor_customer_id: int


@dataclass(frozen=True)
class ContactUpdate(Payload):
    """Send the contact's details (and a new security answer, if one was given) to the vendor."""

    kind = "contact.update"
    label = "Update contact"
    target_type = "contact"

    contact_id: int
    vendor_customer_id: int
    new_answer: bool = False


@dataclass(frozen=True)
class ContactDelete(Payload):
    kind = "contact.delete"
    label = "Delete contact"
    target_type = "contact"

    contact_id: int
    vendor_customer_id: int


ALL = (ContactCreate, ContactUpdate, ContactDelete)
