"""The customers app's target types, registered with the engine from ``CustomersConfig.ready()``.

They tell the engine how to lock, name and link each object, and how a vendor's answer is written
back (its id, its state, and the few attributes listed in ``writable_attrs``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.urls import reverse

from customers.choices import LinkState, RequestedState
from customers.models import (
    Contact,
    Customer,
    Domain,
    DomainPackageLink,
    Invoice,
    Mailbox,
    MonthlyCost,
    Package,
    UsageReport,
    VendorCustomer,
)
from provisioning.targets import Facts, TargetType

SECRET = "vendor_account__credentials"


def drift_fix_url(target_type: str, pk: int, alert_kind: str) -> str:
    """A drift alert's fix in place: both sides, "take the vendor's" and "push ours"."""
    return reverse("customers:drift_fix", args=[target_type, pk]) if alert_kind == "drift" else ""


class DriftFix:
    """Target types whose drift alerts offer the fix in place."""

    def fix_url(self, pk: int, alert_kind: str) -> str:
        return drift_fix_url(self.name, pk, alert_kind)


def merge_vendor_attrs(model, pk: int, attrs: dict) -> None:
    """What a vendor said beyond id and state is merged into ``vendor_attrs`` (a key set to None is dropped)."""
    said = attrs.pop("vendor_attrs", None)
    if not said:
        return
    current = dict(model.objects.filter(pk=pk).values_list("vendor_attrs", flat=True).first() or {})
    current.update(said)
    attrs["vendor_attrs"] = {k: v for k, v in current.items() if v is not None}


class CustomerTarget(TargetType):
    name = "customer"
    label = "Customer"
    model = Customer
    url_name = "customers:customer_detail"
    state_field = None

    def customer_id_of(self, obj) -> int:
        return obj.pk


class VendorCustomerTarget(DriftFix, TargetType):
    """Besides id and state, a vendor may report the account's details, its invoices (``invoices``), its
    monthly cost (``monthly_cost``) or when it last enabled or disabled it (``toggled_at``)."""

    name = "vendor_customer"
    label = "Vendor-side account"
    model = VendorCustomer
    url_name = "customers:vendor_customer_detail"
    writable_attrs = frozenset({"title", "reference", "email", "plan", "seats", "details", "toggled_at", "invoices",
                                "monthly_cost"})

    def queryset(self):
        return VendorCustomer.objects.select_related("customer", "vendor_account").defer(SECRET)

    def describe(self, obj) -> str:
        return f"{obj.vendor_account.kind_label} account of {obj.customer.name}"

    def attrs_of(self, obj) -> dict:
        """The account's details and, where the vendor keeps domains inside it, those it should hold now."""
        domains = [{"pk": d.pk, "name": d.name, "vendor_id": d.vendor_id, "vendor_state": d.vendor_state,
                    "mail_servers": list(d.mail_servers), "wanted": d.requested_state != RequestedState.DELETED}
                   for d in Domain.objects.filter(vendor_customer=obj).order_by("id")
                   .only("pk", "name", "vendor_id", "vendor_state", "mail_servers", "requested_state")]
        return {"title": obj.title, "reference": obj.reference, "email": obj.email, "plan": obj.plan,
                "seats": obj.seats, "details": dict(obj.details or {}), "domains": domains,
                "toggled_at": obj.toggled_at.timestamp() if obj.toggled_at else None,
                "requested_state": obj.requested_state}

    def find(self, *, vendor_account_id: int, vendor_id: str) -> int | None:
        return (VendorCustomer.objects.filter(vendor_account_id=vendor_account_id, vendor_id=vendor_id)
                .exclude(vendor_state="deleted").values_list("pk", flat=True).first())

    @transaction.atomic
    def apply(self, pk: int, facts: Facts) -> None:
        attrs = dict(facts.attrs)
        invoices = attrs.pop("invoices", None)
        cost = attrs.pop("monthly_cost", None)
        super().apply(pk, Facts(facts.vendor_id, facts.vendor_state, attrs))
        for item in invoices or []:
            Invoice.objects.update_or_create(vendor_customer_id=pk, invoice_id=str(item["invoice_id"])[:64], defaults={
                "invoice_date": datetime.date.fromisoformat(item["invoice_date"]),
                "invoice_type": str(item.get("invoice_type") or "")[:40],
                "total_due": Decimal(str(item.get("total_due") or "0")), "is_paid": bool(item.get("is_paid")),
                "csv_available": bool(item.get("csv_available"))})
        if cost:
            month = datetime.date.fromisoformat(cost["month"])
            MonthlyCost.objects.update_or_create(vendor_customer_id=pk, month=month, defaults={
                "monthly_cost": Decimal(str(cost["monthly_cost"])), "subscriptions": cost.get("subscriptions") or []})


