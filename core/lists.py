"""The one way every staff list is built: filters (django-filter), sorts served by an index, keyset
pages and counts that stay cheap however large the estate.

* **Filters** live in each app's ``filters.py`` as a :class:`ListFilter` (a django-filter FilterSet
  whose form trims input, bounds it and drops NUL bytes, which PostgreSQL refuses). A value that is
  not a valid choice is ignored, never a 500.
* **Sorts** are declared per list as :class:`Sort`: the ordering columns, ending in a unique one, and
  an index serving that order. Only declared sorts are offered.
* **Pages** are keyset pages: the next page starts after the last row shown (``?after=``), the
  previous one before the first (``?before=``), so the 4,000th page costs what the first does.
* **Counts** stop at ``COUNT_CAP``: "10,000+" rather than a scan of the whole table.

Filters, sort and cursor all live in the query string, so a list is shareable and Back restores it.
"""

from __future__ import annotations

import base64
import datetime
import json
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet

COUNT_CAP = 10_000
MAX_TEXT = 100


class ListFilterForm(forms.Form):
    """Filter input as a list takes it: trimmed, bounded, free of NUL bytes."""

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str):
                data[name] = value.replace("\x00", "").strip()[:MAX_TEXT]
        return data

    def full_clean(self):
        if self.is_bound:
            self.data = self.data.copy()
            for key in list(self.data.keys()):
                self.data.setlist(key, [v.replace("\x00", "") for v in self.data.getlist(key)])
        super().full_clean()


class ListFilter(django_filters.FilterSet):
    """Base of every list's filters."""

    class Meta:
        form = ListFilterForm


@dataclass(frozen=True)
class Sort:
    """One order a list offers: its columns (``-`` for descending, all one direction, the last unique)."""

    key: str
    label: str
    fields: tuple[str, ...]

    @property
    def descending(self) -> bool:
        return self.fields[0].startswith("-")

    @property
    def names(self) -> list[str]:
        return [f.lstrip("-") for f in self.fields]


@dataclass
class ListPage:
    """One page of a list, with what the template needs to move on and say how many there are."""

    items: list
    has_next: bool
    has_previous: bool
    next_cursor: str
    previous_cursor: str
    count: int
    count_capped: bool
    sort: Sort
    sorts: tuple[Sort, ...]

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def count_label(self) -> str:
        return f"{COUNT_CAP:,}+" if self.count_capped else f"{self.count:,}"


def _encode(values: list[Any]) -> str:
    def plain(v):
        return v.isoformat() if isinstance(v, (datetime.datetime, datetime.date)) else v

    raw = json.dumps([plain(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, size: int) -> list[Any] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, TypeError):
        return None
    if not isinstance(values, list) or len(values) != size:
        return None
    if not all(isinstance(v, (str, int, float, bool)) for v in values):
        return None
    return values


def _beyond(sort: Sort, values: list[Any], *, forward: bool) -> Q:
    """Rows after (or before) the row with ``values`` in ``sort``'s order."""
    later = (forward != sort.descending)
    lookup = "gt" if later else "lt"
    condition = Q()
    for i, name in enumerate(sort.names):
        step = Q(**{f"{name}__{lookup}": values[i]})
        for prior, value in zip(sort.names[:i], values[:i], strict=False):
            step &= Q(**{prior: value})
        condition |= step
    return condition


def _row_values(row, sort: Sort) -> list[Any]:
    """The row's values of the sort's columns (``domain__name`` reads ``row.domain.name``)."""
    values = []
    for name in sort.names:
        value = row
        for part in name.split("__"):
            value = getattr(value, part)
        values.append(value)
    return values


def list_page(request, queryset: QuerySet, *, sorts: tuple[Sort, ...], per_page: int | None = None) -> ListPage:
    """One keyset page of ``queryset`` in the sort ``?sort=`` names (the first by default)."""
    per_page = per_page or settings.PAGE_SIZE
    sort = next((s for s in sorts if s.key == request.GET.get("sort")), sorts[0])
    ordered = queryset.order_by(*sort.fields)
    after = _decode(request.GET.get("after", ""), len(sort.names))
    before = _decode(request.GET.get("before", "")[:500], len(sort.names)) if after is None else None
    if before is not None:
        reverse = [f[1:] if f.startswith("-") else f"-{f}" for f in sort.fields]
        rows = list(queryset.filter(_beyond(sort, before, forward=False)).order_by(*reverse)[: per_page + 1])
        has_previous = len(rows) > per_page
        rows = list(reversed(rows[:per_page]))
        has_next = True
    else:
        page = ordered.filter(_beyond(sort, after, forward=True)) if after is not None else ordered
        rows = list(page[: per_page + 1])
        has_next = len(rows) > per_page
        rows = rows[:per_page]
        has_previous = after is not None
    count = queryset.order_by()[: COUNT_CAP + 1].count()
    return ListPage(
        items=rows, has_next=has_next and bool(rows), has_previous=has_previous and bool(rows),
        next_cursor=_encode(_row_values(rows[-1], sort)) if rows else "",
        previous_cursor=_encode(_row_values(rows[0], sort)) if rows else "",
        count=min(count, COUNT_CAP), count_capped=count > COUNT_CAP, sort=sort, sorts=sorts,
    )


def query_without(request, *names: str) -> str:
    """The query string without ``names`` (the cursor, when the filters or the sort change)."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()
