"""The contract between the outbox engine and the vendor adapters.

Adapters raise these errors at the edge (``VendorError.from_response``-style) and the engine
(``provisioning.services.operation_execute``) applies one retry policy to them: transient and
throttled errors retry with backoff (honouring ``retry_after``), everything else fails the
operation with the vendor's message, next to the field it concerns when the vendor names one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class VendorError(Exception):
    """Any failure talking to a vendor."""

    retryable = False

    def __init__(self, message: str, *, status: int | None = None, field: str = "", errors: list | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field
        self.errors = errors or []
        self.retry_after = retry_after


class TransientError(VendorError):
    """Connection failures, timeouts, 5xx: try again later."""

    retryable = True


class ThrottledError(TransientError):
    """The vendor asked us to slow down (429, Rackspace's 403 "Exceeded request limits")."""


class AuthError(VendorError):
    """The vendor refused our credentials: staff must fix the vendor account."""


class ConflictError(VendorError):
    """The object already exists or is in a state that forbids the change."""


class NotFoundError(VendorError):
    """The vendor does not know the object."""


class ValidationFailed(VendorError):
    """The vendor rejected the input (4xx with field messages): never retried."""


@dataclass
class Outcome:
    """What one step of an operation came to.

    ``done``: the vendor holds the change (``vendor_id``/``vendor_state`` are written to the target).
    ``poll_location``: the vendor accepted an asynchronous action; poll it ``poll_after`` seconds on.
    """

    done: bool = False
    vendor_id: str = ""
    vendor_state: str = ""
    poll_location: str = ""
    poll_after: float = 3.0
    result: dict[str, Any] = field(default_factory=dict)


class VendorAdapter:
    """Base for one vendor's adapter. Subclasses implement :meth:`execute` (and :meth:`poll`)."""

    kind: str = ""

    def __init__(self, account) -> None:
        self.account = account

    def execute(self, operation) -> Outcome:
        raise NotImplementedError

    def poll(self, operation) -> Outcome:
        raise NotImplementedError
