"""The importer contract: how a vendor's existing estate is read into the panel (sync and adopt).

Every vendor that hosts domains may declare an :class:`Importer` on its adapter (``Adapter.importer``).
The import job (``provisioning.models.ImportJob``, run by ``customers.services.imports``) asks it for:

* ``parse_scope``: what staff named (Hostway documents no list of an account's domains, so staff name
  the domains; BaseKit lists an account holder's domains, so staff name account holders);
* ``domains``: the vendor-side domains one scope entry stands for, each with its owner at the vendor
  (a BaseKit account holder) so a mapping to customers can be proposed;
* ``mailboxes``: the domain's mailboxes, page by page (Hostway ``page``/``pageSize``, BaseKit
  ``limit``/``offset``), so a large estate streams and the job can show progress.

The importer only reads. What becomes of the answer locally (proposal, confirmation, creation, drift)
is the import job's business, the same for every vendor; no code outside a vendor's package tests its
name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # the engine's context, for type checkers only
    from provisioning.services.context import Context


@dataclass(frozen=True)
class VendorOwner:
    """Who holds a domain at the vendor (a BaseKit account holder), as the vendor names it."""

    vendor_id: str
    label: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VendorDomain:
    """A domain as the vendor holds it."""

    name: str
    vendor_id: str
    vendor_state: str
    owner: VendorOwner | None = None
    # How many mailboxes it holds, when the vendor says so cheaply (for the proposal and progress).
    mailbox_count: int | None = None
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VendorMailbox:
    """A mailbox as the vendor holds it. ``details`` are compared with the local row (drift)."""

    local_part: str
    vendor_id: str
    vendor_state: str
    details: dict[str, Any] = field(default_factory=dict)


class Importer:
    """Reads one vendor's estate. Subclass in the vendor's package and name it on the adapter."""

    # What staff name to import, in the vendor's words, and how (shown beside the form field).
    scope_label: ClassVar[str] = "Domain names"
    scope_help: ClassVar[str] = "One per line, or comma-separated."
    # What the vendor calls who holds a domain there ("" when the vendor has no such level).
    owner_label: ClassVar[str] = ""
    # Adopting one domain also needs its owner at the vendor (BaseKit: the account holder's ref).
    adopt_needs_owner: ClassVar[bool] = False
    # Mailbox details the import writes on a new local mailbox and compares on an existing one.
    mailbox_fields: ClassVar[tuple[str, ...]] = ()
    page_size: ClassVar[int] = 500

    def parse_scope(self, text: str) -> list[str]:
        """The scope entries staff named (lines, commas or a CSV's first column); ValueError names a bad one."""
        entries: list[str] = []
        for line in text.replace(",", "\n").splitlines():
            value = line.strip().strip('"').strip()
            if value and not value.startswith("#") and value not in entries:
                entries.append(value)
        if not entries:
            raise ValueError(f"Name at least one: {self.scope_help}")
        return entries

    def adopt_entry(self, name: str, owner: str = "") -> str:
        """The scope entry that stands for one domain a customer adopts (``owner``: its holder at the vendor)."""
        return name

    def domains(self, ctx: Context, entry: str) -> list[VendorDomain]:
        """The vendor's domains ``entry`` stands for; NotFoundError when the vendor has none."""
        raise NotImplementedError

    def mailboxes(self, ctx: Context, domain: VendorDomain, *, start: int = 0
                  ) -> Iterator[tuple[int, list[VendorMailbox]]]:
        """The domain's mailboxes, one page at a time from position ``start``: ``(next_start, page)``."""
        raise NotImplementedError
