"""The periodic state check: re-read what may have changed at the vendor without us.

Domains (and other targets) with an open follow-up alert, or changed in the last minutes, are read
back through their vendor's adapter, a bounded number per sweep, so a domain that goes stale for
any reason is caught, and a stale one that was fixed resolves its alert by itself.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from provisioning import targets
from provisioning.adapters.base import VendorError
from provisioning.choices import OPEN_OPERATION_STATES, AlertKind, OperationState
from provisioning.models import Alert, Operation, VendorAccount
from provisioning.services.alerts import alert_open, alert_resolve
from provisioning.services.context import Context
from provisioning.vendors import profile

logger = logging.getLogger(__name__)

FOLLOW_UP_ALERTS = (AlertKind.DOMAIN_STALE, AlertKind.PRUNE_FAILED, AlertKind.DOMAIN_ERROR,
                    AlertKind.DOMAIN_NOT_READY, AlertKind.MAILBOX_PENDING, AlertKind.MAILBOX_LOCKED)
RECENT_MINUTES = 15
CHECK_BATCH = 50


def _candidates(now, limit: int) -> list[tuple[str, int]]:
    followed = list(Alert.objects.filter(resolved_at__isnull=True, kind__in=FOLLOW_UP_ALERTS)
                    .order_by("opened_at").values_list("target_type", "target_id")[:limit])
    recent = list(Operation.objects.filter(state=OperationState.SUCCEEDED,
                                           finished_at__gte=now - timedelta(minutes=RECENT_MINUTES))
                  .order_by("-finished_at").values_list("target_type", "target_id")[: limit * 4])
    seen: dict[tuple[str, int], None] = {}
    for pair in followed + recent:
        seen.setdefault(pair, None)
    pairs = list(seen)
    busy = set(Operation.objects.filter(state__in=OPEN_OPERATION_STATES, target_id__in=[p[1] for p in pairs])
               .values_list("target_type", "target_id"))
    return [p for p in pairs if p not in busy][:limit]


def targets_check_states(*, limit: int = CHECK_BATCH) -> int:
    """Read back up to ``limit`` targets that need watching; returns how many were read."""
    now = timezone.now()
    accounts: dict[int, VendorAccount] = {}
    return sum(target_check_state(target_type=target_type, pk=pk, accounts=accounts)
               for target_type, pk in _candidates(now, limit))


def target_check_state(*, target_type: str, pk: int, accounts: dict[int, VendorAccount] | None = None) -> bool:
    """Read one target back through its vendor's adapter and apply what it says, with the follow-up alerts it
    opens or resolves (a stale domain, a locked mailbox); False when nothing was read."""
    accounts = {} if accounts is None else accounts
    try:
        spec = targets.get(target_type)
    except LookupError:
        return False
    ref = spec.ref(pk)
    if ref is None or not ref.vendor_id or not ref.vendor_account_id:
        return False
    account = accounts.get(ref.vendor_account_id) or VendorAccount.objects.get(pk=ref.vendor_account_id)
    accounts[account.pk] = account
    adapter_class = profile(account.kind).adapter
    if adapter_class is None or not account.is_active:
        return False
    adapter = adapter_class()
    try:
        outcome = adapter.read_state(Context.for_read(account, adapter=adapter), ref)
    except VendorError as error:
        logger.info("state check of %s %s failed: %s", target_type, pk, error.message)
        return False
    if outcome is None:
        return False
    with transaction.atomic():
        if outcome.facts:
            spec.apply(pk, outcome.facts)
        for observation in outcome.observations:
            targets.get(observation.target_type).apply(observation.target_id, observation.facts)
        for kind, rtype, rid in outcome.resolves:
            alert_resolve(kind=kind, target_type=rtype or target_type, target_id=rid if rid is not None else pk,
                          resolution="Seen fixed at the vendor by the periodic state check.")
        for alert in outcome.alerts:
            alert_open(kind=alert.kind, target_type=alert.target_type or target_type,
                       target_id=alert.target_id if alert.target_id is not None else pk,
                       customer_id=ref.customer_id, title=alert.title, message=alert.message,
                       next_step=alert.next_step, severity=alert.severity, vendor_errors=alert.errors)
    return True
