"""BaseKit account domains: read (the ``active`` flag), followed until active, released from the panel."""

from __future__ import annotations

import time

from provisioning.adapters.base import AlertSpec, NotFoundError, Outcome
from provisioning.choices import AlertKind
from provisioning.kinds import domain as kd
from provisioning.targets import Facts, TargetRef
from provisioning.vendors.basekit.handlers.base import ACTIVE_ALERT_MINUTES, BasekitHandler, minutes_waited, threshold
from provisioning.vendors.basekit.importer import domain_state

ACTIVATE = "Activate"


def read_domain(ctx, ref: TargetRef) -> dict:
    try:
        return ctx.client.get(f"/account-domains/{int(ref.vendor_id)}").get("accountDomain") or {}
    except NotFoundError:
        raise NotFoundError(f"BaseKit no longer holds the account domain {ref.label}.", status=404) from None


def domain_outcome(ctx, ref: TargetRef, data: dict, *, waited: float | None = None) -> Outcome | None:
    """Done when active (resolving the not-ready alert) or past the threshold (with its alert); else None."""
    state = domain_state(data.get("active"))
    attrs = {"vendor_attrs": {"expiry": (data.get("expiryDate") or {}).get("date", "")}}
    if state == "active":
        return Outcome.finished("Active at BaseKit: mailboxes can be added.", Facts(ref.vendor_id, "active", attrs),
                                resolves=[(AlertKind.DOMAIN_NOT_READY, None, None)])
    limit = threshold(ctx, "active_alert_minutes", ACTIVE_ALERT_MINUTES)
    if waited is not None and waited >= limit:
        return Outcome.finished(f"Still not active after {waited:.0f} minutes; the panel keeps watching.",
                                Facts(ref.vendor_id, "pending", attrs), alerts=[AlertSpec(
                                    kind=AlertKind.DOMAIN_NOT_READY, title=f"{ref.label} is not active at BaseKit",
                                    message=f"BaseKit's account domain has answered active: 0 for {waited:.0f} "
                                            "minutes; mailboxes cannot be added until it is active.",
                                    next_step="Check the domain's registration at BaseKit; the alert resolves "
                                              "itself once BaseKit reports it active.")])
    return None


class DomainSyncHandler(BasekitHandler):
    """Read the account domain; one not yet active is followed (re-read with backoff) until it is."""

    payload = kd.DomainSync

    def start(self, ctx, p: kd.DomainSync) -> Outcome:
        ref = ctx.target()
        data = read_domain(ctx, ref)
        ctx.record(started=ctx.progress.get("started") or time.time())
        done = domain_outcome(ctx, ref, data)
        return done or Outcome.polling(f"/account-domains/{int(ref.vendor_id)}", ACTIVATE,
                                       facts=Facts(ref.vendor_id, "pending"),
                                       message="Not active at BaseKit yet; the panel follows it.")

    def follow(self, ctx, p: kd.DomainSync) -> Outcome:
        ref = ctx.target()
        done = domain_outcome(ctx, ref, read_domain(ctx, ref), waited=minutes_waited(ctx))
        return done or Outcome.polling(ctx.action_location, ACTIVATE, message="Not active at BaseKit yet.")


class DomainReleaseHandler(BasekitHandler):
    """BaseKit's API documents no way to delete an account domain: the panel lets go of it."""

    payload = kd.DomainDelete

    def start(self, ctx, p: kd.DomainDelete) -> Outcome:
        return Outcome.finished("Removed from the panel; BaseKit still holds the account domain (its API cannot "
                                "delete one).", Facts(attrs={"removed": True}))


HANDLERS = (DomainSyncHandler, DomainReleaseHandler)
