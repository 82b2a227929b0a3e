"""Reads of the customers app. Every read a request makes comes through here with its user.

Staff see every customer; a customer's own users see only their customer. Anything else is 404
(never 403 with details), so ids of other customers leak nothing.
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from core.db import cheap_count
from customers.choices import LIVE_STATES, VendorState
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
from customers.validators import search_form

# Lists never need the vendor account's credentials: leave them encrypted in the database.
_SECRET = "vendor_account__credentials"


def _count_of(model, fk: str) -> Coalesce:
    """A correlated count, computed only for the rows of the page shown (not a GROUP BY of all)."""
    counted = model.objects.filter(**{fk: OuterRef("pk")}).order_by().values(fk).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _customers_for(user) -> QuerySet:
    qs = Customer.objects.all()
    if user.is_reseller_staff:
        return qs
    return qs.filter(memberships__user=user)


def _domains_for(user) -> QuerySet:
    qs = Domain.objects.select_related("customer", "vendor_account").defer(_SECRET)
    if user.is_reseller_staff:
        return qs
    return qs.filter(customer__memberships__user=user)


def _mailboxes_for(user) -> QuerySet:
    qs = Mailbox.objects.select_related("domain", "domain__customer", "domain__vendor_account").defer(
        f"domain__{_SECRET}")
    if user.is_reseller_staff:
        return qs
    return qs.filter(domain__customer__memberships__user=user)


def customer_list(*, user, search: str = "", status: str = "") -> QuerySet:
    """Customers the user may see, matching ``search`` in name, reference, contact or e-mail."""
    qs = _customers_for(user)
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(name__icontains=search) | Q(reference__icontains=search) | Q(email__icontains=search)
            | Q(contact_name__icontains=search)
        )
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(domain_count=_count_of(Domain, "customer")).order_by("name", "id")


def customer_get(*, user, pk: int) -> Customer:
    return get_object_or_404(_customers_for(user), pk=pk)


def domain_list(*, user, search: str = "", customer: Customer | None = None, vendor_state: str = "") -> QuerySet:
    qs = _domains_for(user)
    if customer is not None:
        qs = qs.filter(customer=customer)
    search = search_form(search)
    if search:
        qs = qs.filter(name__contains=search)
    if vendor_state in VendorState.values:
        qs = qs.filter(vendor_state=vendor_state)
    return qs.annotate(mailbox_count=_count_of(Mailbox, "domain")).order_by("name")


def domain_get(*, user, pk: int) -> Domain:
    return get_object_or_404(_domains_for(user), pk=pk)


def mailbox_list(*, user, search: str = "", domain: Domain | None = None, vendor_state: str = "") -> QuerySet:
    qs = _mailboxes_for(user)
    if domain is not None:
        qs = qs.filter(domain=domain)
    search = search.strip().lower()
    if search:
        local, _, domain_part = search.partition("@")
        qs = qs.filter(local_part__startswith=local) if local else qs
        if domain_part:
            qs = qs.filter(domain__name__startswith=search_form(domain_part))
    if vendor_state in VendorState.values:
        qs = qs.filter(vendor_state=vendor_state)
    return qs.order_by("domain__name", "local_part")


def mailbox_get(*, user, pk: int) -> Mailbox:
    return get_object_or_404(_mailboxes_for(user), pk=pk)


def _packages_for(user) -> QuerySet:
    qs = Package.objects.select_related("customer", "vendor_account").defer(_SECRET)
    if user.is_reseller_staff:
        return qs
    return qs.filter(customer__memberships__user=user)


def package_list(*, user, customer: Customer | None = None) -> QuerySet:
    qs = _packages_for(user)
    if customer is not None:
        qs = qs.filter(customer=customer)
    return qs.annotate(domain_count=_count_of(DomainPackageLink, "package")).order_by("product_name", "id")


def package_get(*, user, pk: int) -> Package:
    return get_object_or_404(_packages_for(user), pk=pk)


def package_links(*, package: Package) -> QuerySet:
    return DomainPackageLink.objects.filter(package=package).select_related("domain").order_by("domain__name")


def domain_links(*, domain: Domain) -> QuerySet:
    return DomainPackageLink.objects.filter(domain=domain).select_related("package").order_by("package__product_name")


def vendor_customers(*, customer: Customer) -> QuerySet:
    return (VendorCustomer.objects.filter(customer=customer).select_related("vendor_account").defer(_SECRET)
            .order_by("vendor_account__name", "-id"))


def usage_reports(*, domain: Domain, limit: int = 6) -> list[UsageReport]:
    return list(UsageReport.objects.filter(domain=domain).order_by("-month")[:limit])


def estate_counts(*, user) -> dict:
    """What the dashboard counts: customers, domains, mailboxes, and those not yet live at a vendor.

    Counts stay cheap at any size (exact up to 10,000, then estimated or "10,000+"): a dashboard must
    not scan the estate.
    """
    staff = user.is_reseller_staff
    domains = _domains_for(user)
    mailboxes = _mailboxes_for(user)
    not_live = (cheap_count(domains.exclude(vendor_state__in=LIVE_STATES))
                + cheap_count(mailboxes.exclude(vendor_state__in=LIVE_STATES)))
    return {
        "customers": cheap_count(_customers_for(user), whole_table=staff),
        "domains": cheap_count(domains, whole_table=staff),
        "mailboxes": cheap_count(mailboxes, whole_table=staff),
        "not_live": not_live,
    }


def _vendor_customers_for(user) -> QuerySet:
    qs = VendorCustomer.objects.select_related("customer", "vendor_account").defer(_SECRET)
    if user.is_reseller_staff:
        return qs
    return qs.filter(customer__memberships__user=user)


def vendor_customer_get(*, user, pk: int) -> VendorCustomer:
    return get_object_or_404(_vendor_customers_for(user), pk=pk)


def vendor_customer_domains(*, vendor_customer: VendorCustomer) -> QuerySet:
    return Domain.objects.filter(vendor_customer=vendor_customer).order_by("name")


def contacts_of(*, vendor_customer: VendorCustomer) -> QuerySet:
    return Contact.objects.filter(vendor_customer=vendor_customer).order_by("name", "id")


def contact_get(*, user, pk: int) -> Contact:
    qs = Contact.objects.select_related("vendor_customer__customer", "vendor_customer__vendor_account").defer(
        f"vendor_customer__{_SECRET}")
    if not user.is_reseller_staff:
        qs = qs.filter(vendor_customer__customer__memberships__user=user)
    return get_object_or_404(qs, pk=pk)


def invoices_of(*, vendor_customer: VendorCustomer) -> QuerySet:
    return Invoice.objects.filter(vendor_customer=vendor_customer).order_by("-invoice_date", "-id")


def invoice_get(*, user, pk: int) -> Invoice:
    qs = Invoice.objects.select_related("vendor_customer__customer", "vendor_customer__vendor_account").defer(
        f"vendor_customer__{_SECRET}")
    if not user.is_reseller_staff:
        qs = qs.filter(vendor_customer__customer__memberships__user=user)
    return get_object_or_404(qs, pk=pk)


def monthly_costs(*, user, vendor_customer: VendorCustomer | None = None, month=None) -> QuerySet:
    qs = MonthlyCost.objects.select_related("vendor_customer__customer", "vendor_customer__vendor_account").defer(
        f"vendor_customer__{_SECRET}")
    if not user.is_reseller_staff:
        qs = qs.filter(vendor_customer__customer__memberships__user=user)
    if vendor_customer is not None:
        qs = qs.filter(vendor_customer=vendor_customer)
    if month is not None:
        qs = qs.filter(month=month)
    return qs.order_by("-month", "vendor_customer__customer__name")


def invoice_list(*, user) -> QuerySet:
    qs = Invoice.objects.select_related("vendor_customer__customer", "vendor_customer__vendor_account").defer(
        f"vendor_customer__{_SECRET}", "csv_text")
    if not user.is_reseller_staff:
        qs = qs.filter(vendor_customer__customer__memberships__user=user)
    return qs.order_by("-invoice_date", "-id")
