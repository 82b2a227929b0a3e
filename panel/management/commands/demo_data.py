"""``manage.py demo_data``: a staff login, vendor accounts on the sandboxes, and a few customers.

The SYNAQ customer orders a CloudMail package and gets a domain provisioned at once with two
mailboxes; the Greenview customer gets a SpamStopsHere client holding its domain; the Rackspace
customer gets a Rackspace customer account; the Hostway and BaseKit customers adopt the domains those
sandboxes hold (Hostway's test.com, BaseKit holder 500001's johnsmith.co.uk: neither API creates domains),
whose mailboxes are imported, and get a new mailbox each. Once ``make run``'s worker is up, those operations
really go to the sandboxes (each once: a retry adopts what an earlier attempt created).

Idempotent: run again, it adds nothing, sets the admin's password back to the one kept in
``var/demo-login.txt`` (so the printed login always works), and reprints the login.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from customers import services as customer_services
from customers.models import Customer, Membership, User
from provisioning.choices import Capability, VendorKind
from provisioning.models import VendorAccount
from provisioning.services.reads import vendor_catalog
from sandbox import build_app
from sandbox.testing import running_sandbox

# Which seeded sandbox id is each vendor's root (reseller GUID, account, ...).
ROOT_ID_KEYS = {
    VendorKind.SYNAQ: "reseller_guid",
    VendorKind.GREENVIEW: "reseller_id",
    VendorKind.HOSTWAY: "account",
    VendorKind.RACKSPACE: "account",
    VendorKind.BASEKIT: "account_holder_ref",
}
# Where each vendor's single sign-on lands in the sandbox.
OPTIONS = {VendorKind.SYNAQ: {"webmail_url": "{sandbox}/synaq/webmail/login?token={token}"},
           VendorKind.BASEKIT: {"webmail_url": "{sandbox}/basekit/webmail/login?token={token}"},
           VendorKind.RACKSPACE: {"control_panel_url": "{sandbox}/rackspace/TokenLogin.aspx?loginToken={token}"}}

ADDRESS = {"address_line_1": "20 Long Street", "city": "Cape Town", "postal_code": "8001", "country": "ZA"}
DEMO_CUSTOMERS = [
    # name, reference, contact, e-mail, vendor, domain, mailboxes
    ("Acme Trading (Pty) Ltd", "ACME-001", "Thandi Nkosi", "thandi@acme-trading.co.za", VendorKind.SYNAQ,
     "acme-trading.co.za", ["thandi", "sales"]),
    # Hostway and BaseKit create no domains: these adopt the ones their sandboxes hold.
    ("Test Com Trading", "TEST-002", "Pieter van Wyk", "pieter@test.com", VendorKind.HOSTWAY,
     "test.com", ["bookings"]),
    ("Karoo Solar", "KARO-003", "Ayesha Patel", "ayesha@karoosolar.example", VendorKind.GREENVIEW,
     "karoosolar.example", []),
    ("John Smith Brewing", "JSB-004", "John Smith", "johnsmith@mail.co.uk", VendorKind.BASEKIT,
     "johnsmith.co.uk", ["sam"]),
    ("Sea Point Dental", "SEAP-005", "Lerato Dlamini", "lerato@seapointdental.example", VendorKind.RACKSPACE,
     None, []),
]
CLOUDMAIL = ("SYN-CMS", ["SYN-CMS-BASIC-02", "SYN-CM-PREM-25-ARCH"])
# The holder at the vendor an adopted demo domain belongs to (BaseKit's demo account holder).
DEMO_OWNERS = {VendorKind.BASEKIT: "500001"}


class Command(BaseCommand):
    help = "Load demo data: a staff login, vendor accounts pointing at the sandboxes, a few customers."

    def handle(self, *args, **options):
        admin, password = self._admin()
        self._vendor_accounts()
        self._customers(admin)
        owner = self._portal_owner(password)
        self.stdout.write(self.style.SUCCESS(
            "\n  Panel:   http://127.0.0.1:8000/\n"
            f"  Sign in: {admin.username} / {password}\n"
            "  Portal:  http://127.0.0.1:8000/portal/\n"
            f"  Sign in: {owner.username} / {password} (the owner of {DEMO_CUSTOMERS[0][0]})\n"
        ))

    def _portal_owner(self, password: str) -> User:
        """The first demo customer's owner in the self-service portal, with the demo password."""
        owner, created = User.objects.get_or_create(
            username="thandi", defaults={"first_name": "Thandi", "last_name": "Nkosi", "email": DEMO_CUSTOMERS[0][3]})
        if created or not owner.check_password(password):
            owner.set_password(password)
            owner.save()
        customer = Customer.objects.get(reference=DEMO_CUSTOMERS[0][1])
        Membership.objects.get_or_create(user=owner, customer=customer, defaults={"role": "owner"})
        return owner

    def _admin(self) -> tuple[User, str]:
        login_file = settings.VAR_DIR / "demo-login.txt"
        if login_file.exists():
            password = login_file.read_text().strip()
        else:
            password = "demo-" + secrets.token_urlsafe(9)
            login_file.write_text(password)
            login_file.chmod(0o600)
        admin, created = User.objects.get_or_create(
            username="admin",
            defaults={"is_staff": True, "is_superuser": True, "staff_role": "admin", "first_name": "Demo",
                      "last_name": "Admin", "email": "admin@reseller.example"},
        )
        if created or not admin.check_password(password):
            admin.set_password(password)
            admin.save()
        return admin, password

    def _vendor_accounts(self) -> None:
        config = build_app().config()
        for kind in VendorKind:
            vendor = config[kind.value]
            options = {k: v.replace("{sandbox}", settings.SANDBOX_URL) for k, v in OPTIONS.get(kind, {}).items()}
            VendorAccount.objects.update_or_create(
                name=f"{kind.label} (sandbox)",
                defaults={
                    "kind": kind.value,
                    "base_url": f"{settings.SANDBOX_URL}/{kind.value}",
                    "credentials": vendor["credentials"],
                    "root_id": str(vendor["seeded"].get(ROOT_ID_KEYS[kind], "")),
                    "options": options,
                },
            )

    def _catalog(self, account: VendorAccount) -> dict:
        """The vendor's live catalogue, asked of a sandbox started for the moment (make run's is not up yet)."""
        with running_sandbox(vendors=[account.kind]) as sandbox:
            probe = VendorAccount(pk=None, kind=account.kind, name=account.name, credentials=account.credentials,
                                  root_id=account.root_id, base_url=sandbox.base_url(account.kind))
            catalog = vendor_catalog(account=probe, refresh=True)
        VendorAccount.objects.filter(pk=account.pk).update(catalog=catalog)
        return catalog

    @transaction.atomic
    def _customers(self, admin: User) -> None:
        if Customer.objects.exists():
            return
        for name, reference, contact, email, kind, domain_name, mailboxes in DEMO_CUSTOMERS:
            customer = customer_services.customer_create(
                name=name, reference=reference, contact_name=contact, email=email, acting_user=admin, **ADDRESS,
            )
            account = VendorAccount.objects.get(kind=kind)
            if account.profile.staff_opens_accounts:
                self._open_account(customer, account, domain_name, admin)
                continue
            package = None
            catalog = self._catalog(account) if account.profile.can(Capability.PACKAGES) else {}
            if catalog.get("products"):
                package = customer_services.package_order(customer=customer, vendor_account=account, catalog=catalog,
                                                          product_code=CLOUDMAIL[0], editions=CLOUDMAIL[1],
                                                          acting_user=admin)
            if account.profile.domain_origin == "adopted":
                domain = self._adopt(customer, account, domain_name, admin)
            else:
                domain = customer_services.domain_create(
                    customer=customer, vendor_account=account, name=domain_name, package=package,
                    provision_now=package is not None, catalog=catalog, acting_user=admin,
                )
            for local_part in mailboxes:
                customer_services.mailbox_create(
                    domain=domain, local_part=local_part, password=self._password(account, domain_name, local_part),
                    first_name=local_part.title(), last_name=customer.name.split()[0],
                    edition=package.editions[0] if package else "", acting_user=admin,
                )
        self.stdout.write(f"Created {len(DEMO_CUSTOMERS)} demo customers.")

    @staticmethod
    def _password(account: VendorAccount, domain_name: str, local_part: str) -> str:
        """A random password the vendor's documented rules accept."""
        check = account.profile.password_problem
        while True:
            password = "Q" + secrets.token_urlsafe(12) + "-a1"
            if check is None or check(password, username=local_part, domain=domain_name) is None:
                return password

    def _adopt(self, customer: Customer, account: VendorAccount, domain_name: str, admin: User):
        """Adopt a domain the vendor's sandbox holds. The lookup asks a sandbox started for the moment (make run's
        is not up yet; its demo estate is the same); the mailboxes are imported by the worker from make run's."""
        base_url = account.base_url
        with running_sandbox(vendors=[account.kind]) as sandbox:
            account.base_url = sandbox.base_url(account.kind)
            try:
                return customer_services.domain_create(customer=customer, vendor_account=account, name=domain_name,
                                                       owner=DEMO_OWNERS.get(account.kind, ""), acting_user=admin)
            finally:
                account.base_url = base_url

    def _open_account(self, customer: Customer, account: VendorAccount, domain_name: str | None, admin: User) -> None:
        """The customer's account at a vendor whose accounts staff open (a Greenview client with its domain, a
        Rackspace customer), with the details its profile asks for."""
        fields = account.profile.account_fields
        catalog = self._catalog(account) if "plan" in fields else {}
        values = {"title": customer.name, "reference": customer.reference, "email": customer.email,
                  "plan": (catalog.get("packages") or [{}])[0].get("uid", ""), "seats": 5,
                  "phone": "021 555 0100", "address_line_1": customer.address_line_1, "city": customer.city,
                  "zip": customer.postal_code, "country": str(customer.country)}
        domains = [(domain_name, [f"mail.{domain_name}"])] if domain_name else []
        customer_services.vendor_customer_open(customer=customer, vendor_account=account, catalog=catalog,
                                               domains=domains, acting_user=admin,
                                               **{k: v for k, v in values.items() if k in fields})
