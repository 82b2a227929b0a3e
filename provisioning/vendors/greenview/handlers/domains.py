"""Greenview domains: followed from ``initializing`` to ``ready`` (the customer may change the MX records
only then), their mail servers (the subscription limits them), read back."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from provisioning.adapters.base import AlertSpec, NotFoundError, Outcome, ValidationFailed
from provisioning.choices import AlertKind
from provisioning.kinds import domain as kd
from provisioning.kinds import filtering as kf
from provisioning.targets import Facts, TargetRef
from provisioning.vendors.greenview.handlers.base import GreenviewHandler, mx_records

# The doc's words for each status.
STATUS_WORDS = {
    "initializing": "domain is still being setup on our servers, don't change mx records yet",
    "ready": "domain is setup and we're ready to process email for it",
    "unknown": "some sort of error occurred figuring out the status",
}
# A domain still initializing after this long opens an alert (the vendor account's option overrides it).
READY_ALERT_MINUTES = 30
NOT_READY_ALERTS = (AlertKind.DOMAIN_NOT_READY, AlertKind.DOMAIN_ERROR)


def ready_alert_minutes(account) -> float:
    return float((account.options or {}).get("ready_alert_minutes", READY_ALERT_MINUTES))


def status_outcome(ref: TargetRef, status: str, *, message: str, waited_minutes: float | None = None,
                   threshold: float = READY_ALERT_MINUTES, facts: Facts | None = None) -> Outcome | None:
    """Done when the status settled (ready, or unknown with its alert) or when it has been initializing past
    the threshold (with its alert; the state check follows it on); None while it should still be followed."""
    attrs = dict(facts.attrs) if facts else {}
    if status == "ready":
        return Outcome.finished(message or "Ready: Greenview processes the domain's mail; the customer can point "
                                "its MX records at the filter now.", Facts(ref.label, "ready", attrs),
                                resolves=[(k, None, None) for k in NOT_READY_ALERTS])
    if status == "unknown":
        return Outcome.finished("Greenview cannot tell the domain's status.", Facts(ref.label, "error", attrs),
                                alerts=[AlertSpec(
                                    kind=AlertKind.DOMAIN_ERROR, title=f"{ref.label}: Greenview's status is unknown",
                                    message=f"Greenview answered “unknown” ({STATUS_WORDS['unknown']}). Mail for "
                                            "the domain may not be filtered.",
                                    next_step="Ask Greenview support; do not point the MX records at the filter "
                                              "until it says ready.")])
    if waited_minutes is not None and waited_minutes >= threshold:
        return Outcome.finished(f"Still initializing after {waited_minutes:.0f} minutes; the panel keeps watching.",
                                Facts(ref.label, "initializing", attrs), alerts=[AlertSpec(
                                    kind=AlertKind.DOMAIN_NOT_READY,
                                    title=f"{ref.label} is still initializing at Greenview",
                                    message=f"Greenview has been setting the domain up for {waited_minutes:.0f} "
                                            f"minutes ({STATUS_WORDS['initializing']}).",
                                    next_step="Wait, and keep the MX records as they are; if it stays so, ask "
                                              "Greenview support.")])
    return None


class FilterDomainCreateHandler(GreenviewHandler):
    """The client update it waited for put the domain in the client; this follows it until it is ready."""

    payload = kd.DomainCreate

    def start(self, ctx, p: kd.DomainCreate) -> Outcome:
        try:
            data = ctx.client.get(f"/v1/domains/{p.name}")
        except NotFoundError:
            raise NotFoundError(f"Greenview does not hold {p.name}: the client change that adds it did not "
                                "reach Greenview.", field="name") from None
        facts = Facts(p.name, "initializing", {"dns_records": mx_records(data),
                                               "mail_servers": list(data.get("mail_servers") or [])})
        ctx.record(started=timezone.now().timestamp())
        return Outcome.polling(f"/v1/domains/{p.name}/status", "Initialize", facts=facts,
                               message="Added to the client; Greenview is setting it up. Don't change the MX "
                                       "records yet.")

    def follow(self, ctx, p: kd.DomainCreate) -> Outcome:
        status = (ctx.client.get(ctx.action_location) or {}).get("status", "")
        started = ctx.progress.get("started") or timezone.now().timestamp()
        waited = (timezone.now().timestamp() - started) / 60
        done = status_outcome(ctx.target(), status, message="", waited_minutes=waited,
                              threshold=ready_alert_minutes(ctx.account))
        return done or Outcome.polling(ctx.action_location, "Initialize",
                                       message="Initializing: don't change the MX records yet.")


class SetMailServersHandler(GreenviewHandler):
    """``PUT /v1/domains/<name>``; a refusal (the subscription's limit) puts back what Greenview holds."""

    payload = kf.DomainSetMailServers

    def start(self, ctx, p: kf.DomainSetMailServers) -> Outcome:
        name = ctx.target().label
        try:
            data = ctx.client.send("PUT", f"/v1/domains/{name}", {"mail_servers": list(p.mail_servers)})
        except ValidationFailed as error:
            held = ctx.client.get(f"/v1/domains/{name}") or {}
            error.facts = Facts(attrs={"mail_servers": list(held.get("mail_servers") or [])})
            error.field = error.field or "mail_servers"
            raise
        return Outcome.finished("Mail servers changed at Greenview.",
                                Facts(attrs={"mail_servers": list(data.get("mail_servers") or []),
                                             "dns_records": mx_records(data)}))


def domain_read(ctx, ref: TargetRef) -> Outcome:
    """The domain and its status as Greenview has them now."""
    data: dict[str, Any] = ctx.client.get(f"/v1/domains/{ref.label}") or {}
    status = (ctx.client.get(f"/v1/domains/{ref.label}/status") or {}).get("status", "")
    facts = Facts(attrs={"dns_records": mx_records(data), "mail_servers": list(data.get("mail_servers") or [])})
    outcome = status_outcome(ref, status, message=f"Read back: {status} at Greenview.", facts=facts)
    return outcome or Outcome.finished("Read back: still initializing at Greenview.",
                                       Facts(ref.label, "initializing", facts.attrs))


class DomainSyncHandler(GreenviewHandler):
    payload = kd.DomainSync

    def start(self, ctx, p: kd.DomainSync) -> Outcome:
        return domain_read(ctx, ctx.target())


HANDLERS = (FilterDomainCreateHandler, SetMailServersHandler, DomainSyncHandler)
