"""Greenview's estate for sync: the reseller's SpamStopsHere clients (name, e-mail, package, users) and the
domains inside each (mail servers, MX records, status).

``GET /v1/clients`` lists every client with its domains in one answer (the doc documents no paging and no
rate limit, NOTES). A domain's status is read from ``GET /v1/domains/<name>/status``. The client's
``package_uid`` is write-only (every read shows null), so its package is read from the subscriptions list
(``GET /v1/clients/subscriptions``: the package's name among the options) and mapped back to its uid through
the account's packages-by-tag list. Staff name ``all``, client ids, or domains (their client is taken).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from provisioning.adapters.base import NotFoundError
from provisioning.adapters.importing import Importer, VendorDomain, VendorMailbox, VendorOwner
from provisioning.vendors.greenview.handlers.base import mx_records

DEFAULT_TAG = "cpanel"
# Domains per page written in one transaction.
PAGE = 200


class GreenviewImporter(Importer):
    scope_label = "SpamStopsHere clients"
    scope_help = ("“all” for every client of the reseller, or client ids or domain names (their client is taken), "
                  "one per line. Staff confirm which customer each client is before anything is written.")
    scope_kind = "accounts"
    account_fields = ("title", "email", "plan", "seats")
    domain_fields = ("mail_servers",)

    def parse_scope(self, text: str) -> list[str]:
        return [e.lower() for e in super().parse_scope(text)]

    def _plans(self, ctx) -> dict[str, str]:
        """Each client's package uid, by client id (from the subscriptions and the packages by tag); read once per
        importer (one import step, one drift-check run)."""
        if getattr(self, "_plan_cache", None) is not None:
            return self._plan_cache
        tag = (ctx.account.options or {}).get("package_tag") or DEFAULT_TAG
        uid_by_name = {str(p.get("name")): str(p.get("uid")) for p in ctx.client.get(f"/v1/packages/by_tag/{tag}")
                       or [] if p.get("uid")}
        plans = {}
        for client in ctx.client.get("/v1/clients/subscriptions") or []:
            options = next((s.get("options") or [] for s in client.get("subscriptions") or []), [])
            uid = next((uid_by_name[o] for o in options if o in uid_by_name), "")
            plans[str(client.get("id"))] = uid
        self._plan_cache = plans
        return plans

    def owner_of(self, client: dict[str, Any], plans: dict[str, str], *, with_domains: bool = True) -> VendorOwner:
        cid = str(client.get("id"))
        fields: dict[str, Any] = {"title": client.get("name") or "", "email": client.get("email_address") or "",
                                  "seats": client.get("user_count")}
        if plans.get(cid):
            fields["plan"] = plans[cid]
        domains = client.get("domains") or []
        # The proposal keeps only the count; the domains are read afresh when the client is imported.
        return VendorOwner(vendor_id=cid, label=str(client.get("name") or cid), vendor_state="", fields=fields,
                           attrs={"domains": domains} if with_domains else {}, domain_count=len(domains))

    def accounts(self, ctx, entry: str) -> list[VendorOwner]:
        plans = self._plans(ctx)
        if entry == self.ALL:
            return [self.owner_of(c, plans, with_domains=False) for c in ctx.client.get("/v1/clients") or []]
        path = f"/v1/clients/{entry}" if entry.isdigit() else f"/v1/domains/{entry}/client"
        try:
            return [self.owner_of(ctx.client.get(path) or {}, plans, with_domains=False)]
        except NotFoundError:
            raise NotFoundError(f"Greenview holds no client {entry}.", status=404, field="scope") from None

    def account(self, ctx, vendor_id: str) -> VendorOwner | None:
        try:
            client = ctx.client.get(f"/v1/clients/{vendor_id}") or {}
        except NotFoundError:
            return None
        return self.owner_of(client, self._plans(ctx))

    def account_details(self, ctx, owner: VendorOwner) -> VendorOwner:
        """The client as Greenview holds it now, with its domains."""
        if "domains" in owner.attrs:
            return owner
        fresh = self.account(ctx, owner.vendor_id)
        if fresh is None:
            raise NotFoundError(f"Greenview holds no client {owner.vendor_id} any more.", status=404)
        return fresh

    def account_domains(self, ctx, owner: VendorOwner) -> Iterator[list[VendorDomain]]:
        domains = owner.attrs.get("domains") or []
        for start in range(0, len(domains), PAGE):
            yield [self._domain(ctx, d, owner) for d in domains[start:start + PAGE]]

    def _domain(self, ctx, data: dict[str, Any], owner: VendorOwner | None) -> VendorDomain:
        name = str(data.get("name") or "").lower()
        status = str((ctx.client.get(f"/v1/domains/{name}/status") or {}).get("status") or "unknown")
        return VendorDomain(name=name, vendor_id=name, vendor_state=status, owner=owner, fields={
            "mail_servers": list(data.get("mail_servers") or []), "dns_records": mx_records(data)})

    def domain_of(self, ctx, name: str, vendor_id: str) -> VendorDomain | None:
        try:
            return self._domain(ctx, ctx.client.get(f"/v1/domains/{name}") or {}, None)
        except NotFoundError:
            return None

    def mailboxes(self, ctx, domain: VendorDomain, *, start: int = 0) -> Iterator[tuple[int, list[VendorMailbox]]]:
        return iter(())  # SpamStopsHere filters a domain's mail; its users are a count on the client (seats)
