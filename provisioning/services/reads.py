"""Reads from a vendor made while a person waits: the product catalogue, and single sign-on tokens.

A change never goes this way (it goes through the outbox). Tokens are fetched at click time, used
for one redirect and never stored or logged.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from provisioning.adapters.base import VendorError
from provisioning.models import VendorAccount
from provisioning.services.context import Context
from provisioning.targets import TargetRef
from provisioning.vendors import profile

CATALOG_MAX_AGE = timedelta(hours=24)


def vendor_catalog(*, account: VendorAccount, refresh: bool = False) -> dict:
    """The vendor's products and editions, cached on the account for a day (``refresh`` forces it).

    Raises VendorError when the vendor cannot be asked and nothing is cached.
    """
    fresh = account.catalog_fetched_at and timezone.now() - account.catalog_fetched_at < CATALOG_MAX_AGE
    if account.catalog and fresh and not refresh:
        return account.catalog
    adapter_class = profile(account.kind).adapter
    if adapter_class is None or not hasattr(adapter_class, "catalog"):
        return {}
    adapter = adapter_class()
    try:
        catalog = adapter.catalog(Context.for_read(account, adapter=adapter), ou_guid=account.root_id)
    except VendorError:
        if account.catalog:
            return account.catalog  # stale beats nothing; the page says when it was fetched
        raise
    now = timezone.now()
    VendorAccount.objects.filter(pk=account.pk).update(catalog=catalog, catalog_fetched_at=now)
    account.catalog, account.catalog_fetched_at = catalog, now
    return catalog


@sensitive_variables("token")
def vendor_login_url(*, account: VendorAccount, ref: TargetRef, purpose: str = "webmail") -> str:
    """Fetch a one-time login token for ``ref`` and build the URL it opens; raises VendorError."""
    adapter_class = profile(account.kind).adapter
    if adapter_class is None or not hasattr(adapter_class, "login_token"):
        raise VendorError(f"{account.kind_label} offers no single sign-on here.")
    adapter = adapter_class()
    token = adapter.login_token(Context.for_read(account, adapter=adapter), ref)
    if token.get("url"):
        return token["url"]
    template = (account.options or {}).get(f"{purpose}_url")
    if not template or not token.get("token"):
        raise VendorError(f"No {purpose} address is set on the vendor account “{account.name}”.")
    return template.replace("{token}", token["token"])


def vendor_read(*, account: VendorAccount, what: str, ref: TargetRef | None = None, **params):
    """Ask the vendor for something a person is waiting for (``adapter.read_<what>``): a page of the
    vendor's customers, an invoice's CSV. Nothing is changed; raises VendorError when it cannot be read."""
    adapter_class = profile(account.kind).adapter
    reader = getattr(adapter_class, f"read_{what}", None) if adapter_class is not None else None
    if reader is None:
        raise VendorError(f"{account.kind_label} offers no {what.replace('_', ' ')} here.")
    adapter = adapter_class()
    return getattr(adapter, f"read_{what}")(Context.for_read(account, adapter=adapter), ref, **params)
