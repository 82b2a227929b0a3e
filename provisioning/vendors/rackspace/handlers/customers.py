"""Rackspace customers (sub-accounts): add (looked up by reference number first, so a retry never adds a
second), edit, enable and disable (once per 5 minutes: held back here with its due time), delete, read
back, and their invoices."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from provisioning.adapters.base import (
    Handler,
    NotFoundError,
    Outcome,
    RateLimited,
    UnexpectedAnswer,
    ValidationFailed,
)
from provisioning.kinds import account as ka
from provisioning.targets import Facts, TargetRef

V1 = "/v1/customers"
V2 = "/v2/customers"
# The panel's detail names and Rackspace's field names.
DETAIL_FIELDS = {"phone": "phone", "address_line_1": "addressLine1", "address_line_2": "addressLine2",
                 "city": "city", "state": "state", "zip": "zip", "country": "country"}
# Rackspace allows one enable or disable per account in a 5-minute sliding window; a second off our side.
TOGGLE_WINDOW_SECONDS = 300.0
TOGGLE_MARGIN_SECONDS = 2.0


def customer_form(ref: TargetRef, names: list[str] | None = None) -> dict[str, str]:
    """The v1 form fields for the account as local state has it (only ``names`` when given)."""
    attrs = ref.attrs
    values = {"title": attrs.get("title") or "", "reference": attrs.get("reference") or "",
              "email": attrs.get("email") or "", **{k: (attrs.get("details") or {}).get(k) or ""
                                                    for k in DETAIL_FIELDS}}
    vendor = {"title": "name", "reference": "referenceNumber", "email": "email", **DETAIL_FIELDS}
    chosen = names if names is not None else [k for k, v in values.items() if v]
    return {vendor[k]: values[k] for k in chosen if k in vendor}


def customer_facts(data: dict[str, Any]) -> Facts:
    details = {k: data.get(v) or "" for k, v in DETAIL_FIELDS.items() if data.get(v)}
    return Facts(str(data.get("accountNumber")), None, {
        "title": data.get("name") or "", "reference": data.get("referenceNumber") or "",
        "email": data.get("email") or "", "details": details})


def by_reference(ctx, reference: str) -> dict[str, Any] | None:
    """The sub-account with exactly this reference number (the oldest, if several), or None."""
    if not reference:
        return None
    try:
        return ctx.client.get(V1, referenceNumber=reference)
    except NotFoundError:
        return None


class CustomerAddHandler(Handler):
    """POST answers an empty 200 (the account number "is not known until the customer is added"), and a
    reference number may repeat: so look it up by reference before adding, and after."""

    payload = ka.VendorCustomerCreate

    def run(self, ctx, p: ka.VendorCustomerCreate) -> Outcome:
        ref = ctx.target()
        reference = ref.attrs.get("reference") or ""
        if not reference:
            # Without one the account could not be found again after a lost answer, and a retry would add twice.
            raise ValidationFailed("A reference number is needed to add the customer at Rackspace.",
                                   field="reference")
        found = by_reference(ctx, reference)
        message = "Found at Rackspace already (by its reference number); adopted."
        if found is None:
            ctx.client.form("POST", V1, customer_form(ref))
            found = by_reference(ctx, reference)
            message = "Customer added at Rackspace."
            if found is None:
                raise UnexpectedAnswer("Rackspace accepted the customer but does not find it by its reference "
                                       f"number {reference}.")
        ctx.record(account=found.get("accountNumber"))
        facts = customer_facts(found)
        return Outcome.finished(message, Facts(facts.vendor_id, "active", facts.attrs))


class CustomerEditHandler(Handler):
    payload = ka.VendorCustomerUpdate

    def run(self, ctx, p: ka.VendorCustomerUpdate) -> Outcome:
        ref = ctx.target()
        number = ctx.vendor_id_of("vendor_customer", p.vendor_customer_id)
        fields = customer_form(ref, sorted(p.changes) or None)
        if fields:
            ctx.client.form("PUT", f"{V1}/{number}", fields)
        return Outcome.finished("Customer updated at Rackspace.")


class CustomerShowHandler(Handler):
    payload = ka.VendorCustomerSync

    def run(self, ctx, p: ka.VendorCustomerSync) -> Outcome:
        number = ctx.vendor_id_of("vendor_customer", p.vendor_customer_id)
        return Outcome.finished("Read back from Rackspace.", customer_facts(ctx.client.get(f"{V1}/{number}")))


class ToggleHandler(Handler):
    """Enable or disable. A second one inside Rackspace's 5-minute window waits here, with the time it will
    be sent, instead of being refused by the vendor."""

    action = ""
    state = ""

    def run(self, ctx, p) -> Outcome:
        ref = ctx.target()
        number = ctx.vendor_id_of("vendor_customer", p.vendor_customer_id)
        last = ref.attrs.get("toggled_at")
        now = timezone.now().timestamp()
        if last is not None:
            due = last + TOGGLE_WINDOW_SECONDS + TOGGLE_MARGIN_SECONDS
            if now < due:
                at = timezone.localtime(datetime.datetime.fromtimestamp(due, tz=datetime.UTC))
                raise RateLimited(f"Rackspace allows one enable or disable every 5 minutes per account: this "
                                  f"{self.action} is queued and will be sent at {at:%H:%M:%S}.", retry_after=due - now)
        ctx.client.request("POST", f"{V1}/{number}/{self.action}")
        return Outcome.finished(f"{self.action.capitalize()}d at Rackspace.",
                                Facts(vendor_state=self.state, attrs={"toggled_at": timezone.now()}))


class CustomerEnableHandler(ToggleHandler):
    payload = ka.VendorCustomerEnable
    action = "enable"
    state = "active"


class CustomerDisableHandler(ToggleHandler):
    payload = ka.VendorCustomerDisable
    action = "disable"
    state = "suspended"


class CustomerDeleteHandler(Handler):
    payload = ka.VendorCustomerDelete

    def run(self, ctx, p: ka.VendorCustomerDelete) -> Outcome:
        number = ctx.target().vendor_id
        if number:
            try:
                ctx.client.request("DELETE", f"{V1}/{number}")
            except NotFoundError:
                pass  # an earlier attempt deleted it before its answer was lost
        return Outcome.finished("Customer deleted at Rackspace.", Facts(vendor_state="deleted"))


def invoices_of(ctx, number: str) -> list[dict[str, Any]]:
    """The account's invoices, newest first, every page, in the panel's field names."""
    return [{"invoice_id": i.get("InvoiceId"), "invoice_date": str(i.get("InvoiceDate") or "")[:10],
             "invoice_type": i.get("InvoiceType") or "", "total_due": i.get("TotalDue") or "0",
             "is_paid": bool(i.get("IsPaid")), "csv_available": bool(i.get("CsvAvailable"))}
            for i in ctx.client.pages(f"{V2}/{number}/invoices") if i.get("InvoiceId")]


class InvoicesFetchHandler(Handler):
    """The account's invoices through the outbox (for fetches nobody waits for)."""

    payload = ka.VendorCustomerFetchInvoices

    def run(self, ctx, p: ka.VendorCustomerFetchInvoices) -> Outcome:
        invoices = invoices_of(ctx, ctx.vendor_id_of("vendor_customer", p.vendor_customer_id))
        return Outcome.finished(f"{len(invoices)} invoice(s) fetched from Rackspace.", Facts(attrs={
            "invoices": invoices}))


HANDLERS = (CustomerAddHandler, CustomerEditHandler, CustomerShowHandler, CustomerEnableHandler,
            CustomerDisableHandler, CustomerDeleteHandler, InvoicesFetchHandler)
