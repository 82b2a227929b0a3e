"""The customer's own account at a vendor: opened on first use (SYNAQ) or by staff with its details
(a Greenview client with its domains, a Rackspace customer), edited, enabled and disabled, deleted."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import permissions
from core.audit import audit_record
from customers import access
from customers.choices import RequestedState
from customers.models import Customer, Domain, VendorCustomer
from customers.services.common import request_action, require_account_usable, require_customer_active, save_new
from customers.validators import clean_mail_servers, normalise_domain_name, validate_domain_name, validate_vendor_name
from provisioning import selectors as provisioning_selectors
from provisioning import services as provisioning
from provisioning.choices import Capability
from provisioning.kinds.account import VendorCustomerCreate, VendorCustomerDelete, VendorCustomerUpdate
from provisioning.kinds.domain import DomainCreate
from provisioning.models import Operation, VendorAccount

DETAIL_FIELDS = ("phone", "address_line_1", "address_line_2", "city", "state", "zip", "country")
ACCOUNT_FIELDS = ("title", "reference", "email", "plan", "seats", *DETAIL_FIELDS)
# Rackspace keeps reference numbers of 20 characters at most; the panel uses the same for every vendor.
REFERENCE_MAX = 20
# Rackspace allows one enable or disable per account in this many seconds.
TOGGLE_WINDOW = datetime.timedelta(minutes=5)


def _open_account(customer: Customer, vendor_account: VendorAccount) -> VendorCustomer | None:
    return (VendorCustomer.objects.select_for_update().filter(customer=customer, vendor_account=vendor_account)
            .exclude(requested_state=RequestedState.DELETED).first())


def default_reference(customer: Customer) -> str:
    return customer.reference if len(customer.reference) <= REFERENCE_MAX else f"P{customer.pk:0{REFERENCE_MAX - 1}d}"


def vendor_customer_ensure(*, customer: Customer, vendor_account: VendorAccount,
                           acting_user) -> tuple[VendorCustomer, list[Operation]]:
    """The customer's account at the vendor, queued for creation if it has none yet.

    Returns the row and the operations still open on it, which a new change there must wait for.
    Call inside the caller's transaction.
    """
    vendor = vendor_account.profile
    if not vendor.can(Capability.CUSTOMER_ACCOUNTS):
        raise ValueError(f"{vendor.label} keeps no customer accounts")
    existing = _open_account(customer, vendor_account)
    if existing is not None:
        return existing, provisioning_selectors.open_operations(target_type="vendor_customer", target_id=existing.pk)
    if vendor.staff_opens_accounts:
        raise ValidationError(f"Open {customer.name}'s {vendor.account_label} at {vendor_account.name} first.")
    if "address" in vendor.account_requires and not customer.has_postal_address:
        raise ValidationError(
            f"{vendor.label} needs the customer's postal address (address, city, postal code and country) to open "
            f"its account there. Add it to {customer.name}'s details first.")
    try:
        with transaction.atomic():
            account = VendorCustomer.objects.create(customer=customer, vendor_account=vendor_account,
                                                    title=customer.name[:200], reference=customer.reference)
    except IntegrityError:  # another request opened it a moment ago
        account = _open_account(customer, vendor_account)
        return account, provisioning_selectors.open_operations(target_type="vendor_customer", target_id=account.pk)
    operation = provisioning.operation_enqueue(
        payload=VendorCustomerCreate(vendor_customer_id=account.pk, title=customer.name, reference=customer.reference,
                                     phone=customer.phone, vat_number=customer.vat_number,
                                     address=customer.postal_address()),
        vendor_account=vendor_account, customer=customer, acting_user=acting_user,
        summary=f"Open {customer.name}'s account at {vendor.label}",
    )
    audit_record(acting_user=acting_user, action="vendor_customer.create", target=account, customer=customer,
                 summary=f"Queued {customer.name}'s account at {vendor_account.name}")
    return account, [operation]


def clean_account_fields(vendor_account: VendorAccount, values: dict, *, catalog: dict | None,
                         exclude_pk: int | None = None) -> dict:
    """The account details the vendor keeps, checked by the vendor's documented rules before anything is
    sent; errors are keyed by field."""
    fields = vendor_account.profile.account_fields
    unknown = set(values) - set(ACCOUNT_FIELDS)
    if unknown:
        raise ValueError(f"not account fields: {sorted(unknown)}")
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if k in fields}
    errors: dict[str, str] = {}
    if "title" in fields:
        try:
            validate_vendor_name(values.get("title") or "")
        except ValidationError as error:
            errors["title"] = error.messages[0]
    if "reference" in fields:
        reference = clean.get("reference") or ""
        if not reference:
            errors["reference"] = "A reference number is required: the panel finds the account by it."
        elif len(reference) > REFERENCE_MAX:
            errors["reference"] = f"The reference number must be {REFERENCE_MAX} characters or fewer."
        elif (VendorCustomer.objects.filter(vendor_account=vendor_account, reference=reference)
              .exclude(requested_state=RequestedState.DELETED).exclude(pk=exclude_pk).exists()):
            errors["reference"] = "Another customer's account here has this reference number."
    if "plan" in fields:
        uids = {p["uid"] for p in (catalog or {}).get("packages", [])}
        if not clean.get("plan"):
            errors["plan"] = "Choose a package."
        elif uids and clean["plan"] not in uids:
            errors["plan"] = "Choose one of the vendor's packages."
    if "seats" in fields and (not isinstance(clean.get("seats"), int) or clean["seats"] < 1):
        errors["seats"] = "The number of users must be 1 or more."
    if errors:
        raise ValidationError(errors)
    details = {k: clean.pop(k) for k in DETAIL_FIELDS if k in clean}
    if details:
        clean["details"] = {k: v for k, v in details.items() if v}
    return clean


def parse_domains(lines: Iterable[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    """(domain name, mail servers) pairs, each name checked and free, each once."""
    seen: list[tuple[str, list[str]]] = []
    for raw_name, servers in lines:
        name = normalise_domain_name(raw_name)
        validate_domain_name(name)
        if any(name == n for n, _ in seen):
            raise ValidationError(f"{name} is listed twice.")
        if Domain.objects.filter(name=name).exists():
            raise ValidationError(f"A domain named {name} already exists in the panel.")
        seen.append((name, clean_mail_servers(servers)))
    return seen


@transaction.atomic
def vendor_customer_open(*, customer: Customer, vendor_account: VendorAccount, catalog: dict | None = None,
                         domains: Iterable[tuple[str, list[str]]] = (), acting_user, **values) -> VendorCustomer:
    """Open the customer's account at a vendor whose accounts staff open themselves, with its details and,
    where the vendor keeps domains inside the account (Greenview), its domains and their mail servers."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=customer)
    require_account_usable(vendor_account)
    require_customer_active(customer, field="title")
    vendor = vendor_account.profile
    if not vendor.staff_opens_accounts:
        raise ValidationError(f"{vendor.label} opens the customer's account by itself with the first service.")
    if _open_account(customer, vendor_account) is not None:
        raise ValidationError(f"{customer.name} already has an account at {vendor_account.name}.")
    clean = clean_account_fields(vendor_account, values, catalog=catalog)
    holds_domains = vendor.domain_origin == "client"
    try:
        wanted = parse_domains(domains) if holds_domains else []
    except ValidationError as error:
        raise ValidationError({"domains": error.messages}) from error
    if holds_domains and not wanted:
        raise ValidationError({"domains": f"A {vendor.account_label} needs at least one domain."})
    account = VendorCustomer(customer=customer, vendor_account=vendor_account, **clean)
    save_new(account, unique_error={"title": f"{customer.name} already has an account there."})
    created = provisioning.operation_enqueue(
        payload=VendorCustomerCreate(vendor_customer_id=account.pk, title=account.title, reference=account.reference,
                                     email=account.email, plan=account.plan, seats=account.seats,
                                     phone=account.details.get("phone", ""), address=dict(account.details)),
        vendor_account=vendor_account, customer=customer, acting_user=acting_user,
        summary=f"Open {customer.name}'s {vendor.account_label}" + (
            f" with {', '.join(n for n, _ in wanted)}" if wanted else ""),
    )
    for name, servers in wanted:
        _filtered_domain(account, name, servers, after=[created], acting_user=acting_user)
    audit_record(acting_user=acting_user, action="vendor_customer.create", target=account, customer=customer,
                 summary=f"Asked to open {customer.name}'s {vendor.account_label} at {vendor_account.name}")
    return account


