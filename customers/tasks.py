"""Celery tasks of the customers app: thin, take ids, call one service."""

from __future__ import annotations

from celery import shared_task

from customers.services import imports


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
