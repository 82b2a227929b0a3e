"""Hostway mailboxes and Exchange mailboxes (one namespace): create (looked up first, so a retry or an
existing one is adopted, never overwritten), names, password, quota, type, delete, the password reset by
secret answers, secret answers, the migration-failure ticket."""

from __future__ import annotations

from provisioning.adapters.base import ConflictError, NotFoundError, Outcome, ValidationFailed
from provisioning.kinds import mail as kmail
from provisioning.kinds import mailbox as km
from provisioning.targets import Facts
from provisioning.vendors.hostway.handlers.base import (
    HostwayHandler,
    Where,
    exchange_type,
    held_kind,
    is_exchange,
    mailbox_facts,
    where,
)

CLASH = ("Hostway keeps mailboxes and Exchange mailboxes in one namespace: {name} is already taken by {other} "
         "on {domain}. Choose another name, or delete that one first.")


def _clash(w: Where, held: str) -> ConflictError:
    other = "an Exchange mailbox" if held == "exchange" else "a regular mailbox"
    return ConflictError(CLASH.format(name=w.name, other=other, domain=w.domain), status=409, field="local_part")


class MailboxCreateHandler(HostwayHandler):
    """``PUT .../usernames/{name}/mailbox`` (201) or ``.../exchange`` (201), after looking the name up."""

    payload = km.MailboxCreate

    def start(self, ctx, p: km.MailboxCreate) -> Outcome:
        domain = ctx.ref("domain", p.domain_id).label
        w = Where(domain=domain, name=p.local_part, exchange=is_exchange(p.edition))
        held = held_kind(ctx, domain, p.local_part)
        if held is not None:
            if held != w.kind:
                raise _clash(w, held)
            # Ours from an earlier attempt whose answer was lost, or one already there: adopt it. A second PUT
            # would change its password instead ("used more than once" on a retry).
            return Outcome.finished(f"{p.local_part}@{domain} is at Hostway (adopted; its password is as Hostway "
                                    "holds it).", mailbox_facts(w))
        password = ctx.secrets["password"]
        try:
            if w.exchange:
                body = {"password": password, "type": exchange_type(p.edition),
                        "displayName": " ".join(n for n in (p.first_name, p.last_name) if n) or p.local_part}
                if p.first_name:
                    body["firstName"] = p.first_name
                if p.last_name:
                    body["lastName"] = p.last_name
                ctx.client.put(ctx.client.user_path(domain, p.local_part, "/exchange"), body)
            else:
                body = {"password": password, "type": p.edition or "standard"}
                if p.quota_mb:
                    body["quota"] = int(p.quota_mb)
                ctx.client.put(ctx.client.user_path(domain, p.local_part, "/mailbox"), body)
        except ConflictError:
            held = held_kind(ctx, domain, p.local_part)
            if held is not None and held != w.kind:
                raise _clash(w, held) from None
            raise
        return Outcome.finished(f"Created at Hostway{' (Exchange)' if w.exchange else ''}.", mailbox_facts(w))


def _put(ctx, w: Where, body: dict) -> None:
    ctx.client.put(ctx.client.user_path(w.domain, w.name, f"/{w.kind}"), body)


class MailboxUpdateHandler(HostwayHandler):
    """Names live on Exchange mailboxes only (``firstName``/``lastName``); regular mailboxes keep none."""

    payload = km.MailboxUpdate

    def start(self, ctx, p: km.MailboxUpdate) -> Outcome:
        w = where(ctx.target())
        if not w.exchange:
            return Outcome.finished("Hostway keeps no names on regular mailboxes: kept in the panel only.")
        names = {"first_name": "firstName", "last_name": "lastName"}
        body = {names[k]: v for k, v in p.changes.items() if k in names}
        _put(ctx, w, body)
        return Outcome.finished("Changed at Hostway.")


class MailboxSetPasswordHandler(HostwayHandler):
    payload = km.MailboxSetPassword

    def start(self, ctx, p: km.MailboxSetPassword) -> Outcome:
        _put(ctx, where(ctx.target()), {"password": ctx.secrets["password"]})
        return Outcome.finished("Password changed at Hostway.")


