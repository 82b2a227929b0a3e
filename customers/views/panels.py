"""Vendor-specific panels of the mailbox and domain pages, chosen by the vendor's capabilities (a sixth
vendor adds none of this code): each loads by HTMX from the vendor while staff wait (what the vendor holds
now), and its forms queue changes through the outbox and answer the panel again, showing what is in flight.

Panels: message counts, forwards, auto-responder, black/white list, spam filter, webmail type, secret
questions (and the password reset by them), quota, migration ticket (mailbox); aliases, black/white list, spam
filter, shared storage, webmail options (domain). The spam control panel opens through a link fetched at click
time and never kept."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from core import permissions
from core.views import redirect_after_post, staff_required
from customers import selectors
from customers.services import mail_settings as ms
from provisioning import selectors as provisioning_selectors
from provisioning import targets
from provisioning.adapters.base import VendorError
from provisioning.choices import Capability as C
from provisioning.services.reads import vendor_login_url, vendor_read


@dataclass(frozen=True)
class Panel:
    name: str
    title: str
    capability: C
    # What the panel reads from the vendor (``adapter.read_<read>``); "" reads nothing.
    read: str = ""
    # Operation kinds whose open operations the panel lists as in flight.
    kinds: tuple[str, ...] = ()


MAILBOX_PANELS = (
    Panel("message_counts", "Messages", C.MESSAGE_COUNTS, "message_counts"),
    Panel("forwards", "Forwards", C.FORWARDS, "forwards", ("mailbox.forward_add", "mailbox.forward_remove")),
    Panel("autoresponder", "Auto-responder", C.AUTORESPONDERS, "autoresponder", ("mailbox.set_autoresponder",)),
    Panel("spam_list", "Black and white list", C.SPAM_LISTS, "spam_list",
          ("mailbox.spam_list_add", "mailbox.spam_list_remove")),
    Panel("spam_filter", "Spam filter", C.SPAM_LISTS, "spam_filter", ("mailbox.set_spam_filter",)),
    Panel("webmail", "Webmail type", C.WEBMAIL_TYPES, "webmail", ("mailbox.set_webmail",)),
    Panel("quota", "Quota", C.MAILBOX_QUOTAS, "", ("mailbox.set_quota",)),
    Panel("secrets", "Secret questions", C.SECRET_QUESTIONS, "secrets",
          ("mailbox.set_secrets", "mailbox.reset_password")),
    Panel("migration", "Migration failed?", C.MIGRATION_TICKETS, "", ("mailbox.migration_ticket",)),
)
DOMAIN_PANELS = (
    Panel("aliases", "Aliases", C.DOMAIN_ALIASES, "aliases"),
    Panel("spam_list", "Black and white list", C.SPAM_LISTS, "spam_list",
          ("domain.spam_list_add", "domain.spam_list_remove")),
    Panel("spam_filter", "Spam filter", C.SPAM_LISTS, "spam_filter", ("domain.set_spam_filter",)),
    Panel("storage", "Shared storage and mailbox types", C.USAGE, "storage", ("domain.set_storage_quota",)),
    Panel("webmail_options", "Webmail options", C.WEBMAIL_TYPES, "webmail_options", ("domain.set_webmail_upgrade",)),
)
PANELS = {"mailbox": {p.name: p for p in MAILBOX_PANELS}, "domain": {p.name: p for p in DOMAIN_PANELS}}


def panels_for(vendor, target: str) -> list[Panel]:
    """The panels the vendor's capabilities call for on a ``target`` page, in order."""
    return [p for p in PANELS[target].values() if vendor.can(p.capability)]


def _object(request, target: str, pk: int, scope=None):
    """The mailbox or domain as the user may see it; with ``scope`` (the portal's customer), only its own."""
    if target == "mailbox":
        obj = selectors.mailbox_get(user=request.user, pk=pk)
        account, customer_id = obj.domain.vendor_account, obj.domain.customer_id
    else:
        obj = selectors.domain_get(user=request.user, pk=pk)
        account, customer_id = obj.vendor_account, obj.customer_id
    if scope is not None and customer_id != scope.pk:
        raise Http404("No such object here.")
    return obj, account


def _panel(target: str, name: str, account) -> Panel:
    panel = PANELS.get(target, {}).get(name)
    if panel is None or not account.profile.can(panel.capability):
        raise Http404("No such panel here.")
    return panel


def _read(account, panel: Panel, ref, request):
    """What the vendor holds now, or the vendor's words on why it could not be read."""
    extra = {}
    if panel.read == "spam_list":
        page = request.GET.get("page", "1")
        extra = {"page": max(1, int(page)) if page.isdigit() else 1,
                 "list_type": request.GET.get("type") if request.GET.get("type") in ("B", "W") else ""}
    try:
        data = vendor_read(account=account, what=panel.read, ref=ref, **extra) if panel.read else None
        if panel.name == "secrets":
            data = {"set": data, **vendor_read(account=account, what="secret_questions", ref=None)}
        if panel.name == "webmail":
            data = {"account": data, **vendor_read(account=account, what="webmail_options", ref=ref)}
        return data, ""
    except VendorError as error:
        return None, error.message


