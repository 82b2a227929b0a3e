"""Rackspace Email "Customer (Rest API)" sandbox: customers, login tokens, invoices and contacts.

Follows ``vendor-docs/rackspace-email-customer-api.txt`` and the Rackspace section of
``vendor-docs/NOTES.md``. Served under ``/rackspace``; the vendor's documented paths sit below it
(``/rackspace/v1/customers``, ``/rackspace/v2/customers/{n}/contacts``...).

What it does, as documented
- Every call carries ``X-Api-Signature: userKey:timestamp:signature`` where ``timestamp`` is
  ``YYYYMMDDHHmmss`` (UTC) and ``signature`` is base64 of the binary SHA-1 of
  ``userKey + User-Agent + timestamp + secretKey``. Anything wrong answers 403 with an
  ``unauthorizedFault`` body.
- Throttling per API user over a sliding minute: GET 60, PUT/POST/DELETE 30; calls over the limit
  still count. Over the limit: 403 "Exceeded request limits" (``unauthorizedFault``), no Retry-After.
- v1 (customers, login tokens): form-encoded bodies; answers JSON or XML by the ``Accept`` header.
  Index with ``size``/``offset``, ``startswith`` or ``contains``, ``referenceNumber``; show (``me``
  is the calling account); add/edit with the documented 400 messages; enable/disable at most once
  per 5-minute sliding window per customer (403 "Exceeded request limits"); delete; login tokens
  valid ten minutes.
- v2 (invoices, contacts): JSON. Invoices newest first; line items as ``text/csv``, 404 when the
  invoice has no CSV. Contacts: list/show/add/update/delete with the documented messages; the
  last billing contact (or the last contact) cannot be removed.
- Every error also carries the message in an ``x-error-message`` header. Fault bodies:
  ``badRequestFault`` (400), ``unauthorizedFault`` (403), ``itemNotFoundFault`` (404).
- This API has no domains or mailboxes (they live in other Rackspace APIs): the estate is
  customers, their contacts and invoices, and ``seed()`` refuses ``domains``/``mailboxes``.

Choices where the doc is silent
- Signature timestamp tolerance: +/- 5 minutes (delay ``signature_skew`` = 300 s). A timestamp is
  accepted when it is within tolerance of the sandbox clock OR of the real wall clock, so a client
  signing with real UTC time keeps working after a test advances the sandbox clock. A missing
  ``User-Agent``, an unknown (case-sensitive) user key, or a timestamp that is not 14 digits: 403
  "Authentication failed".
- Throttle: a sliding 60-second window (delay ``throttle_window``), separate buckets for reads
  (GET) and writes (PUT/POST/DELETE), counted per API user only once the signature is good. The
  documented "writes on a domain: 2" limit has no route here (no domain endpoints in this doc).
- ``Accept``: ``application/json`` gives JSON, ``text/xml`` (or ``application/xml``) gives XML, and
  anything else (absent, ``*/*``) gives XML, the API's older default: a client that forgets the
  header cannot parse the answer. v2 routes answer JSON whatever the Accept header says. Answers
  produced by injected faults (``status``, ``throttle``) are JSON because the sandbox does not see
  the request there.
- Unset customer fields are ``null`` in JSON and omitted in XML.
- v1 bodies are read only when form-encoded; a JSON body to a v1 route therefore has no fields
  (add answers "Missing required field: name"). Unknown form fields answer 400 "Invalid field: X".
  An edit with no fields answers 400 "No fields specified". A name of only spaces counts as empty.
- Add answers 200 with an empty body (the account number "is not known until the customer is
  added": find it with ``?referenceNumber=``). Reference numbers need not be unique: a retried add
  creates a second customer; ``?referenceNumber=`` then shows the oldest (lowest account number).
  Edit, delete, enable and disable answer 200 with an empty body.
- Index: sorted by name (then account number), as in the doc's example; ``size`` must be 1..250 and
  ``offset`` >= 0, else 400; ``startswith``/``contains`` match name, account number or reference
  number case-insensitively; both together answer 400. ``?referenceNumber=`` with no match: 404
  "Customer Not Found" (only sub-accounts are searched).
- Show, edit, delete of an unknown account: 404 "Customer Not Found". Enable/disable of an account
  that is not one of your sub-accounts (unknown, or ``me``): 403 "Not authorized", as the doc's table
  says. Edit/delete of ``me``: 403 "Not authorized". The enable/disable window is shared by both
  actions, runs from the last successful one, and refused attempts do not extend it. Enabling an
  enabled account succeeds (and uses the window).
- A second, customer-level API user (see ``config()["seeded"]["customer_api_user"]``) gets 403
  "Not authorized" on the "Reseller Only" routes and may reach only its own account elsewhere
  (v1: 403 "Not authorized"; v2: 403 "Unauthorized.").
- Login tokens: ``userName`` and ``virtualUser`` (true/false, case-insensitive) are required (400
  "Missing required field: X" / "Invalid value for virtualUser: must be true or false"). A virtual
  user is named ``<userName>_<account>_vu``; a non-virtual user must be an existing admin of the
  account (400 "Invalid userName: not an existing admin user"). 200 with
  ``{"user", "token", "dateCreated"}``; ``token`` is 41 upper-case hex digits; ``dateCreated`` is
  US Central time (Rackspace is in Texas) in the doc's ``M/D/YYYY h:mm:ss AM`` form. Tokens expire
  ten minutes after creation (delay ``login_token``) and are single use. The sandbox also serves
  the control panel's landing pages ``GET /TokenLogin.aspx?loginToken=`` and
  ``GET /logintokens.aspx?loginToken=`` (no signature): 200 HTML for a good token, 403 HTML for an
  unknown, used or expired token or a disabled account.
- v2 paging parameters are read case-insensitively (the doc names ``Size``/``Offset`` but its
  example uses ``size``/``offset``); size 1..250, else 400. ``me`` works on v2 routes too.
- Invoice line items of an unknown invoice: 404 "Invoice Not Found"; of an invoice without CSV:
  404 "Invoice CSV Not Available". Those 404s carry the JSON fault body (the "always text/csv" note
  is read as applying to the CSV itself). CSV lines end with CRLF.
- Contacts: add and update answer 200; add returns the new contact as in "View a specific
  contact". Body errors: empty body -> "...Make sure the POST body contains content.", a
  Content-Type other than application/json -> "...Verify that the content type is application/json
  .", JSON that is not an object -> "Payload must be a valid JSON object.". Add needs every field;
  update validates the fields it is given. Undocumented messages: "Phone cannot be empty.",
  "ReceivesAlerts must be true or false." (same for the other flags), "Invalid field: X" (``Id`` and
  ``CustomerNumber`` are accepted and ignored so a read contact can be sent back). Flags accept
  JSON booleans and the strings "true"/"false". At most 50 contacts per account (400
  "Contact/Administrator limit reached."). "Primary contact" is read as "any contact": the last
  contact, or the last one with ReceivesBilling, cannot be deleted, and an update cannot clear
  ReceivesBilling on the last billing contact. Adding a first contact without billing is allowed.
  An unknown contact: 404 "Contact Not Found". Unknown v2 paths and wrong methods: 404 "Make sure
  the URL is correct."; a wrong method on v1: 405 ``badMethodFault`` with an Allow header.
- Faults of other statuses use ``overLimitFault`` (429), ``serverFault`` (500 and other 5xx),
  ``serviceUnavailableFault`` (503); each body is ``{"<fault>": {"message": ..., "code": ...}}``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import threading
import time
from collections import deque
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from sandbox.core import VendorSandbox, json_response, loads

DEMO_USER_KEY = "rsDemoUserKey0001"
DEMO_SECRET_KEY = "rsDemoSecretKey0001"
DEMO_USER_AGENT = "reseller-panel-demo/1.0"
DEMO_CUSTOMER_USER_KEY = "rsDemoCustomerKey0001"
DEMO_CUSTOMER_SECRET_KEY = "rsDemoCustomerSecret0001"

RESELLER_ACCOUNT = "460100"
AUTH_FAILED = "Authentication failed"
LIMIT_MESSAGE = "Exceeded request limits"
NOT_AUTHORIZED = "Not authorized"
CUSTOMER_NOT_FOUND = "Customer Not Found"
V2_BAD_URL = "Make sure the URL is correct."
LAST_BILLING = "There must be at least one billing contact and one primary contact. (A single contact can be both.)"

CUSTOMER_FIELDS = ("name", "accountNumber", "referenceNumber", "addressLine1", "addressLine2", "city", "state",
                   "zip", "country", "phone", "email")
EDITABLE_FIELDS = frozenset(CUSTOMER_FIELDS) - {"accountNumber"}
CONTACT_TEXT_FIELDS = ("Email", "Name", "Phone", "SecurityAnswer", "SecurityQuestion")
CONTACT_FLAGS = ("ReceivesAlerts", "ReceivesBilling", "ReceivesUpdates")
CONTACT_IGNORED = frozenset({"Id", "CustomerNumber"})
CSV_HEADER = ("Account No,Reference No,Domain,Product,Type,Service Start,Service End,Term Committed Usage,"
              "Current Usage,Usage Change,Months,Rate,Charge")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CENTRAL = ZoneInfo("America/Chicago")

FAULT_NAMES = {400: "badRequestFault", 403: "unauthorizedFault", 404: "itemNotFoundFault", 405: "badMethodFault",
               429: "overLimitFault", 503: "serviceUnavailableFault"}
XMLNS = ('xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
         'xmlns:xsd="http://www.w3.org/2001/XMLSchema"')


def sign(user_key: str, secret_key: str, user_agent: str, timestamp: str) -> str:
    """The ``X-Api-Signature`` value for these credentials, User-Agent and ``YYYYMMDDHHmmss`` UTC timestamp."""
    digest = hashlib.sha1((user_key + user_agent + timestamp + secret_key).encode("utf-8")).digest()
    return f"{user_key}:{timestamp}:{base64.b64encode(digest).decode('ascii')}"


def _xml_value(tag: str, value: Any) -> str:
    """One element; dicts nest, lists repeat the singular tag (customers -> customer), None is omitted."""
    if value is None:
        return ""
    if isinstance(value, dict):
        inner = "".join(_xml_value(k, v) for k, v in value.items())
    elif isinstance(value, list):
        item = tag[:-1] if tag.endswith("s") else "item"
        inner = "".join(_xml_value(item, v) for v in value)
    elif isinstance(value, bool):
        inner = "true" if value else "false"
    else:
        inner = escape(str(value))
    return f"<{tag}>{inner}</{tag}>"


def to_xml(root: str, data: dict[str, Any]) -> str:
    """The vendor's XML document for ``data`` under ``root`` (namespace ``urn:xml:<root>``)."""
    inner = "".join(_xml_value(k, v) for k, v in data.items())
    return (f'<?xml version="1.0" encoding="utf-8"?> <{root} {XMLNS} xmlns="urn:xml:{root}">'
            f"{inner}</{root}>")


