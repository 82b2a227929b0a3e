"""The importer contract: how a vendor's existing estate is read into the panel (sync and adopt).

Every vendor that hosts domains may declare an :class:`Importer` on its adapter (``Adapter.importer``).
The import job (``provisioning.models.ImportJob``, run by ``customers.services.imports``) asks it for:

* ``parse_scope``: what staff named (Hostway documents no list of an account's domains, so staff name
  the domains; BaseKit lists an account holder's domains, so staff name account holders);
* ``domains``: the vendor-side domains one scope entry stands for, each with its owner at the vendor
  (a BaseKit account holder) so a mapping to customers can be proposed;
* ``mailboxes``: the domain's mailboxes, page by page (Hostway ``page``/``pageSize``, BaseKit
  ``limit``/``offset``), so a large estate streams and the job can show progress.

Vendors whose estate hangs off vendor-side accounts (SYNAQ OUs, Greenview clients, Rackspace customers)
set ``scope_kind = "accounts"``: staff then confirm how each *account* maps to a customer, and the
importer answers, per account, ``accounts`` (what an entry stands for, ``all`` for every one), and the
account's ``packages``, ``account_domains`` (page by page) and ``contacts``. ``account``, ``domain_of`` and
``mailboxes`` let the periodic drift check re-read what the panel already holds, a few objects at a time.

Values the panel compares are given in the panel's own field names (``VendorOwner.fields``,
``VendorDomain.fields``, ``VendorMailbox.details``, ``VendorContact.fields``); which of them are compared
(drift) is declared on the importer (``account_fields``, ``domain_fields``, ``mailbox_fields``,
``contact_fields``).

The importer only reads. What becomes of the answer locally (proposal, confirmation, creation, drift)
is the import job's business, the same for every vendor; no code outside a vendor's package tests its
name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from provisioning.adapters.base import NotFoundError

if TYPE_CHECKING:  # the engine's context, for type checkers only
    from provisioning.services.context import Context


@dataclass(frozen=True)
class VendorOwner:
    """Who holds a domain at the vendor (a BaseKit account holder, a SYNAQ OU, a Greenview client, a
    Rackspace customer), as the vendor names it."""

    vendor_id: str
    label: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)
    # The vendor's reference number for the account (SYNAQ ``client_ref``, Rackspace ``referenceNumber``).
    reference: str = ""
    # "" when the vendor's API shows no state for it (SYNAQ OUs, Greenview clients, Rackspace customers): the
    # panel's own record of it is then kept, never overwritten by a guess.
    vendor_state: str = "active"
    # What the vendor holds, in ``VendorCustomer``'s field names (``details.<key>`` for its details).
    fields: dict[str, Any] = field(default_factory=dict)
    # How many domains and mailboxes it holds, when the vendor says so cheaply (the proposal and progress).
    domain_count: int | None = None
    mailbox_count: int | None = None


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
    # The vendor ids of the packages the domain is linked to (SYNAQ).
    packages: tuple[str, ...] = ()
    # What the vendor holds, in ``Domain``'s field names (Greenview ``mail_servers``, ``dns_records``).
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VendorMailbox:
    """A mailbox as the vendor holds it. ``details`` are compared with the local row (drift)."""

    local_part: str
    vendor_id: str
    vendor_state: str
    details: dict[str, Any] = field(default_factory=dict)
    # The vendor id of the package whose edition the mailbox has (SYNAQ).
    package: str = ""


@dataclass(frozen=True)
class VendorPackage:
    """A package (an instance of a vendor product, with its editions) under a vendor-side account."""

    vendor_id: str
    product_code: str
    product_name: str
    editions: tuple[str, ...]
    vendor_state: str
    has_mailboxes: bool = False


@dataclass(frozen=True)
class VendorContact:
    """A contact of a vendor-side account; ``fields`` in ``Contact``'s field names."""

    vendor_id: str
    vendor_state: str = "active"
    fields: dict[str, Any] = field(default_factory=dict)


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
    # "domains": staff confirm a customer per domain; "accounts": per vendor-side account (OU, client...).
    scope_kind: ClassVar[str] = "domains"
    # Fields compared between panel and vendor (drift), in the panel's names, per object.
    account_fields: ClassVar[tuple[str, ...]] = ()
    domain_fields: ClassVar[tuple[str, ...]] = ()
    contact_fields: ClassVar[tuple[str, ...]] = ()
    # The scope entry that stands for every account the vendor lists (account-centric importers).
    ALL: ClassVar[str] = "all"

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

    # ---- account-centric vendors (``scope_kind = "accounts"``) ------------------------------------------
    def accounts(self, ctx: Context, entry: str) -> list[VendorOwner]:
        """The vendor-side accounts ``entry`` stands for (``ALL``: every one); NotFoundError when none."""
        raise NotImplementedError

    def account(self, ctx: Context, vendor_id: str) -> VendorOwner | None:
        """One account as the vendor holds it now (the drift check); None when the vendor has no such."""
        raise NotImplementedError

    def account_details(self, ctx: Context, owner: VendorOwner) -> VendorOwner:
        """The account with every detail, read when it is imported (an index may name only a few fields, so the
        proposal needs no call per account)."""
        return owner

    def packages(self, ctx: Context, owner: VendorOwner) -> list[VendorPackage]:
        """The account's packages (none where the vendor has no such level)."""
        return []

    def account_domains(self, ctx: Context, owner: VendorOwner) -> Iterator[list[VendorDomain]]:
        """The account's domains, a page at a time (none where the vendor holds no domains)."""
        return iter(())

    def contacts(self, ctx: Context, owner: VendorOwner) -> list[VendorContact]:
        """The account's contacts (none where the vendor keeps none)."""
        return []

    # ---- the drift check -------------------------------------------------------------------------------
    def domain_of(self, ctx: Context, name: str, vendor_id: str) -> VendorDomain | None:
        """One domain the panel holds, as the vendor holds it now; None when the vendor has no such.

        By default it is looked up as a scope entry of its own name (Hostway); an importer whose scope names
        something else (BaseKit account holders, SYNAQ OUs) overrides it.
        """
        try:
            from_vendor = self.domains(ctx, name)
        except NotFoundError:
            return None
        return next((d for d in from_vendor if d.name == name), None)
