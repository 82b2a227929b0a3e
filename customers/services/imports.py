"""Importing a vendor's existing estate: sync a vendor account, or adopt one domain for a customer.

The same four steps for every vendor; what differs is the vendor's :class:`Importer`
(``provisioning.adapters.importing``), declared on its adapter:

1. :func:`import_start` records what staff named (Hostway domains, BaseKit account holders) as an
   :class:`ImportJob` and sends it to a worker.
2. :func:`import_propose` (worker) looks each entry up at the vendor and proposes a customer for every
   domain found: the customer already holding it in the panel, the customer whose vendor-side account owns
   it (a BaseKit account holder), or the customer the adoption was asked for. Nothing is written yet.
3. :func:`import_confirm`: staff confirm the mapping (or change it, or leave a row out).
4. :func:`import_run` (worker) imports the confirmed rows page by page with progress counters:
   a missing domain or mailbox is created with what the vendor said; an existing one whose vendor id or
   state changed has it refreshed; where the panel asked for something the vendor does not hold (a quota,
   a type, a mailbox the vendor has no more), one drift alert per object names both sides. Objects with a
   change still in flight are left alone (neither refreshed nor alerted). A second run over an unchanged
   estate creates nothing and changes nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import current_app
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.audit import audit_record
from customers.choices import RequestedState
from customers.models import Customer, Domain, Mailbox, VendorCustomer
from customers.services import imports_accounts
from provisioning.adapters.base import VendorError
from provisioning.adapters.importing import Importer, VendorDomain, VendorMailbox, VendorOwner
from provisioning.choices import OPEN_OPERATION_STATES, AlertKind, Capability, ImportState
from provisioning.kinds.domain import DomainSync
from provisioning.models import Alert, ImportJob, Operation, VendorAccount
from provisioning.services.alerts import alert_open
from provisioning.services.context import Context
from provisioning.services.outbox import operation_enqueue
from provisioning.vendors import profile

logger = logging.getLogger(__name__)

PROPOSE_TASK = "customers.import_propose"
RUN_TASK = "customers.import_run"
CLAIM_SECONDS = 120
# A transient vendor failure: the job waits this long, then the sweep resumes it where it stopped.
RETRY_SECONDS = 30


class ClaimLost(Exception):  # noqa: N818 (a signal to stop)
    """Another worker holds the job now."""


# ---- the importer of a vendor account ----------------------------------------------------------------
def importer_for(account: VendorAccount) -> tuple[Importer, Context]:
    """The account's vendor importer and a read context; ValidationError when the vendor offers none."""
    vendor = account.profile
    adapter_class = vendor.adapter
    importer_class = getattr(adapter_class, "importer", None) if adapter_class is not None else None
    if not vendor.can(Capability.IMPORT) or importer_class is None:
        raise ValidationError(f"{vendor.label} offers no import of its existing estate.")
    adapter = adapter_class()
    return importer_class(), Context.for_read(account, adapter=adapter)


def _dispatch(task: str, job_id: int, countdown: float = 0) -> None:
    def send() -> None:
        try:
            current_app.send_task(task, args=[job_id], countdown=countdown or None)
        except Exception:  # the sweep re-sends it
            logger.warning("could not send %s for import %s", task, job_id, exc_info=True)

    transaction.on_commit(send)


