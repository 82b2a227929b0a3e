"""Kinds of a filtered domain (Greenview SpamStopsHere): where clean mail goes."""

from __future__ import annotations

from dataclasses import dataclass

from provisioning.kinds.base import Payload


@dataclass(frozen=True)
class DomainSetMailServers(Payload):
    """Tell the filter which servers take the domain's clean mail."""

    kind = "domain.set_mail_servers"
    label = "Update mail servers"
    target_type = "domain"

    domain_id: int
    mail_servers: tuple[str, ...] = ()


ALL = (DomainSetMailServers,)
