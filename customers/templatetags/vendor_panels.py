"""``{% vendor_panels vendor "mailbox" as panels %}``: the vendor-specific panels its capabilities call for."""

from __future__ import annotations

from django import template

from customers.services.adopt import domain_import_job as _domain_import_job
from customers.views.panels import panels_for

register = template.Library()


@register.simple_tag
def vendor_panels(vendor, target: str):
    return panels_for(vendor, target)


@register.filter
def offers(vendor, capability: str) -> bool:
    """``{% if vendor|offers:"spam_control_panel" %}``: the vendor declares the capability."""
    return vendor.can(capability)


@register.simple_tag
def domain_import_job(domain):
    """The import that adopted the domain (its progress shows on the domain's page), or None."""
    if domain.vendor_account.profile.domain_origin != "adopted":
        return None
    return _domain_import_job(domain)