# ---- 1. start --------------------------------------------------------------------------------------
@transaction.atomic
def import_start(*, vendor_account: VendorAccount, scope: str, customer: Customer | None = None, acting_user,
                 dispatch: bool = True) -> ImportJob:
    """Record what staff named and send it to be looked up (``customer``: adopt for that customer)."""
    if not vendor_account.is_active:
        raise ValidationError({"scope": "This vendor account is disabled."})
    try:
        importer, _ = importer_for(vendor_account)
    except ValidationError as error:
        raise ValidationError({"scope": error.messages}) from None
    try:
        entries = importer.parse_scope(scope or "")
    except ValueError as error:
        raise ValidationError({"scope": str(error)}) from None
    job = ImportJob.objects.create(vendor_account=vendor_account, scope=entries, customer=customer,
                                   requested_by=acting_user if getattr(acting_user, "pk", None) else None)
    what = f"{len(entries)} {importer.scope_label.lower()}" if len(entries) != 1 else entries[0]
    audit_record(acting_user=acting_user, action="import.start", target=job, customer=customer,
                 summary=(f"Asked to adopt {what} from {vendor_account.name} for {customer.name}" if customer
                          else f"Asked to import {what} from {vendor_account.name}"))
    if dispatch:
        _dispatch(PROPOSE_TASK, job.pk)
    return job


# ---- claims -----------------------------------------------------------------------------------------
def _claim(job_id: int, state: str) -> ImportJob | None:
    """Take the job for this worker (one conditional UPDATE), or None if it is not free or not in ``state``."""
    now = timezone.now()
    taken = ImportJob.objects.filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now), pk=job_id,
                                     state=state).update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
    return ImportJob.objects.select_related("vendor_account").get(pk=job_id) if taken else None


def _save(job: ImportJob, **fields) -> None:
    """Write progress while the claim is ours; another worker holding it means stop."""
    fields.setdefault("claimed_until", timezone.now() + timedelta(seconds=CLAIM_SECONDS))
    written = ImportJob.objects.filter(pk=job.pk, claimed_until=job.claimed_until).update(
        updated_at=timezone.now(), **fields)
    if not written:
        raise ClaimLost(job.pk)
    for name, value in fields.items():
        if not hasattr(value, "resolve_expression"):
            setattr(job, name, value)
    job.claimed_until = fields["claimed_until"]


def _fail(job: ImportJob, message: str) -> None:
    _save(job, state=ImportState.FAILED, error=message[:2000], finished_at=timezone.now(), claimed_until=None)


def _wait(job: ImportJob, message: str) -> None:
    """A transient failure: keep the place, let the sweep resume after a while."""
    _save(job, error=f"{message} The import resumes by itself.", claimed_until=timezone.now()
          + timedelta(seconds=RETRY_SECONDS))


# ---- 2. propose ---------------------------------------------------------------------------------------
def _owner_json(owner: VendorOwner | None) -> dict | None:
    return {"vendor_id": owner.vendor_id, "label": owner.label, "attrs": owner.attrs} if owner else None


def _propose_row(job: ImportJob, entry: str, found: VendorDomain, locals_by_name: dict[str, Domain],
                 owners: dict[str, VendorCustomer]) -> dict:
    row = {"entry": entry, "name": found.name, "vendor_id": found.vendor_id, "vendor_state": found.vendor_state,
           "owner": _owner_json(found.owner), "mailbox_count": found.mailbox_count, "attrs": found.attrs,
           "customer_id": None, "customer_name": "", "reason": "", "error": ""}
    local = locals_by_name.get(found.name)
    if local is not None:
        if local.vendor_account_id != job.vendor_account_id:
            row["error"] = (f"{found.name} is already in the panel on the vendor account "
                            f"“{local.vendor_account.name}”.")
            return row
        row.update(customer_id=local.customer_id, customer_name=local.customer.name,
                   reason="already in the panel for this customer")
        if job.customer_id and job.customer_id != local.customer_id:
            row["error"] = f"{found.name} already belongs to {local.customer.name} in the panel."
        return row
    owner = owners.get(found.owner.vendor_id) if found.owner else None
    if owner is not None:
        row.update(customer_id=owner.customer_id, customer_name=owner.customer.name,
                   reason=f"its {job.vendor_account.profile.account_label.lower()} belongs to this customer")
        if job.customer_id and job.customer_id != owner.customer_id:
            row["error"] = f"{found.name} is held by an account of {owner.customer.name} in the panel."
        return row
    if job.customer_id:
        row.update(customer_id=job.customer_id, customer_name=job.customer.name, reason="asked for this customer")
    return row


