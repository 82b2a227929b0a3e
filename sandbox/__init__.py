"""Vendor sandboxes: HTTP simulators of the five email vendors' reseller APIs.

Independent of the panel (no Django, nothing from panel/, customers/ or provisioning/). Each vendor
module defines a ``Sandbox`` class (a :class:`sandbox.core.VendorSandbox`); :func:`build_app`
mounts them all under their prefixes in one WSGI application.
"""

from __future__ import annotations

import importlib

from sandbox.core import SandboxApp, VendorSandbox

VENDOR_MODULES = ("synaq", "greenview", "hostway", "rackspace", "basekit")


def vendor_classes(names: tuple[str, ...] | list[str] = VENDOR_MODULES) -> list[type[VendorSandbox]]:
    """The ``Sandbox`` class of each named vendor module."""
    return [importlib.import_module(f"sandbox.{name}").Sandbox for name in names]


def build_app(*, seed: int = 0, vendors: tuple[str, ...] | list[str] = VENDOR_MODULES) -> SandboxApp:
    """One WSGI app serving the named vendors (all five by default) under ``/<name>``."""
    return SandboxApp(vendor_classes(vendors), seed=seed)
