"""SYNAQ domains: create (standalone, under a package, provisioned at once), link and unlink
(partial cancellations with their Prune and stale follow-ups), service fields, actions, usage."""

from __future__ import annotations

import datetime
from typing import Any

from provisioning.adapters.base import ActionFailed, AlertSpec, ConflictError, NotFoundError, Outcome
from provisioning.choices import AlertKind
from provisioning.kinds import domain as k
from provisioning.targets import Facts
from provisioning.vendors.synaq.client import API, guid_from
from provisioning.vendors.synaq.handlers.base import SynaqHandler, domain_outcome, domain_view_facts


def _adopt_or_refuse(ctx, name: str, ou_guid: str) -> dict[str, Any] | None:
    """The domain SYNAQ already holds under this name: ours to adopt, or someone else's (refused)."""
    found = ctx.client.find_one(f"{API}/domains.json", "domains", domain_name=name)
    if found is None:
        return None
    if found.get("ou_guid") and found["ou_guid"] != ou_guid:
        raise ConflictError(f"SYNAQ already holds {name} under another organisation; it cannot be added here.",
                            field="name")
    return found


class DomainCreateHandler(SynaqHandler):
    payload = k.DomainCreate

    def start(self, ctx, p: k.DomainCreate) -> Outcome:
        ou_guid = ctx.vendor_id_of("vendor_customer", p.vendor_customer_id)
        if ctx.retrying or ctx.progress.get("_maybe_applied"):
            # An earlier attempt may have created it before its answer was lost: look first.
            found = _adopt_or_refuse(ctx, p.name, ou_guid)
            if found is not None:
                return self.adopt(ctx, p, found)
        body: dict[str, Any] = {"domain_name": p.name}
        try:
            if p.package_id:
                package_guid = ctx.vendor_id_of("package", p.package_id)
                if p.provision_now:
                    body["provision_immediately"] = True
                response = ctx.client.request("POST", f"{API}/packages/{package_guid}/domains.json",
                                              json_body={"domain": body})
            else:
                response = ctx.client.request("POST", f"{API}/ous/{ou_guid}/domains.json", json_body={"domain": body})
        except ConflictError as error:
            if "already exists" not in error.message:
                raise
            found = _adopt_or_refuse(ctx, p.name, ou_guid)
            if found is None:
                raise
            return self.adopt(ctx, p, found)
        links = {p.package_id: "linked"} if p.package_id else {}
        if response.status_code == 202:
            location = ctx.client.accepted(response)
            guid = guid_from(location, "domains")
            return Outcome.polling(location, "Provision", facts=Facts(guid, "pending", {"links": links}),
                                   message="Created and linked; SYNAQ is provisioning it.", result={"guid": guid})
        guid = ctx.client.created(response, "domains")
        ctx.record(guid=guid)
        data = ctx.client.domain(guid) if p.package_id else {"guid": guid, "state": "inactive"}
        facts = domain_view_facts(ctx, data)
        return Outcome.finished("Created at SYNAQ" + (" and linked to its package." if links else "."),
                                Facts(guid, facts.vendor_state or "inactive", {**facts.attrs, "links": links}))

    def adopt(self, ctx, p: k.DomainCreate, found: dict[str, Any]) -> Outcome:
        guid = found["guid"]
        ctx.record(guid=guid, adopted=True)
        data = ctx.client.domain(guid)
        if p.package_id:
            package_guid = ctx.vendor_id_of("package", p.package_id)
            if package_guid not in (data.get("packages") or []):
                ctx.client.request("LINK", f"{API}/packages/{package_guid}/domains/{guid}.json")
                data = ctx.client.domain(guid)
        state = data.get("state")
        facts = domain_view_facts(ctx, data)
        if state == "pending":
            return Outcome.polling(f"{API}/domains/{guid}.json", "Provision", facts=facts,
                                   message="Found at SYNAQ already, being provisioned; following it.")
        # "failed": its Provision failed while our answer was lost; a failed domain may be provisioned
        # again (as a failed mailbox may), and whatever that action ends in is then seen and followed.
        if p.provision_now and state in ("inactive", "failed"):
            location = ctx.client.action("domains", guid, "Provision")
            return Outcome.polling(location, "Provision", facts=facts, message="Found at SYNAQ; provisioning it.")
        return domain_outcome(ctx, data, message="Found at SYNAQ already (an earlier attempt created it); adopted.",
                              name=p.name)

    def finished(self, ctx, p: k.DomainCreate, action: dict[str, Any]) -> Outcome:
        return Outcome.finished("Provisioned: SYNAQ reports the domain active.", Facts(vendor_state="active"))

    def settled(self, ctx, p: k.DomainCreate, data: dict[str, Any]) -> Outcome:
        return domain_outcome(ctx, data, message="SYNAQ finished provisioning it.", name=p.name)

    def action_error(self, ctx, p, errors) -> ActionFailed:
        error = super().action_error(ctx, p, errors)
        error.facts = Facts(vendor_state="failed")
        return error


