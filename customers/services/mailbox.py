"""Mailboxes: add, change details, password and edition, the vendor's actions, delete."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from core import permissions
from core.audit import audit_record
from customers import access
from customers.choices import RequestedState
from customers.models import Domain, Mailbox, Package
from customers.services.common import request_action, require_customer_active, save_new
from customers.services.mail_settings import check_password
from customers.validators import refuse_invisible
from provisioning import selectors as provisioning_selectors
from provisioning import services as provisioning
from provisioning.choices import Capability
from provisioning.kinds.mailbox import (
    MailboxChangeEdition,
    MailboxCreate,
    MailboxDelete,
    MailboxSetPassword,
    MailboxUpdate,
)
from provisioning.models import Operation

DETAIL_FIELDS = ("first_name", "last_name")


def mailbox_package(domain: Domain, edition: str = "") -> Package | None:
    """The domain's linked package whose editions mailboxes take (the one offering ``edition``)."""
    packages = [link.package for link in domain.package_links.select_related("package") if link.package.has_mailboxes]
    if edition:
        return next((p for p in packages if edition in p.editions), None)
    return packages[0] if packages else None


@sensitive_variables("password")
@transaction.atomic
def mailbox_create(
    *, domain: Domain, local_part: str, password: str, first_name: str = "", last_name: str = "",
    edition: str = "", quota_mb: int | None = None, provision_now: bool = True, acting_user,
) -> Mailbox:
    """Add a mailbox under a domain and queue its creation; the password travels encrypted."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=domain.customer)
    vendor = domain.vendor_account.profile
    if not vendor.can(Capability.MAILBOXES):
        raise ValidationError({"local_part": f"{vendor.label} does not host mailboxes."})
    require_customer_active(domain.customer, field="local_part")
    if domain.requested_state == RequestedState.DELETED:
        raise ValidationError({"local_part": f"{domain.name} is being deleted."})
    if not password:
        raise ValidationError({"password": "A mailbox needs a password."})
    check_password(domain, (local_part or "").strip().lower(), password, exchange=edition.startswith("exchange:"))
    package = None
    if vendor.can(Capability.PACKAGES):
        package = mailbox_package(domain, edition.strip())
        if package is None:
            raise ValidationError({"edition": f"{domain.name} has no package with mailboxes"
                                              + (f" offering {edition}" if edition else "") + ": link one first."})
    mailbox = Mailbox(
        domain=domain, local_part=refuse_invisible(local_part or "").lower(), first_name=first_name.strip(),
        last_name=last_name.strip(), edition=edition.strip(), quota_mb=quota_mb, package=package,
    )
    save_new(mailbox, unique_error={"local_part": "This domain already has a mailbox with this name."})
    provisioning.operation_enqueue(
        payload=MailboxCreate(mailbox_id=mailbox.pk, domain_id=domain.pk, local_part=mailbox.local_part,
                              first_name=mailbox.first_name, last_name=mailbox.last_name, edition=mailbox.edition,
                              quota_mb=mailbox.quota_mb, provision_now=provision_now),
        secrets={"password": password}, vendor_account=domain.vendor_account, customer=domain.customer,
        after=provisioning_selectors.open_operations(target_type="domain", target_id=domain.pk),
        acting_user=acting_user, summary=f"Create {mailbox.local_part}@{domain.name}",
    )
    audit_record(acting_user=acting_user, action="mailbox.create", target=mailbox, customer=domain.customer,
                 summary=f"Added mailbox {mailbox.local_part}@{domain.name}")
    return mailbox


@transaction.atomic
def mailbox_update(*, mailbox: Mailbox, acting_user, **changes) -> Mailbox:
    """Change a mailbox's names; the vendor is told only of what changed."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=mailbox.domain.customer)
    unknown = set(changes) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"not mailbox details: {sorted(unknown)}")
    mailbox = Mailbox.objects.select_for_update(of=("self",)).select_related("domain").get(pk=mailbox.pk)
    diff = {k: v.strip() for k, v in changes.items() if getattr(mailbox, k) != v.strip()}
    if not diff:
        raise ValidationError("Nothing changed.")
    before = {k: getattr(mailbox, k) for k in diff}
    for name, value in diff.items():
        setattr(mailbox, name, value)
    mailbox.full_clean(validate_unique=False, validate_constraints=False)
    mailbox.save(update_fields=[*diff, "updated_at"])
    provisioning.operation_enqueue(
        payload=MailboxUpdate(mailbox_id=mailbox.pk, changes=diff), vendor_account=mailbox.domain.vendor_account,
        customer=mailbox.domain.customer, acting_user=acting_user, summary=f"Update {mailbox.address}",
    )
    audit_record(acting_user=acting_user, action="mailbox.update", target=mailbox, customer=mailbox.domain.customer,
                 summary=f"Updated {mailbox.address}", changes={k: [before[k], v] for k, v in diff.items()})
    return mailbox


