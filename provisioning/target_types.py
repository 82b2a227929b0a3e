"""The engine's own target type: a vendor account (alerts about credentials or reachability)."""

from __future__ import annotations

from provisioning.models import VendorAccount
from provisioning.targets import TargetType


class VendorAccountTarget(TargetType):
    name = "vendor_account"
    label = "Vendor account"
    model = VendorAccount
    url_name = "provisioning:vendor_account_detail"
    state_field = None

    def queryset(self):
        return VendorAccount.objects.defer("credentials")
