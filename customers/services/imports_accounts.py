"""The import of vendors whose estate hangs off vendor-side accounts: SYNAQ OUs (with their packages, domains,
links and mailboxes), Greenview clients (with their domains), Rackspace customers (with their contacts).

The import job's steps are the same as for every vendor (``customers.services.imports``); what differs is the
proposal's unit. Staff confirm one row per vendor-side *account*: a customer is proposed for it by, in order,
the panel's account already holding it, the customer with the same reference number, the one customer with
the same name; anything else staff choose by hand. Running a confirmed row brings the account and everything
under it in, page by page (:mod:`customers.services.reconcile` decides, per object, create / refresh / drift).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from core.audit import audit_record
from customers.models import Customer, VendorCustomer
from customers.services import reconcile
from provisioning.adapters.base import VendorError
from provisioning.adapters.importing import Importer, VendorOwner
from provisioning.models import ImportJob
from provisioning.services.context import Context

ACCOUNT = "account"


def owner_json(owner: VendorOwner) -> dict:
    return {"vendor_id": owner.vendor_id, "label": owner.label, "attrs": owner.attrs, "reference": owner.reference,
            "vendor_state": owner.vendor_state, "fields": owner.fields, "domain_count": owner.domain_count,
            "mailbox_count": owner.mailbox_count}


def owner_of(row: dict) -> VendorOwner:
    return VendorOwner(**row["owner"])


def _row(entry: str, owner: VendorOwner) -> dict:
    return {"kind": ACCOUNT, "entry": entry, "name": owner.label or owner.vendor_id, "vendor_id": owner.vendor_id,
            "vendor_state": owner.vendor_state, "reference": owner.reference, "owner": owner_json(owner),
            "mailbox_count": owner.mailbox_count, "domain_count": owner.domain_count, "customer_id": None,
            "customer_name": "", "reason": "", "error": ""}


def propose(job: ImportJob, importer: Importer, ctx: Context, *, keep: Callable[[], None]) -> list[dict]:
    """One row per vendor-side account the scope names, each with the customer proposed for it."""
    rows: list[dict] = []
    seen: set[str] = set()
    for entry in job.scope:
        try:
            found = importer.accounts(ctx, entry)
        except VendorError as error:
            if error.retryable:
                raise
            rows.append({"kind": ACCOUNT, "entry": entry, "name": entry, "error": error.message, "customer_id": None})
            continue
        for owner in found:
            if owner.vendor_id not in seen:
                seen.add(owner.vendor_id)
                rows.append(_row(entry, owner))
        keep()  # keep the claim while a long scope is looked up
    accounts = [r for r in rows if not r.get("error")]
    held = reconcile.held_accounts(job.vendor_account, [r["vendor_id"] for r in accounts])
    by_reference = reconcile.customers_by("reference", {r["reference"] for r in accounts if r["reference"]})
    by_name = reconcile.customers_by("name", {r["name"] for r in accounts})
    label = job.vendor_account.profile.account_label
    for row in accounts:
        holder = held.get(row["vendor_id"])
        if holder is not None:
            _choose(row, holder.customer, "already in the panel for this customer")
            if job.customer_id and job.customer_id != holder.customer_id:
                row["error"] = f"{row['name']} is {holder.customer.name}'s {label} in the panel."
            continue
        same_reference = by_reference.get((row["reference"] or "").lower(), [])
        same_name = by_name.get(row["name"].lower(), [])
        if job.customer_id:
            _choose(row, job.customer, "asked for this customer")
        elif len(same_reference) == 1:
            _choose(row, same_reference[0], f"same reference number ({row['reference']})")
        elif len(same_name) == 1:
            _choose(row, same_name[0], "same name")
        elif len(same_name) > 1:
            row["reason"] = f"{len(same_name)} customers have this name: choose one"
    return rows


def _choose(row: dict, customer: Customer, reason: str) -> None:
    row.update(customer_id=customer.pk, customer_name=customer.name, reason=reason)


def run_account(job: ImportJob, row: dict, importer: Importer, ctx: Context, *,
                page_done: Callable[[dict[str, int], int], None]) -> None:
    """Bring one confirmed account and everything under it in; ``page_done(counts, mailboxes)`` is called inside
    each page's transaction (it keeps the job's claim and adds the counters, so a lost claim writes nothing)."""
    customer = Customer.objects.get(pk=row["customer_id"])
    owner = importer.account_details(ctx, owner_of(row))
    counts = reconcile.tally()

    def counted(more: dict[str, int], seen: int) -> None:
        page_done(more, seen)
        reconcile.add(counts, more)

    holder = account_walk(vendor_account=job.vendor_account, customer=customer, owner=owner, importer=importer,
                          ctx=ctx, page_done=counted, create=True)
    if holder is not None:
        audit_record(acting_user=job.confirmed_by, action="vendor_customer.import", target=holder, customer=customer,
                     summary=f"Imported {owner.label or owner.vendor_id} from {job.vendor_account.name} (import "
                             f"#{job.pk}): {counts['created']} created, {counts['updated']} refreshed, "
                             f"{counts['drifted']} disagreeing")


def account_walk(*, vendor_account, customer: Customer, owner: VendorOwner, importer: Importer, ctx: Context,
                 page_done: Callable[[dict[str, int], int], None], create: bool) -> VendorCustomer | None:
    """The account, its packages, its domains (and their mailboxes) and its contacts, compared page by page;
    ``create=False`` (the drift check) compares what the panel holds and makes nothing new."""
    counts = reconcile.tally()
    with transaction.atomic():
        holder = reconcile.account_reconcile(vendor_account=vendor_account, customer=customer, owner=owner,
                                             compared=importer.account_fields, counts=counts, create=create)
        page_done(counts, 0)
    if holder is None:
        return None
    found_packages = importer.packages(ctx, owner)
    counts = reconcile.tally()
    with transaction.atomic():
        packages = reconcile.packages_reconcile(holder=holder, found=found_packages, counts=counts, create=create)
        page_done(counts, 0)
    seen_domains: set[str] = set()
    for page in importer.account_domains(ctx, owner):
        seen_domains.update(d.name for d in page)
        counts = reconcile.tally()
        with transaction.atomic():
            domains = reconcile.domains_reconcile(holder=holder, customer=holder.customer,
                                                  vendor_account=vendor_account, found=page,
                                                  compared=importer.domain_fields, packages=packages, counts=counts,
                                                  create=create)
            page_done(counts, 0)
        for domain, vendor in domains:
            if not reconcile.in_flight("domain", [domain.pk]):
                mailboxes_walk(domain, vendor, importer, ctx, packages, page_done=page_done, create=create)
    counts = reconcile.tally()
    with transaction.atomic():
        reconcile.gone_at_vendor(target_type="domain", locals_not_seen=holder.domains.exclude(name__in=seen_domains),
                                 label_of=lambda d: d.name, customer_id=holder.customer_id,
                                 vendor_account=vendor_account, counts=counts)
        page_done(counts, 0)
    found_contacts = importer.contacts(ctx, owner)
    counts = reconcile.tally()
    with transaction.atomic():
        reconcile.contacts_reconcile(holder=holder, found=found_contacts, compared=importer.contact_fields,
                                     counts=counts, create=create)
        reconcile.gone_at_vendor(target_type="contact", locals_not_seen=holder.contacts.exclude(
            vendor_id__in=[c.vendor_id for c in found_contacts]), label_of=lambda c: f"{c.name}, contact of "
            f"{holder.customer}", customer_id=holder.customer_id, vendor_account=vendor_account, counts=counts)
        page_done(counts, 0)
    return holder


def mailboxes_walk(domain, vendor, importer: Importer, ctx: Context, packages: dict, *,
                   page_done: Callable[[dict[str, int], int], None], create: bool) -> None:
    """The domain's mailboxes page by page, then those the vendor no longer lists (drift)."""
    seen: set[str] = set()
    for _, mailboxes in importer.mailboxes(ctx, vendor):
        seen.update(m.local_part for m in mailboxes)
        counts = reconcile.tally()
        with transaction.atomic():
            reconcile.mailboxes_reconcile(domain=domain, page=mailboxes, compared=importer.mailbox_fields,
                                          packages=packages, counts=counts, create=create)
            page_done(counts, len(mailboxes))
    counts = reconcile.tally()
    with transaction.atomic():
        reconcile.gone_at_vendor(target_type="mailbox", locals_not_seen=domain.mailboxes.exclude(local_part__in=seen),
                                 label_of=lambda m: f"{m.local_part}@{domain.name}", customer_id=domain.customer_id,
                                 vendor_account=domain.vendor_account, counts=counts)
        page_done(counts, 0)
