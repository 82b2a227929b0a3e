"""What vendors bill: invoices' line items (read from the vendor's CSV when first opened, then kept) and
the monthly cost of each account's subscriptions (fetched through the outbox, kept per month)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from core import permissions
from core.audit import audit_record
from customers import access
from customers.models import Invoice, InvoiceLine
from provisioning import services as provisioning
from provisioning import targets
from provisioning.kinds.account import VendorAccountFetchCosts
from provisioning.models import Operation, VendorAccount
from provisioning.services.reads import vendor_read

CSV_COLUMNS = {"Account No": "account_number", "Reference No": "reference_number", "Domain": "domain",
               "Product": "product", "Type": "line_type", "Service Start": "service_start",
               "Service End": "service_end", "Term Committed Usage": "committed_usage",
               "Current Usage": "current_usage", "Usage Change": "usage_change", "Months": "months", "Rate": "rate",
               "Charge": "charge"}
NUMBERS = frozenset({"committed_usage", "current_usage", "usage_change", "months", "rate", "charge"})


def _number(value: str) -> Decimal | None:
    try:
        return Decimal(value.strip()) if value and value.strip() else None
    except InvalidOperation:
        return None


def parse_invoice_csv(text: str) -> list[dict]:
    """The line items of the vendor's invoice CSV, in the panel's field names (unknown columns ignored)."""
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        line = {}
        for column, name in CSV_COLUMNS.items():
            raw = (row.get(column) or "").strip()
            line[name] = _number(raw) if name in NUMBERS else raw[:253]
        rows.append(line)
    return rows


def invoices_fetch(*, vendor_customer, acting_user) -> int:
    """Read the account's invoices from the vendor now and keep them for the billing view; how many.
    Raises VendorError if the vendor cannot answer (its limiter may say to wait: RateLimited)."""
    access.require(acting_user, permissions.BILLING_VIEW, customer=vendor_customer.customer)
    target = targets.get("vendor_customer")
    invoices = vendor_read(account=vendor_customer.vendor_account, what="invoices", ref=target.ref(vendor_customer.pk))
    target.apply(vendor_customer.pk, targets.Facts(attrs={"invoices": invoices}))
    return len(invoices)


def invoice_lines(*, invoice: Invoice) -> Invoice:
    """The invoice with its line items, read from the vendor the first time (``text/csv``; a 404 means the
    invoice has none, as for invoices from before July 2017). Raises VendorError if the vendor cannot answer."""
    if invoice.lines_fetched_at:
        return invoice
    account = invoice.vendor_customer
    ref = targets.get("vendor_customer").ref(account.pk)
    text = vendor_read(account=account.vendor_account, what="invoice_csv", ref=ref, invoice_id=invoice.invoice_id)
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if not invoice.lines_fetched_at:
            invoice.lines.all().delete()
            InvoiceLine.objects.bulk_create(InvoiceLine(invoice=invoice, position=i, **line)
                                            for i, line in enumerate(parse_invoice_csv(text or "")))
            invoice.csv_text = text or ""
            invoice.csv_available = text is not None
            invoice.lines_fetched_at = timezone.now()
            invoice.save(update_fields=["csv_text", "csv_available", "lines_fetched_at", "fetched_at"])
    return invoice


@transaction.atomic
def costs_fetch(*, vendor_account: VendorAccount, acting_user) -> Operation:
    """Queue the fetch of this month's cost of every account on the vendor account (Greenview subscriptions)."""
    access.require(acting_user, permissions.BILLING_VIEW)
    operation = provisioning.operation_enqueue(
        payload=VendorAccountFetchCosts(vendor_account_id=vendor_account.pk), vendor_account=vendor_account,
        acting_user=acting_user, summary=f"Fetch this month's costs from {vendor_account.name}")
    audit_record(acting_user=acting_user, action="vendor_account.fetch_costs", target=vendor_account,
                 summary=f"Asked {vendor_account.name} for this month's costs")
    return operation
