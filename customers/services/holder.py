"""A customer's account holder at a vendor signing in there (BaseKit): forgotten password with the panel's own
reset link, the reset itself with the mailed hash, e-mail verification and its token. Through the outbox."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.views.decorators.debug import sensitive_variables

from core.audit import audit_record
from customers.models import VendorCustomer
from provisioning import services as provisioning
from provisioning.choices import Capability
from provisioning.kinds import holder as kh
from provisioning.models import Operation


def _require(account: VendorCustomer) -> None:
    vendor = account.vendor_account.profile
    if not vendor.can(Capability.ACCOUNT_PASSWORDS):
        raise ValidationError(f"{vendor.label} offers no account holder passwords here.")
    if not account.vendor_id:
        raise ValidationError(f"The {vendor.account_label} is not at {vendor.label} yet.")


def holder_link(name: str, account: VendorCustomer) -> str:
    """The panel's own public page a vendor's e-mail links to (the vendor appends its hash or token)."""
    return settings.PANEL_URL.rstrip("/") + reverse(f"customers:{name}", args=[account.pk])


def _queue(account, payload, *, summary: str, acting_user, secrets=None) -> Operation:
    operation = provisioning.operation_enqueue(payload=payload, vendor_account=account.vendor_account,
                                               customer=account.customer, secrets=secrets, acting_user=acting_user,
                                               summary=summary)
    audit_record(acting_user=acting_user, action=payload.kind, target=account, customer=account.customer,
                 summary=summary)
    return operation


@transaction.atomic
def holder_forgotten_password(*, account: VendorCustomer, by: str = "username", acting_user) -> Operation:
    """Ask the vendor to mail the holder a reset link leading to the panel's reset page."""
    _require(account)
    username = (account.details or {}).get("username", "") or account.title
    if by not in ("username", "email"):
        raise ValidationError({"by": "Find the holder by username or by e-mail."})
    if by == "email" and not account.email:
        raise ValidationError({"by": "The panel has no e-mail address for this holder."})
    payload = kh.HolderForgottenPassword(vendor_customer_id=account.pk, username=username if by == "username" else "",
                                         email=account.email if by == "email" else "",
                                         login_link=holder_link("holder_password_reset", account))
    return _queue(account, payload, summary=f"Send {account.title} a password reset e-mail", acting_user=acting_user)


@sensitive_variables("hash_", "password")
@transaction.atomic
def holder_reset_password(*, account: VendorCustomer, hash_: str, password: str, acting_user=None) -> Operation:
    """Set the holder's new password with the hash from the vendor's e-mail (the vendor checks the hash)."""
    _require(account)
    if not hash_.strip():
        raise ValidationError({"hash": "The link is incomplete: open it from the e-mail again."})
    if not 6 <= len(password) <= 128:
        raise ValidationError({"password": "Between 6 and 128 characters."})
    return _queue(account, kh.HolderResetPassword(vendor_customer_id=account.pk),
                  secrets={"hash": hash_.strip(), "password": password},
                  summary=f"Reset the password of {account.title}", acting_user=acting_user)


@transaction.atomic
def holder_send_verification(*, account: VendorCustomer, acting_user) -> Operation:
    _require(account)
    return _queue(account, kh.HolderSendVerification(vendor_customer_id=account.pk,
                                                     verification_url=holder_link("holder_verify_email", account)),
                  summary=f"Send {account.title} an e-mail verification", acting_user=acting_user)


@sensitive_variables("token")
@transaction.atomic
def holder_validate_email(*, account: VendorCustomer, token: str, acting_user=None) -> Operation:
    _require(account)
    if not token.strip():
        raise ValidationError({"token": "The link is incomplete: open it from the e-mail again."})
    return _queue(account, kh.HolderValidateEmail(vendor_customer_id=account.pk), secrets={"token": token.strip()},
                  summary=f"Validate the e-mail address of {account.title}", acting_user=acting_user)