def import_propose(*, job_id: int) -> ImportJob | None:
    """Look every entry up at the vendor and propose a customer per domain (writes nothing else)."""
    job = _claim(job_id, ImportState.PROPOSING)
    if job is None:
        return None
    try:
        importer, ctx = importer_for(job.vendor_account)
        rows: list[dict] = []
        if importer.scope_kind == "accounts":  # one row per vendor-side account (SYNAQ OU, Greenview client...)
            rows = imports_accounts.propose(job, importer, ctx, keep=lambda: _save(job))
        for entry in job.scope if importer.scope_kind != "accounts" else ():
            try:
                found = importer.domains(ctx, entry)
            except VendorError as error:
                if error.retryable:
                    raise
                rows.append({"entry": entry, "name": entry, "error": error.message, "customer_id": None})
                continue
            names = [d.name for d in found]
            locals_by_name = {d.name: d for d in Domain.objects.filter(name__in=names)
                              .select_related("customer", "vendor_account")}
            owner_ids = {d.owner.vendor_id for d in found if d.owner}
            owners = {vc.vendor_id: vc for vc in VendorCustomer.objects.filter(
                vendor_account=job.vendor_account, vendor_id__in=owner_ids).exclude(
                requested_state=RequestedState.DELETED).select_related("customer")}
            rows.extend(_propose_row(job, entry, d, locals_by_name, owners) for d in found)
            _save(job)  # keep the claim while a long scope is looked up
    except VendorError as error:
        if error.retryable:
            _wait(job, error.message)
        else:
            _fail(job, error.message)
        return job
    except ClaimLost:
        return None
    total_mailboxes = sum(int(r.get("mailbox_count") or 0) for r in rows if not r.get("error"))
    fields = {"proposal": rows, "domains_total": sum(1 for r in rows if not r.get("error")),
              "mailboxes_total": total_mailboxes, "error": ""}
    adopting = job.customer_id is not None
    if adopting and rows and all(r.get("customer_id") and not r.get("error") for r in rows):
        # Adopting for one customer: the mapping was confirmed when it was asked for.
        _save(job, state=ImportState.IMPORTING, confirmed_by_id=job.requested_by_id, claimed_until=None, **fields)
        _send_now(RUN_TASK, job.pk)
    elif adopting:
        errors = [r.get("error") for r in rows if r.get("error")] or [
            f"{job.vendor_account.kind_label} holds nothing under {', '.join(job.scope)}."]
        _save(job, state=ImportState.FAILED, finished_at=timezone.now(), claimed_until=None,
              **{**fields, "error": " ".join(errors)})
    else:
        _save(job, state=ImportState.PROPOSED, claimed_until=None, **fields)
    return job


def _send_now(task: str, job_id: int) -> None:
    try:
        current_app.send_task(task, args=[job_id])
    except Exception:
        logger.warning("could not send %s for import %s", task, job_id, exc_info=True)


