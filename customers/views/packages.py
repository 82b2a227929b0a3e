"""Staff pages for packages: the package, its editions, its actions, delete."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from core import permissions
from core.views import redirect_after_post, render_page, staff_required, submit
from customers import selectors, services
from customers.forms import ConfirmForm, PackageEditionsForm
from customers.views.common import live_context, queue
from provisioning.adapters.base import VendorError
from provisioning.services.reads import vendor_catalog


def package_url(package) -> str:
    return reverse("customers:package_detail", args=[package.pk])


def _catalog(account) -> tuple[dict, str]:
    try:
        return vendor_catalog(account=account), ""
    except VendorError as error:
        return {}, error.message


def package_context(request, package, *, editions_form=None) -> dict:
    catalog, catalog_error = _catalog(package.vendor_account)
    return {
        "package": package, "links": selectors.package_links(package=package),
        "actions": package.vendor_account.profile.actions_for("package", package.vendor_state),
        "editions_form": editions_form or PackageEditionsForm(package=package, catalog=catalog),
        "catalog_error": catalog_error,
        **live_context(request, target_type="package", pk=package.pk),
    }


@staff_required
def package_detail(request, pk: int):
    package = selectors.package_get(user=request.user, pk=pk)
    return render_page(request, "customers/package_detail.html", package_context(request, package))


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def package_editions(request, pk: int):
    package = selectors.package_get(user=request.user, pk=pk)
    catalog, _ = _catalog(package.vendor_account)
    form = PackageEditionsForm(request.POST, package=package, catalog=catalog)
    done = submit(request, form,
                  lambda data: services.package_change_editions(package=package, editions=data["editions"],
                                                                catalog=catalog, acting_user=request.user),
                  message=lambda p: "Edition change queued. On an active package its domains go stale: the panel "
                                    "will tell you what to do next.", url=package_url)
    return done or render_page(request, "customers/package_detail.html",
                               package_context(request, package, editions_form=form))


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_POST
def package_action(request, pk: int, name: str):
    package = selectors.package_get(user=request.user, pk=pk)
    spec = package.vendor_account.profile.action("package", name)
    if spec is None:
        raise Http404("No such action.")
    return queue(request, lambda: services.package_action(package=package, name=name, acting_user=request.user),
                 done=f"{spec.label}: queued.", url=package_url(package))


@staff_required(permission=permissions.SERVICES_CHANGE)
@require_http_methods(["GET", "POST"])
def package_delete(request, pk: int):
    package = selectors.package_get(user=request.user, pk=pk)
    form = ConfirmForm(request.POST or None, expected=package.product_code)
    if request.method == "POST" and form.is_valid():
        try:
            services.package_delete(package=package, confirm=form.cleaned_data["confirm"], acting_user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Deleting {package.product_name}: queued.")
            return redirect_after_post(request, package_url(package))
    linked = selectors.package_links(package=package).count()
    return render_page(request, "customers/confirm.html", {
        "object": package, "object_url": package_url(package), "form": form, "delete": True,
        "action_url": reverse("customers:package_delete", args=[package.pk]),
        "blocked": f"{linked} domain(s) are still linked: unlink them first." if linked else "",
        "lost": "The package is removed at the vendor.",
    })
