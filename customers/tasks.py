"""Celery tasks of the customers app: thin, take ids, call one service."""

from __future__ import annotations

from celery import shared_task

from customers.services import bulk_import


@shared_task(name="customers.mailbox_import_create", acks_late=True, ignore_result=True)
def mailbox_import_create(mailbox_import_id: int) -> None:
    """Create a confirmed import's mailboxes, batch by batch, until none is left."""
    while bulk_import.mailbox_import_create_batch(mailbox_import_id=mailbox_import_id):
        pass


@shared_task(name="customers.sweep_mailbox_imports", ignore_result=True)
def sweep_mailbox_imports() -> int:
    """Beat: resend imports whose mailboxes a worker stopped creating (killed, message lost)."""
    return bulk_import.mailbox_imports_sweep()
