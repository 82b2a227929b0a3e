"""The import framework (sync and adopt) over real HTTP against the Hostway sandbox: propose, confirm,
import, idempotence, drift, changes in flight, resuming, the command."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from customers.models import Domain, Mailbox
from customers.services import imports
from provisioning.models import Alert, ImportJob, Operation
from tests.factories import CustomerFactory
from tests.vendors.conftest import account_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostway(sandbox):
    return sandbox.vendor("hostway")


@pytest.fixture
def account(sandbox, hostway):
    return account_for(sandbox, "hostway")


@pytest.fixture
def customer(db):
    return CustomerFactory(name="Test Com Ltd", reference="TEST-001")


def _start(account, scope, staff, **kwargs):
    job = imports.import_start(vendor_account=account, scope=scope, acting_user=staff, dispatch=False, **kwargs)
    imports.import_propose(job_id=job.pk)
    job.refresh_from_db()
    return job


def _confirm_and_run(job, customer, staff):
    imports.import_confirm(job=job, mapping={i: customer.pk for i in range(len(job.proposal))}, acting_user=staff,
                           dispatch=False)
    imports.import_run(job_id=job.pk)
    return ImportJob.objects.get(pk=job.pk)


def test_a_proposal_writes_nothing_until_staff_confirm(account, staff):
    job = _start(account, "test.com", staff)
    assert job.state == "proposed"
    assert job.proposal[0]["name"] == "test.com" and job.proposal[0]["mailbox_count"] == 6
    assert not Domain.objects.exists() and not Mailbox.objects.exists()


def test_a_domain_the_vendor_does_not_hold_is_named_in_the_proposal(account, staff):
    job = _start(account, "test.com\nnot-there.example", staff)
    rows = {r["name"]: r for r in job.proposal}
    assert "holds no email domain not-there.example" in rows["not-there.example"]["error"]
    assert not rows["test.com"]["error"]


def test_confirming_imports_every_mailbox_with_what_the_vendor_said(account, customer, staff):
    job = _confirm_and_run(_start(account, "test.com", staff), customer, staff)
    assert job.state == "done" and job.percent == 100
    domain = Domain.objects.get(name="test.com")
    assert domain.customer == customer and domain.vendor_state == "active" and domain.vendor_id == "test.com"
    assert "test-com-alias.com" in domain.vendor_attrs["aliases"]
    names = set(domain.mailboxes.values_list("local_part", flat=True))
    assert names == {"jack.smith", "mailbox123", "mb1", "mfg-mbox", "test", "test-mb"}
    assert Mailbox.objects.get(local_part="test-mb").vendor_attrs["kind"] == "exchange"
    assert job.created == 7 and job.drifted == 0


def test_a_second_run_creates_and_changes_nothing(account, customer, staff):
    _confirm_and_run(_start(account, "test.com", staff), customer, staff)
    before = list(Mailbox.objects.order_by("pk").values())
    again = _confirm_and_run(_start(account, "test.com", staff), customer, staff)
    assert again.created == 0 and again.updated == 0 and again.drifted == 0 and again.unchanged == 7
    assert list(Mailbox.objects.order_by("pk").values()) == before
    assert not Alert.objects.exists()


def test_the_second_proposal_names_the_customer_already_holding_the_domain(account, customer, staff):
    _confirm_and_run(_start(account, "test.com", staff), customer, staff)
    job = _start(account, "test.com", staff)
    assert job.proposal[0]["customer_id"] == customer.pk and "already in the panel" in job.proposal[0]["reason"]


def test_a_diverged_mailbox_opens_one_drift_alert_naming_both_sides(account, customer, staff, hostway):
    _confirm_and_run(_start(account, "test.com", staff), customer, staff)
    hostway.domains["test.com"]["mailboxes"]["mb1"]["quota"] = 4096
    for _ in range(2):
        _confirm_and_run(_start(account, "test.com", staff), customer, staff)
    alert = Alert.objects.get(kind="drift")
    assert alert.target_id == Mailbox.objects.get(local_part="mb1").pk and alert.resolved_at is None
    assert "the panel says 1024" in alert.message and "Hostway says 4096" in alert.message
    assert Mailbox.objects.get(local_part="mb1").quota_mb == 1024  # not overwritten


def test_drift_resolves_once_both_sides_agree_again(account, customer, staff, hostway):
    _confirm_and_run(_start(account, "test.com", staff), customer, staff)
    box = hostway.domains["test.com"]["mailboxes"]["mb1"]
    box["quota"] = 4096
    _confirm_and_run(_start(account, "test.com", staff), customer, staff)
    box["quota"] = 1024
    _confirm_and_run(_start(account, "test.com", staff), customer, staff)
    assert Alert.objects.get(kind="drift").resolved_at is not None


def test_a_mailbox_gone_at_the_vendor_is_drift_not_a_deletion(account, customer, staff, hostway):
    _confirm_and_run(_start(account, "test.com", staff), customer, staff)
    del hostway.domains["test.com"]["mailboxes"]["jack.smith"]
    job = _confirm_and_run(_start(account, "test.com", staff), customer, staff)
    assert Mailbox.objects.filter(local_part="jack.smith").exists()
    alert = Alert.objects.get(kind="drift")
    assert "jack.smith@test.com" in alert.message and "no such mailbox" in alert.message and job.drifted == 1


def test_an_object_with_a_change_in_flight_is_left_alone(account, customer, staff, hostway):
    _confirm_and_run(_start(account, "test.com", staff), customer, staff)
    mb1 = Mailbox.objects.get(local_part="mb1")
    Operation.objects.create(kind="mailbox.update", target_type="mailbox", target_id=mb1.pk, vendor_account=account,
                             payload={"mailbox_id": mb1.pk, "changes": {}})
    hostway.domains["test.com"]["mailboxes"]["mb1"]["quota"] = 4096
    job = _confirm_and_run(_start(account, "test.com", staff), customer, staff)
    assert job.skipped == 1 and not Alert.objects.filter(kind="drift").exists()


def test_adopting_for_a_customer_needs_no_second_confirmation(account, customer, staff):
    job = _start(account, "test.com", staff, customer=customer)
    assert job.state == "importing"
    imports.import_run(job_id=job.pk)
    assert Domain.objects.get(name="test.com").customer == customer


def test_adopting_a_domain_the_vendor_does_not_hold_fails_with_the_reason(account, customer, staff):
    job = _start(account, "nowhere.example", staff, customer=customer)
    assert job.state == "failed" and "holds no email domain nowhere.example" in job.error
    assert not Domain.objects.exists()


def test_a_domain_held_by_another_customer_is_refused_on_adoption(account, customer, staff):
    _confirm_and_run(_start(account, "test.com", staff), customer, staff)
    other = CustomerFactory(name="Someone Else")
    job = _start(account, "test.com", staff, customer=other)
    assert job.state == "failed" and "already belongs to Test Com Ltd" in job.error


def test_a_scope_that_is_not_domain_names_is_refused_on_the_field(account, staff):
    with pytest.raises(ValidationError) as caught:
        imports.import_start(vendor_account=account, scope="not a domain", acting_user=staff, dispatch=False)
    assert "scope" in caught.value.error_dict


def test_an_import_resumes_after_its_worker_died(account, customer, staff, hostway):
    hostway.seed(account=account.root_id, domains=3, mailboxes=30)
    names = sorted(n for n in hostway.domains if n.endswith(".seed1.example"))
    job = _start(account, ",".join(names), staff)
    imports.import_confirm(job=job, mapping={i: customer.pk for i in range(3)}, acting_user=staff, dispatch=False)
    # A worker took it, imported the first domain and died (its claim lapses).
    ImportJob.objects.filter(pk=job.pk).update(cursor={"row": 1, "seen": 10}, domains_done=1, mailboxes_seen=10)
    imports.import_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "done" and Mailbox.objects.count() == 20  # rows 2 and 3
    assert job.domains_done == 3 and job.mailboxes_seen == 30


def test_the_command_proposes_confirms_and_imports(account, customer, staff, capsys):
    call_command("sync_vendor", account.name, "--scope", "test.com", "--customer", customer.reference, "--yes")
    out = capsys.readouterr().out
    assert "test.com (6 mailboxes) -> Test Com Ltd" in out and "7 created" in out
    assert Mailbox.objects.filter(domain__name="test.com").count() == 6


def test_the_command_without_yes_leaves_the_proposal_waiting(account, customer, staff, capsys):
    call_command("sync_vendor", account.name, "--scope", "test.com")
    assert ImportJob.objects.get().state == "proposed" and not Domain.objects.exists()


# ---- the pages -----------------------------------------------------------------------------------------
def test_the_vendor_account_page_offers_the_import_in_the_vendors_words(account, staff_client):
    page = staff_client.get(f"/vendor-accounts/{account.pk}/import/")
    assert page.status_code == 200
    assert b"Import from Hostway" in page.content and b"Hostway has no list of an account" in page.content


def test_the_button_starts_an_import_and_the_proposal_is_confirmed_on_its_page(account, customer, staff_client,
                                                                             settings):
    response = staff_client.post(f"/vendor-accounts/{account.pk}/import/", {"scope": "test.com"})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"
    imports.import_propose(job_id=job.pk)  # the worker's step
    page = staff_client.get(f"/imports/{job.pk}/")
    assert b"Proposed mapping" in page.content and b"test.com" in page.content
    staff_client.post(f"/imports/{job.pk}/", {"row_0": customer.pk})
    job.refresh_from_db()
    assert job.state == "importing" and job.proposal[0]["customer_id"] == customer.pk


def test_the_progress_partial_polls_while_importing_and_answers_286_when_done(account, customer, staff,
                                                                            staff_client):
    job = _start(account, "test.com", staff, customer=customer)
    live = staff_client.get(f"/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert live.status_code == 200 and b'hx-trigger="every 2s"' in live.content
    imports.import_run(job_id=job.pk)
    done = staff_client.get(f"/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert done.status_code == 286 and b"<html" not in done.content and b"100%" in done.content


def test_a_bad_scope_is_shown_on_its_field_and_starts_nothing(account, staff_client):
    page = staff_client.post(f"/vendor-accounts/{account.pk}/import/", {"scope": "no spaces allowed"})
    assert page.status_code == 200 and b"Not a domain name" in page.content and not ImportJob.objects.exists()
