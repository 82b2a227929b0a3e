"""What ``make chaos`` asks of the panel and how it judges the outcome (Django is set up by then).

The work is asked for through the customers services, as the console and the API do: each call
writes its local rows, its outbox rows and its audit row in one transaction, and the outbox reaches
the worker through the broker. Each vendor has a recipe of operations in its customers' words;
vendors without an adapter are left out and their share goes to the others.
"""

from __future__ import annotations

import collections
import itertools
import re

import requests
from django.db.models import Q

from customers import services
from customers.choices import LIVE_STATES
from customers.models import Domain, Mailbox, User, VendorCustomer
from provisioning.choices import OPEN_OPERATION_STATES, OperationState
from provisioning.models import Alert, Attempt, Operation, VendorAccount
from provisioning.services.reads import vendor_catalog
from provisioning.vendors import profile

PASSWORD = "Tide-Moon-2026x!"
ADDRESS = {"address_line_1": "1 Main Road", "city": "Cape Town", "postal_code": "8001", "country": "ZA"}
# Shares of the run per vendor. Rackspace allows 30 writes a minute per API user (its doc): its
# share is what a few minutes of that allowance carries.
SHARES = {"synaq": 0.40, "greenview": 0.22, "hostway": 0.18, "basekit": 0.18, "rackspace": 0.02}
_SEQ = itertools.count(1)


def staff_user() -> User:
    # Support staff: services and customers (an administrator would have to pass two-factor sign-in first).
    user, _ = User.objects.get_or_create(username="chaos", defaults={"is_staff": True, "staff_role": "support",
                                                                      "email": "chaos@reseller.example"})
    return user


def vendor_accounts(config: dict, sandbox_url: str, root_keys: dict[str, str]) -> dict[str, VendorAccount]:
    """A vendor account on the sandbox for every vendor the panel has an adapter for."""
    accounts = {}
    for vendor, vendor_config in config.items():
        if profile(vendor).adapter is None:
            continue
        accounts[vendor] = VendorAccount.objects.create(
            kind=vendor, name=f"{vendor} (chaos)", base_url=f"{sandbox_url}/{vendor}",
            credentials=vendor_config["credentials"],
            root_id=str(vendor_config["seeded"].get(root_keys[vendor], "")))
    return accounts


def catalogs(accounts: dict[str, VendorAccount]) -> dict[str, dict]:
    """Each vendor's catalogue, read before the faults are armed (staff read it when they order)."""
    return {vendor: vendor_catalog(account=account) for vendor, account in accounts.items()
            if vendor in ("synaq", "greenview")}


def _customer(prefix: str):
    n = next(_SEQ)
    return services.customer_create(name=f"Chaos {prefix} {n:05d}", reference=f"CH-{prefix}-{n:05d}",
                                    acting_user=staff_user(), email=f"it{n}@chaos.example", **ADDRESS)


def _count() -> int:
    return Operation.objects.count()


def _synaq(account, catalog, budget: int) -> None:
    """Companies with a CloudMail package, two domains provisioned at once, three mailboxes on each, then
    edition changes and renames queued behind them (about 12 operations a company)."""
    staff, start = staff_user(), _count()
    while _count() - start < budget:
        customer = _customer("S")
        package = services.package_order(customer=customer, vendor_account=account, catalog=catalog,
                                         product_code="SYN-CMS", editions=["SYN-CMS-BASIC-02", "SYN-CM-PREM-25-ARCH"],
                                         acting_user=staff)
        for d in range(2):
            domain = services.domain_create(customer=customer, vendor_account=account, package=package,
                                            name=f"s{customer.pk}-{d}.chaos.example", provision_now=True,
                                            catalog=catalog, acting_user=staff)
            for m in range(3):
                mailbox = services.mailbox_create(domain=domain, local_part=f"u{m}", password=PASSWORD,
                                                  edition="SYN-CMS-BASIC-02", acting_user=staff)
                if m == 0:
                    services.mailbox_change_edition(mailbox=mailbox, edition="SYN-CM-PREM-25-ARCH", acting_user=staff)
                elif m == 1 and d == 0:
                    services.mailbox_update(mailbox=mailbox, first_name="Renamed", acting_user=staff)


def _greenview(account, catalog, budget: int) -> None:
    """SpamStopsHere clients with a domain, a second domain added, mail servers changed, seats raised."""
    staff, start = staff_user(), _count()
    while _count() - start < budget:
        customer = _customer("G")
        client = services.vendor_customer_open(
            customer=customer, vendor_account=account, catalog=catalog, title=customer.name,
            plan="spamstopshere-standard", seats=2, acting_user=staff,
            domains=[(f"g{customer.pk}.chaos.example", [f"mail.g{customer.pk}.chaos.example"])])
        services.filtered_domain_add(vendor_customer=client, name=f"h{customer.pk}.chaos.example", mail_servers=[],
                                     acting_user=staff)
        services.domain_set_mail_servers(domain=Domain.objects.get(name=f"g{customer.pk}.chaos.example"),
                                         mail_servers=[f"mx.g{customer.pk}.chaos.example"], acting_user=staff)
        services.vendor_customer_update(vendor_customer=client, seats=3, catalog=catalog, acting_user=staff)


