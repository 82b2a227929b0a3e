"""The BaseKit adapter: handlers per kind, the importer, the state check, reads, mailbox login tokens."""

from __future__ import annotations

from typing import Any

from django.views.decorators.debug import sensitive_variables

from provisioning.adapters.base import Adapter, Outcome, handlers_of
from provisioning.targets import Facts, TargetRef
from provisioning.vendors.basekit.client import BasekitClient
from provisioning.vendors.basekit.handlers import domains, holders, mailboxes
from provisioning.vendors.basekit.handlers.base import holder_of
from provisioning.vendors.basekit.importer import BasekitImporter


class BasekitAdapter(Adapter):
    client_class = BasekitClient
    handlers = handlers_of(*domains.HANDLERS, *mailboxes.HANDLERS, *holders.HANDLERS)
    importer = BasekitImporter

    def read_state(self, ctx, ref: TargetRef) -> Outcome | None:
        if ref.type == "domain" and ref.vendor_id:
            return domains.domain_outcome(ctx, ref, domains.read_domain(ctx, ref), waited=0) or Outcome.finished(
                "", Facts(ref.vendor_id, "pending"))
        if ref.type == "mailbox" and ref.attrs.get("domain_vendor_id"):
            return mailboxes.mailbox_read(ctx, ref)
        if ref.type == "vendor_customer" and ref.vendor_id:
            return holders.holder_read(ctx, ref)
        return None

    def read_mailboxes(self, ctx, ref: TargetRef, *, page: int = 1, page_size: int = 25) -> dict[str, Any]:
        """One page of a domain's mailboxes (``limit``/``offset``), or of a holder's on every domain."""
        offset = (page - 1) * page_size
        if ref.type == "vendor_customer":
            items = ctx.client.get(f"/users/{int(ref.vendor_id)}/domains/mailboxes", limit=page_size,
                                   offset=offset).get("domainMailboxes") or []
        else:
            items = ctx.client.get(ctx.client.mailbox_path(holder_of(ref), ref.vendor_id), limit=page_size,
                                   offset=offset).get("mailboxes") or []
        return {"items": items, "more": len(items) == page_size}

    def read_account_domains(self, ctx, ref: TargetRef) -> list[dict[str, Any]]:
        """The holder's account domains as BaseKit lists them."""
        return [item for _, page in ctx.client.pages(f"/users/{int(ref.vendor_id)}/account-domains",
                                                        "accountDomains") for item in page]

    @sensitive_variables("data")
    def login_token(self, ctx, ref: TargetRef) -> dict[str, str]:
        """A one-time webmail login token for a mailbox, fetched at click time and never stored."""
        data = ctx.client.send("POST", ctx.client.mailbox_path(holder_of(ref), ref.attrs["domain_vendor_id"],
                                                              ref.vendor_id or ref.attrs["local_part"],
                                                              "/login-tokens")) or {}
        return {"token": str(data.get("loginToken") or "")}
