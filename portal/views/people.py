"""The customer's own users (owners manage them), invitations and their one-time links, and
impersonation by the reseller's staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.models import Device

from core import permissions
from core.views import apply_service_errors, redirect_after_post, render_page, staff_required
from customers import selectors, services
from customers.models import User
from portal.forms import AcceptForm, InviteForm, RoleForm
from portal.middleware import SESSION_IMPERSONATOR, SESSION_IMPERSONATOR_DEVICE
from portal.views.common import SESSION_CUSTOMER, portal_required

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _members_context(request, *, invite_form=None, link: str = "") -> dict:
    customer = request.portal.customer
    return {"members": selectors.members_of(customer=customer),
            "invitations": selectors.open_invitations(customer=customer),
            "invite_form": invite_form or InviteForm(), "role_form": RoleForm(), "link": link}


@portal_required(permission=permissions.MEMBERS_MANAGE)
def member_list(request):
    return render_page(request, "portal/member_list.html", _members_context(request))


@portal_required(permission=permissions.MEMBERS_MANAGE)
@require_POST
def member_invite(request):
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation, link = services.membership_invite(customer=request.portal.customer, acting_user=request.user,
                                                          **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}. The link works once and expires.")
            return redirect_after_post(request, reverse("portal:member_list"))
    return render_page(request, "portal/member_list.html", _members_context(request, invite_form=form))


@portal_required(permission=permissions.MEMBERS_MANAGE)
@require_POST
def member_role(request, pk: int):
    membership = selectors.membership_get(customer=request.portal.customer, pk=pk)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_set_role(membership=membership, role=form.cleaned_data["role"],
                                         acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{membership.user.username}'s role changed.")
    return redirect_after_post(request, reverse("portal:member_list"))


@portal_required(permission=permissions.MEMBERS_MANAGE)
@require_POST
def member_remove(request, pk: int):
    membership = selectors.membership_get(customer=request.portal.customer, pk=pk)
    try:
        services.membership_remove(membership=membership, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{membership.user.username} can no longer use this portal.")
    return redirect_after_post(request, reverse("portal:member_list"))


@portal_required(permission=permissions.MEMBERS_MANAGE)
@require_POST
def invitation_revoke(request, pk: int):
    invitation = selectors.invitation_of(customer=request.portal.customer, pk=pk)
    services.invitation_revoke(invitation=invitation, acting_user=request.user)
    messages.success(request, f"The invitation of {invitation.email} no longer works.")
    return redirect_after_post(request, reverse("portal:member_list"))


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    """The invitation's one-time link: choose a username and password, then land in the portal."""
    invitation = services.invitation_get(token=token)
    if invitation is None:
        return render(request, "portal/invitation_invalid.html", status=410)
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            login(request, user, backend=BACKEND)
            request.session[SESSION_CUSTOMER] = invitation.customer_id
            return redirect("portal:home")
    return render_page(request, "portal/invitation_accept.html", {"invitation": invitation, "form": form})


@staff_required(permission=permissions.IMPERSONATE)
@require_POST
def impersonate_start(request, customer_pk: int):
    """Staff open the customer's portal as one of its users; a banner shows on every page until they go back."""
    customer = selectors.customer_get(user=request.user, pk=customer_pk)
    staff = request.user
    try:
        user = services.impersonation_start(customer=customer, acting_user=staff)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect_after_post(request, reverse("customers:customer_detail", args=[customer.pk]))
    device = getattr(staff, "otp_device", None)
    login(request, user, backend=BACKEND)  # a new session: nothing of the staff's carries over
    request.session[SESSION_IMPERSONATOR] = staff.pk
    # The staff member's second factor, so going back needs no new code.
    request.session[SESSION_IMPERSONATOR_DEVICE] = device.persistent_id if device is not None else ""
    request.session[SESSION_CUSTOMER] = customer.pk
    return redirect_after_post(request, reverse("portal:home"))


@require_POST
def impersonate_stop(request):
    """One click back to the staff console, as the staff member who started it."""
    impersonator_id = request.session.get(SESSION_IMPERSONATOR)
    staff = User.objects.filter(pk=impersonator_id, is_active=True).first() if impersonator_id else None
    if staff is None or not request.user.is_authenticated:
        raise PermissionDenied("No impersonation to end.")
    customer = selectors.portal_customer(user=request.user, pk=request.session.get(SESSION_CUSTOMER))
    services.impersonation_stop(customer=customer, user=request.user, impersonator=staff)
    device_id = request.session.get(SESSION_IMPERSONATOR_DEVICE) or ""
    login(request, staff, backend=BACKEND)
    device = Device.from_persistent_id(device_id) if device_id else None
    if device is not None and device.user_id == staff.pk:
        otp_login(request, device)
    return redirect_after_post(request, reverse("customers:customer_detail", args=[customer.pk]) if customer
                               else reverse("dashboard"))
