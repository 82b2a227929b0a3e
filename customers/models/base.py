"""Fields every vendor-hosted service row has."""

from __future__ import annotations

from django.db import models

from core.choices import choice_accessor
from customers.choices import LIVE_STATES, RequestedState, VendorState


class ServiceState(models.Model):
    """The two sides of a service's state: what was asked, and what the vendor last said."""

    requested_state = models.CharField(max_length=16, choices=RequestedState, default=RequestedState.ACTIVE)
    vendor_state = models.CharField(max_length=16, choices=VendorState, default=VendorState.UNKNOWN)
    vendor_id = models.CharField(max_length=128, blank=True, help_text="The vendor's id (GUID, ref, name).")
    last_synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    vendor_state_choice = choice_accessor("vendor_state", VendorState)
    requested_state_choice = choice_accessor("requested_state", RequestedState)

    @property
    def is_live(self) -> bool:
        """The vendor confirmed it exists and serves (not merely queued)."""
        return self.vendor_state in LIVE_STATES