# ---- 3. confirm ---------------------------------------------------------------------------------------
@transaction.atomic
def import_confirm(*, job: ImportJob, mapping: dict[int, int | None], acting_user, dispatch: bool = True
                   ) -> ImportJob:
    """Staff's mapping of proposal rows (by index) to customers; a row mapped to None is left out."""
    job = ImportJob.objects.select_for_update().select_related("vendor_account").get(pk=job.pk)
    if job.state != ImportState.PROPOSED:
        raise ValidationError(f"This import is {job.state_choice.label.lower()}: there is nothing to confirm.")
    wanted = {int(c) for c in mapping.values() if c}
    customers = {c.pk: c for c in Customer.objects.filter(pk__in=wanted)}
    missing = wanted - set(customers)
    if missing:
        raise ValidationError("Choose customers that exist.")
    rows = [dict(r) for r in job.proposal]
    chosen = 0
    for index, row in enumerate(rows):
        customer_id = mapping.get(index, row.get("customer_id")) if index in mapping else row.get("customer_id")
        if row.get("error"):
            row["customer_id"] = None
            continue
        if customer_id and row.get("reason", "").startswith("already in the panel") and \
                int(customer_id) != int(row["customer_id"]):
            raise ValidationError(f"{row['name']} already belongs to {row['customer_name']} in the panel; "
                                  "move it there, not here.")
        row["customer_id"] = int(customer_id) if customer_id else None
        row["customer_name"] = customers[int(customer_id)].name if customer_id and int(customer_id) in customers \
            else (row.get("customer_name", "") if customer_id else "")
        chosen += bool(row["customer_id"])
    if not chosen:
        raise ValidationError("Choose a customer for at least one domain.")
    job.proposal = rows
    job.state = ImportState.IMPORTING
    job.confirmed_by = acting_user if getattr(acting_user, "pk", None) else None
    job.domains_total = chosen
    job.mailboxes_total = sum(int(r.get("mailbox_count") or 0) for r in rows if r.get("customer_id"))
    job.save()
    audit_record(acting_user=acting_user, action="import.confirm", target=job,
                 summary=f"Confirmed the import of {chosen} domain(s) from {job.vendor_account.name}")
    if dispatch:
        _dispatch(RUN_TASK, job.pk)
    return job


