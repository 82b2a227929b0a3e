"""Kinds on a domain."""

from __future__ import annotations

from dataclasses import dataclass, field

from provisioning.kinds.base import Payload


@dataclass(frozen=True)
class DomainCreate(Payload):
    """Create (or adopt) the domain at the vendor; under a package it is linked at once, and with
    ``provision_now`` provisioned too."""

    kind = "domain.create"
    label = "Create domain"
    target_type = "domain"

    domain_id: int
    name: str
    vendor_customer_id: int | None = None
    package_id: int | None = None
    provision_now: bool = False


@dataclass(frozen=True)
class DomainSync(Payload):
    """Read the domain back from the vendor: its state, service fields and records."""

    kind = "domain.sync"
    label = "Read domain from vendor"
    target_type = "domain"

    domain_id: int


@dataclass(frozen=True)
class DomainLink(Payload):
    kind = "domain.link"
    label = "Link domain to package"
    target_type = "domain"

    domain_id: int
    package_id: int


@dataclass(frozen=True)
class DomainUnlink(Payload):
    """Unlink a package (a partial cancellation): nothing, a Prune, or a stale domain may follow."""

    kind = "domain.unlink"
    label = "Unlink domain from package"
    target_type = "domain"

    domain_id: int
    package_id: int


@dataclass(frozen=True)
class DomainSetServiceFields(Payload):
    """PATCH the domain's service fields; secrets among them travel encrypted."""

    kind = "domain.set_service_fields"
    label = "Update service fields"
    target_type = "domain"
    secrets = ("fields",)

    domain_id: int
    # The names being set (their values, secrets included, are in the secret payload).
    names: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class DomainAction(Payload):
    """Base of the domain's asynchronous actions: the payload is just the domain."""

    domain_id: int


@dataclass(frozen=True)
class DomainProvision(DomainAction):
    kind = "domain.provision"
    label = "Provision domain"
    target_type = "domain"


@dataclass(frozen=True)
class DomainRefresh(DomainAction):
    kind = "domain.refresh"
    label = "Refresh domain"
    target_type = "domain"


@dataclass(frozen=True)
class DomainClose(DomainAction):
    kind = "domain.close"
    label = "Close domain"
    target_type = "domain"


@dataclass(frozen=True)
class DomainActivate(DomainAction):
    kind = "domain.activate"
    label = "Reactivate domain"
    target_type = "domain"


@dataclass(frozen=True)
class DomainPrune(DomainAction):
    kind = "domain.prune"
    label = "Prune domain services"
    target_type = "domain"


@dataclass(frozen=True)
class DomainUsage(DomainAction):
    kind = "domain.usage"
    label = "Fetch usage report"
    target_type = "domain"


@dataclass(frozen=True)
class DomainDelete(DomainAction):
    kind = "domain.delete"
    label = "Delete domain"
    target_type = "domain"


ALL = (DomainCreate, DomainSync, DomainLink, DomainUnlink, DomainSetServiceFields, DomainProvision, DomainRefresh,
       DomainClose, DomainActivate, DomainPrune, DomainUsage, DomainDelete)
