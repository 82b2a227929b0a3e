"""Staff pages of imports: a vendor account's page with its import button, and one import's proposal,
confirmation and live progress (polled, 286 once it has ended or waits for staff)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import permissions
from core.views import apply_service_errors, redirect_after_post, render_page, staff_required
from customers.forms_imports import ImportMappingForm, ImportScopeForm
from customers.services import imports
from provisioning import selectors as provisioning_selectors
from provisioning.choices import Capability, ImportState
from provisioning.models import DriftCheck, ImportJob, VendorAccount


def job_url(job) -> str:
    return reverse("customers:import_detail", args=[job.pk])


@staff_required(permission=permissions.VENDOR_ACCOUNTS_MANAGE)
@require_GET
def vendor_account_list(request):
    accounts = VendorAccount.objects.defer("credentials", "catalog").order_by("name")
    return render_page(request, "customers/vendor_account_list.html",
                       {"accounts": accounts, "section": "vendor_accounts"})


@staff_required(permission=permissions.VENDOR_ACCOUNTS_MANAGE)
@require_http_methods(["GET", "POST"])
def vendor_account_detail(request, account_pk: int):
    """The vendor account: what its vendor can do, and the import of its existing estate."""
    account = provisioning_selectors.vendor_account_get(user=request.user, pk=account_pk)
    importer = None
    form = None
    if account.profile.can(Capability.IMPORT):
        importer, _ = imports.importer_for(account)
        form = ImportScopeForm(request.POST or None, request.FILES or None, importer=importer)
        if request.method == "POST" and form.is_valid():
            try:
                job = imports.import_start(vendor_account=account, scope=form.cleaned_data["text"],
                                           acting_user=request.user)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"Looking up {len(job.scope)} at {account.kind_label}…")
                return redirect_after_post(request, job_url(job))
    jobs = ImportJob.objects.filter(vendor_account=account).select_related("requested_by")[:10]
    return render_page(request, "customers/vendor_account_detail.html", {
        "account": account, "vendor": account.profile, "importer": importer, "form": form, "jobs": jobs,
        "drift_check": DriftCheck.objects.filter(vendor_account=account).first(),
        "capabilities": [Capability(c).label for c in sorted(account.profile.capabilities)],
        "section": "vendor_accounts"})


def _job(pk: int) -> ImportJob:
    return get_object_or_404(ImportJob.objects.select_related("vendor_account", "customer"), pk=pk)


def _job_context(job, form=None) -> dict:
    return {"job": job, "account": job.vendor_account, "form": form, "section": "vendor_accounts",
            "live": job.state in (ImportState.PROPOSING, ImportState.IMPORTING)}


@staff_required(permission=permissions.VENDOR_ACCOUNTS_MANAGE)
@require_http_methods(["GET", "POST"])
def import_detail(request, pk: int):
    """One import: its proposal to confirm, then its progress."""
    job = _job(pk)
    form = ImportMappingForm(request.POST or None, job=job) if job.state == ImportState.PROPOSED else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            imports.import_confirm(job=job, mapping=form.mapping(), acting_user=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Importing what you confirmed.")
            return redirect_after_post(request, job_url(job))
    return render_page(request, "customers/import_detail.html", _job_context(job, form))


@staff_required(permission=permissions.VENDOR_ACCOUNTS_MANAGE)
@require_GET
def import_progress(request, pk: int):
    """The live progress partial; 286 (stop polling) once the job has ended or waits for staff."""
    job = _job(pk)
    context = _job_context(job)
    response = render_page(request, "customers/import_detail.html", context, partial="import-progress")
    if not context["live"]:
        response.status_code = 286
    return response


@staff_required(permission=permissions.VENDOR_ACCOUNTS_MANAGE)
@require_POST
def import_cancel(request, pk: int):
    job = _job(pk)
    try:
        imports.import_cancel(job=job, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Import cancelled; what it imported already stays.")
    return redirect_after_post(request, job_url(job))
