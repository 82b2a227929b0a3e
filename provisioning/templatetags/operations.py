"""Template filters of the operation page."""

from django import template

from provisioning.words import pretty

register = template.Library()


@register.filter(name="pretty")
def pretty_filter(value) -> str:
    """``{{ exchange.sent|pretty }}``: indented JSON, never a Python dict."""
    return pretty(value)