@transaction.atomic
def import_cancel(*, job: ImportJob, acting_user) -> ImportJob:
    """Drop an import that has not finished (what it already imported stays)."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.is_final:
        raise ValidationError("This import has already ended.")
    job.state = ImportState.CANCELLED
    job.finished_at = timezone.now()
    job.claimed_until = None
    job.save()
    audit_record(acting_user=acting_user, action="import.cancel", target=job, summary=f"Cancelled {job}")
    return job


# ---- 4. run --------------------------------------------------------------------------------------------
def _in_flight(target_type: str, ids) -> set[int]:
    return set(Operation.objects.filter(target_type=target_type, target_id__in=list(ids),
                                        state__in=OPEN_OPERATION_STATES).values_list("target_id", flat=True))


def _drift(*, target_type: str, obj, label: str, customer_id: int, vendor_label: str, differences: list[str]
           ) -> None:
    alert_open(kind=AlertKind.DRIFT, target_type=target_type, target_id=obj.pk, customer_id=customer_id,
               title=f"{label}: the panel and {vendor_label} disagree",
               message="; ".join(differences) + ".",
               next_step=f"Change it in the panel to what {vendor_label} holds, or send the panel's value to "
                         f"{vendor_label} again; the next sync resolves this alert once both agree.",
               vendor_errors=differences)


def _settled(target_type: str, ids) -> None:
    ids = list(ids)
    if ids:
        Alert.objects.filter(kind=AlertKind.DRIFT, target_type=target_type, target_id__in=ids,
                             resolved_at__isnull=True).update(resolved_at=timezone.now(),
                                                              resolution="A sync found panel and vendor agree.")


def _holder(job: ImportJob, customer: Customer, owner: dict | None) -> VendorCustomer | None:
    """The customer's vendor-side account standing for the domain's owner at the vendor (made if missing)."""
    if not owner:
        return None
    account = VendorCustomer.objects.filter(customer=customer, vendor_account=job.vendor_account).exclude(
        requested_state=RequestedState.DELETED).first()
    if account is not None:
        if account.vendor_id and account.vendor_id != owner["vendor_id"]:
            raise ValidationError(f"{customer.name} already has another {job.vendor_account.profile.account_label} "
                                  f"({account.vendor_id}) on {job.vendor_account.name}.")
        if not account.vendor_id:
            VendorCustomer.objects.filter(pk=account.pk).update(vendor_id=owner["vendor_id"])
        return account
    try:
        with transaction.atomic():
            return VendorCustomer.objects.create(
                customer=customer, vendor_account=job.vendor_account, vendor_id=owner["vendor_id"],
                vendor_state="active", title=(owner.get("label") or customer.name)[:200],
                email=str((owner.get("attrs") or {}).get("email") or "")[:254], details=owner.get("attrs") or {})
    except IntegrityError:
        return VendorCustomer.objects.filter(customer=customer, vendor_account=job.vendor_account).exclude(
            requested_state=RequestedState.DELETED).first()


def _import_domain(job: ImportJob, row: dict, vendor_label: str) -> tuple[Domain | None, str]:
    """The local domain for a confirmed row (created if missing) and what came of it."""
    customer = Customer.objects.get(pk=row["customer_id"])
    with transaction.atomic():
        local = Domain.objects.select_for_update().filter(name=row["name"]).first()
        holder = _holder(job, customer, row.get("owner"))
        if local is None:
            local = Domain.objects.create(
                customer=customer, vendor_account=job.vendor_account, name=row["name"], vendor_id=row["vendor_id"],
                vendor_state=row["vendor_state"], vendor_customer=holder, vendor_attrs=row.get("attrs") or {},
                last_synced_at=timezone.now())
            audit_record(acting_user=job.confirmed_by, action="domain.adopt", target=local, customer=customer,
                         summary=f"Adopted {local.name} from {job.vendor_account.name} (import #{job.pk})")
            _follow_if_not_live(job, local)
            return local, "created"
        if local.vendor_account_id != job.vendor_account_id or local.customer_id != customer.pk:
            raise ValidationError(f"{local.name} belongs to another customer or vendor account in the panel.")
        if _in_flight("domain", [local.pk]):
            return local, "skipped"
        changes = {}
        if local.vendor_id != row["vendor_id"]:
            changes["vendor_id"] = row["vendor_id"]
        if local.vendor_state != row["vendor_state"]:
            changes["vendor_state"] = row["vendor_state"]
        if holder is not None and local.vendor_customer_id != holder.pk:
            changes["vendor_customer"] = holder
        attrs = row.get("attrs") or {}
        if attrs and any(local.vendor_attrs.get(k) != v for k, v in attrs.items()):
            changes["vendor_attrs"] = {**local.vendor_attrs, **attrs}
        if local.requested_state == RequestedState.DELETED:
            _drift(target_type="domain", obj=local, label=local.name, customer_id=customer.pk,
                   vendor_label=vendor_label,
                   differences=[f"the panel says {local.name} is deleted, {vendor_label} still holds it"])
            return local, "drifted"
        if not changes:
            _settled("domain", [local.pk])
            return local, "unchanged"
        for name, value in changes.items():
            setattr(local, name, value)
        local.last_synced_at = timezone.now()
        local.save(update_fields=[*changes, "last_synced_at", "updated_at"])
        _follow_if_not_live(job, local)
        return local, "updated"


def _follow_if_not_live(job: ImportJob, domain: Domain) -> None:
    """A domain the vendor does not serve yet (BaseKit's active: 0) is followed by the engine until it does."""
    adapter = job.vendor_account.profile.adapter
    if domain.is_live or adapter is None or not adapter().supports(DomainSync.kind):
        return
    if _in_flight("domain", [domain.pk]):
        return
    operation_enqueue(payload=DomainSync(domain_id=domain.pk), vendor_account=job.vendor_account,
                      customer=domain.customer, acting_user=job.confirmed_by,
                      summary=f"Follow {domain.name} until {job.vendor_account.kind_label} serves it")


def _mailbox_differences(local: Mailbox, vendor: VendorMailbox, fields: tuple[str, ...], vendor_label: str
                         ) -> list[str]:
    differences = []
    for name in fields:
        if name not in vendor.details:
            continue
        ours, theirs = getattr(local, name), vendor.details[name]
        if (ours or None) != (theirs or None):
            label = Mailbox._meta.get_field(name).verbose_name
            differences.append(f"{label}: the panel says {ours if ours not in (None, '') else 'none'}, "
                               f"{vendor_label} says {theirs if theirs not in (None, '') else 'none'}")
    return differences


def _import_page(job: ImportJob, domain: Domain, page: list[VendorMailbox], importer: Importer,
                 vendor_label: str) -> dict[str, int]:
    """One page of the vendor's mailboxes into the domain, in one transaction; the counters it adds up to."""
    counts = {"created": 0, "updated": 0, "unchanged": 0, "drifted": 0, "skipped": 0}
    fields = tuple(f for f in importer.mailbox_fields if f != "vendor_attrs")
    names = [m.local_part for m in page]
    existing = {m.local_part: m for m in Mailbox.objects.filter(domain=domain, local_part__in=names)}
    busy = _in_flight("mailbox", [m.pk for m in existing.values()])
    new, settled = [], []
    now = timezone.now()
    for vendor in page:
        local = existing.get(vendor.local_part)
        if local is None:
            details = {k: v for k, v in vendor.details.items() if k in importer.mailbox_fields}
            new.append(Mailbox(domain=domain, local_part=vendor.local_part, vendor_id=vendor.vendor_id,
                               vendor_state=vendor.vendor_state, last_synced_at=now, **details))
            continue
        if local.pk in busy:
            counts["skipped"] += 1
            continue
        differences = _mailbox_differences(local, vendor, fields, vendor_label)
        if local.requested_state == RequestedState.DELETED:
            differences.append(f"the panel says it is deleted, {vendor_label} still holds it")
        if differences:
            _drift(target_type="mailbox", obj=local, label=local.address, customer_id=domain.customer_id,
                   vendor_label=vendor_label, differences=differences)
            counts["drifted"] += 1
            continue
        settled.append(local.pk)
        changes = {}
        if local.vendor_id != vendor.vendor_id:
            changes["vendor_id"] = vendor.vendor_id
        if local.vendor_state != vendor.vendor_state:
            changes["vendor_state"] = vendor.vendor_state
        attrs = vendor.details.get("vendor_attrs")
        if attrs and any(local.vendor_attrs.get(k) != v for k, v in attrs.items()):
            changes["vendor_attrs"] = {**local.vendor_attrs, **attrs}
        if changes:
            Mailbox.objects.filter(pk=local.pk).update(last_synced_at=now, **changes)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    if new:
        Mailbox.objects.bulk_create(new, ignore_conflicts=True)
        counts["created"] += len(new)
    _settled("mailbox", settled)
    return counts


def _missing_at_vendor(job: ImportJob, domain: Domain, seen: set[str], vendor_label: str) -> int:
    """Local mailboxes the vendor confirmed once but no longer lists: one drift alert each."""
    gone = (Mailbox.objects.filter(domain=domain).exclude(local_part__in=seen).exclude(vendor_id="")
            .exclude(requested_state=RequestedState.DELETED))
    gone = list(gone[:1000])
    busy = _in_flight("mailbox", [m.pk for m in gone])
    count = 0
    for local in gone:
        if local.pk in busy:
            continue
        _drift(target_type="mailbox", obj=local, label=local.address, customer_id=domain.customer_id,
               vendor_label=vendor_label,
               differences=[f"the panel holds {local.address}, {vendor_label} has no such mailbox"])
        count += 1
    return count


def import_run(*, job_id: int) -> ImportJob | None:
    """Import the confirmed rows, from where the job stands; safe to run again (idempotent)."""
    job = _claim(job_id, ImportState.IMPORTING)
    if job is None:
        return None
    vendor_label = job.vendor_account.kind_label
    try:
        importer, ctx = importer_for(job.vendor_account)
        rows = job.proposal
        position = int(job.cursor.get("row", 0))
        while position < len(rows):
            row = rows[position]
            if not row.get("customer_id") or row.get("error"):
                position += 1
                _save(job, cursor={"row": position})
                continue
            # A domain is (re)read from its first page: a worker that died mid-domain left no half state.
            _save(job, mailboxes_seen=int(job.cursor.get("seen", job.mailboxes_seen)))
            if row.get("kind") == imports_accounts.ACCOUNT:
                position = _run_account_row(job, rows, position, importer, ctx)
                continue
            try:
                domain, outcome = _import_domain(job, row, vendor_label)
            except ValidationError as error:
                rows[position] = {**row, "error": " ".join(error.messages)}
                position += 1
                _save(job, proposal=rows, cursor={"row": position, "seen": job.mailboxes_seen})
                continue
            totals = {"created": 0, "updated": 0, "unchanged": 0, "drifted": 0, "skipped": 0}
            totals[outcome] += 1
            if outcome != "skipped":
                seen: set[str] = set()
                found = VendorDomain(name=row["name"], vendor_id=row["vendor_id"], vendor_state=row["vendor_state"],
                                     owner=VendorOwner(**row["owner"]) if row.get("owner") else None,
                                     attrs=row.get("attrs") or {})
                for _, page in importer.mailboxes(ctx, found):
                    with transaction.atomic():
                        counts = _import_page(job, domain, page, importer, vendor_label)
                        seen.update(m.local_part for m in page)
                        _save(job, mailboxes_seen=F("mailboxes_seen") + len(page),
                              **{k: F(k) + v for k, v in counts.items() if v})
                totals["drifted"] += _missing_at_vendor(job, domain, seen, vendor_label)
            job.refresh_from_db(fields=["mailboxes_seen"])
            position += 1
            _save(job, cursor={"row": position, "seen": job.mailboxes_seen}, domains_done=F("domains_done") + 1,
                  **{k: F(k) + v for k, v in totals.items() if v})
        _save(job, state=ImportState.DONE, finished_at=timezone.now(), claimed_until=None, error="")
    except VendorError as error:
        if error.retryable:
            _wait(job, error.message)
        else:
            _fail(job, error.message)
    except ClaimLost:
        return None
    job.refresh_from_db()
    return job


def _run_account_row(job: ImportJob, rows: list[dict], position: int, importer: Importer, ctx: Context) -> int:
    """One confirmed vendor-side account and all under it (``imports_accounts``); the next row's position."""
    def page_done(counts: dict[str, int], seen: int) -> None:
        _save(job, mailboxes_seen=F("mailboxes_seen") + seen, **{k: F(k) + v for k, v in counts.items() if v})

    try:
        imports_accounts.run_account(job, rows[position], importer, ctx, page_done=page_done)
    except ValidationError as error:
        rows[position] = {**rows[position], "error": " ".join(error.messages)}
        _save(job, proposal=rows)
    except VendorError as error:
        if error.retryable:  # the job waits and resumes at this account
            raise
        rows[position] = {**rows[position], "error": error.message}  # this account only (gone since the proposal)
        _save(job, proposal=rows)
    job.refresh_from_db(fields=["mailboxes_seen"])
    position += 1
    _save(job, cursor={"row": position, "seen": job.mailboxes_seen}, domains_done=F("domains_done") + 1)
    return position


# ---- the sweep ----------------------------------------------------------------------------------------
def imports_sweep() -> int:
    """Re-send every unfinished job no worker holds (a lost message, a killed worker, a transient wait over)."""
    now = timezone.now()
    stale = now - timedelta(seconds=CLAIM_SECONDS)
    due = ImportJob.objects.filter(Q(claimed_until__lt=now) | Q(claimed_until__isnull=True, updated_at__lt=stale),
                                   state__in=[ImportState.PROPOSING, ImportState.IMPORTING])
    sent = 0
    for pk, state in due.values_list("pk", "state")[:50]:
        _send_now(PROPOSE_TASK if state == ImportState.PROPOSING else RUN_TASK, pk)
        sent += 1
    return sent


def import_account_choices() -> list[VendorAccount]:
    """Vendor accounts whose vendor offers an import."""
    return [a for a in VendorAccount.objects.filter(is_active=True) if profile(a.kind).can(Capability.IMPORT)]
