"""Bulk work: mailbox import from CSV (upload, dry-run preview, confirm, live progress, a result per row), and bulk
actions on a list's selection (with a confirmation summary first)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import permissions
from core.views import apply_service_errors, redirect_after_post, render_page, staff_required
from customers.models import MailboxImport
from customers.services.bulk_actions import ACTIONS, bulk_apply, bulk_plan, delete_phrase, selection
from customers.services.bulk_import import (
    MAX_ROWS,
    mailbox_import_confirm,
    mailbox_import_preview,
    mailbox_import_progress,
)

ROWS_PER_PAGE = 100


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text=(
        "A header row, then one mailbox a row: domain, mailbox (or one address column), password, and optionally "
        f"first_name, last_name, edition, quota_mb. Up to {MAX_ROWS:,} rows."))


def _url(job) -> str:
    return reverse("customers:mailbox_import_detail", args=[job.pk])


@staff_required(permission=permissions.SERVICES_CHANGE)
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def mailbox_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = mailbox_import_preview(upload=form.cleaned_data["file"], acting_user=request.user)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect_after_post(request, _url(job))
    return render_page(request, "customers/mailbox_import.html", {"form": form})


def _job(request, pk: int) -> MailboxImport:
    # Imports are staff work (staff_required): every staff member may follow any import.
    return get_object_or_404(MailboxImport.objects.defer("secrets"), pk=pk)


def _context(request, job) -> dict:
    progress = mailbox_import_progress(mailbox_import=job)
    rows = progress["rows"]
    if request.GET.get("show") == "problems":
        rows = [r for r in rows if r["outcome"] in ("refused", "failed")]
    return {"job": job, "progress": progress, "bad_rows": job.bad_rows[:200], "bad_count": len(job.bad_rows),
            "good_count": len(job.good_rows), "rows_page": Paginator(rows, ROWS_PER_PAGE).get_page(
                request.GET.get("page")), "show": request.GET.get("show", "")}


@staff_required(permission=permissions.SERVICES_CHANGE)
def mailbox_import_detail(request, pk: int):
    job = _job(request, pk)
    return render_page(request, "customers/mailbox_import_detail.html", _context(request, job), partial="import-rows")


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def mailbox_import_do(request, pk: int):
    job = _job(request, pk)
    try:
        job = mailbox_import_confirm(mailbox_import=job, acting_user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, f"{len(job.good_rows)} mailbox(es) are being created and queued for the vendor; "
                                  "this page follows them to the end.")
    return redirect_after_post(request, _url(job))


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_GET
def mailbox_import_status(request, pk: int):
    """The live progress bar (polled); 286 and an ``import-done`` event once every operation has ended."""
    job = _job(request, pk)
    response = render(request, "customers/mailbox_import_detail.html#import-progress", _context(request, job))
    if job.state == MailboxImport.CONFIRMED and mailbox_import_progress(mailbox_import=job)["done"]:
        response.status_code = 286
        response["HX-Trigger"] = "import-done"
    return response


# ---- bulk actions on a list's selection ------------------------------------------------------------
@staff_required
def bulk_action(request, target: str):
    """The selection's confirmation summary (what applies to which object, and why not), then the results."""
    if target not in ACTIONS:
        raise Http404("No bulk actions here.")
    permissions.require(request.user, permissions.CUSTOMERS_CHANGE if target == "customer"
                        else permissions.SERVICES_CHANGE)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    objects = selection(target=target, ids=request.POST.getlist("ids"))
    action, edition = request.POST.get("action", ""), request.POST.get("edition", "").strip()
    back = reverse(f"customers:{target}_list")
    if not objects:
        messages.error(request, "Select at least one row first.")
        return redirect_after_post(request, back)
    editions = sorted({e for obj in objects if target == "mailbox" for link in obj.domain.package_links.all()
                       if link.package.has_mailboxes for e in link.package.editions}) if action == "change_edition" \
        else []
    error, plan, applied = "", [], False
    try:
        if action != "change_edition" or edition:
            if request.POST.get("go"):
                plan = bulk_apply(target=target, objects=objects, action=action, edition=edition,
                                  confirm=request.POST.get("confirm", ""), reason=request.POST.get("reason", ""),
                                  acting_user=request.user)
                applied = True
            else:
                plan = bulk_plan(target=target, objects=objects, action=action, edition=edition)
    except PermissionDenied as denied:
        error = str(denied)
    except ValidationError as refused:
        error = " ".join(refused.messages)
        plan = bulk_plan(target=target, objects=objects, action=action, edition=edition) if action in ACTIONS[
            target] and (action != "change_edition" or edition) else []
    going = [s for s in plan if s.ok]
    return render_page(request, "customers/bulk_action.html", {
        "target": target, "objects": objects, "action": action, "action_label": ACTIONS[target].get(action, action),
        "edition": edition, "editions": editions, "plan": plan, "going": going,
        "refused": [s for s in plan if not s.ok], "applied": applied, "error": error, "back": back,
        "phrase": delete_phrase(len(going)), "done": [s for s in plan if s.done],
        "list_label": {"mailbox": "Mailboxes", "domain": "Domains", "customer": "Customers"}[target],
        "bulk_url": reverse(f"customers:{target}_bulk"), "reason": request.POST.get("reason", ""),
    })
