"""SYNAQ packages (a product with editions under the customer's OU) and the customer's OU itself."""

from __future__ import annotations

from typing import Any

from provisioning.adapters.base import NotFoundError, Outcome
from provisioning.kinds import account as ka
from provisioning.kinds import package as k
from provisioning.targets import Facts
from provisioning.vendors.synaq.client import API
from provisioning.vendors.synaq.handlers.base import SynaqHandler, domain_outcome


class CompanyCreateHandler(SynaqHandler):
    """A company OU under the reseller (``root_id``), named after the customer, ``client_ref`` = reference."""

    payload = ka.VendorCustomerCreate

    def start(self, ctx, p: ka.VendorCustomerCreate) -> Outcome:
        root = ctx.account.root_id
        if ctx.retrying or ctx.progress.get("_maybe_applied"):
            for ou in ctx.client.pages(f"{API}/ous.json", "ous", parent_guid=root, title=p.title, exact_match=1):
                if (ou.get("client_ref") or "") == p.reference:
                    return Outcome.finished("Found at SYNAQ already (an earlier attempt created it); adopted.",
                                            Facts(ou["guid"], "active"))
        body: dict[str, Any] = {"title": p.title, "physical_address": dict(p.address)}
        if p.reference:
            body["client_ref"] = p.reference
        if p.phone:
            body["phone_number"] = p.phone
        if p.vat_number:
            body["vat_numer"] = p.vat_number  # sic: the vendor's spelling
        response = ctx.client.request("POST", f"{API}/ous/{root}/companies.json", json_body={"ou": body})
        guid = ctx.client.created(response, "ous")
        return Outcome.finished("Company created at SYNAQ.", Facts(guid, "active"), result={"guid": guid})


class CompanyDeleteHandler(SynaqHandler):
    payload = ka.VendorCustomerDelete

    def start(self, ctx, p: ka.VendorCustomerDelete) -> Outcome:
        try:
            ctx.client.request("DELETE", f"{API}/ous/{ctx.vendor_id_of('vendor_customer', p.vendor_customer_id)}.json")
        except NotFoundError:
            pass
        return Outcome.finished("Organisation deleted at SYNAQ.", Facts(vendor_state="deleted"))


def _package_body(product_code: str, editions) -> dict[str, Any]:
    return {"package": {"code": product_code, "editions": [{"code": e} for e in editions]}}


class PackageCreateHandler(SynaqHandler):
    payload = k.PackageCreate

    def start(self, ctx, p: k.PackageCreate) -> Outcome:
        ou = ctx.vendor_id_of("vendor_customer", p.vendor_customer_id)
        if ctx.retrying or ctx.progress.get("_maybe_applied"):
            for package in ctx.client.pages(f"{API}/ous/{ou}/packages.json", "packages"):
                codes = {e.get("code") for e in package.get("editions") or []}
                if (package.get("code") == p.product_code and (not p.editions or codes == set(p.editions))
                        and ctx.find("package", package["guid"]) is None):
                    return Outcome.finished("Found at SYNAQ already (an earlier attempt created it); adopted.",
                                            Facts(package["guid"], package.get("state") or "inactive",
                                                  {"editions": sorted(codes)}))
        response = ctx.client.request("POST", f"{API}/ous/{ou}/packages.json",
                                      json_body=_package_body(p.product_code, p.editions))
        guid = ctx.client.created(response, "packages")
        ctx.record(guid=guid)
        editions = list(p.editions) or [e["code"] for e in ctx.client.get(f"{API}/packages/{guid}.json")
                                         .get("editions", [])]
        return Outcome.finished("Package created at SYNAQ.", Facts(guid, "inactive", {"editions": editions}))


def _package_and_domains(ctx, guid: str, message: str) -> Outcome:
    """Done, with the package and each linked domain read back (stale domains open their alerts)."""
    package = ctx.client.get(f"{API}/packages/{guid}.json") or {}
    outcome = Outcome.finished(message, Facts(vendor_state=package.get("state"), attrs={
        "editions": [e.get("code") for e in package.get("editions") or []]}))
    stale = 0
    for domain_guid in package.get("domains") or []:
        pk = ctx.find("domain", domain_guid)
        if pk is None:
            continue
        data = ctx.client.domain(domain_guid)
        part = domain_outcome(ctx, data, message="", name=data.get("domain_name") or domain_guid, pk=pk)
        outcome.observations += part.observations
        outcome.alerts += part.alerts
        outcome.resolves += part.resolves
        stale += data.get("state") == "stale"
    if stale:
        outcome.message += f" {stale} domain(s) went stale: update their service fields, then refresh them."
    return outcome


class PackageChangeEditionsHandler(SynaqHandler):
    payload = k.PackageChangeEditions

    def start(self, ctx, p: k.PackageChangeEditions) -> Outcome:
        guid = ctx.vendor_id_of("package", p.package_id)
        ctx.client.request("PATCH", f"{API}/packages/{guid}.json", json_body=_package_body(p.product_code, p.editions))
        return _package_and_domains(ctx, guid, "Editions changed at SYNAQ.")


class PackageProvisionHandler(SynaqHandler):
    payload = k.PackageProvision

    def start(self, ctx, p: k.PackageProvision) -> Outcome:
        guid = ctx.vendor_id_of("package", p.package_id)
        return Outcome.polling(ctx.client.action("packages", guid, "Provision"), "Provision",
                               facts=Facts(vendor_state="pending"))

    def finished(self, ctx, p: k.PackageProvision, action: dict[str, Any]) -> Outcome:
        excluded = action.get("exclusions") or []
        message = "Package provisioned with its linked domains."
        if excluded:
            message += f" Left out by SYNAQ: {', '.join(map(str, excluded))}."
        return _package_and_domains(ctx, ctx.vendor_id_of("package", p.package_id), message)

    def action_error(self, ctx, p, errors):
        error = super().action_error(ctx, p, errors)
        error.facts = Facts(vendor_state="failed")
        return error


class PackageDeleteHandler(SynaqHandler):
    payload = k.PackageDelete

    def start(self, ctx, p: k.PackageDelete) -> Outcome:
        try:
            ctx.client.request("DELETE", f"{API}/packages/{ctx.vendor_id_of('package', p.package_id)}.json")
        except NotFoundError:
            pass
        return Outcome.finished("Package deleted at SYNAQ.", Facts(attrs={"removed": True}))


HANDLERS = (CompanyCreateHandler, CompanyDeleteHandler, PackageCreateHandler, PackageChangeEditionsHandler,
            PackageProvisionHandler, PackageDeleteHandler)
