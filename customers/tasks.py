"""Celery tasks of the customers app: thin, take ids, call one service."""

from __future__ import annotations

from celery import shared_task

from customers.services import bulk_import, drift_check, imports
from provisioning.models import VendorAccount


@shared_task(name="customers.mailbox_import_create", acks_late=True, ignore_result=True)
def mailbox_import_create(mailbox_import_id: int) -> None:
    """Create a confirmed import's mailboxes, batch by batch, until none is left."""
    while bulk_import.mailbox_import_create_batch(mailbox_import_id=mailbox_import_id):
        pass


@shared_task(name="customers.sweep_mailbox_imports", ignore_result=True)
def sweep_mailbox_imports() -> int:
    """Beat: resend imports whose mailboxes a worker stopped creating (killed, message lost)."""
    return bulk_import.mailbox_imports_sweep()


@shared_task(name="customers.import_propose", acks_late=True, ignore_result=True)
def import_propose(job_id: int) -> None:
    """Look up what an import names at the vendor and propose a mapping to customers."""
    imports.import_propose(job_id=job_id)


@shared_task(name="customers.import_run", acks_late=True, ignore_result=True)
def import_run(job_id: int) -> None:
    """Import a confirmed mapping, resuming where the job stands."""
    imports.import_run(job_id=job_id)


@shared_task(name="customers.sweep_imports", ignore_result=True)
def sweep_imports() -> int:
    """Beat: re-send unfinished imports no worker holds."""
    return imports.imports_sweep()


@shared_task(name="customers.drift_checks", ignore_result=True)
def drift_checks() -> int:
    """Beat: send the drift check of every vendor account whose vendor offers an import."""
    return drift_check.drift_checks_dispatch()


@shared_task(name="customers.drift_check_account", acks_late=True, ignore_result=True)
def drift_check_account(account_id: int) -> None:
    """Compare the next few objects of one vendor account's estate with the vendor (drift alerts)."""
    account = VendorAccount.objects.filter(pk=account_id, is_active=True).first()
    if account is not None:
        drift_check.drift_check_run(vendor_account=account)
