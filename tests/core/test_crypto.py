"""Secrets are encrypted at rest and never rendered."""

from __future__ import annotations

import pytest
from django.db import connection

from core.crypto import mask_secret
from provisioning.models import VendorAccount
from tests.factories import VendorAccountFactory

pytestmark = pytest.mark.django_db


def test_vendor_credentials_are_stored_encrypted():
    account = VendorAccountFactory(credentials={"user": "api", "key": "very-secret-key-123"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials FROM provisioning_vendoraccount WHERE id = %s", [account.pk])
        raw = cursor.fetchone()[0]
    assert "very-secret-key-123" not in raw
    assert VendorAccount.objects.get(pk=account.pk).credentials["key"] == "very-secret-key-123"


def test_masked_credentials_show_only_the_last_characters():
    account = VendorAccountFactory(credentials={"key": "very-secret-key-123"})
    assert account.masked_credentials() == {"key": "••••-123"}


def test_short_secrets_are_fully_masked():
    assert mask_secret("abc") == "••••"
