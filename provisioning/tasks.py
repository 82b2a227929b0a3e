"""Celery tasks: thin, take ids, call one service. Routed to the ``provisioning`` queue."""

from __future__ import annotations

from celery import shared_task

from provisioning import services


@shared_task(name="provisioning.execute_operation", acks_late=True, ignore_result=True)
def execute_operation(operation_id: int) -> None:
    """Run one step of an operation; safe to run twice (the claim makes the second a no-op)."""
    services.operation_execute(operation_id=operation_id)


@shared_task(name="provisioning.sweep_due_operations", ignore_result=True)
def sweep_due_operations() -> int:
    """Beat's sweep: re-send every due operation whose message was lost or whose worker died."""
    return services.operations_sweep_due()
