"""BaseKit end to end: account holders and account domains adopted, the active flag followed, mailboxes added
and followed out of pending, deleted, webmail login tokens, the holder's password reset and e-mail
verification, through the real task code against the sandbox over HTTP."""

from __future__ import annotations

import pytest
import requests
from django.core.exceptions import ValidationError

from customers import services
from customers.models import Domain, Mailbox, VendorCustomer
from customers.services import holder as holders
from customers.services import imports
from provisioning import targets
from provisioning.models import Alert, Operation
from provisioning.services.reads import vendor_login_url, vendor_read
from tests.factories import CustomerFactory
from tests.vendors.conftest import account_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def basekit(sandbox):
    vendor = sandbox.vendor("basekit")
    vendor.delays.update(mailbox_active=0, domain_active=0)
    return vendor


@pytest.fixture
def account(sandbox, basekit):
    return account_for(sandbox, "basekit", options={
        "webmail_url": sandbox.base_url("basekit") + "/webmail/login?token={token}"})


@pytest.fixture
def customer(db):
    return CustomerFactory(name="John Smith Brewing", reference="JSB-001", email="john@example.com")


def adopt(account, customer, staffer, name="johnsmith.co.uk", owner="500001"):
    domain = services.domain_create(customer=customer, vendor_account=account, name=name, owner=owner,
                                    acting_user=staffer)
    for job_id in imports.ImportJob.objects.filter(state="importing").values_list("pk", flat=True):
        imports.import_run(job_id=job_id)
    domain.refresh_from_db()
    return domain


@pytest.fixture
def domain(account, customer, staffer):
    return adopt(account, customer, staffer)


def held(basekit, domain_name, user):
    ref = basekit.domain_names[domain_name]
    return basekit.domains[ref]["mailboxes"].get(user)


def _ok():
    failed = list(Operation.objects.exclude(state="succeeded").values_list("kind", "state", "last_error"))
    assert not failed, failed


def ref(obj):
    return targets.get({Mailbox: "mailbox", Domain: "domain", VendorCustomer: "vendor_customer"}[type(obj)]).ref(obj.pk)


# ---- account holders and account domains ----------------------------------------------------------
def test_adopting_a_domain_brings_its_holder_and_mailboxes(domain, customer):
    assert domain.vendor_id == "1" and domain.vendor_state == "active"
    holder = domain.vendor_customer
    assert holder.customer == customer and holder.vendor_id == "500001" and holder.details["username"] == "johnsmith"
    assert list(domain.mailboxes.values_list("local_part", "vendor_state")) == [("john", "active")]


def test_adopting_needs_the_holder_until_the_customer_has_one(account, customer, staffer, domain):
    second = adopt(account, customer, staffer, name="johnsmith-shop.co.uk", owner="")
    assert second.vendor_customer == domain.vendor_customer


def test_a_holder_without_that_domain_is_refused_on_the_name(account, customer, staffer):
    with pytest.raises(ValidationError) as caught:
        services.domain_create(customer=customer, vendor_account=account, name="janedoe.co.uk", owner="500001",
                               acting_user=staffer)
    assert "has no account domain janedoe.co.uk" in caught.value.message_dict["name"][0]


def test_an_unknown_holder_is_refused_plainly(account, customer, staffer):
    with pytest.raises(ValidationError) as caught:
        services.domain_create(customer=customer, vendor_account=account, name="x.co.uk", owner="999",
                               acting_user=staffer)
    assert "no account holder 999" in caught.value.message_dict["name"][0]


def test_a_domain_not_yet_active_is_followed_until_it_is(account, customer, staffer, basekit, drain):
    basekit.delays.update(domain_active=3600)
    basekit.add_account_domain(500001, "slow.co.uk")
    domain = adopt(account, customer, staffer, name="slow.co.uk")
    assert domain.vendor_state == "pending"
    op = Operation.objects.get(kind="domain.sync")
    drain(max_steps=3)
    assert Operation.objects.get(pk=op.pk).state == "polling"
    basekit.domains[basekit.domain_names["slow.co.uk"]]["active"] = 1
    drain()
    _ok()
    assert Domain.objects.get(pk=domain.pk).vendor_state == "active"


