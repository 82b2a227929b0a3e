"""Kinds around mailboxes and domains beyond create/delete: forwards, auto-responders, spam lists and
filters, webmail, secret questions, storage quotas, migration tickets (Hostway's reseller API has them all;
other vendors declare what they offer through their profile's capabilities)."""

from __future__ import annotations

from dataclasses import dataclass

from provisioning.kinds.base import Payload


# ---- mailbox ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MailboxSetQuota(Payload):
    kind = "mailbox.set_quota"
    label = "Change mailbox quota"
    target_type = "mailbox"

    mailbox_id: int
    quota_mb: int


@dataclass(frozen=True)
class MailboxForwardAdd(Payload):
    """Add forward targets to the mailbox (the vendor adds them to those it has)."""

    kind = "mailbox.forward_add"
    label = "Add mailbox forwards"
    target_type = "mailbox"

    mailbox_id: int
    targets: tuple[str, ...] = ()


@dataclass(frozen=True)
class MailboxForwardRemove(Payload):
    kind = "mailbox.forward_remove"
    label = "Remove a mailbox forward"
    target_type = "mailbox"

    mailbox_id: int
    target: str = ""


@dataclass(frozen=True)
class MailboxSetAutoresponder(Payload):
    kind = "mailbox.set_autoresponder"
    label = "Set auto-responder"
    target_type = "mailbox"

    mailbox_id: int
    subject: str = ""
    body: str = ""
    active: bool = False


@dataclass(frozen=True)
class MailboxSpamListAdd(Payload):
    """Add black (``B``) or white (``W``) list entries: ``[{"address": ..., "type": "B"}]``."""

    kind = "mailbox.spam_list_add"
    label = "Add mailbox black/white list entries"
    target_type = "mailbox"

    mailbox_id: int
    entries: tuple[dict, ...] = ()


@dataclass(frozen=True)
class MailboxSpamListRemove(Payload):
    kind = "mailbox.spam_list_remove"
    label = "Remove a mailbox black/white list entry"
    target_type = "mailbox"

    mailbox_id: int
    address: str = ""


@dataclass(frozen=True)
class MailboxSetSpamFilter(Payload):
    """Set the mailbox's spam filter settings (Hostway CleanMailPlus): ``{field: value}``."""

    kind = "mailbox.set_spam_filter"
    label = "Change mailbox spam filter"
    target_type = "mailbox"

    mailbox_id: int
    settings: dict | None = None


@dataclass(frozen=True)
class MailboxSetWebmail(Payload):
    """Give the mailbox a webmail account of ``webmail_type``, or change its type."""

    kind = "mailbox.set_webmail"
    label = "Change webmail type"
    target_type = "mailbox"

    mailbox_id: int
    webmail_type: str = "standard"


@dataclass(frozen=True)
class MailboxSetSecrets(Payload):
    """Set the answers to the mailbox's secret questions (they travel in the secret payload)."""

    kind = "mailbox.set_secrets"
    label = "Set secret question answers"
    target_type = "mailbox"
    secrets = ("answers",)

    mailbox_id: int
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class MailboxResetPassword(Payload):
    """Reset the password by the answers to the secret questions (the vendor's own reset flow)."""

    kind = "mailbox.reset_password"
    label = "Reset password by secret answers"
    target_type = "mailbox"
    secrets = ("answers", "password")

    mailbox_id: int


@dataclass(frozen=True)
class MailboxMigrationTicket(Payload):
    """Report a failed mail migration to the vendor (a ticket)."""

    kind = "mailbox.migration_ticket"
    label = "Report a failed migration"
    target_type = "mailbox"

    mailbox_id: int
    subject: str = ""
    body: str = ""


# ---- domain -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DomainSpamListAdd(Payload):
    kind = "domain.spam_list_add"
    label = "Add domain black/white list entries"
    target_type = "domain"

    domain_id: int
    entries: tuple[dict, ...] = ()


@dataclass(frozen=True)
class DomainSpamListRemove(Payload):
    kind = "domain.spam_list_remove"
    label = "Remove a domain black/white list entry"
    target_type = "domain"

    domain_id: int
    address: str = ""


@dataclass(frozen=True)
class DomainSetSpamFilter(Payload):
    kind = "domain.set_spam_filter"
    label = "Change domain spam filter"
    target_type = "domain"

    domain_id: int
    settings: dict | None = None


@dataclass(frozen=True)
class DomainSetStorageQuota(Payload):
    """The domain's shared storage quota (Hostway InfoStore), in GB as the vendor counts it."""

    kind = "domain.set_storage_quota"
    label = "Change shared storage quota"
    target_type = "domain"

    domain_id: int
    quota: int = 0


@dataclass(frozen=True)
class DomainSetWebmailUpgrade(Payload):
    """Whether the domain's mailbox owners may upgrade their webmail type themselves."""

    kind = "domain.set_webmail_upgrade"
    label = "Change webmail upgrade option"
    target_type = "domain"

    domain_id: int
    allow_upgrade: bool = True


ALL = (MailboxSetQuota, MailboxForwardAdd, MailboxForwardRemove, MailboxSetAutoresponder, MailboxSpamListAdd,
       MailboxSpamListRemove, MailboxSetSpamFilter, MailboxSetWebmail, MailboxSetSecrets, MailboxResetPassword,
       MailboxMigrationTicket, DomainSpamListAdd, DomainSpamListRemove, DomainSetSpamFilter, DomainSetStorageQuota,
       DomainSetWebmailUpgrade)
