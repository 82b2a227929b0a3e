"""Adopting one domain a vendor already holds (Hostway, BaseKit): looked up while staff wait, the local row made
from the vendor's answer, its mailboxes brought by a one-row import job (``customers.services.imports``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from core.audit import audit_record
from customers.choices import RequestedState
from customers.models import Customer, Domain, VendorCustomer
from customers.services.imports import RUN_TASK, _dispatch, _import_domain, _propose_row, importer_for
from provisioning.adapters.base import VendorError
from provisioning.choices import ImportState
from provisioning.models import ImportJob, VendorAccount


def domain_adopt(*, customer: Customer, vendor_account: VendorAccount, name: str, owner: str = "", acting_user
                 ) -> Domain:
    """Look the domain up at the vendor while staff wait; adopt it into the customer with its mailboxes.

    The domain row is made at once from the vendor's answer; its mailboxes come with an import job (one row,
    confirmed now). A domain the vendor does not hold is refused on the name, with the vendor's reason.
    """
    importer, ctx = importer_for(vendor_account)
    if importer.adopt_needs_owner and not owner:
        holder = VendorCustomer.objects.filter(customer=customer, vendor_account=vendor_account).exclude(
            requested_state=RequestedState.DELETED).exclude(vendor_id="").first()
        if holder is None:
            raise ValidationError({"owner": f"Give the {importer.owner_label} that holds {name} at "
                                            f"{vendor_account.kind_label}."})
        owner = holder.vendor_id
    try:
        found = importer.domains(ctx, importer.adopt_entry(name, owner))
    except VendorError as error:
        if error.retryable:
            raise ValidationError({"name": f"{vendor_account.kind_label} could not be asked just now: "
                                           f"{error.message} Try again in a moment."}) from None
        raise ValidationError({"name": error.message}) from None
    found = [d for d in found if d.name == name] or found[:1]
    if not found:
        raise ValidationError({"name": f"{vendor_account.kind_label} holds no domain {name}."})
    with transaction.atomic():
        job = ImportJob.objects.create(vendor_account=vendor_account, scope=[importer.adopt_entry(name, owner)],
                                       customer=customer, state=ImportState.IMPORTING,
                                       requested_by=acting_user if getattr(acting_user, "pk", None) else None,
                                       confirmed_by=acting_user if getattr(acting_user, "pk", None) else None)
        locals_by_name = {d.name: d for d in Domain.objects.filter(name=found[0].name).select_related(
            "customer", "vendor_account")}
        owners = {vc.vendor_id: vc for vc in VendorCustomer.objects.filter(
            vendor_account=vendor_account, vendor_id=found[0].owner.vendor_id if found[0].owner else "-").exclude(
            requested_state=RequestedState.DELETED).select_related("customer")}
        row = _propose_row(job, job.scope[0], found[0], locals_by_name, owners)
        if row["error"]:
            raise ValidationError({"name": row["error"]})
        row.update(customer_id=customer.pk, customer_name=customer.name)
        job.proposal = [row]
        job.domains_total = 1
        job.mailboxes_total = int(found[0].mailbox_count or 0)
        job.save()
        try:
            domain, _ = _import_domain(job, row, vendor_account.kind_label)
        except ValidationError as error:
            raise ValidationError({"name": error.messages}) from None
        audit_record(acting_user=acting_user, action="import.start", target=job, customer=customer,
                     summary=f"Adopting {domain.name} from {vendor_account.name} with its mailboxes")
        _dispatch(RUN_TASK, job.pk)
    return domain


def domain_import_job(domain: Domain) -> ImportJob | None:
    """The latest import that brought (or brings) the domain's mailboxes, for its page."""
    recent = ImportJob.objects.filter(vendor_account_id=domain.vendor_account_id,
                                      customer_id=domain.customer_id).order_by("-pk")[:5]
    return next((job for job in recent if any(r.get("name") == domain.name for r in job.proposal)), None)
