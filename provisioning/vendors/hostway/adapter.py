"""The Hostway adapter: handlers per operation kind, the importer, the state check, and the reads staff wait
for (settings shown on the mailbox and domain pages, message counts, the anti-spam control panel's link)."""

from __future__ import annotations

from typing import Any

from django.views.decorators.debug import sensitive_variables

from provisioning.adapters.base import Adapter, NotFoundError, Outcome, handlers_of
from provisioning.targets import Facts, TargetRef
from provisioning.vendors.hostway.client import HostwayClient
from provisioning.vendors.hostway.handlers import mailboxes, settings
from provisioning.vendors.hostway.handlers.base import where
from provisioning.vendors.hostway.importer import HostwayImporter

FOLDERS = ("inbox", "sent", "spam")


def _domain_of(ref: TargetRef) -> str:
    return ref.attrs.get("domain_name") or ref.label


class HostwayAdapter(Adapter):
    client_class = HostwayClient
    handlers = handlers_of(*mailboxes.HANDLERS, *settings.HANDLERS)
    importer = HostwayImporter

    def read_state(self, ctx, ref: TargetRef) -> Outcome | None:
        if ref.type == "domain":
            return settings.domain_read(ctx, ref.label)
        if ref.type == "mailbox" and ref.vendor_id:
            w = where(ref)
            try:
                data = ctx.client.get(ctx.client.user_path(w.domain, w.name, f"/{w.kind}"))
            except NotFoundError:
                return Outcome.finished("Hostway no longer holds it.", Facts(vendor_state="deleted"))
            quota = data.get("quota")
            attrs = {"quota_mb": int(quota)} if isinstance(quota, int) else {}
            return Outcome.finished("", Facts(vendor_state="active", attrs=attrs))
        return None

    # ---- reads a person waits for (never stored beyond what the page shows) -------------------------------
    def read_mailboxes(self, ctx, ref: TargetRef, *, page: int = 1, page_size: int = 25, search: str = "",
                       sort: str = "username", order: str = "asc") -> dict[str, Any]:
        """One page of the domain's usernames as Hostway lists them (filter with ``*``, sort, page)."""
        params: dict[str, Any] = {"page": page, "pageSize": page_size, "sortField": sort, "sortOrder": order,
                                  "details": 1}
        if search:
            params["filterUsername"] = search if "*" in search else f"*{search}*"
        data = ctx.client.get(ctx.client.domain_path(ref.label, "/usernames"), **params)
        return {"total": int(data.get("totalCount") or 0), "items": data.get("list") or []}

    def read_forwards(self, ctx, ref: TargetRef) -> list[str]:
        w = where(ref)
        return settings.forwards_of(ctx, w.domain, w.name)

    def read_autoresponder(self, ctx, ref: TargetRef) -> dict[str, Any]:
        w = where(ref)
        data = ctx.client.get(ctx.client.user_path(w.domain, w.name, "/autoresponder"))
        return {"subject": data.get("subject") or "", "body": data.get("body") or "",
                "active": bool(data.get("active"))}

    def _list_path(self, ctx, ref: TargetRef, rest: str = "") -> str:
        if ref.type == "mailbox":
            w = where(ref)
            return ctx.client.user_path(w.domain, w.name, f"/blackwhitelist{rest}")
        return ctx.client.domain_path(ref.label, f"/blackwhitelist{rest}")

    def read_spam_list(self, ctx, ref: TargetRef, *, page: int = 1, page_size: int = 25, list_type: str = "",
                       search: str = "") -> dict[str, Any]:
        """One page of the domain's or mailbox's black/white list, by address."""
        params: dict[str, Any] = {"page": page, "pageSize": page_size, "sortField": "address", "sortOrder": "asc"}
        if list_type:
            params["filterType"] = list_type
        if search:
            params["filterAddress"] = f"*{search}*"
        data = ctx.client.get(self._list_path(ctx, ref), **params)
        return {"total": int(data.get("totalCount") or 0),
                "items": [{"address": i.get("address"), "type": i.get("type")} for i in data.get("list") or []]}

    def read_spam_list_entry(self, ctx, ref: TargetRef, *, address: str) -> dict[str, Any] | None:
        try:
            data = ctx.client.get(self._list_path(ctx, ref, f"/{address}"))
        except NotFoundError:
            return None
        return {"address": data.get("address"), "type": data.get("type")}

    def read_spam_filter(self, ctx, ref: TargetRef) -> list[dict[str, Any]]:
        """CleanMailPlus fields with their options and the selected value (a mailbox inherits its domain's)."""
        if ref.type == "mailbox":
            w = where(ref)
            path = ctx.client.user_path(w.domain, w.name, "/cleanmailplus")
        else:
            path = ctx.client.domain_path(ref.label, "/cleanmailplus")
        data = ctx.client.json_of(ctx.client.request("GET", path)) or []
        return [f for f in data if isinstance(f, dict)] if isinstance(data, list) else []

    def read_webmail(self, ctx, ref: TargetRef) -> dict[str, Any] | None:
        """The mailbox's OX account (type, allowUpgrade, ...), None when it has none. Its authToken is dropped."""
        w = where(ref)
        try:
            data = ctx.client.get(ctx.client.user_path(w.domain, w.name, "/webmail"))
        except NotFoundError:
            return None
        return {k: v for k, v in data.items() if k in ("type", "allowUpgrade", "theme", "language", "timezone",
                                                     "trialType", "trialExpiration")}

    def read_webmail_options(self, ctx, ref: TargetRef) -> dict[str, Any]:
        """The domain's webmail types (names and how many each allows), whether upgrades are possible and allowed."""
        domain = _domain_of(ref)
        limits = ctx.client.get(ctx.client.domain_path(domain, "/webmailLimits")).get("webmailLimits") or {}
        names = ctx.client.get(ctx.client.domain_path(domain, "/webmailNames")).get("webmailNames") or {}
        upgrade = ctx.client.get(ctx.client.domain_path(domain, "/webmailUpgrade")).get("allowed")
        settings_ = ctx.client.get(ctx.client.domain_path(domain, "/webmail"))
        types = [{"type": t, "name": names.get(t, t), "limit": limits.get(t)} for t in names]
        return {"types": types, "upgrade_possible": bool(upgrade), "allow_upgrade": bool(settings_.get("allowUpgrade")),
                "trial_type": settings_.get("trialType")}

    def read_secret_questions(self, ctx, ref: TargetRef | None) -> dict[str, Any]:
        """The supported questions and the franchise's minimum number of answers."""
        questions = ctx.client.get("/email/secretQuestions").get("questions") or {}
        minimum = ctx.client.get("/email/secretQuestionSettings").get("minimum")
        return {"questions": dict(questions), "minimum": int(minimum or 0)}

    def read_secrets(self, ctx, ref: TargetRef) -> list[str]:
        """Which questions the mailbox has answers for (never the answers)."""
        w = where(ref)
        return list(ctx.client.get(ctx.client.user_path(w.domain, w.name, "/secrets")).get("list") or [])

    def read_message_counts(self, ctx, ref: TargetRef) -> dict[str, dict[str, int]]:
        """All and unread messages per folder (inbox, sent, spam)."""
        w = where(ref)
        data = ctx.client.get(ctx.client.user_path(w.domain, w.name, f"/{w.kind}/messagestats"))
        counts = data.get("messageCount") or {}
        return {f: {"all": int((counts.get(f) or {}).get("allMessages") or 0),
                    "unread": int((counts.get(f) or {}).get("unreadMessages") or 0)} for f in FOLDERS}

    def read_exchange(self, ctx, ref: TargetRef) -> dict[str, Any]:
        w = where(ref)
        return ctx.client.get(ctx.client.user_path(w.domain, w.name, "/exchange"))

    def read_aliases(self, ctx, ref: TargetRef) -> list[str]:
        return [str(a) for a in ctx.client.get(ctx.client.domain_path(ref.label, "/aliases")).get("list") or []]

    def read_storage(self, ctx, ref: TargetRef) -> dict[str, Any]:
        """InfoStore usage and quota, and the mailbox count per type."""
        info = ctx.client.get(ctx.client.domain_path(ref.label, "/infostore")).get("infoStore") or {}
        stats = ctx.client.get(ctx.client.domain_path(ref.label, "/statistics/mailboxTypeCount"))
        counts = {k: v for k, v in stats.items() if k.startswith("num")}
        return {"usage": info.get("usage"), "quota": info.get("quota"), "types": counts}

    @sensitive_variables("data")
    def login_token(self, ctx, ref: TargetRef) -> dict[str, str]:
        """The anti-spam control panel's single sign-on link (``SSOLink``), fetched at click time, never kept."""
        data = ctx.client.get(f"/accounts/{ctx.client.account_id}/avas/{_domain_of(ref)}/SSOLink")
        return {"url": str(data.get("ssoLink") or "")}