def render_panel(request, target: str, pk: int, name: str, *, errors: dict | None = None, status: int = 200,
                 ns: str = "customers", scope=None):
    """One panel, read from the vendor now; ``ns`` is the URL tree its forms post to (staff or portal)."""
    obj, account = _object(request, target, pk, scope)
    panel = _panel(target, name, account)
    ref = targets.get(target).ref_of(obj)
    data, read_error = _read(account, panel, ref, request)
    in_flight = [op for op in provisioning_selectors.operation_list(user=request.user, target_type=target,
                                                                    target_id=pk)[:20]
                 if op.is_open and op.kind in panel.kinds]
    refusals = provisioning_selectors.vendor_refusals(target_type=target, target_id=pk)
    context = {"obj": obj, "target": target, "panel": panel, "data": data, "read_error": read_error,
               "in_flight": in_flight, "errors": errors or {}, "refusals": refusals, "vendor": account.profile,
               "post": request.POST if errors else {}, "panel_ns": ns}
    response = render(request, f"customers/panels/{target}_panels.html#panel-{name}", context, status=status)
    if in_flight:
        response["HX-Trigger-After-Settle"] = "panel-in-flight"
    return response


@staff_required
@require_http_methods(["GET"])
def panel_view(request, target: str, pk: int, name: str):
    return render_panel(request, target, pk, name)


def _lines(text: str) -> list[str]:
    return [t.strip() for t in text.replace(",", "\n").splitlines() if t.strip()]


SECRET_FIELDS = ("password", "answer_tk1", "answer_tk2", "answer_tk3", "answer_tk4", "answer_tk5")


@sensitive_post_parameters(*SECRET_FIELDS)
@staff_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def panel_change(request, target: str, pk: int, name: str):
    return change_panel(request, target, pk, name)


def change_panel(request, target: str, pk: int, name: str, *, ns: str = "customers", scope=None):
    """A panel's form: queue the change, then answer the panel again (or its errors beside the fields)."""
    obj, account = _object(request, target, pk, scope)
    _panel(target, name, account)
    post, user = request.POST, request.user
    action = post.get("action", "")
    try:
        if name == "forwards":
            if action == "remove":
                ms.forward_remove(mailbox=obj, target=post.get("target", ""), acting_user=user)
            else:
                ms.forward_add(mailbox=obj, targets=_lines(post.get("target", "")), acting_user=user)
        elif name == "autoresponder":
            ms.autoresponder_set(mailbox=obj, subject=post.get("subject", ""), body=post.get("body", ""),
                                 active=post.get("active") == "on", acting_user=user)
        elif name == "spam_list":
            if action == "remove":
                ms.spam_list_remove(obj=obj, address=post.get("address", ""), acting_user=user)
            else:
                ms.spam_list_add(obj=obj, entries=[(a, post.get("list_type", "")) for a in
                                                   _lines(post.get("address", ""))], acting_user=user)
        elif name == "spam_filter":
            settings = {k.removeprefix("cmp_"): v for k, v in post.items() if k.startswith("cmp_")}
            ms.spam_filter_set(obj=obj, settings=settings, acting_user=user)
        elif name == "webmail":
            ms.mailbox_set_webmail(mailbox=obj, webmail_type=post.get("webmail_type", ""), acting_user=user)
        elif name == "quota":
            raw = post.get("quota_mb", "")
            ms.mailbox_set_quota(mailbox=obj, quota_mb=int(raw) if raw.isdigit() else 0, acting_user=user)
        elif name == "secrets":
            answers = {k.removeprefix("answer_"): v for k, v in post.items() if k.startswith("answer_")}
            if action == "reset":
                ms.mailbox_reset_password(mailbox=obj, answers=answers, password=post.get("password", ""),
                                          acting_user=user)
            else:
                minimum = int(post.get("minimum", "0") or 0) if post.get("minimum", "0").isdigit() else 0
                ms.mailbox_set_secrets(mailbox=obj, answers=answers, minimum=minimum, acting_user=user)
        elif name == "migration":
            ms.mailbox_migration_ticket(mailbox=obj, subject=post.get("subject", ""), body=post.get("body", ""),
                                        acting_user=user)
        elif name == "storage":
            raw = post.get("quota", "")
            ms.domain_set_storage_quota(domain=obj, quota=int(raw) if raw.isdigit() else -1, acting_user=user)
        elif name == "webmail_options":
            ms.domain_set_webmail_upgrade(domain=obj, allow_upgrade=post.get("allow_upgrade") == "on",
                                          acting_user=user)
        else:
            raise Http404("Nothing to change here.")
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        if not request.htmx:
            messages.error(request, " ".join(m for ms_ in errors.values() for m in ms_))
            return redirect_after_post(request, request.path.rsplit("panels/", 1)[0])
        return render_panel(request, target, pk, name, errors=errors, status=422, ns=ns, scope=scope)
    if not request.htmx:
        messages.success(request, "Queued: it takes effect once the vendor confirms it.")
        return redirect_after_post(request, request.path.rsplit("panels/", 1)[0])
    return render_panel(request, target, pk, name, ns=ns, scope=scope)


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def spam_control_panel(request, target: str, pk: int):
    return open_spam_control_panel(request, target, pk)


def open_spam_control_panel(request, target: str, pk: int, *, scope=None):
    """Open the vendor's anti-spam control panel through a single sign-on link fetched now, never kept."""
    obj, account = _object(request, target, pk, scope)
    if not account.profile.can(C.SPAM_CONTROL_PANEL):
        raise Http404("No spam control panel here.")
    try:
        url = vendor_login_url(account=account, ref=targets.get(target).ref_of(obj), purpose="spam_control_panel")
    except VendorError as error:
        messages.error(request, f"The spam control panel could not be opened: {error.message}")
        return redirect_after_post(request, request.path.rsplit("spam-control-panel/", 1)[0])
    return HttpResponseRedirect(url)
