"""BaseKit's account-domains API (UK): account holders → account domains → mailboxes.

The simulator follows ``basekit-account-domains-api.txt`` and the BaseKit section of ``NOTES.md``:
HTTP Basic auth with the brand's API credentials, JSON bodies, integer refs, PHP-style dates
(``{"date": "2015-11-16 15:16:42.000000", "timezone_type": 3, "timezone": "Europe/London"}``) and
``limit``/``offset`` paging. Paths below the ``/basekit`` prefix:

- ``GET /account-domains/<accountDomainRef>`` → ``{"accountDomain": {...}}``
- ``GET /users/<accountHolderRef>`` → ``{"accountHolder": {..., "emailVerified": false}}``
- ``GET /users/<accountHolderRef>/account-domains`` → ``{"accountDomains": [...]}``
- ``GET /users/<accountHolderRef>/domains/mailboxes`` → ``{"domainMailboxes": [...]}``
- ``GET /users/<accountHolderRef>/domains/<accountDomainRef>/mailboxes`` → ``{"mailboxes": [...]}``
- ``PUT /users/<accountHolderRef>/domains/<accountDomainRef>/mailboxes/<user>`` → 200 ``{"mailbox": [...]}``
- ``DELETE`` the same path → 204
- ``POST .../mailboxes/<user>/login-tokens`` → 200 ``{"loginToken": "..."}``
- ``POST /users/forgotten-password`` → 204 (an email with ``loginLink?h={hash}`` goes to the holder)
- ``POST /users/reset-password`` → 204
- ``POST /users/<ref>/send-verification-email`` → 204 (an email with ``verificationUrl?token=...``)
- ``POST /users/<ref>/validate-email-verification-token`` → 204, or 400 for an invalid token

Behaviour over time (named delays, changeable through ``/_sandbox/basekit/delays``):

- ``domain_active`` (5 s): a newly added account domain answers ``"active": 0`` until then, then ``1``.
  The demo estate holds one such domain (``pending_account_domain_ref``), added at reset.
- ``mailbox_active`` (3 s): a new mailbox answers ``"status": "pending"`` until then, then ``"active"``.
- ``login_token_expiry`` (300 s), ``reset_hash_expiry`` (24 h), ``verification_token_expiry`` (24 h):
  lifetimes of the one-time secrets, measured on the sandbox clock.

Vendor-specific faults: an ``action_error`` fault with ``action="domain_active"`` leaves the next
account domain added stuck at ``active: 0``; with ``action="mailbox_active"`` the next mailbox
created stays ``pending`` for ever (the doc has no failure status; "stuck" is how it shows).

Emails the vendor "sends" (forgotten password, verification) are kept in :attr:`Sandbox.outbox`
and the last few are shown in ``/_sandbox/basekit/stats``, so tests and demos can follow the links.

Choices where the doc is silent
-------------------------------
- Auth: HTTP Basic only (NOTES also mentions OAuth 1.0a, which is not simulated). A missing or
  wrong ``Authorization`` answers **401** with ``WWW-Authenticate: Basic realm="BaseKit API"`` and
  the error body below. Every endpoint needs auth, including forgotten/reset password (they are
  brand-level calls the reseller makes server-side).
- Error shape (Symfony/FOSRestBundle, which BaseKit's PHP API is built on):
  ``{"code": 404, "message": "Account domain not found"}``. Validation failures answer 400
  ``{"code": 400, "message": "Validation Failed", "errors": {"errors": [...form-level...],
  "children": {"password": {"errors": ["This value should not be blank."]}, "other": {}}}}``:
  every field of the endpoint's form appears under ``children``, with ``errors`` only where it has some.
- Bodies: a non-empty body whose ``Content-Type`` is not ``application/json`` answers **415**;
  malformed JSON answers 400 "Invalid json message received"; a body that is not a JSON object, or
  has fields the endpoint does not take ("This form should not contain extra fields."), answers 400.
- Refs in paths must be integers (route requirement): anything else is a **404** "Not Found".
  An unknown account holder or account domain is a 404; a domain that belongs to another account
  holder is also a 404 "Account domain not found" (never a 403 that leaks it exists).
- The PUT mailbox example in the doc is malformed JSON; the answer is ``{"mailbox": [{"user":
  "newuser@domain", "status": "pending"}]}`` (a list of one, as the doc's opening bracket says).
- Mailbox ``user`` is the local part only: 1-64 characters ``[a-z0-9._-]``, starting and ending
  with a letter or digit, case-insensitive (stored and answered in lower case); ``@`` is refused (400).
- Mailbox password: a string of 6-128 characters (400 otherwise).
- Adding a mailbox on an account domain whose ``active`` flag is still 0 answers **400**
  "Account domain is not active" (the doc says to wait for ``active: 1``).
- Adding a mailbox that already exists (any status) answers **409** "Mailbox already exists" and
  changes nothing: PUT here is "add", and the password is not overwritten.
- Deleting a mailbox removes it at once (204), also while ``pending``; deleting an unknown one is a 404.
- A login token for a mailbox that is still ``pending`` answers **400** "Mailbox is not active".
  Tokens are 25 lower-case alphanumerics, one-time, valid for ``login_token_expiry`` seconds.
- Mailbox list items are ``{"user": "name@domain", "status": "pending"|"active"}``; items of
  ``domainMailboxes`` also carry ``accountDomainRef`` and ``domainName``. Lists are ordered by ref /
  creation. Without ``limit`` every item is answered ("List all ..."); ``limit`` (1-1000) and
  ``offset`` (>= 0) page them; other values answer 400. No total count is added (none documented).
- Account domain list items use ``name`` and single domains ``domainName`` exactly as documented;
  ``active`` and ``autoRenew`` are integers 1/0, ``isFree`` a boolean, ``emailVerified`` a boolean.
  ``expiryDate`` and ``renewalDate`` are one year after ``domainRegistered``.
- Forgotten password: ``username`` (exact, case-sensitive) or ``email`` (case-insensitive) must
  name an account holder of the brand, else **404** "Account holder not found"; when both are
  given they must name the same holder (else 404). ``loginLink`` must be an http(s) URL; the link
  mailed is ``loginLink + "?h=" + hash`` literally, as documented (even if loginLink has a query).
  A new request replaces the holder's earlier hash. Hashes are one-time.
- Reset password / validate token: an unknown, used, expired or other holder's hash/token answers
  400 in the validation shape on the ``hash`` / ``token`` field. The new password follows the
  mailbox password rule. A new verification email replaces the earlier token; the link mailed is
  ``verificationUrl`` with ``token=...`` added to its query string. Sending one to an already
  verified holder still sends it (harmless) and does not reset ``emailVerified``.
- Throttling is not documented: :meth:`Sandbox.throttle_response` answers **429**
  ``{"code": 429, "message": "Too Many Requests"}`` with ``Retry-After: 60``.
- An unknown path (including a non-integer ref) is a 404 before authentication is checked, as in
  Symfony, where routing runs before the firewall; every matched route checks auth first.
- Creating account holders and account domains is not in this doc, so it has no HTTP route here:
  tests and demos use :meth:`Sandbox.add_account_holder`, :meth:`Sandbox.add_account_domain` or
  :meth:`Sandbox.seed`. :meth:`Sandbox.redeem_login_token` plays the vendor's webmail for tokens, and the
  sandbox extra ``GET /webmail/login?token=`` (no auth: the mailbox user's browser opens it) does the same over
  HTTP, once per token.
- Demo refs: account holders count from 500001 and account domains from 1, so a holder ref used as
  a domain ref (or the reverse) is caught as a 404 rather than silently hitting another object.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
import string
from typing import Any
from urllib.parse import urlsplit

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from sandbox.core import BadRequestBody, VendorSandbox, json_response, parse_json_body

try:  # The vendor serialises dates in Europe/London; fall back to UTC where no tz database exists.
    from zoneinfo import ZoneInfo

    LONDON: dt.tzinfo = ZoneInfo("Europe/London")
    TIMEZONE_NAME = "Europe/London"
except Exception:  # pragma: no cover - depends on the host's tz database
    LONDON = dt.UTC
    TIMEZONE_NAME = "UTC"

HOLDER_REF_BASE = 500001
DOMAIN_REF_BASE = 1
YEAR = 365 * 24 * 3600.0
MAX_LIMIT = 1000

ASCII_DIGITS = re.compile(r"[0-9]+")
USER_RE = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TOKEN_ALPHABET = string.ascii_lowercase + string.digits
HASH_ALPHABET = string.ascii_letters + string.digits

BLANK = "This value should not be blank."
NOT_STRING = "This value should be of type string."
EXTRA_FIELDS = "This form should not contain extra fields."

DEMO_USER = "basekit-brand"
DEMO_PASSWORD = "basekit-sandbox-password"


def php_date(ts: float) -> dict[str, Any]:
    """A time serialised the way BaseKit's PHP API does (whole seconds, Europe/London)."""
    when = dt.datetime.fromtimestamp(int(ts), LONDON)
    return {"date": when.strftime("%Y-%m-%d %H:%M:%S.000000"), "timezone_type": 3, "timezone": TIMEZONE_NAME}


