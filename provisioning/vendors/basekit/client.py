"""BaseKit's HTTP edge: HTTP Basic with the brand's API credentials, JSON, integer refs, its error shape.

Errors (FOSRestBundle): ``{"code": 404, "message": "Account domain not found"}``; validation failures
``{"code": 400, "message": "Validation Failed", "errors": {"errors": [...], "children": {"password":
{"errors": ["..."]}}}}``. The first field with errors is mapped to the panel's form field.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import requests

from provisioning.adapters.base import VendorError
from provisioning.adapters.http import VendorClient

FIELD_NAMES = {"password": "password", "hash": "hash", "token": "token", "username": "username", "email": "email",
               "loginLink": "login_link", "verificationUrl": "verification_url", "limit": "", "offset": ""}
PAGE_LIMIT = 500


class BasekitClient(VendorClient):
    vendor_label = "BaseKit"

    def auth_headers(self, method: str, url: str) -> dict[str, str]:
        pair = f"{self.credentials.get('user', '')}:{self.credentials.get('password', '')}"
        return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}

    @classmethod
    def from_response(cls, response: requests.Response) -> VendorError:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return cls.error_for_status(response, cls.error_message(response))
        message = str(body.get("message") or cls.error_message(response))
        errors: list[str] = []
        field = ""
        tree = body.get("errors") if isinstance(body.get("errors"), dict) else {}
        errors += [str(e) for e in tree.get("errors") or []]
        for name, child in (tree.get("children") or {}).items():
            for text in (child or {}).get("errors") or []:
                errors.append(f"{name}: {text}")
                field = field or FIELD_NAMES.get(name, name)
        text = f"{message}: {'; '.join(errors)}" if errors else message
        return cls.error_for_status(response, f"BaseKit: {text}", field=field, errors=errors)

    # ---- paths and verbs ----------------------------------------------------------------------------
    @staticmethod
    def mailbox_path(holder: str, domain: str, user: str = "", rest: str = "") -> str:
        path = f"/users/{int(holder)}/domains/{int(domain)}/mailboxes"
        return path + (f"/{quote(user, safe='')}{rest}" if user else "")

    def get(self, path: str, **params: Any) -> Any:
        return self.json_of(self.request("GET", path, params=params or None)) or {}

    def send(self, method: str, path: str, body: dict | None = None) -> Any:
        return self.json_of(self.request(method, path, json_body=body if body is not None else None))

    def pages(self, path: str, key: str, *, start: int = 0, limit: int = PAGE_LIMIT) -> Iterator[tuple[int, list]]:
        """Every item of a list, ``limit`` at a time from ``offset`` ``start``: ``(next offset, items)``."""
        offset = start
        while True:
            items = self.get(path, limit=limit, offset=offset).get(key) or []
            offset += len(items)
            yield offset, items
            if len(items) < limit:
                return

    def mailbox_status(self, holder: str, domain: str, user: str) -> str | None:
        """A mailbox's status (``pending``/``active``) from the domain's list; None when it holds none."""
        wanted = user.lower()
        for _, items in self.pages(self.mailbox_path(holder, domain), "mailboxes"):
            for item in items:
                if str(item.get("user", "")).split("@")[0].lower() == wanted:
                    return str(item.get("status") or "")
        return None
