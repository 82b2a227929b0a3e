"""Statuses of customers and of the services they hold, each with its badge colour and severity."""

from __future__ import annotations

from django.db import models

from core.choices import Coloured, Severity, colours


class CustomerStatus(Coloured, models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    CLOSED = "closed", "Closed"


colours(CustomerStatus, {"active": "green", "suspended": "amber", "closed": "grey"})


class StaffRole(models.TextChoices):
    """What a member of the reseller's staff may do in the panel."""

    NONE = "", "Not staff"
    ADMIN = "admin", "Administrator"
    SUPPORT = "support", "Support"
    BILLING = "billing", "Billing"


class MembershipRole(models.TextChoices):
    """What a customer's own user may do in the self-service portal."""

    OWNER = "owner", "Owner"        # everything, and the customer's users
    ADMIN = "admin", "Administrator"  # services, not users
    VIEWER = "viewer", "Viewer"      # read only


class RequestedState(Coloured, models.TextChoices):
    """What the reseller asked for the service to be."""

    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    CLOSED = "closed", "Closed"
    DELETED = "deleted", "Deleted"


colours(RequestedState, {"active": "green", "suspended": "amber", "closed": "grey", "deleted": "grey"})


class VendorState(Coloured, models.TextChoices):
    """What the vendor last said the service is, in the vendors' own words."""

    UNKNOWN = "unknown", "Not on vendor yet"
    PENDING = "pending", "Pending"
    INITIALIZING = "initializing", "Initialising"
    # Greenview: the filter is set up and processes the domain's mail.
    READY = "ready", "Ready"
    INACTIVE = "inactive", "Inactive"
    ACTIVE = "active", "Active"
    STALE = "stale", "Stale"
    SUSPENDED = "suspended", "Suspended"
    LOCKED = "locked", "Locked"
    CLOSED = "closed", "Closed"
    DELETED = "deleted", "Deleted"
    ERROR = "error", "Error"
    FAILED = "failed", "Failed"
    ORPHANED = "orphaned", "Orphaned"
    CANCELLED = "cancelled", "Cancelled"

    @property
    def severity(self) -> Severity:
        return _VENDOR_STATE_STYLE[self.value][1]


_VENDOR_STATE_STYLE: dict[str, tuple[str, Severity]] = {
    "unknown": ("grey", Severity.INFO),
    "pending": ("blue", Severity.INFO),
    "initializing": ("blue", Severity.INFO),
    "ready": ("green", Severity.INFO),
    "inactive": ("grey", Severity.LOW),
    "active": ("green", Severity.INFO),
    # Stale means the vendor's live configuration no longer matches: mail flow is at risk.
    "stale": ("red", Severity.HIGH),
    "suspended": ("amber", Severity.MEDIUM),
    "locked": ("amber", Severity.MEDIUM),
    "closed": ("grey", Severity.LOW),
    "deleted": ("grey", Severity.LOW),
    "error": ("red", Severity.HIGH),
    "failed": ("red", Severity.HIGH),
    "orphaned": ("red", Severity.HIGH),
    "cancelled": ("grey", Severity.LOW),
}
colours(VendorState, {value: style[0] for value, style in _VENDOR_STATE_STYLE.items()})
# The vendor confirmed the service exists and serves (active, or a filter that is ready).
LIVE_STATES = frozenset({VendorState.ACTIVE, VendorState.READY})


class LinkState(Coloured, models.TextChoices):
    """A domain's link to a package, as far as the vendor confirmed it."""

    LINKING = "linking", "Linking"
    LINKED = "linked", "Linked"
    UNLINKING = "unlinking", "Unlinking"


colours(LinkState, {"linking": "blue", "linked": "green", "unlinking": "amber"})
