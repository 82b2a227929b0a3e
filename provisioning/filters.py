"""Filters and sorts of the engine's lists (django-filter; see core/lists.py)."""

from __future__ import annotations

import django_filters

from core.choices import Severity
from core.lists import ListFilter, Sort
from provisioning.choices import AlertKind, OperationState
from provisioning.kinds import kind_choices
from provisioning.models import Alert, Operation, VendorAccount


class OperationFilter(ListFilter):
    state = django_filters.ChoiceFilter(choices=OperationState.choices, empty_label="Any state")
    kind = django_filters.ChoiceFilter(choices=kind_choices(), empty_label="Any change", label="Change")
    vendor_account = django_filters.ModelChoiceFilter(
        queryset=VendorAccount.objects.defer("credentials").order_by("name"), empty_label="Any vendor account",
        label="Vendor account")

    class Meta(ListFilter.Meta):
        model = Operation
        fields = ["state", "kind", "vendor_account"]


OPERATION_SORTS = (
    Sort("newest", "Newest first", ("-id",)),
    Sort("oldest", "Oldest first", ("id",)),
)


class AlertFilter(ListFilter):
    severity = django_filters.ChoiceFilter(choices=Severity.choices, empty_label="Any severity")
    kind = django_filters.ChoiceFilter(choices=AlertKind.choices, empty_label="Any kind", label="Kind")

    class Meta(ListFilter.Meta):
        model = Alert
        fields = ["severity", "kind"]


# The desk: open alerts, the most urgent first, then the oldest.
OPEN_ALERT_SORTS = (
    Sort("urgent", "Most urgent first", ("severity_rank", "opened_at", "id")),
    Sort("oldest", "Oldest first", ("opened_at", "id")),
    Sort("newest", "Newest first", ("-opened_at", "-id")),
)
RESOLVED_ALERT_SORTS = (Sort("resolved", "Latest resolved first", ("-resolved_at", "-id")),)
