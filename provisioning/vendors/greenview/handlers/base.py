"""What the Greenview handlers share: the client body built from local state, and reading a client's
answer back into facts about the account and each of its domains."""

from __future__ import annotations

from typing import Any

from provisioning.adapters.base import Handler, NotFoundError, NotReady, Observation, Outcome
from provisioning.kinds import Payload
from provisioning.targets import Facts, TargetRef


class GreenviewHandler(Handler):
    """``start`` does the work; while a domain is being set up, ``follow`` reads its status."""

    def run(self, ctx, payload: Payload) -> Outcome:
        if ctx.polling:
            return self.follow(ctx, payload)
        return self.start(ctx, payload)

    def start(self, ctx, payload: Payload) -> Outcome:
        raise NotImplementedError

    def follow(self, ctx, payload: Payload) -> Outcome:
        raise NotImplementedError


def mx_records(domain: dict[str, Any]) -> list[dict[str, Any]]:
    """The MX records the customer must publish, in the panel's DNS-record shape."""
    return [{"type": "MX", "host": "@", "priority": r.get("priority"), "value": r.get("hostname")}
            for r in domain.get("mx_records") or []]


def wanted_domains(ref: TargetRef) -> list[dict[str, Any]]:
    return [d for d in ref.attrs.get("domains", []) if d["wanted"]]


def client_body(ref: TargetRef, *, creating: bool) -> dict[str, Any]:
    """The whole client as local state has it. A PUT replaces the client's domain list (NOTES), so every
    domain the panel wants held is listed every time; mail servers go with the domains the vendor does not
    hold yet (the others keep theirs: they change through the domain's own PUT)."""
    attrs = ref.attrs
    domains = []
    for domain in wanted_domains(ref):
        entry: dict[str, Any] = {"name": domain["name"]}
        if creating or not domain["vendor_id"]:
            entry["mail_servers"] = list(domain["mail_servers"])
        domains.append(entry)
    if not domains:
        raise NotReady("The client has no domain to send yet.")
    body: dict[str, Any] = {"package_uid": attrs.get("plan") or None, "user_count": attrs.get("seats"),
                            "name": attrs.get("title") or None, "domains": domains}
    body["email_address"] = attrs.get("email") or None
    return body


def client_outcome(ref: TargetRef, data: dict[str, Any], *, message: str, state: str = "active") -> Outcome:
    """Done: the client's id and state, and what it now holds of each of our domains. Domains the vendor
    no longer lists that the panel asked to remove are gone; new ones start ``initializing``."""
    held = {d.get("name"): d for d in data.get("domains") or []}
    outcome = Outcome.finished(message, Facts(vendor_id=str(data["id"]), vendor_state=state))
    for domain in ref.attrs.get("domains", []):
        answer = held.get(domain["name"])
        if answer is None:
            if not domain["wanted"]:
                outcome.observations.append(Observation("domain", domain["pk"], Facts(attrs={"removed": True})))
            continue
        fresh = not domain["vendor_id"] or domain["vendor_state"] in ("unknown", "")
        outcome.observations.append(Observation("domain", domain["pk"], Facts(
            vendor_id=domain["name"], vendor_state="initializing" if fresh else None,
            attrs={"dns_records": mx_records(answer), "mail_servers": list(answer.get("mail_servers") or [])})))
    return outcome


def client_by_domain(ctx, ref: TargetRef) -> dict[str, Any] | None:
    """The client holding any of our domains (``GET /v1/domains/<name>/client``), or None."""
    for domain in wanted_domains(ref) or ref.attrs.get("domains", []):
        try:
            return ctx.client.get(f"/v1/domains/{domain['name']}/client")
        except NotFoundError:
            continue
    return None


def client_path(ref: TargetRef) -> str:
    """The client by its id, or by one of its domains the vendor holds when the panel never learnt the id
    (the same client answers under ``/v1/domains/<name>/client`` for reads, updates and cancels)."""
    if ref.vendor_id:
        return f"/v1/clients/{ref.vendor_id}"
    held = [d for d in ref.attrs.get("domains", []) if d["vendor_id"]]
    if not held:
        raise NotFoundError("Greenview holds none of this account's domains, and the panel knows no client id.")
    return f"/v1/domains/{held[0]['name']}/client"
