"""Who signs in, and the organisations the reseller sells to."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django_countries.fields import CountryField

from core.choices import choice_accessor
from core.db import choices_constraint
from core.permissions import staff_role_of
from customers.choices import CustomerStatus, MembershipRole, StaffRole


class User(AbstractUser):
    """Anyone who signs in: reseller staff (``is_staff`` with a ``staff_role``) or a customer's user."""

    staff_role = models.CharField(max_length=16, choices=StaffRole, blank=True, default=StaffRole.NONE)

    class Meta:
        constraints = [choices_constraint("staff_role", StaffRole, "user_staff_role_valid")]

    @property
    def is_reseller_staff(self) -> bool:
        """Active staff with a role. A staff user with no role is staff for no purpose at all."""
        return bool(staff_role_of(self))


class Customer(models.Model):
    """An organisation the reseller sells email services to."""

    name = models.CharField(max_length=200)
    reference = models.CharField(
        max_length=32, unique=True, help_text="The reseller's own account reference, e.g. from billing."
    )
    contact_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    vat_number = models.CharField("VAT number", max_length=32, blank=True)
    # The postal address some vendors require for the customer's own account there (SYNAQ's OU).
    address_line_1 = models.CharField("Address", max_length=200, blank=True)
    address_line_2 = models.CharField("Address (line 2)", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    province = models.CharField("Province or state", max_length=100, blank=True)
    postal_code = models.CharField(max_length=16, blank=True)
    country = CountryField(blank=True)
    status = models.CharField(max_length=16, choices=CustomerStatus, default=CustomerStatus.ACTIVE)
    # Why staff suspended or closed the customer, in their words.
    status_reason = models.CharField(max_length=300, blank=True)
    # The objects that suspending or closing changed at vendors ([target type, pk, action name]), which
    # reactivating returns to service (and only those: a mailbox staff closed on its own stays closed).
    lifecycle_held = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["name", "id"], name="customer_name_idx"),
            models.Index(fields=["status"], name="customer_status_idx"),
            models.Index(fields=["created_at", "id"], name="customer_created_idx"),
        ]
        constraints = [
            choices_constraint("status", CustomerStatus, "customer_status_valid"),
            # "acme-1" and "ACME-1" are the same account in any billing system.
            models.UniqueConstraint(Lower("reference"), name="customer_reference_unique_any_case",
                                    violation_error_message="A customer with this reference already exists."),
        ]

    def __str__(self) -> str:
        return self.name

    status_choice = choice_accessor("status", CustomerStatus)

    @property
    def has_postal_address(self) -> bool:
        return bool(self.address_line_1 and self.city and self.postal_code and self.country)

    def postal_address(self) -> dict[str, str]:
        """The address in the vendors' common shape (empty parts left out)."""
        parts = {"line_1": self.address_line_1, "line_2": self.address_line_2, "city": self.city,
                 "province": self.province, "postal_code": self.postal_code, "country": str(self.country or "")}
        return {k: v for k, v in parts.items() if v}


class Membership(models.Model):
    """A user's place in a customer's organisation (self-service portal)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=MembershipRole, default=MembershipRole.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "customer"], name="membership_unique_user_customer"),
            choices_constraint("role", MembershipRole, "membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.customer} ({self.role})"


class Invitation(models.Model):
    """An owner's invitation of someone into the customer's portal: a one-time link that expires.

    Only a hash of the link's token is kept, so a copy of the database cannot be used to join.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=16, choices=MembershipRole, default=MembershipRole.VIEWER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [choices_constraint("role", MembershipRole, "invitation_role_valid")]

    def __str__(self) -> str:
        return f"{self.email} to {self.customer} ({self.role})"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()
