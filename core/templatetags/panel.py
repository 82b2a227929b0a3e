"""Template helpers every page uses: the status badge (one colour lookup for every status enum)."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

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


@register.filter
def select_options(field) -> str:
    """``{{ field|select_options }}``: a choice field's ``<option>``s with the current value selected.

    Built in Python because list toolbars render every choice (all operation kinds, say) on every
    request; a template loop per option costs more than the table rows.
    """
    current = field.value()
    current = "" if current is None else str(current)
    return format_html_join("", '<option value="{}"{}>{}</option>',
                            ((value, " selected" if str(value) == current else "", label)
                             for value, label in field.field.choices))


@register.filter
def described(field) -> str:
    """``{{ field|described }}``: the widget with ``aria-describedby`` naming its help text and its
    errors (ids the field template renders), and ``aria-invalid`` while it has errors."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    attrs = {"aria-describedby": " ".join(ids)} if ids else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