def _digest(secret: str) -> str:
    # Passwords are kept only as digests: the sandbox never needs them back.
    return hashlib.sha256(secret.encode()).hexdigest()


def _is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


class ValidationFailed(Exception):
    """Raised by a handler's body check; answered as the vendor's 400 "Validation Failed"."""

    def __init__(self, fields: list[str], errors: dict[str, list[str]], form_errors: list[str] | None = None):
        super().__init__("Validation Failed")
        self.fields = fields
        self.errors = errors
        self.form_errors = form_errors or []


class Sandbox(VendorSandbox):
    """BaseKit's account-domains API: account domains turning active, pending mailboxes, tokens."""

    # Symfony routes before its firewall: an unknown path is a 404 whatever the credentials (see above).
    routes_before_auth = True
    # The sandbox extra below stands in for webmail, which the mailbox's browser opens without API credentials.
    public_endpoints = frozenset({"webmail_login"})

    name = "basekit"
    default_delays = {
        "domain_active": 5.0,
        "mailbox_active": 3.0,
        "login_token_expiry": 300.0,
        "reset_hash_expiry": 24 * 3600.0,
        "verification_token_expiry": 24 * 3600.0,
    }

    # ---- routes ------------------------------------------------------------------------------
    def routes(self) -> list[Rule]:
        """The documented paths (refs are integers, as the vendor's route requirements)."""
        mailbox = "/users/<int:holder_ref>/domains/<int:domain_ref>/mailboxes/<user>"
        return [
            Rule("/account-domains/<int:domain_ref>", methods=["GET"], endpoint="account_domain_get"),
            Rule("/users/forgotten-password", methods=["POST"], endpoint="forgotten_password"),
            Rule("/users/reset-password", methods=["POST"], endpoint="reset_password"),
            Rule("/users/<int:holder_ref>", methods=["GET"], endpoint="account_holder_get"),
            Rule("/users/<int:holder_ref>/account-domains", methods=["GET"], endpoint="account_domains_list"),
            Rule("/users/<int:holder_ref>/domains/mailboxes", methods=["GET"], endpoint="holder_mailboxes_list"),
            Rule("/users/<int:holder_ref>/domains/<int:domain_ref>/mailboxes", methods=["GET"],
                 endpoint="domain_mailboxes_list"),
            Rule(mailbox, methods=["PUT"], endpoint="mailbox_add"),
            Rule(mailbox, methods=["DELETE"], endpoint="mailbox_delete"),
            Rule(mailbox + "/login-tokens", methods=["POST"], endpoint="mailbox_login_token"),
            Rule("/users/<int:holder_ref>/send-verification-email", methods=["POST"],
                 endpoint="send_verification_email"),
            Rule("/users/<int:holder_ref>/validate-email-verification-token", methods=["POST"],
                 endpoint="validate_verification_token"),
            # Sandbox extra (the doc does not say where a token is used): webmail's token login page.
            Rule("/webmail/login", methods=["GET"], endpoint="webmail_login"),
        ]

    def on_webmail_login(self, request: Request) -> Response:
        """Stand-in for BaseKit webmail's token login: a fresh, unused token signs its mailbox in, once."""
        entry = self.login_tokens.pop(request.args.get("token", ""), None)
        if entry is None or entry["expires"] < self.clock.now():
            return Response("<h1>Login link expired or invalid</h1>", status=401, content_type="text/html")
        return Response(f"<h1>Webmail: signed in as {entry['mailbox']}</h1>", status=200, content_type="text/html")

    # ---- state -------------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget everything; build the demo brand: two account holders, three domains, a mailbox."""
        self.holders: dict[int, dict[str, Any]] = {}
        self.domains: dict[int, dict[str, Any]] = {}
        self.holder_by_username: dict[str, int] = {}
        self.holder_by_email: dict[str, int] = {}
        self.domain_names: dict[str, int] = {}
        self.login_tokens: dict[str, dict[str, Any]] = {}
        self.reset_hashes: dict[str, dict[str, Any]] = {}
        self.verification_tokens: dict[str, dict[str, Any]] = {}
        self.outbox: list[dict[str, Any]] = []
        self._holder_refs = itertools.count(HOLDER_REF_BASE)
        self._domain_refs = itertools.count(DOMAIN_REF_BASE)
        self._seed_batches = itertools.count(1)

        # The documented examples (johnsmith, johnsmith@mail.co.uk, johnsmith.co.uk) work verbatim.
        john = self.add_account_holder("johnsmith", "johnsmith@mail.co.uk", first_name="John", last_name="Smith")
        john_domain = self.add_account_domain(john["ref"], "johnsmith.co.uk", active=True)
        self._new_mailbox(john_domain, "john", _digest("demo-mailbox-password"), status="active")
        pending = self.add_account_domain(john["ref"], "johnsmith-shop.co.uk", active=False)
        jane = self.add_account_holder("janedoe", "jane@doe-mail.co.uk", first_name="Jane", last_name="Doe")
        jane_domain = self.add_account_domain(jane["ref"], "janedoe.co.uk", active=True)
        self.demo = {
            "account_holder_ref": john["ref"],
            "account_holder_username": john["username"],
            "account_holder_email": john["email"],
            "account_domain_ref": john_domain["ref"],
            "account_domain_name": john_domain["domainName"],
            "mailbox_user": "john",
            "mailbox": "john@johnsmith.co.uk",
            "pending_account_domain_ref": pending["ref"],
            "other_account_holder_ref": jane["ref"],
            "other_account_domain_ref": jane_domain["ref"],
        }

    def add_account_holder(self, username: str, email: str, *, first_name: str = "", last_name: str = "",
                           email_verified: bool = False) -> dict[str, Any]:
        """Create an account holder (the brand API's sign-up is outside this doc; tests call this)."""
        ref = next(self._holder_refs)
        holder = {
            "ref": ref, "username": username, "email": email, "firstName": first_name, "lastName": last_name,
            "emailVerified": email_verified, "created": self.clock.now(), "passwordHash": None, "domains": [],
        }
        self.holders[ref] = holder
        self.holder_by_username[username] = ref
        self.holder_by_email[email.lower()] = ref
        return holder

    def add_account_domain(self, holder_ref: int, domain_name: str, *, active: bool = False) -> dict[str, Any]:
        """Attach a domain to an account holder; unless ``active``, it turns active after ``domain_active``."""
        name = domain_name.lower()
        if name in self.domain_names:
            raise ValueError(f"account domain {name} already exists")
        ref = next(self._domain_refs)
        now = self.clock.now()
        domain = {
            "ref": ref, "holderRef": holder_ref, "domainName": name, "registered": now, "expiry": now + YEAR,
            "active": 1 if active else 0, "autoRenew": 1, "isFree": False, "mailboxes": {},
        }
        self.domains[ref] = domain
        self.domain_names[name] = ref
        self.holders[holder_ref]["domains"].append(ref)
        if not active and not self.faults.take_action_error("domain_active"):
            self.scheduler.after(self.delay("domain_active"), lambda: domain.update(active=1))
        return domain

    def _new_mailbox(self, domain: dict[str, Any], user: str, password_hash: str | None, *,
                     status: str = "pending") -> dict[str, Any]:
        mailbox = {"user": user, "status": status, "passwordHash": password_hash, "created": self.clock.now()}
        domain["mailboxes"][user] = mailbox
        if status == "pending" and not self.faults.take_action_error("mailbox_active"):
            self.scheduler.after(self.delay("mailbox_active"), lambda: self._activate_mailbox(domain, mailbox))
        return mailbox

    @staticmethod
    def _activate_mailbox(domain: dict[str, Any], mailbox: dict[str, Any]) -> None:
        # A mailbox deleted (or deleted and re-added) before its activation is not touched.
        if domain["mailboxes"].get(mailbox["user"]) is mailbox:
            mailbox["status"] = "active"

    def config(self) -> dict[str, Any]:
        """The demo brand's Basic credentials and the refs of the demo estate."""
        return {"credentials": {"user": DEMO_USER, "password": DEMO_PASSWORD}, "seeded": dict(self.demo)}

    def seed(self, **params: Any) -> dict[str, Any]:
        """Add ``account_holders``, ``domains`` (spread over them) and ``mailboxes`` (spread over the domains).

        New domains go to the new holders (or the demo holder when none are asked for); new mailboxes
        to the new domains (or the demo domain). ``active=false`` makes them start inactive/pending.
        """
        unknown = set(params) - {"account_holders", "domains", "mailboxes", "active"}
        if unknown:
            # A typo (e.g. "holders") must not silently seed nothing.
            raise ValueError(f"unknown seed parameters {sorted(unknown)}; known: account_holders, domains, "
                             "mailboxes, active")
        n_holders = int(params.get("account_holders", 0))
        n_domains = int(params.get("domains", 0))
        n_mailboxes = int(params.get("mailboxes", 0))
        active = params.get("active", True)
        if isinstance(active, str) and active.lower() in {"true", "false"}:
            active = active.lower() == "true"
        if not isinstance(active, bool):
            # bool("false") is True: anything but a boolean (or "true"/"false") is refused.
            raise ValueError("active must be true or false")
        if min(n_holders, n_domains, n_mailboxes) < 0:
            raise ValueError("counts must not be negative")
        batch = next(self._seed_batches)
        now = self.clock.now()

        holder_refs = []
        for i in range(n_holders):
            ref = next(self._holder_refs)
            username = f"seed{batch}-holder{i}"
            email = f"{username}@seeded-mail.co.uk"
            self.holders[ref] = {
                "ref": ref, "username": username, "email": email, "firstName": "Seeded", "lastName": str(i),
                "emailVerified": False, "created": now, "passwordHash": None, "domains": [],
            }
            self.holder_by_username[username] = ref
            self.holder_by_email[email] = ref
            holder_refs.append(ref)
        holder_refs = holder_refs or [self.demo["account_holder_ref"]]

        domains = []
        for i in range(n_domains):
            ref = next(self._domain_refs)
            holder_ref = holder_refs[i % len(holder_refs)]
            name = f"seed{batch}-domain{i}.co.uk"
            domain = {
                "ref": ref, "holderRef": holder_ref, "domainName": name, "registered": now, "expiry": now + YEAR,
                "active": 1 if active else 0, "autoRenew": 1, "isFree": False, "mailboxes": {},
            }
            self.domains[ref] = domain
            self.domain_names[name] = ref
            self.holders[holder_ref]["domains"].append(ref)
            if not active:
                self.scheduler.after(self.delay("domain_active"), lambda d=domain: d.update(active=1))
            domains.append(domain)
        domains = domains or [self.domains[self.demo["account_domain_ref"]]]

        status = "active" if active else "pending"
        for i in range(n_mailboxes):
            domain = domains[i % len(domains)]
            user = f"seed{batch}-user{i}"
            mailbox = {"user": user, "status": status, "passwordHash": None, "created": now}
            domain["mailboxes"][user] = mailbox
            if not active:
                self.scheduler.after(self.delay("mailbox_active"),
                                     lambda d=domain, m=mailbox: self._activate_mailbox(d, m))
        return {
            "account_holders": n_holders, "domains": n_domains, "mailboxes": n_mailboxes,
            "account_holder_refs": [holder_refs[0], holder_refs[-1]] if n_holders else [],
            "account_domain_refs": [domains[0]["ref"], domains[-1]["ref"]] if n_domains else [],
        }

    def keys(self) -> dict[str, list[str]]:
        """Account domains by name, mailboxes by address."""
        return {"domains": [d["domainName"] for d in self.domains.values()],
                "mailboxes": [f"{user}@{d['domainName']}" for d in self.domains.values() for user in d["mailboxes"]]}

    def stats(self) -> dict[str, Any]:
        """Counts of holders, domains (active or not), mailboxes (by status), tokens and emails sent."""
        mailboxes = pending = active_domains = 0
        for domain in self.domains.values():
            active_domains += domain["active"]
            mailboxes += len(domain["mailboxes"])
            pending += sum(1 for m in domain["mailboxes"].values() if m["status"] == "pending")
        return {
            "account_holders": len(self.holders),
            "account_domains": len(self.domains),
            "active_account_domains": active_domains,
            "mailboxes": mailboxes,
            "pending_mailboxes": pending,
            "login_tokens": len(self.login_tokens),
            "emails_sent": len(self.outbox),
            "recent_emails": self.outbox[-10:],
        }

    # ---- auth and error shapes ---------------------------------------------------------------
    def authenticate(self, request: Request) -> Response | None:
        """HTTP Basic with the brand's API user and password; anything else is a 401 challenge."""
        auth = request.authorization
        if auth is None or auth.type != "basic":
            return self._unauthorized("Full authentication is required to access this resource.")
        if auth.username != DEMO_USER or auth.password != DEMO_PASSWORD:
            return self._unauthorized("Invalid credentials.")
        return None

    def _unauthorized(self, message: str) -> Response:
        response = self.error(401, message)
        response.headers["WWW-Authenticate"] = 'Basic realm="BaseKit API"'
        return response

    def error(self, status: int, message: str, **extra: Any) -> Response:
        """FOSRestBundle's error body: ``{"code": 404, "message": "..."}`` (plus ``errors`` on 400)."""
        return json_response({"code": status, "message": message, **extra}, status)

    def throttle_response(self) -> Response:
        """Undocumented for BaseKit: a plain 429 in the error shape, asking to come back in a minute."""
        response = self.error(429, "Too Many Requests")
        response.headers["Retry-After"] = "60"
        return response

    def _validation_error(self, exc: ValidationFailed) -> Response:
        children = {field: ({"errors": exc.errors[field]} if exc.errors.get(field) else {}) for field in exc.fields}
        errors: dict[str, Any] = {"children": children}
        if exc.form_errors:
            errors = {"errors": exc.form_errors, **errors}
        return self.error(400, "Validation Failed", errors=errors)

    def dispatch(self, request: Request, path: str) -> Response:
        """The base dispatch, plus this vendor's 400 for :class:`ValidationFailed` and 415 bodies."""
        try:
            # The base answers 405 with an Allow header, as any HTTP server does.
            return super().dispatch(request, path)
        except ValidationFailed as exc:
            return self._validation_error(exc)
        except UnsupportedMediaType:
            return self.error(415, "Unsupported Media Type: the body must be application/json")

    # ---- request helpers ---------------------------------------------------------------------
    def _body(self, request: Request, fields: list[str]) -> tuple[dict[str, Any], list[str]]:
        """The JSON object body and its form-level errors (extra fields), reported with the field errors."""
        if request.get_data(cache=True).strip() and request.mimetype != "application/json":
            raise UnsupportedMediaType()
        try:
            body = parse_json_body(request)
        except BadRequestBody:
            # FOSRestBundle's body listener says exactly this for undecodable JSON.
            raise BadRequestBody("Invalid json message received")
        if body is None:
            body = {}
        if not isinstance(body, dict):
            raise ValidationFailed(fields, {}, ["This form should be a JSON object."])
        return body, [EXTRA_FIELDS] if set(body) - set(fields) else []

    @staticmethod
    def _string(body: dict[str, Any], field: str, errors: dict[str, list[str]], *, required: bool = True) -> str:
        """The field as a stripped string; records "blank" / "not a string" against ``field``."""
        value = body.get(field)
        if value is None or value == "":
            if required:
                errors.setdefault(field, []).append(BLANK)
            return ""
        if not isinstance(value, str):
            errors.setdefault(field, []).append(NOT_STRING)
            return ""
        return value

    @staticmethod
    def _check_password(value: str, field: str, errors: dict[str, list[str]]) -> None:
        if value and not 6 <= len(value) <= 128:
            errors.setdefault(field, []).append("The password must be between 6 and 128 characters long.")

    def _page(self, request: Request) -> tuple[int, int | None]:
        """``offset`` and ``limit`` from the query string (no limit = everything, as documented)."""
        out: dict[str, int | None] = {"offset": 0, "limit": None}
        for name, low, high in (("offset", 0, None), ("limit", 1, MAX_LIMIT)):
            raw = request.args.get(name)
            if raw is None:
                continue
            # ASCII digits only: str.isdigit() also accepts "²", which int() then refuses (a 500).
            if not ASCII_DIGITS.fullmatch(raw) or int(raw) < low or (high is not None and int(raw) > high):
                bound = f"between {low} and {high}" if high else f"an integer of at least {low}"
                raise ValidationFailed(["offset", "limit"], {name: [f"This value should be {bound}."]})
            out[name] = int(raw)
        return out["offset"] or 0, out["limit"]

    @staticmethod
    def _slice(items: Any, offset: int, limit: int | None) -> list[Any]:
        stop = None if limit is None else offset + limit
        return list(itertools.islice(items, offset, stop))

    def _holder(self, holder_ref: int) -> dict[str, Any] | None:
        return self.holders.get(holder_ref)

    def _holder_domain(self, holder_ref: int, domain_ref: int) -> tuple[dict | None, Response | None]:
        """The holder's domain, or the 404 that names what is missing."""
        if holder_ref not in self.holders:
            return None, self.error(404, "Account holder not found")
        domain = self.domains.get(domain_ref)
        if domain is None or domain["holderRef"] != holder_ref:
            return None, self.error(404, "Account domain not found")
        return domain, None

    def _secret(self, alphabet: str, length: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(length))

    # ---- serialisers -------------------------------------------------------------------------
    def _holder_json(self, holder: dict[str, Any]) -> dict[str, Any]:
        return {
            "ref": holder["ref"], "username": holder["username"], "email": holder["email"],
            "firstName": holder["firstName"], "lastName": holder["lastName"], "languageCode": "en",
            "emailVerified": holder["emailVerified"], "createdAt": php_date(holder["created"]),
        }

    @staticmethod
    def _product_json(domain: dict[str, Any]) -> dict[str, Any]:
        tld = domain["domainName"].split(".", 1)[-1]
        return {"ref": 10, "name": f".{tld} domain", "tld": tld}

    def _domain_json(self, domain: dict[str, Any]) -> dict[str, Any]:
        return {
            "domainName": domain["domainName"],
            "domainRegistered": php_date(domain["registered"]),
            "expiryDate": php_date(domain["expiry"]),
            "active": domain["active"],
            "autoRenew": domain["autoRenew"],
            "ref": domain["ref"],
            "accountHolder": self._holder_json(self.holders[domain["holderRef"]]),
            "domainProduct": self._product_json(domain),
            "dnsProvider": {"ref": 4},
        }

    def _domain_item_json(self, domain: dict[str, Any]) -> dict[str, Any]:
        expiry = php_date(domain["expiry"])
        return {
            "ref": domain["ref"],
            "name": domain["domainName"],
            "renewalDate": expiry,
            "autoRenew": domain["autoRenew"],
            "isFree": domain["isFree"],
            "active": domain["active"],
            "domainRegistered": php_date(domain["registered"]),
            "expiryDate": expiry,
            "domainProduct": self._product_json(domain),
            "accountPackage": {"ref": 1, "name": "Business Email"},
        }

    @staticmethod
    def _mailbox_json(domain: dict[str, Any], mailbox: dict[str, Any]) -> dict[str, Any]:
        return {"user": f"{mailbox['user']}@{domain['domainName']}", "status": mailbox["status"]}

    # ---- handlers: account domains and holders -----------------------------------------------
    def on_account_domain_get(self, request: Request, domain_ref: int) -> Response:
        """``GET /account-domains/:accountDomainRef``."""
        domain = self.domains.get(domain_ref)
        if domain is None:
            return self.error(404, "Account domain not found")
        return json_response({"accountDomain": self._domain_json(domain)})

    def on_account_holder_get(self, request: Request, holder_ref: int) -> Response:
        """``GET /users/:ref`` (the doc names it for ``emailVerified``)."""
        holder = self._holder(holder_ref)
        if holder is None:
            return self.error(404, "Account holder not found")
        return json_response({"accountHolder": self._holder_json(holder)})

    def on_account_domains_list(self, request: Request, holder_ref: int) -> Response:
        """``GET /users/:accountHolderRef/account-domains`` with optional limit/offset."""
        holder = self._holder(holder_ref)
        if holder is None:
            return self.error(404, "Account holder not found")
        offset, limit = self._page(request)
        refs = self._slice(holder["domains"], offset, limit)
        return json_response({"accountDomains": [self._domain_item_json(self.domains[r]) for r in refs]})

    def on_holder_mailboxes_list(self, request: Request, holder_ref: int) -> Response:
        """``GET /users/:accountHolderRef/domains/mailboxes``: every mailbox on every domain of the holder."""
        holder = self._holder(holder_ref)
        if holder is None:
            return self.error(404, "Account holder not found")
        offset, limit = self._page(request)
        pairs = ((self.domains[r], m) for r in holder["domains"] for m in self.domains[r]["mailboxes"].values())
        items = [
            {**self._mailbox_json(d, m), "accountDomainRef": d["ref"], "domainName": d["domainName"]}
            for d, m in self._slice(pairs, offset, limit)
        ]
        return json_response({"domainMailboxes": items})

    def on_domain_mailboxes_list(self, request: Request, holder_ref: int, domain_ref: int) -> Response:
        """``GET /users/:accountHolderRef/domains/:accountDomainRef/mailboxes``."""
        domain, missing = self._holder_domain(holder_ref, domain_ref)
        if missing is not None:
            return missing
        offset, limit = self._page(request)
        mailboxes = self._slice(domain["mailboxes"].values(), offset, limit)
        return json_response({"mailboxes": [self._mailbox_json(domain, m) for m in mailboxes]})

    # ---- handlers: mailboxes -----------------------------------------------------------------
    def on_mailbox_add(self, request: Request, holder_ref: int, domain_ref: int, user: str) -> Response:
        """``PUT .../mailboxes/:user`` with ``{"password": ...}``: a ``pending`` mailbox."""
        domain, missing = self._holder_domain(holder_ref, domain_ref)
        if missing is not None:
            return missing
        body, form_errors = self._body(request, ["password"])
        errors: dict[str, list[str]] = {}
        password = self._string(body, "password", errors)
        self._check_password(password, "password", errors)
        if errors or form_errors:
            raise ValidationFailed(["password"], errors, form_errors)
        user = user.lower()
        if not USER_RE.match(user):
            return self.error(400, "Invalid mailbox user name: use 1-64 letters, digits, '.', '_' or '-'")
        if not domain["active"]:
            return self.error(400, "Account domain is not active")
        if user in domain["mailboxes"]:
            return self.error(409, "Mailbox already exists")
        mailbox = self._new_mailbox(domain, user, _digest(password))
        return json_response({"mailbox": [self._mailbox_json(domain, mailbox)]})

    def _existing_mailbox(self, holder_ref: int, domain_ref: int, user: str) -> tuple[Any, Any, Response | None]:
        domain, missing = self._holder_domain(holder_ref, domain_ref)
        if missing is not None:
            return None, None, missing
        mailbox = domain["mailboxes"].get(user.lower())
        if mailbox is None:
            return domain, None, self.error(404, "Mailbox not found")
        return domain, mailbox, None

    def on_mailbox_delete(self, request: Request, holder_ref: int, domain_ref: int, user: str) -> Response:
        """``DELETE .../mailboxes/:user``: 204, at once."""
        domain, mailbox, missing = self._existing_mailbox(holder_ref, domain_ref, user)
        if missing is not None:
            return missing
        del domain["mailboxes"][mailbox["user"]]
        return json_response(None, 204)

    def on_mailbox_login_token(self, request: Request, holder_ref: int, domain_ref: int, user: str) -> Response:
        """``POST .../mailboxes/:user/login-tokens``: a one-time webmail login token."""
        domain, mailbox, missing = self._existing_mailbox(holder_ref, domain_ref, user)
        if missing is not None:
            return missing
        if mailbox["status"] != "active":
            return self.error(400, "Mailbox is not active")
        token = self._secret(TOKEN_ALPHABET, 25)
        self.login_tokens[token] = {
            "mailbox": self._mailbox_json(domain, mailbox)["user"],
            "expires": self.clock.now() + self.delay("login_token_expiry"),
        }
        return json_response({"loginToken": token})

    def redeem_login_token(self, token: str) -> str | None:
        """What the vendor's webmail does with a token: the mailbox it logs in, once, before expiry."""
        with self.lock:
            entry = self.login_tokens.pop(token, None)
            if entry is None or entry["expires"] < self.clock.now():
                return None
            return entry["mailbox"]

    # ---- handlers: account holder passwords and email verification ---------------------------
    def on_forgotten_password(self, request: Request) -> Response:
        """``POST /users/forgotten-password``: mails ``loginLink?h={hash}`` to the holder."""
        fields = ["username", "email", "loginLink"]
        body, form_errors = self._body(request, fields)
        errors: dict[str, list[str]] = {}
        username = self._string(body, "username", errors, required=False)
        email = self._string(body, "email", errors, required=False)
        login_link = self._string(body, "loginLink", errors)
        if not username and not email and not errors.get("username") and not errors.get("email"):
            errors["username"] = ["Either username or email is required."]
            errors["email"] = ["Either username or email is required."]
        if email and not EMAIL_RE.match(email):
            errors.setdefault("email", []).append("This value is not a valid email address.")
        if login_link and not _is_url(login_link):
            errors.setdefault("loginLink", []).append("This value is not a valid URL.")
        if errors or form_errors:
            raise ValidationFailed(fields, errors, form_errors)
        refs = set()
        if username:
            refs.add(self.holder_by_username.get(username))
        if email:
            refs.add(self.holder_by_email.get(email.lower()))
        if len(refs) != 1 or None in refs:
            return self.error(404, "Account holder not found")
        holder = self.holders[refs.pop()]
        # One live hash per holder: a new request replaces the earlier one.
        for old in [h for h, e in self.reset_hashes.items() if e["holderRef"] == holder["ref"]]:
            del self.reset_hashes[old]
        secret = self._secret(HASH_ALPHABET, 25)
        self.reset_hashes[secret] = {
            "holderRef": holder["ref"], "expires": self.clock.now() + self.delay("reset_hash_expiry"),
        }
        self._send_email(holder, "forgotten-password", f"{login_link}?h={secret}", hash=secret)
        return json_response(None, 204)

    def on_reset_password(self, request: Request) -> Response:
        """``POST /users/reset-password``: a valid, unused hash and a new password."""
        fields = ["hash", "password"]
        body, form_errors = self._body(request, fields)
        errors: dict[str, list[str]] = {}
        secret = self._string(body, "hash", errors)
        password = self._string(body, "password", errors)
        self._check_password(password, "password", errors)
        entry = self.reset_hashes.get(secret) if secret else None
        if secret and (entry is None or entry["expires"] < self.clock.now()):
            errors.setdefault("hash", []).append("This hash is invalid or has expired.")
        if errors or form_errors:
            raise ValidationFailed(fields, errors, form_errors)
        del self.reset_hashes[secret]
        holder = self.holders[entry["holderRef"]]
        holder["passwordHash"] = _digest(password)
        holder["passwordChanged"] = self.clock.now()
        return json_response(None, 204)

    def on_send_verification_email(self, request: Request, holder_ref: int) -> Response:
        """``POST /users/:ref/send-verification-email``: mails ``verificationUrl`` with a token."""
        holder = self._holder(holder_ref)
        if holder is None:
            return self.error(404, "Account holder not found")
        fields = ["verificationUrl"]
        body, form_errors = self._body(request, fields)
        errors: dict[str, list[str]] = {}
        url = self._string(body, "verificationUrl", errors)
        if url and not _is_url(url):
            errors.setdefault("verificationUrl", []).append("This value is not a valid URL.")
        if errors or form_errors:
            raise ValidationFailed(fields, errors, form_errors)
        for old in [t for t, e in self.verification_tokens.items() if e["holderRef"] == holder_ref]:
            del self.verification_tokens[old]
        token = self._secret(HASH_ALPHABET, 32)
        self.verification_tokens[token] = {
            "holderRef": holder_ref, "expires": self.clock.now() + self.delay("verification_token_expiry"),
        }
        link = f"{url}{'&' if urlsplit(url).query else '?'}token={token}"
        self._send_email(holder, "email-verification", link, token=token)
        return json_response(None, 204)

    def on_validate_verification_token(self, request: Request, holder_ref: int) -> Response:
        """``POST /users/:ref/validate-email-verification-token``: 204 and ``emailVerified``, or 400."""
        holder = self._holder(holder_ref)
        if holder is None:
            return self.error(404, "Account holder not found")
        fields = ["token"]
        body, form_errors = self._body(request, fields)
        errors: dict[str, list[str]] = {}
        token = self._string(body, "token", errors)
        entry = self.verification_tokens.get(token) if token else None
        if token and (entry is None or entry["holderRef"] != holder_ref or entry["expires"] < self.clock.now()):
            errors.setdefault("token", []).append("This token is invalid or has expired.")
        if errors or form_errors:
            raise ValidationFailed(fields, errors, form_errors)
        del self.verification_tokens[token]
        holder["emailVerified"] = True
        return json_response(None, 204)

    def _send_email(self, holder: dict[str, Any], kind: str, link: str, **secrets: str) -> None:
        self.outbox.append({
            "to": holder["email"], "accountHolderRef": holder["ref"], "kind": kind, "link": link,
            "sentAt": php_date(self.clock.now())["date"], **secrets,
        })


class UnsupportedMediaType(Exception):
    """A body sent with a Content-Type other than application/json (answered 415)."""
