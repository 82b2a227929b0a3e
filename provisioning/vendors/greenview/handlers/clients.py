"""Greenview clients: create (with their domains), update (the whole client, every domain listed),
read back, cancel, and the month's subscriptions and costs."""

from __future__ import annotations

import datetime

from provisioning.adapters.base import NotFoundError, Observation, Outcome, ValidationFailed
from provisioning.kinds import account as ka
from provisioning.targets import Facts
from provisioning.vendors.greenview.handlers.base import (
    GreenviewHandler,
    client_body,
    client_by_domain,
    client_outcome,
    client_path,
)


class ClientCreateHandler(GreenviewHandler):
    """``POST /v1/clients``. An earlier attempt may have created it before its answer was lost, and a
    domain "already taken" may be ours: both are looked up by domain and adopted, then brought in line."""

    payload = ka.VendorCustomerCreate

    def start(self, ctx, p: ka.VendorCustomerCreate) -> Outcome:
        ref = ctx.target()
        if ctx.retrying or ctx.progress.get("_maybe_applied"):
            found = client_by_domain(ctx, ref)
            if found is not None:
                return self.adopt(ctx, ref, found)
        try:
            data = ctx.client.send("POST", "/v1/clients", {"client": client_body(ref, creating=True)})
        except ValidationFailed as error:
            if "has already been taken" not in error.message:
                raise
            found = client_by_domain(ctx, ref)
            if found is None:
                raise ValidationFailed(error.message.replace("Greenview:", "Greenview: another client holds the "
                                                             "domain.", 1), field="domains", errors=error.errors)
            return self.adopt(ctx, ref, found)
        ctx.record(client_id=data["id"])
        return client_outcome(ref, data, message="Client created at Greenview; its domains are being set up.")

    def adopt(self, ctx, ref, found) -> Outcome:
        other = ctx.find("vendor_customer", str(found["id"]))
        if other is not None and other != ref.pk:
            raise ValidationFailed(f"Greenview: the domain belongs to another customer's client ({found['id']}).",
                                   field="domains")
        ctx.record(client_id=found["id"], adopted=True)
        # Send the whole client, so it holds exactly the domains and details asked for.
        data = ctx.client.send("PUT", f"/v1/clients/{found['id']}", client_body(ref, creating=False))
        return client_outcome(ref, data, message="Found at Greenview already (an earlier attempt created it); "
                                                 "adopted and brought up to date.")


class ClientUpdateHandler(GreenviewHandler):
    """``PUT`` of the whole client: the list of domains replaces the client's (NOTES), so it is built
    from local state when the step runs: adding or removing one domain never drops another."""

    payload = ka.VendorCustomerUpdate

    def start(self, ctx, p: ka.VendorCustomerUpdate) -> Outcome:
        ref = ctx.target()
        data = ctx.client.send("PUT", client_path(ref), client_body(ref, creating=False))
        return client_outcome(ref, data, message="Client updated at Greenview.")


class ClientSyncHandler(GreenviewHandler):
    payload = ka.VendorCustomerSync

    def start(self, ctx, p: ka.VendorCustomerSync) -> Outcome:
        ref = ctx.target()
        data = ctx.client.get(client_path(ref))
        outcome = client_outcome(ref, data, message="Read back from Greenview.")
        outcome.facts = Facts(str(data["id"]), "active", {"seats": data.get("user_count"),
                                                          "email": data.get("email_address") or ""})
        return outcome


class ClientDeleteHandler(GreenviewHandler):
    """Cancel the client (by id, or by domain); its domains lose filtering with it."""

    payload = ka.VendorCustomerDelete

    def start(self, ctx, p: ka.VendorCustomerDelete) -> Outcome:
        ref = ctx.target()
        try:
            ctx.client.request("DELETE", client_path(ref))
        except NotFoundError:
            pass  # already cancelled (an earlier attempt's answer was lost)
        outcome = Outcome.finished("Client cancelled at Greenview.", Facts(vendor_state="deleted"))
        outcome.observations += [Observation("domain", d["pk"], Facts(attrs={"removed": True}))
                                 for d in ref.attrs.get("domains", [])]
        return outcome


class FetchCostsHandler(GreenviewHandler):
    """``GET /v1/clients/subscriptions``: what each client costs this month, kept per month."""

    payload = ka.VendorAccountFetchCosts

    def start(self, ctx, p: ka.VendorAccountFetchCosts) -> Outcome:
        month = datetime.datetime.now(tz=datetime.UTC).date().replace(day=1).isoformat()
        outcome = Outcome.finished("")
        for client in ctx.client.get("/v1/clients/subscriptions") or []:
            pk = ctx.find("vendor_customer", str(client.get("id")))
            if pk is None:
                continue
            subscriptions = [{k: s.get(k) for k in ("product", "quantity", "monthly_cost", "options",
                                                    "billing_interval", "next_bill_date")}
                             for s in client.get("subscriptions") or []]
            outcome.observations.append(Observation("vendor_customer", pk, Facts(attrs={"monthly_cost": {
                "month": month, "monthly_cost": client.get("monthly_cost") or 0, "subscriptions": subscriptions}})))
        outcome.message = f"Monthly costs of {len(outcome.observations)} client(s) fetched from Greenview."
        return outcome


HANDLERS = (ClientCreateHandler, ClientUpdateHandler, ClientSyncHandler, ClientDeleteHandler, FetchCostsHandler)
