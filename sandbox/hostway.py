"""Hostway email API sandbox: account -> email domains -> usernames (mailboxes and Exchange mailboxes).

Source of truth: ``../shared/vendor-docs/hostway-email-api.txt`` and the Hostway section of ``NOTES.md``.
Everything is synchronous. The documented paths sit below ``/hostway``: the long form
``/accounts/{account}/email/{domain}/...`` (reseller credentials) and the short form ``/email/{domain}/...``
(the mailbox owner's credentials, or the reseller's).

State model: ``self.domains`` maps a domain name to a plain dict holding its mailboxes (regular "MFG2"
mailboxes with an optional OpenXchange webmail account, and Exchange mailboxes, sharing one namespace),
black/white list, CleanMailPlus settings, global address book contacts, InfoStore and webmail settings.
Removing a domain (:meth:`Sandbox.remove_domain`) removes everything under it; removing a mailbox removes it
as a target of local forwards.

Auth: HTTP Basic. The reseller's API user may use every route of its accounts; a mailbox owner
(``name@domain`` + mailbox password) may use only the routes of that mailbox (long or short form) and the short
domain shortcuts ``/email/{domain}/webmailLimits|webmailNames|webmailUpgrade``. The routes the doc lists without
an Authorization header (secret question catalogue and settings, a mailbox's secret keys, and the
``resetPassword`` actions, which authenticate by secret answers) are public.

Error shapes (both seen in the doc, used where the doc shows them):
  * wrapped: ``{"badRequest": {"message": "POST data error", "code": 400, "details": {...}}}`` for black/white
    lists, InfoStore, secrets and list query parameters; ``itemNotFound`` for 404, ``conflict`` for 409.
  * flat: ``{"password": "Required"}`` for mailbox, Exchange, webmail, forwards, autoresponder, CleanMailPlus,
    contacts, migration and actions (``{"computeFault": "..."}`` for quota and per-type limits).

Delays (``default_delays``): ``mailbox_ready`` (a new mailbox has no IMAP store yet: its messagestats answer
502 "No IMAP connection" until it passes), ``auth_token`` (lifetime of an OX authToken; a new one is minted
after it), ``trial`` (the demo estate's premium webmail trial ends and ``trialType`` becomes null).

Vendor-specific faults (``action_error`` fault kind): action ``resetPassword`` makes the next password reset
answer 500 ``computeFault`` without changing the password; action ``messagestats`` makes the next message
count answer 502 "Unable to get message count. IMAP search operation failed.".

Choices where the doc is silent (or contradicts itself):
  1. 401 body: ``{"unauthorized": {"message": ..., "code": 401, "details": ""}}`` plus
     ``WWW-Authenticate: Basic realm="Hostway API"``; the fault names follow the OpenStack style the doc's
     ``badRequest``/``itemNotFound``/``computeFault`` keys come from (403 ``forbidden``, 405 ``badMethod``,
     429 ``overLimit``, 500 ``computeFault``, 502 ``badGateway``, 503 ``serviceUnavailable``).
  2. Throttling is not documented: :meth:`Sandbox.throttle_response` answers 429
     ``{"overLimit": {"message": "Too many requests", "code": 429, "details": ..., "retryAfter": 60}}`` with
     ``Retry-After: 60``.
  3. A mailbox owner's credentials outside their own mailbox answer 401 (the doc's 401 text covers "do not
     provide permissions"), except secrets PUT which documents 403 ``forbidden``.
  4. mailboxName follows NOTES (``[a-zA-Z0-9._-]+``, at most 64 characters, the Exchange limit); names are
     case-insensitive and stored lower-case. A bad name answers 400 ``{"mailboxName": "..."}``.
  5. Password rules are checked in the order: starts with pass/abc/123, length, digit, capital, lower case,
     special, second-level domain, username, first three letters of the username, reuse; the first failure is
     answered as ``{"password": "<rule>"}`` (the Exchange example's message). The Exchange doc's extra "Should
     start with a letter" IS enforced for Exchange mailboxes (create, update, reset), first of all: its own
     update example ``!q2w3e4R`` (204 in the doc) contradicts the rule it lists and is refused here (strict).
     The mailbox example ``pword1234`` (201 in the doc) breaks the listed rules and is refused
     here (strict). The "second-level
     domain" is the customer's label: ``test`` for test.com, ``shop`` for shop.co.uk (not ``co``).
  6. Mailbox PUT on a new name creates (201 + Location, empty body), on an existing mailbox updates (204).
     409 "Mailbox already exists" when the name is taken by the other kind (Exchange vs regular). ``username``
     in a create body answers 400 (the doc: "used when updating mailbox only"); renaming onto a taken name
     answers 400 ``{"username": "Mailbox already exists"}`` as documented. Checks run in the doc's order:
     password required, quota > 0, type and per-type limit, then password rules.
  7. A mailbox created with PUT .../mailbox gets an OpenXchange account of ``type`` (default standard, quota
     of that type unless ``quota`` is given, allowUpgrade from the domain); POST .../webmail then answers 409.
     Mailboxes without an OX account (the demo ``mfg-mbox``) answer 404 on webmail GET/PUT until POSTed.
     Changing the OX type sets the mailbox quota to the new type's quota (hence "usage larger than the new
     quota"). Type quotas (MB): standard 1024, activesync 2048, premium 10240.
  8. Webmail PUT: ``type`` is optional but must not be empty; allowUpgrade=false blocks a type change only for
     the mailbox owner's credentials (the reseller may change types regardless, as the doc says), and the owner
     may not set allowUpgrade back to true either.
  9. The mailbox list includes Exchange mailboxes with ``"type": "exchange"`` (regular ones are ``"imap"``);
     ``totalCount`` is a string (NOTES); ``filterUsername`` without ``*`` is an exact, case-insensitive match;
     ``page`` without ``pageSize`` (or the reverse), bad integers or unknown sort values answer 400 wrapped.
     No page size cap. A page past the end is an empty list. Black/white list ``totalCount`` is the total of
     the filtered list (an int, as in the examples).
 10. Forwards: POST adds targets to the existing set (it does not replace it); targets on the mailbox's own
     domain must exist, the mailbox itself is refused (400), the same username on an alias of the domain (or on
     a domain the source domain is an alias of) is 409 "Circular target ...". All targets are validated before
     any is stored; 400 errors win over 409.
     DELETE .../forwards/{fwd} matches a full address or, without ``@``, a mailbox of the same domain; an
     unknown forward answers 404.
 11. CleanMailPlus GET answers the flat list of fields the schema shows (not the ``{"field": ...}`` wrapper
     in one garbled example). A mailbox inherits its domain's selected values until it sets its own. Fields
     without options (SPAM_LEARNING, SPAM_DISCARD_LEVEL) accept integer strings.
 12. Autoresponder GET answers the example's flat shape (``body``, ``active``, ``subject``, ``links``), with
     empty values when none was set. Link keys follow each endpoint's example (``href`` mostly, ``location``
     for forwards, domain webmail and the secret question resources).
 13. resetPassword: ``secretQuestionsAnswers`` (or ``secretQuestionsAnswersList``, the key the doc's own
     wrong-answer example uses) must be a non-empty object of answers of at least two characters (else 400);
     every given text key must be on file with exactly that answer, else 409 with exactly the doc's body
     ``{"conflict": {"message": ..., "code": 409}}``. Answers are checked before the new password's rules.
 14. Secrets PUT replaces all answers; keys must be known text keys, answers at least 2 characters, at least
     ``minimum`` (3) pairs.
 15. Contacts: POST creates (204, as documented) and needs name, email and displayName; a duplicate name is
     409 ``{"conflict": {"message": "Data conflict", "code": 409, "details": "", "guid": ...}}`` as documented;
     ``filterX`` is an exact case-insensitive match, ``searchX`` a case-insensitive substring match; an unknown
     field answers 400.
 16. InfoStore PUT answers 204 (the example) although the status list says 200.
 17. Migration POST needs ``subject`` and ``body`` strings and answers 201 with an empty body; tickets are kept
     for :meth:`Sandbox.stats` only.
 18. ``GET /accounts/{account}/avas/{domain}/SSOLink`` (listed, never specified) answers
     ``{"ssoLink": "https://avas.hostway.example/sso?token=...", "links": [...]}``.
 19. The summary's ``.../mailbox/exchange/messagestats`` is served as an alias of ``.../exchange/messagestats``.
 20. Exchange writes on a disabled domain answer 409 (create, update and delete). No documented endpoint
     creates, disables or deletes a domain or an alias: tests use :meth:`Sandbox.add_domain`,
     :meth:`Sandbox.remove_domain` and the ``disabled`` flag.
 21. The doc marks ``Content-Type: application/json; charset=UTF-8`` required: a non-empty body sent with any
     other Content-Type (or none) answers 400 wrapped, as does malformed JSON; an empty body counts as ``{}``.
     Empty answers (201, 204) carry no Content-Type header.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from sandbox.core import Answer, VendorSandbox, json_response, parse_json_body

DEMO_USER = "hostway-reseller"
DEMO_PASSWORD = "Sandbox-Hw-2024!"
DEMO_ACCOUNT = "test-account123"
DEMO_DOMAIN = "test.com"
DEMO_ALIAS = "test-com-alias.com"
DEMO_MAILBOX = "test"
DEMO_MAILBOX_PASSWORD = "Mbx-Demo-9!"
DEMO_EXCHANGE = "test-mb"
DEMO_RESET_MAILBOX = "mailbox123"
DEMO_CONTACT = "test-contact"
SEED_PASSWORD = "Seeded-Mbx-7!"

MAILBOX_NAME_RE = re.compile(r"^[a-zA-Z0-9._-]{1,64}$")
# Domain labels may hold underscores: the doc's own forward example targets "different-domain_1.com".
_DOMAIN = r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+"
EMAIL_RE = re.compile(rf"^[^@\s]+@{_DOMAIN}$")
DOMAIN_ADDRESS_RE = re.compile(rf"^@{_DOMAIN}$")
SPECIAL_RE = re.compile(r"[^A-Za-z0-9_]")

OX_TYPES = ("standard", "activesync", "premium")
OX_TYPE_QUOTA = {"standard": 1024, "activesync": 2048, "premium": 10240, "starter": 512}
DEFAULT_LIMITS = {"activesync": 2, "premium": -1, "starter": -1, "standard": -1}
DEFAULT_NAMES = {"activesync": "SMX Sync Advanced", "premium": "SMA Collaborate Premium", "standard": "SMX Mail Basic"}
EXCHANGE_TYPES = ("standard", "premium")
EXCHANGE_QUOTA = {"standard": 1000, "premium": 25600}
RESOURCE_TYPES = {"user": "UserMailbox", "room": "RoomMailbox", "equipment": "EquipmentMailbox"}
EXCHANGE_FIELDS = {
    "displayName": 256, "firstName": 64, "lastName": 64, "city": 128, "company": 64, "country": 128,
    "department": 64, "fax": 64, "homePhone": 64, "mobilePhone": 64, "postalCode": 40, "state": 128,
    "street": 1024, "title": 128,
}
CONTACT_FIELDS = (
    "name", "email", "firstName", "lastName", "displayName", "title", "homePhone", "mobilePhone", "businessPhone",
    "businessFax", "isdnNumber", "pager", "telexNumber", "company", "department", "roomNumber", "streetAddress",
    "postalCode", "city", "state", "country",
)
SECRET_QUESTIONS = {
    "tk1": "What is the name of your first pet?",
    "tk2": "In what city were you born?",
    "tk3": "What was the make of your first car?",
    "tk4": "What is your mother's maiden name?",
    "tk5": "What was the name of your primary school?",
}
SECRET_MINIMUM = 3
SITEMAIL_URLS = [{"url": "http://sitemail7.hostway.example", "version": "7"},
                 {"url": "http://sitemail8.hostway.example", "version": "8"}]

_ON_OFF = [("Enable", "1"), ("Disable", "0")]
# fieldName -> (description, default selected value, options); options [] means a free integer value.
CLEANMAIL_FIELDS: dict[str, tuple[str, str, list[tuple[str, str]]]] = {
    "SPAM_LEVEL": ("SPAM Tag Level", "6", [("Least Aggressive", "6"), ("Less Aggressive", "5"), ("Normal", "4"),
                                          ("More Aggressive", "3"), ("Most Aggressive", "2"),
                                          ("Ultra Aggressive", "1")]),
    "SPAM_ACTION": ("SPAM Detected Action", "2", [("None", "0"), ("Tag Subject", "2"), ("Move to SPAM Folder", "1"),
                                                  ("Delete", "3")]),
    "ATTACHMENT_CONTROL": ("Attachment Control", "1", _ON_OFF),
    "VIRUS_ACTION": ("Virus Detected Action", "1", [("No Virus Filter", "0"), ("Delete Automatically", "1")]),
    "SPAM_LEARNING": ("SPAM Learning Status", "0", []),
    "SPAM_DISCARD_LEVEL": ("SPAM Discard Level", "20", []),
    "PHISHING_CHECKS": ("Phishing Checks", "0", [("Enabled", "1"), ("Disabled", "0")]),
    "CLEANMAIL_PLUS": ("CleanMail Plus Enable", "0", _ON_OFF),
    "SPAM_CHECK": ("SPAM Check Option", "1", _ON_OFF),
}

FAULT_NAMES = {
    400: "badRequest", 401: "unauthorized", 403: "forbidden", 404: "itemNotFound", 405: "badMethod",
    409: "conflict", 413: "overLimit", 429: "overLimit", 500: "computeFault", 501: "notImplemented",
    502: "badGateway", 503: "serviceUnavailable",
}

# Paths a mailbox owner's credentials may reach: (domain, mailbox or None, rest).
_LONG_PATH = re.compile(r"^/accounts/[^/]+/email/([^/]+)(?:/usernames/([^/]+))?(/.*)?$")
_SHORT_PATH = re.compile(r"^/email/([^/]+)(?:/usernames/([^/]+))?(/.*)?$")
_OWNER_DOMAIN_SHORTCUTS = {"/webmailLimits", "/webmailNames", "/webmailUpgrade"}


def flat(fields: dict[str, Any], status: int = 400) -> Answer:
    """The flat error shape: ``{"password": "Required"}``."""
    return Answer(json_response(fields, status))


# Registry second levels under a two-letter country code (example.co.uk, shop.com.au): the customer's own
# label sits one further left. A short list, not the public suffix list: it covers what resellers meet.
_REGISTRY_SECOND_LEVELS = {"ac", "co", "com", "edu", "gov", "ltd", "me", "net", "nom", "org", "plc", "sch"}


def second_level_label(domain: str) -> str:
    """The customer's label of ``domain``: ``test`` for test.com, ``shop`` for www.shop.co.uk."""
    labels = domain.lower().rstrip(".").split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _REGISTRY_SECOND_LEVELS:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else labels[0]


