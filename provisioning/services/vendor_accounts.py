"""Vendor accounts managed in the console (admins only): add, edit, disable and enable, credentials entered
here (encrypted at rest, never shown back in full; a new value replaces the old, an empty one keeps it), and
"test connection": one harmless authenticated call through the vendor's adapter."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from core.audit import audit_record
from core.permissions import VENDOR_ACCOUNTS_MANAGE, require
from provisioning.adapters.base import AuthError, VendorError
from provisioning.choices import VendorKind
from provisioning.models import VendorAccount
from provisioning.services.context import Context
from provisioning.vendors import profile

FIELDS = ("name", "base_url", "root_id", "options")


def _clean_credentials(kind: str, given: dict, *, held: dict | None) -> tuple[dict, list[str]]:
    """The credentials to keep: given values replace held ones, empty ones keep them. Returns them with the
    names replaced (for the audit row: names only, never values)."""
    fields = profile(kind).credential_fields
    unknown = set(given) - {f.name for f in fields}
    if unknown:
        raise ValueError(f"not credentials of {kind}: {sorted(unknown)}")
    result = dict(held or {})
    replaced = []
    for f in fields:
        value = (given.get(f.name) or "").strip()
        if value and value != result.get(f.name):
            result[f.name] = value
            replaced.append(f.name)
    missing = [f for f in fields if f.secret and not result.get(f.name)]
    if missing:
        raise ValidationError({f"credential_{f.name}": f"Enter the {f.label}." for f in missing})
    return result, replaced


def _save(account: VendorAccount) -> None:
    account.full_clean(exclude=["credentials"])
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as exc:
        raise ValidationError({"name": "A vendor account with this name already exists."}) from exc


@sensitive_variables("credentials", "clean")
@transaction.atomic
def vendor_account_create(*, kind: str, name: str, base_url: str, credentials: dict, root_id: str = "",
                          options: dict | None = None, acting_user) -> VendorAccount:
    """Add a vendor account with its credentials (encrypted at rest)."""
    require(acting_user, VENDOR_ACCOUNTS_MANAGE)
    if kind not in VendorKind.values:
        raise ValidationError({"kind": "Choose one of the vendors."})
    clean, _ = _clean_credentials(kind, credentials, held=None)
    account = VendorAccount(kind=kind, name=name.strip(), base_url=base_url.strip(), root_id=root_id.strip(),
                            options=options or {}, credentials=clean)
    if VendorAccount.objects.filter(name__iexact=account.name).exists():
        raise ValidationError({"name": "A vendor account with this name already exists."})
    _save(account)
    audit_record(acting_user=acting_user, action="vendor_account.create", target=account,
                 summary=f"Added vendor account {account.name} ({account.kind_label})",
                 changes={"credentials": sorted(clean)})
    return account


@sensitive_variables("credentials", "clean")
@transaction.atomic
def vendor_account_update(*, account: VendorAccount, acting_user, credentials: dict | None = None,
                          **changes) -> VendorAccount:
    """Change the account's details; a credential entered replaces the old one, an empty one keeps it. The audit
    row names what changed (credentials by name only)."""
    require(acting_user, VENDOR_ACCOUNTS_MANAGE)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValueError(f"not vendor account fields: {sorted(unknown)}")
    account = VendorAccount.objects.select_for_update().get(pk=account.pk)
    diff = {}
    for name, value in changes.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(account, name) != value:
            diff[name] = [str(getattr(account, name)), str(value)]
            setattr(account, name, value)
    clean, replaced = _clean_credentials(account.kind, credentials or {}, held=account.credentials)
    if replaced:
        account.credentials = clean
        # A new key has not been tested yet.
        account.check_ok, account.check_message, account.checked_at = None, "", None
        diff["credentials"] = [f"{', '.join(replaced)} replaced"]
    if not diff:
        raise ValidationError("Nothing changed.")
    if VendorAccount.objects.filter(name__iexact=account.name).exclude(pk=account.pk).exists():
        raise ValidationError({"name": "A vendor account with this name already exists."})
    _save(account)
    audit_record(acting_user=acting_user, action="vendor_account.update", target=account,
                 summary=f"Updated vendor account {account.name}" + (" (new credentials)" if replaced else ""),
                 changes=diff)
    return account


@transaction.atomic
def vendor_account_set_active(*, account: VendorAccount, active: bool, acting_user) -> VendorAccount:
    """Disable (nothing is sent to it; its operations wait, visibly) or enable the account again."""
    require(acting_user, VENDOR_ACCOUNTS_MANAGE)
    account = VendorAccount.objects.select_for_update().get(pk=account.pk)
    if account.is_active == active:
        raise ValidationError(f"{account.name} is already {'enabled' if active else 'disabled'}.")
    account.is_active = active
    account.save(update_fields=["is_active", "updated_at"])
    audit_record(acting_user=acting_user, action="vendor_account.enable" if active else "vendor_account.disable",
                 target=account, summary=f"{'Enabled' if active else 'Disabled'} vendor account {account.name}",
                 changes={"is_active": [str(not active), str(active)]})
    return account


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool | None
    message: str


def vendor_account_test(*, account: VendorAccount, acting_user) -> ConnectionCheck:
    """One harmless authenticated call through the adapter; the answer in plain words, kept on the account.
    ``ok`` is None when it could not be tried (no adapter, or an adapter that offers no test yet)."""
    require(acting_user, VENDOR_ACCOUNTS_MANAGE)
    adapter_class = profile(account.kind).adapter
    if adapter_class is None:
        check = ConnectionCheck(None, f"This panel has no {account.kind_label} adapter yet: nothing can be tested.")
    else:
        adapter = adapter_class()
        try:
            words = adapter.test_connection(Context.for_read(account, adapter=adapter))
        except AuthError as error:
            check = ConnectionCheck(False, f"The credentials do not work: {error.message}")
        except VendorError as error:
            check = ConnectionCheck(False, f"The vendor could not be asked: {error.message}")
        else:
            check = (ConnectionCheck(True, f"The credentials work. {words}") if words is not None else
                     ConnectionCheck(None, f"The {account.kind_label} adapter offers no connection test yet."))
    VendorAccount.objects.filter(pk=account.pk).update(checked_at=timezone.now(), check_ok=check.ok,
                                                       check_message=check.message[:300])
    audit_record(acting_user=acting_user, action="vendor_account.test", target=account,
                 summary=f"Tested the connection to {account.name}: "
                         + {True: "works", False: "failed", None: "not tested"}[check.ok])
    return check
