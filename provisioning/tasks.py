"""Celery tasks: thin, take ids, call one service. Routed to the ``provisioning`` queue.

A task's time limit sits below the claim's lease, so a worker stuck in a vendor call is stopped
before another worker could take the same operation over.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from provisioning import services

LEASE = settings.PROVISIONING_CLAIM_SECONDS


@shared_task(name="provisioning.execute_operation", acks_late=True, ignore_result=True,
             soft_time_limit=max(LEASE * 0.8, LEASE - 60), time_limit=max(LEASE * 0.9, LEASE - 30))
def execute_operation(operation_id: int) -> None:
    """Run one step of an operation; safe to run twice (the claim makes the second a no-op)."""
    services.operation_execute(operation_id=operation_id)


@shared_task(name="provisioning.sweep_due_operations", ignore_result=True)
def sweep_due_operations() -> int:
    """Beat's sweep: re-send every due operation whose message was lost or whose worker died."""
    return services.operations_sweep_due()


@shared_task(name="provisioning.check_states", ignore_result=True)
def check_states() -> int:
    """Beat's state check: re-read what may have changed at the vendor (stale domains, locks)."""
    return services.targets_check_states()


@shared_task(name="provisioning.notify_alert", ignore_result=True)
def notify_alert(alert_id: int) -> bool:
    """Mail a high-priority alert to the staff on duty."""
    return services.alert_notify(alert_id=alert_id)
