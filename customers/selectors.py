"""Reads of the customers app. Every read a request makes comes through here with its user.

Staff see every customer; a customer's own users see only their customer. Anything else is 404
(never 403 with details), so ids of other customers leak nothing.
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.db import cheap_count
from core.models import AuditEvent
from customers.choices import LIVE_STATES, VendorState
from customers.models import (
    Contact,
    Customer,
    Domain,
    DomainPackageLink,
    Invitation,
    Invoice,
    Mailbox,
    Membership,
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


def _within(qs: QuerySet, customer: Customer | None, path: str) -> QuerySet:
    """Narrowed to one customer (the portal's): another customer's object is then not found at all."""
    return qs if customer is None else qs.filter(**{path: customer})


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


def domain_get(*, user, pk: int, customer: Customer | None = None) -> Domain:
    """The domain if ``user`` may see it (and, given ``customer``, only if it is that customer's); else 404."""
    return get_object_or_404(_within(_domains_for(user), customer, "customer"), pk=pk)


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


def mailbox_get(*, user, pk: int, customer: Customer | None = None) -> Mailbox:
    return get_object_or_404(_within(_mailboxes_for(user), customer, "domain__customer"), pk=pk)


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


def vendor_customer_get(*, user, pk: int, customer: Customer | None = None) -> VendorCustomer:
    return get_object_or_404(_within(_vendor_customers_for(user), customer, "customer"), pk=pk)


def vendor_customer_domains(*, vendor_customer: VendorCustomer) -> QuerySet:
    return Domain.objects.filter(vendor_customer=vendor_customer).order_by("name")


def contacts_of(*, vendor_customer: VendorCustomer) -> QuerySet:
    return Contact.objects.filter(vendor_customer=vendor_customer).order_by("name", "id")


def contact_get(*, user, pk: int, customer: Customer | None = None) -> Contact:
    qs = Contact.objects.select_related("vendor_customer__customer", "vendor_customer__vendor_account").defer(
        f"vendor_customer__{_SECRET}")
    if not user.is_reseller_staff:
        qs = qs.filter(vendor_customer__customer__memberships__user=user)
    return get_object_or_404(_within(qs, customer, "vendor_customer__customer"), pk=pk)


def invoices_of(*, vendor_customer: VendorCustomer) -> QuerySet:
    return Invoice.objects.filter(vendor_customer=vendor_customer).order_by("-invoice_date", "-id")


def invoice_get(*, user, pk: int, customer: Customer | None = None) -> Invoice:
    qs = Invoice.objects.select_related("vendor_customer__customer", "vendor_customer__vendor_account").defer(
        f"vendor_customer__{_SECRET}")
    if not user.is_reseller_staff:
        qs = qs.filter(vendor_customer__customer__memberships__user=user)
    return get_object_or_404(_within(qs, customer, "vendor_customer__customer"), pk=pk)


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


def invoice_list(*, user, customer: Customer | None = None) -> QuerySet:
    qs = Invoice.objects.select_related("vendor_customer__customer", "vendor_customer__vendor_account").defer(
        f"vendor_customer__{_SECRET}", "csv_text")
    if not user.is_reseller_staff:
        qs = qs.filter(vendor_customer__customer__memberships__user=user)
    return _within(qs, customer, "vendor_customer__customer").order_by("-invoice_date", "-id")


def portal_customer(*, user, pk: int | None = None) -> Customer | None:
    """The customer whose portal ``user`` works in: their membership's (the one named by ``pk`` when they
    belong to several); None if they belong to none."""
    qs = Customer.objects.filter(memberships__user=user, memberships__user__is_active=True).order_by("name", "id")
    if pk is not None:
        found = qs.filter(pk=pk).first()
        if found is not None:
            return found
    return qs.first()


def members_of(*, customer: Customer) -> QuerySet:
    return Membership.objects.filter(customer=customer).select_related("user").order_by("user__username")


def membership_get(*, customer: Customer, pk: int) -> Membership:
    return get_object_or_404(Membership.objects.select_related("user", "customer"), customer=customer, pk=pk)


def open_invitations(*, customer: Customer) -> QuerySet:
    return Invitation.objects.filter(customer=customer, accepted_at__isnull=True, revoked_at__isnull=True,
                                     expires_at__gt=timezone.now()).order_by("-created_at")


def invitation_of(*, customer: Customer, pk: int) -> Invitation:
    return get_object_or_404(Invitation, customer=customer, pk=pk)


def activity_of(*, customer: Customer) -> QuerySet:
    """The customer's activity log: every audited change to their services, by whom (and on whose behalf)."""
    return (AuditEvent.objects.filter(customer=customer).select_related("actor", "impersonator")
            .order_by("-at", "-id"))
