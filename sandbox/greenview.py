"""Sandbox of the Greenview Data Hosted Services API (SpamStopsHere clients), served under ``/greenview``.

What the vendor holds: resellers; their clients (``package_uid``, ``user_count``, contact, and domains
with ``mail_servers`` and generated MX records); packages by tag; public sign-up captchas. Every call
is synchronous; the only change over time is a new domain's status going ``initializing`` -> ``ready``
after the named delay ``domain_ready`` (default 5 s), and admin auth tokens expiring one minute after
they are issued (:attr:`Sandbox.AUTH_TOKEN_TTL`, measured on the sandbox clock).

Documented endpoints (all below ``/greenview``), HTTP Basic auth with the reseller's API token as user
and API key as password unless marked public:

* ``GET /v1/clients``, ``POST /v1/clients`` (with a reseller key, or public with a captcha),
  ``GET /v1/clients/new`` (public), ``GET|PUT|DELETE /v1/clients/<id>``, ``GET /v1/clients/subscriptions``
* ``GET|PUT|DELETE /v1/domains/<domain_name>/client``
* ``GET /v1/clients/<id>/auth_token``, ``GET /v1/domains/<domain_name>/auth_token``
* ``GET|PUT /v1/domains/<domain_name>``, ``GET /v1/domains/<domain_name>/status``
* ``GET /v1/packages/by_tag/<tag_name>``
* ``GET /v1/resellers/new`` (public), ``POST /v1/resellers`` (public)

Sandbox-only extra (not in the doc): ``GET /panel/login?auth_token=...`` (public) stands for the
vendor's customer admin login page that an auth token opens, so SSO links can be followed and expiry
observed.

Demo estate (fixed ids from the doc's examples, so each documented request works as written): the
demo reseller's clients 49632 "Test Customer" (``customer-domain.test``, Standard), 1234 "Vedit"
(``vedit.com``, Standard) and 11111111 "Enterprise Customer" (``enterprise-customer.test`` with two
mail servers and ``enterprise-customer.example``, Enterprise), all domains ``ready``; a second
reseller (credentials in ``config()["seeded"]["other_reseller"]``) with client 60001, to check that
resellers stay apart. :func:`captcha_answer` gives the answer to any captcha question asked.

Vendor-specific faults (kind ``action_error`` of the shared fault machinery, matched by ``action``):

* ``action="domain_ready"``: the next domain to finish initializing ends in status ``unknown``.
* ``action="cancel"``: the next client DELETE answers 422 ``{"errors": {"base": ["Could not cancel
  account"]}}`` and the client stays.

Choices where the doc is silent:

1. Refused authentication (missing or wrong token/key) answers what a Rails ``http_basic`` guard
   answers: 401, ``WWW-Authenticate: Basic realm="Application"``, body ``HTTP Basic: Access denied.``
   as text/html (not JSON). ``POST /v1/clients`` is public, but a request that *does* carry an
   Authorization header with wrong credentials is refused with that 401 rather than silently falling
   back to the captcha flow, so a bad key is never mistaken for a captcha problem.
2. Other errors use the Rails shape ``{"errors": {"base": ["message"]}}``: 404 for an unknown client,
   domain or route (also for a client or domain of another reseller), 405 for an undocumented method,
   400 for a body that is not valid JSON.
3. Bodies are read only when sent as ``Content-Type: application/json`` (as Rails parses params);
   any other body, or a JSON body that is not an object, counts as no parameters and so fails
   validation with 422.
4. ``POST /v1/clients`` needs the ``{"client": {...}}`` wrapper (and ``captcha`` when public);
   ``PUT`` of a client takes the flat attributes, exactly as documented. A missing required field
   gets ``"must be specified"`` (the message the doc shows for resellers); an unknown package
   ``"is not a valid package"``; ``user_count`` must be an integer > 0 (digit strings accepted, as
   Rails coerces them); an ``email_address`` if given must look like one; unknown attributes are
   ignored (Rails strong parameters).
5. ``PUT`` of a client requires ``domains`` too (the doc lists it as required; NOTES says always send
   the full list). The listed domains become the client's domains: unlisted ones are removed (they
   lose filtering and are free to be used by another client), new ones start ``initializing``, and a
   listed domain keeps its mail servers unless ``mail_servers`` is given. An empty list is
   "must be specified". Everything is validated before anything changes.
6. Nested domain errors are keyed ``domains``, ``domains.name`` (invalid, duplicated, or "has already
   been taken" by another client, of any reseller) and ``domains.mail_servers``; domain names are
   lower-cased. Client-level errors sit under ``errors.client`` for POST and flat under ``errors`` for
   PUT, as documented.
7. ``package_uid`` is write-only: every client the API returns shows ``"package_uid": null``, as in
   every example in the doc. The package is kept and shows in the subscriptions (options, costs) and
   in the mail-server limit.
8. Only the Enterprise package (``spamstopshere-enterprise``) allows more than one mail server per
   domain; the doc's subscription-limit message is answered on ``PUT /v1/domains/<name>`` and, for
   consistency, on client POST/PUT (under ``domains.mail_servers``). Mail servers are host names or
   IPv4 addresses; ``PUT /v1/domains/<name>`` needs a non-empty ``mail_servers`` list and ignores
   any other attribute.
9. MX records are generated from the domain name: ``<name with dots as dashes>.relay1g.spamh.com.``
   (priority 10) and ``.relay1h.spamh.com.`` (priority 20), as in the doc's example.
   ``GET /v1/domains/<name>`` answers the same domain object as inside a client (no status).
10. ``DELETE`` of a client answers 200 with an empty body (Rails ``head :ok``); the client disappears
    from every list and answers 404 afterwards; its domain names are freed.
11. Successful POSTs answer 201 without a ``Location`` header (the doc names none).
12. Auth tokens are 40 hex characters, single use, valid for 60 s on the sandbox clock.
    ``protocol`` and ``login_hostname`` are the scheme and host the sandbox was called on, and
    ``path`` is ``/greenview/panel/login?auth_token=<token>`` so ``protocol://login_hostname + path``
    is a working link; the login page answers 200 for a fresh token and 401 for an expired, used or
    unknown one.
13. Packages by tag: tags ``cpanel`` (Standard, Professional, Enterprise), ``plesk`` and ``whmcs``
    (Standard, Enterprise); an unknown tag answers 200 ``[]``. ``added_features`` is computed against
    the previous package in the returned array.
14. Subscriptions are derived from the client: "SpamStopsHere Mailbox" (quantity ``user_count``) and
    "SpamStopsHere Domain" (quantity = number of domains), priced at the package's reseller cost,
    options ``[package name, "Anti-Virus"]``, monthly billing, next bill date the first of next month
    (``MM/DD/YY``); ``monthly_cost`` is their sum in dollars.
15. Captchas: ids are 24 hex characters; answers are compared trimmed and case-insensitively. A wrong
    answer gives the same id a new question; a missing or unknown id gets a new id. Every captcha
    failure reports ``{"answer": ["is not correct"]}``. A correct captcha with invalid data stays
    valid (same id and question); a successful sign-up uses it up. Captchas do not expire. The
    public errors always carry both ``errors.client``/``errors.reseller`` and ``errors.captcha``.
16. Clients signed up publicly (no reseller key) belong to no reseller: they are not listed to any
    reseller and answer 404 to resellers, but their domain names are taken. Resellers created via
    ``POST /v1/resellers`` get no API credentials (the doc says keys come from support); ``username``
    must be unique ("has already been taken").
17. No rate limit is documented; the injected throttle answers 429 with ``Retry-After: 60`` and
    ``{"errors": {"base": ["Rate limit exceeded, please retry later"]}}``.
18. No pagination (NOTES): lists return everything.
19. ``seed(clients=, domains=, mailboxes=)``: Greenview has no mailboxes, so ``mailboxes`` is spread as
    the clients' ``user_count`` (protected users). Domains are spread round-robin over the new clients
    (at least one each, so ``domains`` is raised to ``clients`` if lower); seeded domains are ``ready``
    and belong to the demo reseller.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from sandbox.core import VendorSandbox, json_response, parse_json_body

MAIL_SERVER_LIMIT = (
    "are invalid. Your subscription does not allow multiple mail servers, please upgrade to unlock this feature."
)
MUST_BE_SPECIFIED = "must be specified"
CAPTCHA_WRONG = "is not correct"

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
HOSTNAME_RE = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")

# Captcha questions and the answers accepted for each (compared lower-cased and trimmed).
CAPTCHA_QUESTIONS: list[tuple[str, frozenset[str]]] = [
    ("how do you spell the letter A", frozenset({"a"})),
    ("If tomorrow is Saturday, what day is today?", frozenset({"friday"})),
    ("What is two plus three?", frozenset({"5", "five"})),
    ("What colour is the sky on a clear day?", frozenset({"blue"})),
    ("How many days are in a week?", frozenset({"7", "seven"})),
]


def _feature(fid: int, name: str, position: int, blurb: str = "") -> dict[str, Any]:
    return {"id": fid, "name": name, "blurb": blurb, "description": "", "position": position}


ANTI_SPAM = _feature(1, "SpamStopsHere Anti-Spam", 1)
ANTI_VIRUS = _feature(2, "SpamStopsHere Anti-Virus", 2)
CONTINUITY = _feature(4, "RestorEmail Continuity", 4)
MULTI_SERVERS = _feature(6, "Multiple Mail Servers", 6)
OUTBOUND = _feature(7, "Outbound Filtering", 7)
SUPPORT = _feature(10, "Brilliant 24/7/365 Support", 12, "800-458-3348")

# The catalogue, in package order. "multiple_mail_servers" drives the doc's subscription-limit error.
PACKAGES: list[dict[str, Any]] = [
    {"id": 1, "uid": "spamstopshere-standard", "name": "Standard", "description": "", "position": 1,
     "free_trial": 30, "features": [ANTI_SPAM, SUPPORT], "domain_cents": 50, "mailbox_cents": 100,
     "multiple_mail_servers": False},
    {"id": 2, "uid": "spamstopshere-professional", "name": "Professional", "description": "", "position": 2,
     "free_trial": 30, "features": [ANTI_SPAM, ANTI_VIRUS, CONTINUITY, SUPPORT], "domain_cents": 75,
     "mailbox_cents": 150, "multiple_mail_servers": False},
    {"id": 3, "uid": "spamstopshere-enterprise", "name": "Enterprise", "description": "", "position": 3,
     "free_trial": 30, "features": [ANTI_SPAM, ANTI_VIRUS, CONTINUITY, MULTI_SERVERS, OUTBOUND, SUPPORT],
     "domain_cents": 100, "mailbox_cents": 200, "multiple_mail_servers": True},
]
PACKAGES_BY_UID = {p["uid"]: p for p in PACKAGES}
PACKAGE_TAGS: dict[str, list[str]] = {
    "cpanel": ["spamstopshere-standard", "spamstopshere-professional", "spamstopshere-enterprise"],
    "plesk": ["spamstopshere-standard", "spamstopshere-enterprise"],
    "whmcs": ["spamstopshere-standard", "spamstopshere-enterprise"],
}

RESELLER_FIELDS = ("name", "first_name", "last_name", "email_address", "address", "city", "state",
                   "postal_code", "country", "phone", "username")

DEMO_TOKEN = "gv-demo-reseller-token"
DEMO_KEY = "gv-demo-reseller-api-key-0123456789"
OTHER_TOKEN = "gv-other-reseller-token"
OTHER_KEY = "gv-other-reseller-api-key-9876543210"
DEMO_RESELLER_ID = 182903
OTHER_RESELLER_ID = 182902


def _cents(cents: int) -> str:
    return f"${cents // 100}.{cents % 100:02d}"


def mx_records(domain_name: str) -> list[dict[str, Any]]:
    """The SpamStopsHere relays a domain's MX records must point at."""
    slug = domain_name.replace(".", "-")
    return [
        {"priority": 10, "hostname": f"{slug}.relay1g.spamh.com."},
        {"priority": 20, "hostname": f"{slug}.relay1h.spamh.com."},
    ]