def password_problem(password: str, username: str, domain: str, used: Iterable[str], *, exchange: bool = False
                     ) -> str | None:
    """The first documented password rule ``password`` breaks, or None (Exchange adds "start with a letter")."""
    lower = password.lower()
    if exchange and not password[:1].isalpha():
        return "Password should start with a letter"
    if lower.startswith("pass"):
        return "Password should not start with 'pass' case-insensitively"
    if lower.startswith("abc"):
        return "Password should not start with 'abc' case-insensitively"
    if password.startswith("123"):
        return "Password should not start with 123"
    if len(password) < 8:
        return "Password should be at least 8 characters long"
    if len(password) > 128:
        return "Password should be at most 128 characters long"
    if not re.search(r"\d", password):
        return "Password should have at least one digit"
    if not re.search(r"[A-Z]", password):
        return "Password should have at least one capital letter"
    if not re.search(r"[a-z]", password):
        return "Password should have at least one lower case letter"
    if not SPECIAL_RE.search(password):
        return "Password should contain at least one special character"
    sld = second_level_label(domain)
    if sld and sld in lower:
        return "Password must not contain the second-level domain name"
    if username.lower() in lower:
        return "Password must not contain the username"
    if lower.startswith(username.lower()[:3]):
        return "Password must not start with the first 3 letters from the username"
    if password in used:
        return "Password must not be used more than once"
    return None


def _wildcard(pattern: str) -> re.Pattern[str]:
    """A case-insensitive full match where only ``*`` is special."""
    return re.compile("^" + ".*".join(re.escape(p) for p in pattern.split("*")) + "$", re.IGNORECASE)


