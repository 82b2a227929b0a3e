"""The operation page in words: what is being changed, what was sent, what the vendor answered, and the
next step with its time. Built from the typed payload and the target registry, so a new kind reads well
without touching the page."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

from django.utils import timezone

from provisioning import targets
from provisioning.choices import OperationState
from provisioning.kinds import PAYLOADS
from provisioning.models import Operation

# Payload fields named for another object, and the target type they name.
_REFERENCES = {"domain_id": "domain", "mailbox_id": "mailbox", "package_id": "package",
               "vendor_customer_id": "vendor_customer", "contact_id": "contact", "customer_id": "customer"}
_WORDS = {"provision_now": "Provision at once", "local_part": "Mailbox name", "quota_mb": "Quota (MB)",
          "names": "Service fields", "mail_servers": "Mail servers", "new_answer": "New security answer",
          "plan": "Package", "seats": "Users"}


@dataclass(frozen=True)
class Line:
    """One thing the operation asks for: a label, its value in words, and a link when it names an object."""

    label: str
    value: str
    url: str = ""


def _plain(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(v) for v in value) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{str(k).replace('_', ' ')}: {_plain(v)}" for k, v in value.items()) or "none"
    return str(value)


def payload_lines(operation: Operation) -> list[Line]:
    """What the operation asks the vendor for, field by field, objects named and linked (its own target is
    already named at the top of the page, so it is left out). Secrets are named, never shown."""
    cls = PAYLOADS.get(operation.kind)
    data = operation.payload or {}
    names = [f.name for f in dataclasses.fields(cls)] if cls else list(data)
    own = f"{cls.target_type}_id" if cls else ""
    lines: list[Line] = []
    for name in names:
        value = data.get(name)
        if name == own or value in (None, "", [], {}, ()):
            continue
        if name in _REFERENCES and isinstance(value, int):
            type_name = _REFERENCES[name]
            found = targets.labels_for([(type_name, value)]).get((type_name, value))
            label, url = found or f"#{value} (gone)", ""
            if found:
                try:
                    url = targets.get(type_name).url(value)
                except LookupError:
                    url = ""
            lines.append(Line(type_name.replace("_", " ").capitalize(), label, url))
            continue
        lines.append(Line(_WORDS.get(name, name.replace("_", " ").capitalize()), _plain(value)))
    for secret in (cls.secrets if cls else ()):
        lines.append(Line(secret.replace("_", " ").capitalize(), "sent encrypted; never shown or kept after"))
    return lines


def next_step(operation: Operation, now=None) -> str:
    """What happens next, and when, in a sentence."""
    now = now or timezone.now()
    state = operation.state
    at = timezone.localtime(operation.next_attempt_at)
    when = f"at {at:%H:%M:%S}" + (f" (in {int((operation.next_attempt_at - now).total_seconds())} s)"
                                   if operation.next_attempt_at > now else " (now due)")
    if state == OperationState.SUCCEEDED:
        return "Nothing: the vendor confirmed the change."
    if state == OperationState.CANCELLED:
        return "Nothing: the change was withdrawn before it reached the vendor."
    if state == OperationState.FAILED:
        if operation.blocked_by_id:
            return "Retry the change it waited for; this one is retried with it."
        return "Correct the cause the vendor gave, then send it again (the vendor never retries by itself)."
    if state == OperationState.POLLING:
        return f"Look at the vendor's {operation.action_name or 'action'} again {when}."
    if state == OperationState.RUNNING:
        return "A worker is carrying it out now."
    if operation.pending_reason:
        return f"{operation.pending_reason} Next look {when}."
    return f"Send it to the vendor {when}."


def pretty(value) -> str:
    """A body the vendor was sent or answered, as indented JSON (or the text it was)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False, default=str)
