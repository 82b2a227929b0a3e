"""Hostway settings of a mailbox or a domain: forwards, auto-responder, black/white lists, CleanMailPlus,
webmail (OX) accounts and options, InfoStore quota. Each read back after the change where it is cheap."""

from __future__ import annotations

from urllib.parse import quote

from provisioning.adapters.base import NotFoundError, Outcome
from provisioning.kinds import domain as kd
from provisioning.kinds import mail as kmail
from provisioning.targets import Facts
from provisioning.vendors.hostway.handlers.base import HostwayHandler, where


def forwards_of(ctx, domain: str, name: str) -> list[str]:
    data = ctx.client.get(ctx.client.user_path(domain, name, "/forwards"))
    return [str(t.get("target")) for t in data.get("targets") or [] if t.get("target")]


class ForwardAddHandler(HostwayHandler):
    """``POST .../forwards`` adds targets to those the mailbox has (adding one twice is harmless)."""

    payload = kmail.MailboxForwardAdd

    def start(self, ctx, p: kmail.MailboxForwardAdd) -> Outcome:
        w = where(ctx.target())
        ctx.client.post(ctx.client.user_path(w.domain, w.name, "/forwards"),
                        {"targets": [{"target": t} for t in p.targets]})
        return Outcome.finished(f"Forwarding to {', '.join(p.targets)} at Hostway.",
                                Facts(attrs={"vendor_attrs": {"forwards": forwards_of(ctx, w.domain, w.name)}}))


class ForwardRemoveHandler(HostwayHandler):
    payload = kmail.MailboxForwardRemove

    def start(self, ctx, p: kmail.MailboxForwardRemove) -> Outcome:
        w = where(ctx.target())
        try:
            ctx.client.delete(ctx.client.user_path(w.domain, w.name, f"/forwards/{quote(p.target, safe='@')}"))
        except NotFoundError:
            pass  # already gone (a retry after a lost answer): what was asked holds
        return Outcome.finished(f"No longer forwarding to {p.target}.",
                                Facts(attrs={"vendor_attrs": {"forwards": forwards_of(ctx, w.domain, w.name)}}))


class AutoresponderHandler(HostwayHandler):
    """``PUT .../autoresponder`` with subject, body and active (Hostway takes no dates)."""

    payload = kmail.MailboxSetAutoresponder

    def start(self, ctx, p: kmail.MailboxSetAutoresponder) -> Outcome:
        w = where(ctx.target())
        ctx.client.put(ctx.client.user_path(w.domain, w.name, "/autoresponder"),
                       {"subject": p.subject, "body": p.body, "active": bool(p.active)})
        said = {"subject": p.subject, "body": p.body, "active": bool(p.active)}
        return Outcome.finished("Auto-responder " + ("on" if p.active else "saved, off") + " at Hostway.",
                                Facts(attrs={"vendor_attrs": {"autoresponder": said}}))


def _entries(entries) -> list[dict]:
    return [{"type": str(e["type"]).upper(), "address": str(e["address"])} for e in entries]


class MailboxSpamListAddHandler(HostwayHandler):
    payload = kmail.MailboxSpamListAdd

    def start(self, ctx, p: kmail.MailboxSpamListAdd) -> Outcome:
        w = where(ctx.target())
        ctx.client.put(ctx.client.user_path(w.domain, w.name, "/blackwhitelist"), {"list": _entries(p.entries)})
        return Outcome.finished(f"{len(p.entries)} list entr{'y' if len(p.entries) == 1 else 'ies'} added at Hostway.")


class MailboxSpamListRemoveHandler(HostwayHandler):
    payload = kmail.MailboxSpamListRemove

    def start(self, ctx, p: kmail.MailboxSpamListRemove) -> Outcome:
        w = where(ctx.target())
        try:
            ctx.client.delete(ctx.client.user_path(w.domain, w.name, f"/blackwhitelist/{quote(p.address, safe='@')}"))
        except NotFoundError:
            pass
        return Outcome.finished(f"{p.address} is off the list at Hostway.")


class DomainSpamListAddHandler(HostwayHandler):
    payload = kmail.DomainSpamListAdd

    def start(self, ctx, p: kmail.DomainSpamListAdd) -> Outcome:
        domain = ctx.target().label
        ctx.client.put(ctx.client.domain_path(domain, "/blackwhitelist"), {"list": _entries(p.entries)})
        return Outcome.finished(f"{len(p.entries)} list entr{'y' if len(p.entries) == 1 else 'ies'} added at Hostway.")


