"""Every vendor's profile, listed once. The profile names the vendor's adapter (None until written).

One vendor = one package here (``provisioning/vendors/<name>/``, its client, handlers and profile)
and one sandbox module of the same name (``sandbox/<name>.py``).
"""

from __future__ import annotations

from provisioning.vendors import basekit, greenview, hostway, rackspace, synaq
from provisioning.vendors.profile import ActionSpec, CredentialField, VendorProfile

PROFILES: dict[str, VendorProfile] = {
    p.kind: p for p in (synaq.profile, greenview.profile, hostway.profile, rackspace.profile, basekit.profile)
}


def profile(kind: str) -> VendorProfile:
    """The profile of vendor ``kind``."""
    return PROFILES[kind]


__all__ = ["PROFILES", "ActionSpec", "CredentialField", "VendorProfile", "profile"]
