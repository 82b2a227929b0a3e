"""Settings around mailboxes and domains, where the vendor offers them (its profile's capabilities):
forwards, auto-responders, black/white lists, spam filters, quotas, webmail types, secret questions and the
password reset by them, migration tickets. Each is one transaction: the local row if it keeps what was asked,
the audit row, the outbox row; the vendor's answer comes back through the engine."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from core import permissions
from core.audit import audit_record
from customers import access
from customers.models import Domain, Mailbox
from provisioning import services as provisioning
from provisioning.choices import Capability
from provisioning.kinds import mail as kmail
from provisioning.kinds.base import Payload
from provisioning.models import Operation

EMAIL_RE = re.compile(r"^[^@\s]+@[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+$")
LIST_ADDRESS_RE = re.compile(r"^(?:[^@\s]+)?@[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+$")
MAX_LIST_ENTRIES = 500


def _vendor(obj):
    account = obj.domain.vendor_account if isinstance(obj, Mailbox) else obj.vendor_account
    return account, account.profile


def _require(obj, capability: Capability, field: str | None = None) -> None:
    _, vendor = _vendor(obj)
    if not vendor.can(capability):
        message = f"{vendor.label} offers no {Capability(capability).label.lower()}."
        raise ValidationError({field: message} if field else message)


def _queue(obj, payload: Payload, *, summary: str, acting_user, secrets: dict | None = None,
           audit_changes: dict | None = None) -> Operation:
    account, _ = _vendor(obj)
    customer = obj.domain.customer if isinstance(obj, Mailbox) else obj.customer
    # Staff by their role, a customer's own users by theirs (the portal shows these panels too).
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=customer)
    operation = provisioning.operation_enqueue(payload=payload, vendor_account=account, customer=customer,
                                               secrets=secrets, acting_user=acting_user, summary=summary)
    audit_record(acting_user=acting_user, action=payload.kind, target=obj, customer=customer, summary=summary,
                 changes=audit_changes)
    return operation


def _label(obj) -> str:
    return obj.address if isinstance(obj, Mailbox) else obj.name


# ---- forwards --------------------------------------------------------------------------------------
@transaction.atomic
def forward_add(*, mailbox: Mailbox, targets: list[str], acting_user) -> Operation:
    """Forward the mailbox's mail to more addresses (a mailbox of its own domain must exist there)."""
    _require(mailbox, Capability.FORWARDS, "target")
    clean = list(dict.fromkeys(t.strip().lower() for t in targets if t.strip()))
    if not clean:
        raise ValidationError({"target": "Enter an address to forward to."})
    bad = [t for t in clean if not EMAIL_RE.match(t)]
    if bad:
        raise ValidationError({"target": f"Not an e-mail address: {', '.join(bad[:3])}."})
    if mailbox.address in clean:
        raise ValidationError({"target": "A mailbox cannot forward to itself."})
    return _queue(mailbox, kmail.MailboxForwardAdd(mailbox_id=mailbox.pk, targets=tuple(clean)),
                  summary=f"Forward {mailbox.address} to {', '.join(clean)}", acting_user=acting_user)


@transaction.atomic
def forward_remove(*, mailbox: Mailbox, target: str, acting_user) -> Operation:
    _require(mailbox, Capability.FORWARDS, "target")
    target = target.strip().lower()
    if not target:
        raise ValidationError({"target": "Name the forward to remove."})
    return _queue(mailbox, kmail.MailboxForwardRemove(mailbox_id=mailbox.pk, target=target),
                  summary=f"Stop forwarding {mailbox.address} to {target}", acting_user=acting_user)


# ---- auto-responder ----------------------------------------------------------------------------------
@transaction.atomic
def autoresponder_set(*, mailbox: Mailbox, subject: str, body: str, active: bool, acting_user) -> Operation:
    """Set the mailbox's auto-reply (on or off)."""
    _require(mailbox, Capability.AUTORESPONDERS, "body")
    if not body.strip():
        raise ValidationError({"body": "The auto-reply needs a text."})
    if len(subject) > 255:
        raise ValidationError({"subject": "At most 255 characters."})
    return _queue(mailbox, kmail.MailboxSetAutoresponder(mailbox_id=mailbox.pk, subject=subject.strip(),
                                                         body=body, active=bool(active)),
                  summary=f"{'Turn on' if active else 'Save (off)'} the auto-reply of {mailbox.address}",
                  acting_user=acting_user)


