"""Domains: add (created at the vendor, linked to a package, provisioned at once), link and unlink
packages, service fields, the vendor's actions, delete."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from core import permissions
from core.audit import audit_record
from customers import access
from customers.choices import LinkState, RequestedState
from customers.models import Customer, Domain, DomainPackageLink, Package, VendorCustomer
from customers.services.adopt import domain_adopt
from customers.services.common import request_action, require_account_usable, require_customer_active, save_new
from customers.services.filtering import filtered_domain_add, filtered_domain_remove
from customers.services.vendor_customer import vendor_customer_ensure
from customers.validators import normalise_domain_name
from provisioning import selectors as provisioning_selectors
from provisioning import services as provisioning
from provisioning.choices import Capability
from provisioning.kinds.domain import DomainCreate, DomainDelete, DomainLink, DomainSetServiceFields, DomainUnlink
from provisioning.models import Operation, VendorAccount

SECRET_FIELDS = frozenset({"password"})


def _waits(target_type: str, pk: int) -> list[Operation]:
    return provisioning_selectors.open_operations(target_type=target_type, target_id=pk)


def _package_for(domain_customer: Customer, vendor_account: VendorAccount, package: Package | None) -> Package | None:
    if package is None:
        return None
    if package.customer_id != domain_customer.pk or package.vendor_account_id != vendor_account.pk:
        raise ValidationError({"package": "Choose one of this customer's packages on the same vendor account."})
    if package.requested_state == RequestedState.DELETED:
        raise ValidationError({"package": "This package is being deleted."})
    return package


def domain_create(*, customer: Customer, vendor_account: VendorAccount, name: str, package: Package | None = None,
                  provision_now: bool = False, catalog: dict | None = None, owner: str = "", acting_user) -> Domain:
    """Add a domain for a customer on a vendor account, and queue its creation on the vendor. Where the vendor
    creates no domains (``domain_origin == "adopted"``), the domain is looked up there and adopted instead."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=customer)
    if vendor_account.profile.domain_origin == "adopted":
        require_account_usable(vendor_account)
        require_customer_active(customer, field="name")
        name = normalise_domain_name(name)
        if Domain.objects.filter(name=name).exists():
            raise ValidationError({"name": "A domain with this name already exists."})
        return domain_adopt(customer=customer, vendor_account=vendor_account, name=name, owner=owner,
                            acting_user=acting_user)
    return _domain_create(customer=customer, vendor_account=vendor_account, name=name, package=package,
                          provision_now=provision_now, catalog=catalog, acting_user=acting_user)


@transaction.atomic
def _domain_create(*, customer: Customer, vendor_account: VendorAccount, name: str, package: Package | None,
                   provision_now: bool, catalog: dict | None, acting_user) -> Domain:
    require_account_usable(vendor_account)
    require_customer_active(customer, field="name")
    vendor = vendor_account.profile
    if not vendor.can(Capability.DOMAINS):
        raise ValidationError({"vendor_account": f"{vendor.label} does not host domains."})
    if vendor.domain_origin == "client":
        # The vendor keeps domains inside the customer's account there: the domain joins that account.
        account = VendorCustomer.objects.filter(customer=customer, vendor_account=vendor_account).exclude(
            requested_state=RequestedState.DELETED).first()
        if account is None:
            raise ValidationError({"vendor_account": f"{vendor.label} keeps domains inside a "
                                   f"{vendor.account_label}: open one for {customer.name} first, with this domain."})
        return filtered_domain_add(vendor_customer=account, name=name, mail_servers=[], acting_user=acting_user)
    package = _package_for(customer, vendor_account, package)
    if provision_now and package is None and vendor.can(Capability.PACKAGES):
        raise ValidationError({"provision_now": "A domain is provisioned with its packages: choose one."})
    if provision_now and package is not None:
        product = next((p for p in (catalog or {}).get("products", []) if p["code"] == package.product_code), None)
        if product is not None and not product.get("provision_immediately"):
            raise ValidationError({"provision_now": (
                f"{package.product_name} needs its service fields before it can be provisioned: add the domain, "
                "fill in its service fields, then Provision it.")})
    domain = Domain(customer=customer, vendor_account=vendor_account, name=normalise_domain_name(name))
    save_new(domain, unique_error={"name": "A domain with this name already exists."})
    waits: list[Operation] = []
    vendor_customer_id = None
    if vendor.can(Capability.CUSTOMER_ACCOUNTS):
        account, waits = vendor_customer_ensure(customer=customer, vendor_account=vendor_account,
                                                acting_user=acting_user)
        vendor_customer_id = account.pk
    if package is not None:
        DomainPackageLink.objects.create(domain=domain, package=package, state=LinkState.LINKING)
        waits += _waits("package", package.pk)
    how = f" under {package.product_name}" if package else ""
    provisioning.operation_enqueue(
        payload=DomainCreate(domain_id=domain.pk, name=domain.name, vendor_customer_id=vendor_customer_id,
                             package_id=package.pk if package else None, provision_now=provision_now),
        vendor_account=vendor_account, customer=customer, after=waits, acting_user=acting_user,
        summary=f"Create {domain.name}{how}" + (" and provision it" if provision_now else ""),
    )
    audit_record(acting_user=acting_user, action="domain.create", target=domain, customer=customer,
                 summary=f"Added domain {domain.name} on {vendor_account.name}{how}")
    return domain


