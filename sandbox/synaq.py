"""SYNAQ API v6.3 sandbox: OUs, packages with editions, domains with service fields, mailboxes, async actions.

Follows ``synaq-api-v6.3-quickstart.md`` and the SYNAQ section of ``NOTES.md``. Every documented path sits
below ``/synaq`` (e.g. ``/synaq/api/v1/ous/{guid}/companies.json``). State lives in plain dicts; changes that
the vendor makes on its services bus are asynchronous actions completed by the scheduler after the named delay
``action`` (``archive_action`` for domains carrying SYNAQ Archive, which the vendor says can take longer).

Model, in short:

* Products (``PRODUCTS``) have editions; each edition brings a set of backing *services* and the *service fields*
  it needs. A domain's linked packages decide which services it needs and which ``fields`` it shows.
* A domain keeps a lifecycle (``inactive``/``active``/``closed``/``deleted``), the services live on the platform,
  the packages provisioned on it and flags (stale, error, failed, busy). Its ``state`` is computed with the NOTES
  priority: orphaned > stale > error > failed > pending > inactive > active (then ``closed``).
* UNLINK from a domain with live services: services only the removed package needed are removed by an automatic
  ``Prune`` action (202 + lower-case ``location``); services shared with the remaining packages make the domain
  ``stale`` (at once when nothing is pruned, after the Prune otherwise), exactly the three documented walkthroughs.

Choices where the doc is silent:

* Paths are served with and without the ``.json`` suffix (the vendor's Location headers and walkthroughs omit
  it and clients must GET those locations). ``POST /api/v1/domains/{guid}`` with an action payload creates the
  action, as the walkthroughs show it.
* Location values are the documented paths below the API root (``/api/v1/...``) without the sandbox prefix:
  clients join them to their configured base URL. The legacy lower-case ``location`` header is sent by every
  OU, package and domain endpoint (as the doc shows them); mailbox endpoints and the domain ``Usage`` action send
  ``Location``. 201, 202 and 204 answers have an empty body and no Content-Type.
* ``GET /domains/{guid}.json`` answers the domain object flat (``guid``, ``domain_name``, ``name``, ``state``,
  ``fields``, ``service_fields``, ``domain_usage_report``...), as the fields sample and the three walkthroughs show
  it; the doc's usage samples wrap it as ``{"domain": {...}}``. The doc contradicts itself, so a client should
  accept both; the sandbox sends the flat form.
* Authentication: every request needs all three ``synaq-api-*`` headers; the user name is compared exactly
  (case-sensitive); the hash is the lower-case hex SHA-1 of user + key + salt. A salt may be any non-empty
  string, has no freshness window, and is remembered per user after a successful request: reusing it is a 401.
* Errors are ``{"code": N, "message": "...", "errors": null}``; 400 validation errors carry ``errors`` as
  ``"field: message"`` strings. Unknown keys in a payload are a 400 ("This form should not contain extra
  fields."). A request that is valid but not allowed in the object's current state is a 409. Duplicate domain
  names and mailbox addresses are a 409.
* Action names are case-sensitive as documented (``Provision``, ``Close``...); the poll shows them lower-case
  (``"action": "provision"``). Actions are created ``new``, become ``pending`` after the delay ``action_queue``
  (default 0) and end after ``action`` seconds. A ``new``/``pending`` poll answers only ``{"state": ...}``;
  ``finished``/``error`` polls answer the full action (``id``, ``action``, ``state``, ``errors``,
  ``exclusions``). The core's ``action_error`` fault is drawn when the action is created.
* Action states checks happen on creation (409): domain Provision from inactive/active with linked packages,
  Refresh from active (not after a failed Prune), Close from active, Activate from closed, Prune with live
  services, Delete unless mailboxes are provisioned; mailbox Provision from inactive/failed on an active domain
  whose mailbox package is provisioned, Suspend from active, Close from active/suspended, Activate from
  suspended/closed and never on a locked mailbox, Unlock only when locked. Package actions (Provision, Close,
  Activate, Refresh) apply to each linked domain; domains they do not apply to are listed in ``exclusions``.
* Missing or invalid service fields do not refuse a Provision/Refresh: the action ends in ``error`` with the
  reasons (the doc: "the action will also report the reason for the failure"); the domain shows ``failed``.
* Going ``stale`` through an UNLINK overlap or a package edition PATCH requires a service-field PATCH before
  Refresh succeeds, when the remaining packages have service fields at all (CloudMail alone has none, so it is
  refreshed directly, as the first walkthrough says). Otherwise Refresh ends in ``error`` and the domain stays
  ``stale``.
* A failed Prune leaves the unlink in place and the unneeded services still live: the domain shows ``error``
  (``orphaned`` when no package is left linked), Refresh is refused (409) and the fix is to send ``Prune`` again
  (the doc: a failed action must be re-sent by the client); a successful Prune then goes on to ``stale`` or
  ``active`` as it would have. The package side of the unlink stays done.
* A package's state is the highest-priority state of its linked domains (``inactive`` with none). A mailbox is
  ``pending`` while it is being provisioned and ``failed`` when that failed. Mailbox PATCH changes show at once;
  an edition change on an active mailbox shows when its Update action finishes.
* Mailbox passwords need at least 8 characters and are never returned. Locked mailboxes (demo estate, or
  :meth:`Sandbox.lock_mailbox`) show ``state: suspended`` with the lock fields; unlocked ones show
  ``account_locked: false`` and null lock fields.
* Usage: ``GET /domains/{guid}.json`` shows ``domain_usage_report`` (null until a Usage action ran, upper-case
  ``PENDING``/``FINISHED`` as documented); ``/usage.json`` shows the detailed report (lower-case states,
  ``{"domain_usage_report": null}`` before any). Only editions in use are reported; ``billable_mailboxes`` is
  listed for Archive and Mail Management Suite editions only (null elsewhere), as the doc says. Plan products
  count the domain's mailboxes, or a fixed synthetic user list for domains without mailbox objects.
* Lists (NOTES): ``page`` 1-based, ``limit`` default 5 and at most 100 (400 above), with ``_links`` (hrefs
  are API-root paths like the Location headers); ``pages`` is 0 for an empty list.
  Filters: ``/ous.json?parent_guid=&title=``, ``/domains.json?ou_guid=&domain_name=``,
  ``/mailboxes.json?domain_guid=&email=``; ``exact_match=1`` makes the text filters exact, else substring.
* Refusals where the doc is silent: UNLINK of a mailbox package while mailboxes on it are provisioned is a 409
  (like the domain Delete action: a Prune would take their data); a package PATCH that drops an edition still
  assigned to mailboxes is a 400; LINK across OUs, twice, or of a second package of the same product is a 409.
* Actions on one object are not serialised: another may be created while one is pending; each finishes after
  its own delay. A finished Refresh leaves exactly the services the linked packages need (an edition downgrade
  drops services); a Provision only adds services.
* Authentication comes first: only a request with good credentials learns that a path is unknown (404) or a
  method undocumented (405, with ``Allow``); any other gets the documented 401.
* DELETE of an OU needs no child OUs and only inactive/deleted packages and domains with nothing live on the
  platform (they go with it). DELETE of
  a domain removes its non-provisioned mailboxes with it. The root reseller cannot be deleted. Packages may be
  created under any OU. The webmail token lives 5 minutes and only active mailboxes get one.
* Not modelled: other resellers' trees (the single API user owns the whole estate), IP-based authentication
  details for Securemail outbound, package ``cancelled`` state.
* No rate limits are documented; the ``throttle`` fault answers 429 in the error shape.
* Sandbox extra: ``GET /webmail/login?token=...`` stands in for webmail's token login (the doc does not say
  where a token is used): a token from ``token.json`` signs its mailbox in once, within its five minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import math
import random
import re
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from sandbox.core import VendorSandbox, parse_json_body

API = "/api/v1"
SAST = timezone(timedelta(hours=2))  # SYNAQ's timestamps carry +0200
TOKEN_TTL = 300
MAX_LIMIT = 100

DEMO_USER = "api@demo-reseller.example"
DEMO_KEY = "synaq-demo-api-key-8c1f0e4a2b7d4e19a6c3"

FIELD_ORDER = ("mail_delivery_location", "mail_delivery_alternative", "auth_method", "username", "password")
INBOUND_FIELDS = ("mail_delivery_location", "mail_delivery_alternative")
OUTBOUND_FIELDS = ("auth_method", "username", "password")
AUTH_METHODS = ("smtp", "ip")
CLOUDMAIL_SERVICES = frozenset({"mailstore", "mx_filter", "outbound_relay", "webmail"})


def _edition(name: str, services: Iterable[str], fields: Iterable[str] = (), default: bool = True) -> dict[str, Any]:
    return {"name": name, "services": frozenset(services), "fields": tuple(fields), "default": default}


# The catalogue OPTIONS answers. Editions carry the services they need and the service fields those need.
PRODUCTS: dict[str, dict[str, Any]] = {
    "SYN-CMS": {
        "name": "SYNAQ CloudMail", "plan_based": False, "mailboxes": True, "empty_editions": True,
        "editions": {
            "SYN-CMS-BASIC-02": _edition("CloudMail Basic 2GB", CLOUDMAIL_SERVICES),
            "SYN-CMS-STD-10": _edition("CloudMail Standard 10GB", CLOUDMAIL_SERVICES, default=False),
            "SYN-CM-PREM-25-ARCH": _edition("CloudMail Premium 25GB with Archive", CLOUDMAIL_SERVICES),
            "SYN-CM-PREM-100-ARCH": _edition("CloudMail Premium 100GB with Archive", CLOUDMAIL_SERVICES),
        },
    },
    "SYN-CON": {
        "name": "SYNAQ Continuity", "plan_based": False, "mailboxes": True, "empty_editions": False,
        "editions": {
            "SYN-CON-STD": _edition("Continuity Standard", {"continuity_store", "mx_filter"},
                                    ("mail_delivery_location",)),
        },
    },
    "SYN-PIN-SEC": {
        "name": "SYNAQ Securemail", "plan_based": True, "mailboxes": False, "empty_editions": False,
        "editions": {
            "SYN-PIN-SEC-IN": _edition("Securemail Inbound", {"mx_filter"}, INBOUND_FIELDS),
            "SYN-PIN-SEC-OUT": _edition("Securemail Outbound", {"outbound_relay"}, OUTBOUND_FIELDS),
            "SYN-PIN-SEC-BOTH": _edition("Securemail Bidirectional", {"mx_filter", "outbound_relay"},
                                         INBOUND_FIELDS + OUTBOUND_FIELDS),
        },
    },
    "SYN-PIN-BRD": {
        "name": "SYNAQ Branding", "plan_based": True, "mailboxes": False, "empty_editions": False,
        "editions": {"SYN-PIN-BRD": _edition("Branding", {"branding"}, OUTBOUND_FIELDS)},
    },
    "SYN-PIN-ARCH": {
        "name": "SYNAQ Archive", "plan_based": True, "mailboxes": False, "empty_editions": False,
        "editions": {
            "SYN-PIN-ARCH-10": _edition("Archive 10 users", {"archive", "mx_filter"}, INBOUND_FIELDS),
            "SYN-PIN-ARCH-UNL": _edition("Archive unlimited", {"archive", "mx_filter"}, INBOUND_FIELDS),
        },
    },
    "SYN-PIN-SUITE": {
        "name": "SYNAQ Mail Management Suite", "plan_based": True, "mailboxes": False, "empty_editions": False,
        "editions": {
            "SYN-PIN-SUITE-10": _edition("Mail Management Suite 10 users",
                                         {"mx_filter", "outbound_relay", "archive", "branding"}, FIELD_ORDER),
            "SYN-PIN-BDL-10": _edition("Mail Management Bundle 10 users",
                                       {"mx_filter", "outbound_relay", "archive", "branding"}, FIELD_ORDER),
        },
    },
}
EDITIONS: dict[str, dict[str, Any]] = {
    code: {**edition, "product": product_code}
    for product_code, product in PRODUCTS.items() for code, edition in product["editions"].items()
}
# Billable mailboxes are only itemised for these products (the doc's "Important Note").
ITEMISED_PRODUCTS = frozenset({"SYN-PIN-ARCH", "SYN-PIN-SUITE"})

# NOTES: entity states of domains and packages are computed with this priority.
STATE_PRIORITY = ("orphaned", "stale", "error", "failed", "pending", "inactive", "closed", "active")

DOMAIN_ACTIONS = ("Provision", "Close", "Activate", "Delete", "Refresh", "Usage", "Prune")
PACKAGE_ACTIONS = ("Provision", "Close", "Activate", "Refresh")
MAILBOX_ACTIONS = ("Provision", "Suspend", "Close", "Activate", "Unlock", "Update", "Delete")
# Actions that keep a domain `pending` while they run (a usage report does not).
BUSY_ACTIONS = frozenset({"Provision", "Close", "Activate", "Delete", "Refresh", "Prune"})

HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
HOST_OR_IP = re.compile(r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", re.I)
EMAIL_LOCAL = re.compile(r"^[a-z0-9](?:[a-z0-9._+-]{0,62}[a-z0-9])?$", re.I)

EXTRA_FIELDS = "This form should not contain extra fields."
BLANK = "This value should not be blank."

OU_KEYS = {"title", "client_ref", "phone_number", "vat_numer", "physical_address"}
ADDRESS_KEYS = {"line_1", "line_2", "city", "province", "postal_code", "country"}
MAILBOX_CREATE_KEYS = {"email_local", "password", "first_name", "last_name", "display_name", "package_edition_code",
                       "provision_immediately", "forwarding_address", "mobile_number", "job_title", "department"}
MAILBOX_PATCH_KEYS = {"password", "first_name", "last_name", "display_name", "forwarding_address", "mobile_number",
                      "job_title", "department"}
MAILBOX_TEXT_KEYS = ("first_name", "last_name", "display_name", "forwarding_address", "mobile_number", "job_title",
                     "department")


class _SynaqResponse(Response):
    """A response that keeps a lower-case ``location`` header as the vendor's legacy endpoints send it.

    Werkzeug rewrites any location header to ``Location`` when it builds the WSGI headers; the doc shows both
    spellings and tells clients to accept either, so the sandbox must send both.
    """

    def get_wsgi_headers(self, environ: dict) -> Any:
        headers = super().get_wsgi_headers(environ)
        if any(key == "location" for key, _ in self.headers.items()):
            value = headers.get("Location")
            headers.remove("Location")
            if value is not None:
                headers.add("location", value)
        return headers


def _json(data: Any, status: int = 200) -> Response:
    return _SynaqResponse(json.dumps(data), status=status, content_type="application/json")


def _empty(status: int, location: str | None = None, *, legacy: bool = False) -> Response:
    """A 201/202/204 answer: headers only, so no Content-Type (werkzeug would claim text/plain)."""
    response = _SynaqResponse(status=status)
    response.headers.pop("Content-Type", None)
    if location is not None:
        response.headers.add("location" if legacy else "Location", location)
    return response


class Invalid(Exception):
    """A 400 with ``"field: message"`` strings in ``errors``."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("Validation Failed")
        self.errors = errors


