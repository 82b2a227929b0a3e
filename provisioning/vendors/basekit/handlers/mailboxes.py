"""BaseKit mailboxes: added with ``PUT`` (answered ``pending``) and followed until ``active``, with an alert if
one stays pending; deleted. BaseKit documents no password change for a mailbox."""

from __future__ import annotations

import time

from provisioning.adapters.base import AlertSpec, ConflictError, NotFoundError, NotReady, Outcome, ValidationFailed
from provisioning.choices import AlertKind
from provisioning.kinds import mailbox as km
from provisioning.targets import Facts
from provisioning.vendors.basekit.handlers.base import (
    PENDING_ALERT_MINUTES,
    BasekitHandler,
    holder_of,
    minutes_waited,
    threshold,
)

ACTIVATE = "Activate mailbox"


def _pending_outcome(ctx, label: str, status: str | None, *, waited: float) -> Outcome | None:
    if status is None:
        raise NotFoundError(f"BaseKit no longer lists {label}.", status=404, field="local_part")
    if status == "active":
        return Outcome.finished("Active at BaseKit.", Facts(vendor_state="active"),
                                resolves=[(AlertKind.MAILBOX_PENDING, None, None)])
    limit = threshold(ctx, "pending_alert_minutes", PENDING_ALERT_MINUTES)
    if waited >= limit:
        return Outcome.finished(f"Still pending after {waited:.0f} minutes; the panel keeps watching.",
                                Facts(vendor_state="pending"), alerts=[AlertSpec(
                                    kind=AlertKind.MAILBOX_PENDING, title=f"{label} is still pending at BaseKit",
                                    message=f"BaseKit has answered pending for {waited:.0f} minutes.",
                                    next_step="Wait a little longer; if it stays pending, ask BaseKit support. The "
                                              "alert resolves itself once BaseKit reports it active.")])
    return None


class MailboxCreateHandler(BasekitHandler):
    """``PUT /users/{holder}/domains/{domain}/mailboxes/{user}`` ``{"password"}`` → ``pending``, followed."""

    payload = km.MailboxCreate

    def start(self, ctx, p: km.MailboxCreate) -> Outcome:
        domain = ctx.ref("domain", p.domain_id)
        holder = holder_of(domain)
        if not domain.vendor_id:
            raise NotReady(f"{domain.label} is not at BaseKit yet.")
        path = ctx.client.mailbox_path(holder, domain.vendor_id, p.local_part)
        label = f"{p.local_part}@{domain.label}"
        ctx.record(started=ctx.progress.get("started") or time.time(), location=ctx.client.mailbox_path(
            holder, domain.vendor_id))
        status = ctx.client.mailbox_status(holder, domain.vendor_id, p.local_part) if ctx.retrying else None
        if status is None:
            try:
                data = ctx.client.send("PUT", path, {"password": ctx.secrets["password"]}) or {}
            except ConflictError:
                # Already there (ours from an attempt whose answer was lost): adopt it, never a second one.
                status = ctx.client.mailbox_status(holder, domain.vendor_id, p.local_part) or "pending"
            except ValidationFailed as error:
                if "not active" in error.message.lower():
                    raise NotReady(f"{domain.label} is not active at BaseKit yet: the mailbox waits for it.") from None
                raise
            else:
                answer = data.get("mailbox")
                item = (answer[0] if isinstance(answer, list) and answer else answer) or {}
                status = str(item.get("status") or "pending")
        done = _pending_outcome(ctx, label, status, waited=0)
        facts = Facts(p.local_part, status)
        if done is not None:
            return Outcome.finished(done.message, Facts(p.local_part, done.facts.vendor_state), resolves=done.resolves,
                                    alerts=done.alerts)
        return Outcome.polling(ctx.progress["location"], ACTIVATE, facts=facts,
                               message="Pending at BaseKit; the panel follows it until it is active.")

    def follow(self, ctx, p: km.MailboxCreate) -> Outcome:
        ref = ctx.target()
        domain = ctx.ref("domain", p.domain_id)
        status = ctx.client.mailbox_status(holder_of(domain), domain.vendor_id, p.local_part)
        done = _pending_outcome(ctx, ref.label, status, waited=minutes_waited(ctx))
        return done or Outcome.polling(ctx.action_location, ACTIVATE, message="Still pending at BaseKit.")


class MailboxSetPasswordHandler(BasekitHandler):
    payload = km.MailboxSetPassword

    def start(self, ctx, p: km.MailboxSetPassword) -> Outcome:
        raise ValidationFailed("BaseKit's account-domains API documents no way to change a mailbox's password "
                               "(its PUT only adds a mailbox, and answers 409 for one that exists).", field="password")


class MailboxDeleteHandler(BasekitHandler):
    payload = km.MailboxDelete

    def start(self, ctx, p: km.MailboxDelete) -> Outcome:
        ref = ctx.target()
        try:
            ctx.client.send("DELETE", ctx.client.mailbox_path(holder_of(ref), ref.attrs["domain_vendor_id"],
                                                               ref.vendor_id or ref.attrs["local_part"]))
        except NotFoundError:
            return Outcome.finished("BaseKit no longer holds it.", Facts(attrs={"removed": True}))
        return Outcome.finished("Deleted at BaseKit.", Facts(attrs={"removed": True}))


def mailbox_read(ctx, ref) -> Outcome:
    status = ctx.client.mailbox_status(holder_of(ref), ref.attrs["domain_vendor_id"],
                                       ref.vendor_id or ref.attrs["local_part"])
    if status is None:
        return Outcome.finished("BaseKit no longer lists it.", Facts(vendor_state="deleted"))
    state = "active" if status == "active" else "pending"
    return Outcome.finished("", Facts(vendor_state=state),
                            resolves=[(AlertKind.MAILBOX_PENDING, None, None)] if state == "active" else [])


HANDLERS = (MailboxCreateHandler, MailboxSetPasswordHandler, MailboxDeleteHandler)