class ContactTarget(DriftFix, TargetType):
    name = "contact"
    label = "Contact"
    model = Contact
    url_name = ""
    writable_attrs = frozenset({"name", "email", "phone", "security_question", "receives_alerts",
                                "receives_billing", "receives_updates", "removed"})

    def queryset(self):
        return Contact.objects.select_related("vendor_customer").defer(f"vendor_customer__{SECRET}")

    def describe(self, obj) -> str:
        return f"contact {obj.name}"

    def customer_id_of(self, obj) -> int:
        return obj.vendor_customer.customer_id

    def vendor_account_id_of(self, obj) -> int:
        return obj.vendor_customer.vendor_account_id

    def attrs_of(self, obj) -> dict:
        return {"name": obj.name, "email": obj.email, "phone": obj.phone, "security_question": obj.security_question,
                "receives_alerts": obj.receives_alerts, "receives_billing": obj.receives_billing,
                "receives_updates": obj.receives_updates}

    def url(self, pk: int) -> str:
        vc = Contact.objects.filter(pk=pk).values_list("vendor_customer_id", flat=True).first()
        return reverse("customers:vendor_customer_detail", args=[vc]) if vc else ""

    def find(self, *, vendor_account_id: int, vendor_id: str) -> int | None:
        return (Contact.objects.filter(vendor_customer__vendor_account_id=vendor_account_id, vendor_id=vendor_id)
                .values_list("pk", flat=True).first())

    def apply(self, pk: int, facts: Facts) -> None:
        if facts.attrs.get("removed"):
            Contact.objects.filter(pk=pk).delete()
            return
        super().apply(pk, facts)


class PackageTarget(DriftFix, TargetType):
    name = "package"
    label = "Package"
    model = Package
    url_name = "customers:package_detail"
    writable_attrs = frozenset({"editions", "removed"})

    def queryset(self):
        return Package.objects.select_related("customer")

    def describe(self, obj) -> str:
        return f"{obj.product_name} of {obj.customer.name}"

    def find(self, *, vendor_account_id: int, vendor_id: str) -> int | None:
        return (Package.objects.filter(vendor_account_id=vendor_account_id, vendor_id=vendor_id)
                .values_list("pk", flat=True).first())

    def apply(self, pk: int, facts: Facts) -> None:
        if facts.attrs.get("removed"):
            Package.objects.filter(pk=pk).delete()
            return
        super().apply(pk, facts)


