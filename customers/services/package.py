"""Packages: order one (a vendor product with editions from the live catalogue), change its
editions, provision it, delete it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from core import permissions
from core.audit import audit_record
from customers import access
from customers.choices import RequestedState
from customers.models import Customer, Package
from customers.services.common import request_action, require_account_usable, require_customer_active
from customers.services.vendor_customer import vendor_customer_ensure
from provisioning import selectors as provisioning_selectors
from provisioning import services as provisioning
from provisioning.choices import Capability
from provisioning.kinds.package import PackageChangeEditions, PackageCreate, PackageDelete
from provisioning.models import VendorAccount


def catalog_product(catalog: dict, code: str) -> dict | None:
    return next((p for p in (catalog or {}).get("products", []) if p["code"] == code), None)


def check_editions(product: dict, editions: list[str], *, field: str = "editions") -> list[str]:
    """The editions as the product allows them (plan products exactly one; CloudMail may have none)."""
    known = {e["code"] for e in product["editions"]}
    unknown = [e for e in editions if e not in known]
    if unknown:
        raise ValidationError({field: f"{product['name']} has no edition {', '.join(unknown)}."})
    if len(set(editions)) != len(editions):
        raise ValidationError({field: "Each edition once, please."})
    if len(editions) < product.get("min_editions", 0):
        raise ValidationError({field: f"{product['name']} needs at least {product['min_editions']} edition."})
    maximum = product.get("max_editions")
    if maximum is not None and len(editions) > maximum:
        raise ValidationError({field: f"{product['name']} is plan based: choose exactly one edition."})
    return list(editions)


@transaction.atomic
def package_order(*, customer: Customer, vendor_account: VendorAccount, product_code: str, editions: list[str],
                  catalog: dict, acting_user) -> Package:
    """Order a package for the customer; its account at the vendor is opened first if it has none."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=customer)
    require_account_usable(vendor_account)
    require_customer_active(customer)
    if not vendor_account.profile.can(Capability.PACKAGES):
        raise ValidationError({"vendor_account": f"{vendor_account.kind_label} sells no packages."})
    product = catalog_product(catalog, product_code)
    if product is None:
        raise ValidationError({"product_code": "Choose a product from the vendor's list."})
    editions = check_editions(product, editions)
    account, waits = vendor_customer_ensure(customer=customer, vendor_account=vendor_account, acting_user=acting_user)
    package = Package.objects.create(customer=customer, vendor_account=vendor_account, vendor_customer=account,
                                     product_code=product_code, product_name=product["name"], editions=editions,
                                     has_mailboxes=bool(product.get("mailboxes")))
    provisioning.operation_enqueue(
        payload=PackageCreate(package_id=package.pk, vendor_customer_id=account.pk, product_code=product_code,
                              editions=tuple(editions)),
        vendor_account=vendor_account, customer=customer, after=waits, acting_user=acting_user,
        summary=f"Order {product['name']} for {customer.name}",
    )
    audit_record(acting_user=acting_user, action="package.create", target=package, customer=customer,
                 summary=f"Ordered {product['name']} ({', '.join(editions) or 'default editions'}) "
                         f"on {vendor_account.name}")
    return package


@transaction.atomic
def package_change_editions(*, package: Package, editions: list[str], catalog: dict, acting_user) -> Package:
    """Change an active package's editions (its domains then go stale: the engine follows up)."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=package.customer)
    package = Package.objects.select_for_update().get(pk=package.pk)
    product = catalog_product(catalog, package.product_code)
    if product is None:
        raise ValidationError({"editions": "The vendor no longer lists this product."})
    editions = check_editions(product, editions)
    in_use = set(package.mailboxes.values_list("edition", flat=True)) - set(editions) - {""}
    if in_use:
        raise ValidationError({"editions": f"Mailboxes still have {', '.join(sorted(in_use))}: change their edition "
                                           "first."})
    if sorted(editions) == sorted(package.editions):
        raise ValidationError({"editions": "These are the package's editions already."})
    before = list(package.editions)
    package.editions = editions
    package.save(update_fields=["editions", "updated_at"])
    provisioning.operation_enqueue(
        payload=PackageChangeEditions(package_id=package.pk, product_code=package.product_code,
                                      editions=tuple(editions)),
        vendor_account=package.vendor_account, customer=package.customer, acting_user=acting_user,
        after=provisioning_selectors.open_operations(target_type="package", target_id=package.pk),
        summary=f"Change editions of {package.product_name} for {package.customer.name}",
    )
    audit_record(acting_user=acting_user, action="package.change_editions", target=package, customer=package.customer,
                 summary=f"Changed editions of {package.product_name}", changes={"editions": [before, editions]})
    return package


@transaction.atomic
def package_delete(*, package: Package, confirm: str, acting_user) -> Package:
    """Delete a package once no domain is linked to it (the vendor refuses otherwise)."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=package.customer)
    package = Package.objects.select_for_update().get(pk=package.pk)
    if confirm.strip() != package.product_code:
        raise ValidationError({"confirm": f"Type {package.product_code} to confirm."})
    linked = list(package.domain_links.values_list("domain__name", flat=True))
    if linked:
        raise ValidationError(f"Unlink {', '.join(linked)} from the package first.")
    package.requested_state = RequestedState.DELETED
    package.save(update_fields=["requested_state", "updated_at"])
    provisioning.operation_enqueue(
        payload=PackageDelete(package_id=package.pk), vendor_account=package.vendor_account,
        customer=package.customer, acting_user=acting_user,
        after=provisioning_selectors.open_operations(target_type="package", target_id=package.pk),
        summary=f"Delete {package.product_name} of {package.customer.name}",
    )
    audit_record(acting_user=acting_user, action="package.delete", target=package, customer=package.customer,
                 summary=f"Asked to delete {package.product_name}")
    return package


@transaction.atomic
def package_action(*, package: Package, name: str, acting_user):
    """One of the package's vendor actions (SYNAQ: provision it with all its linked domains)."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=package.customer)
    return request_action(obj=Package.objects.select_for_update().get(pk=package.pk), target="package", name=name,
                          acting_user=acting_user)
