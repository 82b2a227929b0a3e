"""Bulk actions on a list's selection (mailboxes, domains): suspend, reactivate, delete, change edition.

First a plan: for each selected object, whether the action applies and, if not, why (its vendor offers no such
action, its state does not allow it, it is already being deleted...). Then, once confirmed (a deletion with the
count typed), each object goes through its own service as if done one by one, each in its own transaction,
so one refusal never undoes the others; a result per object.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from core.permissions import SERVICES_CHANGE, require
from customers.choices import RequestedState
from customers.models import Customer, Domain, Mailbox
from customers.services.customer_lifecycle import FROM, customer_reactivate, customer_suspend
from customers.services.domain import domain_action, domain_delete
from customers.services.mailbox import mailbox_action, mailbox_change_edition, mailbox_delete, mailbox_package
from provisioning import selectors as provisioning_selectors
from provisioning.choices import Capability

MAX_SELECTION = 500
# What each list offers: the action's key, its label, and the vendor action name it maps to (or a service).
ACTIONS = {
    "mailbox": {"suspend": "Suspend", "activate": "Reactivate", "delete": "Delete", "change_edition": "Change edition"},
    "domain": {"close": "Suspend (close)", "activate": "Reactivate", "delete": "Delete"},
    # A customer's suspension queues each vendor's own change (customer_lifecycle); it needs a reason.
    "customer": {"suspend": "Suspend", "reactivate": "Reactivate"},
}


@dataclass
class Step:
    """One selected object: whether the action applies to it, and why not."""

    obj: object
    ok: bool
    why: str = ""
    result: str = ""
    done: bool = False

    @property
    def label(self) -> str:
        return str(self.obj)


def _vendor_step(obj, target: str, name: str) -> Step:
    account = obj.vendor_account if target == "domain" else obj.domain.vendor_account
    spec = account.profile.action(target, name)
    if obj.requested_state == RequestedState.DELETED:
        return Step(obj, False, "It is being deleted.")
    if spec is None:
        return Step(obj, False, f"{account.kind_label} offers no “{ACTIONS[target][name]}” here.")
    if not spec.offered_in(obj.vendor_state) and not provisioning_selectors.has_open_operations(
            target_type=target, target_id=obj.pk):
        return Step(obj, False, f"Not possible while {account.kind_label} reports it "
                                f"{obj.vendor_state_choice.label.lower()}.")
    return Step(obj, True)


def _delete_step(obj, target: str) -> Step:
    if obj.requested_state == RequestedState.DELETED and provisioning_selectors.has_open_operations(
            target_type=target, target_id=obj.pk):
        return Step(obj, False, "It is already being deleted.")
    if target == "domain":
        remaining = obj.mailboxes.count()
        if remaining:
            return Step(obj, False, f"It still has {remaining} mailbox(es): delete them first.")
    return Step(obj, True)


def _edition_step(mailbox: Mailbox, edition: str) -> Step:
    vendor = mailbox.domain.vendor_account.profile
    if not vendor.can(Capability.PACKAGES):
        return Step(mailbox, False, f"{vendor.label} has no editions to change.")
    if mailbox.edition == edition:
        return Step(mailbox, False, "It has this edition already.")
    if mailbox_package(mailbox.domain, edition) is None:
        return Step(mailbox, False, f"No package of {mailbox.domain.name} offers {edition}.")
    return Step(mailbox, True)


def selection(*, target: str, ids: list) -> list:
    """The selected objects (at most MAX_SELECTION), in the order of the list."""
    pks = [int(i) for i in ids if str(i).isdigit()][:MAX_SELECTION]
    if target == "mailbox":
        qs = Mailbox.objects.select_related("domain__vendor_account", "domain__customer").defer(
            "domain__vendor_account__credentials").order_by("local_part", "id")
    elif target == "domain":
        qs = Domain.objects.select_related("vendor_account", "customer").defer("vendor_account__credentials")
    elif target == "customer":
        qs = Customer.objects.order_by("name", "id")
    else:
        raise ValueError(f"no bulk actions on {target}")
    return list(qs.filter(pk__in=pks))


def bulk_plan(*, target: str, objects: list, action: str, edition: str = "") -> list[Step]:
    """For each selected object: does ``action`` apply, and if not, why."""
    if action not in ACTIONS.get(target, {}):
        raise ValidationError({"action": "Choose one of the actions offered."})
    if action == "change_edition" and not edition:
        raise ValidationError({"edition": "Choose the edition."})
    plan = []
    for obj in objects:
        if target == "customer":
            plan.append(Step(obj, True) if obj.status in FROM[action] else Step(
                obj, False, f"It is {obj.get_status_display().lower()}."))
        elif action == "delete":
            plan.append(_delete_step(obj, target))
        elif action == "change_edition":
            plan.append(_edition_step(obj, edition))
        else:
            plan.append(_vendor_step(obj, target, action))
    return plan


def delete_phrase(count: int) -> str:
    return f"delete {count}"


def bulk_apply(*, target: str, objects: list, action: str, edition: str = "", confirm: str = "", reason: str = "",
               acting_user) -> list[Step]:
    """Carry the action out on each object it applies to, one transaction each; a result per object."""
    require(acting_user, SERVICES_CHANGE)
    plan = bulk_plan(target=target, objects=objects, action=action, edition=edition)
    going = [s for s in plan if s.ok]
    if action == "delete" and (confirm or "").strip().lower() != delete_phrase(len(going)):
        raise ValidationError({"confirm": f"Type “{delete_phrase(len(going))}” to confirm."})
    if target == "customer" and action == "suspend" and not (reason or "").strip():
        raise ValidationError({"reason": "Say why they are suspended."})
    for step in going:
        obj = step.obj
        try:
            with transaction.atomic():
                if target == "customer":
                    queued = (customer_suspend(customer=obj, reason=reason, acting_user=acting_user)
                              if action == "suspend" else customer_reactivate(customer=obj, acting_user=acting_user))
                    step.result = f"{len(queued)} change(s) queued at vendors."
                elif action == "delete":
                    name = obj.address if target == "mailbox" else obj.name
                    (mailbox_delete(mailbox=obj, confirm=name, acting_user=acting_user) if target == "mailbox"
                     else domain_delete(domain=obj, confirm=name, acting_user=acting_user))
                    step.result = "Deletion queued; it goes once the vendor confirms."
                elif action == "change_edition":
                    mailbox_change_edition(mailbox=obj, edition=edition, acting_user=acting_user)
                    step.result = f"Change to {edition} queued."
                elif target == "mailbox":
                    mailbox_action(mailbox=obj, name=action, acting_user=acting_user)
                    step.result = "Queued."
                else:
                    domain_action(domain=obj, name=action, acting_user=acting_user)
                    step.result = "Queued."
            step.done = True
        except ValidationError as error:
            step.ok, step.why = False, " ".join(error.messages)
    return plan