class DomainSyncHandler(SynaqHandler):
    payload = k.DomainSync

    def start(self, ctx, p: k.DomainSync) -> Outcome:
        ref = ctx.target()
        data = ctx.client.domain(ctx.vendor_id_of("domain", p.domain_id))
        return domain_outcome(ctx, data, message=f"Read back: {data.get('state', 'unknown')} at SYNAQ.",
                              name=ref.label)


class DomainLinkHandler(SynaqHandler):
    payload = k.DomainLink

    def start(self, ctx, p: k.DomainLink) -> Outcome:
        guid = ctx.vendor_id_of("domain", p.domain_id)
        package_guid = ctx.vendor_id_of("package", p.package_id)
        try:
            ctx.client.request("LINK", f"{API}/packages/{package_guid}/domains/{guid}.json")
        except ConflictError as error:
            if "already linked to this package" not in error.message:
                raise  # e.g. a second package of the same product: the vendor's words say why
        data = ctx.client.domain(guid)
        outcome = domain_outcome(ctx, data, message="Linked at SYNAQ.", name=ctx.target().label)
        outcome.facts.attrs.setdefault("links", {})[p.package_id] = "linked"
        return outcome


class DomainUnlinkHandler(SynaqHandler):
    """UNLINK: 204 (inactive, or active with overlapping services, likely stale) or 202 + a Prune.
    Either way the domain's state is read next; a failed Prune is a high-priority alert."""

    payload = k.DomainUnlink

    def start(self, ctx, p: k.DomainUnlink) -> Outcome:
        guid = ctx.vendor_id_of("domain", p.domain_id)
        package_guid = ctx.vendor_id_of("package", p.package_id)
        unlinked = Facts(attrs={"links": {p.package_id: None}})
        try:
            response = ctx.client.request("UNLINK", f"{API}/packages/{package_guid}/domains/{guid}.json")
        except ConflictError as error:
            # "not linked": an earlier attempt unlinked it before its answer was lost.
            if "not linked" not in error.message:
                raise
            response = None
        if response is not None and response.status_code == 202:
            location = ctx.client.accepted(response)
            return Outcome.polling(location, "Prune", facts=unlinked, result={"prune_location": location},
                                   message="Unlinked; SYNAQ is pruning the services only that package needed.")
        return self.read_back(ctx, p, "Unlinked at SYNAQ.")

    def read_back(self, ctx, p: k.DomainUnlink, message: str) -> Outcome:
        data = ctx.client.domain(ctx.vendor_id_of("domain", p.domain_id))
        outcome = domain_outcome(ctx, data, message=message + f" The domain is now {data.get('state')}.",
                                 name=ctx.target().label)
        outcome.facts.attrs.setdefault("links", {})[p.package_id] = None
        return outcome

    def finished(self, ctx, p: k.DomainUnlink, action: dict[str, Any]) -> Outcome:
        outcome = self.read_back(ctx, p, "Unlinked; SYNAQ's Prune finished.")
        outcome.resolves.append((AlertKind.PRUNE_FAILED, None, None))
        return outcome

    def action_error(self, ctx, p: k.DomainUnlink, errors: list[str]) -> ActionFailed:
        name = ctx.target().label
        return ActionFailed(
            f"Prune failed on {name}: " + ("; ".join(errors) or "SYNAQ gave no reason."),
            errors=errors, facts=Facts(vendor_state="error", attrs={"links": {p.package_id: None}}),
            alert=AlertSpec(
                kind=AlertKind.PRUNE_FAILED,
                title=f"Prune failed on {name}: mail flow may be affected",
                message=("The package was unlinked and SYNAQ started a Prune action to remove the services only "
                         "that package needed. The Prune ended in error, so the platform may be left in an "
                         "inconsistent state and mail flow could be affected. SYNAQ never retries a failed action."),
                next_step="Send Prune again from this alert; if it fails again, pass SYNAQ's errors to their support.",
                errors=errors,
            ),
        )


