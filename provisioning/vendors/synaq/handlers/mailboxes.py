"""SYNAQ mailboxes: create (provisioned at once or not), update, password, edition, the lifecycle
actions, locks (shown with their reason, cleared by Unlock) and delete (whose action ends in 404)."""

from __future__ import annotations

from typing import Any

from provisioning.adapters.base import ActionFailed, AlertSpec, ConflictError, NotFoundError, Outcome
from provisioning.choices import AlertKind
from provisioning.kinds import mailbox as k
from provisioning.targets import Facts
from provisioning.vendors.synaq.client import API, guid_from
from provisioning.vendors.synaq.handlers.base import SynaqHandler

UNLOCKED = {"locked": False, "lock_type": "", "lock_reason_code": "", "lock_reason": ""}


def mailbox_facts(data: dict[str, Any]) -> tuple[Facts, list[AlertSpec], list]:
    """A mailbox as SYNAQ shows it; a lock is our ``locked`` state with the vendor's reason."""
    locked = bool(data.get("account_locked"))
    state = "locked" if locked else data.get("state")
    attrs = {"locked": locked, "lock_type": data.get("lock_type") or "", "lock_reason_code":
             data.get("lock_reason_code") or "", "lock_reason": (data.get("lock_reason") or "")[:300]}
    if data.get("package_edition_code"):
        attrs["edition"] = data["package_edition_code"]
    facts = Facts(vendor_id=data.get("guid") or None, vendor_state=state, attrs=attrs)
    if locked:
        alert = AlertSpec(kind=AlertKind.MAILBOX_LOCKED, title=f"{data.get('email', 'A mailbox')} was locked by SYNAQ",
                          message=f"SYNAQ locked the mailbox ({data.get('lock_type') or 'lock'}): "
                                  f"{data.get('lock_reason') or 'no reason given'}"
                                  + (f" [{data['lock_reason_code']}]" if data.get("lock_reason_code") else ""),
                          next_step="Change the mailbox's password, then Unlock it; a compromised account left with "
                                    "its old password is locked again.")
        return facts, [alert], []
    return facts, [], [(AlertKind.MAILBOX_LOCKED, None, None)]


class MailboxCreateHandler(SynaqHandler):
    payload = k.MailboxCreate

    def start(self, ctx, p: k.MailboxCreate) -> Outcome:
        domain_guid = ctx.vendor_id_of("domain", p.domain_id)
        address = ctx.target().label
        if ctx.retrying or ctx.progress.get("_maybe_applied"):
            found = ctx.client.find_one(f"{API}/mailboxes.json", "mailboxes", email=address, domain_guid=domain_guid)
            if found is not None:
                return self.adopt(ctx, p, found)
        body: dict[str, Any] = {
            "email_local": p.local_part, "password": ctx.secrets["password"],
            # SYNAQ requires a last name; a mailbox without one takes its first name or its own name.
            "last_name": p.last_name or p.first_name or p.local_part,
        }
        if p.first_name:
            body["first_name"] = p.first_name
        if p.edition:
            body["package_edition_code"] = p.edition
        if p.provision_now:
            body["provision_immediately"] = True
        try:
            response = ctx.client.request("POST", f"{API}/domains/{domain_guid}/mailboxes.json",
                                          json_body={"mailbox": body})
        except ConflictError as error:
            if "already exists" not in error.message:
                raise
            found = ctx.client.find_one(f"{API}/mailboxes.json", "mailboxes", email=address, domain_guid=domain_guid)
            if found is None:
                raise
            return self.adopt(ctx, p, found)
        if response.status_code == 202:
            location = ctx.client.accepted(response)
            guid = guid_from(location, "mailboxes")
            return Outcome.polling(location, "Provision", facts=Facts(guid, "pending"),
                                   message="Created; SYNAQ is provisioning it.", result={"guid": guid})
        guid = ctx.client.created(response, "mailboxes")
        return Outcome.finished("Created at SYNAQ (not provisioned yet).", Facts(guid, "inactive"),
                                result={"guid": guid})

    def adopt(self, ctx, p: k.MailboxCreate, found: dict[str, Any]) -> Outcome:
        guid = found["guid"]
        ctx.record(guid=guid, adopted=True)
        facts, alerts, resolves = mailbox_facts(found)
        if found.get("state") == "pending":
            return Outcome.polling(f"{API}/mailboxes/{guid}.json", "Provision", facts=facts,
                                   message="Found at SYNAQ already, being provisioned; following it.")
        if p.provision_now and found.get("state") in ("inactive", "failed"):
            location = ctx.client.action("mailboxes", guid, "Provision")
            return Outcome.polling(location, "Provision", facts=facts, message="Found at SYNAQ; provisioning it.")
        return Outcome.finished("Found at SYNAQ already (an earlier attempt created it); adopted.", facts,
                                alerts=alerts, resolves=resolves)

    def finished(self, ctx, p, action) -> Outcome:
        return Outcome.finished("Provisioned: the mailbox is live at SYNAQ.", Facts(vendor_state="active"))

    def settled(self, ctx, p, data) -> Outcome:
        facts, alerts, resolves = mailbox_facts(data)
        return Outcome.finished(f"SYNAQ finished: the mailbox is {facts.vendor_state}.", facts, alerts=alerts,
                                resolves=resolves)

    def action_error(self, ctx, p, errors) -> ActionFailed:
        error = super().action_error(ctx, p, errors)
        error.facts = Facts(vendor_state="failed")
        return error


