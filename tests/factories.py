"""factory_boy factories for the panel's models."""

from __future__ import annotations

import factory

from customers.models import Customer, Domain, Mailbox, Membership, Package, User, VendorCustomer
from provisioning.choices import VendorKind
from provisioning.kinds import payload_class
from provisioning.models import VendorAccount

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    is_staff = True
    staff_role = "admin"


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Customer {n:04d}")
    reference = factory.Sequence(lambda n: f"REF-{n:05d}")
    contact_name = "Pat Contact"
    email = factory.Sequence(lambda n: f"contact{n}@customer.test")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    customer = factory.SubFactory(CustomerFactory)
    role = "owner"


class VendorAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VendorAccount
        django_get_or_create = ("name",)

    # BaseKit: domains and mailboxes, no packages: the plainest vendor for tests of local behaviour.
    kind = VendorKind.BASEKIT
    name = factory.LazyAttribute(lambda a: f"{VendorKind(a.kind).label} test")
    base_url = factory.LazyAttribute(lambda a: f"http://127.0.0.1:9/{a.kind}")
    credentials = factory.LazyFunction(lambda: {"user": "api-user", "key": "s3cr3t-api-key-value"})
    root_id = "reseller-guid"


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain

    customer = factory.SubFactory(CustomerFactory)
    vendor_account = factory.SubFactory(VendorAccountFactory)
    name = factory.Sequence(lambda n: f"domain{n}.example")


class MailboxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mailbox

    domain = factory.SubFactory(DomainFactory)
    local_part = factory.Sequence(lambda n: f"user{n}")
    first_name = "Jo"


class VendorCustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VendorCustomer

    customer = factory.SubFactory(CustomerFactory)
    vendor_account = factory.SubFactory(VendorAccountFactory, kind=VendorKind.SYNAQ)
    title = factory.LazyAttribute(lambda v: v.customer.name)


class PackageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Package

    vendor_customer = factory.SubFactory(VendorCustomerFactory)
    customer = factory.LazyAttribute(lambda p: p.vendor_customer.customer)
    vendor_account = factory.LazyAttribute(lambda p: p.vendor_customer.vendor_account)
    product_code = "SYN-CMS"
    product_name = "SYNAQ CloudMail"
    editions = factory.LazyFunction(lambda: ["SYN-CMS-BASIC-02", "SYN-CM-PREM-25-ARCH"])
    has_mailboxes = True


# Payload fields a test need not care about, by name.
_PAYLOAD_DEFAULTS = {"name": "example.com", "local_part": "jo", "title": "Title", "product_code": "SYN-CMS",
                     "edition": "E", "package_id": None, "vendor_customer_id": None}


def queue_operation(target, kind: str, *, acting_user=None, secrets=None, **fields):
    """Enqueue an operation of ``kind`` on ``target`` through the real service (tests of the engine)."""
    import dataclasses

    from provisioning import services

    cls = payload_class(kind)
    values = {}
    for f in dataclasses.fields(cls):
        if f.name in fields:
            values[f.name] = fields[f.name]
        elif f.name == f"{cls.target_type}_id":
            values[f.name] = target.pk
        elif f.name == "domain_id" and hasattr(target, "domain_id"):
            values[f.name] = target.domain_id
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            values[f.name] = _PAYLOAD_DEFAULTS[f.name]
    account = getattr(target, "vendor_account", None) or target.domain.vendor_account
    customer = getattr(target, "customer", None) or getattr(getattr(target, "domain", None), "customer", None)
    if secrets is None and cls.secrets:
        secrets = {name: "a-long-password-1" for name in cls.secrets}
    return services.operation_enqueue(payload=cls(**values), vendor_account=account, customer=customer,
                                      secrets=secrets, acting_user=acting_user)
