"""Writes of the engine, by concern: the outbox, execution, polling, alerts and the state check.

Everything public is re-exported here, so callers write ``services.operation_enqueue(...)``.
"""

from provisioning.services.alerts import alert_acknowledge, alert_notify, alert_open, alert_resolve
from provisioning.services.execution import backoff_seconds, operation_claim, operation_execute, operation_fail
from provisioning.services.outbox import (
    operation_cancel,
    operation_dispatch,
    operation_enqueue,
    operation_retry,
    operations_sweep_due,
)
from provisioning.services.state import targets_check_states

__all__ = [
    "alert_acknowledge", "alert_notify", "alert_open", "alert_resolve", "backoff_seconds", "operation_cancel",
    "operation_claim", "operation_dispatch", "operation_enqueue", "operation_execute", "operation_fail",
    "operation_retry", "operations_sweep_due", "targets_check_states",
]