class DomainSetServiceFieldsHandler(SynaqHandler):
    payload = k.DomainSetServiceFields

    def start(self, ctx, p: k.DomainSetServiceFields) -> Outcome:
        guid = ctx.vendor_id_of("domain", p.domain_id)
        fields = dict(ctx.secrets.get("fields") or {})
        ctx.client.request("PATCH", f"{API}/domains/{guid}/servicefields.json", json_body={"fields": fields})
        data = ctx.client.domain(guid)
        message = "Service fields saved at SYNAQ."
        if data.get("state") == "stale":
            message += " The domain is stale until it is refreshed: send Refresh next."
        return domain_outcome(ctx, data, message=message, name=ctx.target().label)


class DomainActionHandler(SynaqHandler):
    """An asynchronous action on a domain; what the domain is once it finished."""

    action = ""
    after = ""

    def start(self, ctx, p) -> Outcome:
        guid = ctx.vendor_id_of("domain", p.domain_id)
        location = ctx.client.action("domains", guid, self.action)
        return Outcome.polling(location, self.action, facts=Facts(vendor_state="pending") if self.after else None)

    def finished(self, ctx, p, action: dict[str, Any]) -> Outcome:
        return Outcome.finished(f"SYNAQ finished the {self.action} action: the domain is {self.after}.",
                                Facts(vendor_state=self.after))

    def action_error(self, ctx, p, errors: list[str]) -> ActionFailed:
        error = super().action_error(ctx, p, errors)
        try:  # what the failure left the domain as, so its page tells the truth
            error.facts = domain_view_facts(ctx, ctx.client.domain(ctx.vendor_id_of("domain", p.domain_id)))
        except (NotFoundError, ConflictError):
            pass
        return error


class DomainProvisionHandler(DomainActionHandler):
    payload = k.DomainProvision
    action, after = "Provision", "active"


class DomainRefreshHandler(DomainActionHandler):
    payload = k.DomainRefresh
    action, after = "Refresh", "active"

    def finished(self, ctx, p, action) -> Outcome:
        data = ctx.client.domain(ctx.vendor_id_of("domain", p.domain_id))
        return domain_outcome(ctx, data, message=f"Refreshed: SYNAQ reports the domain {data.get('state')}.",
                              name=ctx.target().label)


class DomainCloseHandler(DomainActionHandler):
    payload = k.DomainClose
    action, after = "Close", "closed"


class DomainActivateHandler(DomainActionHandler):
    payload = k.DomainActivate
    action, after = "Activate", "active"


