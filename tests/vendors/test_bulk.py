"""Bulk work against the SYNAQ sandbox through the real task code: a 1,000-row CSV import with deliberate
errors (previewed, each bad row reported, the good ones imported as operations and followed to the end), and
streamed CSV exports for any filter."""

from __future__ import annotations

import csv
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from customers.models import Mailbox, MailboxImport
from customers.services.bulk_import import mailbox_import_create_batch, mailbox_imports_sweep
from customers.tasks import mailbox_import_create
from provisioning.models import Operation
from tests.factories import MailboxFactory
from tests.vendors.test_synaq import account as account  # noqa: F401,PLC0414 (fixtures)
from tests.vendors.test_synaq import catalog as catalog  # noqa: F401,PLC0414
from tests.vendors.test_synaq import customer as customer  # noqa: F401,PLC0414
from tests.vendors.test_synaq import domain as domain  # noqa: F401,PLC0414
from tests.vendors.test_synaq import synaq as synaq  # noqa: F401,PLC0414

pytestmark = pytest.mark.django_db
EDITION = "SYN-CMS-BASIC-02"


def _file(domain, n=1000):
    """``n`` rows, every 25th wrong in one of five ways; returns the file and the bad lines with their reason."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["domain", "mailbox", "first_name", "last_name", "password", "edition"])
    bad = {}
    for i in range(n):
        line = i + 2
        row = [domain.name, f"user{i:04d}", "Jo", f"Smith {i}", f"Long-Secret-pass-{i}", EDITION]
        if i % 25 == 7:
            kind = (i // 25) % 5
            if kind == 0:
                row[0], bad[line] = "nowhere.example", "No domain nowhere.example"
            elif kind == 1:
                row[1], bad[line] = "bad name!", "Use letters, digits"
            elif kind == 2:
                row[4], bad[line] = "123", "too short"
            elif kind == 3:
                row[1], bad[line] = "user0000", "already on line 2"
            else:
                row[5], bad[line] = "NOT-AN-EDITION", "Select a valid choice"
        writer.writerow(row)
    return SimpleUploadedFile("mailboxes.csv", out.getvalue().encode(), content_type="text/csv"), bad


def test_a_thousand_row_import_reports_each_bad_row_then_imports_the_rest_and_follows_them(
        synaq, domain, staff_client, drain):
    upload, bad = _file(domain)
    started = time.monotonic()
    answer = staff_client.post(reverse("customers:mailbox_import"), {"file": upload})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    job = MailboxImport.objects.get()
    assert not Mailbox.objects.exists()  # a dry run: nothing created yet
    preview = staff_client.get(answer["Location"]).content.decode()
    assert f"<strong>{1000 - len(bad)}</strong> rows can be imported" in preview
    reported = {r["line"]: " ".join(m for ms in r["errors"].values() for m in ms) for r in job.bad_rows}
    assert set(reported) == set(bad)
    for line, reason in bad.items():
        assert reason in reported[line], (line, reported[line])
    assert "Long-Secret-pass" not in str(job.rows)

    staff_client.post(reverse("customers:mailbox_import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == "creating" and not Mailbox.objects.exists()  # a worker creates them, batch by batch
    status = reverse("customers:mailbox_import_status", args=[job.pk])
    assert f"{1000 - len(bad)} to go" in staff_client.get(status).content.decode()
    mailbox_import_create(job.pk)  # the task a worker runs
    job.refresh_from_db()
    assert job.secrets is None and job.state == "confirmed"
    assert Operation.objects.filter(kind="mailbox.create").count() == 1000 - len(bad)
    first = staff_client.get(status)
    assert first.status_code == 200 and "still queued" in first.content.decode()

    drain(max_steps=5000)
    done = staff_client.get(status)
    assert done.status_code == 286 and done["HX-Trigger"] == "import-done"
    assert f"{1000 - len(bad)} of {1000 - len(bad)}" in done.content.decode()
    held = {m["email"] for m in synaq.mailboxes.values()}
    assert len({f"user{i:04d}@{domain.name}" for i in range(1000)} & held) == 1000 - len(bad)
    rows = staff_client.get(reverse("customers:mailbox_import_detail", args=[job.pk]) + "?show=problems")
    assert "refused" in rows.content.decode() and "live" not in rows.content.decode().split("Result per row")[1]
    print(f"1,000-row import previewed, confirmed and drained in {time.monotonic() - started:.1f} s")


def test_a_file_without_the_needed_columns_is_refused_in_words(staff_client, domain):
    upload = SimpleUploadedFile("x.csv", b"name,email\njo,jo@example.com\n")
    page = staff_client.post(reverse("customers:mailbox_import"), {"file": upload}).content.decode()
    assert "needs a password column" in page and not MailboxImport.objects.exists()


def test_a_file_that_is_not_text_is_refused(staff_client, domain):
    upload = SimpleUploadedFile("x.csv", b"\xff\xfe\x00garbage")
    assert "not UTF-8" in staff_client.post(reverse("customers:mailbox_import"), {"file": upload}).content.decode()


# ---- exports -----------------------------------------------------------------------------------
def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_mailbox_export_streams_what_the_filter_shows(staff_client):
    MailboxFactory(local_part="alice", vendor_state="active")
    MailboxFactory(local_part="bob", vendor_state="failed")
    response = staff_client.get(reverse("customers:mailbox_export"), {"vendor_state": "failed"})
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0][0] == "address" and [r[0].split("@")[0] for r in rows[1:]] == ["bob"]


def test_exports_of_customers_domains_and_operations(staff_client, domain):
    for name, expected in (("customers:customer_export", "Acme Trading"), ("customers:domain_export", domain.name),
                           ("provisioning:operation_export", f"Create {domain.name}")):
        rows = _csv(staff_client.get(reverse(name)))
        assert any(expected in " ".join(r) for r in rows[1:]), (name, rows[:3])


def test_a_cell_a_spreadsheet_would_run_is_written_as_text(staff_client):
    from tests.factories import CustomerFactory
    CustomerFactory(name="=HYPERLINK(\"http://evil\")")
    rows = _csv(staff_client.get(reverse("customers:customer_export")))
    assert any(r[1].startswith("'=HYPERLINK") for r in rows[1:])


def test_an_import_a_worker_stopped_creating_resumes_without_creating_a_mailbox_twice(domain, staff_client):
    upload, bad = _file(domain)
    staff_client.post(reverse("customers:mailbox_import"), {"file": upload})
    job = MailboxImport.objects.get()
    staff_client.post(reverse("customers:mailbox_import_confirm", args=[job.pk]))
    assert mailbox_import_create_batch(mailbox_import_id=job.pk, size=50)  # one batch, then the worker died
    assert Mailbox.objects.count() == 50
    MailboxImport.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timezone.timedelta(minutes=5))
    assert mailbox_imports_sweep() == 1  # beat sends it again
    mailbox_import_create(job.pk)
    job.refresh_from_db()
    assert job.state == "confirmed" and job.secrets is None
    assert Mailbox.objects.count() == 1000 - len(bad) == Operation.objects.filter(kind="mailbox.create").count()
