"""The SYNAQ adapter: its handlers per operation kind, the state check, the catalogue, webmail."""

from __future__ import annotations

from typing import Any

from provisioning.adapters.base import Adapter, Outcome, handlers_of
from provisioning.targets import Facts, TargetRef
from provisioning.vendors.synaq.client import API, SynaqClient
from provisioning.vendors.synaq.handlers import domains, mailboxes, packages
from provisioning.vendors.synaq.handlers.base import domain_outcome
from provisioning.vendors.synaq.handlers.mailboxes import mailbox_facts
from provisioning.vendors.synaq.importer import SynaqImporter

# SYNAQ documents ``provision_immediately`` for CloudMail only (no service fields needed).
PROVISION_IMMEDIATELY = frozenset({"SYN-CMS"})


class SynaqAdapter(Adapter):
    client_class = SynaqClient
    handlers = handlers_of(*packages.HANDLERS, *domains.HANDLERS, *mailboxes.HANDLERS)
    importer = SynaqImporter

    def read_state(self, ctx, ref: TargetRef) -> Outcome | None:
        if ref.type == "domain":
            return domain_outcome(ctx, ctx.client.domain(ref.vendor_id), message="", name=ref.label)
        if ref.type == "package":
            package = ctx.client.get(f"{API}/packages/{ref.vendor_id}.json") or {}
            return Outcome.finished("", Facts(vendor_state=package.get("state"), attrs={
                "editions": [e.get("code") for e in package.get("editions") or []]}))
        if ref.type == "mailbox":
            facts, alerts, resolves = mailbox_facts(ctx.client.get(f"{API}/mailboxes/{ref.vendor_id}.json") or {})
            return Outcome.finished("", facts, alerts=alerts, resolves=resolves)
        return None

    def test_connection(self, ctx) -> str:
        """Read the reseller's own OU (or, without its GUID, the first page of OUs): authenticated, harmless."""
        user = ctx.account.credentials.get("user", "") if ctx.account.credentials else ""
        if ctx.account.root_id:
            ou = ctx.client.get(f"{API}/ous/{ctx.account.root_id}.json") or {}
            ou = ou.get("ou", ou) if isinstance(ou, dict) else {}
            title = ou.get("title") or ou.get("name") or ctx.account.root_id
            return f"SYNAQ accepted API user {user}: reseller OU “{title}” read."
        data = ctx.client.get(f"{API}/ous.json", page=1, limit=1) or {}
        return f"SYNAQ accepted API user {user}: {int(data.get('total') or 0)} OU(s) visible."

    def catalog(self, ctx, *, ou_guid: str) -> dict[str, Any]:
        """Products and editions new packages may have (OPTIONS), in the form the console uses."""
        data = ctx.client.json_of(ctx.client.request("OPTIONS", f"{API}/ous/{ou_guid}/packages.json")) or {}
        products = []
        for product in data.get("products") or []:
            code = product.get("code")
            if not code:
                continue
            products.append({
                "code": code, "name": product.get("name") or code,
                "plan_based": bool(product.get("plan_based")), "mailboxes": bool(product.get("mailboxes")),
                "min_editions": int(product.get("min_editions") or 0),
                "max_editions": product.get("max_editions"),
                "provision_immediately": code in PROVISION_IMMEDIATELY,
                "editions": [{"code": e.get("code"), "name": e.get("name") or e.get("code"),
                              "default": bool(e.get("default"))} for e in product.get("editions") or []
                             if e.get("code")],
            })
        return {"products": products}

    def login_token(self, ctx, ref: TargetRef) -> dict[str, str]:
        """A one-time webmail token for a mailbox (never stored): ``{"token", "expires"}``."""
        data = ctx.client.get(f"{API}/mailboxes/{ref.vendor_id}/token.json") or {}
        return {"token": str(data.get("authentication_token") or ""),
                "expires": str(data.get("authentication_token_expiry") or "")}
