"""BaseKit's estate for sync and adopt: the account holders staff name, with their account domains and
each domain's mailboxes. BaseKit lists a holder's domains (``GET /users/{ref}/account-domains``) but no
list of holders, so staff name holders by ref (``500001``), or one domain of a holder (``500001:name``)."""

from __future__ import annotations

from collections.abc import Iterator

from provisioning.adapters.base import NotFoundError
from provisioning.adapters.importing import Importer, VendorDomain, VendorMailbox, VendorOwner
from provisioning.vendors.basekit.client import PAGE_LIMIT


def domain_state(active) -> str:
    """The account domain's ``active`` flag as the panel's state: 1 is active, 0 not yet (pending)."""
    return "active" if str(active) == "1" or active is True else "pending"


def mailbox_of(item: dict) -> VendorMailbox:
    user = str(item.get("user") or "").split("@")[0].lower()
    status = str(item.get("status") or "")
    return VendorMailbox(local_part=user, vendor_id=user, vendor_state="active" if status == "active" else "pending")


class BasekitImporter(Importer):
    scope_label = "Account holder refs"
    scope_help = ("BaseKit account holders by ref, one per line (all their domains), or ref:domain for one "
                  "domain, e.g. 500001 or 500001:johnsmith.co.uk. BaseKit has no list of holders.")
    owner_label = "account holder ref"
    adopt_needs_owner = True
    page_size = PAGE_LIMIT

    def parse_scope(self, text: str) -> list[str]:
        entries = []
        for entry in super().parse_scope(text):
            ref, _, name = entry.replace(" ", ":", 1).partition(":")
            if not ref.strip().isdigit():
                raise ValueError(f"Not an account holder ref: {entry}.")
            entries.append(f"{int(ref)}:{name.strip().lower()}" if name.strip() else str(int(ref)))
        return list(dict.fromkeys(entries))

    def adopt_entry(self, name: str, owner: str = "") -> str:
        return f"{owner.strip()}:{name}"

    def domains(self, ctx, entry: str) -> list[VendorDomain]:
        ref, _, name = entry.partition(":")
        client = ctx.client
        try:
            holder = client.get(f"/users/{int(ref)}").get("accountHolder") or {}
        except NotFoundError:
            raise NotFoundError(f"BaseKit has no account holder {ref}.", status=404, field="owner") from None
        owner = VendorOwner(vendor_id=str(int(ref)), label=str(holder.get("username") or ref),
                            attrs={"email": holder.get("email") or "", "username": holder.get("username") or ""})
        found = []
        for _, items in client.pages(f"/users/{int(ref)}/account-domains", "accountDomains"):
            for item in items:
                domain_name = str(item.get("name") or item.get("domainName") or "").lower()
                if name and domain_name != name:
                    continue
                found.append(VendorDomain(
                    name=domain_name, vendor_id=str(item.get("ref")), vendor_state=domain_state(item.get("active")),
                    owner=owner, attrs={"expiry": (item.get("expiryDate") or {}).get("date", ""),
                                        "auto_renew": bool(item.get("autoRenew"))}))
        if name and not found:
            raise NotFoundError(f"BaseKit's account holder {ref} has no account domain {name}.", status=404,
                                field="name")
        return found

    def domain_of(self, ctx, name: str, vendor_id: str) -> VendorDomain | None:
        """The drift check's read of one domain: ``GET /account-domains/:ref`` names its holder too."""
        try:
            item = ctx.client.get(f"/account-domains/{int(vendor_id)}").get("accountDomain") or {}
        except (NotFoundError, ValueError):
            return None
        holder = item.get("accountHolder") or {}
        if str(item.get("domainName") or "").lower() != name or not holder.get("ref"):
            return None
        owner = VendorOwner(vendor_id=str(holder["ref"]), label=str(holder.get("username") or holder["ref"]),
                            attrs={"email": holder.get("email") or "", "username": holder.get("username") or ""})
        return VendorDomain(name=name, vendor_id=str(item.get("ref")), vendor_state=domain_state(item.get("active")),
                            owner=owner, attrs={"expiry": (item.get("expiryDate") or {}).get("date", ""),
                                                "auto_renew": bool(item.get("autoRenew"))})

    def mailboxes(self, ctx, domain: VendorDomain, *, start: int = 0) -> Iterator[tuple[int, list[VendorMailbox]]]:
        path = ctx.client.mailbox_path(domain.owner.vendor_id, domain.vendor_id)
        for offset, items in ctx.client.pages(path, "mailboxes", start=start, limit=self.page_size):
            if items:
                yield offset, [mailbox_of(i) for i in items]
