"""Kinds on a mailbox."""

from __future__ import annotations

from dataclasses import dataclass, field

from provisioning.kinds.base import Payload


@dataclass(frozen=True)
class MailboxCreate(Payload):
    kind = "mailbox.create"
    label = "Create mailbox"
    target_type = "mailbox"
    secrets = ("password",)

    mailbox_id: int
    domain_id: int
    local_part: str
    first_name: str = ""
    last_name: str = ""
    edition: str = ""
    quota_mb: int | None = None
    provision_now: bool = True


@dataclass(frozen=True)
class MailboxUpdate(Payload):
    """Change a mailbox's details (names, forwarding address)."""

    kind = "mailbox.update"
    label = "Update mailbox"
    target_type = "mailbox"

    mailbox_id: int
    changes: dict = field(default_factory=dict)


@dataclass(frozen=True)
class MailboxSetPassword(Payload):
    kind = "mailbox.set_password"
    label = "Change mailbox password"
    target_type = "mailbox"
    secrets = ("password",)

    mailbox_id: int


@dataclass(frozen=True)
class MailboxChangeEdition(Payload):
    kind = "mailbox.change_edition"
    label = "Change mailbox edition"
    target_type = "mailbox"

    mailbox_id: int
    package_id: int | None
    edition: str


@dataclass(frozen=True)
class MailboxAction(Payload):
    """Base of the mailbox's asynchronous actions: the payload is just the mailbox."""

    mailbox_id: int


@dataclass(frozen=True)
class MailboxProvision(MailboxAction):
    kind = "mailbox.provision"
    label = "Provision mailbox"
    target_type = "mailbox"


@dataclass(frozen=True)
class MailboxSuspend(MailboxAction):
    kind = "mailbox.suspend"
    label = "Suspend mailbox"
    target_type = "mailbox"


@dataclass(frozen=True)
class MailboxClose(MailboxAction):
    kind = "mailbox.close"
    label = "Close mailbox"
    target_type = "mailbox"


@dataclass(frozen=True)
class MailboxActivate(MailboxAction):
    kind = "mailbox.activate"
    label = "Reactivate mailbox"
    target_type = "mailbox"


@dataclass(frozen=True)
class MailboxUnlock(MailboxAction):
    kind = "mailbox.unlock"
    label = "Unlock mailbox"
    target_type = "mailbox"


@dataclass(frozen=True)
class MailboxDelete(MailboxAction):
    kind = "mailbox.delete"
    label = "Delete mailbox"
    target_type = "mailbox"


ALL = (MailboxCreate, MailboxUpdate, MailboxSetPassword, MailboxChangeEdition, MailboxProvision, MailboxSuspend,
       MailboxClose, MailboxActivate, MailboxUnlock, MailboxDelete)
