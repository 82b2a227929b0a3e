"""The Rackspace adapter: customers, contacts and invoices, the customers index, an invoice's CSV, and
control-panel single sign-on through login tokens."""

from __future__ import annotations

from typing import Any

from provisioning.adapters.base import Adapter, NotFoundError, Outcome, VendorError, handlers_of
from provisioning.targets import TargetRef
from provisioning.vendors.rackspace.client import RackspaceClient
from provisioning.vendors.rackspace.handlers import contacts, customers
from provisioning.vendors.rackspace.handlers.customers import V1, V2, customer_facts, invoices_of
from provisioning.vendors.rackspace.importer import RackspaceImporter

PAGE_SIZE = 25
DEFAULT_LOGIN_USER = "panel_admin"


class RackspaceAdapter(Adapter):
    client_class = RackspaceClient
    handlers = handlers_of(*customers.HANDLERS, *contacts.HANDLERS)
    importer = RackspaceImporter

    def read_state(self, ctx, ref: TargetRef) -> Outcome | None:
        if ref.type == "vendor_customer":
            return Outcome.finished("", customer_facts(ctx.client.get(f"{V1}/{ref.vendor_id}")))
        return None

    def read_customers(self, ctx, ref, *, page: int = 1, search: str = "", mode: str = "contains") -> dict:
        """One page of the reseller's sub-accounts; ``startswith`` or ``contains`` searches name, account
        number and reference number (never both: the vendor refuses that)."""
        params: dict[str, Any] = {"size": PAGE_SIZE, "offset": (max(1, page) - 1) * PAGE_SIZE}
        if search.strip():
            params["startswith" if mode == "startswith" else "contains"] = search.strip()
        data = ctx.client.get(V1, **params) or {}
        items = [{"vendor_id": c.get("accountNumber"), "name": c.get("name"),
                  "detail": c.get("referenceNumber") or "", "email": ""} for c in data.get("customers") or []]
        return {"items": items, "total": int(data.get("total") or 0), "page": page, "size": PAGE_SIZE}

    def read_account(self, ctx, ref, *, number: str = "me") -> dict[str, Any]:
        """One account's details (``me``: the reseller's own)."""
        return ctx.client.get(f"{V1}/{number}") or {}

    def test_connection(self, ctx) -> str:
        """Read the reseller's own account (``GET /v1/customers/me``): signed, authenticated, harmless."""
        me = ctx.client.get(f"{V1}/me") or {}
        return (f"Rackspace accepted the signed request: account “{me.get('name') or '?'}” "
                f"(number {me.get('accountNumber') or '?'}).")

    def read_invoices(self, ctx, ref: TargetRef) -> list[dict[str, Any]]:
        """The account's invoice list, read while staff wait (it does not queue behind the account's changes)."""
        if not ref.vendor_id:
            raise VendorError("The customer is not at Rackspace yet.")
        return invoices_of(ctx, ref.vendor_id)

    def read_invoice_csv(self, ctx, ref: TargetRef, *, invoice_id: str) -> str | None:
        """An invoice's line items as the vendor's CSV; None when it has none (404: before July 2017)."""
        try:
            response = ctx.client.request("GET", f"{V2}/{ref.vendor_id}/invoices/{invoice_id}", accept="text/csv")
        except NotFoundError:
            return None
        return response.content.decode("utf-8-sig")

    def login_token(self, ctx, ref: TargetRef) -> dict[str, str]:
        """A control-panel login token for the customer (valid ten minutes), minted now, never kept."""
        if not ref.vendor_id:
            raise VendorError("The customer is not at Rackspace yet.")
        user = (ctx.account.options or {}).get("login_user") or DEFAULT_LOGIN_USER
        response = ctx.client.form("POST", f"{V1}/{ref.vendor_id}/loginToken",
                                   {"userName": user, "virtualUser": "true"})
        token = str((ctx.client.json_of(response) or {}).get("token") or "")
        if not token:
            raise VendorError("Rackspace answered no login token.")
        return {"token": token}
