"""The view-permission matrix, shared by the staff console's and the portal's tests.

Every URL is taken from the URLconf (not listed by hand), filled in from one estate per customer, and
asked by GET and by POST as each kind of visitor. A URL the table below does not know fails the test,
so a new view cannot be added without saying who may use it.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from api.models import ApiKey
from core.models import AuditEvent
from customers.models import (
    Contact,
    Customer,
    Domain,
    DomainPackageLink,
    Invitation,
    Invoice,
    Mailbox,
    MailboxImport,
    Membership,
    Package,
    VendorCustomer,
)
from provisioning import services
from provisioning.choices import AlertKind
from provisioning.models import ImportJob, Operation
from tests.factories import (
    CustomerFactory,
    DomainFactory,
    MailboxFactory,
    MembershipFactory,
    PackageFactory,
    StaffFactory,
    UserFactory,
    VendorAccountFactory,
    VendorCustomerFactory,
    queue_operation,
)

# Namespaces whose URLs are checked elsewhere (the admin: tests/panel/test_admin.py) or take no user.
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {"login", "logout"}  # the console's own sign-in (tests/panel/test_auth.py)

VISITORS = ["anonymous", "staff:admin", "staff:support", "staff:billing", "staff:none", "member:owner",
            "member:admin", "member:viewer", "other:owner"]


def url_names() -> list[str]:
    """Every named URL of the project (``namespace:name``), from the URLconf."""
    names = []

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in SKIPPED_NAMESPACES:
                    continue
                walk(p.url_patterns, f"{prefix}{p.namespace}:" if p.namespace else prefix)
            elif isinstance(p, URLPattern) and p.name and (prefix or p.name not in SKIPPED_NAMES):
                names.append(prefix + p.name)
    walk(get_resolver().url_patterns, "")
    return sorted(set(names))


def build_estate(staff) -> dict:
    """One customer with one of everything a URL can name: domain, mailbox, package, vendor-side
    account, contact, invoice, operation and alert."""
    customer = CustomerFactory(name="Tenant Alpha Holdings")
    account = VendorAccountFactory(kind="synaq")
    domain = DomainFactory(customer=customer, vendor_account=account, name="tenant-alpha.example")
    mailbox = MailboxFactory(domain=domain, local_part="alpha-accounts")
    vendor_customer = VendorCustomerFactory(customer=customer, vendor_account=VendorAccountFactory(kind="rackspace"),
                                            vendor_id="100001")
    package = PackageFactory(vendor_customer=VendorCustomerFactory(customer=customer))
    DomainPackageLink.objects.create(domain=domain, package=package, state="linked")
    contact = Contact.objects.create(vendor_customer=vendor_customer, name="Pat", email="pat@tenant-alpha.example",
                                     phone="+27 21 555 0100", security_question="Pet?", receives_billing=True)
    invoice = Invoice.objects.create(vendor_customer=vendor_customer, invoice_id="INV-ALPHA-1",
                                     invoice_date=datetime.date(2026, 11, 1), total_due=Decimal("10.00"),
                                     csv_text="Account No,Reference No\n1,2\n")
    colleague = MembershipFactory(customer=customer, role="viewer", user__username="alpha-colleague")
    invitation = Invitation.objects.create(customer=customer, email="new@customer.test", role="viewer",
                                           token_hash="0" * 64, expires_at=timezone.now() + datetime.timedelta(days=1))
    hostway = VendorAccountFactory(kind="hostway")
    hw_domain = DomainFactory(customer=customer, vendor_account=hostway, name="tenant-alpha-hosted.example",
                              vendor_id="tenant-alpha-hosted.example", vendor_state="active")
    hw_mailbox = MailboxFactory(domain=hw_domain, local_part="alpha-hosted", vendor_id="alpha-hosted",
                                vendor_state="active")
    holder = VendorCustomerFactory(customer=customer, vendor_account=VendorAccountFactory(kind="basekit"),
                                   vendor_id="500001")
    operation = queue_operation(domain, "domain.create", acting_user=staff)
    alert = services.alert_open(kind=AlertKind.DOMAIN_STALE, target_type="domain", target_id=domain.pk,
                                customer=customer, title="stale")
    return {"customer": customer, "account": account, "domain": domain, "mailbox": mailbox, "package": package,
            "vendor_customer": vendor_customer, "contact": contact, "invoice": invoice, "operation": operation,
            "alert": alert, "cost_account": VendorAccountFactory(kind="greenview"),
            "membership": colleague, "invitation": invitation,
            "hw_domain": hw_domain, "hw_mailbox": hw_mailbox, "holder": holder,
            "mailbox_import": MailboxImport.objects.create(created_by=staff, filename="mailboxes.csv", rows=[]),
            "import_job": ImportJob.objects.create(vendor_account=account, scope=["tenant-alpha.example"],
                                                   state="proposed"),
            "drift": services.alert_open(kind=AlertKind.DRIFT, target_type="mailbox", target_id=mailbox.pk,
                                         customer=customer, title="drift"),
            "api_key": ApiKey.objects.create(name="Billing site", selector="0123456789abcdef", secret_hash="0" * 64,
                                             scopes=["login_tokens:customers"])}


def visitors(db_estate) -> dict:
    """One user of each kind (None for anonymous). ``member:*`` belong to the estate's customer."""
    customer = db_estate["customer"]
    other = CustomerFactory()
    return {
        "anonymous": None,
        "staff:admin": StaffFactory(staff_role="admin"),
        "staff:support": StaffFactory(staff_role="support"),
        "staff:billing": StaffFactory(staff_role="billing"),
        "staff:none": StaffFactory(staff_role=""),
        "member:owner": MembershipFactory(customer=customer, role="owner").user,
        "member:admin": MembershipFactory(customer=customer, role="admin").user,
        "member:viewer": MembershipFactory(customer=customer, role="viewer").user,
        "other:owner": MembershipFactory(customer=other, role="owner").user,
    }


def fingerprint() -> str:
    """What a refused request must not change: audit rows, operations, and the estate's rows."""
    parts = [
        AuditEvent.objects.count(), Operation.objects.count(),
        list(Operation.objects.order_by("id").values_list("id", "state")),
        *(list(model.objects.order_by("pk").values()) for model in
          (Customer, Domain, Mailbox, Package, VendorCustomer, Contact, Membership, Invitation, ApiKey)),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def reverse_with(name: str, args_for: dict, e: dict) -> str:
    return reverse(name, args=args_for[name](e))


__all__ = ["UserFactory", "build_estate", "fingerprint", "reverse_with", "url_names", "visitors", "VISITORS"]
