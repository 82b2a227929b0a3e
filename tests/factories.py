"""factory_boy factories for the panel's models."""

from __future__ import annotations

import factory

from customers.models import Customer, Domain, Mailbox, Membership, User
from provisioning.choices import VendorKind
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

    kind = VendorKind.SYNAQ
    name = factory.LazyAttribute(lambda a: f"{VendorKind(a.kind).label} test")
    base_url = "http://127.0.0.1:9/synaq"
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
