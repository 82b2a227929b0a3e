"""Rackspace Email's HTTP edge: the per-request X-Api-Signature, its per-minute limits, form bodies on
v1 and JSON on v2, and its fault shapes (JSON, XML or the ``x-error-message`` header)."""

from __future__ import annotations

import base64
import hashlib
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

import requests

from provisioning.adapters.base import ThrottledError, ValidationFailed, VendorError
from provisioning.adapters.http import RateLimit, VendorClient

DEFAULT_USER_AGENT = "reseller-panel/1.0"
LIMIT_MESSAGE = "Exceeded request limits"
# Over the limit there is no Retry-After: wait out a whole minute, after which the oldest counted call has left.
THROTTLE_BACKOFF_SECONDS = 60.0

# The vendor's documented messages, by the panel's form field they concern (matched at the start).
FIELD_BY_MESSAGE = (
    ("Missing required field: name", "title"), ("Required field name", "title"),
    ("Improper Customer Name", "title"), ("Name too long", "title"),
    ("Reference number too long", "reference"),
    ("Contact name cannot be empty", "name"), ("Please enter a valid email address", "email"),
    ("Security question cannot be empty", "security_question"),
    ("Security answer cannot be empty", "security_answer"), ("Phone cannot be empty", "phone"),
    ("There must be at least one billing contact", "receives_billing"),
    ("ReceivesAlerts", "receives_alerts"), ("ReceivesBilling", "receives_billing"),
    ("ReceivesUpdates", "receives_updates"),
)


def api_signature(user_key: str, secret_key: str, user_agent: str, timestamp: str) -> str:
    """``userKey:timestamp:base64(SHA-1(userKey + User-Agent + timestamp + secretKey))``, the binary digest."""
    digest = hashlib.sha1((user_key + user_agent + timestamp + secret_key).encode("utf-8")).digest()  # noqa: S324
    return f"{user_key}:{timestamp}:{base64.b64encode(digest).decode('ascii')}"


def fault_message(response: requests.Response) -> str:
    """The message of a fault body (JSON ``{"badRequestFault": {"message"...}}`` or its XML), else the
    ``x-error-message`` header."""
    text = response.text or ""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        for value in body.values():
            if isinstance(value, dict) and value.get("message"):
                return str(value["message"])
    if text.lstrip().startswith("<"):
        try:
            root = ET.fromstring(text.strip())  # noqa: S314 (the vendor's own fault body; no external entities)
        except ET.ParseError:
            root = None
        if root is not None:
            for element in root.iter():
                if element.tag.rsplit("}", 1)[-1] == "message" and element.text:
                    return element.text
    return response.headers.get("x-error-message", "")


class RackspaceClient(VendorClient):
    """The Rackspace Email customer API (v1 customers and login tokens, v2 contacts and invoices)."""

    vendor_label = "Rackspace"
    rate_limits = (
        RateLimit("read", 60, 60.0, frozenset({"GET", "HEAD"})),
        RateLimit("write", 30, 60.0, frozenset({"POST", "PUT", "DELETE"})),
    )

    @property
    def user_agent(self) -> str:
        return str(self.credentials.get("user_agent") or DEFAULT_USER_AGENT)

    def auth_headers(self, method: str, url: str) -> dict[str, str]:
        """Signed for every request (never once per session), with exactly the User-Agent that was hashed."""
        stamp = datetime.now(tz=UTC).strftime("%Y%m%d%H%M%S")
        signature = api_signature(str(self.credentials.get("user_key", "")),
                                  str(self.credentials.get("secret_key", "")), self.user_agent, stamp)
        return {"User-Agent": self.user_agent, "X-Api-Signature": signature}

    @classmethod
    def from_response(cls, response: requests.Response) -> VendorError:
        message = fault_message(response) or cls.error_message(response)
        status = response.status_code
        if status == 403 and LIMIT_MESSAGE.lower() in message.lower():
            # Throttled, never an auth failure: back off to the next minute.
            return ThrottledError(f"Rackspace: {message} (its limit per minute was reached); the panel waits a "
                                  "minute and sends it again.", status=403, retry_after=THROTTLE_BACKOFF_SECONDS)
        if status == 403 and not re.search(r"authentication", message, re.I):
            return ValidationFailed(f"Rackspace refused it: {message} (the account is not one of this reseller's, "
                                    "or the API user lacks the role).", status=403)
        field = next((f for prefix, f in FIELD_BY_MESSAGE if message.startswith(prefix)), "")
        return cls.error_for_status(response, f"Rackspace: {message}", field=field, errors=[message])

    # ---- shapes -----------------------------------------------------------------------------------
    def get(self, path: str, **params: Any) -> Any:
        return self.json_of(self.request("GET", path, params=params or None))

    def form(self, method: str, path: str, data: dict[str, str]) -> requests.Response:
        """A v1 write: form-encoded, as the doc's v1 routes take it."""
        return self.request(method, path, form=data,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})

    def pages(self, path: str, *, size: int = 250) -> list[dict[str, Any]]:
        """Every item of a v2 list (``Size``/``Offset``/``Total``/``Items``)."""
        items: list[dict[str, Any]] = []
        while True:
            data = self.get(path, size=size, offset=len(items)) or {}
            batch = data.get("Items") or []
            items += batch
            if not batch or len(items) >= int(data.get("Total") or 0):
                return items
