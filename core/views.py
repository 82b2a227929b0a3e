"""What every view shares: the staff gate, page/partial rendering, the list frame, pagination, form submits."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render, resolve_url
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect
from django_otp import user_has_device

from core import permissions


def staff_required(view=None, *, permission: str | None = None):
    """Signed-in reseller staff with a role only (``permission`` too, when given); anyone else signed in
    is refused with 403. ``@staff_required`` or ``@staff_required(permission=SERVICES_CHANGE)``.

    An HTMX request from a browser whose session ended (the alert badge's poll, say) gets a client
    redirect to the sign-in page, so HTMX navigates there instead of swapping it into a fragment.
    """
    if view is None:
        return lambda v: staff_required(v, permission=permission)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            if request.htmx:
                next_url = urlencode({"next": request.htmx.current_url_abs_path or "/"})
                return HttpResponseClientRedirect(f"{resolve_url(settings.LOGIN_URL)}?{next_url}")
            return redirect_to_login(request.get_full_path())
        if not request.user.is_reseller_staff:
            raise PermissionDenied("Reseller staff only.")
        if second_factor_missing(request.user):
            target = settings.OTP_VERIFY_URL if user_has_device(request.user) else settings.OTP_SETUP_URL
            url = f"{resolve_url(target)}?{urlencode({'next': request.get_full_path()})}"
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
        if permission is not None:
            permissions.require(request.user, permission)
        return view(request, *args, **kwargs)

    wrapper.staff_permission = permission
    return wrapper


def second_factor_missing(user) -> bool:
    """A staff role that requires two factors (``OTP_REQUIRED_ROLES``), in a session not verified by one."""
    if permissions.staff_role_of(user) not in settings.OTP_REQUIRED_ROLES:
        return False
    return not getattr(user, "is_verified", lambda: False)()


def filter_param(request, name: str, *, choices=None, max_length: int = 100) -> str:
    """A list filter from the query string: trimmed, bounded, free of NUL bytes (PostgreSQL refuses
    them), and, with ``choices``, one of them or empty."""
    value = request.GET.get(name, "").replace("\x00", "").strip()[:max_length]
    if choices is not None and value not in choices:
        return ""
    return value


def render_page(request, template: str, context: dict, *, partial: str | None = None):
    """The whole page normally; only ``partial`` when HTMX asks for it.

    Boosted links and history restores (the back button after a pushed URL, on a cache miss) need
    the whole page, so they get it.
    """
    if partial and request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        template = f"{template}#{partial}"
    response = render(request, template, context)
    if partial:
        # The same URL answers a page or a fragment: caches must keep them apart.
        patch_vary_headers(response, ["HX-Request"])
    return response


def redirect_after_post(request, url: str):
    """After a successful form post: a client redirect for HTMX, a 303 otherwise."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url, permanent=False)


def paginate(request, queryset, *, per_page: int | None = None):
    """One page of ``queryset`` (LIMIT/OFFSET in the database) for ``?page=``."""
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def query_string_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def render_list(request, page_template: str, context: dict, *, table_id: str):
    """A list page through the one list frame (``includes/list_frame.html``): the whole page, or for
    HTMX (search, filters, pagination) only the frame's table partial."""
    context = {**context, "table_id": table_id}
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        response = render(request, "includes/list_frame.html#table", context)
    else:
        response = render(request, page_template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def apply_service_errors(form, error) -> None:
    """Show a service's ValidationError next to the field it names, or at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def submit(request, form, save, *, message, url):
    """Validate ``form``; if valid, ``save(cleaned_data)`` through a service and redirect to ``url(obj)``
    with ``message(obj)``. None when the form (or the service) found errors, which are then on the
    form, next to their fields."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        obj = save(form.cleaned_data)
    except ValidationError as error:
        apply_service_errors(form, error)
        return None
    messages.success(request, message(obj))
    return redirect_after_post(request, url(obj))