@sensitive_variables("password")
@transaction.atomic
def mailbox_set_password(*, mailbox: Mailbox, password: str, acting_user) -> Operation:
    """Change the mailbox's password at the vendor; it travels encrypted and is wiped when done."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=mailbox.domain.customer)
    if not password:
        raise ValidationError({"password": "Enter the new password."})
    check_password(mailbox.domain, mailbox.local_part, password,
                   exchange=(mailbox.vendor_attrs or {}).get("kind") == "exchange")
    operation = provisioning.operation_enqueue(
        payload=MailboxSetPassword(mailbox_id=mailbox.pk), secrets={"password": password},
        vendor_account=mailbox.domain.vendor_account, customer=mailbox.domain.customer, acting_user=acting_user,
        summary=f"Change the password of {mailbox.address}",
    )
    audit_record(acting_user=acting_user, action="mailbox.set_password", target=mailbox,
                 customer=mailbox.domain.customer, summary=f"Changed the password of {mailbox.address}")
    return operation


@transaction.atomic
def mailbox_change_edition(*, mailbox: Mailbox, edition: str, acting_user) -> Mailbox:
    """Move the mailbox to another edition of its domain's packages (its class of service)."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=mailbox.domain.customer)
    mailbox = Mailbox.objects.select_for_update(of=("self",)).select_related("domain").get(pk=mailbox.pk)
    edition = edition.strip()
    package = mailbox_package(mailbox.domain, edition)
    if package is None:
        raise ValidationError({"edition": f"No package of {mailbox.domain.name} offers {edition}."})
    if edition == mailbox.edition:
        raise ValidationError({"edition": "The mailbox has this edition already."})
    before = mailbox.edition
    mailbox.edition, mailbox.package = edition, package
    mailbox.save(update_fields=["edition", "package", "updated_at"])
    provisioning.operation_enqueue(
        payload=MailboxChangeEdition(mailbox_id=mailbox.pk, package_id=package.pk, edition=edition),
        vendor_account=mailbox.domain.vendor_account, customer=mailbox.domain.customer, acting_user=acting_user,
        summary=f"Change the edition of {mailbox.address} to {edition}",
    )
    audit_record(acting_user=acting_user, action="mailbox.change_edition", target=mailbox,
                 customer=mailbox.domain.customer, summary=f"Changed the edition of {mailbox.address}",
                 changes={"edition": [before, edition]})
    return mailbox


@transaction.atomic
def mailbox_action(*, mailbox: Mailbox, name: str, acting_user) -> Operation:
    """Provision, suspend, close, reactivate or unlock, as the mailbox's vendor offers."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=mailbox.domain.customer)
    locked = (Mailbox.objects.select_for_update(of=("self",))
              .select_related("domain__vendor_account", "domain__customer").get(pk=mailbox.pk))
    return request_action(obj=locked, target="mailbox", name=name, acting_user=acting_user)


@transaction.atomic
def mailbox_delete(*, mailbox: Mailbox, confirm: str, acting_user) -> Operation:
    """Delete the mailbox and its mail at the vendor; the row goes once the vendor confirms."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=mailbox.domain.customer)
    mailbox = Mailbox.objects.select_for_update(of=("self",)).select_related("domain").get(pk=mailbox.pk)
    if confirm.strip().lower() != mailbox.address:
        raise ValidationError({"confirm": f"Type {mailbox.address} to confirm."})
    if mailbox.requested_state == RequestedState.DELETED and provisioning_selectors.has_open_operations(
            target_type="mailbox", target_id=mailbox.pk):
        raise ValidationError(f"{mailbox.address} is already being deleted.")
    mailbox.requested_state = RequestedState.DELETED
    mailbox.save(update_fields=["requested_state", "updated_at"])
    operation = provisioning.operation_enqueue(
        payload=MailboxDelete(mailbox_id=mailbox.pk), vendor_account=mailbox.domain.vendor_account,
        customer=mailbox.domain.customer, acting_user=acting_user, summary=f"Delete {mailbox.address}",
    )
    audit_record(acting_user=acting_user, action="mailbox.delete", target=mailbox, customer=mailbox.domain.customer,
                 summary=f"Asked to delete {mailbox.address} and its mail")
    return operation