class DomainPruneHandler(DomainActionHandler):
    """Prune sent again after a failed one (the vendor never retries it itself)."""

    payload = k.DomainPrune
    action, after = "Prune", ""

    def finished(self, ctx, p, action) -> Outcome:
        data = ctx.client.domain(ctx.vendor_id_of("domain", p.domain_id))
        outcome = domain_outcome(ctx, data, message=f"Prune finished: the domain is {data.get('state')}.",
                                 name=ctx.target().label)
        outcome.resolves.append((AlertKind.PRUNE_FAILED, None, None))
        return outcome

    def action_error(self, ctx, p, errors: list[str]) -> ActionFailed:
        error = super().action_error(ctx, p, errors)
        name = ctx.target().label
        error.alert = AlertSpec(kind=AlertKind.PRUNE_FAILED, title=f"Prune failed on {name}: mail flow may be affected",
                                message="The Prune action sent again ended in error too.", errors=errors,
                                next_step="Pass SYNAQ's errors to their support, then send Prune again.")
        return error


class DomainUsageHandler(DomainActionHandler):
    """The Usage action, then the detailed usage report, kept per domain and month."""

    payload = k.DomainUsage
    action, after = "Usage", ""

    def finished(self, ctx, p, action) -> Outcome:
        guid = ctx.vendor_id_of("domain", p.domain_id)
        report = (ctx.client.get(f"{API}/domains/{guid}/usage.json") or {}).get("domain_usage_report") or {}
        if str(report.get("state", "")).lower() != "finished":
            ctx.record(usage_action_done=True)
            return Outcome.proceed(after=3, message="SYNAQ is still compiling the report.")
        editions = [{"edition_code": r.get("edition_code"), "count": r.get("count") or 0,
                     "billable_mailboxes": r.get("billable_mailboxes")}
                    for r in report.get("edition_usage_reports") or []]
        as_at = str(report.get("data_as_at") or "")
        month = _month_of(as_at)
        total = sum(int(e["count"]) for e in editions)
        return Outcome.finished(f"Usage report for {month:%B %Y}: {total} billable in {len(editions)} edition(s).",
                                Facts(attrs={"usage": {"month": month.isoformat(), "data_as_at": as_at,
                                                       "editions": editions}}))

    def run(self, ctx, p) -> Outcome:
        if not ctx.polling and ctx.progress.get("usage_action_done"):
            return self.finished(ctx, p, {})  # the action ended; the report was still being compiled
        return super().run(ctx, p)


def _month_of(as_at: str) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(as_at[:10])
    except ValueError:
        day = datetime.date.today()
    return day.replace(day=1)


class DomainDeleteHandler(SynaqHandler):
    """The Delete action (unless already inactive), then DELETE of the record."""

    payload = k.DomainDelete

    def start(self, ctx, p: k.DomainDelete) -> Outcome:
        guid = ctx.vendor_id_of("domain", p.domain_id)
        try:
            state = ctx.client.domain(guid).get("state")
        except NotFoundError:
            return Outcome.finished("SYNAQ no longer holds the domain: removed.", Facts(attrs={"removed": True}))
        if state in ("inactive", "deleted"):
            return self.remove(ctx, guid)
        location = ctx.client.action("domains", guid, "Delete")
        return Outcome.polling(location, "Delete", facts=Facts(vendor_state="pending"),
                               message="SYNAQ is removing the domain's services.")

    def finished(self, ctx, p: k.DomainDelete, action) -> Outcome:
        return self.remove(ctx, ctx.vendor_id_of("domain", p.domain_id))

    def remove(self, ctx, guid: str) -> Outcome:
        try:
            ctx.client.request("DELETE", f"{API}/domains/{guid}.json")
        except NotFoundError:
            pass  # an earlier attempt deleted it before its answer was lost
        return Outcome.finished("Deleted at SYNAQ.", Facts(attrs={"removed": True}))


HANDLERS = (DomainCreateHandler, DomainSyncHandler, DomainLinkHandler, DomainUnlinkHandler,
            DomainSetServiceFieldsHandler, DomainProvisionHandler, DomainRefreshHandler, DomainCloseHandler,
            DomainActivateHandler, DomainPruneHandler, DomainUsageHandler, DomainDeleteHandler)
