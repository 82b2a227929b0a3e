"""Hostway end to end: every documented operation through the real task code against the sandbox over
HTTP, asserting what Hostway now holds and what the panel shows, and each documented refusal reaching the
user on the right field."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from customers import services
from customers.models import Domain, Mailbox
from customers.services import mail_settings as ms
from provisioning import targets
from provisioning.adapters.base import ThrottledError
from provisioning.models import Alert, Operation
from provisioning.services.reads import vendor_login_url, vendor_read
from provisioning.vendors.hostway.client import HostwayClient
from tests.factories import CustomerFactory
from tests.vendors.conftest import account_for, counter

pytestmark = pytest.mark.django_db

GOOD = "Kx7!mQ2#zeta"
GOOD2 = "Wq9$hB4&yolo"


@pytest.fixture
def hostway(sandbox):
    vendor = sandbox.vendor("hostway")
    vendor.delays.update(mailbox_ready=0)
    return vendor


@pytest.fixture
def account(sandbox, hostway):
    return account_for(sandbox, "hostway")


@pytest.fixture
def customer(db):
    return CustomerFactory(name="Test Com Ltd", reference="TEST-001")


@pytest.fixture
def domain(account, customer, staffer, drain, hostway):
    made = services.domain_create(customer=customer, vendor_account=account, name="test.com", acting_user=staffer)
    from customers.services import imports
    for job_id in imports.ImportJob.objects.values_list("pk", flat=True):
        imports.import_run(job_id=job_id)
    made.refresh_from_db()
    return made


def box(hostway, name, domain="test.com"):
    return hostway.domains[domain]["mailboxes"].get(name)


def _ok():
    failed = list(Operation.objects.exclude(state="succeeded").values_list("kind", "state", "last_error"))
    assert not failed, failed


def _failed(kind):
    return Operation.objects.get(kind=kind, state="failed")


def ref(obj):
    name = "mailbox" if isinstance(obj, Mailbox) else "domain"
    return targets.get(name).ref(obj.pk)


# ---- the HTTP edge -----------------------------------------------------------------------------
def test_the_wrapped_error_shape_lands_on_the_field_it_names(account, domain, staffer, drain):
    mailbox = Mailbox.objects.get(local_part="test")
    ms.spam_list_add(obj=mailbox, entries=[("ok@example.com", "B")], acting_user=staffer)
    Operation.objects.filter(kind="mailbox.spam_list_add").update(payload={
        "mailbox_id": mailbox.pk, "entries": [{"address": "x@example.com", "type": "Q"}]})
    drain()
    op = _failed("mailbox.spam_list_add")
    assert op.error_field == "list_type" and "is not one of B, W" in op.last_error


def test_the_flat_error_shape_lands_on_the_field_it_names(account, domain, staffer, drain, hostway):
    mailbox = Mailbox.objects.get(local_part="test")
    ms.forward_add(mailbox=mailbox, targets=["nobody@test.com"], acting_user=staffer)
    drain()
    op = _failed("mailbox.forward_add")
    assert op.error_field == "target" and "Target not found" in op.last_error


def test_overlimit_with_retry_after_backs_off_that_long():
    response = type("R", (), {"status_code": 429, "reason": "Too Many Requests", "headers": {"Retry-After": "60"},
                              "json": lambda self: {"overLimit": {"message": "Too many requests", "code": 429,
                                                                  "details": "", "retryAfter": 60}},
                              "content": b"x", "text": "x"})()
    error = HostwayClient.from_response(response)
    assert isinstance(error, ThrottledError) and error.retry_after == 60


def test_overlimit_without_a_header_still_backs_off_by_its_body():
    response = type("R", (), {"status_code": 429, "reason": "", "headers": {},
                              "json": lambda self: {"overLimit": {"message": "Too many", "code": 429,
                                                                  "retryAfter": 30}}, "content": b"x", "text": "x"})()
    assert HostwayClient.from_response(response).retry_after == 30


# ---- domains: adopt ----------------------------------------------------------------------------------
def test_adopting_a_domain_brings_its_mailboxes(domain):
    assert domain.vendor_state == "active" and domain.vendor_id == "test.com"
    assert set(domain.mailboxes.values_list("local_part", flat=True)) >= {"test", "mb1", "test-mb"}


def test_adopting_a_domain_hostway_does_not_hold_is_refused_on_the_name(account, customer, staffer):
    with pytest.raises(ValidationError) as caught:
        services.domain_create(customer=customer, vendor_account=account, name="absent.example", acting_user=staffer)
    assert "holds no email domain absent.example" in caught.value.message_dict["name"][0]
    assert not Domain.objects.exists()


def test_aliases_are_read(account, domain):
    assert vendor_read(account=account, what="aliases", ref=ref(domain)) == ["test-com-alias.com",
                                                                            "test-alias-2.com"]


# ---- mailboxes -------------------------------------------------------------------------------------------
def test_a_mailbox_is_created_201_with_its_type_and_quota(domain, staffer, drain, hostway):
    services.mailbox_create(domain=domain, local_part="jane", password=GOOD, edition="premium", quota_mb=3000,
                            acting_user=staffer)
    drain()
    _ok()
    held = box(hostway, "jane")
    assert held["ox"]["type"] == "premium" and held["quota"] == 3000
    mailbox = Mailbox.objects.get(local_part="jane")
    assert mailbox.vendor_state == "active" and mailbox.vendor_attrs["kind"] == "mailbox"


def test_a_password_the_rules_refuse_never_leaves_the_panel(domain, staffer, hostway):
    with pytest.raises(ValidationError) as caught:
        services.mailbox_create(domain=domain, local_part="jane", password="abcdefgH1!", acting_user=staffer)
    assert "should not start with 'abc'" in caught.value.message_dict["password"][0]
    assert box(hostway, "jane") is None and not Operation.objects.filter(kind="mailbox.create").exists()


def test_a_password_hostway_still_refuses_is_shown_on_the_password_field(domain, staffer, drain, hostway):
    mailbox = Mailbox.objects.get(local_part="test")
    services.mailbox_set_password(mailbox=mailbox, password=GOOD, acting_user=staffer)
    services.mailbox_set_password(mailbox=mailbox, password=GOOD, acting_user=staffer)
    drain()
    op = _failed("mailbox.set_password")
    assert op.error_field == "password" and "used more than once" in op.last_error


def test_a_retried_create_adopts_instead_of_changing_the_password(domain, staffer, drain, hostway):
    services.mailbox_create(domain=domain, local_part="jane", password=GOOD, acting_user=staffer)
    drain()
    op = Operation.objects.get(kind="mailbox.create")
    Operation.objects.filter(pk=op.pk).update(state="pending", attempts=1)  # as if the answer had been lost
    drain()
    assert box(hostway, "jane")["history"] == [GOOD]
    assert Operation.objects.get(pk=op.pk).state == "succeeded"


def test_an_exchange_mailbox_is_created_beside_regular_ones(domain, staffer, drain, hostway):
    services.mailbox_create(domain=domain, local_part="john.smith", password=GOOD, first_name="John",
                            edition="exchange:premium", acting_user=staffer)
    drain()
    _ok()
    held = box(hostway, "john.smith")
    assert held["kind"] == "exchange" and held["type"] == "premium" and held["fields"]["displayName"] == "John"
    assert Mailbox.objects.get(local_part="john.smith").vendor_attrs["kind"] == "exchange"


def test_an_exchange_password_must_start_with_a_letter(domain, staffer):
    with pytest.raises(ValidationError) as caught:
        services.mailbox_create(domain=domain, local_part="john", password="!q2w3e4R9x", edition="exchange:standard",
                                acting_user=staffer)
    assert "should start with a letter" in caught.value.message_dict["password"][0]


def test_the_mailbox_exchange_name_clash_is_explained_on_the_name(domain, staffer, drain, hostway):
    Mailbox.objects.filter(local_part="test-mb").delete()  # the panel forgot it; Hostway still has it
    services.mailbox_create(domain=domain, local_part="test-mb", password=GOOD, acting_user=staffer)
    drain()
    op = _failed("mailbox.create")
    assert op.error_field == "local_part" and "one namespace" in op.last_error
    assert "an Exchange mailbox" in op.last_error


def test_exchange_details_names_and_password_are_changed(domain, staffer, drain, hostway, account):
    mailbox = Mailbox.objects.get(local_part="test-mb")
    services.mailbox_update(mailbox=mailbox, first_name="Testy", acting_user=staffer)
    services.mailbox_set_password(mailbox=mailbox, password=GOOD, acting_user=staffer)
    drain()
    _ok()
    held = box(hostway, "test-mb")
    assert held["fields"]["firstName"] == "Testy" and held["password"] == GOOD
    assert vendor_read(account=account, what="exchange", ref=ref(mailbox))["firstName"] == "Testy"


def test_quota_and_type_are_changed(domain, staffer, drain, hostway):
    mailbox = Mailbox.objects.get(local_part="jack.smith")
    ms.mailbox_set_quota(mailbox=mailbox, quota_mb=1500, acting_user=staffer)
    ms.mailbox_set_webmail(mailbox=mailbox, webmail_type="activesync", acting_user=staffer)
    drain()
    _ok()
    assert box(hostway, "jack.smith")["ox"]["type"] == "activesync"
    assert Mailbox.objects.get(pk=mailbox.pk).edition == "activesync"


def test_a_mailbox_without_webmail_gets_an_ox_account(domain, staffer, drain, hostway, account):
    mailbox = Mailbox.objects.get(local_part="mfg-mbox")
    assert vendor_read(account=account, what="webmail", ref=ref(mailbox)) is None
    ms.mailbox_set_webmail(mailbox=mailbox, webmail_type="standard", acting_user=staffer)
    drain()
    _ok()
    assert box(hostway, "mfg-mbox")["ox"]["type"] == "standard"


def test_a_type_past_the_domains_limit_is_refused_on_the_type(domain, staffer, drain, hostway):
    hostway.domains["test.com"]["limits"]["activesync"] = 1
    for name in ("jack.smith", "mb1"):
        ms.mailbox_set_webmail(mailbox=Mailbox.objects.get(local_part=name), webmail_type="activesync",
                               acting_user=staffer)
    drain()
    op = _failed("mailbox.set_webmail")
    assert op.error_field == "edition" and "Number of mailboxes exceeded" in op.last_error


def test_a_mailbox_is_deleted_and_gone_here_too(domain, staffer, drain, hostway):
    mailbox = Mailbox.objects.get(local_part="jack.smith")
    services.mailbox_delete(mailbox=mailbox, confirm=mailbox.address, acting_user=staffer)
    drain()
    _ok()
    assert box(hostway, "jack.smith") is None and not Mailbox.objects.filter(pk=mailbox.pk).exists()


def test_an_exchange_mailbox_is_deleted(domain, staffer, drain, hostway):
    mailbox = Mailbox.objects.get(local_part="test-mb")
    services.mailbox_delete(mailbox=mailbox, confirm=mailbox.address, acting_user=staffer)
    drain()
    _ok()
    assert box(hostway, "test-mb") is None


def test_the_mailbox_list_filters_sorts_and_pages(account, domain):
    page = vendor_read(account=account, what="mailboxes", ref=ref(domain), page=1, page_size=2, search="m",
                       sort="username", order="desc")
    assert page["total"] == 5 and [i["username"] for i in page["items"]] == ["test-mb", "mfg-mbox"]


def test_message_counts_are_read_for_both_kinds(account, domain):
    counts = vendor_read(account=account, what="message_counts", ref=ref(Mailbox.objects.get(local_part="test")))
    assert counts["inbox"] == {"all": 3, "unread": 3}
    assert vendor_read(account=account, what="message_counts",
                       ref=ref(Mailbox.objects.get(local_part="test-mb")))["sent"] == {"all": 0, "unread": 0}


def test_a_new_mailbox_without_its_store_yet_says_so(domain, staffer, drain, hostway, account):
    hostway.delays.update(mailbox_ready=60)
    services.mailbox_create(domain=domain, local_part="fresh", password=GOOD, acting_user=staffer)
    drain()
    from provisioning.adapters.base import VendorError
    with pytest.raises(VendorError) as caught:
        vendor_read(account=account, what="message_counts", ref=ref(Mailbox.objects.get(local_part="fresh")))
    assert "No IMAP connection" in caught.value.message


# ---- forwards, auto-responder ------------------------------------------------------------------------
def test_forwards_are_set_listed_and_one_deleted(domain, staffer, drain, hostway, account):
    mailbox = Mailbox.objects.get(local_part="test")
    ms.forward_add(mailbox=mailbox, targets=["jack.smith@test.com", "elsewhere@example.org"], acting_user=staffer)
    drain()
    ms.forward_remove(mailbox=mailbox, target="mb1@test.com", acting_user=staffer)
    drain()
    _ok()
    assert box(hostway, "test")["forwards"] == ["jack.smith@test.com", "elsewhere@example.org"]
    assert vendor_read(account=account, what="forwards", ref=ref(mailbox)) == ["jack.smith@test.com",
                                                                              "elsewhere@example.org"]
    assert Mailbox.objects.get(pk=mailbox.pk).vendor_attrs["forwards"] == ["jack.smith@test.com",
                                                                           "elsewhere@example.org"]


def test_a_circular_forward_is_refused_plainly(domain, staffer, drain):
    ms.forward_add(mailbox=Mailbox.objects.get(local_part="test"), targets=["test@test-com-alias.com"],
                   acting_user=staffer)
    drain()
    op = _failed("mailbox.forward_add")
    assert "Circular target" in op.last_error


def test_the_autoresponder_is_set_and_read(domain, staffer, drain, hostway, account):
    mailbox = Mailbox.objects.get(local_part="test")
    ms.autoresponder_set(mailbox=mailbox, subject="Away", body="Back on Monday.", active=True, acting_user=staffer)
    drain()
    _ok()
    assert box(hostway, "test")["autoresponder"] == {"body": "Back on Monday.", "active": True, "subject": "Away"}
    assert vendor_read(account=account, what="autoresponder", ref=ref(mailbox))["subject"] == "Away"


# ---- spam lists and filters ----------------------------------------------------------------------------
def test_domain_list_entries_are_added_many_read_one_and_deleted_one(domain, staffer, drain, hostway, account):
    ms.spam_list_add(obj=domain, entries=[("spam@bad.example", "B"), ("@good.example", "W")], acting_user=staffer)
    drain()
    ms.spam_list_remove(obj=domain, address="mb2-black@domain.com", acting_user=staffer)
    drain()
    _ok()
    held = hostway.domains["test.com"]["bwl"]
    assert held["spam@bad.example"] == "B" and held["@good.example"] == "W" and "mb2-black@domain.com" not in held
    assert vendor_read(account=account, what="spam_list_entry", ref=ref(domain), address="@good.example") == {
        "address": "@good.example", "type": "W"}
    page = vendor_read(account=account, what="spam_list", ref=ref(domain), list_type="W")
    assert {i["address"] for i in page["items"]} == {"mb1-white@somedomain.com", "@good.example"}


def test_mailbox_list_entries_are_added_and_deleted(domain, staffer, drain, hostway, account):
    mailbox = Mailbox.objects.get(local_part="mb1")
    ms.spam_list_add(obj=mailbox, entries=[("a@x.example", "B"), ("b@y.example", "W")], acting_user=staffer)
    drain()
    ms.spam_list_remove(obj=mailbox, address="a@x.example", acting_user=staffer)
    drain()
    _ok()
    assert box(hostway, "mb1")["bwl"] == {"b@y.example": "W"}
    assert vendor_read(account=account, what="spam_list_entry", ref=ref(mailbox), address="a@x.example") is None


def test_deleting_a_list_entry_hostway_no_longer_has_is_not_a_failure(domain, staffer, drain):
    ms.spam_list_remove(obj=domain, address="never@there.example", acting_user=staffer)
    drain()
    _ok()


def test_cleanmailplus_is_set_for_the_domain_and_a_mailbox(domain, staffer, drain, hostway, account):
    mailbox = Mailbox.objects.get(local_part="test")
    ms.spam_filter_set(obj=domain, settings={"SPAM_LEVEL": "3"}, acting_user=staffer)
    ms.spam_filter_set(obj=mailbox, settings={"SPAM_ACTION": "1"}, acting_user=staffer)
    drain()
    _ok()
    assert hostway.domains["test.com"]["cmp"] == {"SPAM_LEVEL": "3"} and box(hostway, "test")["cmp"] == {
        "SPAM_ACTION": "1"}
    fields = {f["fieldName"]: f["selected"] for f in vendor_read(account=account, what="spam_filter",
                                                                  ref=ref(mailbox))}
    assert fields["SPAM_LEVEL"] == "3" and fields["SPAM_ACTION"] == "1"  # inherits the domain's


def test_a_cleanmailplus_value_hostway_refuses_is_on_the_attributes_field(domain, staffer, drain):
    ms.spam_filter_set(obj=domain, settings={"SPAM_LEVEL": "99"}, acting_user=staffer)
    drain()
    assert _failed("domain.set_spam_filter").error_field == "attributes"


# ---- InfoStore, statistics, webmail options ------------------------------------------------------------
def test_infostore_quota_is_set_and_usage_and_type_counts_read(domain, staffer, drain, hostway, account):
    ms.domain_set_storage_quota(domain=domain, quota=50, acting_user=staffer)
    drain()
    _ok()
    storage = vendor_read(account=account, what="storage", ref=ref(domain))
    assert storage["quota"] == 50 and storage["usage"] == 0
    assert storage["types"]["numStandard"] == 4 and storage["types"]["numExchange2013Standard"] == 1


def test_the_domains_webmail_upgrade_option_and_limits(domain, staffer, drain, hostway, account):
    ms.domain_set_webmail_upgrade(domain=domain, allow_upgrade=False, acting_user=staffer)
    drain()
    _ok()
    options = vendor_read(account=account, what="webmail_options", ref=ref(domain))
    assert options["allow_upgrade"] is False and options["upgrade_possible"] is True
    assert {t["type"]: t["limit"] for t in options["types"]}["activesync"] == 2


# ---- secret questions -----------------------------------------------------------------------------------
def test_secret_questions_and_the_minimum_are_read(account, domain):
    catalogue = vendor_read(account=account, what="secret_questions", ref=None)
    assert catalogue["minimum"] == 3 and "tk1" in catalogue["questions"]


def test_answers_are_set_and_never_kept(domain, staffer, drain, hostway, account):
    mailbox = Mailbox.objects.get(local_part="jack.smith")
    ms.mailbox_set_secrets(mailbox=mailbox, answers={"tk1": "Rex", "tk2": "Durban", "tk3": "Beetle"}, minimum=3,
                           acting_user=staffer)
    drain()
    _ok()
    assert box(hostway, "jack.smith")["secrets"] == {"tk1": "Rex", "tk2": "Durban", "tk3": "Beetle"}
    assert Operation.objects.get(kind="mailbox.set_secrets").secret_payload is None
    assert vendor_read(account=account, what="secrets", ref=ref(mailbox)) == ["tk1", "tk2", "tk3"]


def test_too_few_answers_are_refused_before_sending(domain, staffer):
    with pytest.raises(ValidationError) as caught:
        ms.mailbox_set_secrets(mailbox=Mailbox.objects.get(local_part="test"), answers={"tk1": "Rex"}, minimum=3,
                               acting_user=staffer)
    assert "at least 3" in caught.value.message_dict["answers"][0]


def test_the_password_is_reset_by_the_right_answers(domain, staffer, drain, hostway):
    mailbox = Mailbox.objects.get(local_part="mailbox123")
    ms.mailbox_reset_password(mailbox=mailbox, answers={"tk1": "answer123", "tk2": "answer2"}, password=GOOD2,
                              acting_user=staffer)
    drain()
    _ok()
    assert box(hostway, "mailbox123")["password"] == GOOD2


def test_a_wrong_answer_is_a_plain_409_on_the_answers(domain, staffer, drain, hostway):
    mailbox = Mailbox.objects.get(local_part="mailbox123")
    ms.mailbox_reset_password(mailbox=mailbox, answers={"tk1": "wrong"}, password=GOOD2, acting_user=staffer)
    drain()
    op = _failed("mailbox.reset_password")
    assert op.error_field == "answers" and "do not match" in op.last_error
    assert box(hostway, "mailbox123")["password"] != GOOD2
    assert Alert.objects.filter(operation=op).exists()


def test_an_exchange_password_is_reset_by_its_answers(domain, staffer, drain, hostway):
    mailbox = Mailbox.objects.get(local_part="test-mb")
    ms.mailbox_reset_password(mailbox=mailbox, answers={"tk1": "answer123"}, password=GOOD2, acting_user=staffer)
    drain()
    _ok()
    assert box(hostway, "test-mb")["password"] == GOOD2


# ---- migration ticket, spam control panel ----------------------------------------------------------------
def test_a_migration_failure_ticket_reaches_hostway(domain, staffer, drain, hostway):
    ms.mailbox_migration_ticket(mailbox=Mailbox.objects.get(local_part="test"), subject="IMAP copy failed",
                                body="Stopped at 40%.", acting_user=staffer)
    drain()
    _ok()
    assert hostway.tickets[-1]["subject"] == "IMAP copy failed"


def test_the_spam_control_panel_link_is_fetched_at_click_time(account, domain, hostway, sandbox):
    before = counter(sandbox, "hostway", "GET /accounts/<account>/avas/<domain>/SSOLink")
    url = vendor_login_url(account=account, ref=ref(domain))
    assert url.startswith("https://avas.hostway.example/sso?domain=test.com&token=")
    assert counter(sandbox, "hostway", "GET /accounts/<account>/avas/<domain>/SSOLink") == before + 1


# ---- 404s ------------------------------------------------------------------------------------------------
def test_a_mailbox_gone_at_hostway_answers_404_on_its_field(domain, staffer, drain, hostway):
    del hostway.domains["test.com"]["mailboxes"]["mb1"]
    ms.forward_add(mailbox=Mailbox.objects.get(local_part="mb1"), targets=["x@example.org"], acting_user=staffer)
    drain()
    op = _failed("mailbox.forward_add")
    assert "Mailbox not found" in op.last_error
