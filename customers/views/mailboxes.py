"""Staff pages for mailboxes: list, page (live while changes are in flight), details, password,
edition, the vendor's actions, webmail single sign-on, delete."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import permissions
from core.lists import list_page, query_without
from core.views import (
    redirect_after_post,
    render_list,
    render_page,
    staff_required,
    submit,
)
from customers import selectors, services
from customers.choices import VendorState
from customers.filters import MAILBOX_SORTS, MailboxFilter
from customers.forms import ConfirmForm, MailboxDetailsForm, MailboxEditionForm, MailboxPasswordForm
from customers.lifecycle import deletion_of
from customers.services.bulk_actions import ACTIONS
from customers.services.deletion import deletion_withdraw
from customers.views.common import live_context, queue, stop_polling_when_done
from provisioning.adapters.base import VendorError
from provisioning.choices import Capability


def mailbox_url(mailbox) -> str:
    return reverse("customers:mailbox_detail", args=[mailbox.pk])


@staff_required
def mailbox_list(request):
    filters = MailboxFilter(request.GET, queryset=selectors.mailbox_list(user=request.user))
    return render_list(request, "customers/mailbox_list.html", {
        "filters": filters, "page": list_page(request, filters.qs, sorts=MAILBOX_SORTS),
        "qs": query_without(request, "after", "before"), "rows_template": "customers/rows/mailboxes.html",
        "export_url": reverse("customers:mailbox_export"),
        "bulk_url": reverse("customers:mailbox_bulk"), "bulk_actions": ACTIONS["mailbox"],
    }, table_id="mailbox-table")


def mailbox_context(request, mailbox, *, details_form=None, password_form=None, edition_form=None) -> dict:
    vendor = mailbox.domain.vendor_account.profile
    return {
        "mailbox": mailbox,
        "vendor": vendor,
        "actions": vendor.actions_for("mailbox", mailbox.vendor_state),
        "details_form": details_form or MailboxDetailsForm(initial={"first_name": mailbox.first_name,
                                                                    "last_name": mailbox.last_name}),
        "password_form": password_form or MailboxPasswordForm(),
        "edition_form": edition_form or (MailboxEditionForm(mailbox=mailbox) if vendor.can(Capability.PACKAGES)
                                         else None),
        "can_webmail": vendor.can(Capability.WEBMAIL) and mailbox.vendor_state == VendorState.ACTIVE,
        "deletion": deletion_of(mailbox, "mailbox"),
        "keep_url": reverse("customers:mailbox_keep", args=[mailbox.pk]),
        **live_context(request, target_type="mailbox", pk=mailbox.pk),
    }


@staff_required
def mailbox_detail(request, pk: int):
    mailbox = selectors.mailbox_get(user=request.user, pk=pk)
    return render_page(request, "customers/mailbox_detail.html", mailbox_context(request, mailbox))


@staff_required
@require_GET
def mailbox_status(request, pk: int):
    mailbox = selectors.mailbox_get(user=request.user, pk=pk)
    context = mailbox_context(request, mailbox)
    return stop_polling_when_done(render_page(request, "customers/mailbox_detail.html", context,
                                              partial="mailbox-status"), context)


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def mailbox_edit(request, pk: int):
    mailbox = selectors.mailbox_get(user=request.user, pk=pk)
    form = MailboxDetailsForm(request.POST)
    done = submit(request, form,
                  lambda data: services.mailbox_update(mailbox=mailbox, acting_user=request.user, **data),
                  message=lambda m: "Details queued for the vendor.", url=mailbox_url)
    return done or render_page(request, "customers/mailbox_detail.html",
                               mailbox_context(request, mailbox, details_form=form))


@staff_required(permission=permissions.SERVICES_CHANGE)
@sensitive_post_parameters("password")
@require_POST
def mailbox_password(request, pk: int):
    mailbox = selectors.mailbox_get(user=request.user, pk=pk)
    form = MailboxPasswordForm(request.POST)
    done = submit(request, form,
                  lambda data: services.mailbox_set_password(mailbox=mailbox, password=data["password"],
                                                             acting_user=request.user),
                  message=lambda op: "New password queued for the vendor; the old one works until it confirms.",
                  url=lambda op: mailbox_url(mailbox))
    return done or render_page(request, "customers/mailbox_detail.html",
                               mailbox_context(request, mailbox, password_form=form))


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def mailbox_edition(request, pk: int):
    mailbox = selectors.mailbox_get(user=request.user, pk=pk)
    form = MailboxEditionForm(request.POST, mailbox=mailbox)
    done = submit(request, form,
                  lambda data: services.mailbox_change_edition(mailbox=mailbox, edition=data["edition"],
                                                               acting_user=request.user),
                  message=lambda m: f"Edition change to {m.edition} queued.", url=mailbox_url)
    return done or render_page(request, "customers/mailbox_detail.html",
                               mailbox_context(request, mailbox, edition_form=form))


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_http_methods(["GET", "POST"])
def mailbox_action(request, pk: int, name: str):
    mailbox = selectors.mailbox_get(user=request.user, pk=pk)
    spec = mailbox.domain.vendor_account.profile.action("mailbox", name)
    if spec is None:
        raise Http404("No such action.")
    form = ConfirmForm(request.POST or None, expected=mailbox.address) if spec.confirm else None
    if request.method == "POST" and (form is None or form.is_valid()):
        return queue(request, lambda: services.mailbox_action(mailbox=mailbox, name=name, acting_user=request.user),
                     done=f"{spec.label}: queued for {mailbox.domain.vendor_account}. This page follows it until "
                          "the vendor confirms.", url=mailbox_url(mailbox))
    return render_page(request, "customers/confirm.html", {
        "object": mailbox, "object_url": mailbox_url(mailbox), "spec": spec, "form": form,
        "action_url": reverse("customers:mailbox_action", args=[mailbox.pk, name])})


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_http_methods(["GET", "POST"])
def mailbox_delete(request, pk: int):
    mailbox = selectors.mailbox_get(user=request.user, pk=pk)
    form = ConfirmForm(request.POST or None, expected=mailbox.address)
    if request.method == "POST" and form.is_valid():
        try:
            services.mailbox_delete(mailbox=mailbox, confirm=form.cleaned_data["confirm"], acting_user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Deleting {mailbox.address}: queued. It stays here until the vendor confirms.")
            return redirect_after_post(request, mailbox_url(mailbox))
    return render_page(request, "customers/confirm.html", {
        "object": mailbox, "object_url": mailbox_url(mailbox), "form": form, "delete": True,
        "action_url": reverse("customers:mailbox_delete", args=[mailbox.pk]),
        "lost": "The mailbox and all its mail are deleted at the vendor. This cannot be undone.",
    })


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def mailbox_keep(request, pk: int):
    """Withdraw a deletion that failed at the vendor: the mailbox stays, as it still is there."""
    mailbox = selectors.mailbox_get(user=request.user, pk=pk)
    return queue(request, lambda: deletion_withdraw(obj=mailbox, acting_user=request.user),
                 done=f"{mailbox.address} is kept: its deletion is withdrawn.", url=mailbox_url(mailbox))


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def mailbox_webmail(request, pk: int):
    """Open webmail as the mailbox through the vendor's one-time token, fetched now, never kept."""
    mailbox = selectors.mailbox_get(user=request.user, pk=pk)
    try:
        url = services.mailbox_webmail_url(mailbox=mailbox, acting_user=request.user)
    except VendorError as error:
        messages.error(request, f"Webmail could not be opened: {error.message}")
        return redirect_after_post(request, mailbox_url(mailbox))
    return HttpResponseRedirect(url)