def _flag(value: Any) -> bool | None:
    """A contact flag: JSON boolean or the strings "true"/"false"; None when neither."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


class Sandbox(VendorSandbox):
    """The Rackspace Email customer API: reseller sub-accounts, login tokens, invoices, contacts."""

    name = "rackspace"
    public_endpoints = frozenset({"token_login"})
    default_delays = {
        "login_token": 600.0,  # a login token is valid for ten minutes
        "enable_disable_window": 300.0,  # one enable/disable per 5-minute sliding window
        "throttle_window": 60.0,  # the per-minute request limits
        "signature_skew": 300.0,  # accepted distance of the signature's timestamp from now
    }
    rate_limits = {"read": 60, "write": 30}
    contact_limit = 50
    max_page_size = 250

    def __init__(self, **kwargs: Any) -> None:
        # The request being handled, per thread: error() needs it to pick JSON or XML.
        self._current = threading.local()
        super().__init__(**kwargs)

    # ---- routes ------------------------------------------------------------------------------
    def routes(self) -> list[Rule]:
        """The documented v1 and v2 paths, plus the control panel's login-token landing pages."""
        c = "/v1/customers/<account>"
        v2 = "/v2/customers/<account>"
        return [
            Rule("/v1/customers", methods=["GET"], endpoint="customers_index"),
            Rule("/v1/customers", methods=["POST"], endpoint="customer_add"),
            Rule(c, methods=["GET"], endpoint="customer_show"),
            Rule(c, methods=["PUT"], endpoint="customer_edit"),
            Rule(c, methods=["DELETE"], endpoint="customer_delete"),
            Rule(c + "/enable", methods=["POST"], endpoint="customer_enable"),
            Rule(c + "/disable", methods=["POST"], endpoint="customer_disable"),
            Rule(c + "/loginToken", methods=["POST"], endpoint="login_token_create"),
            Rule(v2 + "/invoices", methods=["GET"], endpoint="invoices_index"),
            Rule(v2 + "/invoices/<invoice_id>", methods=["GET"], endpoint="invoice_csv"),
            Rule(v2 + "/contacts", methods=["GET"], endpoint="contacts_index"),
            Rule(v2 + "/contacts", methods=["POST"], endpoint="contact_add"),
            Rule(v2 + "/contacts/<contact_id>", methods=["GET"], endpoint="contact_show"),
            Rule(v2 + "/contacts/<contact_id>", methods=["PUT"], endpoint="contact_edit"),
            Rule(v2 + "/contacts/<contact_id>", methods=["DELETE"], endpoint="contact_delete"),
            Rule("/TokenLogin.aspx", methods=["GET"], endpoint="token_login"),
            Rule("/logintokens.aspx", methods=["GET"], endpoint="token_login"),
        ]

    # ---- state -------------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget everything; build a reseller with three customers, contacts and invoices."""
        self.api_users: dict[str, dict[str, Any]] = {
            DEMO_USER_KEY: {"secret": DEMO_SECRET_KEY, "account": RESELLER_ACCOUNT, "reseller": True},
            DEMO_CUSTOMER_USER_KEY: {"secret": DEMO_CUSTOMER_SECRET_KEY, "account": "460182", "reseller": False},
        }
        self.calls: dict[tuple[str, str], deque[float]] = {}
        self.reseller = self._customer_record(
            RESELLER_ACCOUNT, "API Reseller", "R-1", addressLine1="1 Fanatical Place", city="San Antonio",
            state="TX", zip="78218", country="US", phone="1-800-555-0100", email="billing@reseller.example")
        self.customers: dict[str, dict[str, Any]] = {}
        # Per account: enabled flag, admin user names, time of the last enable/disable.
        self.account_state: dict[str, dict[str, Any]] = {
            RESELLER_ACCOUNT: {"enabled": True, "admins": {"admin"}, "toggled_at": None}}
        self.contacts: dict[str, dict[str, dict[str, Any]]] = {RESELLER_ACCOUNT: {}}
        self.invoices: dict[str, list[dict[str, Any]]] = {RESELLER_ACCOUNT: []}
        self.invoice_lines: dict[str, list[str]] = {}
        self.login_tokens: dict[str, dict[str, Any]] = {}
        self.next_account = 460181
        self.next_contact_id = 1
        self.next_invoice_id = 1000
        self._sorted: list[str] | None = None

        # The doc's three customers, under their documented numbers, so its examples read true.
        for name, ref in (("API Customer 39", "23"), ("API Customer 17", "49"), ("API Customer 50", "10")):
            self._add_customer({"name": name, "referenceNumber": ref})
        self.customers["460182"].update(addressLine1="555 Address", addressLine2="Suite 555", city="Austin",
                                        state="TX", zip="78703", country="US", phone="1-555-555-5555",
                                        email="user@example.com")
        ellie = {"Name": "Contact first - Ellie", "Phone": "1235555555", "ReceivesAlerts": True,
                 "ReceivesBilling": True, "ReceivesUpdates": True, "SecurityAnswer": "A", "SecurityQuestion": "Q"}
        for i in (1, 2, 3):
            self._add_contact("460182", {**ellie, "Email": f"user{i}@example.com"})
        self._add_contact("460182", {**ellie, "Email": "user4@example.com", "Name": "Contact after hours - Samir",
                                     "ReceivesAlerts": False, "ReceivesBilling": False, "ReceivesUpdates": False})
        for account in ("460181", "460183", RESELLER_ACCOUNT):
            self._add_contact(account, {**ellie, "Email": f"billing-{account}@example.com",
                                        "Name": f"Billing {account}"})
        # Newest first: one unpaid with CSV, the doc's paid invoice 123 with CSV, one from before July 2017.
        self._add_invoice("460182", "124", "2018-01-07T00:00:00", "914.34", False, self._demo_lines("460182", "49"))
        self._add_invoice("460182", "123", "2017-12-07T00:00:00", "914.34", True, self._demo_lines("460182", "49"))
        self._add_invoice("460182", "77", "2017-05-07T00:00:00", "140.00", True, None)
        self._add_invoice(RESELLER_ACCOUNT, "125", "2018-01-07T00:00:00", "2500.00", False,
                          self._demo_lines(RESELLER_ACCOUNT, "R-1"))

    def config(self) -> dict[str, Any]:
        """Demo credentials and the ids of the seeded demo estate."""
        return {
            "credentials": {"user_key": DEMO_USER_KEY, "secret_key": DEMO_SECRET_KEY, "user_agent": DEMO_USER_AGENT},
            "seeded": {
                "account": RESELLER_ACCOUNT,
                "customer": "460182",
                "customer_reference": "49",
                "customers": ["460181", "460182", "460183"],
                "contacts": {"460182": ["1", "2", "3", "4"], "460181": ["5"], "460183": ["6"], RESELLER_ACCOUNT: ["7"]},
                "non_billing_contact": "4",
                "invoice_with_csv": "123",
                "invoice_unpaid_with_csv": "124",
                "invoice_without_csv": "77",
                "admin_user": "admin",
                "customer_api_user": {"user_key": DEMO_CUSTOMER_USER_KEY, "secret_key": DEMO_CUSTOMER_SECRET_KEY,
                                      "account": "460182"},
            },
        }

    def keys(self) -> dict[str, list[str]]:
        """Customers by reference number, contacts by customer and e-mail."""
        return {"customers": [c.get("referenceNumber") or "" for c in self.customers.values()],
                "contacts": [f"{account}:{c['Email']}" for account, contacts in self.contacts.items()
                             for c in contacts.values()]}

    def stats(self) -> dict[str, Any]:
        """Counts of customers, contacts, invoices and live login tokens."""
        return {
            "customers": len(self.customers),
            "disabled_customers": sum(1 for a in self.customers if not self.account_state[a]["enabled"]),
            "contacts": sum(len(c) for c in self.contacts.values()),
            "invoices": sum(len(i) for i in self.invoices.values()),
            "login_tokens": len(self.login_tokens),
        }

    def seed(self, customers: int = 0, contacts: int = 1, invoices: int = 0, **other: Any) -> dict[str, Any]:
        """Add ``customers`` sub-accounts, each with ``contacts`` contacts and ``invoices`` invoices.

        This API holds no domains or mailboxes, so other keys are refused (400 on the control surface).
        """
        if other:
            raise ValueError(f"unknown seed keys {sorted(other)}: this Rackspace API holds customers, "
                             "contacts and invoices (no domains or mailboxes)")
        customers, contacts, invoices = int(customers), int(contacts), int(invoices)
        if min(customers, contacts, invoices) < 0:
            raise ValueError("counts must be >= 0")
        # Plain dicts and local names only: 10,000 customers with 100,000 contacts in well under a second.
        months = [(2018 - (m + 6) // 12, 12 - (m + 6) % 12) for m in range(invoices)]  # from 2018-06 back
        store, account_state = self.customers, self.account_state
        all_contacts, all_invoices = self.contacts, self.invoices
        contact_id = self.next_contact_id
        invoice_id = self.next_invoice_id
        first = self.next_account
        for n in range(first, first + customers):
            account = str(n)
            ref = f"S{n}"
            store[account] = {"name": f"Seeded Customer {n}", "accountNumber": account, "referenceNumber": ref,
                              "addressLine1": None, "addressLine2": None, "city": None, "state": None, "zip": None,
                              "country": "US", "phone": None, "email": f"owner@c{n}.example"}
            account_state[account] = {"enabled": True, "admins": {"admin"}, "toggled_at": None}
            own: dict[str, dict[str, Any]] = {}
            for k in range(contacts):
                cid = str(contact_id)
                contact_id += 1
                own[cid] = {"CustomerNumber": account, "Email": f"contact{k}@c{n}.example", "Id": cid,
                            "Name": f"Contact {k}", "Phone": "1235555555", "ReceivesAlerts": k == 0,
                            "ReceivesBilling": k == 0, "ReceivesUpdates": k == 0, "SecurityAnswer": "A",
                            "SecurityQuestion": "Q"}
            all_contacts[account] = own
            own_invoices = []
            for year, month in months:
                own_invoices.append({"InvoiceId": str(invoice_id), "InvoiceDate": f"{year}-{month:02d}-07T00:00:00",
                                     "InvoiceType": "Billing", "TotalDue": "140.00", "IsPaid": True,
                                     "CsvAvailable": (year, month) >= (2017, 7)})
                invoice_id += 1
            all_invoices[account] = own_invoices
        self.next_account = first + customers
        self.next_contact_id = contact_id
        self.next_invoice_id = invoice_id
        self._sorted = None
        return {"customers": customers, "contacts": customers * contacts, "invoices": customers * invoices,
                "total_customers": len(self.customers), "first_account": str(first) if customers else None}

    # ---- helpers: state ----------------------------------------------------------------------
    @staticmethod
    def _customer_record(account: str, name: str, ref: str | None, **fields: Any) -> dict[str, Any]:
        record = dict.fromkeys(CUSTOMER_FIELDS)
        record.update(fields, name=name, accountNumber=account, referenceNumber=ref)
        return record

    def _add_customer(self, fields: dict[str, str]) -> str:
        account = str(self.next_account)
        self.next_account += 1
        record = self._customer_record(account, fields["name"], fields.get("referenceNumber"))
        record.update({k: v for k, v in fields.items() if k in EDITABLE_FIELDS})
        self.customers[account] = record
        self.account_state[account] = {"enabled": True, "admins": {"admin"}, "toggled_at": None}
        self.contacts[account] = {}
        self.invoices[account] = []
        self._sorted = None
        return account

    def _add_contact(self, account: str, fields: dict[str, Any]) -> dict[str, Any]:
        cid = str(self.next_contact_id)
        self.next_contact_id += 1
        contact = {"CustomerNumber": account, "Email": fields["Email"], "Id": cid, "Name": fields["Name"],
                   "Phone": fields["Phone"], "ReceivesAlerts": fields["ReceivesAlerts"],
                   "ReceivesBilling": fields["ReceivesBilling"], "ReceivesUpdates": fields["ReceivesUpdates"],
                   "SecurityAnswer": fields["SecurityAnswer"], "SecurityQuestion": fields["SecurityQuestion"]}
        self.contacts[account][cid] = contact
        return contact

    def _add_invoice(self, account: str, invoice_id: str, date: str, total: str, paid: bool,
                     lines: list[str] | None) -> None:
        self.invoices[account].append({"InvoiceId": invoice_id, "InvoiceDate": date, "InvoiceType": "Billing",
                                       "TotalDue": total, "IsPaid": paid, "CsvAvailable": lines is not None})
        self.invoices[account].sort(key=lambda i: i["InvoiceDate"], reverse=True)
        if lines is not None:
            self.invoice_lines[invoice_id] = lines

    @staticmethod
    def _demo_lines(account: str, ref: str) -> list[str]:
        start, end = "12/1/2017 12:00:00 AM", "12/31/2017 11:59:59 PM"
        domain = f"customer{account}.example"
        return [
            f'{account},"{ref}","{domain}","Outlook",Renewal,{start},{end},20,20,20,1,0,0',
            f'{account},"{ref}","{domain}","Hosted Exchange",Renewal,{start},{end},20,20,20,1,7,140',
            f'{account},"{ref}","{domain}","Hosted Exchange ActiveSync",Renewal,{start},{end},20,20,20,1,0,0',
            f'{account},"{ref}","{domain}","Office 365 Business Essentials",Renewal,{start},{end},31,31,31,1,7,217',
            f'{account},"{ref}","{domain}","Office 365 Business Essentials",Upgrade,11/6/2017 7:54:44 PM,'
            f"11/30/2017 11:59:59 PM,29,31,2,0.81,7,11.34",
            f'{account},"{ref}","{domain}","Office 365 Business Premium",Renewal,{start},{end},39,39,39,1,14,546',
        ]

    def _lines_for(self, account: str, invoice: dict[str, Any]) -> list[str]:
        """Stored lines, or two lines made up from the invoice (seeded invoices store none)."""
        lines = self.invoice_lines.get(invoice["InvoiceId"])
        if lines is not None:
            return lines
        year, month = int(invoice["InvoiceDate"][:4]), int(invoice["InvoiceDate"][5:7])
        ref = self._account(account)["referenceNumber"] or ""
        period = f"{month}/1/{year} 12:00:00 AM,{month}/28/{year} 11:59:59 PM"
        return [f'{account},"{ref}","c{account}.example","Rackspace Email",Renewal,{period},20,20,20,1,2,40',
                f'{account},"{ref}","c{account}.example","Hosted Exchange",Renewal,{period},20,20,20,1,5,100']

    def _sorted_accounts(self) -> list[str]:
        if self._sorted is None:
            customers = self.customers
            self._sorted = sorted(customers, key=lambda a: (customers[a]["name"].lower(), int(a)))
        return self._sorted

    def _account(self, number: str) -> dict[str, Any] | None:
        if number == RESELLER_ACCOUNT:
            return self.reseller
        return self.customers.get(number)

    # ---- helpers: protocol -------------------------------------------------------------------
    def dispatch(self, request: Request, path: str) -> Response:
        """The base dispatch, remembering the request so errors can answer in its format."""
        self._current.request, self._current.path = request, path
        try:
            return super().dispatch(request, path)
        finally:
            self._current.request = self._current.path = None

    def _wants_xml(self) -> bool:
        request = getattr(self._current, "request", None)
        path = getattr(self._current, "path", None) or ""
        if request is None or not path.startswith("/v1/"):
            return False
        for part in request.headers.get("Accept", "").split(","):
            mime = part.split(";")[0].strip().lower()
            if mime == "application/json":
                return False
            if mime in ("text/xml", "application/xml"):
                return True
        return True  # no usable Accept: the API's older XML default

    def _render(self, root: str, data: dict[str, Any], status: int = 200) -> Response:
        """A v1 answer in JSON or XML by the Accept header."""
        if self._wants_xml():
            return Response(to_xml(root, data), status=status, content_type="text/xml; charset=utf-8")
        return json_response(data, status)

    @staticmethod
    def _ok() -> Response:
        return Response(status=200)

    def error(self, status: int, message: str, **extra: Any) -> Response:
        """A fault body (``{"badRequestFault": {"message", "code"}}``...) plus the x-error-message header."""
        path = getattr(self._current, "path", None) or ""
        headers = {}
        # The base dispatch's routing errors: v2 documents 404 for a wrong URL or method.
        if (status, message) in ((404, "Not Found"), (405, "Method Not Allowed")):
            if path.startswith("/v2/"):
                status, message = 404, V2_BAD_URL
            elif status == 405:
                headers["Allow"] = ", ".join(extra.get("allowed") or [])
        extra.pop("allowed", None)
        fault = FAULT_NAMES.get(status) or ("serverFault" if status >= 500 else "badRequestFault")
        body = {"message": message, "code": status, **extra}
        headers["x-error-message"] = message
        if self._wants_xml():
            return Response(to_xml(fault, body), status=status, headers=headers,
                            content_type="text/xml; charset=utf-8")
        return json_response({fault: body}, status, headers)

    def throttle_response(self) -> Response:
        """Rackspace's over-limit answer: 403 "Exceeded request limits", unauthorizedFault, no Retry-After."""
        return self.error(403, LIMIT_MESSAGE)

    def authenticate(self, request: Request) -> Response | None:
        """Check X-Api-Signature (key, timestamp, SHA-1 over the User-Agent), then the per-minute limits."""
        parts = request.headers.get("X-Api-Signature", "").split(":")
        if len(parts) != 3:
            return self.error(403, AUTH_FAILED)
        user_key, stamp, signature = parts
        user = self.api_users.get(user_key)
        user_agent = request.headers.get("User-Agent", "")
        if user is None or not user_agent or not re.fullmatch(r"\d{14}", stamp):
            return self.error(403, AUTH_FAILED)
        try:
            signed_at = datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC).timestamp()
        except ValueError:
            return self.error(403, AUTH_FAILED)
        skew = self.delay("signature_skew")
        if min(abs(signed_at - self.clock.now()), abs(signed_at - time.time())) > skew:
            return self.error(403, AUTH_FAILED)
        expected = sign(user_key, user["secret"], user_agent, stamp)
        if not hmac.compare_digest(expected.encode(), f"{user_key}:{stamp}:{signature}".encode()):
            return self.error(403, AUTH_FAILED)
        if self._over_limit(user_key, request.method):
            return self.throttle_response()
        request.environ["rackspace.user"] = user
        return None

    def _over_limit(self, user_key: str, method: str) -> bool:
        """Record this call in its sliding window; True when the window now holds more than the limit."""
        bucket = "read" if method in ("GET", "HEAD") else "write"
        window = self.calls.setdefault((user_key, bucket), deque())
        now = self.clock.now()
        horizon = now - self.delay("throttle_window")
        while window and window[0] <= horizon:
            window.popleft()
        window.append(now)  # refused calls count too
        return len(window) > self.rate_limits[bucket]

    @staticmethod
    def _user(request: Request) -> dict[str, Any]:
        return request.environ["rackspace.user"]

    def _reseller_only(self, request: Request) -> Response | None:
        return None if self._user(request)["reseller"] else self.error(403, NOT_AUTHORIZED)

    def _own_or_sub_account(self, request: Request, account: str, denied: str) -> tuple[str | None, Response | None]:
        """Resolve ``me`` and check the caller may reach ``account`` (its own, or a reseller's sub-account)."""
        user = self._user(request)
        number = user["account"] if account == "me" else account
        if number == user["account"]:
            # A customer-level user whose account was deleted reaches nothing.
            return (number, None) if self._account(number) else (None, self.error(404, CUSTOMER_NOT_FOUND))
        if not user["reseller"]:
            return None, self.error(403, denied)
        if number not in self.customers:
            return None, self.error(404, CUSTOMER_NOT_FOUND)
        return number, None

    @staticmethod
    def _form(request: Request) -> dict[str, str]:
        """The form-encoded v1 body (first value of each field); other content types carry no fields."""
        if request.mimetype != "application/x-www-form-urlencoded":
            return {}
        return {k: request.form[k] for k in request.form}

    def _page_args(self, request: Request, *, v2: bool) -> tuple[int, int] | Response:
        args = {k.lower(): v for k, v in request.args.items()} if v2 else request.args
        try:
            size = int(args.get("size", 50))
            offset = int(args.get("offset", 0))
        except ValueError:
            return self.error(400, "Invalid size or offset: must be whole numbers")
        if not 1 <= size <= self.max_page_size:
            return self.error(400, f"Invalid size: must be between 1 and {self.max_page_size}")
        if offset < 0:
            return self.error(400, "Invalid offset: cannot be negative")
        return size, offset

    def _validate_customer(self, form: dict[str, str], *, adding: bool) -> str | None:
        """The documented 400 message for a bad add/edit form, or None."""
        if adding and "name" not in form:
            return "Missing required field: name"
        if not adding and not form:
            return "No fields specified"
        if "name" in form:
            name = form["name"]
            if not name.strip():
                return "Required field name cannot be empty"
            if name != name.strip():
                return "Improper Customer Name: cannot begin or end with a space"
            if len(name) > 100:
                return "Name too long: 100 characters or fewer"
        if len(form.get("referenceNumber", "")) > 20:
            return "Reference number too long: 20 characters or fewer"
        for field in form:
            if field not in EDITABLE_FIELDS:
                return f"Invalid field: {field}"
        return None

    # ---- v1: customers -----------------------------------------------------------------------
    def on_customers_index(self, request: Request) -> Response:
        """GET /v1/customers: the reseller's sub-accounts, paged and searched; or a show by referenceNumber."""
        refused = self._reseller_only(request)
        if refused:
            return refused
        if "referenceNumber" in request.args:
            wanted = request.args["referenceNumber"]
            for account in self.customers:  # insertion order = oldest first
                if self.customers[account]["referenceNumber"] == wanted:
                    return self._render("customer", self.customers[account])
            return self.error(404, CUSTOMER_NOT_FOUND)
        startswith, contains = request.args.get("startswith"), request.args.get("contains")
        if startswith is not None and contains is not None:
            return self.error(400, "Only one of startswith and contains may be given")
        paging = self._page_args(request, v2=False)
        if isinstance(paging, Response):
            return paging
        size, offset = paging
        accounts = self._sorted_accounts()
        term = (startswith if startswith is not None else contains or "").lower()
        if term:
            test = str.startswith if startswith is not None else str.__contains__
            accounts = [a for a in accounts if self._matches(self.customers[a], term, test)]
        page = [{"name": self.customers[a]["name"], "accountNumber": a,
                 "referenceNumber": self.customers[a]["referenceNumber"]} for a in accounts[offset:offset + size]]
        return self._render("customerList", {"offset": offset, "size": size, "total": len(accounts),
                                             "customers": page})

    @staticmethod
    def _matches(customer: dict[str, Any], term: str, test: Any) -> bool:
        return any(test(value.lower(), term) for value in (customer["name"], customer["accountNumber"],
                                                            customer["referenceNumber"] or ""))

    def on_customer_show(self, request: Request, account: str) -> Response:
        """GET /v1/customers/{n|me}: one account's details."""
        refused = self._reseller_only(request)
        if refused:
            return refused
        record = self.reseller if account == "me" else self.customers.get(account)
        if record is None:
            return self.error(404, CUSTOMER_NOT_FOUND)
        return self._render("customer", record)

    def _sub_account(self, request: Request, account: str, *, missing: int) -> Response | None:
        """Refusal for reseller-only changes to ``account``: 403 for me / a customer user, ``missing`` if unknown."""
        refused = self._reseller_only(request)
        if refused:
            return refused
        if account not in self.customers:
            return self.error(403, NOT_AUTHORIZED) if missing == 403 or account in ("me", RESELLER_ACCOUNT) \
                else self.error(404, CUSTOMER_NOT_FOUND)
        return None

    def on_customer_add(self, request: Request) -> Response:
        """POST /v1/customers (form): add a sub-account; 200 with an empty body."""
        refused = self._reseller_only(request)
        if refused:
            return refused
        form = self._form(request)
        problem = self._validate_customer(form, adding=True)
        if problem:
            return self.error(400, problem)
        self._add_customer(form)
        return self._ok()

    def on_customer_edit(self, request: Request, account: str) -> Response:
        """PUT /v1/customers/{n} (form): change the given fields."""
        refused = self._sub_account(request, account, missing=404)
        if refused:
            return refused
        form = self._form(request)
        problem = self._validate_customer(form, adding=False)
        if problem:
            return self.error(400, problem)
        self.customers[account].update(form)
        self._sorted = None
        return self._ok()

    def on_customer_delete(self, request: Request, account: str) -> Response:
        """DELETE /v1/customers/{n}: remove the account with its contacts, invoices and tokens."""
        refused = self._sub_account(request, account, missing=404)
        if refused:
            return refused
        del self.customers[account]
        self.account_state.pop(account, None)
        for invoice in self.invoices.pop(account, []):
            self.invoice_lines.pop(invoice["InvoiceId"], None)
        self.contacts.pop(account, None)
        self.login_tokens = {t: v for t, v in self.login_tokens.items() if v["account"] != account}
        self._sorted = None
        return self._ok()

    def _toggle(self, request: Request, account: str, enabled: bool) -> Response:
        refused = self._sub_account(request, account, missing=403)
        if refused:
            return refused
        state = self.account_state[account]
        now = self.clock.now()
        last = state["toggled_at"]
        if last is not None and now - last < self.delay("enable_disable_window"):
            return self.error(403, LIMIT_MESSAGE)
        state.update(enabled=enabled, toggled_at=now)
        return self._ok()

    def on_customer_enable(self, request: Request, account: str) -> Response:
        """POST /v1/customers/{n}/enable: at most once per 5-minute window (shared with disable)."""
        return self._toggle(request, account, True)

    def on_customer_disable(self, request: Request, account: str) -> Response:
        """POST /v1/customers/{n}/disable: at most once per 5-minute window (shared with enable)."""
        return self._toggle(request, account, False)

    # ---- v1: login tokens --------------------------------------------------------------------
    def on_login_token_create(self, request: Request, account: str) -> Response:
        """POST /v1/customers/{n|me}/loginToken (form: userName, virtualUser): a ten-minute SSO token."""
        number, refused = self._own_or_sub_account(request, account, NOT_AUTHORIZED)
        if refused:
            return refused
        form = self._form(request)
        for field in ("userName", "virtualUser"):
            if not form.get(field, "").strip():
                return self.error(400, f"Missing required field: {field}")
        virtual = form["virtualUser"].strip().lower()
        if virtual not in ("true", "false"):
            return self.error(400, "Invalid value for virtualUser: must be true or false")
        user_name = form["userName"].strip()
        if virtual == "true":
            user = f"{user_name}_{number}_vu"
        elif user_name in self.account_state[number]["admins"]:
            user = user_name
        else:
            return self.error(400, "Invalid userName: not an existing admin user")
        token = f"{self.rng.getrandbits(164):041X}"
        now = self.clock.now()
        self.login_tokens[token] = {"user": user, "account": number, "created": now}
        self.scheduler.after(self.delay("login_token"), lambda: self.login_tokens.pop(token, None))
        created = datetime.fromtimestamp(now, CENTRAL)
        hour = created.hour % 12 or 12
        date = (f"{created.month}/{created.day}/{created.year} {hour}:{created.minute:02d}:{created.second:02d} "
                f"{'AM' if created.hour < 12 else 'PM'}")
        return self._render("loginToken", {"user": user, "token": token, "dateCreated": date})

    def on_token_login(self, request: Request) -> Response:
        """The control panel's TokenLogin.aspx (sandbox extra): a good token signs in once, within ten minutes."""
        token = self.login_tokens.pop(request.args.get("loginToken", ""), None)
        if token is None or token["account"] not in self.account_state \
                or not self.account_state[token["account"]]["enabled"]:
            return Response("<html><body><h1>Login failed</h1><p>The login token is invalid or has expired.</p>"
                            "</body></html>", status=403, content_type="text/html; charset=utf-8")
        return Response(f"<html><body><h1>Control Panel</h1><p>Signed in as {escape(token['user'])} "
                        f"(account {token['account']}).</p></body></html>", content_type="text/html; charset=utf-8")

    # ---- v2: invoices ------------------------------------------------------------------------
    def on_invoices_index(self, request: Request, account: str) -> Response:
        """GET /v2/customers/{n}/invoices: newest first, paged with Size/Offset."""
        number, refused = self._own_or_sub_account(request, account, "Unauthorized.")
        if refused:
            return refused
        paging = self._page_args(request, v2=True)
        if isinstance(paging, Response):
            return paging
        size, offset = paging
        invoices = self.invoices.get(number, [])
        return json_response({"Size": size, "Offset": offset, "Total": len(invoices),
                              "Items": invoices[offset:offset + size]})

    def on_invoice_csv(self, request: Request, account: str, invoice_id: str) -> Response:
        """GET /v2/customers/{n}/invoices/{id}: the line items as text/csv; 404 when there is no CSV."""
        number, refused = self._own_or_sub_account(request, account, "Unauthorized.")
        if refused:
            return refused
        invoice = next((i for i in self.invoices.get(number, []) if i["InvoiceId"] == invoice_id), None)
        if invoice is None:
            return self.error(404, "Invoice Not Found")
        if not invoice["CsvAvailable"]:
            return self.error(404, "Invoice CSV Not Available")
        body = "\r\n".join([CSV_HEADER, *self._lines_for(number, invoice)]) + "\r\n"
        return Response(body, status=200, content_type="text/csv")

    # ---- v2: contacts ------------------------------------------------------------------------
    def _contacts_of(self, request: Request, account: str) -> tuple[str | None, Response | None]:
        number, refused = self._own_or_sub_account(request, account, "Unauthorized.")
        if refused:
            return None, refused
        return number, None

    def on_contacts_index(self, request: Request, account: str) -> Response:
        """GET /v2/customers/{n}/contacts: all contacts, paged with Size/Offset."""
        number, refused = self._contacts_of(request, account)
        if refused:
            return refused
        paging = self._page_args(request, v2=True)
        if isinstance(paging, Response):
            return paging
        size, offset = paging
        contacts = list(self.contacts.get(number, {}).values())
        return json_response({"Size": size, "Offset": offset, "Total": len(contacts),
                              "Items": contacts[offset:offset + size]})

    def on_contact_show(self, request: Request, account: str, contact_id: str) -> Response:
        """GET /v2/customers/{n}/contacts/{id}."""
        number, refused = self._contacts_of(request, account)
        if refused:
            return refused
        contact = self.contacts.get(number, {}).get(contact_id)
        if contact is None:
            return self.error(404, "Contact Not Found")
        return json_response(contact)

    def _contact_body(self, request: Request, *, adding: bool) -> dict[str, Any] | Response:
        """The validated JSON body of a contact add/update, or the documented 400."""
        raw = request.get_data(cache=True)
        if not raw.strip():
            return self.error(400, "Payload must be a valid JSON object. Make sure the POST body contains content.")
        if request.mimetype != "application/json":
            return self.error(400, "Payload must be a valid JSON object. Verify that the content type is "
                                   "application/json .")
        try:
            body = loads(raw)
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return self.error(400, "Payload must be a valid JSON object.")
        for key in body:
            if key not in CONTACT_TEXT_FIELDS and key not in CONTACT_FLAGS and key not in CONTACT_IGNORED:
                return self.error(400, f"Invalid field: {key}")
        checks = (
            ("Name", "Contact name cannot be empty.", lambda v: isinstance(v, str) and v.strip()),
            ("Email", "Please enter a valid email address.", lambda v: isinstance(v, str) and EMAIL_RE.match(v)),
            ("SecurityQuestion", "Security question cannot be empty.", lambda v: isinstance(v, str) and v.strip()),
            ("SecurityAnswer", "Security answer cannot be empty.", lambda v: isinstance(v, str) and v.strip()),
            ("Phone", "Phone cannot be empty.", lambda v: isinstance(v, str) and v.strip()),
        )
        for field, message, valid in checks:
            if (adding or field in body) and not valid(body.get(field)):
                return self.error(400, message)
        clean = {k: body[k] for k in CONTACT_TEXT_FIELDS if k in body}
        for flag in CONTACT_FLAGS:
            if adding or flag in body:
                value = _flag(body.get(flag))
                if value is None:
                    return self.error(400, f"{flag} must be true or false.")
                clean[flag] = value
        return clean

    def on_contact_add(self, request: Request, account: str) -> Response:
        """POST /v2/customers/{n}/contacts (JSON, every field): 200 with the new contact."""
        number, refused = self._contacts_of(request, account)
        if refused:
            return refused
        body = self._contact_body(request, adding=True)
        if isinstance(body, Response):
            return body
        if len(self.contacts[number]) >= self.contact_limit:
            return self.error(400, "Contact/Administrator limit reached.")
        return json_response(self._add_contact(number, body))

    def on_contact_edit(self, request: Request, account: str, contact_id: str) -> Response:
        """PUT /v2/customers/{n}/contacts/{id} (JSON): 200; cannot clear billing on the last billing contact."""
        number, refused = self._contacts_of(request, account)
        if refused:
            return refused
        contact = self.contacts[number].get(contact_id)
        if contact is None:
            return self.error(404, "Contact Not Found")
        body = self._contact_body(request, adding=False)
        if isinstance(body, Response):
            return body
        if contact["ReceivesBilling"] and body.get("ReceivesBilling") is False \
                and not self._other_billing(number, contact_id):
            return self.error(400, LAST_BILLING)
        contact.update(body)
        return self._ok()

    def on_contact_delete(self, request: Request, account: str, contact_id: str) -> Response:
        """DELETE /v2/customers/{n}/contacts/{id}: 200; the last (billing) contact stays."""
        number, refused = self._contacts_of(request, account)
        if refused:
            return refused
        contacts = self.contacts[number]
        contact = contacts.get(contact_id)
        if contact is None:
            return self.error(404, "Contact Not Found")
        if len(contacts) == 1 or (contact["ReceivesBilling"] and not self._other_billing(number, contact_id)):
            return self.error(400, LAST_BILLING)
        del contacts[contact_id]
        return self._ok()

    def _other_billing(self, number: str, contact_id: str) -> bool:
        return any(c["ReceivesBilling"] for cid, c in self.contacts[number].items() if cid != contact_id)
