"""What the BaseKit handlers share: start, then follow what changes over time (a domain's ``active`` flag, a
mailbox's ``pending`` status) as a polled step, with an alert once it takes longer than it should."""

from __future__ import annotations

from django.utils import timezone

from provisioning.adapters.base import Handler, NotReady, Outcome
from provisioning.kinds import Payload
from provisioning.targets import TargetRef

# Past these, a domain not yet active or a mailbox still pending opens an alert (vendor account options override).
ACTIVE_ALERT_MINUTES = 30
PENDING_ALERT_MINUTES = 10


class BasekitHandler(Handler):
    def run(self, ctx, payload: Payload) -> Outcome:
        if ctx.polling:
            return self.follow(ctx, payload)
        return self.start(ctx, payload)

    def start(self, ctx, payload: Payload) -> Outcome:
        raise NotImplementedError

    def follow(self, ctx, payload: Payload) -> Outcome:
        raise NotImplementedError


def minutes_waited(ctx) -> float:
    started = ctx.progress.get("started") or timezone.now().timestamp()
    return (timezone.now().timestamp() - started) / 60


def threshold(ctx, option: str, default: float) -> float:
    return float((ctx.account.options or {}).get(option, default))


def holder_of(ref: TargetRef) -> str:
    holder = ref.attrs.get("holder_vendor_id") or ""
    if not holder:
        raise NotReady(f"{ref.label} has no BaseKit account holder here yet.")
    return holder
