"""Every operation kind the engine knows, each with its typed payload (see :mod:`.base`).

The list is explicit (no registration on import): a kind exists when its payload is listed here.
"""

from __future__ import annotations

from provisioning.kinds import account, contact, domain, filtering, holder, mail, mailbox, package
from provisioning.kinds.base import Payload

PAYLOADS: dict[str, type[Payload]] = {
    p.kind: p for p in (*account.ALL, *package.ALL, *domain.ALL, *filtering.ALL, *mailbox.ALL, *contact.ALL,
                         *mail.ALL, *holder.ALL)}


def payload_class(kind: str) -> type[Payload]:
    """The payload dataclass of ``kind``; LookupError for a kind this version does not know."""
    try:
        return PAYLOADS[kind]
    except KeyError:
        raise LookupError(f"unknown operation kind {kind!r}") from None


def kind_label(kind: str) -> str:
    cls = PAYLOADS.get(kind)
    return cls.label if cls else kind


def kind_choices() -> list[tuple[str, str]]:
    """Choices for ``Operation.kind`` (a callable, so adding a kind needs no migration)."""
    return [(kind, cls.label) for kind, cls in PAYLOADS.items()]


__all__ = ["PAYLOADS", "Payload", "kind_choices", "kind_label", "payload_class"]
