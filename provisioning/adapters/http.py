"""The vendor edge: one HTTP client base every vendor's client builds on.

It keeps a pooled ``requests.Session`` per vendor account (per process), applies connect and
read timeouts, asks the shared rate limiter before each call, renews the operation's lease,
records each exchange (secrets redacted) for the operation's page, and turns transport failures
and error answers into the typed errors of :mod:`provisioning.adapters.base`. Each vendor's
``from_response`` reads that vendor's error shape; no other module parses it.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlencode, urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, NewConnectionError

from provisioning.adapters.base import (
    AuthError,
    ConflictError,
    NotFoundError,
    RateLimited,
    ThrottledError,
    TransientError,
    ValidationFailed,
    VendorError,
)

logger = logging.getLogger(__name__)

SECRET_KEYS = re.compile(r"pass(word)?|secret|api[-_]?key|token|hash|signature|authorization|answer", re.I)
REDACTED = "••••"
MAX_RECORDED = 2000


@dataclass(frozen=True)
class RateLimit:
    """A vendor's documented limit: ``limit`` calls per ``window`` seconds for the given methods."""

    bucket: str
    limit: int
    window: float
    methods: frozenset[str]


def redact(value: Any) -> Any:
    """A copy of a JSON-like value with every secret-looking key's value masked."""
    if isinstance(value, dict):
        return {k: (REDACTED if SECRET_KEYS.search(str(k)) and v not in (None, "") else redact(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


_sessions: dict[tuple[int, int, str], requests.Session] = {}
_sessions_lock = threading.Lock()


def _session_for(account) -> requests.Session:
    """One pooled session per vendor account, credentials and process (forked workers get their own)."""
    fingerprint = hashlib.sha256(json.dumps(account.credentials or {}, sort_keys=True).encode()).hexdigest()[:16]
    key = (os.getpid(), account.pk or 0, fingerprint + account.base_url)
    with _sessions_lock:
        session = _sessions.get(key)
        if session is None:
            session = requests.Session()
            pool = HTTPAdapter(pool_connections=4, pool_maxsize=settings.VENDOR_POOL_SIZE, max_retries=0)
            session.mount("http://", pool)
            session.mount("https://", pool)
            session.trust_env = False  # vendor traffic never goes through an ambient proxy
            _sessions[key] = session
        return session


class VendorClient:
    """Base of one vendor's HTTP client. Subclasses add authentication and ``from_response``."""

    vendor_label: ClassVar[str] = "vendor"
    rate_limits: ClassVar[tuple[RateLimit, ...]] = ()

    def __init__(self, account, *, limiter: Callable[[RateLimit], float] | None = None,
                 on_request: Callable[[], None] | None = None, exchanges: list | None = None) -> None:
        self.account = account
        self.base_url = account.base_url.rstrip("/")
        self.credentials = account.credentials or {}
        self.session = _session_for(account)
        self.limiter = limiter
        self.on_request = on_request
        self.exchanges = exchanges if exchanges is not None else []
        self.timeout = (settings.VENDOR_CONNECT_TIMEOUT, settings.VENDOR_READ_TIMEOUT)

    # ---- what a vendor's client provides ----------------------------------------------------------
    def auth_headers(self, method: str, url: str) -> dict[str, str]:
        """Headers that authenticate one request (computed per request)."""
        return {}

    @classmethod
    def from_response(cls, response: requests.Response) -> VendorError:
        """The typed error for an error answer. Vendors override to read their own error shape."""
        return cls.error_for_status(response, cls.error_message(response))

    @classmethod
    def error_message(cls, response: requests.Response) -> str:
        return f"{cls.vendor_label} answered {response.status_code} {response.reason or ''}".strip()

    @classmethod
    def error_for_status(cls, response: requests.Response, message: str, *, field: str = "",
                         errors: list | None = None) -> VendorError:
        """The error type an HTTP status means, whatever the vendor."""
        status = response.status_code
        retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        kwargs = {"status": status, "field": field, "errors": errors or []}
        if status == 429:
            return ThrottledError(message, retry_after=retry_after, **kwargs)
        if status >= 500:
            return TransientError(message, retry_after=retry_after, maybe_applied=True, **kwargs)
        if status in (401, 403):
            return AuthError(message, **kwargs)
        if status == 404:
            return NotFoundError(message, **kwargs)
        if status == 409:
            return ConflictError(message, **kwargs)
        return ValidationFailed(message, **kwargs)

    # ---- the one request path ---------------------------------------------------------------------
    def url(self, path: str) -> str:
        """An absolute URL for a vendor path (a Location header is a path below the API root)."""
        if path.startswith(("http://", "https://")):
            return path
        return self.base_url + "/" + path.lstrip("/")

    def bucket_for(self, method: str) -> RateLimit | None:
        for limit in self.rate_limits:
            if method.upper() in limit.methods:
                return limit
        return None

    def request(self, method: str, path: str, *, json_body: Any = None, form: dict | None = None,
                params: dict | None = None, headers: dict | None = None, accept: str = "application/json"
                ) -> requests.Response:
        """Send one request; an error answer or a transport failure raises a typed VendorError."""
        limit = self.bucket_for(method)
        if limit is not None and self.limiter is not None:
            wait = self.limiter(limit)
            if wait > 0:
                raise RateLimited(f"Held back to stay within {self.vendor_label}'s limit of {limit.limit} "
                                  f"{limit.bucket} calls per {limit.window:g} s.", retry_after=wait)
        if self.on_request is not None:
            self.on_request()
        url = self.url(path)
        sent_headers = {"Accept": accept, **(headers or {}), **self.auth_headers(method, url)}
        kwargs: dict[str, Any] = {"headers": sent_headers, "params": params, "timeout": self.timeout,
                                  "allow_redirects": False}
        if json_body is not None:
            kwargs["data"] = json.dumps(json_body)
            sent_headers["Content-Type"] = "application/json"
        elif form is not None:
            kwargs["data"] = form
        record = {"method": method, "path": urlsplit(url).path + (f"?{_query(params)}" if params else ""),
                  "sent": redact(json_body if json_body is not None else form)}
        started = time.monotonic()
        try:
            response = self.session.request(method, url, **kwargs)
        except requests.exceptions.ConnectTimeout as exc:
            self._note(record, started, error="could not connect (timed out)")
            raise TransientError(f"Could not connect to {self.vendor_label}: timed out.") from exc
        except requests.exceptions.Timeout as exc:
            self._note(record, started, error="no answer in time")
            raise TransientError(f"{self.vendor_label} did not answer in time; the request may have been "
                                 "carried out.", maybe_applied=True) from exc
        except requests.exceptions.ConnectionError as exc:
            refused = _never_sent(exc)
            self._note(record, started, error="could not connect" if refused else "connection dropped")
            if refused:
                raise TransientError(f"Could not connect to {self.vendor_label}.") from exc
            raise TransientError(f"The connection to {self.vendor_label} dropped before it answered; the "
                                 "request may have been carried out.", maybe_applied=True) from exc
        self._note(record, started, response=response)
        if response.status_code >= 400:
            raise self.from_response(response)
        return response

    def _note(self, record: dict, started: float, *, response: requests.Response | None = None,
              error: str = "") -> None:
        record["ms"] = round((time.monotonic() - started) * 1000)
        if response is not None:
            record["status"] = response.status_code
            body = response.text[:MAX_RECORDED] if response.content else ""
            try:
                body = redact(json.loads(body)) if body else ""
            except ValueError:
                pass
            record["answer"] = body
            location = response.headers.get("Location")
            if location:
                record["location"] = location
        else:
            record["error"] = error
        self.exchanges.append(record)

    # ---- helpers for vendor clients ---------------------------------------------------------------
    @staticmethod
    def json_of(response: requests.Response) -> Any:
        """The answer's JSON; an answer that does not parse is the vendor's fault, and retried."""
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise TransientError("The vendor's answer could not be read (not valid JSON).",
                                 maybe_applied=True) from exc

    @staticmethod
    def location_of(response: requests.Response) -> str:
        """``Location`` or a legacy lower-case ``location`` (requests' headers ignore case)."""
        return (response.headers.get("Location") or "").strip()


def _query(params: dict) -> str:
    return urlencode(params, doseq=True)


def _never_sent(exc: requests.exceptions.ConnectionError) -> bool:
    """True when the connection was refused, so the request certainly never reached the vendor."""
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    return isinstance(reason, NewConnectionError)