class MailboxPatchHandler(SynaqHandler):
    """A PATCH of the mailbox: 204 when inactive, 202 + an Update action when provisioned."""

    def body(self, ctx, p) -> dict[str, Any]:
        raise NotImplementedError

    def path(self, ctx, p) -> str:
        return f"{API}/mailboxes/{ctx.vendor_id_of('mailbox', p.mailbox_id)}.json"

    def facts(self, p) -> Facts | None:
        return None

    def start(self, ctx, p) -> Outcome:
        response = ctx.client.request("PATCH", self.path(ctx, p), json_body=self.body(ctx, p))
        if response.status_code == 202:
            return Outcome.polling(ctx.client.accepted(response), "Update")
        return Outcome.finished("Saved at SYNAQ.", self.facts(p))

    def finished(self, ctx, p, action) -> Outcome:
        return Outcome.finished("SYNAQ applied the change to the live mailbox.", self.facts(p))


class MailboxUpdateHandler(MailboxPatchHandler):
    payload = k.MailboxUpdate

    def body(self, ctx, p: k.MailboxUpdate) -> dict[str, Any]:
        return {"mailbox": dict(p.changes)}

    def facts(self, p: k.MailboxUpdate) -> Facts:
        return Facts(attrs={k_: v for k_, v in p.changes.items() if k_ in ("first_name", "last_name")})


class MailboxSetPasswordHandler(MailboxPatchHandler):
    payload = k.MailboxSetPassword

    def body(self, ctx, p) -> dict[str, Any]:
        return {"mailbox": {"password": ctx.secrets["password"]}}


class MailboxChangeEditionHandler(MailboxPatchHandler):
    payload = k.MailboxChangeEdition

    def path(self, ctx, p: k.MailboxChangeEdition) -> str:
        return (f"{API}/mailboxes/{ctx.vendor_id_of('mailbox', p.mailbox_id)}/packages/"
                f"{ctx.vendor_id_of('package', p.package_id)}/edition.json")

    def body(self, ctx, p: k.MailboxChangeEdition) -> dict[str, Any]:
        return {"edition": {"code": p.edition}}

    def facts(self, p: k.MailboxChangeEdition) -> Facts:
        return Facts(attrs={"edition": p.edition, "package_id": p.package_id})


class MailboxActionHandler(SynaqHandler):
    action = ""
    after = ""

    def start(self, ctx, p) -> Outcome:
        guid = ctx.vendor_id_of("mailbox", p.mailbox_id)
        return Outcome.polling(ctx.client.action("mailboxes", guid, self.action), self.action)

    def finished(self, ctx, p, action) -> Outcome:
        return Outcome.finished(f"SYNAQ finished the {self.action} action: the mailbox is {self.after}.",
                                Facts(vendor_state=self.after))


class MailboxProvisionHandler(MailboxActionHandler):
    payload = k.MailboxProvision
    action, after = "Provision", "active"


class MailboxSuspendHandler(MailboxActionHandler):
    payload = k.MailboxSuspend
    action, after = "Suspend", "suspended"


class MailboxCloseHandler(MailboxActionHandler):
    payload = k.MailboxClose
    action, after = "Close", "closed"


class MailboxActivateHandler(MailboxActionHandler):
    payload = k.MailboxActivate
    action, after = "Activate", "active"


class MailboxUnlockHandler(MailboxActionHandler):
    payload = k.MailboxUnlock
    action, after = "Unlock", "active"

    def finished(self, ctx, p, action) -> Outcome:
        return Outcome.finished("Unlocked: the mailbox is active again.", Facts(vendor_state="active", attrs=UNLOCKED),
                                resolves=[(AlertKind.MAILBOX_LOCKED, None, None)])


class MailboxDeleteHandler(SynaqHandler):
    """DELETE: 204 for an inactive mailbox; else a Delete action that, once done, answers 404."""

    payload = k.MailboxDelete
    gone = Facts(attrs={"removed": True})

    def start(self, ctx, p: k.MailboxDelete) -> Outcome:
        guid = ctx.vendor_id_of("mailbox", p.mailbox_id)
        try:
            response = ctx.client.request("DELETE", f"{API}/mailboxes/{guid}.json")
        except NotFoundError:
            return Outcome.finished("SYNAQ no longer holds the mailbox: deleted.", self.gone)
        if response.status_code == 202:
            return Outcome.polling(ctx.client.accepted(response), "Delete",
                                   message="SYNAQ is deleting the mailbox and its mail.")
        return Outcome.finished("Deleted at SYNAQ.", self.gone)

    def vanished(self, ctx, p) -> Outcome:
        return Outcome.finished("Deleted at SYNAQ (its Delete action is gone with it, as documented).", self.gone)

    def finished(self, ctx, p, action) -> Outcome:
        return self.vanished(ctx, p)


HANDLERS = (MailboxCreateHandler, MailboxUpdateHandler, MailboxSetPasswordHandler, MailboxChangeEditionHandler,
            MailboxProvisionHandler, MailboxSuspendHandler, MailboxCloseHandler, MailboxActivateHandler,
            MailboxUnlockHandler, MailboxDeleteHandler)
