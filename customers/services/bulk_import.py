"""Mailbox import from CSV: a dry-run preview that checks every row as the mailbox form does (same form, same
vendor name rules, same password rules), then, once confirmed, one ``mailbox_create`` per good row (each its
own operation in the outbox), followed to the end.

Columns (a header row, any order, case ignored): ``domain``, ``mailbox`` (or one ``address`` column
``name@domain``), ``password``, and optionally ``first_name``, ``last_name``, ``edition``, ``quota_mb``.
"""

from __future__ import annotations

import csv
import io
import logging

from celery import current_app
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from core.audit import audit_record
from core.permissions import SERVICES_CHANGE, require
from customers.choices import CustomerStatus, RequestedState
from customers.forms import MailboxCreateForm
from customers.models import Domain, MailboxImport
from customers.services.mailbox import mailbox_create
from customers.validators import normalise_domain_name
from provisioning.choices import OPEN_OPERATION_STATES, Capability
from provisioning.models import Operation

logger = logging.getLogger(__name__)
CREATE_TASK = "customers.mailbox_import_create"
BATCH = 100  # mailboxes created per transaction (a worker's progress step)
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
COLUMNS = ("domain", "mailbox", "address", "password", "first_name", "last_name", "edition", "quota_mb")
_ALIASES = {"local_part": "mailbox", "name": "mailbox", "email": "address", "first name": "first_name",
            "last name": "last_name", "quota": "quota_mb", "quota (mb)": "quota_mb"}


