"""SYNAQ's HTTP edge: SWSS authentication, its error shape, Locations, GUIDs and paged lists."""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import secrets
import threading
import time
from collections.abc import Iterator
from typing import Any

import requests

from provisioning.adapters.base import UnexpectedAnswer, VendorError
from provisioning.adapters.http import VendorClient

API = "/api/v1"
GUID_IN_PATH = re.compile(r"/(ous|packages|domains|mailboxes)/([0-9a-fA-F-]{36})(?:[/.?]|$)")
LIST_LIMIT = 100

# SYNAQ's field names as the panel's forms call them, so a refusal lands next to the right field.
FIELD_NAMES = {
    "email_local": "local_part", "password": "password", "last_name": "last_name", "first_name": "first_name",
    "domain_name": "name", "package_edition_code": "edition", "code": "edition", "editions": "editions",
    "title": "name", "physical_address": "address_line_1",
}

_counter = itertools.count()
_counter_lock = threading.Lock()


def new_salt() -> str:
    """A salt that never repeats: microseconds (as the doc advises), then this process and a counter
    (two calls in one microsecond), then random digits (two hosts with the same pid)."""
    with _counter_lock:
        n = next(_counter) % 100_000
    return f"{time.time_ns() // 1000}.{os.getpid() % 100_000:05d}{n:05d}{secrets.randbelow(10_000):04d}"


def guid_from(location: str, kind: str | None = None) -> str:
    """The GUID of the object a Location names (the first one of ``kind``, or the first at all)."""
    for match in GUID_IN_PATH.finditer(location):
        if kind is None or match.group(1) == kind:
            return match.group(2).lower()
    raise UnexpectedAnswer(f"SYNAQ's Location {location!r} names no {kind or 'object'} GUID.")


class SynaqClient(VendorClient):
    """The SYNAQ API v6.3 (all paths carry ``.json``; LINK and UNLINK are real methods)."""

    vendor_label = "SYNAQ"

    def auth_headers(self, method: str, url: str) -> dict[str, str]:
        user = str(self.credentials.get("user", ""))
        key = str(self.credentials.get("key", ""))
        salt = new_salt()
        return {"synaq-api-user": user, "synaq-api-salt": salt,
                "synaq-api-hash": hashlib.sha1((user + key + salt).encode()).hexdigest()}  # noqa: S324 (SWSS)

    @classmethod
    def from_response(cls, response: requests.Response) -> VendorError:
        """``{"code": N, "message": "...", "errors": null | ["field: message", ...]}``."""
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return cls.error_for_status(response, cls.error_message(response))
        message = str(body.get("message") or cls.error_message(response))
        errors = [str(e) for e in (body.get("errors") or []) if e]
        field = ""
        for error in errors:
            name, sep, _ = error.partition(":")
            if sep:
                leaf = re.split(r"[.\[]", name.strip().removeprefix("fields."))[0]
                field = FIELD_NAMES.get(leaf, leaf if name.startswith("fields.") else "")
                if field:
                    break
        text = f"{message}: {'; '.join(errors)}" if errors else message
        return cls.error_for_status(response, f"SYNAQ: {text}", field=field, errors=errors)

    # ---- shapes -----------------------------------------------------------------------------------
    def created(self, response: requests.Response, kind: str) -> str:
        """The GUID of what a 201 (or a 202's action) Location names."""
        location = self.location_of(response)
        if not location:
            raise UnexpectedAnswer(f"SYNAQ answered {response.status_code} without a Location header.")
        return guid_from(location, kind)

    def accepted(self, response: requests.Response) -> str:
        """The action location of a 202 Accepted (``Location`` or legacy ``location``)."""
        location = self.location_of(response)
        if not location:
            raise UnexpectedAnswer("SYNAQ accepted the request (202) but sent no action Location to follow.")
        return location

    def get(self, path: str, **params: Any) -> Any:
        return self.json_of(self.request("GET", path, params=params or None))

    def domain(self, guid: str) -> dict[str, Any]:
        """A domain, flat (the doc shows it both flat and wrapped in ``{"domain": ...}``)."""
        data = self.get(f"{API}/domains/{guid}.json") or {}
        if isinstance(data.get("domain"), dict) and "state" not in data:
            data = data["domain"]
        return data

    def poll(self, location: str) -> dict[str, Any]:
        """An action's state: ``{"state": "pending"}``, ``finished`` or ``error`` with ``errors``."""
        data = self.get(location) or {}
        if "state" not in data:
            raise UnexpectedAnswer("SYNAQ's action answer has no state.")
        return data

    def action(self, kind: str, guid: str, name: str) -> str:
        """Create an asynchronous action on an object; its location."""
        response = self.request("POST", f"{API}/{kind}/{guid}/actions.json", json_body={"action": {"action": name}})
        return self.accepted(response)

    def pages(self, path: str, key: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Every item of a paged list, following ``page`` to the last (``limit`` at its maximum)."""
        page = 1
        while True:
            data = self.get(path, page=page, limit=LIST_LIMIT, **params) or {}
            yield from (data.get("_embedded") or {}).get(key) or []
            if page >= int(data.get("pages") or 0):
                return
            page += 1

    def find_one(self, path: str, key: str, **params: Any) -> dict[str, Any] | None:
        """The single item an ``exact_match=1`` search answers, or None."""
        data = self.get(path, page=1, limit=LIST_LIMIT, exact_match=1, **params) or {}
        items = (data.get("_embedded") or {}).get(key) or []
        return items[0] if items else None