class DomainTarget(TargetType):
    """Besides id and state, a vendor may report a domain's service fields, DNS records, package
    links (``links``: {package pk: "linked" | None}), a usage report, or its removal."""

    name = "domain"
    label = "Domain"
    model = Domain
    url_name = "customers:domain_detail"
    writable_attrs = frozenset({"service_field_names", "service_field_values", "dns_records", "links", "usage",
                                "removed", "mail_servers", "vendor_attrs"})

    def queryset(self):
        return Domain.objects.select_related("vendor_customer").defer(SECRET, "vendor_customer__details")

    def describe(self, obj) -> str:
        return obj.name

    def attrs_of(self, obj) -> dict:
        """The domain's holder at the vendor (a BaseKit account holder) and what the vendor said of it."""
        holder = obj.vendor_customer
        return {"holder_vendor_id": holder.vendor_id if holder is not None else "",
                "vendor_attrs": dict(obj.vendor_attrs or {})}

    def find(self, *, vendor_account_id: int, vendor_id: str) -> int | None:
        return (Domain.objects.filter(vendor_account_id=vendor_account_id, vendor_id=vendor_id)
                .values_list("pk", flat=True).first())

    def fix_url(self, pk: int, alert_kind: str) -> str:
        if alert_kind in ("domain_stale", "prune_failed", "domain_error"):
            return reverse("customers:domain_fix", args=[pk])
        return drift_fix_url(self.name, pk, alert_kind)

    @transaction.atomic
    def apply(self, pk: int, facts: Facts) -> None:
        attrs = dict(facts.attrs)
        links = attrs.pop("links", None)
        usage = attrs.pop("usage", None)
        removed = attrs.pop("removed", False)
        if removed:
            DomainPackageLink.objects.filter(domain_id=pk).delete()
            Domain.objects.filter(pk=pk).delete()
            return
        merge_vendor_attrs(Domain, pk, attrs)
        super().apply(pk, Facts(facts.vendor_id, facts.vendor_state, attrs))
        for package_id, state in (links or {}).items():
            if state is None:
                DomainPackageLink.objects.filter(domain_id=pk, package_id=package_id).delete()
            else:
                DomainPackageLink.objects.update_or_create(domain_id=pk, package_id=package_id,
                                                           defaults={"state": LinkState(state)})
        if usage:
            month = datetime.date.fromisoformat(usage["month"])
            UsageReport.objects.update_or_create(domain_id=pk, month=month, defaults={
                "data_as_at": usage.get("data_as_at", "")[:40], "editions": usage.get("editions", [])})


class MailboxTarget(DriftFix, TargetType):
    name = "mailbox"
    label = "Mailbox"
    model = Mailbox
    url_name = "customers:mailbox_detail"
    writable_attrs = frozenset({"edition", "package_id", "locked", "lock_type", "lock_reason_code", "lock_reason",
                                "first_name", "last_name", "removed", "quota_mb", "vendor_attrs"})

    def queryset(self):
        return Mailbox.objects.select_related("domain", "domain__vendor_customer").defer(
            f"domain__{SECRET}", "domain__vendor_customer__details")

    def attrs_of(self, obj) -> dict:
        """Where the mailbox lives at the vendor: its domain's name and id, the domain's holder there (BaseKit),
        and what the vendor said of it (Hostway's kind: mailbox or Exchange)."""
        holder = obj.domain.vendor_customer
        return {"domain_name": obj.domain.name, "domain_vendor_id": obj.domain.vendor_id,
                "holder_vendor_id": holder.vendor_id if holder is not None else "",
                "local_part": obj.local_part, "vendor_attrs": dict(obj.vendor_attrs or {}),
                "first_name": obj.first_name, "last_name": obj.last_name, "edition": obj.edition}

    def describe(self, obj) -> str:
        return obj.address

    def customer_id_of(self, obj) -> int:
        return obj.domain.customer_id

    def vendor_account_id_of(self, obj) -> int:
        return obj.domain.vendor_account_id

    def find(self, *, vendor_account_id: int, vendor_id: str) -> int | None:
        return (Mailbox.objects.filter(domain__vendor_account_id=vendor_account_id, vendor_id=vendor_id)
                .values_list("pk", flat=True).first())

    def apply(self, pk: int, facts: Facts) -> None:
        if facts.attrs.get("removed"):
            Mailbox.objects.filter(pk=pk).delete()
            return
        attrs = dict(facts.attrs)
        merge_vendor_attrs(Mailbox, pk, attrs)
        super().apply(pk, Facts(facts.vendor_id, facts.vendor_state, attrs))


TARGET_TYPES = (CustomerTarget(), VendorCustomerTarget(), ContactTarget(), PackageTarget(), DomainTarget(),
                MailboxTarget())