class DomainSpamListRemoveHandler(HostwayHandler):
    payload = kmail.DomainSpamListRemove

    def start(self, ctx, p: kmail.DomainSpamListRemove) -> Outcome:
        domain = ctx.target().label
        try:
            ctx.client.delete(ctx.client.domain_path(domain, f"/blackwhitelist/{quote(p.address, safe='@')}"))
        except NotFoundError:
            pass
        return Outcome.finished(f"{p.address} is off the domain's list at Hostway.")


def _attributes(settings: dict) -> dict:
    return {"attributes": [{"attributeName": k, "attributeValue": str(v)} for k, v in (settings or {}).items()]}


class MailboxSpamFilterHandler(HostwayHandler):
    payload = kmail.MailboxSetSpamFilter

    def start(self, ctx, p: kmail.MailboxSetSpamFilter) -> Outcome:
        w = where(ctx.target())
        ctx.client.put(ctx.client.user_path(w.domain, w.name, "/cleanmailplus"), _attributes(p.settings))
        return Outcome.finished("CleanMailPlus settings changed at Hostway.")


class DomainSpamFilterHandler(HostwayHandler):
    payload = kmail.DomainSetSpamFilter

    def start(self, ctx, p: kmail.DomainSetSpamFilter) -> Outcome:
        ctx.client.put(ctx.client.domain_path(ctx.target().label, "/cleanmailplus"), _attributes(p.settings))
        return Outcome.finished("The domain's CleanMailPlus settings changed at Hostway.")


class WebmailHandler(HostwayHandler):
    """A mailbox's OX account: created (``POST``, 201) if it has none, else its type changed (``PUT``)."""

    payload = kmail.MailboxSetWebmail

    def start(self, ctx, p: kmail.MailboxSetWebmail) -> Outcome:
        w = where(ctx.target())
        path = ctx.client.user_path(w.domain, w.name, "/webmail")
        try:
            ctx.client.get(path)
        except NotFoundError:
            ctx.client.post(path, {"type": p.webmail_type})
        else:
            ctx.client.put(path, {"type": p.webmail_type})
        return Outcome.finished(f"Webmail type {p.webmail_type} at Hostway.", Facts(attrs={"edition": p.webmail_type}))


class StorageQuotaHandler(HostwayHandler):
    payload = kmail.DomainSetStorageQuota

    def start(self, ctx, p: kmail.DomainSetStorageQuota) -> Outcome:
        ctx.client.put(ctx.client.domain_path(ctx.target().label, "/infostore"), {"quota": int(p.quota)})
        return Outcome.finished(f"InfoStore quota set to {p.quota} at Hostway.",
                                Facts(attrs={"vendor_attrs": {"infostore_quota": int(p.quota)}}))


class WebmailUpgradeHandler(HostwayHandler):
    payload = kmail.DomainSetWebmailUpgrade

    def start(self, ctx, p: kmail.DomainSetWebmailUpgrade) -> Outcome:
        ctx.client.put(ctx.client.domain_path(ctx.target().label, "/webmail"), {"allowUpgrade": bool(p.allow_upgrade)})
        return Outcome.finished("Webmail upgrades " + ("allowed" if p.allow_upgrade else "blocked") + " at Hostway.",
                                Facts(attrs={"vendor_attrs": {"allow_upgrade": bool(p.allow_upgrade)}}))


def domain_read(ctx, name: str) -> Outcome:
    """The domain as Hostway has it now (its aliases); NotFoundError when the account no longer holds it."""
    ctx.client.get(ctx.client.domain_path(name))
    aliases = ctx.client.get(ctx.client.domain_path(name, "/aliases")).get("list") or []
    return Outcome.finished("Read back from Hostway.", Facts(name, "active", {"vendor_attrs": {
        "aliases": [str(a) for a in aliases]}}))


class DomainSyncHandler(HostwayHandler):
    payload = kd.DomainSync

    def start(self, ctx, p: kd.DomainSync) -> Outcome:
        return domain_read(ctx, ctx.target().label)


class DomainReleaseHandler(HostwayHandler):
    """Hostway documents no way to delete an email domain: the panel lets go of it, Hostway keeps it."""

    payload = kd.DomainDelete

    def start(self, ctx, p: kd.DomainDelete) -> Outcome:
        return Outcome.finished("Removed from the panel; Hostway still holds the domain (its API cannot delete "
                                "one).", Facts(attrs={"removed": True}))


HANDLERS = (ForwardAddHandler, ForwardRemoveHandler, AutoresponderHandler, MailboxSpamListAddHandler,
            MailboxSpamListRemoveHandler, DomainSpamListAddHandler, DomainSpamListRemoveHandler,
            MailboxSpamFilterHandler, DomainSpamFilterHandler, WebmailHandler, StorageQuotaHandler,
            WebmailUpgradeHandler, DomainSyncHandler, DomainReleaseHandler)
