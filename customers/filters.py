"""Filters and sorts of the customers app's lists (django-filter; see core/lists.py)."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from core.lists import ListFilter, Sort
from customers.choices import CustomerStatus, VendorState
from customers.models import Customer, Domain, Mailbox
from customers.validators import search_form
from provisioning.models import VendorAccount


def _accounts():
    return VendorAccount.objects.defer("credentials").order_by("name")


class CustomerFilter(ListFilter):
    q = django_filters.CharFilter(method="search", label="Search customers")
    status = django_filters.ChoiceFilter(choices=CustomerStatus.choices, empty_label="Any status")

    class Meta(ListFilter.Meta):
        model = Customer
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(reference__icontains=value) | Q(email__icontains=value)
                               | Q(contact_name__icontains=value)) if value else queryset


CUSTOMER_SORTS = (
    Sort("name", "Name", ("name", "id")),
    Sort("reference", "Reference", ("reference",)),
    Sort("newest", "Newest first", ("-created_at", "-id")),
)


class DomainFilter(ListFilter):
    q = django_filters.CharFilter(method="search", label="Search domains")
    vendor_state = django_filters.ChoiceFilter(choices=VendorState.choices, empty_label="Any vendor state",
                                               label="Vendor state")
    vendor_account = django_filters.ModelChoiceFilter(queryset=_accounts(), empty_label="Any vendor account",
                                                      label="Hosted on")

    class Meta(ListFilter.Meta):
        model = Domain
        fields = ["q", "vendor_state", "vendor_account"]

    def search(self, queryset, name, value):
        value = search_form(value)
        return queryset.filter(name__contains=value) if value else queryset


DOMAIN_SORTS = (
    Sort("name", "Name", ("name",)),
    Sort("newest", "Newest first", ("-created_at", "-id")),
)


class MailboxFilter(ListFilter):
    q = django_filters.CharFilter(method="search", label="Search mailboxes (name or name@domain)")
    vendor_state = django_filters.ChoiceFilter(choices=VendorState.choices, empty_label="Any vendor state",
                                               label="Vendor state")
    vendor_account = django_filters.ModelChoiceFilter(queryset=_accounts(), field_name="domain__vendor_account",
                                                      empty_label="Any vendor account", label="Hosted on")

    class Meta(ListFilter.Meta):
        model = Mailbox
        fields = ["q", "vendor_state", "vendor_account"]

    def search(self, queryset, name, value):
        local, _, domain_part = value.lower().partition("@")
        if local:
            queryset = queryset.filter(local_part__startswith=local)
        if domain_part:
            queryset = queryset.filter(domain__name__startswith=search_form(domain_part))
        return queryset


MAILBOX_SORTS = (
    Sort("name", "Mailbox name", ("local_part", "id")),
    Sort("newest", "Newest first", ("-created_at", "-id")),
)
