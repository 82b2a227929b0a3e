"""Hostway's estate for sync and adopt: the email domains staff name, with all their usernames.

Hostway documents no list of an account's domains, so staff name them (one, many pasted, or a CSV's
first column). Each is looked up (``GET .../email/{domain}``, 404 when the account has no such domain), its
aliases read, and its usernames (regular mailboxes and Exchange mailboxes, one namespace) listed in pages
of ``pageSize`` with ``details=1`` for the webmail type.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from provisioning.adapters.base import NotFoundError
from provisioning.adapters.importing import Importer, VendorDomain, VendorMailbox
from provisioning.vendors.hostway.client import PAGE_SIZE

DOMAIN_RE = re.compile(r"^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_-]{1,63})+$")


def mailbox_of(item: dict) -> VendorMailbox:
    """A username of the list (``details=1``) as the panel keeps it."""
    exchange = item.get("type") == "exchange"
    details: dict = {"quota_mb": int(item["quota"]) if str(item.get("quota", "")).isdigit() else None,
                     "vendor_attrs": {"kind": "exchange" if exchange else "mailbox",
                                      "master": bool(item.get("master"))}}
    if not exchange:
        details["edition"] = item.get("webmailAccess") or ""
    name = str(item.get("username") or "").lower()
    return VendorMailbox(local_part=name, vendor_id=name, vendor_state="active", details=details)


class HostwayImporter(Importer):
    scope_label = "Domain names"
    scope_help = ("The email domains as Hostway holds them on this account, one per line or comma-separated "
                  "(a CSV's first column works too): Hostway has no list of an account's domains.")
    mailbox_fields = ("quota_mb", "edition", "vendor_attrs")
    page_size = PAGE_SIZE

    def parse_scope(self, text: str) -> list[str]:
        entries = [e.lower().rstrip(".") for e in super().parse_scope(text)]
        bad = [e for e in entries if not DOMAIN_RE.match(e)]
        if bad:
            raise ValueError(f"Not a domain name: {', '.join(bad[:5])}.")
        return list(dict.fromkeys(entries))

    def domains(self, ctx, entry: str) -> list[VendorDomain]:
        client = ctx.client
        try:
            client.get(client.domain_path(entry))
        except NotFoundError:
            raise NotFoundError(f"Hostway holds no email domain {entry} on account {client.account_id}.",
                                status=404, field="name") from None
        aliases = client.get(client.domain_path(entry, "/aliases")).get("list") or []
        counted = client.get(client.domain_path(entry, "/usernames"), page=1, pageSize=1)
        return [VendorDomain(name=entry, vendor_id=entry, vendor_state="active",
                             mailbox_count=int(counted.get("totalCount") or 0),
                             attrs={"aliases": [str(a) for a in aliases]})]

    def mailboxes(self, ctx, domain: VendorDomain, *, start: int = 0) -> Iterator[tuple[int, list[VendorMailbox]]]:
        for _, position, items in ctx.client.usernames(domain.name, start=start, page_size=self.page_size):
            if items:
                yield position, [mailbox_of(item) for item in items]
