"""What the Hostway handlers share: where a mailbox lives (its domain, its name, mailbox or Exchange)."""

from __future__ import annotations

from dataclasses import dataclass

from provisioning.adapters.base import Handler, NotFoundError, Outcome
from provisioning.kinds import Payload
from provisioning.targets import Facts, TargetRef

EXCHANGE_PREFIX = "exchange:"


@dataclass(frozen=True)
class Where:
    """A mailbox at Hostway: its domain, its username and whether it is an Exchange mailbox."""

    domain: str
    name: str
    exchange: bool

    @property
    def kind(self) -> str:
        """The path segment of its kind: ``mailbox`` or ``exchange``."""
        return "exchange" if self.exchange else "mailbox"


def is_exchange(edition: str) -> bool:
    return edition.startswith(EXCHANGE_PREFIX)


def exchange_type(edition: str) -> str:
    return edition.removeprefix(EXCHANGE_PREFIX) or "standard"


def where(ref: TargetRef) -> Where:
    attrs = ref.attrs
    kind = (attrs.get("vendor_attrs") or {}).get("kind")
    exchange = kind == "exchange" if kind else is_exchange(attrs.get("edition") or "")
    return Where(domain=attrs["domain_name"], name=ref.vendor_id or attrs["local_part"], exchange=exchange)


def held_kind(ctx, domain: str, name: str) -> str | None:
    """What Hostway holds under ``name`` in ``domain``: ``"mailbox"``, ``"exchange"`` or None."""
    try:
        data = ctx.client.get(ctx.client.user_path(domain, name))
    except NotFoundError:
        return None
    return "exchange" if "exchange" in data else "mailbox"


class HostwayHandler(Handler):
    """Hostway is synchronous: one step does the work."""

    def run(self, ctx, payload: Payload) -> Outcome:
        return self.start(ctx, payload)

    def start(self, ctx, payload: Payload) -> Outcome:
        raise NotImplementedError


def mailbox_facts(w: Where, **attrs) -> Facts:
    return Facts(w.name, "active", {"vendor_attrs": {"kind": w.kind}, **attrs})
