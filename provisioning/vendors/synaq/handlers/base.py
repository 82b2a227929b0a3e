"""What every SYNAQ handler shares: following asynchronous actions, and reading a domain's state
into facts and follow-up alerts (stale, failed Prune)."""

from __future__ import annotations

from typing import Any

from provisioning.adapters.base import (
    ActionFailed,
    AlertSpec,
    Handler,
    NotFoundError,
    Observation,
    Outcome,
)
from provisioning.choices import AlertKind
from provisioning.kinds import Payload
from provisioning.targets import Facts
from provisioning.vendors.synaq.client import SynaqClient

SECRET_FIELDS = frozenset({"password"})
# States after which a domain needs nothing more (the doc: "inactive or active: no further action").
SETTLED = frozenset({"active", "inactive", "closed", "deleted"})
STALE_ALERTS = (AlertKind.DOMAIN_STALE, AlertKind.DOMAIN_ERROR)


class SynaqHandler(Handler):
    """A SYNAQ handler: ``start`` sends the request; while the vendor's action runs, ``run`` polls
    it and hands a finished one to ``finished`` (an ``error`` one raises ActionFailed)."""

    def client(self, ctx) -> SynaqClient:
        return ctx.client

    def run(self, ctx, payload: Payload) -> Outcome:
        if ctx.polling:
            return self.follow(ctx, payload)
        return self.start(ctx, payload)

    def start(self, ctx, payload: Payload) -> Outcome:
        raise NotImplementedError

    def follow(self, ctx, payload: Payload) -> Outcome:
        location, name = ctx.action_location, ctx.operation.action_name
        if "/actions/" not in location:
            # Adopted mid-provision: follow the object itself until it settles.
            data = self.client(ctx).get(location) or {}
            if data.get("state") in ("pending", "new"):
                return Outcome.polling(location, name)
            return self.settled(ctx, payload, data)
        try:
            action = self.client(ctx).poll(location)
        except NotFoundError:
            return self.vanished(ctx, payload)
        if action["state"] in ("new", "pending"):
            return Outcome.polling(location, name)
        if action["state"] == "error":
            raise self.action_error(ctx, payload, [str(e) for e in action.get("errors") or []])
        return self.finished(ctx, payload, action)

    def finished(self, ctx, payload: Payload, action: dict[str, Any]) -> Outcome:
        raise NotImplementedError

    def settled(self, ctx, payload: Payload, data: dict[str, Any]) -> Outcome:
        """The object we followed is no longer pending (adoption after a lost response)."""
        return Outcome.finished("The vendor finished the change.", Facts(vendor_state=data.get("state")))

    def vanished(self, ctx, payload: Payload) -> Outcome:
        """The action answered 404 (a finished mailbox Delete takes its action with it)."""
        raise NotFoundError("SYNAQ no longer knows the action being followed.")

    def action_error(self, ctx, payload: Payload, errors: list[str]) -> ActionFailed:
        name = ctx.operation.action_name or "action"
        return ActionFailed(f"SYNAQ's {name} action ended in error" + (f": {'; '.join(errors)}" if errors else "."),
                            errors=errors)


def domain_view_facts(ctx, data: dict[str, Any]) -> Facts:
    """A domain as SYNAQ shows it: state, the service fields it asks for (secrets not kept), MX
    records, and which of our packages it is linked to."""
    fields = data.get("fields") or {}
    attrs: dict[str, Any] = {
        "service_field_names": list(fields),
        "service_field_values": {k: (None if k in SECRET_FIELDS else v) for k, v in fields.items()},
    }
    mx = (data.get("service_fields") or {}).get("mx_records") or []
    if mx:
        attrs["dns_records"] = [{"type": "MX", "host": "@", "value": h, "priority": 10 * (i + 1)}
                                for i, h in enumerate(mx)]
    linked = {}
    for guid in data.get("packages") or []:
        package_pk = ctx.find("package", guid)
        if package_pk:
            linked[package_pk] = "linked"
    if linked:
        attrs["links"] = linked
    return Facts(vendor_id=data.get("guid") or None, vendor_state=data.get("state"), attrs=attrs)


def stale_alert(name: str, field_names: list[str]) -> AlertSpec:
    if field_names:
        step = "Check the service fields and save them, then send Refresh."
    else:
        step = "Send Refresh (its packages need no service fields)."
    return AlertSpec(
        kind=AlertKind.DOMAIN_STALE,
        title=f"{name} is stale: its services need a refresh",
        message=("SYNAQ reports the domain as stale: its live services no longer match its packages (after an "
                 "unlink, an edition change or a service-field update). Mail flow may be affected until it is "
                 "refreshed."),
        next_step=step,
    )


def domain_outcome(ctx, data: dict[str, Any], *, message: str, name: str, pk: int | None = None) -> Outcome:
    """Done, with the domain's state read back: a stale domain opens its high-priority alert, a
    settled one resolves the follow-up alerts it had."""
    facts = domain_view_facts(ctx, data)
    state = data.get("state", "")
    outcome = Outcome.finished(message, facts if pk is None else None)
    if pk is not None:
        outcome.observations.append(Observation("domain", pk, facts))
    target = ("domain", pk) if pk is not None else (None, None)
    if state == "stale":
        alert = stale_alert(name, facts.attrs["service_field_names"])
        alert.target_type, alert.target_id = target
        outcome.alerts.append(alert)
    elif state in ("error", "orphaned"):
        outcome.alerts.append(AlertSpec(
            kind=AlertKind.DOMAIN_ERROR, title=f"{name} is in {state} at SYNAQ",
            message="SYNAQ reports services left in an inconsistent state on this domain; mail flow may be "
                    "affected.", next_step="Send Prune again, or ask SYNAQ support.",
            target_type=target[0], target_id=target[1]))
    if state in SETTLED:
        outcome.resolves += [(AlertKind.DOMAIN_STALE, *target), (AlertKind.DOMAIN_ERROR, *target),
                             (AlertKind.PRUNE_FAILED, *target)]
    return outcome