class Refused(Exception):
    """An error answer (404, 409...) in the vendor's shape, raised from deep inside a handler."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _wrapped(body: Any, key: str) -> dict[str, Any]:
    """The object under ``key`` in a ``{"key": {...}}`` payload, or a 400."""
    if not isinstance(body, dict) or not isinstance(body.get(key), dict):
        raise Invalid([f"{key}: {BLANK}"])
    if set(body) - {key}:
        raise Invalid([EXTRA_FIELDS])
    return body[key]


def _extra(data: dict[str, Any], allowed: set[str], prefix: str = "") -> list[str]:
    extra = sorted(set(data) - allowed)
    return [f"{prefix}{EXTRA_FIELDS} ({', '.join(extra)})"] if extra else []


def _text(data: dict[str, Any], key: str, errors: list[str], *, required: bool, prefix: str = "") -> str | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.append(f"{prefix}{key}: {BLANK}")
        return None
    if not isinstance(value, str):
        errors.append(f"{prefix}{key}: This value should be of type string.")
        return None
    return value.strip()


def _flag(data: dict[str, Any], key: str, errors: list[str]) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        errors.append(f"{key}: This value should be of type bool.")
        return False
    return value


class Sandbox(VendorSandbox):
    """The SYNAQ reseller API v6.3: SWSS-authenticated JSON with asynchronous, polled actions."""

    name = "synaq"
    public_endpoints = frozenset({"webmail_login"})
    default_delays = {"action": 1.0, "archive_action": 5.0, "action_queue": 0.0}

    # ---- routing -----------------------------------------------------------------------------------------
    def routes(self) -> list[Rule]:
        """Every documented path, each served with and without the ``.json`` suffix."""
        table: list[tuple[str, list[str], str]] = [
            ("/ous", ["GET"], "ou_list"),
            ("/ous/<uuid:ou>", ["GET"], "ou_get"),
            ("/ous/<uuid:ou>", ["DELETE"], "ou_delete"),
            ("/ous/<uuid:ou>/companies", ["POST"], "company_create"),
            ("/ous/<uuid:ou>/subresellers", ["POST"], "subreseller_create"),
            ("/ous/<uuid:ou>/packages", ["OPTIONS"], "package_options"),
            ("/ous/<uuid:ou>/packages", ["POST"], "package_create"),
            ("/ous/<uuid:ou>/packages", ["GET"], "ou_package_list"),
            ("/ous/<uuid:ou>/domains", ["POST"], "domain_create"),
            ("/ous/<uuid:ou>/domains", ["GET"], "ou_domain_list"),
            ("/packages/<uuid:package>", ["GET"], "package_get"),
            ("/packages/<uuid:package>", ["PATCH"], "package_patch"),
            ("/packages/<uuid:package>", ["DELETE"], "package_delete"),
            ("/packages/<uuid:package>/actions", ["POST"], "package_action_create"),
            ("/packages/<uuid:package>/actions", ["GET"], "package_action_list"),
            ("/packages/<uuid:package>/actions/<int:action_id>", ["GET"], "package_action_get"),
            ("/packages/<uuid:package>/domains", ["POST"], "package_domain_create"),
            ("/packages/<uuid:package>/domains", ["GET"], "package_domain_list"),
            ("/packages/<uuid:package>/domains/<uuid:domain>", ["LINK"], "link"),
            ("/packages/<uuid:package>/domains/<uuid:domain>", ["UNLINK"], "unlink"),
            ("/domains", ["GET"], "domain_list"),
            ("/domains/<uuid:domain>", ["GET"], "domain_get"),
            ("/domains/<uuid:domain>", ["DELETE"], "domain_delete"),
            ("/domains/<uuid:domain>", ["POST"], "domain_action_create"),  # as the walkthroughs send Refresh
            ("/domains/<uuid:domain>/servicefields", ["PATCH"], "servicefields_patch"),
            ("/domains/<uuid:domain>/usage", ["GET"], "domain_usage"),
            ("/domains/<uuid:domain>/actions", ["POST"], "domain_action_create"),
            ("/domains/<uuid:domain>/actions", ["GET"], "domain_action_list"),
            ("/domains/<uuid:domain>/actions/<int:action_id>", ["GET"], "domain_action_get"),
            ("/domains/<uuid:domain>/mailboxes", ["POST"], "mailbox_create"),
            ("/domains/<uuid:domain>/mailboxes", ["GET"], "domain_mailbox_list"),
            ("/mailboxes", ["GET"], "mailbox_list"),
            ("/mailboxes/<uuid:mailbox>", ["GET"], "mailbox_get"),
            ("/mailboxes/<uuid:mailbox>", ["PATCH"], "mailbox_patch"),
            ("/mailboxes/<uuid:mailbox>", ["DELETE"], "mailbox_delete"),
            ("/mailboxes/<uuid:mailbox>/token", ["GET"], "mailbox_token"),
            ("/mailboxes/<uuid:mailbox>/packages/<uuid:package>/edition", ["PATCH"], "mailbox_edition"),
            ("/mailboxes/<uuid:mailbox>/actions", ["POST"], "mailbox_action_create"),
            ("/mailboxes/<uuid:mailbox>/actions", ["GET"], "mailbox_action_list"),
            ("/mailboxes/<uuid:mailbox>/actions/<int:action_id>", ["GET"], "mailbox_action_get"),
        ]
        rules = []
        for path, methods, endpoint in table:
            for suffix in (".json", ""):
                rules.append(Rule(API + path + suffix, methods=methods, endpoint=endpoint))
        # Sandbox extra (the doc is silent on where a token is used): webmail's token login page.
        rules.append(Rule("/webmail/login", methods=["GET"], endpoint="webmail_login"))
        return rules

    def on_webmail_login(self, request: Request) -> Response:
        """Stand-in for webmail's token login: a fresh, unused token signs its mailbox in, once."""
        now = self.clock.now()
        self.webmail_tokens = {t: v for t, v in self.webmail_tokens.items() if v[1] > now}
        entry = self.webmail_tokens.pop(request.args.get("token", ""), None)
        mailbox = self.mailboxes.get(entry[0]) if entry else None
        if mailbox is None:
            return Response("<h1>Login link expired or invalid</h1>", status=401, content_type="text/html")
        return Response(f"<h1>Webmail: signed in as {mailbox['email']}</h1>", status=200, content_type="text/html")

    def dispatch(self, request: Request, path: str) -> Response:
        """The base dispatch, with this module's validation and refusal exceptions answered in shape."""
        try:
            return super().dispatch(request, path)
        except Invalid as exc:
            return self.error(400, "Validation Failed", errors=exc.errors)
        except Refused as exc:
            return self.error(exc.status, exc.message)

    # ---- the base class's hooks --------------------------------------------------------------------------
    def new_guid(self) -> str:
        """A GUID from this vendor's own generator, re-seeded on reset so the demo estate keeps its ids."""
        return str(uuid.UUID(int=self._guids.getrandbits(128), version=4))

    def reset(self) -> None:
        """Forget everything and build the demo estate (same GUIDs after every reset)."""
        if not hasattr(self, "_guid_seed"):
            self._guid_seed = self.rng.getrandbits(64)
        self._guids = random.Random(self._guid_seed)
        self.api_user = DEMO_USER
        self.api_key = DEMO_KEY
        self.used_salts: set[tuple[str, str]] = set()
        self.webmail_tokens: dict[str, tuple[str, float]] = {}
        self.ous: dict[str, dict[str, Any]] = {}
        self.packages: dict[str, dict[str, Any]] = {}
        self.domains: dict[str, dict[str, Any]] = {}
        self.domain_names: dict[str, str] = {}
        self.mailboxes: dict[str, dict[str, Any]] = {}
        self.mailboxes_by_domain: dict[str, dict[str, None]] = {}
        self.emails: dict[str, str] = {}
        self.actions: dict[int, dict[str, Any]] = {}
        self.actions_by_target: dict[tuple[str, str], list[int]] = {}
        self._action_ids = itertools.count(1001)
        self._seed_serial = itertools.count(1)
        self.seeded = self._build_demo_estate()

    def _build_demo_estate(self) -> dict[str, str]:
        reseller = self._add_ou("reseller", None, {"title": "Demo Reseller", "client_ref": "demo"})
        company = self._add_ou("company", reseller["guid"], {
            "title": "Acme Ltd", "client_ref": "al", "phone_number": "0113216547", "vat_numer": "987654320",
            "physical_address": {"line_1": "20 Long Street", "city": "Johannesburg", "postal_code": "4321",
                                 "country": "ZA"},
        })
        cloudmail = self._add_package(company["guid"], "SYN-CMS", ["SYN-CMS-BASIC-02", "SYN-CM-PREM-25-ARCH"])
        domain = self._add_domain(company["guid"], "acme.example", [cloudmail["guid"]])
        self._make_active(domain)
        info = self._add_mailbox(domain, cloudmail, "SYN-CMS-BASIC-02", "info", "Info", state="active")
        ceo = self._add_mailbox(domain, cloudmail, "SYN-CM-PREM-25-ARCH", "ceo", "Coyote", state="active")
        self._add_mailbox(domain, cloudmail, "SYN-CMS-BASIC-02", "draft", "Draft")
        locked = self._add_mailbox(domain, cloudmail, "SYN-CMS-BASIC-02", "sales", "Sales", state="active")
        self.lock_mailbox(locked["guid"])
        securemail = self._add_package(company["guid"], "SYN-PIN-SEC", ["SYN-PIN-SEC-BOTH"])
        secure = self._add_domain(company["guid"], "acme-secure.example", [securemail["guid"]])
        secure["fields"].update({"mail_delivery_location": "smtp.acme-secure.example", "auth_method": "smtp",
                                 "username": "acme-relay", "password": "Relay-Passw0rd!"})
        self._make_active(secure)
        return {
            "reseller_guid": reseller["guid"], "company_guid": company["guid"],
            "cloudmail_package_guid": cloudmail["guid"], "domain_guid": domain["guid"],
            "mailbox_guid": info["guid"], "premium_mailbox_guid": ceo["guid"], "locked_mailbox_guid": locked["guid"],
            "securemail_package_guid": securemail["guid"], "securemail_domain_guid": secure["guid"],
        }

    def config(self) -> dict[str, Any]:
        """The demo API credentials and the GUIDs of the demo estate."""
        return {"credentials": {"user": self.api_user, "key": self.api_key}, "seeded": dict(self.seeded)}

    def authenticate(self, request: Request) -> Response | None:
        """SWSS: ``synaq-api-hash`` = sha1(user + key + salt); the salt may never be reused."""
        user = request.headers.get("synaq-api-user")
        salt = request.headers.get("synaq-api-salt")
        given = request.headers.get("synaq-api-hash")
        if not user or not salt or not given:
            return self.error(401, "Authentication required: synaq-api-user, synaq-api-salt and synaq-api-hash")
        expected = hashlib.sha1((self.api_user + self.api_key + salt).encode()).hexdigest()
        if not hmac.compare_digest(user.encode(), self.api_user.encode()) or not hmac.compare_digest(
                given.encode(), expected.encode()):
            return self.error(401, "Invalid API credentials")
        if (user, salt) in self.used_salts:
            return self.error(401, "Invalid API credentials: salt has already been used")
        self.used_salts.add((user, salt))
        return None

    def error(self, status: int, message: str, **extra: Any) -> Response:
        """``{"code": N, "message": "...", "errors": null | ["field: message", ...]}``."""
        errors = extra.pop("errors", None)
        response = _json({"code": status, "message": message, "errors": errors, **extra}, status)
        if status == 405 and extra.get("allowed"):
            response.headers["Allow"] = ", ".join(extra["allowed"])
        return response

    def throttle_response(self) -> Response:
        """No rate limit is documented; a throttling proxy in front would answer 429."""
        return self.error(429, "Too Many Requests")

    def keys(self) -> dict[str, list[str]]:
        """Companies by client reference, packages by company, domains by name, mailboxes by address."""
        seeded = set(self.seeded.values())
        return {"companies": [ou["client_ref"] for ou in self.ous.values() if ou.get("client_ref")],
                "packages": [p["ou_guid"] for p in self.packages.values() if p["ou_guid"] not in seeded],
                "domains": [d["domain_name"] for d in self.domains.values()],
                "mailboxes": [m["email"] for m in self.mailboxes.values()]}

    def stats(self) -> dict[str, Any]:
        """Counts of what the sandbox holds."""
        pending = sum(1 for a in self.actions.values() if a["state"] in ("new", "pending"))
        return {"ous": len(self.ous), "packages": len(self.packages), "domains": len(self.domains),
                "mailboxes": len(self.mailboxes), "actions": len(self.actions), "actions_pending": pending}

    def seed(self, **params: Any) -> dict[str, Any]:
        """Add a large active estate fast: ``companies``, ``domains``, ``mailboxes`` (spread), ``ou_guid``.

        Each company gets one CloudMail package; domains are spread over the companies (or all go to
        ``ou_guid``) and are linked and active; mailboxes are spread round-robin over the new domains.
        """
        unknown = set(params) - {"companies", "domains", "mailboxes", "ou_guid"}
        if unknown:
            raise ValueError(f"unknown seed parameters: {sorted(unknown)}")
        n_companies = int(params.get("companies", 0))
        n_domains = int(params.get("domains", 0))
        n_mailboxes = int(params.get("mailboxes", 0))
        if min(n_companies, n_domains, n_mailboxes) < 0:
            raise ValueError("counts must not be negative")
        if n_mailboxes and not n_domains:
            raise ValueError("mailboxes need domains to live in")
        serial = next(self._seed_serial)
        owners: list[str] = []
        if params.get("ou_guid"):
            if str(params["ou_guid"]) not in self.ous:
                raise ValueError(f"unknown ou_guid {params['ou_guid']!r}")
            owners.append(str(params["ou_guid"]))
        root = self.seeded["reseller_guid"]
        companies = [self._add_ou("company", root, {"title": f"Seed Company {serial}-{i + 1}",
                                                    "client_ref": f"s{serial}-{i + 1}"})["guid"]
                     for i in range(n_companies)]
        if not owners:
            owners = companies or [self.seeded["company_guid"]]
        owner_packages = [self._add_package(ou, "SYN-CMS", ["SYN-CMS-BASIC-02", "SYN-CM-PREM-25-ARCH"])
                          for ou in owners]
        new_domains = []
        for i in range(n_domains):
            package = owner_packages[i % len(owner_packages)]
            domain = self._add_domain(package["ou_guid"], f"seed{serial}-{i + 1}.example.net", [package["guid"]])
            self._make_active(domain)
            new_domains.append((domain, package))
        for i in range(n_mailboxes):
            domain, package = new_domains[i % len(new_domains)]
            # One mailbox in seven is premium, so usage reports show two editions.
            edition = "SYN-CM-PREM-25-ARCH" if i % 7 == 0 else "SYN-CMS-BASIC-02"
            self._add_mailbox(domain, package, edition, f"user{i + 1}", f"User {i + 1}", state="active")
        return {"companies": len(companies), "packages": len(owner_packages), "domains": n_domains,
                "mailboxes": n_mailboxes, "ou_guids": owners[:10],
                "first_domain_guid": new_domains[0][0]["guid"] if new_domains else None}

    # ---- helpers for tests and the demo ------------------------------------------------------------------
    def lock_mailbox(self, guid: str, *, lock_type: str = "full", reason_code: str = "ABC123",
                     reason: str = "Outbound spam detected from this mailbox") -> dict[str, Any]:
        """Lock a mailbox as SYNAQ's abuse desk would: it shows ``suspended`` with the lock fields."""
        mailbox = self.mailboxes[guid]
        mailbox.update(state="suspended", account_locked=True, lock_type=lock_type, lock_reason_code=reason_code,
                       lock_reason=reason)
        return mailbox

    # ---- building blocks ---------------------------------------------------------------------------------
    def _now_dt(self) -> datetime:
        return datetime.fromtimestamp(self.clock.now(), UTC).astimezone(SAST)

    def _add_ou(self, kind: str, parent: str | None, data: dict[str, Any]) -> dict[str, Any]:
        ou = {"guid": self.new_guid(), "type": kind, "parent_guid": parent, "title": data["title"],
              "client_ref": data.get("client_ref"), "phone_number": data.get("phone_number"),
              "vat_numer": data.get("vat_numer"), "physical_address": data.get("physical_address")}
        self.ous[ou["guid"]] = ou
        return ou

    def _add_package(self, ou_guid: str, code: str, editions: list[str]) -> dict[str, Any]:
        package = {"guid": self.new_guid(), "code": code, "ou_guid": ou_guid, "editions": list(editions),
                   "domains": {}}
        self.packages[package["guid"]] = package
        return package

    def _add_domain(self, ou_guid: str, name: str, packages: list[str]) -> dict[str, Any]:
        domain = {"guid": self.new_guid(), "domain_name": name, "ou_guid": ou_guid, "packages": {},
                  "base": "inactive", "live": set(), "provisioned": set(), "stale": False, "error": False,
                  "failed": False, "busy": 0, "fields": {}, "fields_confirmed": True, "prune_then_stale": False,
                  "usage": None, "usage_pending": 0, "mail_users": None}
        self.domains[domain["guid"]] = domain
        self.domain_names[name] = domain["guid"]
        self.mailboxes_by_domain[domain["guid"]] = {}
        for package_guid in packages:
            self._link(self.packages[package_guid], domain)
        return domain

    def _link(self, package: dict[str, Any], domain: dict[str, Any]) -> None:
        package["domains"][domain["guid"]] = None
        domain["packages"][package["guid"]] = None
        # A newly required auth_method starts at its default, as the doc's fields sample shows.
        if "auth_method" in self._package_fields(package):
            domain["fields"].setdefault("auth_method", "smtp")

    def _make_active(self, domain: dict[str, Any]) -> None:
        domain.update(base="active", live=self._needed_services(domain), provisioned=set(domain["packages"]))

    def _add_mailbox(self, domain: dict[str, Any], package: dict[str, Any], edition: str, local: str,
                     last_name: str, *, state: str = "inactive", **extra: Any) -> dict[str, Any]:
        email = f"{local}@{domain['domain_name']}"
        mailbox = {"guid": self.new_guid(), "email": email, "email_local": local, "domain_guid": domain["guid"],
                   "package_guid": package["guid"], "package_edition_code": edition, "first_name": None,
                   "last_name": last_name, "display_name": None, "forwarding_address": None, "mobile_number": None,
                   "job_title": None, "department": None, "state": state, "account_locked": False,
                   "lock_type": None, "lock_reason_code": None, "lock_reason": None}
        mailbox.update(extra)
        self.mailboxes[mailbox["guid"]] = mailbox
        self.mailboxes_by_domain[domain["guid"]][mailbox["guid"]] = None
        self.emails[email] = mailbox["guid"]
        return mailbox

    def _remove_mailbox(self, mailbox: dict[str, Any]) -> None:
        self.mailboxes.pop(mailbox["guid"], None)
        self.mailboxes_by_domain.get(mailbox["domain_guid"], {}).pop(mailbox["guid"], None)
        self.emails.pop(mailbox["email"], None)
        for action_id in self.actions_by_target.pop(("mailboxes", mailbox["guid"]), []):
            self.actions.pop(action_id, None)

    def _remove_domain(self, domain: dict[str, Any]) -> None:
        for mailbox_guid in list(self.mailboxes_by_domain.get(domain["guid"], {})):
            self._remove_mailbox(self.mailboxes[mailbox_guid])
        for package_guid in domain["packages"]:
            self.packages[package_guid]["domains"].pop(domain["guid"], None)
        self.domains.pop(domain["guid"], None)
        self.domain_names.pop(domain["domain_name"], None)
        self.mailboxes_by_domain.pop(domain["guid"], None)
        for action_id in self.actions_by_target.pop(("domains", domain["guid"]), []):
            self.actions.pop(action_id, None)

    def _remove_package(self, package: dict[str, Any]) -> None:
        for domain_guid in package["domains"]:
            domain = self.domains.get(domain_guid)
            if domain:
                domain["packages"].pop(package["guid"], None)
                domain["provisioned"].discard(package["guid"])
        self.packages.pop(package["guid"], None)
        for action_id in self.actions_by_target.pop(("packages", package["guid"]), []):
            self.actions.pop(action_id, None)

    # ---- lookups -----------------------------------------------------------------------------------------
    def _ou(self, guid: Any) -> dict[str, Any]:
        ou = self.ous.get(str(guid))
        if ou is None:
            raise Refused(404, "Organisational unit not found")
        return ou

    def _package(self, guid: Any) -> dict[str, Any]:
        package = self.packages.get(str(guid))
        if package is None:
            raise Refused(404, "Package not found")
        return package

    def _domain(self, guid: Any) -> dict[str, Any]:
        domain = self.domains.get(str(guid))
        if domain is None:
            raise Refused(404, "Domain not found")
        return domain

    def _mailbox(self, guid: Any) -> dict[str, Any]:
        mailbox = self.mailboxes.get(str(guid))
        if mailbox is None:
            raise Refused(404, "Mailbox not found")
        return mailbox

    # ---- derived facts -----------------------------------------------------------------------------------
    @staticmethod
    def _package_services(package: dict[str, Any]) -> set[str]:
        return set().union(*(EDITIONS[code]["services"] for code in package["editions"]))

    @staticmethod
    def _package_fields(package: dict[str, Any]) -> set[str]:
        return set().union(*(EDITIONS[code]["fields"] for code in package["editions"]))

    def _needed_services(self, domain: dict[str, Any], without: str | None = None) -> set[str]:
        return set().union(*(self._package_services(self.packages[g]) for g in domain["packages"] if g != without))

    def _field_names(self, domain: dict[str, Any]) -> list[str]:
        wanted = set().union(*(self._package_fields(self.packages[g]) for g in domain["packages"]))
        return [name for name in FIELD_ORDER if name in wanted]

    def _field_problems(self, domain: dict[str, Any]) -> list[str]:
        """Why the domain's service fields cannot be provisioned as they stand."""
        names = self._field_names(domain)
        values = domain["fields"]
        problems = []
        for name in names:
            if name == "mail_delivery_alternative":
                continue
            if name in ("username", "password") and values.get("auth_method") != "smtp":
                continue
            if not values.get(name):
                problems.append(f"{name}: {BLANK}")
        return problems

    def _domain_state(self, domain: dict[str, Any]) -> str:
        if domain["base"] == "deleted":
            return "deleted"
        flags = {
            "orphaned": not domain["packages"] and bool(domain["live"]),
            "stale": domain["stale"],
            "error": domain["error"],
            "failed": domain["failed"],
            "pending": domain["busy"] > 0,
            "inactive": domain["base"] == "inactive" or (
                domain["base"] == "active" and bool(set(domain["packages"]) - domain["provisioned"])),
        }
        for state in STATE_PRIORITY:
            if flags.get(state):
                return state
        return domain["base"]

    def _package_state(self, package: dict[str, Any]) -> str:
        states = {self._domain_state(self.domains[g]) for g in package["domains"]}
        if not states:
            return "inactive"
        if states == {"deleted"}:
            return "deleted"
        for state in STATE_PRIORITY:
            if state in states:
                return state
        return "inactive"

    def _provisioned_mailboxes(self, domain: dict[str, Any]) -> list[dict[str, Any]]:
        return [m for g in self.mailboxes_by_domain.get(domain["guid"], {})
                if (m := self.mailboxes[g])["state"] not in ("inactive", "failed")]

    # ---- serialisers -------------------------------------------------------------------------------------
    @staticmethod
    def _ou_view(ou: dict[str, Any]) -> dict[str, Any]:
        return dict(ou)

    def _package_view(self, package: dict[str, Any]) -> dict[str, Any]:
        product = PRODUCTS[package["code"]]
        return {"guid": package["guid"], "code": package["code"], "product": product["name"],
                "ou_guid": package["ou_guid"], "state": self._package_state(package),
                "editions": [{"code": c, "name": EDITIONS[c]["name"]} for c in package["editions"]],
                "domains": list(package["domains"])}

    def _domain_view(self, domain: dict[str, Any]) -> dict[str, Any]:
        values = domain["fields"]
        live = bool(domain["live"])
        return {
            "guid": domain["guid"], "domain_name": domain["domain_name"], "name": domain["domain_name"],
            "ou_guid": domain["ou_guid"], "state": self._domain_state(domain), "packages": list(domain["packages"]),
            "fields": {name: values.get(name) for name in self._field_names(domain)},
            # The legacy object the doc warns about: information passed back from the services.
            "service_fields": {"mx_records": ["mx1.synaq.com", "mx2.synaq.com"]} if live else {},
            "domain_usage_report": self._usage_summary(domain),
        }

    @staticmethod
    def _mailbox_view(mailbox: dict[str, Any]) -> dict[str, Any]:
        return dict(mailbox)

    @staticmethod
    def _action_view(action: dict[str, Any]) -> dict[str, Any]:
        if action["state"] in ("new", "pending"):
            return {"state": action["state"]}
        return {"id": action["id"], "action": action["action"].lower(), "state": action["state"],
                "errors": list(action["errors"]), "exclusions": list(action["exclusions"])}

    # ---- lists -------------------------------------------------------------------------------------------
    def _paginate(self, request: Request, items: list[Any], key: str, view: Callable[[Any], Any]) -> Response:
        errors = []
        values = {}
        for name, default in (("page", 1), ("limit", 5)):
            raw = request.args.get(name, str(default))
            # ASCII digits only: str.isdigit() also accepts "²", which int() refuses (a 500).
            if not re.fullmatch(r"[0-9]{1,9}", raw) or int(raw) < 1:
                errors.append(f"{name}: This value should be a positive integer.")
            else:
                values[name] = int(raw)
        if values.get("limit", 0) > MAX_LIMIT:
            errors.append(f"limit: This value should be {MAX_LIMIT} or less.")
        if errors:
            raise Invalid(errors)
        page, limit = values["page"], values["limit"]
        total = len(items)
        pages = math.ceil(total / limit)
        chunk = items[(page - 1) * limit: page * limit]
        # Like Location headers: the path below the API root, without the sandbox's vendor prefix.
        base = request.path.removeprefix("/" + self.name)

        def href(p: int) -> dict[str, str]:
            args = request.args.to_dict()
            args.update(page=str(p), limit=str(limit))
            return {"href": base + "?" + urlencode(args)}

        links = {"self": href(page), "first": href(1), "last": href(max(pages, 1))}
        if page < pages:
            links["next"] = href(page + 1)
        if page > 1:
            links["previous"] = href(page - 1)
        return _json({"page": page, "limit": limit, "pages": pages, "total": total, "_links": links,
                      "_embedded": {key: [view(item) for item in chunk]}})

    @staticmethod
    def _text_filter(request: Request, name: str) -> Callable[[str], bool] | None:
        wanted = request.args.get(name)
        if wanted is None or wanted == "":
            return None
        wanted = wanted.lower()
        if request.args.get("exact_match") == "1":
            return lambda value: (value or "").lower() == wanted
        return lambda value: wanted in (value or "").lower()

    def on_ou_list(self, request: Request) -> Response:
        """``GET /api/v1/ous.json``: every OU of the reseller, ``parent_guid`` and ``title`` filters."""
        items: Iterable[dict[str, Any]] = self.ous.values()
        parent = request.args.get("parent_guid")
        if parent:
            items = [o for o in items if o["parent_guid"] == parent]
        match = self._text_filter(request, "title")
        if match:
            items = [o for o in items if match(o["title"])]
        return self._paginate(request, list(items), "ous", self._ou_view)

    def on_domain_list(self, request: Request) -> Response:
        """``GET /api/v1/domains.json``: ``ou_guid`` and ``domain_name`` (``exact_match=1``) filters."""
        match = self._text_filter(request, "domain_name")
        if match and request.args.get("exact_match") == "1":
            guid = self.domain_names.get(request.args["domain_name"].lower())
            items: list[Any] = [self.domains[guid]] if guid else []
        else:
            items = list(self.domains.values())
            if match:
                items = [d for d in items if match(d["domain_name"])]
        ou_guid = request.args.get("ou_guid")
        if ou_guid:
            items = [d for d in items if d["ou_guid"] == ou_guid]
        return self._paginate(request, items, "domains", self._domain_view)

    def on_ou_domain_list(self, request: Request, ou: Any) -> Response:
        """The domains owned by one OU."""
        guid = self._ou(ou)["guid"]
        items = [d for d in self.domains.values() if d["ou_guid"] == guid]
        return self._paginate(request, items, "domains", self._domain_view)

    def on_ou_package_list(self, request: Request, ou: Any) -> Response:
        """The packages under one OU."""
        guid = self._ou(ou)["guid"]
        items = [p for p in self.packages.values() if p["ou_guid"] == guid]
        return self._paginate(request, items, "packages", self._package_view)

    def on_package_domain_list(self, request: Request, package: Any) -> Response:
        """The domains linked to one package."""
        items = list(self._package(package)["domains"])
        return self._paginate(request, items, "domains", lambda g: self._domain_view(self.domains[g]))

    def on_mailbox_list(self, request: Request) -> Response:
        """``GET /api/v1/mailboxes.json?domain_guid=...``: ``email`` filter (``exact_match=1``)."""
        domain_guid = request.args.get("domain_guid")
        if domain_guid:
            if domain_guid not in self.domains:
                raise Refused(404, "Domain not found")
            guids = list(self.mailboxes_by_domain[domain_guid])
        else:
            guids = list(self.mailboxes)
        match = self._text_filter(request, "email")
        if match and request.args.get("exact_match") == "1":
            found = self.emails.get(request.args["email"].lower())
            guids = [found] if found and (not domain_guid or found in guids) else []
        elif match:
            guids = [g for g in guids if match(self.mailboxes[g]["email"])]
        return self._paginate(request, guids, "mailboxes", lambda g: self._mailbox_view(self.mailboxes[g]))

    def on_domain_mailbox_list(self, request: Request, domain: Any) -> Response:
        """The mailboxes of one domain."""
        guids = list(self.mailboxes_by_domain[self._domain(domain)["guid"]])
        return self._paginate(request, guids, "mailboxes", lambda g: self._mailbox_view(self.mailboxes[g]))

    def _action_list(self, request: Request, kind: str, guid: str) -> Response:
        ids = self.actions_by_target.get((kind, guid), [])
        return self._paginate(request, list(ids), "actions", lambda i: self._action_view(self.actions[i]))

    def on_domain_action_list(self, request: Request, domain: Any) -> Response:
        """The actions created on one domain."""
        return self._action_list(request, "domains", self._domain(domain)["guid"])

    def on_package_action_list(self, request: Request, package: Any) -> Response:
        """The actions created on one package."""
        return self._action_list(request, "packages", self._package(package)["guid"])

    def on_mailbox_action_list(self, request: Request, mailbox: Any) -> Response:
        """The actions created on one mailbox."""
        return self._action_list(request, "mailboxes", self._mailbox(mailbox)["guid"])

    # ---- OUs ---------------------------------------------------------------------------------------------
    def _create_ou(self, request: Request, parent_guid: Any, kind: str) -> Response:
        parent = self._ou(parent_guid)
        data = _wrapped(parse_json_body(request), "ou")
        errors = _extra(data, OU_KEYS)
        _text(data, "title", errors, required=True)
        for key in ("client_ref", "phone_number", "vat_numer"):
            _text(data, key, errors, required=False)
        address = data.get("physical_address")
        if not isinstance(address, dict):
            errors.append(f"physical_address: {BLANK}")
        else:
            errors += _extra(address, ADDRESS_KEYS, "physical_address.")
            for key in ("line_1", "city", "postal_code", "country"):
                _text(address, key, errors, required=True, prefix="physical_address.")
            country = address.get("country")
            if isinstance(country, str) and country and not re.fullmatch(r"[A-Z]{2}", country):
                errors.append("physical_address.country: This value is not a valid country.")
        if parent["type"] == "company":
            errors.append("parent: Companies and sub-resellers can only be created under a reseller or "
                          "sub-reseller.")
        if errors:
            raise Invalid(errors)
        clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
        ou = self._add_ou(kind, parent["guid"], clean)
        return _empty(201, f"{API}/ous/{ou['guid']}", legacy=True)

    def on_company_create(self, request: Request, ou: Any) -> Response:
        """``POST /api/v1/ous/{reseller-guid}/companies.json`` → 201 + ``location``."""
        return self._create_ou(request, ou, "company")

    def on_subreseller_create(self, request: Request, ou: Any) -> Response:
        """``POST /api/v1/ous/{reseller-guid}/subresellers.json`` → 201 + ``location``."""
        return self._create_ou(request, ou, "subreseller")

    def on_ou_get(self, request: Request, ou: Any) -> Response:
        """The basic OU information."""
        return _json(self._ou_view(self._ou(ou)))

    def on_ou_delete(self, request: Request, ou: Any) -> Response:
        """``DELETE /api/v1/ous/{guid}.json`` → 204 when nothing under it is active."""
        record = self._ou(ou)
        if record["type"] == "reseller":
            raise Refused(409, "The root reseller cannot be deleted")
        if any(o["parent_guid"] == record["guid"] for o in self.ous.values()):
            raise Refused(409, "The organisational unit still has organisational units under it")
        packages = [p for p in self.packages.values() if p["ou_guid"] == record["guid"]]
        domains = [d for d in self.domains.values() if d["ou_guid"] == record["guid"]]
        # A domain shows `inactive` while a newly linked package waits for provisioning, yet its other services
        # are live: what counts is whether anything is still on the platform (or on its way there).
        if any(self._package_state(p) not in ("inactive", "deleted") for p in packages) or any(
                self._domain_state(d) not in ("inactive", "deleted") or d["live"] or d["busy"]
                or self._provisioned_mailboxes(d) for d in domains):
            raise Refused(409, "The organisational unit still has active packages")
        for domain in domains:
            self._remove_domain(domain)
        for package in packages:
            self._remove_package(package)
        del self.ous[record["guid"]]
        return _empty(204)

    # ---- packages ----------------------------------------------------------------------------------------
    def on_package_options(self, request: Request, ou: Any) -> Response:
        """``OPTIONS /api/v1/ous/{guid}/packages.json``: every product and edition combination."""
        self._ou(ou)
        products = [
            {"code": code, "name": p["name"], "plan_based": p["plan_based"], "mailboxes": p["mailboxes"],
             "min_editions": 0 if p["empty_editions"] else 1, "max_editions": 1 if p["plan_based"] else None,
             "editions": [{"code": c, "name": e["name"], "default": e["default"]} for c, e in p["editions"].items()]}
            for code, p in PRODUCTS.items()
        ]
        return _json({"products": products})

    def _package_payload(self, request: Request) -> tuple[str, list[str]]:
        data = _wrapped(parse_json_body(request), "package")
        errors = _extra(data, {"code", "editions"})
        code = _text(data, "code", errors, required=True)
        product = PRODUCTS.get(code or "")
        if code and product is None:
            errors.append(f"code: The product code {code!r} is not valid.")
        editions = data.get("editions")
        chosen: list[str] = []
        if not isinstance(editions, list):
            errors.append(f"editions: {BLANK}")
        else:
            for i, item in enumerate(editions):
                ed = item.get("code") if isinstance(item, dict) else None
                if not isinstance(ed, str) or not ed:
                    errors.append(f"editions[{i}].code: {BLANK}")
                elif isinstance(item, dict) and set(item) - {"code"}:
                    errors.append(f"editions[{i}]: {EXTRA_FIELDS}")
                elif product is not None and ed not in product["editions"]:
                    errors.append(f"editions[{i}].code: The edition {ed!r} is not valid for product {code}.")
                elif ed in chosen:
                    errors.append(f"editions[{i}].code: The edition {ed!r} is listed twice.")
                else:
                    chosen.append(ed)
            if product is not None and not errors:
                if product["plan_based"] and len(chosen) != 1:
                    errors.append(f"editions: {product['name']} is plan based and needs exactly one edition.")
                elif not chosen and not product["empty_editions"]:
                    errors.append(f"editions: {product['name']} needs at least one edition.")
        if errors:
            raise Invalid(errors)
        if not chosen:  # CloudMail only: every default edition
            chosen = [c for c, e in product["editions"].items() if e["default"]]
        return code, chosen

    def on_package_create(self, request: Request, ou: Any) -> Response:
        """``POST /api/v1/ous/{company-guid}/packages.json`` → 201 + ``location``."""
        owner = self._ou(ou)
        code, editions = self._package_payload(request)
        package = self._add_package(owner["guid"], code, editions)
        return _empty(201, f"{API}/packages/{package['guid']}", legacy=True)

    def on_package_get(self, request: Request, package: Any) -> Response:
        """A package with its editions, linked domains and computed state."""
        return _json(self._package_view(self._package(package)))

    def on_package_patch(self, request: Request, package: Any) -> Response:
        """``PATCH /api/v1/packages/{guid}.json``: new editions; an active package and its domains go stale."""
        record = self._package(package)
        code, editions = self._package_payload(request)
        if code != record["code"]:
            raise Invalid([f"code: The product of a package cannot be changed (it is {record['code']})."])
        in_use = [m for d in record["domains"] for g in self.mailboxes_by_domain.get(d, {})
                  if (m := self.mailboxes[g])["package_guid"] == record["guid"]
                  and m["package_edition_code"] not in editions]
        if in_use:
            codes = sorted({m["package_edition_code"] for m in in_use})
            raise Invalid([f"editions: Edition {c} is still assigned to mailboxes." for c in codes])
        record["editions"] = editions
        for domain_guid in record["domains"]:
            domain = self.domains[domain_guid]
            if "auth_method" in self._package_fields(record):
                domain["fields"].setdefault("auth_method", "smtp")
            if domain["base"] == "active" and record["guid"] in domain["provisioned"]:
                self._go_stale(domain)
        return _empty(204)

    def on_package_delete(self, request: Request, package: Any) -> Response:
        """``DELETE /api/v1/packages/{guid}.json``: only when every linked domain is deleted (or none is)."""
        record = self._package(package)
        if any(self.domains[g]["base"] != "deleted" for g in record["domains"]):
            raise Refused(409, "The package still has domains which are not in the deleted state")
        self._remove_package(record)
        return _empty(204)

    def on_link(self, request: Request, package: Any, domain: Any) -> Response:
        """``LINK /api/v1/packages/{p}/domains/{d}.json`` → 204."""
        pkg, dom = self._package(package), self._domain(domain)
        if pkg["ou_guid"] != dom["ou_guid"]:
            raise Refused(409, "The package and the domain belong to different organisational units")
        if dom["base"] == "deleted":
            raise Refused(409, "The domain is deleted")
        if pkg["guid"] in dom["packages"]:
            raise Refused(409, "The domain is already linked to this package")
        if any(self.packages[g]["code"] == pkg["code"] for g in dom["packages"]):
            raise Refused(409, f"The domain is already linked to a {PRODUCTS[pkg['code']]['name']} package")
        self._link(pkg, dom)
        return _empty(204)

    def on_unlink(self, request: Request, package: Any, domain: Any) -> Response:
        """``UNLINK``: 204 (inactive, or active with overlapping services → stale) or 202 + a Prune action."""
        pkg, dom = self._package(package), self._domain(domain)
        if pkg["guid"] not in dom["packages"]:
            raise Refused(409, "The domain is not linked to this package")
        # As with the domain Delete action: a Prune would take provisioned mailboxes' data with it.
        if any(m["package_guid"] == pkg["guid"] for m in self._provisioned_mailboxes(dom)):
            raise Refused(409, "The domain still has provisioned mailboxes on this package; delete them first")
        remaining = self._needed_services(dom, without=pkg["guid"])
        removed = dom["live"] - remaining
        overlap = bool(self._package_services(pkg) & remaining) and pkg["guid"] in dom["provisioned"]
        pkg["domains"].pop(dom["guid"], None)
        dom["packages"].pop(pkg["guid"], None)
        dom["provisioned"].discard(pkg["guid"])
        if dom["base"] in ("inactive", "deleted") or not dom["live"]:
            return _empty(204)
        if removed:
            dom["prune_then_stale"] = overlap
            action = self._new_action("Prune", "domains", dom["guid"], domains=[dom["guid"]])
            return _empty(202, self._action_location(action), legacy=True)
        if overlap:
            self._go_stale(dom)
        return _empty(204)

    def _go_stale(self, domain: dict[str, Any]) -> None:
        domain["stale"] = True
        # Services shared with the change must be reconfigured: demand a service-field update first.
        domain["fields_confirmed"] = not self._field_names(domain)

    # ---- domains -----------------------------------------------------------------------------------------
    def _domain_payload(self, request: Request, *, allow_provision: bool) -> tuple[str, bool]:
        data = _wrapped(parse_json_body(request), "domain")
        allowed = {"domain_name", "provision_immediately"} if allow_provision else {"domain_name"}
        errors = _extra(data, allowed)
        name = _text(data, "domain_name", errors, required=True)
        if name is not None:
            name = name.lower().rstrip(".")
            if not HOSTNAME.match(name):
                errors.append(f"domain_name: {name!r} is not a valid domain name.")
        provision = _flag(data, "provision_immediately", errors)
        if errors:
            raise Invalid(errors)
        if name in self.domain_names:
            raise Refused(409, f"The domain {name} already exists")
        return name, provision

    def on_domain_create(self, request: Request, ou: Any) -> Response:
        """``POST /api/v1/ous/{company-guid}/domains.json`` → 201 + ``location``."""
        owner = self._ou(ou)
        name, _ = self._domain_payload(request, allow_provision=False)
        domain = self._add_domain(owner["guid"], name, [])
        return _empty(201, f"{API}/domains/{domain['guid']}", legacy=True)

    def on_package_domain_create(self, request: Request, package: Any) -> Response:
        """``POST /api/v1/packages/{guid}/domains.json``: create + link; ``provision_immediately`` → 202."""
        pkg = self._package(package)
        name, provision = self._domain_payload(request, allow_provision=True)
        domain = self._add_domain(pkg["ou_guid"], name, [pkg["guid"]])
        if provision:
            action = self._new_action("Provision", "domains", domain["guid"], domains=[domain["guid"]])
            return _empty(202, self._action_location(action), legacy=True)
        return _empty(201, f"{API}/domains/{domain['guid']}", legacy=True)

    def on_domain_get(self, request: Request, domain: Any) -> Response:
        """A domain with its computed state, ``fields`` and latest usage report."""
        return _json(self._domain_view(self._domain(domain)))

    def on_domain_delete(self, request: Request, domain: Any) -> Response:
        """``DELETE /api/v1/domains/{guid}.json``: only from ``inactive`` or ``deleted``."""
        record = self._domain(domain)
        state = self._domain_state(record)
        if state not in ("inactive", "deleted"):
            raise Refused(409, f"A domain in the {state} state cannot be deleted; send a Delete action first")
        if record["live"] or record["busy"]:
            raise Refused(409, "The domain still has services provisioned on the platform; send a Delete action "
                               "first")
        if self._provisioned_mailboxes(record):
            raise Refused(409, "The domain still has provisioned mailboxes")
        self._remove_domain(record)
        return _empty(204)

    def on_servicefields_patch(self, request: Request, domain: Any) -> Response:
        """``PATCH /api/v1/domains/{guid}/servicefields.json`` → 204; an active domain goes stale."""
        record = self._domain(domain)
        data = _wrapped(parse_json_body(request), "fields")
        names = self._field_names(record)
        if not data:
            raise Invalid([f"fields: {BLANK}"])
        errors = [f"fields.{key}: This field is not used by the domain's packages." for key in data
                  if key not in names]
        for key, value in data.items():
            if key not in names:
                continue
            if value is not None and not isinstance(value, str):
                errors.append(f"fields.{key}: This value should be of type string.")
            elif key == "auth_method" and value not in AUTH_METHODS:
                errors.append(f"fields.auth_method: The value should be one of {', '.join(AUTH_METHODS)}.")
            elif key in ("mail_delivery_location", "mail_delivery_alternative") and value and not (
                    HOST_OR_IP.match(value)):
                errors.append(f"fields.{key}: {value!r} is not a valid host name or IP address.")
        if errors:
            raise Invalid(errors)
        if record["base"] == "deleted":
            raise Refused(409, "The domain is deleted")
        record["fields"].update(data)
        record["fields_confirmed"] = True
        if record["base"] == "active" and record["live"]:
            record["stale"] = True
        return _empty(204)

    def on_domain_usage(self, request: Request, domain: Any) -> Response:
        """``GET /api/v1/domains/{guid}/usage.json``: the detailed usage report."""
        record = self._domain(domain)
        if record["usage_pending"]:
            return _json({"domain_usage_report": {"state": "pending"}})
        usage = record["usage"]
        if usage is None:
            return _json({"domain_usage_report": None})
        return _json({"domain_usage_report": {
            "state": "finished", "data_as_at": usage["at"].strftime("%Y-%m-%dT%H:%M:%S%z"),
            "edition_usage_reports": [
                {"edition_code": r["edition_code"], "count": r["count"], "billable_mailboxes": r["billable"],
                 "warning": None, "problem": None, "class_of_service": None}
                for r in usage["reports"]],
        }})

    def _usage_summary(self, domain: dict[str, Any]) -> dict[str, Any] | None:
        if domain["usage_pending"]:
            return {"state": "PENDING"}
        usage = domain["usage"]
        if usage is None:
            return None
        return {"state": "FINISHED", "data_as_at": usage["at"].strftime("%Y-%m-%d %H:%M:%S%z"),
                "edition_usage_reports": [{"edition_code": r["edition_code"], "count": r["count"]}
                                          for r in usage["reports"]]}

    # ---- mailboxes ---------------------------------------------------------------------------------------
    def _mailbox_package(self, domain: dict[str, Any], edition: str | None) -> tuple[dict[str, Any], str]:
        packages = [self.packages[g] for g in domain["packages"] if PRODUCTS[self.packages[g]["code"]]["mailboxes"]]
        if not packages:
            raise Refused(409, "The domain has no package which offers mailboxes")
        if edition is None:
            package = packages[0]
            order = list(PRODUCTS[package["code"]]["editions"])
            return package, min(package["editions"], key=order.index)
        for package in packages:
            if edition in package["editions"]:
                return package, edition
        raise Invalid([f"package_edition_code: The edition {edition!r} is not available on the domain's packages."])

    def on_mailbox_create(self, request: Request, domain: Any) -> Response:
        """``POST /api/v1/domains/{guid}/mailboxes.json`` → 201 + Location, or 202 with provision_immediately."""
        record = self._domain(domain)
        data = _wrapped(parse_json_body(request), "mailbox")
        errors = _extra(data, MAILBOX_CREATE_KEYS)
        local = _text(data, "email_local", errors, required=True)
        if local is not None and not EMAIL_LOCAL.match(local):
            errors.append(f"email_local: {local!r} is not a valid mailbox name.")
        password = _text(data, "password", errors, required=True)
        if password is not None and len(password) < 8:
            errors.append("password: This value is too short. It should have 8 characters or more.")
        values = {key: _text(data, key, errors, required=key == "last_name") for key in MAILBOX_TEXT_KEYS}
        edition = _text(data, "package_edition_code", errors, required=False)
        provision = _flag(data, "provision_immediately", errors)
        if errors:
            raise Invalid(errors)
        package, edition = self._mailbox_package(record, edition)
        if record["base"] != "active" or package["guid"] not in record["provisioned"]:
            raise Refused(409, "Mailboxes can only be created once the domain has been provisioned")
        local = local.lower()
        if f"{local}@{record['domain_name']}" in self.emails:
            raise Refused(409, f"The mailbox {local}@{record['domain_name']} already exists")
        mailbox = self._add_mailbox(record, package, edition, local, values.pop("last_name"), **values)
        if provision:
            action = self._new_mailbox_action(mailbox, "Provision")
            return _empty(202, self._action_location(action))
        return _empty(201, f"{API}/mailboxes/{mailbox['guid']}")

    def on_mailbox_get(self, request: Request, mailbox: Any) -> Response:
        """A mailbox, with the lock fields."""
        return _json(self._mailbox_view(self._mailbox(mailbox)))

    def on_mailbox_patch(self, request: Request, mailbox: Any) -> Response:
        """``PATCH /api/v1/mailboxes/{guid}.json``: 204 when inactive, 202 + an Update action when provisioned."""
        record = self._mailbox(mailbox)
        data = _wrapped(parse_json_body(request), "mailbox")
        errors = _extra(data, MAILBOX_PATCH_KEYS)
        if not data:
            errors.append(f"mailbox: {BLANK}")
        if "password" in data:
            password = _text(data, "password", errors, required=True)
            if password is not None and len(password) < 8:
                errors.append("password: This value is too short. It should have 8 characters or more.")
        changes = {key: _text(data, key, errors, required=key == "last_name") for key in MAILBOX_TEXT_KEYS
                   if key in data}
        if errors:
            raise Invalid(errors)
        if record["state"] == "pending":
            raise Refused(409, "The mailbox is being provisioned")
        record.update(changes)
        if record["state"] in ("inactive", "failed"):
            return _empty(204)
        action = self._new_mailbox_action(record, "Update")
        return _empty(202, self._action_location(action))

    def on_mailbox_edition(self, request: Request, mailbox: Any, package: Any) -> Response:
        """``PATCH /api/v1/mailboxes/{m}/packages/{p}/edition.json``: 204 inactive, 202 + Update when active."""
        record = self._mailbox(mailbox)
        pkg = self._package(package)
        data = _wrapped(parse_json_body(request), "edition")
        errors = _extra(data, {"code"})
        code = _text(data, "code", errors, required=True)
        if code is not None and code not in pkg["editions"]:
            errors.append(f"code: The edition {code!r} is not valid on this package.")
        if errors:
            raise Invalid(errors)
        if pkg["guid"] not in self.domains[record["domain_guid"]]["packages"] or not PRODUCTS[pkg["code"]][
                "mailboxes"]:
            raise Refused(409, "The package is not a mailbox package linked to the mailbox's domain")
        if record["state"] == "pending":
            raise Refused(409, "The mailbox is being provisioned")
        if record["state"] in ("inactive", "failed"):
            record.update(package_guid=pkg["guid"], package_edition_code=code)
            return _empty(204)
        action = self._new_mailbox_action(record, "Update", edition=(pkg["guid"], code))
        return _empty(202, self._action_location(action))

    def on_mailbox_delete(self, request: Request, mailbox: Any) -> Response:
        """``DELETE /api/v1/mailboxes/{guid}.json``: 204 when inactive, else 202 + a Delete action."""
        record = self._mailbox(mailbox)
        if record["state"] == "pending":
            raise Refused(409, "The mailbox is being provisioned")
        if record["state"] in ("inactive", "failed"):
            self._remove_mailbox(record)
            return _empty(204)
        action = self._new_mailbox_action(record, "Delete")
        return _empty(202, self._action_location(action))

    def on_mailbox_token(self, request: Request, mailbox: Any) -> Response:
        """``GET /api/v1/mailboxes/{guid}/token.json``: a one-time webmail login token (NOTES)."""
        record = self._mailbox(mailbox)
        if record["state"] != "active":
            raise Refused(409, f"A mailbox in the {record['state']} state cannot log in to webmail")
        expiry = self._now_dt() + timedelta(seconds=TOKEN_TTL)
        token = f"{self.rng.getrandbits(128):032x}"
        self.webmail_tokens[token] = (record["guid"], self.clock.now() + TOKEN_TTL)
        return _json({"authentication_token": token,
                      "authentication_token_expiry": expiry.strftime("%Y-%m-%dT%H:%M:%S%z")})

    # ---- actions: creation -------------------------------------------------------------------------------
    @staticmethod
    def _action_name(request: Request, allowed: tuple[str, ...]) -> str:
        data = _wrapped(parse_json_body(request), "action")
        errors = _extra(data, {"action"})
        name = data.get("action")
        if name is not None and not isinstance(name, str):
            errors.append("action: This value should be of type string.")
        elif not name:
            errors.append(f"action: {BLANK}")
        elif name not in allowed:
            errors.append(f"action: The action {name!r} is not valid here; valid actions: {', '.join(allowed)}.")
        if errors:
            raise Invalid(errors)
        return name

    def on_domain_action_create(self, request: Request, domain: Any) -> Response:
        """``POST /api/v1/domains/{guid}/actions.json`` → 202 + ``location`` (``Location`` for Usage)."""
        record = self._domain(domain)
        name = self._action_name(request, DOMAIN_ACTIONS)
        reason = self._domain_refusal(record, name)
        if reason:
            raise Refused(409, reason)
        if name == "Usage":
            record["usage_pending"] += 1
        action = self._new_action(name, "domains", record["guid"], domains=[record["guid"]])
        return _empty(202, self._action_location(action), legacy=name != "Usage")

    def _domain_refusal(self, domain: dict[str, Any], name: str) -> str | None:
        """Why ``name`` cannot start on this domain now, or None."""
        base = domain["base"]
        if base == "deleted" and name != "Usage":
            return "The domain is deleted"
        if name == "Provision":
            if base not in ("inactive", "active"):
                return f"A {self._domain_state(domain)} domain cannot be provisioned"
            if not domain["packages"]:
                return "The domain is not linked to any package"
        elif name == "Refresh":
            if base != "active":
                return f"A {self._domain_state(domain)} domain cannot be refreshed"
            if domain["error"]:
                return "The domain has services left by a failed Prune; send the Prune action again"
        elif name == "Close" and base != "active":
            return f"A {self._domain_state(domain)} domain cannot be closed"
        elif name == "Activate" and base != "closed":
            return f"Only a closed domain can be activated; this one is {self._domain_state(domain)}"
        elif name == "Prune" and not domain["live"]:
            return "The domain has no services to prune"
        elif name == "Delete" and self._provisioned_mailboxes(domain):
            return "The domain still has provisioned mailboxes; delete them first"
        return None

    def on_package_action_create(self, request: Request, package: Any) -> Response:
        """``POST /api/v1/packages/{guid}/actions.json``: the action on every linked domain → 202 + ``location``."""
        record = self._package(package)
        name = self._action_name(request, PACKAGE_ACTIONS)
        if not record["domains"]:
            raise Refused(409, "The package has no linked domains")
        included, excluded = [], []
        for guid in record["domains"]:
            domain = self.domains[guid]
            (excluded if self._domain_refusal(domain, name) else included).append(domain)
        action = self._new_action(name, "packages", record["guid"], domains=[d["guid"] for d in included])
        action["exclusions"] = [d["domain_name"] for d in excluded]
        return _empty(202, self._action_location(action), legacy=True)

    def on_mailbox_action_create(self, request: Request, mailbox: Any) -> Response:
        """``POST /api/v1/mailboxes/{guid}/actions.json`` → 202 + ``Location``."""
        record = self._mailbox(mailbox)
        name = self._action_name(request, MAILBOX_ACTIONS)
        state = record["state"]
        allowed_from = {"Provision": ("inactive", "failed"), "Suspend": ("active",), "Close": ("active", "suspended"),
                        "Activate": ("suspended", "closed"), "Update": ("active", "suspended", "closed"),
                        "Delete": ("inactive", "failed", "active", "suspended", "closed"),
                        "Unlock": ("active", "suspended", "closed")}[name]
        if name == "Unlock" and not record["account_locked"]:
            raise Refused(409, "The mailbox is not locked")
        if name == "Activate" and record["account_locked"]:
            raise Refused(409, "A locked mailbox cannot be activated; use the Unlock action")
        if state not in allowed_from:
            raise Refused(409, f"The {name} action is not possible on a mailbox in the {state} state")
        if name == "Provision":
            domain = self.domains[record["domain_guid"]]
            if domain["base"] != "active" or record["package_guid"] not in domain["provisioned"]:
                raise Refused(409, "The mailbox's domain has not been provisioned")
        action = self._new_mailbox_action(record, name)
        return _empty(202, self._action_location(action))

    def _new_mailbox_action(self, mailbox: dict[str, Any], name: str, **extra: Any) -> dict[str, Any]:
        if name == "Provision":
            mailbox["state"] = "pending"
        return self._new_action(name, "mailboxes", mailbox["guid"], **extra)

    def _new_action(self, name: str, kind: str, guid: str, *, domains: Iterable[str] = (),
                    **extra: Any) -> dict[str, Any]:
        action = {"id": next(self._action_ids), "action": name, "kind": kind, "guid": guid, "state": "new",
                  "errors": [], "exclusions": [], "domains": list(domains),
                  "fail": self.faults.take_action_error(name), **extra}
        self.actions[action["id"]] = action
        self.actions_by_target.setdefault((kind, guid), []).append(action["id"])
        if name in BUSY_ACTIONS:
            for domain_guid in action["domains"]:
                self.domains[domain_guid]["busy"] += 1
        slow = any("archive" in self.domains[g]["live"] | self._needed_services(self.domains[g])
                   for g in action["domains"])
        action_id = action["id"]
        self.scheduler.after(self.delay("action_queue"), lambda: self._start_action(action_id))
        self.scheduler.after(self.delay("archive_action" if slow else "action"), lambda: self._finish(action_id))
        return action

    @staticmethod
    def _action_location(action: dict[str, Any]) -> str:
        return f"{API}/{action['kind']}/{action['guid']}/actions/{action['id']}"

    # ---- actions: polling --------------------------------------------------------------------------------
    def _poll(self, kind: str, guid: Any, action_id: int) -> Response:
        action = self.actions.get(action_id)
        if action is None or action["kind"] != kind or action["guid"] != str(guid):
            raise Refused(404, "Action not found")
        return _json(self._action_view(action))

    def on_domain_action_get(self, request: Request, domain: Any, action_id: int) -> Response:
        """``GET /api/v1/domains/{guid}/actions/{id}``: the action's state."""
        return self._poll("domains", domain, action_id)

    def on_package_action_get(self, request: Request, package: Any, action_id: int) -> Response:
        """``GET /api/v1/packages/{guid}/actions/{id}``: the action's state."""
        return self._poll("packages", package, action_id)

    def on_mailbox_action_get(self, request: Request, mailbox: Any, action_id: int) -> Response:
        """``GET /api/v1/mailboxes/{guid}/actions/{id}``: a finished Delete answers 404 (the doc)."""
        return self._poll("mailboxes", mailbox, action_id)

    # ---- actions: completion -----------------------------------------------------------------------------
    def _start_action(self, action_id: int) -> None:
        action = self.actions.get(action_id)
        if action is not None and action["state"] == "new":
            action["state"] = "pending"

    def _finish(self, action_id: int) -> None:
        action = self.actions.get(action_id)
        if action is None or action["state"] in ("finished", "error"):
            return
        name, fail = action["action"], action["fail"]
        injected = [f"{name} failed on the services bus: Injected fault"] if fail else []
        errors: list[str] = []
        if action["kind"] == "mailboxes":
            mailbox = self.mailboxes.get(action["guid"])
            if mailbox is not None:
                errors = self._finish_mailbox(action, mailbox, fail)
        else:
            for domain_guid in action["domains"]:
                domain = self.domains.get(domain_guid)
                if domain is None:
                    continue
                if name in BUSY_ACTIONS:
                    domain["busy"] = max(0, domain["busy"] - 1)
                problems = self._finish_domain(domain, name, fail)
                prefix = f"{domain['domain_name']}: " if action["kind"] == "packages" else ""
                errors += [prefix + p for p in problems]
        errors = injected or errors
        if action_id in self.actions:  # a finished mailbox Delete takes its action with it
            action.update(state="error" if errors else "finished", errors=errors)

    def _finish_domain(self, domain: dict[str, Any], name: str, fail: bool) -> list[str]:
        """Apply a finished (or failed, when ``fail``) action to one domain; the reasons it failed."""
        if name == "Usage":
            domain["usage_pending"] = max(0, domain["usage_pending"] - 1)
            if not fail:
                domain["usage"] = {"at": self._now_dt(), "reports": self._usage_reports(domain)}
            return []
        if name in ("Provision", "Refresh"):
            problems = [] if fail else self._field_problems(domain)
            if name == "Provision" and not domain["packages"]:
                problems.append("The domain is not linked to any package.")
            if name == "Refresh" and domain["stale"] and not domain["fields_confirmed"]:
                problems.append("fields: The service fields must be updated before the domain can be refreshed.")
            if fail or problems:
                domain["failed"] = True
                return problems
            domain.update(base="active", failed=False, provisioned=set(domain["packages"]))
            if name == "Refresh":
                # A refresh reconciles the domain with its packages: after an edition downgrade, services no
                # edition needs any more go (a failed Prune's leftovers cannot be here: Refresh is refused then).
                domain.update(live=self._needed_services(domain), stale=False)
            else:
                domain["live"] |= self._needed_services(domain)
            return []
        if fail:
            if name == "Prune":
                domain["error"] = True
            return []
        if name == "Prune":
            domain["live"] &= self._needed_services(domain)
            domain["error"] = False
            if not domain["packages"]:
                domain.update(base="inactive", live=set(), provisioned=set(), stale=False, prune_then_stale=False)
            elif domain["prune_then_stale"]:
                domain["prune_then_stale"] = False
                self._go_stale(domain)
        elif name == "Close" and domain["base"] == "active":
            domain["base"] = "closed"
        elif name == "Activate" and domain["base"] == "closed":
            domain["base"] = "active"
        elif name == "Delete":
            domain.update(base="deleted", live=set(), provisioned=set(), stale=False, error=False, failed=False,
                          prune_then_stale=False)
        return []

    def _finish_mailbox(self, action: dict[str, Any], mailbox: dict[str, Any], fail: bool) -> list[str]:
        name = action["action"]
        if name == "Provision":
            mailbox["state"] = "failed" if fail else "active"
            return []
        if fail:
            return []
        if name == "Suspend":
            mailbox["state"] = "suspended"
        elif name == "Close":
            mailbox["state"] = "closed"
        elif name == "Activate":
            mailbox["state"] = "active"
        elif name == "Unlock":
            mailbox.update(state="active", account_locked=False, lock_type=None, lock_reason_code=None,
                           lock_reason=None)
        elif name == "Update" and action.get("edition"):
            mailbox["package_guid"], mailbox["package_edition_code"] = action["edition"]
        elif name == "Delete":
            self._remove_mailbox(mailbox)
        return []

    def _usage_reports(self, domain: dict[str, Any]) -> list[dict[str, Any]]:
        """Usage per edition in use on the domain's live packages."""
        if not domain["live"]:
            return []
        billable = [self.mailboxes[g] for g in self.mailboxes_by_domain.get(domain["guid"], {})
                    if self.mailboxes[g]["state"] in ("active", "suspended", "closed")]
        users = [m["email"] for m in billable]
        if not users:
            # Plan products without mailbox objects bill the addresses seen in mail flow; a fixed synthetic list.
            if domain["mail_users"] is None:
                count = 3 + int(hashlib.sha1(domain["domain_name"].encode()).hexdigest(), 16) % 20
                domain["mail_users"] = [f"user{i + 1}@{domain['domain_name']}" for i in range(count)]
            users = domain["mail_users"]
        reports = []
        for package_guid in domain["packages"]:
            if package_guid not in domain["provisioned"]:
                continue
            package = self.packages[package_guid]
            product = PRODUCTS[package["code"]]
            for code in package["editions"]:
                if product["mailboxes"]:
                    emails = [m["email"] for m in billable
                              if m["package_guid"] == package_guid and m["package_edition_code"] == code]
                else:
                    emails = list(users)
                if emails:
                    itemised = emails if package["code"] in ITEMISED_PRODUCTS else None
                    reports.append({"edition_code": code, "count": len(emails), "billable": itemised})
        return reports