def _read(upload) -> list[dict[str, str]]:
    """The file's rows by column name; a ValidationError (on ``file``) for a file that is not such a CSV."""
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ValidationError({"file": f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB."})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError({"file": "The file is not UTF-8 text: save it as CSV (UTF-8)."}) from error
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError({"file": "The file is empty."}) from None
    except csv.Error as error:
        raise ValidationError({"file": f"The file is not CSV: {error}"}) from error
    names = [_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    if "address" not in names and not {"domain", "mailbox"} <= set(names):
        raise ValidationError({"file": "The header needs the columns domain and mailbox (or address), and password."})
    if "password" not in names:
        raise ValidationError({"file": "The header needs a password column."})
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            rows.append({n: v for n, v in zip(names, values, strict=False) if n in COLUMNS})
            if len(rows) > MAX_ROWS:
                raise ValidationError({"file": f"The file has more than {MAX_ROWS:,} rows: split it."})
    except csv.Error as error:
        raise ValidationError({"file": f"Line {reader.line_num} is not valid CSV: {error}"}) from error
    return rows


def _domain_error(domain: Domain | None, name: str) -> str:
    if domain is None:
        return f"No domain {name or '(empty)'} in the panel."
    if domain.requested_state == RequestedState.DELETED:
        return f"{domain.name} is being deleted."
    if domain.customer.status != CustomerStatus.ACTIVE:
        return f"{domain.customer.name} is {domain.customer.get_status_display().lower()}: it gets no new services."
    if not domain.vendor_account.profile.can(Capability.MAILBOXES):
        return f"{domain.vendor_account.kind_label} does not host mailboxes."
    return ""


@sensitive_variables("secrets", "values")
@transaction.atomic
def mailbox_import_preview(*, upload, acting_user) -> MailboxImport:
    """Read and check every row (nothing is created); the passwords wait encrypted for the confirm."""
    require(acting_user, SERVICES_CHANGE)
    domains: dict[str, Domain | None] = {}
    seen: dict[tuple[str, str], int] = {}
    rows, secrets = [], {}
    for number, values in enumerate(_read(upload), start=2):
        address = (values.get("address") or "").strip()
        local, domain_name = (address.rsplit("@", 1) if "@" in address else
                              ((values.get("mailbox") or "").strip(), (values.get("domain") or "").strip()))
        try:
            name = normalise_domain_name(domain_name)
        except ValidationError:
            name = domain_name.lower()
        if name not in domains:
            domains[name] = (Domain.objects.select_related("customer", "vendor_account").defer(
                "vendor_account__credentials").filter(name=name).first())
        domain = domains[name]
        row = {"line": number, "address": f"{local}@{name}".lower(), "domain_id": domain.pk if domain else None,
               "local_part": local.lower(), "first_name": (values.get("first_name") or "").strip(),
               "last_name": (values.get("last_name") or "").strip(), "edition": (values.get("edition") or "").strip(),
               "quota_mb": None, "errors": {}, "mailbox_id": None, "operation_id": None}
        problem = _domain_error(domain, name)
        if problem:
            row["errors"] = {"domain": [problem]}
        else:
            form = MailboxCreateForm({"local_part": local, "first_name": row["first_name"],
                                      "last_name": row["last_name"], "edition": row["edition"],
                                      "quota_mb": (values.get("quota_mb") or "").strip(),
                                      "password": values.get("password") or "", "provision_now": "on"},
                                     domain=domain)
            if form.is_valid():
                row.update(local_part=form.cleaned_data["local_part"],
                           quota_mb=form.cleaned_data.get("quota_mb"),
                           edition=form.cleaned_data.get("edition") or "")
                row["address"] = f"{row['local_part']}@{domain.name}"
                key = (domain.name, row["local_part"])
                if key in seen:
                    row["errors"] = {"local_part": [f"{row['address']} is already on line {seen[key]}."]}
                else:
                    seen[key] = number
                    secrets[str(number)] = form.cleaned_data["password"]
            else:
                row["errors"] = {field: list(messages) for field, messages in form.errors.items()}
        rows.append(row)
    if not rows:
        raise ValidationError({"file": "The file has a header but no rows."})
    return MailboxImport.objects.create(created_by=acting_user, filename=getattr(upload, "name", "")[:200],
                                        rows=rows, secrets=secrets or None)


@transaction.atomic
def mailbox_import_confirm(*, mailbox_import: MailboxImport, acting_user, dispatch: bool = True) -> MailboxImport:
    """Confirm the preview: a worker then creates the good rows' mailboxes in batches (a thousand rows take
    longer than a web request may), each with its operation; the page follows them."""
    require(acting_user, SERVICES_CHANGE)
    job = MailboxImport.objects.select_for_update().get(pk=mailbox_import.pk)
    if job.state != MailboxImport.PREVIEWED:
        raise ValidationError("This import has already been confirmed.")
    job.state, job.confirmed_at, job.confirmed_by = MailboxImport.CREATING, timezone.now(), acting_user
    job.save()
    audit_record(acting_user=acting_user, action="mailbox.import", target=job, target_type="mailboximport",
                 summary=f"Confirmed the import of {len(job.good_rows)} mailbox(es) from "
                         f"{job.filename or 'a CSV file'} ({len(job.rows) - len(job.good_rows)} row(s) refused)")
    if dispatch:
        transaction.on_commit(lambda: _send(job.pk))
    return job


def _send(job_id: int) -> None:
    try:
        current_app.send_task(CREATE_TASK, args=[job_id])
    except Exception:  # the sweep sends it again
        logger.warning("could not send the mailbox import %s", job_id, exc_info=True)


def mailbox_import_create_batch(*, mailbox_import_id: int, size: int = BATCH) -> bool:
    """Create the next ``size`` rows' mailboxes (with their operations) in one transaction; True while rows
    remain. The job's row lock keeps two workers apart, and a batch a dying worker left is rolled back whole,
    so each row's mailbox is created once. A row that no longer passes gets its error instead."""
    with transaction.atomic():
        job = MailboxImport.objects.select_for_update(skip_locked=True).filter(
            pk=mailbox_import_id, state=MailboxImport.CREATING).first()
        if job is None:
            return False
        secrets = job.secrets or {}
        waiting = [i for i, r in enumerate(job.rows) if not r["errors"] and not r.get("mailbox_id")]
        batch = waiting[:size]
        domains = {d.pk: d for d in Domain.objects.filter(pk__in={job.rows[i]["domain_id"] for i in batch})
                   .select_related("customer", "vendor_account")}
        rows = list(job.rows)
        for i in batch:
            row = dict(rows[i])
            try:
                with transaction.atomic():
                    mailbox = mailbox_create(domain=domains[row["domain_id"]], local_part=row["local_part"],
                                             password=secrets[str(row["line"])], first_name=row["first_name"],
                                             last_name=row["last_name"], edition=row["edition"],
                                             quota_mb=row["quota_mb"], acting_user=job.confirmed_by)
            except ValidationError as error:
                row["errors"] = (
                    {k: list(v) for k, v in error.message_dict.items()} if hasattr(error, "error_dict")
                    else {"__all__": error.messages})
            else:
                row["mailbox_id"] = mailbox.pk
                row["operation_id"] = (Operation.objects.filter(target_type="mailbox", target_id=mailbox.pk)
                                       .order_by("id").values_list("pk", flat=True).first())
            rows[i] = row
        job.rows = rows
        more = len(waiting) > len(batch)
        if not more:
            # Every password now rides in its operation only.
            job.secrets, job.state = None, MailboxImport.CONFIRMED
        job.save()
        return more


def mailbox_imports_sweep(*, idle_seconds: int = 60) -> int:
    """Beat: send again every import whose mailboxes are still being created and that no worker moved lately."""
    stale = timezone.now() - timezone.timedelta(seconds=idle_seconds)
    due = list(MailboxImport.objects.filter(state=MailboxImport.CREATING, updated_at__lt=stale)
               .values_list("pk", flat=True)[:20])
    for pk in due:
        _send(pk)
    return len(due)


def mailbox_import_progress(*, mailbox_import: MailboxImport) -> dict:
    """Where the import's operations stand: counts by outcome, each row's state and the vendor's words."""
    ids = [r["operation_id"] for r in mailbox_import.rows if r.get("operation_id")]
    states = {pk: (state, error) for pk, state, error in
              Operation.objects.filter(pk__in=ids).values_list("pk", "state", "last_error")} if ids else {}
    counts = {"queued": 0, "succeeded": 0, "failed": 0, "refused": 0, "cancelled": 0}
    for row in mailbox_import.rows:
        state, error = states.get(row.get("operation_id"), ("", ""))
        if row.get("errors"):
            row["outcome"] = "refused"
        elif state in OPEN_OPERATION_STATES:
            row["outcome"] = "queued"
        else:
            row["outcome"] = state or "queued"
        row["vendor_error"] = error
        counts[row["outcome"]] = counts.get(row["outcome"], 0) + 1
    sent = len(ids)
    to_create = sum(1 for r in mailbox_import.rows if not r.get("errors") and not r.get("mailbox_id"))
    counts["queued"] -= to_create
    finished = sent - counts["queued"]
    return {**counts, "sent": sent, "finished": finished, "to_create": to_create,
            "done": mailbox_import.state == MailboxImport.CONFIRMED and counts["queued"] == 0,
            "percent": int(100 * finished / sent) if sent else 100, "rows": mailbox_import.rows}