def _rackspace(account, catalog, budget: int) -> None:
    """Sub-account customers, each with a contact added."""
    staff, start = staff_user(), _count()
    while _count() - start < budget:
        customer = _customer("R")
        client = services.vendor_customer_open(customer=customer, vendor_account=account, title=customer.name,
                                               reference=customer.reference, email=customer.email, acting_user=staff)
        services.contact_create(vendor_customer=client, name=f"Contact {customer.pk}",
                                email=f"c{customer.pk}@chaos.example", phone="1235555555", security_question="Q",
                                security_answer="A", acting_user=staff)


def _mailbox_vendor():
    """Hostway and BaseKit host mailboxes on domains that already exist at the vendor: adopt seeded
    domains, then create mailboxes, change passwords, delete some."""

    def recipe(account, catalog, budget: int) -> None:
        staff, start = staff_user(), _count()
        domains = list(Domain.objects.filter(vendor_account=account))
        n = 0
        while _count() - start < budget:
            domain = domains[n % len(domains)]
            mailbox = services.mailbox_create(domain=domain, local_part=f"chaos{n:05d}", password=PASSWORD,
                                              first_name="Chaos", acting_user=staff)
            # BaseKit documents no password change (its profile says so); Hostway's is an update.
            if n % 3 == 0 and account.kind == "hostway":
                services.mailbox_set_password(mailbox=mailbox, password=PASSWORD + "y", acting_user=staff)
            n += 1

    return recipe


RECIPES = {"synaq": _synaq, "greenview": _greenview, "rackspace": _rackspace, "hostway": _mailbox_vendor(),
           "basekit": _mailbox_vendor()}


def adopt_domains(accounts: dict[str, VendorAccount], control, *, per_vendor: int = 12) -> dict[str, int]:
    """Hostway and BaseKit host mailboxes on domains that already exist at the vendor: have the sandbox hold
    some more, then adopt each for a customer as staff do ("add a domain" looks it up and adopts it)."""
    adopted = {}
    for vendor in ("hostway", "basekit"):
        account = accounts.get(vendor)
        if account is None:
            continue
        before = set(control(f"{vendor}/keys")["domains"])
        control(f"{vendor}/seed", "POST", {"domains": per_vendor, **({"account": account.root_id}
                                                                     if vendor == "hostway" else {})})
        names = sorted(set(control(f"{vendor}/keys")["domains"]) - before)
        # BaseKit's new domains all belong to the reseller's demo account holder: one customer holds them.
        holder_customer = _customer("B") if vendor == "basekit" else None
        for name in names:
            services.domain_create(customer=holder_customer or _customer("H"), vendor_account=account, name=name,
                                   owner=account.root_id if vendor == "basekit" else "", acting_user=staff_user())
        adopted[vendor] = len(names)
    return adopted


def ask(accounts: dict[str, VendorAccount], catalogs_by_vendor: dict[str, dict], *, total: int) -> dict:
    """Ask for about ``total`` operations, shared over the vendors that have adapters."""
    usable = {v: SHARES[v] for v in accounts if v in RECIPES and (v not in ("hostway", "basekit") or Domain.objects
                                                                     .filter(vendor_account=accounts[v]).exists())}
    weight = sum(usable.values())
    by_vendor = {}
    for vendor, share in usable.items():
        before = _count()
        RECIPES[vendor](accounts[vendor], catalogs_by_vendor.get(vendor), int(total * share / weight))
        by_vendor[vendor] = _count() - before
    return {"operations": _count(), "by_vendor": by_vendor}


def open_count() -> int:
    return Operation.objects.filter(state__in=OPEN_OPERATION_STATES).count()


def _duplicates(before: dict[str, dict[str, list[str]]], after: dict[str, dict[str, list[str]]]) -> dict[str, int]:
    """Objects the run made twice: a key held more often than before, beyond one new copy."""
    found = {}
    for vendor, kinds in after.items():
        for kind, values in kinds.items():
            was = collections.Counter(before.get(vendor, {}).get(kind, []))
            extra = sum(max(0, n - max(was[key], 1)) for key, n in collections.Counter(values).items() if key)
            if extra:
                found[f"{vendor}.{kind}"] = extra
    return found


# How each vendor names a customer's account in its keys (SYNAQ's companies are checked through
# their domains and mailboxes).
ACCOUNT_KEYS = {"clients": lambda account: account.title, "customers": lambda account: account.reference}


