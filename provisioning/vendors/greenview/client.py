"""Greenview Data's HTTP edge: HTTP Basic with the reseller's API token and key, its Rails error shape."""

from __future__ import annotations

import base64
from typing import Any

import requests

from provisioning.adapters.base import VendorError
from provisioning.adapters.http import VendorClient

# Greenview's attribute names as the panel's forms call them, so a refusal lands next to its field.
FIELD_NAMES = {
    "package_uid": "plan", "user_count": "seats", "email_address": "email", "name": "title", "domains": "domains",
    "domains.name": "domains", "domains.mail_servers": "mail_servers", "mail_servers": "mail_servers",
}
# How a Rails full message starts for each attribute ("Mail servers are invalid...").
ATTRIBUTE_WORDS = {
    "package_uid": "Package", "user_count": "User count", "email_address": "E-mail address", "name": "Name",
    "domains": "Domains", "domains.name": "Domain", "domains.mail_servers": "Mail servers",
    "mail_servers": "Mail servers", "answer": "Captcha answer",
}


def _messages(errors: Any, prefix: str = "") -> list[tuple[str, str]]:
    """(attribute, message) pairs from ``{"errors": {...}}``, flattening ``client``/``captcha`` nesting."""
    found: list[tuple[str, str]] = []
    if isinstance(errors, dict):
        for key, value in errors.items():
            if key in ("client", "captcha", "reseller") and isinstance(value, dict):
                found += _messages(value)
            elif isinstance(value, list):
                found += [(prefix + key, str(m)) for m in value if m]
            elif isinstance(value, dict):
                found += _messages(value, prefix=f"{key}.")
    return found


class GreenviewClient(VendorClient):
    """The Hosted Services API v1 (JSON bodies and answers)."""

    vendor_label = "Greenview"

    def auth_headers(self, method: str, url: str) -> dict[str, str]:
        pair = f"{self.credentials.get('token', '')}:{self.credentials.get('key', '')}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}

    @classmethod
    def from_response(cls, response: requests.Response) -> VendorError:
        """``{"errors": {"base": [...], "<attribute>": [...]}}`` (nested under ``client`` on POST)."""
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code == 401:
            return cls.error_for_status(response, "Greenview refused the reseller API token and key (401).")
        pairs = _messages(body.get("errors")) if isinstance(body, dict) else []
        if not pairs:
            return cls.error_for_status(response, cls.error_message(response))
        words = []
        for attribute, message in pairs:
            label = ATTRIBUTE_WORDS.get(attribute, "" if attribute == "base" else attribute.replace("_", " "))
            words.append(f"{label} {message}".strip() if label else message)
        field = next((FIELD_NAMES[a] for a, _ in pairs if a in FIELD_NAMES), "")
        return cls.error_for_status(response, "Greenview: " + " ".join(w.rstrip(".") + "." for w in words),
                                    field=field, errors=[f"{a}: {m}" for a, m in pairs])

    def get(self, path: str, **params: Any) -> Any:
        return self.json_of(self.request("GET", path, params=params or None))

    def send(self, method: str, path: str, body: Any) -> Any:
        return self.json_of(self.request(method, path, json_body=body))
