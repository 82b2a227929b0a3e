"""The Greenview adapter: its handlers, the state check, the packages-by-tag catalogue, the clients list,
and SpamStopsHere single sign-on."""

from __future__ import annotations

from typing import Any

from provisioning.adapters.base import Adapter, Outcome, VendorError, handlers_of
from provisioning.targets import Facts, TargetRef
from provisioning.vendors.greenview.client import GreenviewClient
from provisioning.vendors.greenview.handlers import clients, domains
from provisioning.vendors.greenview.handlers.base import client_path
from provisioning.vendors.greenview.importer import GreenviewImporter

DEFAULT_TAG = "cpanel"
PAGE_SIZE = 25


class GreenviewAdapter(Adapter):
    client_class = GreenviewClient
    handlers = handlers_of(*clients.HANDLERS, *domains.HANDLERS)
    importer = GreenviewImporter

    def read_state(self, ctx, ref: TargetRef) -> Outcome | None:
        if ref.type == "domain":
            return domains.domain_read(ctx, ref)
        if ref.type == "vendor_customer":
            data = ctx.client.get(client_path(ref)) or {}
            return Outcome.finished("", Facts(str(data.get("id")), "active"))
        return None

    def test_connection(self, ctx) -> str:
        """Read the reseller's clients (``GET /v1/clients``): authenticated by the API token and key, harmless."""
        clients = ctx.client.get("/v1/clients") or []
        return f"Greenview accepted the API token and key: {len(clients)} client(s) on this reseller account."

    def catalog(self, ctx, **_: Any) -> dict[str, Any]:
        """The packages of the account's tag (``options["package_tag"]``), in order, with the features each
        adds over the previous one and what it costs the reseller."""
        tag = (ctx.account.options or {}).get("package_tag") or DEFAULT_TAG
        packages = []
        for p in ctx.client.get(f"/v1/packages/by_tag/{tag}") or []:
            cost = p.get("reseller_cost") or {}
            packages.append({
                "uid": p.get("uid"), "name": p.get("name") or p.get("uid"), "position": p.get("position"),
                "free_trial": p.get("free_trial"), "features": [f.get("name") for f in p.get("features") or []],
                "added_features": [f.get("name") for f in p.get("added_features") or []],
                "domain_cost": cost.get("domain_formatted", ""), "mailbox_cost": cost.get("mailbox_formatted", ""),
                "domain_cents": cost.get("domain_cents"), "mailbox_cents": cost.get("mailbox_cents"),
            })
        return {"tag": tag, "packages": [p for p in packages if p["uid"]]}

    def read_customers(self, ctx, ref, *, page: int = 1, search: str = "", mode: str = "contains") -> dict:
        """The reseller's clients (Greenview pages nothing: the list is filtered and paged here)."""
        term = search.strip().lower()
        items = []
        for c in ctx.client.get("/v1/clients") or []:
            names = [d.get("name", "") for d in c.get("domains") or []]
            haystack = [str(c.get("name") or "").lower(), str(c.get("id")), *names]
            test = (lambda v: v.startswith(term)) if mode == "startswith" else (lambda v: term in v)
            if term and not any(test(v) for v in haystack):
                continue
            items.append({"vendor_id": str(c.get("id")), "name": c.get("name") or "",
                          "detail": ", ".join(names), "email": c.get("email_address") or ""})
        start = (max(1, page) - 1) * PAGE_SIZE
        return {"items": items[start:start + PAGE_SIZE], "total": len(items), "page": page, "size": PAGE_SIZE}

    def login_token(self, ctx, ref: TargetRef) -> dict[str, str]:
        """SpamStopsHere's admin login for the client: a token valid for one minute, used at once."""
        if not ref.vendor_id:
            raise VendorError("The client is not at Greenview yet.")
        data = ctx.client.get(f"/v1/clients/{ref.vendor_id}/auth_token") or {}
        token, path = str(data.get("token") or ""), str(data.get("path") or "/")
        if not token:
            raise VendorError("Greenview answered no login token.")
        if token not in path:
            path += ("&" if "?" in path else "?") + f"auth_token={token}"
        return {"url": f"{data.get('protocol') or 'https'}://{data.get('login_hostname')}{path}"}
