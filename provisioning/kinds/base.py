"""Typed payloads: one frozen dataclass per operation kind.

A service builds the payload from local state when it asks for a change; the outbox stores it as
JSON; the vendor's handler for that kind gets it back as the same dataclass. Targets are named by
their local ids (the handler asks the target registry for the vendor's ids at run time, since a
prerequisite may only now have learnt them). Secrets never sit in a payload: the names in
``secrets`` travel in the operation's encrypted ``secret_payload`` and are wiped when it ends.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar


@dataclasses.dataclass(frozen=True)
class Payload:
    """Base of every operation kind's payload."""

    kind: ClassVar[str] = ""
    label: ClassVar[str] = ""
    target_type: ClassVar[str] = ""
    # Names of the secrets (in the operation's secret_payload) this kind needs.
    secrets: ClassVar[tuple[str, ...]] = ()

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Payload:
        """Rebuild from stored JSON; keys this version no longer knows are ignored."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in names})

    @property
    def target_id(self) -> int:
        """The local id of the object the operation changes (the payload's ``<target_type>_id``)."""
        return getattr(self, f"{self.target_type}_id")
