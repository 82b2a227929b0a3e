"""The import pages for vendors of vendor-side accounts: staff confirm one customer per account (SYNAQ here),
the progress names accounts, and the vendor account page shows the drift check."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from customers.models import Mailbox, VendorCustomer
from customers.services import drift_check, imports
from provisioning.models import ImportJob
from tests.factories import CustomerFactory
from tests.vendors.conftest import account_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(sandbox):
    return account_for(sandbox, "synaq")


def test_the_vendor_account_page_offers_the_import_of_its_companies(account, staff_client):
    page = staff_client.get(f"/vendor-accounts/{account.pk}/import/")
    assert b"Import from SYNAQ" in page.content and b"Companies (OUs)" in page.content
    assert b"by reference number, then name" in page.content and b"Drift check" in page.content


def test_staff_confirm_a_customer_per_ou_on_the_import_page(account, staff_client):
    acme = CustomerFactory(name="Acme Ltd", reference="al")
    staff_client.post(f"/vendor-accounts/{account.pk}/import/", {"scope": "all"})
    job = ImportJob.objects.get()
    imports.import_propose(job_id=job.pk)
    page = staff_client.get(f"/imports/{job.pk}/")
    assert b"<th>Account</th>" in page.content and b"ref al" in page.content
    assert b"same reference number (al)" in page.content
    staff_client.post(f"/imports/{job.pk}/", {"row_0": acme.pk})
    imports.import_run(job_id=job.pk)
    done = staff_client.get(f"/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert done.status_code == 286 and b"Accounts" in done.content and b"1 of 1" in done.content
    assert VendorCustomer.objects.get().customer == acme and Mailbox.objects.count() == 4


def test_the_vendor_account_page_shows_the_last_drift_check(account, staff, staff_client):
    CustomerFactory(name="Acme Ltd", reference="al")
    call_command("sync_vendor", account.name, "--scope", "all", "--yes")
    drift_check.drift_check_run(vendor_account=account)
    page = staff_client.get(f"/vendor-accounts/{account.pk}/import/")
    assert b"1 compared, 0 disagreeing" in page.content and b"Last whole round finished" in page.content


def test_the_command_imports_every_ou_mapped_by_reference_number(account, capsys):
    CustomerFactory(name="Someone", reference="AL")
    call_command("sync_vendor", account.name, "--scope", "all", "--yes")
    out = capsys.readouterr().out
    assert "Acme Ltd" in out and "-> Someone (same reference number (al))" in out and "done" in out
    assert Mailbox.objects.filter(domain__customer__reference="AL").count() == 4
