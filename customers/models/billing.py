"""What vendors bill for a customer's account: invoices with their line items (Rackspace) and the
monthly cost of its subscriptions (Greenview), kept per month for the billing view."""

from __future__ import annotations

from django.db import models


class Invoice(models.Model):
    """One invoice of a vendor-side account, as the vendor's invoice list gave it."""

    vendor_customer = models.ForeignKey("customers.VendorCustomer", on_delete=models.CASCADE,
                                        related_name="invoices")
    invoice_id = models.CharField(max_length=64)
    invoice_date = models.DateField()
    invoice_type = models.CharField(max_length=40, blank=True)
    total_due = models.DecimalField(max_digits=14, decimal_places=2)
    is_paid = models.BooleanField(default=False)
    csv_available = models.BooleanField(default=False)
    # The line items' CSV as the vendor sent it (for download), once fetched.
    csv_text = models.TextField(blank=True)
    lines_fetched_at = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["vendor_customer", "-invoice_date", "-id"]
        constraints = [models.UniqueConstraint(fields=["vendor_customer", "invoice_id"], name="invoice_unique")]
        indexes = [models.Index(fields=["invoice_date"], name="invoice_date_idx")]

    def __str__(self) -> str:
        return f"invoice {self.invoice_id} of {self.invoice_date:%Y-%m-%d}"


class InvoiceLine(models.Model):
    """One line of an invoice's CSV (Account No, Reference No, Domain, Product, Type, Service Start...)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    account_number = models.CharField(max_length=32, blank=True)
    reference_number = models.CharField(max_length=64, blank=True)
    domain = models.CharField(max_length=253, blank=True)
    product = models.CharField(max_length=200, blank=True)
    line_type = models.CharField(max_length=40, blank=True)
    service_start = models.CharField(max_length=40, blank=True)
    service_end = models.CharField(max_length=40, blank=True)
    committed_usage = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    current_usage = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    usage_change = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    months = models.DecimalField(max_digits=8, decimal_places=4, null=True, blank=True)
    rate = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    charge = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_unique")]

    def __str__(self) -> str:
        return f"{self.product} on {self.invoice}"


class MonthlyCost(models.Model):
    """What a vendor-side account costs the reseller in one month, with its subscriptions."""

    vendor_customer = models.ForeignKey("customers.VendorCustomer", on_delete=models.CASCADE,
                                        related_name="monthly_costs")
    month = models.DateField(help_text="The first day of the month.")
    monthly_cost = models.DecimalField(max_digits=14, decimal_places=2)
    # [{"product", "quantity", "monthly_cost", "options", "billing_interval", "next_bill_date"}]
    subscriptions = models.JSONField(default=list, blank=True)
    fetched_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month", "vendor_customer"]
        constraints = [models.UniqueConstraint(fields=["vendor_customer", "month"], name="monthly_cost_unique")]

    def __str__(self) -> str:
        return f"{self.vendor_customer} in {self.month:%Y-%m}: {self.monthly_cost}"
