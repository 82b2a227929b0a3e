"""Small database helpers shared by the apps' models."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, models


def choices_constraint(field: str, choices: type[models.TextChoices], name: str) -> models.CheckConstraint:
    """A CHECK that ``field`` holds one of ``choices``' values, so bad states cannot reach the table."""
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": choices.values}), name=name)


@dataclass(frozen=True)
class Count:
    """A count that stays cheap: ``exact``, an ``estimate`` of a whole table, or ``at_least`` this many."""

    value: int
    kind: str = "exact"

    def __str__(self) -> str:
        if self.kind == "exact":
            return f"{self.value:,}"
        return f"≈{self.value:,}" if self.kind == "estimate" else f"{self.value:,}+"

    def __bool__(self) -> bool:
        return self.value > 0

    def __add__(self, other: Count) -> Count:
        return Count(self.value + other.value, "exact" if self.kind == other.kind == "exact" else "at_least")


COUNT_CAP = 10_000


def cheap_count(queryset: models.QuerySet, *, whole_table: bool = False, cap: int = COUNT_CAP) -> Count:
    """Count at most ``cap`` rows; beyond it, PostgreSQL's statistics estimate a whole table's size
    (``whole_table``), else the count says "10,000+". Its cost does not grow with the table."""
    # Only the keys: a list's annotations (per-row counts) cost nothing to a count.
    bounded = queryset.order_by().values("pk")[: cap + 1].count()
    if bounded <= cap:
        return Count(bounded)
    if whole_table and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                           [queryset.model._meta.db_table])
            row = cursor.fetchone()
        if row and row[0] > cap:
            return Count(int(row[0]), "estimate")
    return Count(cap, "at_least")
