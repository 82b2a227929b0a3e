"""Shared vocabulary: severities and the colour every status badge uses."""

from __future__ import annotations

from django.db import models


class Severity(models.TextChoices):
    """How urgent something is; high means mail flow may be at risk."""

    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"
    INFO = "info", "Info"

    @property
    def colour(self) -> str:
        return {"high": "red", "medium": "amber", "low": "blue", "info": "grey"}[self.value]

    @property
    def rank(self) -> int:
        """Sort key: 0 is the most urgent."""
        return {"high": 0, "medium": 1, "low": 2, "info": 3}[self.value]