def _filtered_domain(account: VendorCustomer, name: str, servers: list[str], *, after, acting_user) -> Domain:
    domain = Domain(customer=account.customer, vendor_account=account.vendor_account, vendor_customer=account,
                    name=name, mail_servers=servers)
    save_new(domain, unique_error={"name": "A domain with this name already exists."})
    provisioning.operation_enqueue(
        payload=DomainCreate(domain_id=domain.pk, name=name, vendor_customer_id=account.pk),
        vendor_account=account.vendor_account, customer=account.customer, after=after, acting_user=acting_user,
        summary=f"Set up {name} on {account.vendor_account.kind_label}",
    )
    audit_record(acting_user=acting_user, action="domain.create", target=domain, customer=account.customer,
                 summary=f"Added domain {name} to the {account.vendor_account.profile.account_label}")
    return domain


def _queue_update(account: VendorCustomer, changes: dict, *, summary: str, acting_user) -> Operation:
    return provisioning.operation_enqueue(
        payload=VendorCustomerUpdate(vendor_customer_id=account.pk, changes=changes),
        vendor_account=account.vendor_account, customer=account.customer, acting_user=acting_user, summary=summary)


@transaction.atomic
def vendor_customer_update(*, vendor_customer: VendorCustomer, catalog: dict | None = None, acting_user,
                           **values) -> VendorCustomer:
    """Change the account's details here and queue them for the vendor (only what changed is audited)."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=vendor_customer.customer)
    account = VendorCustomer.objects.select_for_update().get(pk=vendor_customer.pk)
    if account.is_deleted:
        raise ValidationError("The account is being deleted.")
    merged = {k: getattr(account, k) for k in ("title", "reference", "email", "plan", "seats")}
    merged.update({k: (account.details or {}).get(k, "") for k in DETAIL_FIELDS})
    merged.update(values)
    clean = clean_account_fields(account.vendor_account, {k: merged[k] for k in ACCOUNT_FIELDS if k in merged},
                                 catalog=catalog, exclude_pk=account.pk)
    diff = {}
    for name, value in clean.items():
        if name == "details":
            before = account.details or {}
            for key in set(before) | set(value):
                if before.get(key, "") != value.get(key, ""):
                    diff[key] = [before.get(key, ""), value.get(key, "")]
        elif getattr(account, name) != value:
            diff[name] = [getattr(account, name), value]
        setattr(account, name, value)
    if not diff:
        raise ValidationError("Nothing changed.")
    account.save()
    _queue_update(account, {k: v[1] for k, v in diff.items()}, acting_user=acting_user,
                  summary=f"Update {account.customer.name}'s {account.vendor_account.profile.account_label}")
    audit_record(acting_user=acting_user, action="vendor_customer.update", target=account, customer=account.customer,
                 summary=f"Updated {account.customer.name}'s account at {account.vendor_account.name}",
                 changes={k: [str(a), str(b)] for k, (a, b) in diff.items()})
    return account


def toggle_due(account: VendorCustomer, *, now=None) -> datetime.datetime | None:
    """When an enable or disable asked now can be sent (None: at once), by the vendor's 5-minute window."""
    now = now or timezone.now()
    open_toggles = provisioning_selectors.open_operations(target_type="vendor_customer", target_id=account.pk)
    if any(op.kind in ("vendor_customer.enable", "vendor_customer.disable") for op in open_toggles):
        return now + TOGGLE_WINDOW  # at the earliest; the console says the exact time once the one before is done
    if account.toggled_at and account.toggled_at + TOGGLE_WINDOW > now:
        return account.toggled_at + TOGGLE_WINDOW
    return None