class Sandbox(VendorSandbox):
    """The Hostway email reseller API, in memory."""

    name = "hostway"
    default_delays = {"mailbox_ready": 2.0, "auth_token": 3600.0, "trial": 30 * 86400.0}
    public_endpoints = frozenset({
        "secret_questions", "secret_settings", "secrets_get", "mailbox_action", "exchange_action",
    })

    # ---- routes, grouped as the doc's "Email API" summary ------------------------------------------------
    def routes(self) -> list[Rule]:
        a = "/accounts/<account>/email/<domain>"
        u = a + "/usernames/<mailbox>"
        s = "/email/<domain>/usernames/<mailbox>"
        table = [
            # Email domain, aliases, statistics, InfoStore
            (a, "GET", "domain_get"),
            (a + "/aliases", "GET", "aliases_list"),
            (a + "/statistics/mailboxTypeCount", "GET", "statistics_get"),
            (a + "/infostore", "GET", "infostore_get"),
            (a + "/infostore", "PUT", "infostore_put"),
            ("/accounts/<account>/avas/<domain>/SSOLink", "GET", "avas_sso_link"),
            # Domain black/white list and CleanMailPlus
            (a + "/blackwhitelist", "GET", "domain_bwl_list"),
            (a + "/blackwhitelist", "PUT", "domain_bwl_put"),
            (a + "/blackwhitelist/<address>", "GET", "domain_bwl_get"),
            (a + "/blackwhitelist/<address>", "DELETE", "domain_bwl_delete"),
            (a + "/cleanmailplus", "GET", "domain_cmp_get"),
            (a + "/cleanmailplus", "PUT", "domain_cmp_put"),
            # Global address book
            (a + "/contacts", "GET", "contacts_list"),
            (a + "/contacts", "POST", "contact_create"),
            (a + "/contacts/<contact>", "GET", "contact_get"),
            (a + "/contacts/<contact>", "PUT", "contact_put"),
            (a + "/contacts/<contact>", "DELETE", "contact_delete"),
            # Domain webmail (OX) settings, limits, names, upgrade; short forms too
            (a + "/webmail", "GET", "domain_webmail_get"),
            (a + "/webmail", "PUT", "domain_webmail_put"),
            (a + "/webmailLimits", "GET", "webmail_limits"),
            ("/email/<domain>/webmailLimits", "GET", "webmail_limits"),
            (a + "/webmailNames", "GET", "webmail_names"),
            ("/email/<domain>/webmailNames", "GET", "webmail_names"),
            (a + "/webmailUpgrade", "GET", "webmail_upgrade"),
            ("/email/<domain>/webmailUpgrade", "GET", "webmail_upgrade"),
            # Mailboxes
            (a + "/usernames", "GET", "usernames_list"),
            (u, "GET", "username_get"),
            (u + "/mailbox", "GET", "mailbox_get"),
            (u + "/mailbox", "PUT", "mailbox_put"),
            (u + "/mailbox", "DELETE", "mailbox_delete"),
            (u + "/mailbox/action", "POST", "mailbox_action"),
            (s + "/mailbox/action", "POST", "mailbox_action"),
            (u + "/mailbox/messagestats", "GET", "mailbox_messagestats"),
            (u + "/migration", "POST", "migration_create"),
            # Exchange
            (u + "/exchange", "GET", "exchange_get"),
            (u + "/exchange", "PUT", "exchange_put"),
            (u + "/exchange", "DELETE", "exchange_delete"),
            (u + "/exchange/action", "POST", "exchange_action"),
            (s + "/exchange/action", "POST", "exchange_action"),
            (u + "/exchange/messagestats", "GET", "exchange_messagestats"),
            (u + "/mailbox/exchange/messagestats", "GET", "exchange_messagestats"),
            # Forwards, autoresponder
            (u + "/forwards", "GET", "forwards_get"),
            (u + "/forwards", "POST", "forwards_post"),
            (u + "/forwards/<target>", "DELETE", "forward_delete"),
            (u + "/autoresponder", "GET", "autoresponder_get"),
            (u + "/autoresponder", "PUT", "autoresponder_put"),
            # Mailbox black/white list and CleanMailPlus
            (u + "/blackwhitelist", "GET", "mailbox_bwl_list"),
            (u + "/blackwhitelist", "PUT", "mailbox_bwl_put"),
            (u + "/blackwhitelist/<address>", "GET", "mailbox_bwl_get"),
            (u + "/blackwhitelist/<address>", "DELETE", "mailbox_bwl_delete"),
            (u + "/cleanmailplus", "GET", "mailbox_cmp_get"),
            (u + "/cleanmailplus", "PUT", "mailbox_cmp_put"),
            # Mailbox webmail (OX account), long and short forms
            (u + "/webmail", "GET", "webmail_get"),
            (s + "/webmail", "GET", "webmail_get"),
            (u + "/webmail", "POST", "webmail_post"),
            (s + "/webmail", "POST", "webmail_post"),
            (u + "/webmail", "PUT", "webmail_put"),
            (s + "/webmail", "PUT", "webmail_put"),
            # Secret questions
            (u + "/secrets", "GET", "secrets_get"),
            (s + "/secrets", "GET", "secrets_get"),
            (u + "/secrets", "PUT", "secrets_put"),
            (s + "/secrets", "PUT", "secrets_put"),
            ("/email/secretQuestions", "GET", "secret_questions"),
            ("/email/secretQuestionSettings", "GET", "secret_settings"),
        ]
        return [Rule(path, methods=[method], endpoint=endpoint) for path, method, endpoint in table]

    # ---- estate ----------------------------------------------------------------------------------------------
    def reset(self) -> None:
        self.accounts: dict[str, set[str]] = {}
        self.domains: dict[str, dict[str, Any]] = {}
        self.tickets: list[dict[str, Any]] = []
        self._seeded = 0
        # Franchise settings; tests may empty the catalogue ("no secret questions supported").
        self.secret_questions = dict(SECRET_QUESTIONS)
        self.secret_minimum = SECRET_MINIMUM
        d = self.add_domain(DEMO_ACCOUNT, DEMO_DOMAIN, aliases=[DEMO_ALIAS, "test-alias-2.com"])
        trial_end = self._date(self.clock.now() + self.delay("trial"))
        d["webmail"].update(trialType="premium", trialExpiration=trial_end)
        self.scheduler.after(self.delay("trial"), lambda: d["webmail"].update(trialType=None, trialExpiration=None))
        test = self._new_mailbox(d, DEMO_MAILBOX, DEMO_MAILBOX_PASSWORD, master=True, ox_type="standard")
        test["ox"].update(trialType="premium", trialExpiration=trial_end, theme="test_theme")
        self.scheduler.after(self.delay("trial"), lambda: test["ox"].update(trialType=None, trialExpiration=None))
        test["usage"] = 3
        test["stats"] = {"inbox": [3, 3], "sent": [0, 0], "spam": [0, 0]}
        test["bwl"] = {"mb1-white@somedomain.com": "W", "mb2-black@domain.com": "B",
                       "mb3-black@somedomain.com": "B", "@sometestdomain.com": "B"}
        test["forwards"] = ["mb1@test.com"]
        self._new_mailbox(d, "mb1", "Forward-Box7!", ox_type="standard")
        self._new_mailbox(d, "jack.smith", "Demo-Pass-J4ck!", ox_type="standard")
        reset = self._new_mailbox(d, DEMO_RESET_MAILBOX, "Reset-Demo-Pass7!", ox_type="standard")
        reset["secrets"] = {"tk1": "answer123", "tk2": "answer2", "tk3": "answer3"}
        self._new_mailbox(d, "mfg-mbox", "Demo-Pass-Mfg7!", ox_type=None)
        exch = self._new_exchange(d, DEMO_EXCHANGE, "Demo-Pass-Exch7!", {"displayName": "Test Mailbox"})
        exch["secrets"] = {"tk1": "answer123", "tk2": "answer2", "tk3": "answer3"}
        d["bwl"] = dict(test["bwl"])
        d["contacts"][DEMO_CONTACT] = self._contact({"name": DEMO_CONTACT, "email": "test@test.com",
                                                     "firstName": "First", "lastName": "Last",
                                                     "displayName": "Display Name"})

    def config(self) -> dict[str, Any]:
        return {
            "credentials": {"user": DEMO_USER, "password": DEMO_PASSWORD},
            "seeded": {
                "account": DEMO_ACCOUNT,
                "domain": DEMO_DOMAIN,
                "domain_aliases": [DEMO_ALIAS, "test-alias-2.com"],
                "mailbox": DEMO_MAILBOX,
                "mailbox_password": DEMO_MAILBOX_PASSWORD,
                "mailboxes": ["jack.smith", "mailbox123", "mb1", "mfg-mbox", "test"],
                "mailbox_without_webmail": "mfg-mbox",
                "reset_password_mailbox": DEMO_RESET_MAILBOX,
                "secret_answers": {"tk1": "answer123", "tk2": "answer2", "tk3": "answer3"},
                "exchange_mailbox": DEMO_EXCHANGE,
                "contact": DEMO_CONTACT,
            },
        }

    def add_domain(self, account: str, name: str, *, aliases: Iterable[str] = ()) -> dict[str, Any]:
        """Add an email domain to ``account`` (no documented endpoint does this; tests and seeding use it)."""
        domain = {
            "name": name.lower(), "account": account, "aliases": [a.lower() for a in aliases], "mailboxes": {},
            "infostore": {"usage": 0, "quota": 20},
            "webmail": {"type": "standard", "allowUpgrade": True, "trialType": None, "trialExpiration": None},
            "upgrade_allowed": True, "limits": dict(DEFAULT_LIMITS), "disabled": False,
            "cmp": {}, "bwl": {}, "contacts": {},
        }
        self.accounts.setdefault(account, set()).add(domain["name"])
        self.domains[domain["name"]] = domain
        return domain

    def remove_domain(self, name: str) -> None:
        """Remove a domain with everything under it (mailboxes, lists, contacts)."""
        domain = self.domains.pop(name.lower(), None)
        if domain is not None:
            self.accounts.get(domain["account"], set()).discard(domain["name"])

    def _new_mailbox(self, d: dict, name: str, password: str, *, master: bool = False, quota: int | None = None,
                     ox_type: str | None = "standard", ready: bool = True) -> dict[str, Any]:
        m: dict[str, Any] = {"username": name.lower(), "kind": "mailbox", "password": password, "history": [password],
                             "master": master, "quota": quota or OX_TYPE_QUOTA[ox_type or "standard"], "usage": 0,
                             "created": self.clock.now(), "ready": ready, "ox": None}
        if ox_type:
            m["ox"] = self._ox(ox_type, d["webmail"]["allowUpgrade"])
        d["mailboxes"][m["username"]] = m
        return m

    def _new_exchange(self, d: dict, name: str, password: str, fields: dict[str, Any], *, xtype: str = "standard",
                      resource: str = "user", ready: bool = True) -> dict[str, Any]:
        now = self.clock.now()
        m = {"username": name.lower(), "kind": "exchange", "password": password, "history": [password],
             "master": False, "quota": EXCHANGE_QUOTA[xtype], "usage": 0, "created": now, "changed": now,
             "ready": ready, "type": xtype, "resourceType": resource, "resetPassword": False,
             "fields": {k: str(v) for k, v in fields.items()}}
        d["mailboxes"][m["username"]] = m
        return m

    @staticmethod
    def _ox(ox_type: str, allow_upgrade: bool) -> dict[str, Any]:
        return {"type": ox_type, "allowUpgrade": allow_upgrade, "resetPassword": False, "theme": "default",
                "language": "en_US", "timezone": "America/Chicago", "trialType": None, "trialExpiration": None}

    def seed(self, **params: Any) -> dict[str, Any]:
        """Add ``domains`` domains and ``mailboxes`` mailboxes (round-robin) to ``account`` (new by default)."""
        n_domains = int(params.get("domains", 0))
        n_mailboxes = int(params.get("mailboxes", 0))
        if n_domains < 0 or n_mailboxes < 0:
            raise ValueError("domains and mailboxes must not be negative")  # the control surface answers 400
        if n_mailboxes and not n_domains:
            n_domains = 1
        self._seeded += 1
        batch = self._seeded
        account = str(params.get("account") or f"seed-account-{batch}")
        created = [self.add_domain(account, f"d{i:05d}.seed{batch}.example") for i in range(n_domains)]
        boxes = [d["mailboxes"] for d in created]
        now = self.clock.now()
        allow = True
        for i in range(n_mailboxes):
            name = f"user{i:06d}"
            # Plain dicts, no validation or scheduling: 100,000 of these must take well under a second or two.
            boxes[i % n_domains][name] = {
                "username": name, "kind": "mailbox", "password": SEED_PASSWORD, "history": [SEED_PASSWORD],
                "master": False, "quota": 1024, "usage": 0, "created": now, "ready": True,
                "ox": {"type": "standard", "allowUpgrade": allow, "resetPassword": False, "theme": "default",
                       "language": "en_US", "timezone": "America/Chicago", "trialType": None,
                       "trialExpiration": None},
            }
        return {
            "account": account, "domains": n_domains, "mailboxes": n_mailboxes,
            "first_domain": created[0]["name"] if created else None,
            "first_mailbox": "user000000" if n_mailboxes else None,
            "mailbox_password": SEED_PASSWORD,
        }

    def keys(self) -> dict[str, list[str]]:
        """Domains by name, mailboxes (and Exchange mailboxes) by address."""
        return {"domains": list(self.domains),
                "mailboxes": [f"{user}@{name}" for name, d in self.domains.items() for user in d["mailboxes"]]}

    def stats(self) -> dict[str, Any]:
        mailboxes = exchange = contacts = 0
        for d in self.domains.values():
            contacts += len(d["contacts"])
            for m in d["mailboxes"].values():
                if m["kind"] == "exchange":
                    exchange += 1
                else:
                    mailboxes += 1
        return {"accounts": len(self.accounts), "domains": len(self.domains), "mailboxes": mailboxes,
                "exchange_mailboxes": exchange, "contacts": contacts, "migration_tickets": len(self.tickets)}

    # ---- auth, errors, throttling -----------------------------------------------------------------------------
    def dispatch(self, request: Request, path: str) -> Response:
        # Helpers raise core.Answer deep inside a handler; core.dispatch answers it. An empty answer
        # (201/204) carries no Content-Type: werkzeug's default text/plain would describe a body that is not there.
        response = super().dispatch(request, path)
        if not response.direct_passthrough and response.get_data() == b"":
            response.headers.pop("Content-Type", None)
        return response

    def authenticate(self, request: Request) -> Response | None:
        auth = request.authorization
        if auth is None or auth.type != "basic" or auth.username is None:
            return self._unauthorized("Authentication required")
        user, password = auth.username, auth.password or ""
        if user == DEMO_USER and password == DEMO_PASSWORD:
            request.environ["hostway.principal"] = ("admin", None, None)
            return None
        local, _, dom = user.rpartition("@")
        d = self.domains.get(dom.lower()) if local else None
        m = d["mailboxes"].get(local.lower()) if d else None
        if m is None or password != m["password"]:
            return self._unauthorized("The supplied credentials are invalid")
        request.environ["hostway.principal"] = ("owner", d["name"], m["username"])
        if not self._owner_may(request, d["name"], m["username"]):
            path = request.path[len(self.name) + 1:]
            if request.method == "PUT" and path.rstrip("/").endswith("/secrets"):
                return self.error(403, "The authorized user does not have permissions for this operation")
            return self._unauthorized("The supplied credentials do not provide permissions for this operation")
        return None

    def _owner_may(self, request: Request, domain: str, mailbox: str) -> bool:
        path = request.path[len(self.name) + 1:]
        match = _LONG_PATH.match(path) or _SHORT_PATH.match(path)
        if match is None or match.group(1).lower() != domain:
            return False
        if match.group(2) is not None:
            return match.group(2).lower() == mailbox
        return path.startswith("/email/") and (match.group(3) or "").rstrip("/") in _OWNER_DOMAIN_SHORTCUTS

    def _unauthorized(self, message: str) -> Response:
        response = self.error(401, message)
        response.headers["WWW-Authenticate"] = 'Basic realm="Hostway API"'
        return response

    def error(self, status: int, message: str, **extra: Any) -> Response:
        fault = FAULT_NAMES.get(status, "computeFault" if status >= 500 else "badRequest")
        body = {"message": message, "code": status, "details": extra.pop("details", "")}
        body.update(extra)
        response = json_response({fault: body}, status)
        if status == 405 and extra.get("allowed"):
            response.headers["Allow"] = ", ".join(extra["allowed"])
        return response

    def throttle_response(self) -> Response:
        response = self.error(429, "Too many requests", details="Rate limit exceeded, retry later", retryAfter=60)
        response.headers["Retry-After"] = "60"
        return response

    def _bad(self, details: dict[str, Any], message: str = "POST data error") -> Answer:
        return Answer(self.error(400, message, details=details))

    def _not_found(self, what: str) -> Answer:
        return Answer(self.error(404, "Resource not found", details={"message": what}))

    def _conflict(self, message: str, details: Any = "") -> Answer:
        return Answer(self.error(409, message, details=details))

    def _is_owner(self, request: Request) -> bool:
        return request.environ.get("hostway.principal", ("admin",))[0] == "owner"

    # ---- shared helpers ---------------------------------------------------------------------------------------
    def _domain(self, domain: str, account: str | None = None) -> dict[str, Any]:
        if account is not None and account not in self.accounts:
            raise self._not_found("Account not found")
        d = self.domains.get(domain.lower())
        if d is None or (account is not None and d["account"] != account):
            raise self._not_found("Domain not found")
        return d

    def _user(self, domain: str, mailbox: str, account: str | None = None, kind: str | None = None
              ) -> tuple[dict[str, Any], dict[str, Any]]:
        d = self._domain(domain, account)
        m = d["mailboxes"].get(mailbox.lower())
        if m is None or (kind is not None and m["kind"] != kind):
            raise self._not_found("Exchange mailbox not found" if kind == "exchange" else "Mailbox not found")
        return d, m

    def _body(self, request: Request) -> dict[str, Any]:
        """The JSON object sent; ``{}`` when empty. Anything else is the vendor's wrapped 400."""
        raw = request.get_data(cache=True)
        # The doc marks Content-Type "Required. application/json; charset=UTF-8" for every body.
        if raw.strip() and request.mimetype != "application/json":
            raise Answer(self.error(400, "Content-Type must be application/json; charset=UTF-8"))
        data = parse_json_body(request)
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise self._bad({"": "Not a valid object"})
        return data

    def _url(self, request: Request, path: str) -> str:
        return f"{request.host_url.rstrip('/')}/{self.name}{path}"

    def _links(self, request: Request, path: str | None = None, key: str = "href", rel: str = "self") -> list[dict]:
        return [{key: self._url(request, path) if path is not None else request.url, "rel": rel}]

    @staticmethod
    def _dpath(d: dict[str, Any]) -> str:
        return f"/accounts/{d['account']}/email/{d['name']}"

    def _upath(self, d: dict[str, Any], m: dict[str, Any]) -> str:
        return f"{self._dpath(d)}/usernames/{m['username']}"

    @staticmethod
    def _date(ts: float) -> str:
        return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d")

    @staticmethod
    def _exchange_time(ts: float) -> str:
        t = dt.datetime.fromtimestamp(ts, dt.UTC)
        hour = t.hour % 12 or 12
        return f"{t.month}/{t.day}/{t.year} {hour}:{t.minute:02d}:{t.second:02d} {'AM' if t.hour < 12 else 'PM'}"

    def _random_token(self, n: int = 72) -> str:
        return base64.b64encode(self.rng.getrandbits(8 * n).to_bytes(n, "big")).decode()

    def _auth_token(self, m: dict[str, Any]) -> str:
        """The mailbox's OX authToken; a new one is minted once ``auth_token`` seconds have passed."""
        token = m.get("token")
        if token is None:
            token = m["token"] = self._random_token()
            self.scheduler.after(self.delay("auth_token"),
                                 lambda: m.pop("token", None) if m.get("token") == token else None)
        return token

    def _page_params(self, request: Request, sort_fields: tuple[str, ...]) -> tuple[int | None, int | None, str, bool]:
        args = request.args
        details: dict[str, str] = {}
        page = size = None
        for key in ("page", "pageSize"):
            if key in args:
                try:
                    value = int(args[key])
                    if value < 1:
                        raise ValueError
                except ValueError:
                    details[key] = f"{args[key]!r} is not a positive integer"
                    continue
                if key == "page":
                    page = value
                else:
                    size = value
        if ("page" in args) != ("pageSize" in args):
            details["page" if "page" not in args else "pageSize"] = "Required when page or pageSize is given"
        sort_field = args.get("sortField", sort_fields[0])
        if sort_field not in sort_fields:
            details["sortField"] = f'"{sort_field}" is not one of {", ".join(sort_fields)}'
        order = args.get("sortOrder", "asc")
        if order not in ("asc", "desc"):
            details["sortOrder"] = f'"{order}" is not one of asc, desc'
        if details:
            raise self._bad(details, "GET data error")
        return page, size, sort_field, order == "desc"

    def _paged(self, request: Request, items: list, page: int | None, size: int | None) -> tuple[list, list[dict]]:
        """One page of ``items`` and the hypermedia links (first/previous/next/last/self)."""
        links: list[dict] = []
        if page is None or size is None:
            return items, self._links(request)
        pages = max(1, -(-len(items) // size))
        base = request.base_url
        rest = {k: v for k, v in request.args.items() if k not in ("page", "pageSize")}

        def href(p: int) -> str:
            return f"{base}?{urlencode({'page': p, 'pageSize': size, **rest})}"

        if page > 1:
            links += [{"href": href(1), "rel": "first"}, {"href": href(min(page - 1, pages)), "rel": "previous"}]
        if page < pages:
            links += [{"href": href(page + 1), "rel": "next"}, {"href": href(pages), "rel": "last"}]
        links.append({"href": href(page), "rel": "self"})
        return items[(page - 1) * size: page * size], links

    def _require(self, body: dict[str, Any], *fields: str) -> dict[str, str]:
        return {f: "Required" for f in fields if body.get(f) in (None, "")}

    def _check_strings(self, body: dict[str, Any], limits: dict[str, int]) -> dict[str, str]:
        errors = {}
        for field, limit in limits.items():
            if field not in body:
                continue
            if not isinstance(body[field], str):
                errors[field] = "Not a valid string"
            elif len(body[field]) > limit:
                errors[field] = f"Longer than maximum length {limit}"
        return errors

    def _check_bool(self, body: dict[str, Any], *fields: str) -> dict[str, str]:
        return {f: "Not a valid boolean" for f in fields if f in body and not isinstance(body[f], bool)}

    def _check_password(self, d: dict, m_name: str, password: Any, used: Iterable[str] = (), *,
                        exchange: bool = False) -> None:
        if not isinstance(password, str):
            raise flat({"password": "Not a valid string"})
        problem = password_problem(password, m_name, d["name"], used, exchange=exchange)
        if problem:
            raise flat({"password": problem})

    def _set_password(self, m: dict[str, Any], password: str) -> None:
        m["password"] = password
        m["history"].append(password)
        m.pop("token", None)  # a new password ends the OX session

    def _check_mailbox_name(self, name: str) -> None:
        if not MAILBOX_NAME_RE.match(name):
            raise flat({"mailboxName": "String should match [a-zA-Z0-9._-]+ and be at most 64 characters"})

    def _count_type(self, d: dict, ox_type: str, skip: dict | None = None) -> int:
        return sum(1 for m in d["mailboxes"].values()
                   if m is not skip and m.get("ox") and m["ox"]["type"] == ox_type)

    def _check_type_limit(self, d: dict, ox_type: str, skip: dict | None = None) -> None:
        limit = d["limits"].get(ox_type, -1)
        if limit > 0 and self._count_type(d, ox_type, skip) >= limit:
            raise flat({"computeFault": "Number of mailboxes exceeded"})

    def _check_ox_type(self, value: Any) -> None:
        if value in (None, ""):
            raise flat({"type": "Required"})
        if value not in OX_TYPES:
            raise flat({"type": f'"{value}" is not one of {", ".join(OX_TYPES)}'})

    def _change_ox_type(self, d: dict, m: dict, new_type: str) -> None:
        """Move a mailbox's OX account to ``new_type``: per-type limit, then the new type's quota."""
        if new_type == m["ox"]["type"]:
            return
        self._check_type_limit(d, new_type, skip=m)
        if m["usage"] > OX_TYPE_QUOTA[new_type]:
            raise flat({"message": "Current mailbox usage is larger than the new quota value"})
        m["ox"]["type"] = new_type
        m["quota"] = OX_TYPE_QUOTA[new_type]

    def _provision(self, m: dict[str, Any]) -> None:
        """A new mailbox's IMAP store comes up after the ``mailbox_ready`` delay."""
        m["ready"] = False
        self.scheduler.after(self.delay("mailbox_ready"), lambda: m.update(ready=True))

    # ---- email domain -----------------------------------------------------------------------------------------
    def on_domain_get(self, request: Request, account: str, domain: str) -> Response:
        d = self._domain(domain, account)
        quota = sum(m["quota"] for m in d["mailboxes"].values())
        return json_response({"quota": quota, "links": self._links(request, self._dpath(d) + "/")})

    def on_aliases_list(self, request: Request, account: str, domain: str) -> Response:
        d = self._domain(domain, account)
        return json_response({"list": list(d["aliases"]), "links": self._links(request, self._dpath(d) + "/aliases/")})

    def on_statistics_get(self, request: Request, account: str, domain: str) -> Response:
        d = self._domain(domain, account)
        counts = dict.fromkeys(("numStandard", "numActiveSync", "numPremium", "numExchange2013Standard",
                                "numExchange2013Premium"), 0)
        keys = {"standard": "numStandard", "activesync": "numActiveSync", "premium": "numPremium"}
        for m in d["mailboxes"].values():
            if m["kind"] == "exchange":
                counts["numExchange2013Premium" if m["type"] == "premium" else "numExchange2013Standard"] += 1
            elif m.get("ox"):
                counts[keys[m["ox"]["type"]]] += 1
        path = self._dpath(d) + "/statistics/mailboxTypeCount/"
        return json_response({**counts, "links": self._links(request, path)})

    def on_infostore_get(self, request: Request, account: str, domain: str) -> Response:
        d = self._domain(domain, account)
        return json_response({"infoStore": dict(d["infostore"]),
                              "links": self._links(request, self._dpath(d) + "/infostore/")})

    def on_infostore_put(self, request: Request, account: str, domain: str) -> Response:
        d = self._domain(domain, account)
        body = self._body(request)
        quota = body.get("quota")
        if quota is None:
            raise self._bad({"quota": "Required"})
        if not isinstance(quota, int) or isinstance(quota, bool):
            raise self._bad({"quota": "Not a valid integer"})
        if quota < 0:
            raise self._bad({"quota": f"{quota} is less than minimum value 0"})
        if quota < d["infostore"]["usage"]:
            raise self._bad({"message": "Used storage exceeds the quota value"})
        d["infostore"]["quota"] = quota
        return json_response(None, 204)

    def on_avas_sso_link(self, request: Request, account: str, domain: str) -> Response:
        d = self._domain(domain, account)
        link = f"https://avas.hostway.example/sso?domain={d['name']}&token={self.new_guid()}"
        return json_response({"ssoLink": link, "links": self._links(request)})

    # ---- black/white lists (domain and mailbox share these helpers) -----------------------------------------
    def _bwl_list(self, request: Request, entries: dict[str, str]) -> Response:
        page, size, sort_field, desc = self._page_params(request, ("address", "type"))
        items = [{"type": t, "address": a} for a, t in entries.items()]
        if "filterAddress" in request.args:
            pattern = _wildcard(request.args["filterAddress"])
            items = [i for i in items if pattern.match(i["address"])]
        if "filterType" in request.args:
            wanted = request.args["filterType"].upper()
            if wanted not in ("W", "B"):
                raise self._bad({"filterType": f'"{request.args["filterType"]}" is not one of B, W'}, "GET data error")
            items = [i for i in items if i["type"] == wanted]
        if "sortField" in request.args or "sortOrder" in request.args:
            items.sort(key=lambda i: (i[sort_field].lower(), i["address"].lower()), reverse=desc)
        total = len(items)
        items, links = self._paged(request, items, page, size)
        return json_response({"totalCount": total, "list": items, "links": links})

    def _bwl_put(self, request: Request, entries: dict[str, str]) -> Response:
        body = self._body(request)
        rows = body.get("list")
        if rows is None:
            raise self._bad({"list": "Required"})
        if not isinstance(rows, list):
            raise self._bad({"list": "Not a valid list"})
        details: dict[str, str] = {}
        clean = []
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                details[f"list.{i}"] = "Not a valid object"
                continue
            kind, address = row.get("type"), row.get("address")
            if kind in (None, ""):
                details[f"list.{i}.type"] = "Required"
            elif kind not in ("B", "W"):
                details[f"list.{i}.type"] = f'"{kind}" is not one of B, W'
            if address in (None, ""):
                details[f"list.{i}.address"] = "Required"
            elif not isinstance(address, str) or not (EMAIL_RE.match(address) or DOMAIN_ADDRESS_RE.match(address)):
                details[f"list.{i}.address"] = f"Invalid address format: {address}"
            clean.append((address, kind))
        if details:
            raise self._bad(details)
        for address, kind in clean:
            entries[address.lower()] = kind
        return json_response(None, 204)

    def _bwl_entry(self, entries: dict[str, str], address: str) -> str:
        key = address.lower()
        if key not in entries:
            raise self._not_found("Address not found")
        return key

    def _bwl_get(self, request: Request, entries: dict[str, str], address: str) -> Response:
        key = self._bwl_entry(entries, address)
        return json_response({"type": entries[key], "address": key, "links": self._links(request)})

    def _bwl_delete(self, entries: dict[str, str], address: str) -> Response:
        del entries[self._bwl_entry(entries, address)]
        return json_response(None, 204)

    def on_domain_bwl_list(self, request: Request, account: str, domain: str) -> Response:
        return self._bwl_list(request, self._domain(domain, account)["bwl"])

    def on_domain_bwl_put(self, request: Request, account: str, domain: str) -> Response:
        return self._bwl_put(request, self._domain(domain, account)["bwl"])

    def on_domain_bwl_get(self, request: Request, account: str, domain: str, address: str) -> Response:
        return self._bwl_get(request, self._domain(domain, account)["bwl"], address)

    def on_domain_bwl_delete(self, request: Request, account: str, domain: str, address: str) -> Response:
        return self._bwl_delete(self._domain(domain, account)["bwl"], address)

    def on_mailbox_bwl_list(self, request: Request, account: str, domain: str, mailbox: str) -> Response:
        return self._bwl_list(request, self._user(domain, mailbox, account)[1].setdefault("bwl", {}))

    def on_mailbox_bwl_put(self, request: Request, account: str, domain: str, mailbox: str) -> Response:
        return self._bwl_put(request, self._user(domain, mailbox, account)[1].setdefault("bwl", {}))

    def on_mailbox_bwl_get(self, request: Request, account: str, domain: str, mailbox: str, address: str
                           ) -> Response:
        return self._bwl_get(request, self._user(domain, mailbox, account)[1].setdefault("bwl", {}), address)

    def on_mailbox_bwl_delete(self, request: Request, account: str, domain: str, mailbox: str, address: str
                              ) -> Response:
        return self._bwl_delete(self._user(domain, mailbox, account)[1].setdefault("bwl", {}), address)

    # ---- CleanMailPlus (domain and mailbox) -----------------------------------------------------------------
    def _cmp_view(self, *layers: dict[str, str]) -> list[dict[str, Any]]:
        fields = []
        for name, (description, default, options) in CLEANMAIL_FIELDS.items():
            selected = default
            for layer in layers:
                selected = layer.get(name, selected)
            fields.append({"selected": selected, "fieldName": name, "description": description,
                           "options": [{"name": n, "value": v} for n, v in options]})
        return fields

    def _cmp_put(self, request: Request, settings: dict[str, str]) -> Response:
        body = self._body(request)
        attributes = body.get("attributes")
        if attributes is None:
            raise flat({"attributes": "Required"})
        if not isinstance(attributes, list):
            raise flat({"attributes": "Not a valid list"})
        errors: dict[str, str] = {}
        changes = {}
        for i, attr in enumerate(attributes):
            if not isinstance(attr, dict):
                errors[f"attributes.{i}"] = "Not a valid object"
                continue
            name, value = attr.get("attributeName"), attr.get("attributeValue")
            missing = self._require(attr, "attributeName", "attributeValue")
            if missing:
                errors.update({f"attributes.{i}.{k}": v for k, v in missing.items()})
                continue
            if not isinstance(name, str) or name not in CLEANMAIL_FIELDS:
                errors[f"attributes.{i}"] = f"{name} is not valid filter attribute name"
                continue
            options = [v for _, v in CLEANMAIL_FIELDS[name][2]]
            value = str(value)
            if (options and value not in options) or (not options and not value.isdigit()):
                errors[f"attributes.{i}"] = f"{value} is not valid attribute option for {name} filter attribute"
                continue
            changes[name] = value
        if errors:
            raise flat(errors)
        settings.update(changes)
        return json_response(None, 204)

    def on_domain_cmp_get(self, request: Request, account: str, domain: str) -> Response:
        return json_response(self._cmp_view(self._domain(domain, account)["cmp"]))

    def on_domain_cmp_put(self, request: Request, account: str, domain: str) -> Response:
        return self._cmp_put(request, self._domain(domain, account)["cmp"])

    def on_mailbox_cmp_get(self, request: Request, account: str, domain: str, mailbox: str) -> Response:
        d, m = self._user(domain, mailbox, account)
        return json_response(self._cmp_view(d["cmp"], m.get("cmp", {})))

    def on_mailbox_cmp_put(self, request: Request, account: str, domain: str, mailbox: str) -> Response:
        return self._cmp_put(request, self._user(domain, mailbox, account)[1].setdefault("cmp", {}))

    # ---- global address book contacts -------------------------------------------------------------------------
    @staticmethod
    def _contact(body: dict[str, Any]) -> dict[str, str]:
        return {f: str(body.get(f) or "") for f in CONTACT_FIELDS}

    def _contact_view(self, request: Request, d: dict, contact: dict[str, str]) -> dict[str, Any]:
        path = f"{self._dpath(d)}/contacts/{contact['name']}"
        return {**contact, "links": self._links(request, path)}

    def _contact_errors(self, body: dict[str, Any]) -> dict[str, str]:
        errors = {f: "Not a valid string" for f in CONTACT_FIELDS if f in body and not isinstance(body[f], str)}
        email = body.get("email")
        if isinstance(email, str) and email and not EMAIL_RE.match(email):
            errors["email"] = "Invalid email address"
        return errors

    def on_contacts_list(self, request: Request, account: str, domain: str) -> Response:
        d = self._domain(domain, account)
        fields = {f.lower(): f for f in CONTACT_FIELDS}
        tests = []
        for key, value in request.args.items():
            for prefix in ("filter", "search"):
                if key.startswith(prefix) and len(key) > len(prefix):
                    field = fields.get(key[len(prefix):].lower())
                    if field is None:
                        raise flat({key: "Unknown contact field"})
                    tests.append((prefix, field, value.lower()))
        found = []
        for contact in d["contacts"].values():
            ok = all(contact[f].lower() == v if p == "filter" else v in contact[f].lower() for p, f, v in tests)
            if ok:
                found.append(self._contact_view(request, d, contact))
        found.sort(key=lambda c: c["name"])
        return json_response({"count": len(found), "list": found,
                              "links": self._links(request, self._dpath(d) + "/contacts")})

    def on_contact_create(self, request: Request, account: str, domain: str) -> Response:
        d = self._domain(domain, account)
        body = self._body(request)
        errors = self._require(body, "displayName", "name", "email")
        errors.update({k: v for k, v in self._contact_errors(body).items() if k not in errors})
        if errors:
            raise flat(errors)
        if body["name"] in d["contacts"]:
            # The doc's 409 carries a guid (an error reference) beside code, message and details.
            raise Answer(self.error(409, "Data conflict", details="", guid=self.new_guid()))
        d["contacts"][body["name"]] = self._contact(body)
        return json_response(None, 204)

    def _find_contact(self, d: dict, contact: str) -> dict[str, str]:
        if contact not in d["contacts"]:
            raise self._not_found("Contact not found")
        return d["contacts"][contact]

    def on_contact_get(self, request: Request, account: str, domain: str, contact: str) -> Response:
        d = self._domain(domain, account)
        return json_response(self._contact_view(request, d, self._find_contact(d, contact)))

    def on_contact_put(self, request: Request, account: str, domain: str, contact: str) -> Response:
        d = self._domain(domain, account)
        found = self._find_contact(d, contact)
        body = self._body(request)
        errors = self._contact_errors(body)
        if "name" in body:
            errors["name"] = "The contact name cannot be changed"
        if body.get("email") == "":
            errors["email"] = "Invalid email address"
        if errors:
            raise flat(errors)
        found.update({k: v for k, v in body.items() if k in CONTACT_FIELDS})
        return json_response(None, 204)

    def on_contact_delete(self, request: Request, account: str, domain: str, contact: str) -> Response:
        d = self._domain(domain, account)
        self._find_contact(d, contact)
        del d["contacts"][contact]
        return json_response(None, 204)

    # ---- domain webmail settings, limits, names, upgrade ----------------------------------------------------
    def on_domain_webmail_get(self, request: Request, account: str, domain: str) -> Response:
        d = self._domain(domain, account)
        return json_response({**d["webmail"], "links": self._links(request, self._dpath(d) + "/webmail/",
                                                                   key="location")})

    def on_domain_webmail_put(self, request: Request, account: str, domain: str) -> Response:
        d = self._domain(domain, account)
        body = self._body(request)
        if "allowUpgrade" not in body:
            raise flat({"allowUpgrade": "Required"})
        if not isinstance(body["allowUpgrade"], bool):
            raise flat({"allowUpgrade": "Not a valid boolean"})
        if body["allowUpgrade"] and not d["upgrade_allowed"]:
            raise self._conflict("Upgrade is disabled at the product level and cannot be turned on")
        d["webmail"]["allowUpgrade"] = body["allowUpgrade"]
        return json_response(None, 204)

    def on_webmail_limits(self, request: Request, domain: str, account: str | None = None) -> Response:
        d = self._domain(domain, account)
        return json_response({"webmailLimits": dict(d["limits"]), "links": self._links(request)})

    def on_webmail_names(self, request: Request, domain: str, account: str | None = None) -> Response:
        self._domain(domain, account)
        return json_response({"webmailNames": dict(DEFAULT_NAMES), "links": self._links(request)})

    def on_webmail_upgrade(self, request: Request, domain: str, account: str | None = None) -> Response:
        d = self._domain(domain, account)
        return json_response({"allowed": d["upgrade_allowed"], "links": self._links(request)})

    # ---- usernames and mailboxes ------------------------------------------------------------------------------
    def _list_item(self, request: Request, d: dict, m: dict, details: bool) -> dict[str, Any]:
        exchange = m["kind"] == "exchange"
        ox = m.get("ox") or {}
        sub = "/exchange/" if exchange else "/mailbox/"
        item: dict[str, Any] = {"username": m["username"]}
        if details:
            item["webmailAccess"] = ox.get("type")
        item.update({
            "links": self._links(request, self._upath(d, m) + sub),
            "type": "exchange" if exchange else "imap", "quota": m["quota"], "master": m["master"],
            "trialType": ox.get("trialType"), "trialExpiration": ox.get("trialExpiration"),
            "allowUpgrade": bool(ox.get("allowUpgrade", False)),
        })
        return item

    def on_usernames_list(self, request: Request, account: str, domain: str) -> Response:
        d = self._domain(domain, account)
        page, size, sort_field, desc = self._page_params(request, ("username", "quota"))
        details = request.args.get("details") == "1"
        boxes = list(d["mailboxes"].values())
        if "filterUsername" in request.args:
            pattern = _wildcard(request.args["filterUsername"])
            boxes = [m for m in boxes if pattern.match(m["username"])]
        if sort_field == "quota":
            boxes.sort(key=lambda m: (m["quota"], m["username"]), reverse=desc)
        else:
            boxes.sort(key=lambda m: m["username"], reverse=desc)
        total = len(boxes)
        boxes, links = self._paged(request, boxes, page, size)
        body: dict[str, Any] = {"totalCount": str(total), "list": [self._list_item(request, d, m, details)
                                                                   for m in boxes]}
        if page is not None:
            body["links"] = links
        return json_response(body)

    def on_username_get(self, request: Request, account: str, domain: str, mailbox: str) -> Response:
        d, m = self._user(domain, mailbox, account)
        base = self._upath(d, m)
        kind = "exchange" if m["kind"] == "exchange" else "mailbox"
        return json_response({
            kind: self._links(request, f"{base}/{kind}/", rel="related"),
            "secrets": self._links(request, f"{base}/secrets/", rel="related"),
            "links": self._links(request, base + "/"),
        })

    def on_mailbox_get(self, request: Request, account: str, domain: str, mailbox: str) -> Response:
        d, m = self._user(domain, mailbox, account, kind="mailbox")
        return json_response({
            "username": m["username"], "authToken": self._auth_token(m), "master": m["master"],
            "quota": m["quota"], "usage": m["usage"],
            "links": self._links(request, self._upath(d, m) + "/mailbox/"),
            "sitemail_urls": [dict(u) for u in SITEMAIL_URLS],
        })

    def on_mailbox_put(self, request: Request, account: str, domain: str, mailbox: str) -> Response:
        self._check_mailbox_name(mailbox)
        d = self._domain(domain, account)
        body = self._body(request)
        m = d["mailboxes"].get(mailbox.lower())
        if m is not None and m["kind"] != "mailbox":
            raise self._conflict("Mailbox already exists")
        errors = self._check_bool(body, "master")
        if "quota" in body and (not isinstance(body["quota"], int) or isinstance(body["quota"], bool)):
            errors["quota"] = "Not a valid integer"
        if errors:
            raise flat(errors)
        if m is None:
            return self._mailbox_create(request, d, mailbox.lower(), body)
        return self._mailbox_update(d, m, body)

    def _mailbox_create(self, request: Request, d: dict, name: str, body: dict[str, Any]) -> Response:
        if "username" in body:
            raise flat({"username": "Should be used when updating mailbox only"})
        if body.get("password") in (None, ""):
            raise flat({"password": "Required"})
        if "quota" in body and body["quota"] <= 0:
            raise flat({"computeFault": "Quota must be greater than 0"})
        ox_type = body.get("type", "standard")
        self._check_ox_type(ox_type)
        self._check_type_limit(d, ox_type)
        self._check_password(d, name, body["password"])
        m = self._new_mailbox(d, name, body["password"], master=body.get("master", False), quota=body.get("quota"),
                              ox_type=ox_type)
        self._provision(m)
        location = self._url(request, self._upath(d, m) + "/mailbox")
        return json_response(None, 201, {"Location": location})

    def _mailbox_update(self, d: dict, m: dict, body: dict[str, Any]) -> Response:
        if "quota" in body and body["quota"] <= 0:
            raise flat({"computeFault": "Quota must be greater than 0"})
        new_name = body.get("username")
        if new_name is not None:
            if not isinstance(new_name, str) or not MAILBOX_NAME_RE.match(new_name):
                raise flat({"username": "String should match [a-zA-Z0-9._-]+ and be at most 64 characters"})
            if new_name.lower() != m["username"] and new_name.lower() in d["mailboxes"]:
                raise flat({"username": "Mailbox already exists"})
        if "type" in body:
            self._check_ox_type(body["type"])
            if m.get("ox") is None:
                raise flat({"type": "The mailbox has no webmail account"})
        if "password" in body:
            self._check_password(d, (new_name or m["username"]).lower(), body["password"], m["history"])
        if "type" in body:
            self._change_ox_type(d, m, body["type"])
        if "password" in body:
            self._set_password(m, body["password"])
        if "master" in body:
            m["master"] = body["master"]
        if "quota" in body:
            m["quota"] = body["quota"]
        if new_name is not None and new_name.lower() != m["username"]:
            self._rename(d, m, new_name.lower())
        return json_response(None, 204)

    def _rename(self, d: dict, m: dict, new: str) -> None:
        old_addresses = {f"{m['username']}@{name}" for name in [d["name"], *d["aliases"]]}
        del d["mailboxes"][m["username"]]
        m["username"] = new
        d["mailboxes"][new] = m
        # Local forwards follow the renamed mailbox so they never point at a name that no longer exists.
        for other in d["mailboxes"].values():
            targets = other.get("forwards")
            if targets:
                other["forwards"] = [f"{new}@{t.split('@')[1]}" if t in old_addresses else t for t in targets]

    def _remove_user(self, d: dict, m: dict) -> None:
        del d["mailboxes"][m["username"]]
        gone = {f"{m['username']}@{name}" for name in [d["name"], *d["aliases"]]}
        for other in d["mailboxes"].values():
            if other.get("forwards"):
                other["forwards"] = [t for t in other["forwards"] if t not in gone]

    def on_mailbox_delete(self, request: Request, account: str, domain: str, mailbox: str) -> Response:
        d, m = self._user(domain, mailbox, account, kind="mailbox")
        self._remove_user(d, m)
        return json_response(None, 204)

    def _message_stats(self, request: Request, m: dict) -> Response:
        if self.faults.take_action_error("messagestats"):
            return self.error(502, "Unable to get message count. IMAP search operation failed.")
        if not m.get("ready", True):
            return self.error(502, "Unable to get message count. No IMAP connection")
        stats = m.get("stats") or {}
        count = {folder: {"allMessages": stats.get(folder, [0, 0])[0], "unreadMessages": stats.get(folder, [0, 0])[1]}
                 for folder in ("inbox", "sent", "spam")}
        return json_response({"messageCount": count, "links": self._links(request)})

    def on_mailbox_messagestats(self, request: Request, account: str, domain: str, mailbox: str) -> Response:
        return self._message_stats(request, self._user(domain, mailbox, account, kind="mailbox")[1])

    def on_migration_create(self, request: Request, account: str, domain: str, mailbox: str) -> Response:
        d, m = self._user(domain, mailbox, account)
        body = self._body(request)
        errors = self._require(body, "subject", "body")
        errors.update({k: v for k, v in self._check_strings(body, {"subject": 255, "body": 65535}).items()
                       if k not in errors})
        if errors:
            raise flat(errors)
        self.tickets.append({"id": self.new_guid(), "domain": d["name"], "mailbox": m["username"],
                             "subject": body["subject"], "body": body["body"], "created": self.clock.now()})
        return json_response(None, 201)

    # ---- password reset actions (mailbox and Exchange; public, proven by secret answers) --------------------
    def _reset_password(self, request: Request, domain: str, mailbox: str, account: str | None, kind: str
                        ) -> Response:
        d, m = self._user(domain, mailbox, account, kind=kind)
        body = self._body(request)
        action = body.get("action")
        if action in (None, ""):
            raise flat({"action": "Required"})
        if action != "resetPassword":
            raise flat({"action": f'"{action}" is not one of resetPassword'})
        data = body.get("actionData")
        if not isinstance(data, dict):
            raise flat({"actionData": "Required" if data is None else "Not a valid object"})
        answers = data.get("secretQuestionsAnswers", data.get("secretQuestionsAnswersList"))
        errors = {}
        if not isinstance(answers, dict) or not answers:
            errors["actionData.secretQuestionsAnswers"] = "Required"
        else:
            # "answer - string (Required) ... must be at least two characters": a malformed answer is a 400, not 409.
            for tk, answer in answers.items():
                if not isinstance(answer, str) or len(answer) < 2:
                    errors[f"actionData.secretQuestionsAnswers.{tk}"] = "Shorter than minimum length 2"
        if data.get("password") in (None, ""):
            errors["actionData.password"] = "Required"
        if errors:
            raise flat(errors)
        on_file = m.get("secrets") or {}
        if not on_file or any(on_file.get(tk) != answer for tk, answer in answers.items()):
            # Exactly the doc's body: message and code, no details.
            raise Answer(json_response({"conflict": {"message": "Invalid secret questions and answers provided",
                                                     "code": 409}}, 409))
        self._check_password(d, m["username"], data["password"], m["history"], exchange=kind == "exchange")
        if self.faults.take_action_error("resetPassword"):
            return self.error(500, "Password reset failed")
        self._set_password(m, data["password"])
        return json_response(None, 204)

    def on_mailbox_action(self, request: Request, domain: str, mailbox: str, account: str | None = None
                          ) -> Response:
        return self._reset_password(request, domain, mailbox, account, "mailbox")

    def on_exchange_action(self, request: Request, domain: str, mailbox: str, account: str | None = None
                           ) -> Response:
        return self._reset_password(request, domain, mailbox, account, "exchange")

    # ---- Exchange mailboxes -----------------------------------------------------------------------------------
    def on_exchange_get(self, request: Request, account: str, domain: str, mailbox: str) -> Response:
        d, m = self._user(domain, mailbox, account, kind="exchange")
        f = m["fields"]
        address = f"{m['username']}@{d['name']}"
        base = self._upath(d, m)

        def size(mb: int) -> str:
            return f"{mb} MB ({mb * 1048576:,} bytes)"

        return json_response({
            "maxReceiveSize": "50 MB (52,428,800 bytes)", "maxSendSize": "50 MB (52,428,800 bytes)",
            "primarySmtpAddress": address, "quota": size(m["quota"]), "recipientLimits": "100",
            "rejectMessagesFromSendersOrMembers": "", "requireSenderAuthenticationEnabled": False,
            "totalItemSize": size(m["usage"]) if m["usage"] else "0",
            "activeSyncAllowedDeviceIDs": [], "activeSyncBlockedDeviceIDs": [], "activeSyncEnabled": True,
            "activeSyncMailboxPolicy": "Default", "hasActiveSyncDevicePartnership": False, "imapEnabled": True,
            "mapiEnabled": True, "owaEnabled": True, "popEnabled": True, "serverName": "uc4-exmbx01",
            "whenChanged": self._exchange_time(m["changed"]), "whenCreated": self._exchange_time(m["created"]),
            "city": f.get("city", ""), "company": f.get("company", ""), "country": f.get("country", ""),
            "department": f.get("department", ""), "emailAddress": address, "fax": f.get("fax", ""),
            "homePhone": f.get("homePhone", ""), "manager": "", "mobilePhone": f.get("mobilePhone", ""),
            "notes": "", "office": "", "postalCode": f.get("postalCode", ""),
            "recipientType": RESOURCE_TYPES[m["resourceType"]], "resourceType": m["resourceType"],
            "type": m["type"], "state": f.get("state", ""), "street": f.get("street", ""),
            "title": f.get("title", ""), "webPage": "", "workPhone": "", "displayName": f.get("displayName", ""),
            "firstName": f.get("firstName", ""), "lastName": f.get("lastName", ""), "username": m["username"],
            "domain": d["name"], "alias": m["username"], "acceptMessagesOnlyFromSendersOrMembers": "",
            "archiveDatabase": "", "archiveQuota": "50 GB (53,687,091,200 bytes)", "database": "DAG01-DB01",
            "deliverToMailboxAndForward": False,
            "emailAddresses": [{"address": address, "header": "SMTP"}]
            + [{"address": f"{m['username']}@{a}", "header": "smtp"} for a in d["aliases"]],
            "forwardingSmtpAddress": "", "hiddenFromAddressListsEnabled": False, "itemCount": "0",
            "links": self._links(request, base + "/exchange/")
            + self._links(request, base + "/secrets", rel="related"),
        })

    def on_exchange_put(self, request: Request, account: str, domain: str, mailbox: str) -> Response:
        self._check_mailbox_name(mailbox)
        d = self._domain(domain, account)
        body = self._body(request)
        m = d["mailboxes"].get(mailbox.lower())
        if m is not None and m["kind"] != "exchange":
            raise self._conflict("Mailbox already exists")
        if d["disabled"]:
            raise self._conflict("The domain is disabled")
        errors = self._check_strings(body, EXCHANGE_FIELDS) | self._check_bool(body, "resetPassword")
        if "type" in body and body["type"] not in EXCHANGE_TYPES:
            errors["type"] = f'"{body["type"]}" is not one of {", ".join(EXCHANGE_TYPES)}'
        if m is None:
            errors = self._require(body, "password", "displayName") | errors
            resource = body.get("resourceType", "user")
            if not isinstance(resource, str) or resource not in RESOURCE_TYPES:
                errors["resourceType"] = f'"{body["resourceType"]}" is not one of user, equipment, room'
        elif "resourceType" in body:
            errors["resourceType"] = "resourceType cannot be updated"
        if errors:
            raise flat(errors)
        if m is None:
            self._check_password(d, mailbox.lower(), body["password"], exchange=True)
            fields = {k: body[k] for k in EXCHANGE_FIELDS if k in body}
            m = self._new_exchange(d, mailbox, body["password"], fields, xtype=body.get("type", "standard"),
                                   resource=body.get("resourceType", "user"))
            m["resetPassword"] = body.get("resetPassword", False)
            self._provision(m)
            return json_response(None, 201, {"Location": self._url(request, self._upath(d, m) + "/exchange")})
        if "password" in body:
            self._check_password(d, m["username"], body["password"], m["history"], exchange=True)
            self._set_password(m, body["password"])
        if "type" in body and body["type"] != m["type"]:
            m["type"] = body["type"]
            m["quota"] = EXCHANGE_QUOTA[body["type"]]
        if "resetPassword" in body:
            m["resetPassword"] = body["resetPassword"]
        m["fields"].update({k: body[k] for k in EXCHANGE_FIELDS if k in body})
        m["changed"] = self.clock.now()
        return json_response(None, 204)

    def on_exchange_delete(self, request: Request, account: str, domain: str, mailbox: str) -> Response:
        d, m = self._user(domain, mailbox, account, kind="exchange")
        if d["disabled"]:
            raise self._conflict("The domain is disabled")
        self._remove_user(d, m)
        return json_response(None, 204)

    def on_exchange_messagestats(self, request: Request, account: str, domain: str, mailbox: str) -> Response:
        return self._message_stats(request, self._user(domain, mailbox, account, kind="exchange")[1])

    # ---- forwards ---------------------------------------------------------------------------------------------
    def on_forwards_get(self, request: Request, account: str, domain: str, mailbox: str) -> Response:
        d, m = self._user(domain, mailbox, account)
        return json_response({"targets": [{"target": t} for t in m.get("forwards", [])],
                              "links": self._links(request, self._upath(d, m) + "/forwards/", key="location")})

    def on_forwards_post(self, request: Request, account: str, domain: str, mailbox: str) -> Response:
        d, m = self._user(domain, mailbox, account)
        body = self._body(request)
        targets = body.get("targets")
        if targets is None:
            raise flat({"targets": "Required"})
        if not isinstance(targets, list):
            raise flat({"targets": "Not a valid list"})
        if not targets:
            raise flat({"targets": "Shorter than minimum length 1"})
        errors: dict[str, str] = {}
        circular = None
        clean = []
        for i, item in enumerate(targets):
            target = item.get("target") if isinstance(item, dict) else None
            if not isinstance(target, str) or not target:
                errors[f"targets.{i}.target"] = "Required"
                continue
            if not EMAIL_RE.match(target):
                errors[target] = "Invalid email address"
                continue
            local, tdomain = target.lower().rsplit("@", 1)
            target_domain = self.domains.get(tdomain)
            if tdomain == d["name"] and local == m["username"]:
                errors[target] = "Is the same as current mailbox"
            elif local == m["username"] and (
                    tdomain in d["aliases"] or (target_domain is not None and d["name"] in target_domain["aliases"])):
                # Both loops the doc names: the target's domain is an alias of the source's, or the reverse.
                circular = circular or target
            elif tdomain == d["name"] and local not in d["mailboxes"]:
                errors[target] = "Target not found"
            clean.append(target.lower())
        if errors:
            raise flat(errors)
        if circular:
            raise self._conflict(f"Circular target {circular}", details="")
        existing = m.setdefault("forwards", [])
        existing.extend(t for t in dict.fromkeys(clean) if t not in existing)
        return json_response(None, 204)

    def on_forward_delete(self, request: Request, account: str, domain: str, mailbox: str, target: str
                          ) -> Response:
        d, m = self._user(domain, mailbox, account)
        wanted = target.lower() if "@" in target else f"{target.lower()}@{d['name']}"
        if wanted not in m.get("forwards", []):
            raise self._not_found("Forward not found")
        m["forwards"].remove(wanted)
        return json_response(None, 204)

    # ---- autoresponder ----------------------------------------------------------------------------------------
    def on_autoresponder_get(self, request: Request, account: str, domain: str, mailbox: str) -> Response:
        d, m = self._user(domain, mailbox, account)
        auto = m.get("autoresponder") or {"body": "", "active": False, "subject": ""}
        return json_response({**auto, "links": self._links(request, self._upath(d, m) + "/autoresponder")})

    def on_autoresponder_put(self, request: Request, account: str, domain: str, mailbox: str) -> Response:
        _, m = self._user(domain, mailbox, account)
        body = self._body(request)
        errors = self._require(body, "body")
        if "active" not in body:
            errors["active"] = "Required"
        errors.update(self._check_bool(body, "active"))
        errors.update({k: v for k, v in self._check_strings(body, {"subject": 255, "body": 65535}).items()
                       if k not in errors})
        if errors:
            raise flat(errors)
        m["autoresponder"] = {"body": body["body"], "active": body["active"], "subject": body.get("subject", "")}
        return json_response(None, 204)

    # ---- mailbox webmail (OX account) -------------------------------------------------------------------------
    def _ox_user(self, domain: str, mailbox: str, account: str | None) -> tuple[dict, dict]:
        d, m = self._user(domain, mailbox, account, kind="mailbox")
        if m.get("ox") is None:
            raise self._not_found("OpenXchange account not found")
        return d, m

    def on_webmail_get(self, request: Request, domain: str, mailbox: str, account: str | None = None) -> Response:
        d, m = self._ox_user(domain, mailbox, account)
        ox = m["ox"]
        body: dict[str, Any] = {}
        if account is not None:  # the authToken comes only with the long "/accounts" URL
            body["authToken"] = self._auth_token(m)
        body.update({"type": ox["type"], "allowUpgrade": ox["allowUpgrade"]})
        if account is not None:
            body["resetPassword"] = ox["resetPassword"]
        body.update({"theme": ox["theme"], "language": ox["language"], "timezone": ox["timezone"],
                     "links": self._links(request)})
        return json_response(body)

    def on_webmail_post(self, request: Request, domain: str, mailbox: str, account: str | None = None
                        ) -> Response:
        d, m = self._user(domain, mailbox, account, kind="mailbox")
        body = self._body(request)
        ox_type = body.get("type", "standard")
        self._check_ox_type(ox_type)
        errors = self._check_bool(body, "allowUpgrade") | self._check_strings(
            body, {"theme": 64, "language": 16, "timezone": 64})
        if errors:
            raise flat(errors)
        if m.get("ox") is not None:
            raise self._conflict("OpenXchange account already exists")
        self._check_type_limit(d, ox_type)
        ox = self._ox(ox_type, body.get("allowUpgrade", True))
        ox.update({k: body[k] for k in ("theme", "language", "timezone") if k in body})
        m["ox"] = ox
        m["quota"] = OX_TYPE_QUOTA[ox_type]
        return json_response(None, 201, {"Location": request.url})

    def on_webmail_put(self, request: Request, domain: str, mailbox: str, account: str | None = None) -> Response:
        d, m = self._ox_user(domain, mailbox, account)
        ox = m["ox"]
        body = self._body(request)
        if "type" in body:
            self._check_ox_type(body["type"])
        errors = self._check_bool(body, "allowUpgrade", "resetPassword") | self._check_strings(
            body, {"theme": 64, "language": 16, "timezone": 64})
        if errors:
            raise flat(errors)
        new_type = body.get("type", ox["type"])
        allow = body.get("allowUpgrade")
        if allow is True and not d["upgrade_allowed"]:
            raise flat({"allowUpgrade": "Upgrades are disabled by the product"})
        if new_type != ox["type"] and not d["upgrade_allowed"]:
            raise flat({"type": "Upgrades are disabled by the product; only the current type is allowed"})
        if "type" in body and new_type != "standard" and allow is False:
            raise flat({"message": "The allowUpgrade option is inconsistent with the provided type"})
        if "type" not in body and allow is False and ox["type"] != "standard":
            raise flat({"message": "The account is already upgraded. Please downgrade it to standard first."})
        # allowUpgrade=false binds the mailbox owner only, who may not lift it either; the reseller may.
        if self._is_owner(request) and not ox["allowUpgrade"] and (
                allow is True or new_type not in ("standard", ox["type"])):
            raise flat({"message": "This account is not allowed to be upgraded"})
        self._change_ox_type(d, m, new_type)
        for key in ("allowUpgrade", "resetPassword", "theme", "language", "timezone"):
            if key in body:
                ox[key] = body[key]
        return json_response(None, 204)

    # ---- secret questions -------------------------------------------------------------------------------------
    def on_secrets_get(self, request: Request, domain: str, mailbox: str, account: str | None = None) -> Response:
        _, m = self._user(domain, mailbox, account)
        return json_response({"list": sorted(m.get("secrets") or {}), "links": self._links(request)})

    def on_secrets_put(self, request: Request, domain: str, mailbox: str, account: str | None = None) -> Response:
        _, m = self._user(domain, mailbox, account)
        body = self._body(request)
        details: dict[str, str] = {}
        for tk, answer in body.items():
            if tk not in self.secret_questions:
                details[tk] = "Unknown secret question text key"
            elif not isinstance(answer, str) or len(answer.strip()) < 2:
                details[tk] = "Shorter than minimum length 2"
        if not details and len(body) < self.secret_minimum:
            details[""] = f"Shorter than minimum length {self.secret_minimum}"
        if details:
            raise self._bad(details)
        m["secrets"] = dict(body)
        return json_response(None, 204)

    def on_secret_questions(self, request: Request) -> Response:
        return json_response({"questions": dict(self.secret_questions), "links": self._links(request, key="location")})

    def on_secret_settings(self, request: Request) -> Response:
        return json_response({"minimum": self.secret_minimum, "links": self._links(request, key="location")})