class MailboxSetQuotaHandler(HostwayHandler):
    payload = kmail.MailboxSetQuota

    def start(self, ctx, p: kmail.MailboxSetQuota) -> Outcome:
        w = where(ctx.target())
        if w.exchange:
            raise ValidationFailed("An Exchange mailbox's quota follows its type at Hostway: change the type.",
                                   field="quota_mb")
        _put(ctx, w, {"quota": int(p.quota_mb)})
        return Outcome.finished(f"Quota set to {p.quota_mb} MB at Hostway.", Facts(attrs={"quota_mb": p.quota_mb}))


class MailboxChangeEditionHandler(HostwayHandler):
    """A regular mailbox's webmail (OX) type, or an Exchange mailbox's type."""

    payload = km.MailboxChangeEdition

    def start(self, ctx, p: km.MailboxChangeEdition) -> Outcome:
        w = where(ctx.target())
        if w.exchange != is_exchange(p.edition):
            raise ValidationFailed("A mailbox cannot become an Exchange mailbox (or the reverse) at Hostway.",
                                   field="edition")
        _put(ctx, w, {"type": exchange_type(p.edition) if w.exchange else p.edition})
        return Outcome.finished(f"Type changed to {p.edition} at Hostway.", Facts(attrs={"edition": p.edition}))


class MailboxDeleteHandler(HostwayHandler):
    payload = km.MailboxDelete

    def start(self, ctx, p: km.MailboxDelete) -> Outcome:
        w = where(ctx.target())
        try:
            ctx.client.delete(ctx.client.user_path(w.domain, w.name, f"/{w.kind}"))
        except NotFoundError:
            return Outcome.finished("Hostway no longer holds it.", Facts(attrs={"removed": True}))
        return Outcome.finished("Deleted at Hostway with its mail.", Facts(attrs={"removed": True}))


class MailboxResetPasswordHandler(HostwayHandler):
    """``POST .../{mailbox|exchange}/action`` ``resetPassword``: the answers on file prove it; 409 if wrong."""

    payload = kmail.MailboxResetPassword

    def start(self, ctx, p: kmail.MailboxResetPassword) -> Outcome:
        w = where(ctx.target())
        body = {"action": "resetPassword", "actionData": {"secretQuestionsAnswers": dict(ctx.secrets["answers"]),
                                                          "password": ctx.secrets["password"]}}
        try:
            ctx.client.post(ctx.client.user_path(w.domain, w.name, f"/{w.kind}/action"), body)
        except ConflictError as error:
            raise ConflictError("The answers do not match the secret answers Hostway holds for this mailbox, so "
                                "the password was not reset.", status=409, field="answers",
                                errors=error.errors or [error.message]) from None
        return Outcome.finished("Password reset at Hostway.")


class MailboxSetSecretsHandler(HostwayHandler):
    """``PUT .../secrets`` replaces all the answers (at least the franchise's minimum)."""

    payload = kmail.MailboxSetSecrets

    def start(self, ctx, p: kmail.MailboxSetSecrets) -> Outcome:
        w = where(ctx.target())
        answers = dict(ctx.secrets["answers"])
        ctx.client.put(ctx.client.user_path(w.domain, w.name, "/secrets"), answers)
        return Outcome.finished("Secret answers set at Hostway.",
                                Facts(attrs={"vendor_attrs": {"secret_questions": sorted(answers)}}))


class MailboxMigrationTicketHandler(HostwayHandler):
    payload = kmail.MailboxMigrationTicket

    def start(self, ctx, p: kmail.MailboxMigrationTicket) -> Outcome:
        w = where(ctx.target())
        ctx.client.post(ctx.client.user_path(w.domain, w.name, "/migration"), {"subject": p.subject, "body": p.body})
        return Outcome.finished("Hostway has the migration-failure ticket.")


HANDLERS = (MailboxCreateHandler, MailboxUpdateHandler, MailboxSetPasswordHandler, MailboxSetQuotaHandler,
            MailboxChangeEditionHandler, MailboxDeleteHandler, MailboxResetPasswordHandler, MailboxSetSecretsHandler,
            MailboxMigrationTicketHandler)