@transaction.atomic
def vendor_customer_action(*, vendor_customer: VendorCustomer, name: str, acting_user) -> tuple[Operation, str]:
    """One of the account's vendor actions (enable, disable, read back, fetch invoices); with it, the words
    that say when it goes (a second enable or disable inside 5 minutes waits its turn)."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=vendor_customer.customer)
    account = VendorCustomer.objects.select_for_update().select_related("vendor_account", "customer").get(
        pk=vendor_customer.pk)
    if account.is_deleted:
        raise ValidationError("The account is being deleted.")
    due = toggle_due(account) if name in ("enable", "disable") else None
    operation = request_action(obj=account, target="vendor_customer", name=name, acting_user=acting_user)
    spec = account.vendor_account.profile.action("vendor_customer", name)
    if due is None:
        return operation, f"{spec.label}: queued for {account.vendor_account.name}."
    return operation, (f"{spec.label}: queued. {account.vendor_account.kind_label} allows one enable or disable "
                       f"every 5 minutes, so it will be sent at {timezone.localtime(due):%H:%M:%S} at the earliest; "
                       "this page says when it goes.")


@transaction.atomic
def vendor_customer_delete(*, vendor_customer: VendorCustomer, confirm: str, acting_user) -> Operation:
    """Delete (Greenview: cancel) the account at the vendor, with every domain it holds there."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=vendor_customer.customer)
    account = VendorCustomer.objects.select_for_update().select_related("vendor_account", "customer").get(
        pk=vendor_customer.pk)
    if confirm.strip() != account.title:
        raise ValidationError({"confirm": f"Type {account.title} to confirm."})
    if account.is_deleted:
        raise ValidationError("The account is already being deleted.")
    if account.packages.exclude(requested_state=RequestedState.DELETED).exists():
        raise ValidationError("Delete the account's packages first.")
    if account.vendor_account.profile.domain_origin != "client":
        # Domains are objects of their own at this vendor (a SYNAQ OU's): they go first, one by one.
        left = account.customer.domains.filter(vendor_account=account.vendor_account).count()
        if left:
            raise ValidationError(f"{account.customer.name} still has {left} domain(s) on "
                                  f"{account.vendor_account.name}: delete them first.")
    account.requested_state = RequestedState.DELETED
    account.save(update_fields=["requested_state", "updated_at"])
    Domain.objects.filter(vendor_customer=account).update(requested_state=RequestedState.DELETED)
    label = account.vendor_account.profile.account_label
    operation = provisioning.operation_enqueue(
        payload=VendorCustomerDelete(vendor_customer_id=account.pk), vendor_account=account.vendor_account,
        customer=account.customer, acting_user=acting_user, summary=f"Delete {account.customer.name}'s {label}")
    audit_record(acting_user=acting_user, action="vendor_customer.delete", target=account, customer=account.customer,
                 summary=f"Asked to delete {account.customer.name}'s {label} at {account.vendor_account.name}")
    return operation