@transaction.atomic
def domain_link(*, domain: Domain, package: Package, acting_user) -> DomainPackageLink:
    """Link the domain to another of the customer's packages."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=domain.customer)
    package = _package_for(domain.customer, domain.vendor_account, package)
    if DomainPackageLink.objects.filter(domain=domain, package=package).exists():
        raise ValidationError({"package": f"{domain.name} is already linked to {package.product_name}."})
    if domain.package_links.filter(package__product_code=package.product_code).exists():
        raise ValidationError({"package": f"{domain.name} already has a {package.product_name} package."})
    link = DomainPackageLink.objects.create(domain=domain, package=package, state=LinkState.LINKING)
    provisioning.operation_enqueue(
        payload=DomainLink(domain_id=domain.pk, package_id=package.pk), vendor_account=domain.vendor_account,
        customer=domain.customer, after=_waits("package", package.pk), acting_user=acting_user,
        summary=f"Link {domain.name} to {package.product_name}",
    )
    audit_record(acting_user=acting_user, action="domain.link", target=domain, customer=domain.customer,
                 summary=f"Asked to link {domain.name} to {package.product_name}")
    return link


@transaction.atomic
def domain_unlink(*, domain: Domain, package: Package, acting_user) -> DomainPackageLink:
    """Unlink a package from the domain (a partial cancellation; the engine follows what comes of it)."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=domain.customer)
    link = DomainPackageLink.objects.select_for_update().filter(domain=domain, package=package).first()
    if link is None:
        raise ValidationError({"package": f"{domain.name} is not linked to {package.product_name}."})
    if link.state == LinkState.UNLINKING:
        raise ValidationError({"package": "The unlink is already queued."})
    in_use = domain.mailboxes.filter(package=package).exclude(vendor_state__in=["inactive", "failed", "unknown"])
    if in_use.exists():
        raise ValidationError({"package": f"{domain.name} still has mailboxes on {package.product_name}: delete "
                                          "them first (SYNAQ would take their mail with the package)."})
    link.state = LinkState.UNLINKING
    link.save(update_fields=["state", "updated_at"])
    provisioning.operation_enqueue(
        payload=DomainUnlink(domain_id=domain.pk, package_id=package.pk), vendor_account=domain.vendor_account,
        customer=domain.customer, acting_user=acting_user,
        summary=f"Unlink {package.product_name} from {domain.name}",
    )
    audit_record(acting_user=acting_user, action="domain.unlink", target=domain, customer=domain.customer,
                 summary=f"Asked to unlink {package.product_name} from {domain.name}")
    return link


@sensitive_variables("fields", "values")
@transaction.atomic
def domain_set_service_fields(*, domain: Domain, fields: dict[str, str | None], acting_user) -> Domain:
    """Set the domain's service fields (the names its vendor asks for); secrets travel encrypted."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=domain.customer)
    domain = Domain.objects.select_for_update().get(pk=domain.pk)
    unknown = set(fields) - set(domain.service_field_names)
    if unknown:
        raise ValidationError(f"{domain.name} has no service fields {', '.join(sorted(unknown))}.")
    values = {name: (value.strip() if isinstance(value, str) else value) for name, value in fields.items()}
    # A secret left empty keeps the one the vendor holds: it is not sent again.
    values = {k: v for k, v in values.items() if not (k in SECRET_FIELDS and not v)}
    if not values:
        raise ValidationError("Nothing to change.")
    domain.service_field_values = {**domain.service_field_values,
                                   **{k: (None if k in SECRET_FIELDS else v) for k, v in values.items()}}
    domain.save(update_fields=["service_field_values", "updated_at"])
    provisioning.operation_enqueue(
        payload=DomainSetServiceFields(domain_id=domain.pk, names=tuple(sorted(values))),
        secrets={"fields": values}, vendor_account=domain.vendor_account, customer=domain.customer,
        acting_user=acting_user, summary=f"Update service fields of {domain.name}",
    )
    audit_record(acting_user=acting_user, action="domain.set_service_fields", target=domain, customer=domain.customer,
                 summary=f"Updated service fields of {domain.name}", changes={"fields": sorted(values)})
    return domain


@transaction.atomic
def domain_action(*, domain: Domain, name: str, acting_user) -> Operation:
    """Provision, refresh, close, reactivate, prune or fetch usage, as the domain's vendor offers."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=domain.customer)
    return request_action(obj=Domain.objects.select_for_update().get(pk=domain.pk), target="domain", name=name,
                          acting_user=acting_user)


@transaction.atomic
def domain_delete(*, domain: Domain, confirm: str, acting_user) -> Operation:
    """Delete the domain at the vendor (mailboxes first); the local row goes once the vendor confirms."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=domain.customer)
    domain = Domain.objects.select_for_update().get(pk=domain.pk)
    if confirm.strip().lower() != domain.name:
        raise ValidationError({"confirm": f"Type {domain.name} to confirm."})
    if domain.requested_state == RequestedState.DELETED and provisioning_selectors.has_open_operations(
            target_type="domain", target_id=domain.pk):
        raise ValidationError(f"{domain.name} is already being deleted.")
    remaining = domain.mailboxes.count()
    if remaining:
        raise ValidationError(f"{domain.name} still has {remaining} mailbox(es): delete them first. The vendor "
                              "refuses to delete a domain with provisioned mailboxes.")
    if domain.vendor_customer_id and domain.vendor_account.profile.domain_origin == "client":
        return filtered_domain_remove(domain=domain, acting_user=acting_user)
    domain.requested_state = RequestedState.DELETED
    domain.save(update_fields=["requested_state", "updated_at"])
    operation = provisioning.operation_enqueue(
        payload=DomainDelete(domain_id=domain.pk), vendor_account=domain.vendor_account, customer=domain.customer,
        acting_user=acting_user, summary=f"Delete {domain.name}",
    )
    audit_record(acting_user=acting_user, action="domain.delete", target=domain, customer=domain.customer,
                 summary=f"Asked to delete {domain.name}")
    return operation
