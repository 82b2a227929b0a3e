"""Hostway's HTTP edge: HTTP Basic, the account's paths, both documented error shapes, paged lists.

Errors come in two shapes (NOTES.md), and both are read here and nowhere else:

* wrapped: ``{"badRequest": {"message": "POST data error", "code": 400, "details": {"list.0.type": "Required"}}}``
  (also ``itemNotFound``, ``conflict``, ``overLimit`` with ``retryAfter``, ``computeFault``...);
* flat: ``{"password": "Required"}`` (or ``{"computeFault": "Number of mailboxes exceeded"}``).

Each field named is mapped to the panel's form field it concerns, so the vendor's words land beside it.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import requests

from provisioning.adapters.base import ThrottledError, VendorError
from provisioning.adapters.http import VendorClient, retry_after_seconds

FAULTS = frozenset({"badRequest", "unauthorized", "forbidden", "itemNotFound", "badMethod", "conflict", "overLimit",
                    "computeFault", "notImplemented", "badGateway", "serviceUnavailable"})
# Hostway's field names (leaf of a dotted path) as the panel's forms call them.
FIELD_NAMES = {
    "password": "password", "mailboxName": "local_part", "username": "local_part", "quota": "quota_mb",
    "type": "edition", "computeFault": "edition", "displayName": "display_name", "firstName": "first_name",
    "lastName": "last_name", "targets": "target", "target": "target", "address": "address",
    "body": "body", "subject": "subject", "active": "active", "allowUpgrade": "allow_upgrade",
    "secretQuestionsAnswers": "answers", "attributes": "attributes", "attributeValue": "attributes",
    "resourceType": "resource_type",
}
PAGE_SIZE = 500


def _field_of(key: str) -> str:
    """The panel's field for a Hostway error key (``list.0.type`` → the list entry's type...)."""
    if "@" in key:  # a forward target named by its address
        return "target"
    parts = [p for p in re.split(r"\.", key) if p and not p.isdigit()]
    if parts[:1] == ["list"]:
        return "list_type" if parts[-1] == "type" else "address"
    for part in reversed(parts):
        if part in FIELD_NAMES:
            return FIELD_NAMES[part]
    return ""


class HostwayClient(VendorClient):
    """The Hostway email API (long form ``/accounts/{account}/email/{domain}/...``, reseller credentials)."""

    vendor_label = "Hostway"

    def auth_headers(self, method: str, url: str) -> dict[str, str]:
        # NOTES: the scheme is not shown; HTTP Basic with the account's API credentials. Kept in this one place.
        pair = f"{self.credentials.get('user', '')}:{self.credentials.get('password', '')}"
        return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}

    @classmethod
    def from_response(cls, response: requests.Response) -> VendorError:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not body:
            return cls.error_for_status(response, cls.error_message(response))
        fault = next((k for k in body if k in FAULTS and isinstance(body[k], dict)), None)
        details: dict[str, Any] = {}
        if fault is not None:  # the wrapped shape
            inner = body[fault]
            message = str(inner.get("message") or cls.error_message(response))
            raw = inner.get("details")
            if isinstance(raw, dict):
                details = {str(k): str(v) for k, v in raw.items()}
            elif raw:
                message = f"{message}: {raw}"
            retry = inner.get("retryAfter")
        else:  # the flat shape: every key is a field (or computeFault)
            details = {str(k): str(v) for k, v in body.items() if not isinstance(v, (dict, list))}
            message = ""
            retry = None
        field = next((f for f in (_field_of(k) for k in details) if f), "")
        errors = [f"{k}: {v}" if k and k not in ("message", "computeFault") else v for k, v in details.items()]
        if details.get("message") and not message:
            message = details["message"]
        text = "; ".join(errors) if errors and not message else (
            f"{message}: {'; '.join(e for e in errors if e != message)}" if errors and message else message)
        text = f"Hostway: {text or cls.error_message(response)}".rstrip(": ")
        error = cls.error_for_status(response, text, field=field, errors=errors)
        if isinstance(error, ThrottledError) and error.retry_after is None:
            error.retry_after = retry_after_seconds(str(retry)) if retry is not None else 60.0
        return error

    # ---- paths --------------------------------------------------------------------------------------
    def domain_path(self, domain: str, rest: str = "") -> str:
        return f"/accounts/{quote(self.account_id, safe='')}/email/{quote(domain, safe='')}{rest}"

    def user_path(self, domain: str, mailbox: str, rest: str = "") -> str:
        return self.domain_path(domain, f"/usernames/{quote(mailbox, safe='')}{rest}")

    def __init__(self, account, **kwargs: Any) -> None:
        super().__init__(account, **kwargs)
        self.account_id = account.root_id

    # ---- verbs --------------------------------------------------------------------------------------
    def get(self, path: str, **params: Any) -> Any:
        return self.json_of(self.request("GET", path, params=params or None)) or {}

    def put(self, path: str, body: dict) -> requests.Response:
        return self.request("PUT", path, json_body=body)

    def post(self, path: str, body: dict) -> requests.Response:
        return self.request("POST", path, json_body=body)

    def delete(self, path: str) -> requests.Response:
        return self.request("DELETE", path)

    def usernames(self, domain: str, *, start: int = 0, page_size: int = PAGE_SIZE, **params: Any
                  ) -> Iterator[tuple[int, int, list[dict]]]:
        """The domain's usernames page by page from position ``start``: ``(total, next_start, items)``."""
        page = start // page_size + 1
        while True:
            data = self.get(self.domain_path(domain, "/usernames"), page=page, pageSize=page_size,
                            sortField="username", details=1, **params)
            items = data.get("list") or []
            total = int(data.get("totalCount") or 0)
            position = (page - 1) * page_size + len(items)
            yield total, position, items
            if not items or position >= total or len(items) < page_size:
                return
            page += 1
