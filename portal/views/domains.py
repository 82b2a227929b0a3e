"""The customer's domains: live status, the DNS records to publish, mailboxes, usage; adding a mailbox."""

from __future__ import annotations

from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from core import permissions
from core.views import paginate, render_page, submit
from customers import selectors, services
from customers.views.common import live_context, stop_polling_when_done
from portal.forms import PortalMailboxForm
from portal.views.common import portal_required
from provisioning.choices import Capability


def domain_url(domain) -> str:
    return reverse("portal:domain_detail", args=[domain.pk])


def domain_context(request, domain, *, mailbox_form=None) -> dict:
    vendor = domain.vendor_account.profile
    can_mailboxes = vendor.can(Capability.MAILBOXES)
    return {
        "domain": domain,
        "vendor": vendor,
        "page": paginate(request, selectors.mailbox_list(user=request.user, domain=domain)) if can_mailboxes else None,
        "can_mailboxes": can_mailboxes,
        "mailbox_form": mailbox_form or (PortalMailboxForm(domain=domain)
                                         if can_mailboxes and request.portal.can(permissions.SERVICES_CHANGE)
                                         and domain.requested_state != "deleted" else None),
        "usage": selectors.usage_reports(domain=domain) if vendor.can(Capability.USAGE) else [],
        **live_context(request, target_type="domain", pk=domain.pk),
    }


@portal_required
def domain_detail(request, pk: int):
    domain = selectors.domain_get(user=request.user, pk=pk, customer=request.portal.customer)
    return render_page(request, "portal/domain_detail.html", domain_context(request, domain))


@portal_required
@require_GET
def domain_status(request, pk: int):
    domain = selectors.domain_get(user=request.user, pk=pk, customer=request.portal.customer)
    context = domain_context(request, domain)
    return stop_polling_when_done(render_page(request, "portal/domain_detail.html", context,
                                              partial="domain-status"), context)


@portal_required(permission=permissions.SERVICES_CHANGE)
@sensitive_post_parameters("password")
@require_POST
def mailbox_create(request, pk: int):
    domain = selectors.domain_get(user=request.user, pk=pk, customer=request.portal.customer)
    form = PortalMailboxForm(request.POST, domain=domain)
    done = submit(
        request, form, lambda data: services.mailbox_create(domain=domain, acting_user=request.user, **data),
        message=lambda m: f"{m.address} is being created. It works once {domain.vendor_account.profile.label} "
                          "confirms it.",
        url=lambda m: reverse("portal:mailbox_detail", args=[m.pk]),
    )
    return done or render_page(request, "portal/domain_detail.html",
                               domain_context(request, domain, mailbox_form=form), partial="mailbox-form")
