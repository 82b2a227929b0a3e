"""Template helpers every page uses: the status badge (one colour lookup for every status enum)."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils.html import format_html

from core import permissions

register = template.Library()


@register.filter
def badge(status) -> str:
    """``{{ obj.state_choice|badge }}``: the status's label in its colour (cheap enough for every row)."""
    if status is None or status == "":
        return ""
    return format_html('<span class="badge badge-{}">{}</span>', getattr(status, "colour", "grey"),
                       getattr(status, "label", status))


_MARK = 987654321987


@lru_cache(maxsize=256)
def _pattern(view_name: str) -> str:
    return reverse(view_name, args=[_MARK])


@register.filter
def url_of(pk, view_name: str) -> str:
    """``{{ obj.pk|url_of:"customers:domain_detail" }}``: the URL of an object's page, reversed once per
    view name and filled in per row (a list renders dozens of links)."""
    if pk in (None, ""):
        return ""
    return _pattern(view_name).replace(str(_MARK), str(int(pk)))


@register.filter
def can(user, permission: str) -> bool:
    """``{% if request.user|can:"services.change" %}``: show only what the role may use."""
    return permissions.can(user, permission)