def captcha_answer(question: str) -> str:
    """An accepted answer to a captcha question the sandbox asks (for tests and demos)."""
    for text, answers in CAPTCHA_QUESTIONS:
        if text == question:
            return sorted(answers)[0]
    raise KeyError(question)


def _as_count(value: Any) -> int | None:
    """An integer from an int or a digit string (as Rails coerces), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return None


def _clean_mail_servers(value: Any) -> list[str] | None:
    """Normalised mail servers (host names or IPv4 addresses), or None when the list is invalid."""
    if not isinstance(value, list):
        return None
    cleaned: list[str] = []
    for item in value:
        if not isinstance(item, str):
            return None
        host = item.strip().lower().rstrip(".")
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            if not HOSTNAME_RE.match(host):
                return None
        if host not in cleaned:
            cleaned.append(host)
    return cleaned


class Sandbox(VendorSandbox):
    """Greenview Data Hosted Services (SpamStopsHere) reseller API simulator."""

    name = "greenview"
    public_endpoints = frozenset({"client_new", "clients_create", "reseller_new", "resellers_create", "panel_login"})
    default_delays = {"domain_ready": 5.0}
    AUTH_TOKEN_TTL = 60.0

    # ---- routes ------------------------------------------------------------------------------
    def routes(self) -> list[Rule]:
        """The documented paths, plus the sandbox's stand-in login page."""
        return [
            Rule("/v1/clients", methods=["GET"], endpoint="clients_list"),
            Rule("/v1/clients", methods=["POST"], endpoint="clients_create"),
            Rule("/v1/clients/new", methods=["GET"], endpoint="client_new"),
            Rule("/v1/clients/subscriptions", methods=["GET"], endpoint="clients_subscriptions"),
            Rule("/v1/clients/<int:client_id>", methods=["GET"], endpoint="client_get"),
            Rule("/v1/clients/<int:client_id>", methods=["PUT"], endpoint="client_update"),
            Rule("/v1/clients/<int:client_id>", methods=["DELETE"], endpoint="client_delete"),
            Rule("/v1/clients/<int:client_id>/auth_token", methods=["GET"], endpoint="client_auth_token"),
            Rule("/v1/domains/<domain_name>/client", methods=["GET"], endpoint="domain_client_get"),
            Rule("/v1/domains/<domain_name>/client", methods=["PUT"], endpoint="domain_client_update"),
            Rule("/v1/domains/<domain_name>/client", methods=["DELETE"], endpoint="domain_client_delete"),
            Rule("/v1/domains/<domain_name>/auth_token", methods=["GET"], endpoint="domain_auth_token"),
            Rule("/v1/domains/<domain_name>/status", methods=["GET"], endpoint="domain_status"),
            Rule("/v1/domains/<domain_name>", methods=["GET"], endpoint="domain_get"),
            Rule("/v1/domains/<domain_name>", methods=["PUT"], endpoint="domain_update"),
            Rule("/v1/packages/by_tag/<tag_name>", methods=["GET"], endpoint="packages_by_tag"),
            Rule("/v1/resellers/new", methods=["GET"], endpoint="reseller_new"),
            Rule("/v1/resellers", methods=["POST"], endpoint="resellers_create"),
            Rule("/panel/login", methods=["GET"], endpoint="panel_login"),
        ]

    # ---- state -------------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget everything; build two resellers and the demo clients the doc's examples name."""
        self.resellers: dict[int, dict[str, Any]] = {}
        self.credentials: dict[str, tuple[str, int]] = {}  # token -> (key, reseller id)
        self.clients: dict[int, dict[str, Any]] = {}
        self.domains: dict[str, dict[str, Any]] = {}
        self.captchas: dict[str, int] = {}  # captcha id -> index into CAPTCHA_QUESTIONS
        self.auth_tokens: dict[str, dict[str, Any]] = {}
        self._next_client_id = 50000
        self._next_reseller_id = 182904
        self._seed_batches = 0
        self._add_reseller(DEMO_RESELLER_ID, "Demo Reseller", "demo-reseller", DEMO_TOKEN, DEMO_KEY)
        self._add_reseller(OTHER_RESELLER_ID, "Other Reseller", "other-reseller", OTHER_TOKEN, OTHER_KEY)
        # Ids and names from the doc's examples, so each documented request works verbatim.
        self._add_client(DEMO_RESELLER_ID, "spamstopshere-standard", 1, "phil@greenviewdata.com", "Test Customer",
                         [("customer-domain.test", ["mail.customer-domain.test"])], client_id=49632, ready=True)
        self._add_client(DEMO_RESELLER_ID, "spamstopshere-standard", 5, "admin@vedit.com", "Vedit",
                         [("vedit.com", ["mail.vedit.com"])], client_id=1234, ready=True)
        self._add_client(DEMO_RESELLER_ID, "spamstopshere-enterprise", 20, "it@enterprise-customer.test",
                         "Enterprise Customer",
                         [("enterprise-customer.test",
                           ["mx1.enterprise-customer.test", "mx2.enterprise-customer.test"]),
                          ("enterprise-customer.example", ["mx1.enterprise-customer.test"])],
                         client_id=11111111, ready=True)
        self._add_client(OTHER_RESELLER_ID, "spamstopshere-standard", 3, "ops@other-reseller-customer.test",
                         "Other Reseller's Customer", [("other-reseller-customer.test", ["mail.other.test"])],
                         client_id=60001, ready=True)

    def _add_reseller(self, rid: int, name: str, username: str, token: str | None, key: str | None) -> None:
        self.resellers[rid] = {"id": rid, "name": name, "username": username, "email_address": f"{username}@x.test"}
        if token and key:
            self.credentials[token] = (key, rid)

    def _add_client(self, reseller_id: int | None, package_uid: str, user_count: int, email: str | None,
                    name: str | None, domains: list[tuple[str, list[str]]], *, client_id: int | None = None,
                    ready: bool = False) -> dict[str, Any]:
        if client_id is None:
            client_id = self._next_client_id
            self._next_client_id += 1
        client = {"id": client_id, "reseller_id": reseller_id, "package_uid": package_uid, "user_count": user_count,
                  "email_address": email, "name": name, "domains": []}
        self.clients[client_id] = client
        for domain_name, servers in domains:
            self._add_domain(client, domain_name, servers, ready=ready)
        return client

    def _add_domain(self, client: dict[str, Any], name: str, servers: list[str], *, ready: bool) -> None:
        domain = {"name": name, "mail_servers": list(servers), "client_id": client["id"],
                  "status": "ready" if ready else "initializing"}
        self.domains[name] = domain
        client["domains"].append(name)
        if not ready:
            self._schedule_ready(domain)

    def _schedule_ready(self, domain: dict[str, Any]) -> None:
        """A new domain is set up on the filtering servers after the ``domain_ready`` delay."""
        def finish() -> None:
            # The domain may have been removed (or removed and re-added) meanwhile.
            if self.domains.get(domain["name"]) is not domain or domain["status"] != "initializing":
                return
            domain["status"] = "unknown" if self.faults.take_action_error("domain_ready") else "ready"

        self.scheduler.after(self.delay("domain_ready"), finish)

    def _remove_client(self, client: dict[str, Any]) -> None:
        for name in client["domains"]:
            self.domains.pop(name, None)
        self.clients.pop(client["id"], None)

    # ---- the base class's hooks --------------------------------------------------------------
    def config(self) -> dict[str, Any]:
        """Demo credentials and the ids of the demo estate."""
        return {
            "credentials": {"token": DEMO_TOKEN, "key": DEMO_KEY},
            "seeded": {
                "client_id": 49632,
                "domain": "customer-domain.test",
                "package_uid": "spamstopshere-standard",
                "reseller_id": DEMO_RESELLER_ID,
                "vedit_client_id": 1234,
                "vedit_domain": "vedit.com",
                "enterprise_client_id": 11111111,
                "enterprise_domain": "enterprise-customer.test",
                "enterprise_package_uid": "spamstopshere-enterprise",
                "package_tag": "cpanel",
                "package_uids": [p["uid"] for p in PACKAGES],
                "other_reseller": {"token": OTHER_TOKEN, "key": OTHER_KEY, "client_id": 60001,
                                   "domain": "other-reseller-customer.test"},
            },
        }

    def _reseller_from(self, request: Request) -> int | None:
        auth = request.authorization
        if auth is None or auth.type != "basic":
            return None
        entry = self.credentials.get(auth.username or "")
        if entry is None or entry[0] != (auth.password or ""):
            return None
        return entry[1]

    def authenticate(self, request: Request) -> Response | None:
        """HTTP Basic: API token as user, API key as password; refusal as Rails answers it."""
        reseller_id = self._reseller_from(request)
        if reseller_id is None:
            return Response("HTTP Basic: Access denied.\n", status=401, content_type="text/html; charset=utf-8",
                            headers={"WWW-Authenticate": 'Basic realm="Application"'})
        request.environ["greenview.reseller_id"] = reseller_id
        return None

    def error(self, status: int, message: str, **extra: Any) -> Response:
        """Rails-style ``{"errors": {"base": [message]}}``; extras sit beside ``errors``."""
        return json_response({"errors": {"base": [message]}, **extra}, status)

    def throttle_response(self) -> Response:
        """No documented rate limit: a plausible 429 with Retry-After (choice 17)."""
        return json_response({"errors": {"base": ["Rate limit exceeded, please retry later"]}}, 429,
                             {"Retry-After": "60"})

    def seed(self, **params: Any) -> dict[str, Any]:
        """Add ``clients`` with ``domains`` spread over them; ``mailboxes`` become their user counts."""
        unknown = set(params) - {"clients", "domains", "mailboxes"}
        if unknown:
            raise ValueError(f"unknown seed parameters {sorted(unknown)}; known: clients, domains, mailboxes")
        n_domains = int(params.get("domains", 0))
        n_mailboxes = int(params.get("mailboxes", 0))
        if min(n_domains, n_mailboxes, int(params.get("clients", 0))) < 0:
            # A negative count would move the id counter back (reusing ids) or index an empty list (a 500).
            raise ValueError("counts must not be negative")
        n_clients = int(params.get("clients", 0)) or (max(1, n_domains // 2) if (n_domains or n_mailboxes) else 0)
        n_domains = max(n_domains, n_clients)  # every client has at least one domain
        self._seed_batches += 1
        batch = self._seed_batches
        first_id = self._next_client_id
        self._next_client_id += n_clients
        base, extra = divmod(n_mailboxes, n_clients) if n_clients else (0, 0)
        new_clients = []
        for i in range(n_clients):
            cid = first_id + i
            client = {"id": cid, "reseller_id": DEMO_RESELLER_ID, "package_uid": "spamstopshere-standard",
                      "user_count": max(1, base + (1 if i < extra else 0)) if n_mailboxes else 1,
                      "email_address": f"admin@client{cid}.seed.test", "name": f"Seed Client {cid}", "domains": []}
            self.clients[cid] = client
            new_clients.append(client)
        for j in range(n_domains):
            client = new_clients[j % n_clients]
            name = f"d{j}.b{batch}.seed.test"
            self.domains[name] = {"name": name, "mail_servers": [f"mail.{name}"], "client_id": client["id"],
                                  "status": "ready"}
            client["domains"].append(name)
        return {"clients_added": n_clients, "domains_added": n_domains,
                "user_count_added": sum(c["user_count"] for c in new_clients), **self.stats()}

    def keys(self) -> dict[str, list[str]]:
        """Clients by name, domains by name (a domain belongs to one client)."""
        return {"clients": [c["name"] or "" for c in self.clients.values()],
                "domains": [name for c in self.clients.values() for name in c["domains"]]}

    def stats(self) -> dict[str, Any]:
        """Counts of clients, domains (by status), resellers, open captchas and live auth tokens."""
        by_status: dict[str, int] = {}
        for domain in self.domains.values():
            by_status[domain["status"]] = by_status.get(domain["status"], 0) + 1
        return {"clients": len(self.clients), "domains": len(self.domains), "domains_by_status": by_status,
                "resellers": len(self.resellers), "captchas": len(self.captchas),
                "auth_tokens": len(self.auth_tokens)}

    # ---- rendering and lookups ---------------------------------------------------------------
    def _domain_json(self, domain: dict[str, Any]) -> dict[str, Any]:
        return {"name": domain["name"], "mx_records": mx_records(domain["name"]),
                "mail_servers": list(domain["mail_servers"])}

    def _client_json(self, client: dict[str, Any]) -> dict[str, Any]:
        return {"id": client["id"], "package_uid": None, "user_count": client["user_count"],
                "email_address": client["email_address"], "name": client["name"],
                "domains": [self._domain_json(self.domains[n]) for n in client["domains"]]}

    def _subscriptions_json(self, client: dict[str, Any]) -> dict[str, Any]:
        package = PACKAGES_BY_UID[client["package_uid"]]
        today = datetime.datetime.fromtimestamp(self.clock.now(), tz=datetime.UTC).date()
        next_bill = datetime.date(today.year + (today.month == 12), today.month % 12 + 1, 1).strftime("%m/%d/%y")
        options = [package["name"], "Anti-Virus"]
        subs = [
            {"monthly_cost": round(package["mailbox_cents"] * client["user_count"] / 100, 2),
             "quantity": client["user_count"], "product": "SpamStopsHere Mailbox", "options": options,
             "billing_interval": 1, "next_bill_date": next_bill},
            {"monthly_cost": round(package["domain_cents"] * len(client["domains"]) / 100, 2),
             "quantity": len(client["domains"]), "product": "SpamStopsHere Domain", "options": options,
             "billing_interval": 1, "next_bill_date": next_bill},
        ]
        return {**self._client_json(client), "monthly_cost": round(sum(s["monthly_cost"] for s in subs), 2),
                "subscriptions": subs}

    @staticmethod
    def _reseller_of(request: Request) -> int | None:
        return request.environ.get("greenview.reseller_id")

    def _own_client(self, request: Request, client_id: int) -> dict[str, Any] | None:
        client = self.clients.get(client_id)
        if client is None or client["reseller_id"] != self._reseller_of(request):
            return None
        return client

    def _own_domain(self, request: Request, domain_name: str) -> dict[str, Any] | None:
        domain = self.domains.get(domain_name.strip().lower())
        if domain is None or self._own_client(request, domain["client_id"]) is None:
            return None
        return domain

    def _client_not_found(self) -> Response:
        return self.error(404, "Client not found")

    def _domain_not_found(self) -> Response:
        return self.error(404, "Domain not found")

    @staticmethod
    def _params(request: Request) -> dict[str, Any]:
        """The JSON object body; anything else counts as no parameters (choice 3)."""
        if request.mimetype != "application/json":
            return {}
        body = parse_json_body(request)
        return body if isinstance(body, dict) else {}

    # ---- validation --------------------------------------------------------------------------
    def _validate_client(self, attrs: Any, client: dict[str, Any] | None
                         ) -> tuple[dict[str, list[str]], list[tuple[str, list[str] | None]]]:
        """Field errors and the wanted (domain name, mail servers or None to keep) list."""
        errors: dict[str, list[str]] = {}

        def add(field: str, message: str) -> None:
            if message not in errors.setdefault(field, []):
                errors[field].append(message)

        attrs = attrs if isinstance(attrs, dict) else {}
        package_uid = attrs.get("package_uid")
        if package_uid is None or package_uid == "":
            add("package_uid", MUST_BE_SPECIFIED)
        elif not isinstance(package_uid, str) or package_uid not in PACKAGES_BY_UID:
            add("package_uid", "is not a valid package")
        raw_count = attrs.get("user_count")
        count = _as_count(raw_count)
        if raw_count is None or raw_count == "":
            add("user_count", MUST_BE_SPECIFIED)
        elif count is None:
            add("user_count", "is not a number")
        elif count < 1:
            add("user_count", "must be greater than 0")
        email = attrs.get("email_address")
        if email not in (None, "") and (not isinstance(email, str) or not EMAIL_RE.match(email)):
            add("email_address", "is invalid")
        if attrs.get("name") is not None and not isinstance(attrs.get("name"), str):
            add("name", "is invalid")

        wanted: list[tuple[str, list[str] | None]] = []
        domains = attrs.get("domains")
        if domains is None or domains == []:
            add("domains", MUST_BE_SPECIFIED)
        elif not isinstance(domains, list):
            add("domains", "is invalid")
        else:
            seen: set[str] = set()
            for entry in domains:
                if not isinstance(entry, dict):
                    add("domains", "is invalid")
                    continue
                raw = entry.get("name")
                if raw is None or raw == "":
                    add("domains.name", MUST_BE_SPECIFIED)
                    continue
                dname = raw.strip().lower() if isinstance(raw, str) else ""
                if not HOSTNAME_RE.match(dname):
                    add("domains.name", f"{raw} is invalid")
                    continue
                if dname in seen:
                    add("domains.name", f"{dname} is listed more than once")
                    continue
                seen.add(dname)
                owner = self.domains.get(dname)
                if owner is not None and (client is None or owner["client_id"] != client["id"]):
                    add("domains.name", f"{dname} has already been taken")
                servers = None
                if "mail_servers" in entry:
                    servers = _clean_mail_servers(entry["mail_servers"])
                    if servers is None:
                        add("domains.mail_servers", "are invalid")
                wanted.append((dname, servers))
        package = PACKAGES_BY_UID.get(package_uid) if isinstance(package_uid, str) else None
        if package is not None and not package["multiple_mail_servers"]:
            for dname, servers in wanted:
                current = self.domains.get(dname)
                kept = current["mail_servers"] if current and client and current["client_id"] == client["id"] else []
                if len(servers if servers is not None else kept) > 1:
                    add("domains.mail_servers", MAIL_SERVER_LIMIT)
        return errors, wanted

    def _create_client(self, reseller_id: int | None, attrs: dict[str, Any],
                       wanted: list[tuple[str, list[str] | None]]) -> dict[str, Any]:
        return self._add_client(reseller_id, attrs["package_uid"], _as_count(attrs["user_count"]) or 1,
                                attrs.get("email_address") or None, attrs.get("name"),
                                [(name, servers or []) for name, servers in wanted])

    def _apply_update(self, client: dict[str, Any], attrs: dict[str, Any],
                      wanted: list[tuple[str, list[str] | None]]) -> None:
        client["package_uid"] = attrs["package_uid"]
        client["user_count"] = _as_count(attrs["user_count"])
        if "email_address" in attrs:
            client["email_address"] = attrs["email_address"] or None
        if "name" in attrs:
            client["name"] = attrs["name"]
        wanted_names = {name for name, _ in wanted}
        # Domains left out of the list are removed from the account (and lose filtering).
        for name in client["domains"]:
            if name not in wanted_names:
                self.domains.pop(name, None)
        client["domains"] = []
        for name, servers in wanted:
            domain = self.domains.get(name)
            if domain is not None:
                client["domains"].append(name)
                if servers is not None:
                    domain["mail_servers"] = servers
            else:
                self._add_domain(client, name, servers or [], ready=False)

    # ---- captchas ----------------------------------------------------------------------------
    def _new_captcha_id(self) -> str:
        return f"{self.rng.getrandbits(96):024x}"

    def _ask(self, captcha_id: str) -> dict[str, str]:
        """Give ``captcha_id`` a fresh question (a different one if it had one)."""
        previous = self.captchas.get(captcha_id)
        choices = [i for i in range(len(CAPTCHA_QUESTIONS)) if i != previous]
        self.captchas[captcha_id] = self.rng.choice(choices)
        return self._captcha_json(captcha_id)

    def _captcha_json(self, captcha_id: str) -> dict[str, str]:
        return {"id": captcha_id, "question": CAPTCHA_QUESTIONS[self.captchas[captcha_id]][0]}

    def _check_captcha(self, captcha: Any) -> tuple[bool, str]:
        """(answered correctly, the captcha id to show next). Wrong answers get a new question."""
        captcha = captcha if isinstance(captcha, dict) else {}
        cid, answer = captcha.get("id"), captcha.get("answer")
        if isinstance(cid, str) and cid in self.captchas:
            accepted = CAPTCHA_QUESTIONS[self.captchas[cid]][1]
            if isinstance(answer, str | int) and not isinstance(answer, bool) and \
                    str(answer).strip().lower() in accepted:
                return True, cid
            self._ask(cid)
            return False, cid
        cid = self._new_captcha_id()
        self._ask(cid)
        return False, cid

    # ---- clients -----------------------------------------------------------------------------
    def on_clients_list(self, request: Request) -> Response:
        """``GET /v1/clients``: every client of the reseller."""
        rid = self._reseller_of(request)
        return json_response([self._client_json(c) for c in self.clients.values() if c["reseller_id"] == rid])

    def on_clients_subscriptions(self, request: Request) -> Response:
        """``GET /v1/clients/subscriptions``: the reseller's clients with subscriptions and cost."""
        rid = self._reseller_of(request)
        return json_response([self._subscriptions_json(c) for c in self.clients.values() if c["reseller_id"] == rid])

    def on_client_new(self, request: Request) -> Response:
        """``GET /v1/clients/new`` (public): a blank client and a captcha for public sign-up."""
        cid = self._new_captcha_id()
        blank = {"id": None, "package_uid": None, "user_count": None, "email_address": None, "name": None,
                 "domains": []}
        return json_response({"client": blank, "captcha": self._ask(cid)})

    def on_clients_create(self, request: Request) -> Response:
        """``POST /v1/clients``: with a reseller key, or public with a captcha."""
        if request.authorization is not None:
            refused = self.authenticate(request)
            if refused is not None:
                return refused
        params = self._params(request)
        reseller_id = self._reseller_of(request)
        attrs = params.get("client")
        errors, wanted = self._validate_client(attrs, None)
        if reseller_id is not None:
            if errors:
                return json_response({"errors": {"client": errors}}, 422)
            return json_response(self._client_json(self._create_client(reseller_id, attrs, wanted)), 201)
        ok, captcha_id = self._check_captcha(params.get("captcha"))
        if errors or not ok:
            return json_response({"captcha": self._captcha_json(captcha_id),
                                  "errors": {"client": errors, "captcha": {} if ok else {"answer": [CAPTCHA_WRONG]}}},
                                 422)
        self.captchas.pop(captcha_id, None)  # a solved captcha is used up
        return json_response(self._client_json(self._create_client(None, attrs, wanted)), 201)

    def on_client_get(self, request: Request, client_id: int) -> Response:
        """``GET /v1/clients/<id>``."""
        client = self._own_client(request, client_id)
        return json_response(self._client_json(client)) if client else self._client_not_found()

    def on_domain_client_get(self, request: Request, domain_name: str) -> Response:
        """``GET /v1/domains/<name>/client``: the client holding that domain."""
        domain = self._own_domain(request, domain_name)
        return json_response(self._client_json(self.clients[domain["client_id"]])) if domain \
            else self._client_not_found()

    def _update(self, request: Request, client: dict[str, Any] | None) -> Response:
        if client is None:
            return self._client_not_found()
        attrs = self._params(request)
        errors, wanted = self._validate_client(attrs, client)
        if errors:
            return json_response({"errors": errors}, 422)
        self._apply_update(client, attrs, wanted)
        return json_response(self._client_json(client))

    def on_client_update(self, request: Request, client_id: int) -> Response:
        """``PUT /v1/clients/<id>``: flat attributes; the domains list replaces the client's domains."""
        return self._update(request, self._own_client(request, client_id))

    def on_domain_client_update(self, request: Request, domain_name: str) -> Response:
        """``PUT /v1/domains/<name>/client``: as PUT by id, for the client holding that domain."""
        domain = self._own_domain(request, domain_name)
        return self._update(request, self.clients[domain["client_id"]] if domain else None)

    def _cancel(self, client: dict[str, Any] | None) -> Response:
        if client is None:
            return self._client_not_found()
        if self.faults.take_action_error("cancel"):
            return json_response({"errors": {"base": ["Could not cancel account"]}}, 422)
        self._remove_client(client)
        return Response(status=200)

    def on_client_delete(self, request: Request, client_id: int) -> Response:
        """``DELETE /v1/clients/<id>``: cancel the client (200, empty body)."""
        return self._cancel(self._own_client(request, client_id))

    def on_domain_client_delete(self, request: Request, domain_name: str) -> Response:
        """``DELETE /v1/domains/<name>/client``: cancel the client holding that domain."""
        domain = self._own_domain(request, domain_name)
        return self._cancel(self.clients[domain["client_id"]] if domain else None)

    # ---- auth tokens -------------------------------------------------------------------------
    def _auth_token(self, request: Request, client: dict[str, Any] | None) -> Response:
        if client is None:
            return self._client_not_found()
        token = f"{self.rng.getrandbits(160):040x}"
        self.auth_tokens[token] = {"client_id": client["id"], "expires_at": self.clock.now() + self.AUTH_TOKEN_TTL}
        return json_response({"token": token, "protocol": request.scheme, "login_hostname": request.host,
                              "path": f"/{self.name}/panel/login?auth_token={token}"})

    def on_client_auth_token(self, request: Request, client_id: int) -> Response:
        """``GET /v1/clients/<id>/auth_token``: a one-minute admin login token."""
        return self._auth_token(request, self._own_client(request, client_id))

    def on_domain_auth_token(self, request: Request, domain_name: str) -> Response:
        """``GET /v1/domains/<name>/auth_token``: a one-minute admin login token for the domain's client."""
        domain = self._own_domain(request, domain_name)
        return self._auth_token(request, self.clients.get(domain["client_id"]) if domain else None)

    def on_panel_login(self, request: Request) -> Response:
        """Sandbox stand-in for the vendor's login page: a fresh, unused token signs the admin in."""
        now = self.clock.now()
        # Drop expired tokens so the table does not grow without bound.
        self.auth_tokens = {t: v for t, v in self.auth_tokens.items() if v["expires_at"] > now}
        entry = self.auth_tokens.pop(request.args.get("auth_token", ""), None)
        client = self.clients.get(entry["client_id"]) if entry else None
        if client is None:
            return Response("<h1>Login link expired or invalid</h1>", status=401, content_type="text/html")
        return Response(f"<h1>Signed in as the admin of {client['name']} (client {client['id']})</h1>",
                        status=200, content_type="text/html")

    # ---- domains -----------------------------------------------------------------------------
    def on_domain_get(self, request: Request, domain_name: str) -> Response:
        """``GET /v1/domains/<name>``: the domain with its MX records and mail servers."""
        domain = self._own_domain(request, domain_name)
        return json_response(self._domain_json(domain)) if domain else self._domain_not_found()

    def on_domain_status(self, request: Request, domain_name: str) -> Response:
        """``GET /v1/domains/<name>/status``: initializing, ready or unknown."""
        domain = self._own_domain(request, domain_name)
        return json_response({"status": domain["status"]}) if domain else self._domain_not_found()

    def on_domain_update(self, request: Request, domain_name: str) -> Response:
        """``PUT /v1/domains/<name>``: only the mail servers can change; the subscription caps them."""
        domain = self._own_domain(request, domain_name)
        if domain is None:
            return self._domain_not_found()
        params = self._params(request)
        raw = params.get("mail_servers")
        if raw is None or raw == []:
            return json_response({"errors": {"mail_servers": [MUST_BE_SPECIFIED]}}, 422)
        servers = _clean_mail_servers(raw)
        if servers is None:
            return json_response({"errors": {"mail_servers": ["are invalid"]}}, 422)
        package = PACKAGES_BY_UID[self.clients[domain["client_id"]]["package_uid"]]
        if len(servers) > 1 and not package["multiple_mail_servers"]:
            return json_response({"errors": {"mail_servers": [MAIL_SERVER_LIMIT]}}, 422)
        domain["mail_servers"] = servers
        return json_response(self._domain_json(domain))

    # ---- packages ----------------------------------------------------------------------------
    def on_packages_by_tag(self, request: Request, tag_name: str) -> Response:
        """``GET /v1/packages/by_tag/<tag>``: packages in order, with features added over the previous one."""
        out = []
        previous: set[int] = set()
        for uid in PACKAGE_TAGS.get(tag_name.lower(), []):
            p = PACKAGES_BY_UID[uid]
            out.append({
                "id": p["id"], "uid": p["uid"], "name": p["name"], "description": p["description"],
                "position": p["position"], "free_trial": p["free_trial"], "features": p["features"],
                "added_features": [f for f in p["features"] if f["id"] not in previous],
                "reseller_cost": {"domain_cents": p["domain_cents"], "domain_formatted": _cents(p["domain_cents"]),
                                  "mailbox_cents": p["mailbox_cents"],
                                  "mailbox_formatted": _cents(p["mailbox_cents"])},
            })
            previous = {f["id"] for f in p["features"]}
        return json_response(out)

    # ---- resellers ---------------------------------------------------------------------------
    def on_reseller_new(self, request: Request) -> Response:
        """``GET /v1/resellers/new`` (public): a captcha and a blank reseller."""
        blank: dict[str, Any] = {f: None for f in RESELLER_FIELDS}
        blank["tags"] = []
        return json_response({"captcha": self._ask(self._new_captcha_id()), "reseller": blank})

    def on_resellers_create(self, request: Request) -> Response:
        """``POST /v1/resellers`` (public): sign up a reseller with a solved captcha."""
        params = self._params(request)
        attrs = params.get("reseller") if isinstance(params.get("reseller"), dict) else {}
        echo = {f: attrs.get(f) for f in (*RESELLER_FIELDS, "application_name")}
        errors: dict[str, list[str]] = {}
        for field in ("name", "email_address", "username"):
            if not isinstance(attrs.get(field), str) or not attrs[field].strip():
                errors[field] = [MUST_BE_SPECIFIED]
        if "email_address" not in errors and not EMAIL_RE.match(attrs["email_address"]):
            errors["email_address"] = ["is invalid"]
        if "username" not in errors and any(r["username"].lower() == attrs["username"].strip().lower()
                                            for r in self.resellers.values()):
            errors["username"] = ["has already been taken"]
        ok, captcha_id = self._check_captcha(params.get("captcha"))
        captcha = self._captcha_json(captcha_id)
        if errors or not ok:
            return json_response({"captcha": captcha, "reseller": echo,
                                  "errors": {"reseller": errors, "captcha": {} if ok else {"answer": [CAPTCHA_WRONG]}}},
                                 422)
        self.captchas.pop(captcha_id, None)  # a solved captcha is used up
        rid = self._next_reseller_id
        self._next_reseller_id += 1
        self.resellers[rid] = {"id": rid, **echo, "username": attrs["username"].strip()}
        return json_response({"reseller": {"id": rid, **echo}, "captcha": captcha}, 201)
