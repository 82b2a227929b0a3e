"""The contract between the engine and the vendor adapters.

An adapter is a set of :class:`Handler` objects, one per operation kind the vendor supports, each
taking that kind's typed payload (``provisioning.kinds``). Vendor failures become the typed errors
below at the edge (each vendor's ``from_response``), and the engine applies one retry policy to
them: transient and throttled errors retry with backoff (honouring ``retry_after``), everything
else fails the operation with the vendor's words, next to the field they concern.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from provisioning.kinds.base import Payload
from provisioning.targets import Facts, TargetRef

if TYPE_CHECKING:  # the engine's context, for type checkers only
    from provisioning.services.context import Context


# ---- typed errors ------------------------------------------------------------------------------
@dataclass
class AlertSpec:
    """An alert an outcome or an error asks for; target defaults to the operation's own."""

    kind: str
    title: str
    message: str = ""
    next_step: str = ""
    severity: str | None = None
    errors: list[str] = field(default_factory=list)
    target_type: str | None = None
    target_id: int | None = None


class VendorError(Exception):
    """Any failure talking to a vendor."""

    retryable = False

    def __init__(self, message: str, *, status: int | None = None, field: str = "", errors: list | None = None,
                 retry_after: float | None = None, alert: AlertSpec | None = None,
                 facts: Facts | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field
        self.errors = errors or []
        self.retry_after = retry_after
        # Instead of the generic "change failed" alert (e.g. a failed Prune: mail flow may be affected).
        self.alert = alert
        # What the failure told us about the target (e.g. the domain is now in error).
        self.facts = facts


class TransientError(VendorError):
    """Connection failures, timeouts, 5xx: try again later.

    ``maybe_applied`` says the request may have reached the vendor (a lost response, a read
    timeout): the next attempt must look before it creates.
    """

    retryable = True

    def __init__(self, message: str, *, maybe_applied: bool = False, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.maybe_applied = maybe_applied


class ThrottledError(TransientError):
    """The vendor asked us to slow down (429, Rackspace's 403 "Exceeded request limits")."""


class RateLimited(ThrottledError):
    """Our own limiter held the call back before it was sent: a wait, not a failed attempt."""


class NotReady(TransientError):
    """Something this step needs is not there yet (a prerequisite's vendor id): wait, do not count it.

    ``waits_for`` names the local object, ``(target_type, pk)``, whose vendor id is missing: while an
    open operation may still give it one the step waits; once none can, the step fails.
    """

    def __init__(self, message: str, *, waits_for: tuple[str, int] | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.waits_for = waits_for


class AuthError(VendorError):
    """The vendor refused our credentials: staff must fix the vendor account."""


class ConflictError(VendorError):
    """The object already exists or is in a state that forbids the change."""


class NotFoundError(VendorError):
    """The vendor does not know the object."""


class ValidationFailed(VendorError):
    """The vendor rejected the input (4xx with field messages): never retried."""


class ActionFailed(VendorError):
    """The vendor's asynchronous action ended in ``error``; the vendor never retries it itself."""


class UnexpectedAnswer(VendorError):
    """The vendor answered something its documentation does not allow for (a missing Location...)."""

    retryable = True


# ---- outcomes ----------------------------------------------------------------------------------
@dataclass
class Observation:
    """What the vendor said about another target than the operation's own (a package's domains...)."""

    target_type: str
    target_id: int
    facts: Facts


@dataclass
class Outcome:
    """What one step of an operation came to.

    * ``done``: the vendor holds the change; ``facts`` are written onto the target.
    * ``poll_location``: the vendor accepted an asynchronous action named ``action``; the engine
      polls it, first when actions of that name usually finish.
    * neither: a step is done and the next follows at once (``again_after`` seconds on).
    """

    done: bool = False
    facts: Facts | None = None
    poll_location: str = ""
    action: str = ""
    again_after: float = 0.0
    result: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    observations: list[Observation] = field(default_factory=list)
    alerts: list[AlertSpec] = field(default_factory=list)
    # Alerts this outcome shows are over: (kind, target_type or None, target_id or None).
    resolves: list[tuple[str, str | None, int | None]] = field(default_factory=list)

    @classmethod
    def finished(cls, message: str = "", facts: Facts | None = None, **kwargs: Any) -> Outcome:
        return cls(done=True, message=message, facts=facts, **kwargs)

    @classmethod
    def polling(cls, location: str, action: str, **kwargs: Any) -> Outcome:
        return cls(poll_location=location, action=action, **kwargs)

    @classmethod
    def proceed(cls, after: float = 0.0, **kwargs: Any) -> Outcome:
        return cls(again_after=after, **kwargs)


# ---- handlers and adapters ---------------------------------------------------------------------
class Handler:
    """Carries out one operation kind on one vendor. ``run`` is called for every step; it reads
    ``ctx.progress`` to know where the operation stands and records what each step learnt."""

    payload: ClassVar[type[Payload]]

    def run(self, ctx: Context, payload: Payload) -> Outcome:
        raise NotImplementedError


class Adapter:
    """One vendor's adapter: its HTTP client and its handlers per kind."""

    client_class: ClassVar[type]
    handlers: ClassVar[dict[str, type[Handler]]] = {}
    # Reads the vendor's existing estate for sync and adopt (``provisioning.adapters.importing``); None: not offered.
    importer: ClassVar[type | None] = None

    def supports(self, kind: str) -> bool:
        return kind in self.handlers

    def handler(self, kind: str) -> Handler:
        return self.handlers[kind]()

    def read_state(self, ctx: Context, ref: TargetRef) -> Outcome | None:
        """Read one target back from the vendor (the periodic state check); None if not offered."""
        return None

    def client(self, account, **kwargs: Any):
        return self.client_class(account, **kwargs)

    def test_connection(self, ctx: Context) -> str | None:
        """Make one harmless authenticated call (a read that changes nothing) and say in words what the vendor
        answered ("Signed in as ...; 12 organisations visible"). Raise the typed VendorError when it fails
        (``AuthError`` for refused credentials). None means this adapter offers no test yet: each vendor's
        adapter fills it in."""
        return None


def handlers_of(*classes: type[Handler]) -> dict[str, type[Handler]]:
    """``{kind: handler}`` for an adapter's ``handlers``, from each handler's payload class."""
    table: dict[str, type[Handler]] = {}
    for cls in classes:
        kind = cls.payload.kind
        if kind in table:
            raise ValueError(f"two handlers for {kind}")
        table[kind] = cls
    return table


OnRequest = Callable[[], None]
