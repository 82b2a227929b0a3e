"""Shared vocabulary: severities, and the one colour lookup every status badge uses.

Each status enum (``TextChoices``) registers its colours once with :func:`colours`; templates ask
``value.colour`` through :class:`Coloured`, so "stale" looks the same on every page. Models expose
each enum field as ``<field>_choice`` (see :func:`choice_accessor`).
"""

from __future__ import annotations

from django.db import models

_COLOURS: dict[type, dict[str, str]] = {}


def colours(enum: type[models.TextChoices], mapping: dict[str, str]) -> None:
    """Declare the badge colour of every value of ``enum`` (all of them, or it is a bug)."""
    missing = set(enum.values) - set(mapping)
    if missing:
        raise ValueError(f"{enum.__name__} has no colour for {sorted(missing)}")
    _COLOURS[enum] = dict(mapping)


def colour_of(value: models.TextChoices) -> str:
    """The badge colour of one enum value; grey for an enum that declared none."""
    return _COLOURS.get(type(value), {}).get(value.value, "grey")


class Coloured:
    """Mixin for status enums: ``value.colour`` answers from the one lookup."""

    @property
    def colour(self) -> str:
        return colour_of(self)


def choice_accessor(field: str, enum: type[models.TextChoices]) -> property:
    """``<field>_choice``: the field's value as its enum member (label, colour, severity)."""

    def get(instance) -> models.TextChoices:
        return enum(getattr(instance, field))

    get.__doc__ = f"{field} as a {enum.__name__} member."
    return property(get)


class Severity(Coloured, models.TextChoices):
    """How urgent something is; high means mail flow may be at risk."""

    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"
    INFO = "info", "Info"

    @property
    def rank(self) -> int:
        """Sort key: 0 is the most urgent."""
        return {"high": 0, "medium": 1, "low": 2, "info": 3}[self.value]


colours(Severity, {"high": "red", "medium": "amber", "low": "blue", "info": "grey"})
