"""Rackspace company contacts (v2, JSON): add (looked up first on a retry), update, delete."""

from __future__ import annotations

from typing import Any

from provisioning.adapters.base import Handler, NotFoundError, Outcome
from provisioning.kinds import contact as k
from provisioning.targets import Facts, TargetRef
from provisioning.vendors.rackspace.handlers.customers import V2

FLAGS = {"receives_alerts": "ReceivesAlerts", "receives_billing": "ReceivesBilling",
         "receives_updates": "ReceivesUpdates"}


def contact_body(ref: TargetRef) -> dict[str, Any]:
    a = ref.attrs
    body: dict[str, Any] = {"Name": a["name"], "Email": a["email"], "Phone": a["phone"],
                            "SecurityQuestion": a["security_question"]}
    body.update({vendor: bool(a[name]) for name, vendor in FLAGS.items()})
    return body


def contacts_path(ctx, vendor_customer_id: int) -> str:
    return f"{V2}/{ctx.vendor_id_of('vendor_customer', vendor_customer_id)}/contacts"


class ContactAddHandler(Handler):
    payload = k.ContactCreate

    def run(self, ctx, p: k.ContactCreate) -> Outcome:
        ref = ctx.target()
        path = contacts_path(ctx, p.vendor_customer_id)
        body = contact_body(ref)
        if ctx.retrying or ctx.progress.get("_maybe_applied"):
            for held in ctx.client.pages(path):
                if (held.get("Email"), held.get("Name")) == (body["Email"], body["Name"]) and \
                        ctx.find("contact", str(held.get("Id"))) is None:
                    return Outcome.finished("Found at Rackspace already (an earlier attempt added it); adopted.",
                                            Facts(str(held["Id"]), "active"))
        data = ctx.client.json_of(ctx.client.request(
            "POST", path, json_body={**body, "SecurityAnswer": ctx.secrets.get("security_answer", "")})) or {}
        ctx.record(contact_id=data.get("Id"))
        return Outcome.finished("Contact added at Rackspace.", Facts(str(data.get("Id")), "active"))


class ContactUpdateHandler(Handler):
    payload = k.ContactUpdate

    def run(self, ctx, p: k.ContactUpdate) -> Outcome:
        ref = ctx.target()
        body = contact_body(ref)
        if p.new_answer and ctx.secrets.get("security_answer"):
            body["SecurityAnswer"] = ctx.secrets["security_answer"]
        contact_id = ctx.vendor_id_of("contact", p.contact_id)
        ctx.client.request("PUT", f"{contacts_path(ctx, p.vendor_customer_id)}/{contact_id}", json_body=body)
        return Outcome.finished("Contact updated at Rackspace.", Facts(vendor_state="active"))


class ContactDeleteHandler(Handler):
    payload = k.ContactDelete

    def run(self, ctx, p: k.ContactDelete) -> Outcome:
        contact_id = ctx.target().vendor_id
        if contact_id:
            try:
                ctx.client.request("DELETE", f"{contacts_path(ctx, p.vendor_customer_id)}/{contact_id}")
            except NotFoundError:
                pass  # an earlier attempt removed it before its answer was lost
        return Outcome.finished("Contact removed at Rackspace.", Facts(attrs={"removed": True}))


HANDLERS = (ContactAddHandler, ContactUpdateHandler, ContactDeleteHandler)
