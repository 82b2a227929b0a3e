"""The capability declaration: what a vendor can do, and the actions its objects offer.

Views, forms and the portal ask a vendor account's profile (``account.profile.can(...)``,
``actions_for(...)``) and never test a vendor's name. A sixth vendor is one more profile with its
adapter, and one sandbox module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from provisioning.adapters.base import Adapter
from provisioning.choices import Capability, VendorKind


@dataclass(frozen=True)
class ActionSpec:
    """A button on an object's page: one operation kind, when it is offered, and what it costs."""

    name: str
    target: str
    kind: str
    label: str
    explain: str = ""
    # What staff lose if they go ahead (destructive actions say so before they confirm).
    lost: str = ""
    # Ask for the object's name to be typed before going ahead.
    confirm: bool = False
    # Vendor states the action is offered in; empty means any.
    states: frozenset[str] = frozenset()
    style: str = ""
    # Customers may use it themselves in the self-service portal.
    portal: bool = False
    # What the reseller then asks the object to be (requested_state), e.g. "closed"; empty: unchanged.
    requests_state: str = ""

    def offered_in(self, vendor_state: str) -> bool:
        return not self.states or vendor_state in self.states


@dataclass(frozen=True)
class CredentialField:
    """One credential staff enter for a vendor account; a secret one is never shown back in full."""

    name: str
    label: str
    secret: bool = True


@dataclass(frozen=True)
class VendorProfile:
    """One vendor: its capabilities, its adapter (None until one is written), its object actions."""

    kind: VendorKind
    capabilities: frozenset[Capability]
    adapter: type[Adapter] | None = None
    actions: tuple[ActionSpec, ...] = ()
    # What the vendor calls a mailbox's class of service, for form labels.
    edition_label: str = "Edition"
    # How a domain comes to the panel: "created" at the vendor, "adopted" (looked up), or held by a client.
    domain_origin: str = "created"
    # The mailbox names the vendor accepts (a regular expression over the lower-cased name), in words.
    mailbox_name_pattern: str = ""
    mailbox_name_rule: str = ""
    # What of the customer the vendor needs to open the customer's own account there ("address").
    account_requires: tuple[str, ...] = ()
    # What the vendor calls the customer's account there, and the fields staff fill in to open and edit it
    # (empty: the account opens by itself with the first service, as SYNAQ's company OU does).
    account_label: str = "Vendor-side account"
    account_fields: tuple[str, ...] = ()
    # The button that opens the vendor's own panel as the customer through a login token.
    login_label: str = ""
    # The vendor's password rules in words (shown beside the field) and their check, run by the forms before
    # anything is sent: ``password_problem(password, username=, domain=, exchange=)`` -> the broken rule or None.
    password_rules: tuple[str, ...] = ()
    password_problem: Callable[..., str | None] | None = None
    # Mailbox types the vendor offers (``edition`` values) and their names; "exchange:<type>" are Exchange ones.
    mailbox_types: tuple[tuple[str, str], ...] = ()
    notes: dict[str, str] = field(default_factory=dict)
    # What suspending, reactivating or closing a customer asks of this vendor: for each of those events,
    # the object actions (target type, ActionSpec name) queued on each of the customer's objects here whose
    # state offers them (SYNAQ closes the domains, Rackspace disables the account). An event a vendor has
    # no step for changes nothing there, and the confirmation page says so.
    customer_lifecycle: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    # The credentials a vendor account of this vendor holds (entered in the console, encrypted at rest), and
    # what its root id is called there (the SYNAQ reseller GUID...).
    credential_fields: tuple[CredentialField, ...] = (CredentialField("user", "API user", secret=False),
                                                      CredentialField("key", "API key"))
    root_label: str = "Root id at the vendor"

    @property
    def staff_opens_accounts(self) -> bool:
        """Staff open the customer's account here themselves (it has fields to fill in)."""
        return bool(self.account_fields)

    def can(self, capability: Capability | str) -> bool:
        return capability in self.capabilities

    def actions_for(self, target: str, vendor_state: str = "") -> list[ActionSpec]:
        """The actions an object of ``target`` type offers in ``vendor_state``."""
        return [a for a in self.actions if a.target == target and a.offered_in(vendor_state)]

    def action(self, target: str, name: str) -> ActionSpec | None:
        return next((a for a in self.actions if a.target == target and a.name == name), None)

    def customer_steps(self, event: str) -> list[ActionSpec]:
        """The object actions a customer's ``event`` ("suspend", "reactivate", "close") queues here."""
        steps = []
        for target, name in self.customer_lifecycle.get(event, ()):
            spec = self.action(target, name)
            if spec is None:
                raise LookupError(f"{self.label}: customer {event} names no {target} action {name!r}")
            steps.append(spec)
        return steps

    @property
    def label(self) -> str:
        return VendorKind(self.kind).label
