"""Two-factor sign-in on django-otp: a TOTP device per user, and recovery codes (a static device).

Required for the staff roles in ``OTP_REQUIRED_ROLES`` (administrators), optional for everyone else.
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.audit import audit_record

RECOVERY_CODES = 10


def required_for(user) -> bool:
    """Whether ``user`` must sign in with a second factor (their staff role says so)."""
    return bool(getattr(user, "is_reseller_staff", False)) and user.staff_role in settings.OTP_REQUIRED_ROLES


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def totp_begin(user) -> TOTPDevice:
    """A new, unconfirmed authenticator for ``user`` (a half-finished one before it is replaced)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def pending_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an inline SVG QR code (no script, no external image)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)


def secret_text(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app by hand."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def totp_confirm(user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator with a code from it; the new recovery codes (shown once), or None."""
    if not device.verify_token((code or "").replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_new(user)
    audit_record(acting_user=user, action="two_factor.enable", target=user, target_type="user",
                 summary="Turned on two-factor sign-in")
    return codes


@transaction.atomic
def recovery_codes_new(user) -> list[str]:
    """Ten new single-use recovery codes; the old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def two_factor_disable(user, *, acting_user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(acting_user=acting_user, action="two_factor.disable", target=user, target_type="user",
                 summary="Turned off two-factor sign-in")


def verify(user, code: str):
    """The device (authenticator or recovery codes) that accepts ``code``, or None. django-otp's own
    throttling slows guessing down after each failure."""
    code = (code or "").replace(" ", "").strip()[:16]
    if not code:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if device.verify_is_allowed()[0] and device.verify_token(code):
                return device
    return None


def verify_device_for_session(user) -> TOTPDevice | None:
    """The confirmed authenticator just set up, to mark the session that set it up as verified."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
