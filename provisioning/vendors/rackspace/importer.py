"""Rackspace's estate for sync: the reseller's customers (sub-accounts) and their contacts. This API holds no
domains or mailboxes.

The customers index pages with ``size`` (at most 250) and ``offset`` and names each customer's name, account
number and reference number: enough to propose a customer per account without one call per account. The run
then reads each account's details (``GET /v1/customers/{n}``) and its contacts (``GET /v2/customers/{n}/contacts``),
every call counted by the shared limiter against Rackspace's 60 GETs a minute per API user: held back before it
is sent, the import waits and resumes where it stood.
"""

from __future__ import annotations

from typing import Any

from provisioning.adapters.base import NotFoundError
from provisioning.adapters.importing import Importer, VendorContact, VendorOwner
from provisioning.vendors.rackspace.handlers.contacts import FLAGS
from provisioning.vendors.rackspace.handlers.customers import DETAIL_FIELDS, V1, V2

INDEX_SIZE = 250
CONTACT_FIELDS = ("name", "email", "phone", "security_question", *FLAGS)


def owner_of(data: dict[str, Any], *, full: bool) -> VendorOwner:
    """A customer of the index (name and numbers only) or of its show (``full``: every detail)."""
    number, name, ref = str(data.get("accountNumber")), str(data.get("name") or ""), str(data.get("referenceNumber")
                                                                                       or "")
    fields: dict[str, Any] = {"title": name, "reference": ref}
    if full:
        fields["email"] = data.get("email") or ""
        fields.update({f"details.{k}": data.get(v) or "" for k, v in DETAIL_FIELDS.items()})
    return VendorOwner(vendor_id=number, label=name or number, reference=ref, vendor_state="", fields=fields,
                       attrs={"full": full})


def contact_of(item: dict[str, Any]) -> VendorContact:
    fields = {"name": item.get("Name") or "", "email": item.get("Email") or "", "phone": item.get("Phone") or "",
              "security_question": item.get("SecurityQuestion") or ""}
    fields.update({name: bool(item.get(vendor)) for name, vendor in FLAGS.items()})
    return VendorContact(vendor_id=str(item.get("Id")), vendor_state="active", fields=fields)


class RackspaceImporter(Importer):
    scope_label = "Rackspace customers"
    scope_help = ("“all” for every customer (sub-account) of the reseller, or account numbers or reference "
                  "numbers, one per line. Staff confirm which customer each one is before anything is written.")
    scope_kind = "accounts"
    account_fields = ("title", "reference", "email", *(f"details.{k}" for k in DETAIL_FIELDS))
    contact_fields = CONTACT_FIELDS
    page_size = INDEX_SIZE

    def accounts(self, ctx, entry: str) -> list[VendorOwner]:
        client = ctx.client
        if entry.lower() == self.ALL:
            found: list[VendorOwner] = []
            while True:
                data = client.get(V1, size=INDEX_SIZE, offset=len(found)) or {}
                batch = data.get("customers") or []
                found += [owner_of(c, full=False) for c in batch]
                if not batch or len(found) >= int(data.get("total") or 0):
                    return found
        try:
            data = client.get(f"{V1}/{entry}") if entry.isdigit() else client.get(V1, referenceNumber=entry)
        except NotFoundError:
            raise NotFoundError(f"Rackspace holds no customer {entry}.", status=404, field="scope") from None
        return [owner_of(data or {}, full=True)]

    def account(self, ctx, vendor_id: str) -> VendorOwner | None:
        try:
            return owner_of(ctx.client.get(f"{V1}/{vendor_id}") or {}, full=True)
        except NotFoundError:
            return None

    def account_details(self, ctx, owner: VendorOwner) -> VendorOwner:
        if owner.attrs.get("full"):
            return owner
        return self.account(ctx, owner.vendor_id) or owner

    def contacts(self, ctx, owner: VendorOwner) -> list[VendorContact]:
        return [contact_of(item) for item in ctx.client.pages(f"{V2}/{owner.vendor_id}/contacts")]
