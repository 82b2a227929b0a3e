"""BaseKit account holders' sign-in from the panel: staff send the e-mails from the holder's page; the vendor's
links land on the panel's own public pages, which queue the reset or the validation (secrets encrypted)."""

from __future__ import annotations

import pytest

from customers.models import VendorCustomer
from provisioning.models import Operation, VendorAccount
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(db):
    account = VendorAccount.objects.create(kind="basekit", name="BaseKit", base_url="http://127.0.0.1:9/basekit")
    return VendorCustomer.objects.create(customer=CustomerFactory(), vendor_account=account, vendor_id="500001",
                                         vendor_state="active", title="johnsmith", email="johnsmith@mail.co.uk",
                                         details={"username": "johnsmith"})


def test_the_holders_page_offers_the_reset_and_verification_emails(staff_client, holder):
    page = staff_client.get(f"/vendor-customers/{holder.pk}/").content.decode()
    assert "Send a password reset e-mail" in page and "Send an e-mail verification" in page


def test_staff_send_a_reset_email_through_the_outbox(staff_client, holder):
    staff_client.post(f"/vendor-customers/{holder.pk}/send/reset/", {"by": "email"})
    op = Operation.objects.get(kind="vendor_customer.forgotten_password")
    assert op.payload["email"] == "johnsmith@mail.co.uk"
    assert op.payload["login_link"].endswith(f"/account-holders/{holder.pk}/reset-password/")


def test_the_public_reset_page_queues_the_reset_with_the_hash_as_a_secret(client, holder):
    page = client.get(f"/account-holders/{holder.pk}/reset-password/?h=abc123")
    assert page.status_code == 200 and b'value="abc123"' in page.content
    done = client.post(f"/account-holders/{holder.pk}/reset-password/", {"hash": "abc123", "password": "new-secret-1"})
    assert b"new password is on its way" in done.content
    op = Operation.objects.get(kind="vendor_customer.reset_password")
    assert op.secret_payload == {"hash": "abc123", "password": "new-secret-1"} and "abc123" not in str(op.payload)


def test_a_short_password_is_refused_on_the_public_page(client, holder):
    page = client.post(f"/account-holders/{holder.pk}/reset-password/", {"hash": "abc123", "password": "abc"})
    assert b"at least 6" in page.content and not Operation.objects.exists()


def test_the_public_verification_page_queues_the_token(client, holder):
    client.post(f"/account-holders/{holder.pk}/verify-email/", {"token": "tok-1"})
    assert Operation.objects.get(kind="vendor_customer.validate_email").secret_payload == {"token": "tok-1"}


def test_the_public_pages_are_404_for_a_vendor_without_holder_sign_in(client, holder):
    VendorAccount.objects.filter(pk=holder.vendor_account_id).update(kind="synaq")
    assert client.get(f"/account-holders/{holder.pk}/reset-password/").status_code == 404
