"""Kinds on a package: an instance of a vendor product with its editions (SYNAQ)."""

from __future__ import annotations

from dataclasses import dataclass

from provisioning.kinds.base import Payload


@dataclass(frozen=True)
class PackageCreate(Payload):
    kind = "package.create"
    label = "Create package"
    target_type = "package"

    package_id: int
    vendor_customer_id: int
    product_code: str
    editions: tuple[str, ...] = ()


@dataclass(frozen=True)
class PackageChangeEditions(Payload):
    """Change the editions of a package; on an active one its domains go stale (SYNAQ 6.2)."""

    kind = "package.change_editions"
    label = "Change package editions"
    target_type = "package"

    package_id: int
    product_code: str
    editions: tuple[str, ...] = ()


@dataclass(frozen=True)
class PackageProvision(Payload):
    """Provision a package with all its linked domains."""

    kind = "package.provision"
    label = "Provision package"
    target_type = "package"

    package_id: int


@dataclass(frozen=True)
class PackageDelete(Payload):
    kind = "package.delete"
    label = "Delete package"
    target_type = "package"

    package_id: int


ALL = (PackageCreate, PackageChangeEditions, PackageProvision, PackageDelete)
