"""What a handler sees of the engine while it runs one step of an operation."""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property
from typing import Any

from django.conf import settings
from django.utils import timezone

from provisioning import targets
from provisioning.adapters.base import NotReady
from provisioning.choices import OperationState
from provisioning.models import Operation
from provisioning.services import limits
from provisioning.targets import TargetRef


class ClaimLost(Exception):  # noqa: N818 (a signal to stop, not an error of the vendor's)
    """Another worker holds the operation now: stop at once and write nothing."""


class Context:
    """One step of one operation: its progress, its secrets, the vendor client, the target registry."""

    def __init__(self, operation: Operation | None, *, adapter, exchanges: list, account=None) -> None:
        self.operation = operation
        self.account = operation.vendor_account if operation is not None else account
        self.adapter = adapter
        self.exchanges = exchanges
        self.progress: dict[str, Any] = dict(operation.vendor_result or {}) if operation is not None else {}

    @classmethod
    def for_read(cls, account, *, adapter) -> Context:
        """A context with no operation: reads for the state check and the console (tokens, catalogues)."""
        return cls(None, adapter=adapter, exchanges=[], account=account)

    @property
    def polling(self) -> bool:
        """An asynchronous action of the vendor's is being followed (this step is a poll)."""
        return self.operation is not None and self.operation.state == OperationState.POLLING

    @property
    def action_location(self) -> str:
        return self.operation.action_location if self.operation is not None else ""

    @property
    def attempt(self) -> int:
        """Which execution this is (1 for the first; polls not counted)."""
        return self.operation.attempts if self.operation is not None else 0

    @property
    def retrying(self) -> bool:
        """An earlier attempt ran and may have reached the vendor: look before creating."""
        return self.operation is not None and self.operation.attempts > 1

    @cached_property
    def client(self):
        return self.adapter.client(self.account, limiter=limits.limiter_for(self.account),
                                   on_request=self.renew_lease, exchanges=self.exchanges)

    @property
    def secrets(self) -> dict[str, Any]:
        return dict(self.operation.secret_payload or {})

    # ---- progress ---------------------------------------------------------------------------------
    def record(self, **values: Any) -> None:
        """Keep what this step learnt (a GUID, an action's location) before taking the next step."""
        self.progress.update(values)
        if self.operation is None:
            return
        written = Operation.objects.filter(pk=self.operation.pk, claim_token=self.operation.claim_token).update(
            vendor_result=self.progress, updated_at=timezone.now())
        if not written:
            raise ClaimLost(self.operation.pk)
        self.operation.vendor_result = dict(self.progress)

    def renew_lease(self) -> None:
        """Called before each vendor request: keep the claim for as long as the worker is at it."""
        if self.operation is None:
            return
        now = timezone.now()
        lease = timedelta(seconds=settings.PROVISIONING_CLAIM_SECONDS)
        if self.operation.claimed_until and self.operation.claimed_until - now > lease / 2:
            return
        until = now + lease
        written = Operation.objects.filter(pk=self.operation.pk, claim_token=self.operation.claim_token).update(
            claimed_until=until)
        if not written:
            raise ClaimLost(self.operation.pk)
        self.operation.claimed_until = until

    # ---- targets ----------------------------------------------------------------------------------
    def target(self) -> TargetRef:
        return self.ref(self.operation.target_type, self.operation.target_id)

    def ref(self, target_type: str, pk: int | None) -> TargetRef:
        """Another local object as the vendor knows it; NotReady while it has no vendor id yet."""
        if pk is None:
            raise NotReady(f"No {target_type} given.")
        ref = targets.get(target_type).ref(pk)
        if ref is None:
            raise NotReady(f"The {target_type} #{pk} no longer exists here.", waits_for=(target_type, pk))
        return ref

    def vendor_id_of(self, target_type: str, pk: int | None) -> str:
        ref = self.ref(target_type, pk)
        if not ref.vendor_id:
            raise NotReady(f"{ref.label} is not at the vendor yet.", waits_for=(target_type, pk))
        return ref.vendor_id

    def find(self, target_type: str, vendor_id: str) -> int | None:
        """The local id of the object the vendor calls ``vendor_id`` on this account."""
        return targets.get(target_type).find(vendor_account_id=self.account.pk, vendor_id=vendor_id)
