"""Customers of the reseller, their users, and the domains and mailboxes they hold on vendors.

Each service row keeps both sides: what the reseller asked for (``requested_state``) and what the
vendor last said (``vendor_state``, ``vendor_id``, ``last_synced_at``). A local change becomes live
only when its Operation (provisioning app) succeeds.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower

from customers.choices import CustomerStatus, MembershipRole, RequestedState, StaffRole, VendorState
from customers.validators import validate_domain_name, validate_local_part
from panel.db import choices_constraint


class User(AbstractUser):
    """Anyone who signs in: reseller staff (``is_staff`` with a ``staff_role``) or a customer's user."""

    staff_role = models.CharField(max_length=16, choices=StaffRole, blank=True, default=StaffRole.NONE)

    class Meta:
        constraints = [choices_constraint("staff_role", StaffRole, "user_staff_role_valid")]

    @property
    def is_reseller_staff(self) -> bool:
        return self.is_active and self.is_staff


class Customer(models.Model):
    """An organisation the reseller sells email services to."""

    name = models.CharField(max_length=200)
    reference = models.CharField(
        max_length=32, unique=True, help_text="The reseller's own account reference, e.g. from billing."
    )
    contact_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=16, choices=CustomerStatus, default=CustomerStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["name", "id"], name="customer_name_idx"),
            models.Index(fields=["status"], name="customer_status_idx"),
        ]
        constraints = [choices_constraint("status", CustomerStatus, "customer_status_valid")]

    def __str__(self) -> str:
        return self.name

    @property
    def status_choice(self) -> CustomerStatus:
        return CustomerStatus(self.status)


class Membership(models.Model):
    """A user's place in a customer's organisation (self-service portal)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=MembershipRole, default=MembershipRole.USER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "customer"], name="membership_unique_user_customer"),
            choices_constraint("role", MembershipRole, "membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.customer} ({self.role})"


class ServiceState(models.Model):
    """Fields every vendor-hosted service has: the two sides of its state."""

    requested_state = models.CharField(max_length=16, choices=RequestedState, default=RequestedState.ACTIVE)
    vendor_state = models.CharField(max_length=16, choices=VendorState, default=VendorState.UNKNOWN)
    vendor_id = models.CharField(max_length=128, blank=True, help_text="The vendor's id (GUID, ref, name).")
    last_synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def vendor_status(self) -> VendorState:
        return VendorState(self.vendor_state)

    @property
    def requested_status(self) -> RequestedState:
        return RequestedState(self.requested_state)


class Domain(ServiceState):
    """A customer's email domain, hosted on one vendor account."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="domains")
    vendor_account = models.ForeignKey(
        "provisioning.VendorAccount", on_delete=models.PROTECT, related_name="domains"
    )
    name = models.CharField(max_length=253, unique=True, validators=[validate_domain_name])

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["customer", "name"], name="domain_customer_name_idx"),
            models.Index(fields=["vendor_state"], name="domain_vendor_state_idx"),
            models.Index(fields=["vendor_account", "vendor_id"], name="domain_vendor_id_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(name=Lower("name")), name="domain_name_lower_case"),
            choices_constraint("requested_state", RequestedState, "domain_requested_state_valid"),
            choices_constraint("vendor_state", VendorState, "domain_vendor_state_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class Mailbox(ServiceState):
    """A mailbox (user) under a domain, with its class of service (edition) and quota."""

    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="mailboxes")
    local_part = models.CharField(max_length=64, validators=[validate_local_part])
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    edition = models.CharField(max_length=64, blank=True, help_text="Class of service, in the vendor's words.")
    quota_mb = models.PositiveIntegerField(
        null=True, blank=True, help_text="Mailbox size in MB, if the vendor sets one."
    )

    class Meta:
        ordering = ["domain__name", "local_part"]
        verbose_name_plural = "mailboxes"
        indexes = [
            # Prefix search (LIKE 'x%') uses it on PostgreSQL whatever the database collation.
            models.Index(fields=["local_part"], name="mailbox_local_part_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["vendor_state"], name="mailbox_vendor_state_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["domain", "local_part"], name="mailbox_unique_local_part_per_domain"),
            models.CheckConstraint(
                condition=models.Q(local_part=Lower("local_part")), name="mailbox_local_part_lower_case"
            ),
            choices_constraint("requested_state", RequestedState, "mailbox_requested_state_valid"),
            choices_constraint("vendor_state", VendorState, "mailbox_vendor_state_valid"),
        ]

    def __str__(self) -> str:
        return self.address

    @property
    def address(self) -> str:
        return f"{self.local_part}@{self.domain.name}"

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)
