"""The customer's mailboxes: list, page (live while a change is in flight), names, password, the
vendor's self-service actions (suspend, reactivate), webmail through the vendor's login token."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from core import permissions
from core.views import paginate, redirect_after_post, render_page, submit
from customers import selectors, services
from customers.choices import VendorState
from customers.forms import MailboxDetailsForm, MailboxPasswordForm
from customers.views.common import live_context, queue, stop_polling_when_done
from portal.views.common import portal_required
from provisioning.adapters.base import VendorError
from provisioning.choices import Capability


def mailbox_url(mailbox) -> str:
    return reverse("portal:mailbox_detail", args=[mailbox.pk])


def portal_actions(profile, target: str, vendor_state: str):
    """The vendor's actions a customer may use themselves (declared ``portal=True`` in its profile)."""
    return [spec for spec in profile.actions_for(target, vendor_state) if spec.portal]


@portal_required
def mailbox_list(request):
    search = request.GET.get("q", "").replace("\x00", "")[:100]
    qs = selectors.mailbox_list(user=request.user, search=search).filter(domain__customer=request.portal.customer)
    return render_page(request, "portal/mailbox_list.html", {"page": paginate(request, qs), "q": search},
                       partial="mailbox-table")


def mailbox_context(request, mailbox, *, details_form=None, password_form=None) -> dict:
    vendor = mailbox.domain.vendor_account.profile
    return {
        "mailbox": mailbox,
        "vendor": vendor,
        "actions": portal_actions(vendor, "mailbox", mailbox.vendor_state),
        "details_form": details_form or MailboxDetailsForm(initial={"first_name": mailbox.first_name,
                                                                    "last_name": mailbox.last_name}),
        "password_form": password_form or MailboxPasswordForm(),
        "can_webmail": vendor.can(Capability.WEBMAIL) and mailbox.vendor_state == VendorState.ACTIVE,
        **live_context(request, target_type="mailbox", pk=mailbox.pk),
    }


def _mailbox(request, pk: int):
    return selectors.mailbox_get(user=request.user, pk=pk, customer=request.portal.customer)


@portal_required
def mailbox_detail(request, pk: int):
    return render_page(request, "portal/mailbox_detail.html", mailbox_context(request, _mailbox(request, pk)))


@portal_required
@require_GET
def mailbox_status(request, pk: int):
    context = mailbox_context(request, _mailbox(request, pk))
    return stop_polling_when_done(render_page(request, "portal/mailbox_detail.html", context,
                                              partial="mailbox-status"), context)


@portal_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def mailbox_edit(request, pk: int):
    mailbox = _mailbox(request, pk)
    form = MailboxDetailsForm(request.POST)
    done = submit(request, form,
                  lambda data: services.mailbox_update(mailbox=mailbox, acting_user=request.user, **data),
                  message=lambda m: "The new name is on its way to the vendor.", url=mailbox_url)
    return done or render_page(request, "portal/mailbox_detail.html",
                               mailbox_context(request, mailbox, details_form=form))


@portal_required(permission=permissions.SERVICES_CHANGE)
@sensitive_post_parameters("password")
@require_POST
def mailbox_password(request, pk: int):
    mailbox = _mailbox(request, pk)
    form = MailboxPasswordForm(request.POST)
    done = submit(request, form,
                  lambda data: services.mailbox_set_password(mailbox=mailbox, password=data["password"],
                                                             acting_user=request.user),
                  message=lambda op: "The new password is on its way; the old one works until the vendor confirms.",
                  url=lambda op: mailbox_url(mailbox))
    return done or render_page(request, "portal/mailbox_detail.html",
                               mailbox_context(request, mailbox, password_form=form))


@portal_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def mailbox_action(request, pk: int, name: str):
    mailbox = _mailbox(request, pk)
    spec = mailbox.domain.vendor_account.profile.action("mailbox", name)
    if spec is None or not spec.portal:
        raise Http404("No such action.")
    return queue(request, lambda: services.mailbox_action(mailbox=mailbox, name=name, acting_user=request.user),
                 done=f"{spec.label}: on its way to the vendor.", url=mailbox_url(mailbox))


@portal_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def mailbox_webmail(request, pk: int):
    """Webmail as the mailbox, through the vendor's one-time token (fetched now, never kept)."""
    mailbox = _mailbox(request, pk)
    try:
        url = services.mailbox_webmail_url(mailbox=mailbox, acting_user=request.user)
    except VendorError as error:
        messages.error(request, f"Webmail could not be opened: {error.message}")
        return redirect_after_post(request, mailbox_url(mailbox))
    return HttpResponseRedirect(url)