# ---- black/white lists --------------------------------------------------------------------------------
def _clean_entries(entries: list[tuple[str, str]]) -> tuple[dict, ...]:
    clean: dict[str, str] = {}
    for address, kind in entries:
        address = address.strip().lower()
        if not address:
            continue
        if kind not in ("B", "W"):
            raise ValidationError({"list_type": "Choose black list or white list."})
        if not LIST_ADDRESS_RE.match(address):
            raise ValidationError({"address": f"{address} is neither an e-mail address nor @domain."})
        clean[address] = kind
    if not clean:
        raise ValidationError({"address": "Enter at least one address (name@domain or @domain)."})
    if len(clean) > MAX_LIST_ENTRIES:
        raise ValidationError({"address": f"At most {MAX_LIST_ENTRIES} at a time."})
    return tuple({"address": a, "type": k} for a, k in clean.items())


@transaction.atomic
def spam_list_add(*, obj: Mailbox | Domain, entries: list[tuple[str, str]], acting_user) -> Operation:
    """Add black (B) or white (W) list entries to a mailbox's or a domain's list."""
    _require(obj, Capability.SPAM_LISTS, "address")
    clean = _clean_entries(entries)
    if isinstance(obj, Mailbox):
        payload: Payload = kmail.MailboxSpamListAdd(mailbox_id=obj.pk, entries=clean)
    else:
        payload = kmail.DomainSpamListAdd(domain_id=obj.pk, entries=clean)
    words = ", ".join(f"{e['address']} ({'black' if e['type'] == 'B' else 'white'})" for e in clean[:3])
    return _queue(obj, payload, summary=f"List on {_label(obj)}: {words}" + ("…" if len(clean) > 3 else ""),
                  acting_user=acting_user)


@transaction.atomic
def spam_list_remove(*, obj: Mailbox | Domain, address: str, acting_user) -> Operation:
    _require(obj, Capability.SPAM_LISTS, "address")
    address = address.strip().lower()
    if not address:
        raise ValidationError({"address": "Name the entry to remove."})
    payload: Payload = (kmail.MailboxSpamListRemove(mailbox_id=obj.pk, address=address) if isinstance(obj, Mailbox)
                        else kmail.DomainSpamListRemove(domain_id=obj.pk, address=address))
    return _queue(obj, payload, summary=f"Take {address} off the list of {_label(obj)}", acting_user=acting_user)


@transaction.atomic
def spam_filter_set(*, obj: Mailbox | Domain, settings: dict[str, str], acting_user) -> Operation:
    """Change spam filter settings (the vendor's own field names and values)."""
    _require(obj, Capability.SPAM_LISTS)
    settings = {str(k): str(v) for k, v in settings.items() if str(v) != ""}
    if not settings:
        raise ValidationError("Nothing to change.")
    payload: Payload = (kmail.MailboxSetSpamFilter(mailbox_id=obj.pk, settings=settings) if isinstance(obj, Mailbox)
                        else kmail.DomainSetSpamFilter(domain_id=obj.pk, settings=settings))
    return _queue(obj, payload, summary=f"Change the spam filter of {_label(obj)}", acting_user=acting_user,
                  audit_changes={"settings": settings})


# ---- quotas and types --------------------------------------------------------------------------------
@transaction.atomic
def mailbox_set_quota(*, mailbox: Mailbox, quota_mb: int, acting_user) -> Operation:
    _require(mailbox, Capability.MAILBOX_QUOTAS, "quota_mb")
    if quota_mb is None or int(quota_mb) <= 0:
        raise ValidationError({"quota_mb": "The quota must be greater than 0 MB."})
    mailbox = Mailbox.objects.select_for_update(of=("self",)).select_related("domain").get(pk=mailbox.pk)
    before = mailbox.quota_mb
    Mailbox.objects.filter(pk=mailbox.pk).update(quota_mb=int(quota_mb))
    return _queue(mailbox, kmail.MailboxSetQuota(mailbox_id=mailbox.pk, quota_mb=int(quota_mb)),
                  summary=f"Set the quota of {mailbox.address} to {quota_mb} MB", acting_user=acting_user,
                  audit_changes={"quota_mb": [before, int(quota_mb)]})


@transaction.atomic
def mailbox_set_webmail(*, mailbox: Mailbox, webmail_type: str, acting_user) -> Operation:
    """Give the mailbox a webmail account of this type, or change its type (the domain's limits apply)."""
    _require(mailbox, Capability.WEBMAIL_TYPES, "webmail_type")
    _, vendor = _vendor(mailbox)
    offered = {code for code, _ in vendor.mailbox_types if ":" not in code}
    if offered and webmail_type not in offered:
        raise ValidationError({"webmail_type": f"{vendor.label} offers {', '.join(sorted(offered))}."})
    if (mailbox.vendor_attrs or {}).get("kind") == "exchange":
        raise ValidationError({"webmail_type": "Exchange mailboxes have no OX webmail account."})
    before = mailbox.edition
    Mailbox.objects.filter(pk=mailbox.pk).update(edition=webmail_type)
    return _queue(mailbox, kmail.MailboxSetWebmail(mailbox_id=mailbox.pk, webmail_type=webmail_type),
                  summary=f"Webmail type of {mailbox.address}: {webmail_type}", acting_user=acting_user,
                  audit_changes={"edition": [before, webmail_type]})


