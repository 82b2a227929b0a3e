"""The audit log page: every change, filtered by customer, staff member, object, action and date (django-filter,
like every list), each row naming and linking what it changed; impersonation shown with both names.

It lives in the shell because it names objects of every app (customers, the engine's operations and accounts).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.urls import reverse

from core.lists import ListFilter, Sort, list_page, query_without
from core.models import AuditEvent
from core.permissions import AUDIT_VIEW
from core.views import render_page, staff_required
from customers.models import Customer, User
from provisioning import targets

# Audit rows name their object by model name; the engine's registry by target type name.
_REGISTRY_NAMES = {"vendorcustomer": "vendor_customer", "vendoraccount": "vendor_account"}
_OWN_PAGES = {"operation": "provisioning:operation_detail", "alert": "provisioning:alert_detail"}
AUDIT_SORTS = (Sort("newest", "Newest first", ("-id",)), Sort("oldest", "Oldest first", ("id",)))
ACTION_AREAS = [("customer.", "Customers"), ("vendor_customer.", "Vendor-side accounts"), ("package.", "Packages"),
                ("domain.", "Domains"), ("mailbox.", "Mailboxes"), ("contact.", "Contacts"),
                ("operation.", "Operations (cancel, retry)"), ("alert.", "Alerts"),
                ("vendor_account.", "Vendor accounts")]


class AuditFilter(ListFilter):
    customer = django_filters.ModelChoiceFilter(queryset=Customer.objects.all(), widget=forms.HiddenInput)
    actor = django_filters.ModelChoiceFilter(queryset=User.objects.filter(is_staff=True).order_by("username"),
                                             label="Staff member", empty_label="Anyone")
    action = django_filters.ChoiceFilter(choices=ACTION_AREAS, lookup_expr="startswith", label="Action",
                                         empty_label="Any action")
    target_type = django_filters.CharFilter(widget=forms.HiddenInput)
    target_id = django_filters.NumberFilter(widget=forms.HiddenInput)
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label="From",
                                      widget=forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label="To",
                                      widget=forms.DateInput(attrs={"type": "date"}))

    class Meta(ListFilter.Meta):
        model = AuditEvent
        fields = ["customer", "actor", "action", "target_type", "target_id", "since", "until"]


def _name_objects(rows) -> None:
    """Give each row its object's name and link: one query per object type on the page."""
    pairs = [(_REGISTRY_NAMES.get(r.target_type, r.target_type), r.target_id) for r in rows if r.target_id]
    labels = targets.labels_for([p for p in pairs if p[0] in targets.registered()])
    for row in rows:
        kind = _REGISTRY_NAMES.get(row.target_type, row.target_type)
        row.object_label, row.object_url = "", ""
        if not row.target_id:
            continue
        if kind in _OWN_PAGES:
            row.object_label = f"{kind} #{row.target_id}"
            row.object_url = reverse(_OWN_PAGES[kind], args=[row.target_id])
        elif (kind, row.target_id) in labels:
            row.object_label = labels[(kind, row.target_id)]
            row.object_url = targets.get(kind).url(row.target_id)
        else:
            row.object_label = f"{kind.replace('_', ' ')} #{row.target_id} (gone)"


@staff_required(permission=AUDIT_VIEW)
def audit_log(request):
    queryset = AuditEvent.objects.select_related("actor", "impersonator", "customer")
    filters = AuditFilter(request.GET, queryset=queryset)
    page = list_page(request, filters.qs, sorts=AUDIT_SORTS)
    _name_objects(page.items)
    scope = filters.form.cleaned_data if filters.form.is_valid() else {}
    return render_page(request, "panel/audit_log.html", {
        "filters": filters, "page": page, "qs": query_without(request, "after", "before"), "table_id": "audit-table",
        "scoped_customer": scope.get("customer"),
        "scoped_object": (scope.get("target_type"), scope.get("target_id")) if scope.get("target_type") else None,
    }, partial="audit-table")
