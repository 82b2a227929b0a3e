"""The engine's rows: vendor accounts, the outbox of operations with their attempts, alerts, and
what the engine learns as it goes (action timings, rate-limit windows).

An :class:`Operation` is one change the panel owes a vendor. It is written in the same transaction
as the local change that asked for it, and carried out by Celery tasks that claim it by its due
time (``next_attempt_at``). Every operation ends ``succeeded``, ``failed`` (with an alert) or
``cancelled``; one that nothing can carry out yet stays ``pending`` with its reason.
"""

from provisioning.models.alert import Alert
from provisioning.models.drift_check import DriftCheck
from provisioning.models.import_job import ImportJob
from provisioning.models.learning import ActionTiming, RateEvent
from provisioning.models.operation import Attempt, Operation
from provisioning.models.vendor_account import VendorAccount

__all__ = ["ActionTiming", "Alert", "Attempt", "DriftCheck", "ImportJob", "Operation", "RateEvent", "VendorAccount"]