def test_a_domain_that_stays_inactive_opens_an_alert(account, customer, staffer, basekit, drain):
    account.options = {**account.options, "active_alert_minutes": 0}
    account.save()
    basekit.delays.update(domain_active=3600)
    basekit.add_account_domain(500001, "stuck.co.uk")
    domain = adopt(account, customer, staffer, name="stuck.co.uk")
    drain()
    alert = Alert.objects.get(kind="domain_not_ready", target_id=domain.pk)
    assert "not active at BaseKit" in alert.title


def test_a_holders_whole_estate_is_imported_by_ref(account, customer, staffer, basekit):
    out = basekit.seed(account_holders=1, domains=3, mailboxes=30)
    holder = out["account_holder_refs"][0]
    job = imports.import_start(vendor_account=account, scope=str(holder), acting_user=staffer, dispatch=False)
    imports.import_propose(job_id=job.pk)
    job.refresh_from_db()
    assert len(job.proposal) == 3 and job.proposal[0]["owner"]["vendor_id"] == str(holder)
    imports.import_confirm(job=job, mapping={0: customer.pk, 1: customer.pk, 2: customer.pk}, acting_user=staffer,
                           dispatch=False)
    imports.import_run(job_id=job.pk)
    assert Mailbox.objects.filter(domain__vendor_customer__vendor_id=str(holder)).count() == 30


def test_the_holders_domains_and_mailboxes_are_listed(account, domain):
    holder = domain.vendor_customer
    assert [d["name"] for d in vendor_read(account=account, what="account_domains", ref=ref(holder))] == [
        "johnsmith.co.uk", "johnsmith-shop.co.uk"]
    assert vendor_read(account=account, what="mailboxes", ref=ref(holder))["items"][0]["user"] == "john@johnsmith.co.uk"
    assert vendor_read(account=account, what="mailboxes", ref=ref(domain))["items"] == [
        {"user": "john@johnsmith.co.uk", "status": "active"}]


# ---- mailboxes --------------------------------------------------------------------------------------------
def test_a_mailbox_is_added_pending_and_followed_until_active(domain, staffer, basekit, drain):
    basekit.delays.update(mailbox_active=3600)
    mailbox = services.mailbox_create(domain=domain, local_part="brewer", password="hops-and-malt-9",
                                      acting_user=staffer)
    drain(max_steps=3)
    assert Mailbox.objects.get(pk=mailbox.pk).vendor_state == "pending"
    assert held(basekit, "johnsmith.co.uk", "brewer")["status"] == "pending"
    held(basekit, "johnsmith.co.uk", "brewer")["status"] = "active"
    drain()
    _ok()
    assert Mailbox.objects.get(pk=mailbox.pk).vendor_state == "active"


def test_a_mailbox_that_stays_pending_opens_an_alert(account, domain, staffer, basekit, drain):
    account.options = {**account.options, "pending_alert_minutes": 0}
    account.save()
    basekit.delays.update(mailbox_active=3600)
    mailbox = services.mailbox_create(domain=domain, local_part="slowpoke", password="hops-and-malt-9",
                                      acting_user=staffer)
    drain()
    assert Alert.objects.get(kind="mailbox_pending", target_id=mailbox.pk).resolved_at is None


def test_a_retried_add_adopts_the_mailbox_instead_of_failing(domain, staffer, basekit, drain):
    services.mailbox_create(domain=domain, local_part="twice", password="hops-and-malt-9", acting_user=staffer)
    drain()
    op = Operation.objects.get(kind="mailbox.create")
    Operation.objects.filter(pk=op.pk).update(state="pending", attempts=1, vendor_result={})
    drain()
    assert Operation.objects.get(pk=op.pk).state == "succeeded"
    assert len([u for u in basekit.domains[1]["mailboxes"] if u == "twice"]) == 1


def test_a_password_basekit_refuses_is_shown_on_the_password_field(domain, staffer, drain):
    services.mailbox_create(domain=domain, local_part="shorty", password="abc", acting_user=staffer)
    drain()
    op = Operation.objects.get(kind="mailbox.create")
    assert op.state == "failed" and op.error_field == "password" and "between 6 and 128" in op.last_error