@transaction.atomic
def domain_set_storage_quota(*, domain: Domain, quota: int, acting_user) -> Operation:
    _require(domain, Capability.USAGE, "quota")
    if quota is None or int(quota) < 0:
        raise ValidationError({"quota": "The quota cannot be negative."})
    return _queue(domain, kmail.DomainSetStorageQuota(domain_id=domain.pk, quota=int(quota)),
                  summary=f"Set the shared storage quota of {domain.name} to {quota}", acting_user=acting_user)


@transaction.atomic
def domain_set_webmail_upgrade(*, domain: Domain, allow_upgrade: bool, acting_user) -> Operation:
    _require(domain, Capability.WEBMAIL_TYPES)
    return _queue(domain, kmail.DomainSetWebmailUpgrade(domain_id=domain.pk, allow_upgrade=bool(allow_upgrade)),
                  summary=f"{'Allow' if allow_upgrade else 'Block'} webmail upgrades on {domain.name}",
                  acting_user=acting_user)


# ---- secret questions ---------------------------------------------------------------------------------
@sensitive_variables("answers")
@transaction.atomic
def mailbox_set_secrets(*, mailbox: Mailbox, answers: dict[str, str], minimum: int = 0, acting_user) -> Operation:
    """Set the answers to the mailbox's secret questions (they travel encrypted, are never kept)."""
    _require(mailbox, Capability.SECRET_QUESTIONS, "answers")
    clean = {k: v.strip() for k, v in answers.items() if v and v.strip()}
    short = [k for k, v in clean.items() if len(v) < 2]
    if short:
        raise ValidationError({"answers": "Each answer needs at least two characters."})
    if len(clean) < max(minimum, 1):
        raise ValidationError({"answers": f"Answer at least {max(minimum, 1)} questions."})
    return _queue(mailbox, kmail.MailboxSetSecrets(mailbox_id=mailbox.pk, questions=tuple(sorted(clean))),
                  secrets={"answers": clean}, summary=f"Set the secret answers of {mailbox.address}",
                  acting_user=acting_user)


@sensitive_variables("answers", "password")
@transaction.atomic
def mailbox_reset_password(*, mailbox: Mailbox, answers: dict[str, str], password: str, acting_user) -> Operation:
    """Reset the password through the vendor's own flow: the answers on file prove who asks."""
    _require(mailbox, Capability.SECRET_QUESTIONS, "answers")
    clean = {k: v.strip() for k, v in answers.items() if v and v.strip()}
    if not clean:
        raise ValidationError({"answers": "Answer the secret questions."})
    if any(len(v) < 2 for v in clean.values()):
        raise ValidationError({"answers": "Each answer needs at least two characters."})
    check_password(mailbox.domain, mailbox.local_part, password, exchange=(mailbox.vendor_attrs or {}).get(
        "kind") == "exchange")
    return _queue(mailbox, kmail.MailboxResetPassword(mailbox_id=mailbox.pk),
                  secrets={"answers": clean, "password": password},
                  summary=f"Reset the password of {mailbox.address} by its secret answers", acting_user=acting_user)


@transaction.atomic
def mailbox_migration_ticket(*, mailbox: Mailbox, subject: str, body: str, acting_user) -> Operation:
    _require(mailbox, Capability.MIGRATION_TICKETS, "subject")
    if not subject.strip():
        raise ValidationError({"subject": "Give the ticket a subject."})
    if not body.strip():
        raise ValidationError({"body": "Say what failed."})
    return _queue(mailbox, kmail.MailboxMigrationTicket(mailbox_id=mailbox.pk, subject=subject.strip()[:255],
                                                        body=body[:65535]),
                  summary=f"Report a failed migration of {mailbox.address}", acting_user=acting_user)


# ---- the vendor's password rules -------------------------------------------------------------------------
@sensitive_variables("password")
def check_password(domain: Domain, local_part: str, password: str, *, exchange: bool = False) -> None:
    """The vendor's documented password rules, before anything is sent (ValidationError on ``password``)."""
    vendor = domain.vendor_account.profile
    if not password:
        raise ValidationError({"password": "Enter a password."})
    if vendor.password_problem is not None:
        problem = vendor.password_problem(password, username=local_part, domain=domain.name, exchange=exchange)
        if problem:
            raise ValidationError({"password": f"{vendor.label}: {problem}."})
