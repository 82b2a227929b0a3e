"""Small database helpers shared by the apps' models."""

from __future__ import annotations

from django.db import models


def choices_constraint(field: str, choices: type[models.TextChoices], name: str) -> models.CheckConstraint:
    """A CHECK that ``field`` holds one of ``choices``' values, so bad states cannot reach the table."""
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": choices.values}), name=name)
