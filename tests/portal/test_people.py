"""A customer's own users: owners invite by a one-time, expiring link, change roles and remove users."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from customers.models import Invitation, Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client):
    owner = MembershipFactory(role="owner")
    client.force_login(owner.user)
    return client, owner


def _invite(client, capture, email="new.person@customer.test", role="admin") -> str:
    """Invite through the page; the path of the link the invitation mail carries."""
    with capture(execute=True):
        response = client.post(reverse("portal:member_invite"), {"email": email, "role": role})
    assert response.status_code == 302
    return re.search(r"http://[^/\s]+(/portal/join/\S+/)", mail.outbox[-1].body).group(1)


def test_an_owner_invites_by_a_one_time_link_that_keeps_only_a_hash(owner_client, django_capture_on_commit_callbacks):
    client, owner = owner_client
    link = _invite(client, django_capture_on_commit_callbacks)
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64


def test_accepting_the_invitation_creates_the_user_with_the_role_and_signs_them_in(
        owner_client, django_capture_on_commit_callbacks):
    client, owner = owner_client
    link = _invite(client, django_capture_on_commit_callbacks)
    client.logout()
    path = link
    response = client.post(path, {"username": "newperson", "password": "A-long-passphrase-42"})
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    membership = Membership.objects.get(user__username="newperson")
    assert membership.customer == owner.customer and membership.role == "admin"
    assert client.get(reverse("portal:home")).status_code == 200


def test_an_invitation_link_works_once(owner_client, django_capture_on_commit_callbacks):
    client, _ = owner_client
    path = _invite(client, django_capture_on_commit_callbacks)
    client.logout()
    client.post(path, {"username": "first", "password": "A-long-passphrase-42"})
    client.logout()
    response = client.post(path, {"username": "second", "password": "A-long-passphrase-42"})
    assert response.status_code == 410 and not Membership.objects.filter(user__username="second").exists()


def test_an_expired_invitation_link_is_refused(owner_client, django_capture_on_commit_callbacks):
    client, _ = owner_client
    path = _invite(client, django_capture_on_commit_callbacks)
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client.logout()
    assert client.get(path).status_code == 410


def test_an_admin_member_cannot_invite(client):
    admin = MembershipFactory(role="admin")
    client.force_login(admin.user)
    assert client.post(reverse("portal:member_invite"), {"email": "x@y.test", "role": "owner"}).status_code == 403
    assert not Invitation.objects.exists()


def test_the_last_owner_cannot_be_removed(owner_client):
    client, owner = owner_client
    client.post(reverse("portal:member_remove", args=[owner.pk]))
    assert Membership.objects.filter(pk=owner.pk).exists()


def test_an_owner_removes_a_user(owner_client):
    client, owner = owner_client
    viewer = MembershipFactory(customer=owner.customer, role="viewer")
    client.post(reverse("portal:member_remove", args=[viewer.pk]))
    assert not Membership.objects.filter(pk=viewer.pk).exists()
