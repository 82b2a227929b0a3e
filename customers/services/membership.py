"""A customer's own portal users: invitations (one-time, expiring links), roles, removal."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from core import permissions
from core.audit import audit_record
from customers import access
from customers.choices import MembershipRole
from customers.models import Customer, Invitation, Membership, User
from customers.validators import refuse_invisible


def token_hash(token: str) -> str:
    """How a one-time token is kept: its SHA-256 (tokens are random, so no salt is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def membership_invite(*, customer: Customer, email: str, role: str, acting_user) -> tuple[Invitation, str]:
    """Invite ``email`` into the customer's portal with ``role``; mails the one-time link. Returns the
    invitation and the link (shown once; only its hash is kept)."""
    access.require(acting_user, permissions.MEMBERS_MANAGE, customer=customer)
    if role not in MembershipRole.values:
        raise ValidationError({"role": "Choose owner, administrator or viewer."})
    email = refuse_invisible(email.strip()).lower()
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        customer=customer, email=email, role=role, token_hash=token_hash(token), invited_by=acting_user,
        expires_at=timezone.now() + datetime.timedelta(hours=settings.PORTAL_INVITATION_HOURS))
    link = settings.PANEL_URL.rstrip("/") + reverse("portal:invitation_accept", args=[token])
    audit_record(acting_user=acting_user, action="membership.invite", target=invitation, customer=customer,
                 summary=f"Invited {email} as {MembershipRole(role).label.lower()}")
    transaction.on_commit(lambda: send_mail(
        f"You are invited to {customer.name}'s email portal",
        f"{acting_user.get_full_name() or acting_user.username} invited you to manage {customer.name}'s email.\n\n"
        f"Open this link within {settings.PORTAL_INVITATION_HOURS} hours to choose your sign-in:\n{link}\n\n"
        "The link works once.", settings.DEFAULT_FROM_EMAIL, [email]))
    return invitation, link


def invitation_get(*, token: str) -> Invitation | None:
    """The open invitation for ``token`` (None if unknown, used, revoked or expired)."""
    invitation = Invitation.objects.select_related("customer").filter(token_hash=token_hash(token or "")).first()
    return invitation if invitation is not None and invitation.is_open else None


@transaction.atomic
def invitation_accept(*, token: str, username: str, password: str, first_name: str = "", last_name: str = "") -> User:
    """Accept an invitation: a new user with the invited role in the customer. The link then stops working."""
    invitation = Invitation.objects.select_for_update().filter(token_hash=token_hash(token or "")).first()
    if invitation is None or not invitation.is_open:
        raise ValidationError("This invitation link is not valid any more: ask for a new one.")
    username = refuse_invisible(username.strip())
    user = User(username=username, email=invitation.email, first_name=first_name.strip(), last_name=last_name.strip())
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"], validate_unique=False)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise ValidationError({"username": "This username is taken: choose another."}) from exc
    Membership.objects.create(user=user, customer=invitation.customer, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(acting_user=user, action="membership.accept", target=invitation, customer=invitation.customer,
                 summary=f"{username} accepted the invitation as {invitation.get_role_display().lower()}")
    return user


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, acting_user) -> Invitation:
    access.require(acting_user, permissions.MEMBERS_MANAGE, customer=invitation.customer)
    Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(acting_user=acting_user, action="membership.revoke_invitation", target=invitation,
                 customer=invitation.customer, summary=f"Withdrew the invitation of {invitation.email}")
    return invitation


def _owners_left(customer: Customer, *, without: Membership) -> bool:
    return Membership.objects.filter(customer=customer, role=MembershipRole.OWNER, user__is_active=True).exclude(
        pk=without.pk).exists()


@transaction.atomic
def membership_remove(*, membership: Membership, acting_user) -> None:
    """Remove a user from the customer (the last owner stays: someone must manage the users)."""
    access.require(acting_user, permissions.MEMBERS_MANAGE, customer=membership.customer)
    membership = Membership.objects.select_for_update().select_related("user", "customer").get(pk=membership.pk)
    if membership.role == MembershipRole.OWNER and not _owners_left(membership.customer, without=membership):
        raise ValidationError("The last owner cannot be removed: make someone else an owner first.")
    membership.delete()
    audit_record(acting_user=acting_user, action="membership.remove", target=membership.user,
                 customer=membership.customer, summary=f"Removed {membership.user.username} from the portal")


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, acting_user) -> Membership:
    access.require(acting_user, permissions.MEMBERS_MANAGE, customer=membership.customer)
    if role not in MembershipRole.values:
        raise ValidationError({"role": "Choose owner, administrator or viewer."})
    membership = Membership.objects.select_for_update().select_related("user", "customer").get(pk=membership.pk)
    if membership.role == role:
        return membership
    if membership.role == MembershipRole.OWNER and not _owners_left(membership.customer, without=membership):
        raise ValidationError("The last owner must stay an owner: make someone else an owner first.")
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(acting_user=acting_user, action="membership.role", target=membership.user,
                 customer=membership.customer, summary=f"{membership.user.username} is now "
                 f"{membership.get_role_display().lower()}", changes={"role": [old, role]})
    return membership


def impersonation_start(*, customer: Customer, acting_user) -> User:
    """A staff member opens the customer's portal as one of its users (an owner first); audited. Changes
    made meanwhile are audited under both names (the user, and the staff member as impersonator)."""
    permissions.require(acting_user, permissions.IMPERSONATE)
    member = (Membership.objects.filter(customer=customer, user__is_active=True, user__is_staff=False)
              .select_related("user").order_by(
                  models.Case(models.When(role=MembershipRole.OWNER, then=0), default=1), "created_at", "id").first())
    if member is None:
        raise ValidationError(f"{customer.name} has no portal users yet: invite one first.")
    audit_record(acting_user=acting_user, action="customer.impersonate", target=customer, customer=customer,
                 summary=f"{acting_user.username} opened the portal as {member.user.username}")
    return member.user


def impersonation_stop(*, customer: Customer | None, user, impersonator) -> None:
    """The end of an impersonation, in the customer's log and the staff's."""
    audit_record(acting_user=user, action="customer.impersonate_end", target=customer, customer=customer,
                 summary=f"{impersonator.username} went back to the staff console")
