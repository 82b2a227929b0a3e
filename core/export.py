"""CSV exports of any list, streamed: the filtered queryset is read in chunks and written row by row, so a
100,000-row export holds one chunk in memory and starts arriving at once (Django's streaming CSV pattern)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone

CHUNK = 2000
# A cell a spreadsheet would run as a formula ("=HYPERLINK(...)") is written as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write returns what it was given (csv.writer writes into it)."""

    def write(self, value: str) -> str:
        return value


def safe_cell(value: Any) -> str:
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def stream_csv(*, name: str, header: list[str], rows: Iterable, row: Callable[[Any], list]) -> StreamingHttpResponse:
    """``rows`` (a queryset: read with ``iterator``) as a CSV download named ``<name>-<date>.csv``."""
    writer = csv.writer(_Echo())
    source = rows.iterator(chunk_size=CHUNK) if hasattr(rows, "iterator") else rows

    def lines():
        yield "\ufeff"  # spreadsheets read UTF-8 (internationalised names) with a byte-order mark
        yield writer.writerow(header)
        for item in source:
            yield writer.writerow([safe_cell(v) for v in row(item)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate():%Y-%m-%d}.csv"'
    return response
