"""The drift check's schedule: beat runs it for every vendor account that can import, each run a share of the
estate sized so the whole is compared once a day."""

from __future__ import annotations

import pytest
from django.conf import settings

from customers import tasks
from customers.services import drift_check
from panel.celery import app
from provisioning.models import DriftCheck
from tests.vendors.conftest import account_for

pytestmark = pytest.mark.django_db


def test_beat_runs_the_drift_checks_every_few_minutes():
    entry = app.conf.beat_schedule["customers.drift_checks"]
    assert entry["task"] == "customers.drift_checks" and entry["schedule"] == settings.DRIFT_CHECK_SECONDS


def test_a_run_takes_enough_units_for_the_whole_estate_once_a_day(settings):
    settings.DRIFT_CHECK_SECONDS = 300  # 288 runs a day
    assert drift_check.units_per_run(10_000) == 35
    assert drift_check.units_per_run(10) == settings.DRIFT_CHECK_MIN_UNITS
    assert drift_check.units_per_run(10_000_000) == settings.DRIFT_CHECK_MAX_UNITS


def test_the_task_checks_one_account_and_keeps_its_place(sandbox):
    account = account_for(sandbox, "synaq")
    tasks.drift_check_account(account.pk)
    check = DriftCheck.objects.get(vendor_account=account)
    assert check.last_run_at is not None and check.claimed_until is None and check.last_result["round_done"]


def test_a_check_another_worker_holds_is_left_to_it(sandbox):
    account = account_for(sandbox, "synaq")
    drift_check.drift_check_run(vendor_account=account)
    DriftCheck.objects.filter(vendor_account=account).update(claimed_until="2999-01-01T00:00:00Z")
    assert drift_check.drift_check_run(vendor_account=account) == {"busy": True}
