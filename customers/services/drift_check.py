"""The periodic drift check: each vendor account's estate re-read at the vendor, a few objects per run, so
the whole of it is compared once a day without a burst of calls.

Beat sends ``customers.drift_checks`` every ``DRIFT_CHECK_SECONDS``; it sends one
``customers.drift_check_account`` per active vendor account whose vendor offers an import. A run takes the
account's :class:`DriftCheck` (a claim, so two runs never walk one cursor), and compares the next *units* after
its cursor, through the same importer and the same per-object rules as an import
(:mod:`customers.services.reconcile`), creating nothing:

* vendors of vendor-side accounts (``scope_kind = "accounts"``): a unit is one of the panel's accounts there
  (a SYNAQ OU with its packages, domains and mailboxes; a Greenview client with its domains; a Rackspace
  customer with its contacts);
* the others (Hostway, BaseKit): a unit is one of the panel's domains there, with its mailboxes.

How many units a run takes is the account's units over the runs in a day (at least ``DRIFT_CHECK_MIN_UNITS``,
at most ``DRIFT_CHECK_MAX_UNITS``). A transient vendor failure (or the rate limiter holding a call back) ends the
run where it stood; the next run starts again at that unit. Differences open drift alerts (never for an object
with a change in flight); agreement resolves them.
"""

from __future__ import annotations

import logging
import math
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from customers.choices import RequestedState
from customers.models import Domain, VendorCustomer
from customers.services import imports_accounts, reconcile
from customers.services.imports import import_account_choices, importer_for
from provisioning.adapters.base import VendorError
from provisioning.models import DriftCheck, VendorAccount

logger = logging.getLogger(__name__)

ACCOUNT_TASK = "customers.drift_check_account"
CLAIM_SECONDS = 600
DAY = 86_400


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def units_per_run(total: int) -> int:
    """Enough units per run for the whole estate to be compared once a day, within the bounds."""
    runs = max(1, DAY // _setting("DRIFT_CHECK_SECONDS", 300))
    return max(_setting("DRIFT_CHECK_MIN_UNITS", 5), min(_setting("DRIFT_CHECK_MAX_UNITS", 200),
                                                         math.ceil(total / runs)))


def _units(account: VendorAccount, accounts: bool):
    if accounts:
        return VendorCustomer.objects.filter(vendor_account=account).exclude(vendor_id="").exclude(
            requested_state=RequestedState.DELETED).select_related("customer", "vendor_account").order_by("pk")
    return Domain.objects.filter(vendor_account=account).exclude(vendor_id="").exclude(
        requested_state=RequestedState.DELETED).select_related("customer", "vendor_account").order_by("pk")


def _claim(account: VendorAccount) -> DriftCheck | None:
    check, _ = DriftCheck.objects.get_or_create(vendor_account=account)
    now = timezone.now()
    until = now + timedelta(seconds=CLAIM_SECONDS)
    taken = DriftCheck.objects.filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now), pk=check.pk).update(
        claimed_until=until)
    if not taken:
        return None
    check.refresh_from_db()
    return check


def drift_check_run(*, vendor_account: VendorAccount, units: int | None = None) -> dict:
    """Compare the next units of the account's estate with the vendor; what came of it (also kept on the row)."""
    check = _claim(vendor_account)
    if check is None:
        return {"busy": True}
    counts = reconcile.tally()
    result = {"compared": 0, "missing": 0, "round_done": False, "error": ""}

    def page_done(more: dict[str, int], seen: int) -> None:
        reconcile.add(counts, more)

    after = int((check.cursor or {}).get("after") or 0)
    try:
        importer, ctx = importer_for(vendor_account)
        accounts = importer.scope_kind == "accounts"
        queryset = _units(vendor_account, accounts)
        if not after:
            check.round_started_at = timezone.now()
        want = units or units_per_run(queryset.count())
        batch = list(queryset.filter(pk__gt=after)[:want])
        for unit in batch:
            if accounts:
                owner = importer.account(ctx, unit.vendor_id)
                if owner is None:
                    result["missing"] += 1
                    with transaction.atomic():
                        reconcile.gone_at_vendor(
                            target_type="vendor_customer", locals_not_seen=VendorCustomer.objects.filter(pk=unit.pk),
                            label_of=lambda a: f"{a.customer}'s {vendor_account.profile.account_label}",
                            customer_id=unit.customer_id, vendor_account=vendor_account, counts=counts)
                else:
                    imports_accounts.account_walk(
                        vendor_account=vendor_account, customer=unit.customer,
                        owner=importer.account_details(ctx, owner), importer=importer, ctx=ctx,
                        page_done=page_done, create=False)
            else:
                _domain_unit(unit, importer, ctx, counts, result)
            after = unit.pk
            result["compared"] += 1
            # Keep the claim while a long run goes on (a large SYNAQ OU is one unit).
            DriftCheck.objects.filter(pk=check.pk).update(
                claimed_until=timezone.now() + timedelta(seconds=CLAIM_SECONDS), cursor={"after": after})
        if len(batch) < want:
            after = 0
            result["round_done"] = True
            check.last_round_finished_at = timezone.now()
    except VendorError as error:
        result["error"] = error.message  # the next run starts again at this unit
    except ValidationError as error:
        result["error"] = " ".join(error.messages)
    result.update(counts)
    check.cursor = {"after": after}
    check.last_run_at = timezone.now()
    check.last_result = result
    check.claimed_until = None
    check.save()
    return result


def _domain_unit(domain: Domain, importer, ctx, counts: dict[str, int], result: dict) -> None:
    """One of the panel's domains (a vendor whose scope is domains): the domain and its mailboxes."""
    vendor = importer.domain_of(ctx, domain.name, domain.vendor_id)
    if vendor is None:
        result["missing"] += 1
        with transaction.atomic():
            reconcile.gone_at_vendor(target_type="domain", locals_not_seen=Domain.objects.filter(pk=domain.pk),
                                     label_of=lambda d: d.name, customer_id=domain.customer_id,
                                     vendor_account=domain.vendor_account, counts=counts)
        return
    with transaction.atomic():
        found = reconcile.domains_reconcile(holder=None, customer=domain.customer, vendor_account=domain.vendor_account,
                                            found=[vendor], compared=importer.domain_fields, packages={},
                                            counts=counts, create=False)
    if not found or reconcile.in_flight("domain", [domain.pk]):
        return
    imports_accounts.mailboxes_walk(domain, vendor, importer, ctx, {}, create=False,
                                    page_done=lambda more, seen: reconcile.add(counts, more))


def drift_checks_dispatch() -> int:
    """Beat: send one drift check per active vendor account whose vendor offers an import."""
    sent = 0
    for account in import_account_choices():
        try:
            current_app.send_task(ACCOUNT_TASK, args=[account.pk], expires=_setting("DRIFT_CHECK_SECONDS", 300))
        except Exception:
            logger.warning("could not send the drift check of %s", account, exc_info=True)
            continue
        sent += 1
    return sent
