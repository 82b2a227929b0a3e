"""SYNAQ's estate for sync: the reseller's OUs (companies and sub-resellers), each with its packages, its
domains and their package links, and the domains' mailboxes with their editions.

Lists are paged at SYNAQ's largest ``limit`` (100, NOTES): ``GET /ous.json``, ``/ous/{guid}/packages.json``,
``/ous/{guid}/domains.json``, ``/mailboxes.json?domain_guid=``. SYNAQ documents no rate limit. Staff name
``all`` (every OU under the reseller) or OUs by GUID or exact title.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from provisioning.adapters.base import NotFoundError
from provisioning.adapters.importing import Importer, VendorDomain, VendorMailbox, VendorOwner, VendorPackage
from provisioning.vendors.synaq.client import API, LIST_LIMIT

GUID = re.compile(r"^[0-9a-fA-F-]{36}$")
# Products whose mailboxes are objects of the API (the doc: CloudMail and Continuity).
MAILBOX_PRODUCTS = frozenset({"SYN-CMS", "SYN-CON"})


def _pages(client, path: str, key: str, **params: Any) -> Iterator[list[dict[str, Any]]]:
    page = 1
    while True:
        data = client.get(path, page=page, limit=LIST_LIMIT, **params) or {}
        items = (data.get("_embedded") or {}).get(key) or []
        if items:
            yield items
        if page >= int(data.get("pages") or 0):
            return
        page += 1


def owner_of(ou: dict[str, Any], domain_count: int | None = None) -> VendorOwner:
    title, ref = str(ou.get("title") or ""), str(ou.get("client_ref") or "")
    return VendorOwner(vendor_id=str(ou["guid"]).lower(), label=title, reference=ref, vendor_state="",
                       attrs={"type": ou.get("type") or ""}, fields={"title": title, "reference": ref},
                       domain_count=domain_count)


def mailbox_of(item: dict[str, Any]) -> VendorMailbox:
    """A SYNAQ mailbox as the panel keeps it; a lock is the ``locked`` state with the vendor's reason."""
    locked = bool(item.get("account_locked"))
    details = {"first_name": item.get("first_name") or "", "last_name": item.get("last_name") or "",
               "edition": item.get("package_edition_code") or "", "locked": locked,
               "lock_type": item.get("lock_type") or "", "lock_reason_code": item.get("lock_reason_code") or "",
               "lock_reason": (item.get("lock_reason") or "")[:300]}
    return VendorMailbox(local_part=str(item.get("email_local") or "").lower(), vendor_id=str(item["guid"]),
                         vendor_state="locked" if locked else str(item.get("state") or "unknown"), details=details,
                         package=str(item.get("package_guid") or ""))


class SynaqImporter(Importer):
    scope_label = "Companies (OUs)"
    scope_help = ("“all” for every company and sub-reseller under the reseller, or OUs by GUID or exact title, "
                  "one per line. Staff confirm which customer each one is before anything is written.")
    scope_kind = "accounts"
    account_fields = ("title", "reference")
    mailbox_fields = ("first_name", "last_name", "edition")
    page_size = LIST_LIMIT

    def accounts(self, ctx, entry: str) -> list[VendorOwner]:
        client = ctx.client
        if entry.lower() == self.ALL:
            root = str(ctx.account.root_id or "").lower()
            # Paged at 100 OUs a call, uncounted: a call per OU would make a large estate's proposal outlast its claim.
            return [owner_of(ou) for page in _pages(client, f"{API}/ous.json", "ous") for ou in page
                    if ou.get("type") != "reseller" and str(ou.get("guid")).lower() != root]
        if GUID.match(entry):
            try:
                return [self._counted(ctx, client.get(f"{API}/ous/{entry.lower()}.json"))]
            except NotFoundError:
                raise NotFoundError(f"SYNAQ holds no OU {entry}.", status=404, field="scope") from None
        found = [self._counted(ctx, ou) for page in _pages(client, f"{API}/ous.json", "ous", title=entry,
                                                           exact_match=1) for ou in page]
        if not found:
            raise NotFoundError(f"SYNAQ holds no OU titled {entry}.", status=404, field="scope")
        return found

    def _counted(self, ctx, ou: dict[str, Any]) -> VendorOwner:
        data = ctx.client.get(f"{API}/ous/{ou['guid']}/domains.json", page=1, limit=1) or {}
        return owner_of(ou, int(data.get("total") or 0))

    def account(self, ctx, vendor_id: str) -> VendorOwner | None:
        try:
            return owner_of(ctx.client.get(f"{API}/ous/{vendor_id}.json"))
        except NotFoundError:
            return None

    def packages(self, ctx, owner: VendorOwner) -> list[VendorPackage]:
        return [VendorPackage(vendor_id=str(p["guid"]), product_code=str(p.get("code") or ""),
                              product_name=str(p.get("product") or p.get("code") or ""),
                              editions=tuple(e.get("code") for e in p.get("editions") or [] if e.get("code")),
                              vendor_state=str(p.get("state") or "unknown"),
                              has_mailboxes=p.get("code") in MAILBOX_PRODUCTS)
                for page in _pages(ctx.client, f"{API}/ous/{owner.vendor_id}/packages.json", "packages")
                for p in page]

    def account_domains(self, ctx, owner: VendorOwner) -> Iterator[list[VendorDomain]]:
        for page in _pages(ctx.client, f"{API}/ous/{owner.vendor_id}/domains.json", "domains"):
            yield [VendorDomain(name=str(d.get("domain_name") or d.get("name")).lower(), vendor_id=str(d["guid"]),
                                vendor_state=str(d.get("state") or "unknown"), owner=owner,
                                packages=tuple(str(g) for g in d.get("packages") or []),
                                fields={"service_field_names": list((d.get("fields") or {}).keys())})
                   for d in page]

    def mailboxes(self, ctx, domain: VendorDomain, *, start: int = 0) -> Iterator[tuple[int, list[VendorMailbox]]]:
        position = 0
        for page in _pages(ctx.client, f"{API}/mailboxes.json", "mailboxes", domain_guid=domain.vendor_id):
            position += len(page)
            if position > start:
                yield position, [mailbox_of(item) for item in page]

    def domain_of(self, ctx, name: str, vendor_id: str) -> VendorDomain | None:
        try:
            d = ctx.client.domain(vendor_id)
        except NotFoundError:
            return None
        return VendorDomain(name=name, vendor_id=vendor_id, vendor_state=str(d.get("state") or "unknown"),
                            packages=tuple(str(g) for g in d.get("packages") or []))
