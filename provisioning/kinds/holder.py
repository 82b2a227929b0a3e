"""Kinds on a vendor-side account holder's own sign-in (BaseKit): forgotten and reset password, e-mail
verification. The vendor mails the holder; the links in those mails lead to the panel's own pages."""

from __future__ import annotations

from dataclasses import dataclass

from provisioning.kinds.base import Payload


@dataclass(frozen=True)
class HolderForgottenPassword(Payload):
    """Ask the vendor to mail the holder a reset link (``login_link?h={hash}``), found by username or e-mail."""

    kind = "vendor_customer.forgotten_password"
    label = "Send a password reset e-mail"
    target_type = "vendor_customer"

    vendor_customer_id: int
    username: str = ""
    email: str = ""
    login_link: str = ""


@dataclass(frozen=True)
class HolderResetPassword(Payload):
    """Set the holder's new password with the hash from the reset e-mail (both travel encrypted)."""

    kind = "vendor_customer.reset_password"
    label = "Reset the account holder's password"
    target_type = "vendor_customer"
    secrets = ("hash", "password")

    vendor_customer_id: int


@dataclass(frozen=True)
class HolderSendVerification(Payload):
    kind = "vendor_customer.send_verification"
    label = "Send an e-mail verification"
    target_type = "vendor_customer"

    vendor_customer_id: int
    verification_url: str = ""


@dataclass(frozen=True)
class HolderValidateEmail(Payload):
    """Validate the token the verification e-mail carried (it travels encrypted)."""

    kind = "vendor_customer.validate_email"
    label = "Validate the account holder's e-mail"
    target_type = "vendor_customer"
    secrets = ("token",)

    vendor_customer_id: int


ALL = (HolderForgottenPassword, HolderResetPassword, HolderSendVerification, HolderValidateEmail)
