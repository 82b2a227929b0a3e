"""Encryption at rest for secrets (vendor API keys, mailbox passwords in flight).

Fernet (AES-128-CBC + HMAC-SHA256, from the ``cryptography`` package) with a MultiFernet over
``FIELD_ENCRYPTION_KEYS``: the first key encrypts, every key decrypts, so keys can be rotated.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt_text(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt_text(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt a secret: wrong FIELD_ENCRYPTION_KEY?") from exc


class EncryptedJSONField(models.TextField):
    """A JSON value stored as a Fernet token; decrypted when loaded. Not searchable, by design."""

    description = "Encrypted JSON"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return None
        return json.loads(decrypt_text(value))

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return encrypt_text(json.dumps(value, sort_keys=True))

    def value_to_string(self, obj: Any) -> str:
        # Never let serialisation (dumpdata, fixtures) write secrets in clear.
        return "<encrypted>"


def mask_secret(value: str, visible: int = 4) -> str:
    """``sk_live_abcdef`` -> ``••••cdef``; short secrets are fully masked."""
    if not value:
        return ""
    if len(value) <= visible * 2:
        return "••••"
    return "••••" + value[-visible:]