def test_a_mailbox_password_change_is_refused_as_undocumented(domain, staffer, drain):
    services.mailbox_set_password(mailbox=Mailbox.objects.get(local_part="john"), password="new-password-99",
                                  acting_user=staffer)
    drain()
    op = Operation.objects.get(kind="mailbox.set_password")
    assert op.state == "failed" and op.error_field == "password" and "documents no way" in op.last_error


def test_a_mailbox_is_deleted(domain, staffer, basekit, drain):
    mailbox = Mailbox.objects.get(local_part="john")
    services.mailbox_delete(mailbox=mailbox, confirm=mailbox.address, acting_user=staffer)
    drain()
    _ok()
    assert held(basekit, "johnsmith.co.uk", "john") is None and not Mailbox.objects.filter(pk=mailbox.pk).exists()


def test_webmail_opens_through_a_login_token_fetched_at_click_time(account, domain, sandbox):
    url = vendor_login_url(account=account, ref=ref(Mailbox.objects.get(local_part="john")))
    page = requests.get(url, timeout=5)
    assert page.status_code == 200 and "signed in as john@johnsmith.co.uk" in page.text
    assert requests.get(url, timeout=5).status_code == 401  # one-time


def test_a_404_for_a_gone_domain_reaches_the_operation(domain, staffer, basekit, drain):
    del basekit.domains[1]["mailboxes"]["john"]
    services.mailbox_delete(mailbox=Mailbox.objects.get(local_part="john"), confirm="john@johnsmith.co.uk",
                            acting_user=staffer)
    drain()
    _ok()  # already gone is what was asked


# ---- the account holder's own sign-in ---------------------------------------------------------------------
def test_forgotten_password_mails_the_panels_own_reset_link(domain, staffer, basekit, drain, settings):
    holders.holder_forgotten_password(account=domain.vendor_customer, by="email", acting_user=staffer)
    drain()
    _ok()
    mail = basekit.outbox[-1]
    assert mail["to"] == "johnsmith@mail.co.uk"
    page = f"{settings.PANEL_URL}/account-holders/{domain.vendor_customer.pk}/reset-password/"
    assert mail["link"].startswith(page + "?h=")


def test_the_password_is_reset_with_the_mailed_hash(domain, staffer, basekit, drain):
    holders.holder_forgotten_password(account=domain.vendor_customer, acting_user=staffer)
    drain()
    holders.holder_reset_password(account=domain.vendor_customer, hash_=basekit.outbox[-1]["hash"],
                                  password="a-new-holder-pass")
    drain()
    _ok()
    assert basekit.holders[500001]["passwordHash"] is not None
    assert Operation.objects.get(kind="vendor_customer.reset_password").secret_payload is None


def test_a_stale_hash_is_refused_on_the_hash_field(domain, staffer, drain):
    holders.holder_reset_password(account=domain.vendor_customer, hash_="not-a-real-hash", password="a-new-pass")
    drain()
    op = Operation.objects.get(kind="vendor_customer.reset_password")
    assert op.state == "failed" and op.error_field == "hash" and "invalid or has expired" in op.last_error


def test_an_email_is_verified_with_the_mailed_token(domain, staffer, basekit, drain):
    holders.holder_send_verification(account=domain.vendor_customer, acting_user=staffer)
    drain()
    token = basekit.outbox[-1]["token"]
    assert "/account-holders/" in basekit.outbox[-1]["link"] and "verify-email" in basekit.outbox[-1]["link"]
    holders.holder_validate_email(account=domain.vendor_customer, token=token)
    drain()
    _ok()
    assert basekit.holders[500001]["emailVerified"] is True
    assert VendorCustomer.objects.get(pk=domain.vendor_customer.pk).details["email_verified"] is True


def test_an_invalid_token_is_a_400_on_the_token_field(domain, drain):
    holders.holder_validate_email(account=domain.vendor_customer, token="nope")
    drain()
    op = Operation.objects.get(kind="vendor_customer.validate_email")
    assert op.state == "failed" and op.error_field == "token"