def _missing(keys: dict[str, dict[str, list[str]]], accounts: dict[str, VendorAccount]) -> list[str]:
    """Objects the panel holds as live whose vendor does not hold them."""
    missing = []
    for vendor, account in accounts.items():
        held = {kind: set(values) for kind, values in keys[vendor].items()}
        if "domains" in held:
            for name in Domain.objects.filter(vendor_account=account, vendor_state__in=LIVE_STATES).values_list(
                    "name", flat=True):
                if name not in held["domains"]:
                    missing.append(f"{vendor} domain {name}")
        if "mailboxes" in held:
            for local, domain in Mailbox.objects.filter(domain__vendor_account=account,
                                                        vendor_state__in=LIVE_STATES).values_list(
                    "local_part", "domain__name"):
                if f"{local}@{domain}" not in held["mailboxes"]:
                    missing.append(f"{vendor} mailbox {local}@{domain}")
        for kind, key_of in ACCOUNT_KEYS.items():
            if kind in held:
                for row in VendorCustomer.objects.filter(vendor_account=account).exclude(vendor_id=""):
                    if key_of(row) not in held[kind]:
                        missing.append(f"{vendor} {kind[:-1]} {key_of(row)}")
    return missing


def _overlapping_runs() -> int:
    """Operations with two attempts whose times overlap: run in two workers at once."""
    overlapping = set()
    by_operation = collections.defaultdict(list)
    for operation_id, started, finished in Attempt.objects.exclude(finished_at=None).order_by(
            "operation_id", "started_at").values_list("operation_id", "started_at", "finished_at"):
        by_operation[operation_id].append((started, finished))
    for operation_id, attempts in by_operation.items():
        for (_, earlier_end), (later_start, _) in itertools.pairwise(attempts):
            if later_start < earlier_end:
                overlapping.add(operation_id)
    return len(overlapping)


def _failed_without_alert() -> list[int]:
    """Failed operations no alert speaks for: neither one of their own, nor the open alert of the
    object they change (one alert per object and kind), nor that of the change they were blocked by."""
    failed = dict(Operation.objects.filter(state=OperationState.FAILED).values_list("id", "blocked_by_id"))
    targets = dict((pk, (t, i)) for pk, t, i in Operation.objects.filter(pk__in=failed).values_list(
        "id", "target_type", "target_id"))
    own = set(Alert.objects.filter(operation_id__in=failed).values_list("operation_id", flat=True))
    open_on = set(Alert.objects.filter(resolved_at__isnull=True).values_list("target_type", "target_id"))

    def alerted(pk: int, depth: int = 0) -> bool:
        if pk in own or targets.get(pk) in open_on:
            return True
        root = failed.get(pk)
        return root is not None and depth < 20 and alerted(root, depth + 1)

    return [pk for pk in failed if not alerted(pk)]


def verdict(before: dict[str, dict[str, list[str]]], keys: dict[str, dict[str, list[str]]],
            accounts: dict[str, VendorAccount]) -> dict:
    """The run's figures, from the panel's rows and what each sandbox holds."""
    states = collections.Counter(Operation.objects.values_list("state", flat=True))
    without_alert = _failed_without_alert()
    failed = Operation.objects.filter(state=OperationState.FAILED)
    duplicates = _duplicates(before, keys)
    missing = _missing(keys, accounts)
    still_open = sum(states[s] for s in OPEN_OPERATION_STATES)
    return {
        "operations": sum(states.values()),
        "final": sum(states.values()) - still_open,
        "states": dict(states),
        "duplicates": sum(duplicates.values()),
        "duplicates_by_kind": duplicates,
        # Lost: a change neither at the vendor nor failed with an alert.
        "lost": len(missing) + still_open,
        "missing_at_vendor": missing[:20],
        "failed_without_alert": len(without_alert),
        "overlapping_runs": _overlapping_runs(),
        "attempts": Attempt.objects.count(),
        "open_alerts": Alert.objects.filter(resolved_at__isnull=True).count(),
        "failed_operations_sample": list(failed.values_list("kind", "last_error")[:5]),
        "objects": {"domains": Domain.objects.count(), "mailboxes": Mailbox.objects.count(),
                    "vendor_customers": VendorCustomer.objects.filter(~Q(vendor_id="")).count()},
    }


def dashboard_words(web_url: str) -> str:
    """Sign in to the running web process and read the dashboard's counts of waiting and failed changes."""
    user = staff_user()
    user.set_password(PASSWORD)
    user.save()
    session = requests.Session()
    login = session.get(f"{web_url}/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)
    if not token:
        return "the sign-in page had no form"
    session.post(f"{web_url}/login/", data={"username": user.username, "password": PASSWORD,
                                            "csrfmiddlewaretoken": token.group(1)},
                 headers={"Referer": f"{web_url}/login/"}, timeout=10)
    page = session.get(f"{web_url}/", timeout=30).text
    cards = re.findall(r'<span class="num">([^<]+)</span><span>([^<]+)</span>', page)
    return "; ".join(f"{label}: {number}" for number, label in cards) or "no dashboard (sign-in failed)"
