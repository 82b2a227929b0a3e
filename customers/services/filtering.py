"""Domains a filtering vendor keeps inside the customer's account (Greenview's SpamStopsHere client):
add one, remove one (the client's whole domain list is sent each time), change its mail servers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from core import permissions
from core.audit import audit_record
from customers import access
from customers.choices import RequestedState
from customers.models import Domain, VendorCustomer
from customers.services.common import require_customer_active
from customers.services.vendor_customer import _filtered_domain, _queue_update, parse_domains
from customers.validators import clean_mail_servers
from provisioning import services as provisioning
from provisioning.kinds.filtering import DomainSetMailServers
from provisioning.models import Operation


@transaction.atomic
def filtered_domain_add(*, vendor_customer: VendorCustomer, name: str, mail_servers: list[str],
                        acting_user) -> Domain:
    """Add a domain to the client: the client is sent with every domain it should hold, then the new one is
    followed until the vendor says it is ready."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=vendor_customer.customer)
    account = VendorCustomer.objects.select_for_update().select_related("customer", "vendor_account").get(
        pk=vendor_customer.pk)
    if account.is_deleted:
        raise ValidationError({"name": "The account is being deleted."})
    require_customer_active(account.customer, field="name")
    try:
        ((name, servers),) = parse_domains([(name, mail_servers)])
    except ValidationError as error:
        field = "mail_servers" if "mail server" in " ".join(error.messages) else "name"
        raise ValidationError({field: error.messages}) from error
    label = account.vendor_account.profile.account_label
    update = _queue_update(account, {"domains": f"+{name}"}, acting_user=acting_user,
                           summary=f"Add {name} to {account.customer.name}'s {label}")
    return _filtered_domain(account, name, servers, after=[update], acting_user=acting_user)


def filtered_domain_remove(*, domain: Domain, acting_user) -> Operation:
    """Remove the domain from its client (call inside the caller's transaction, the domain row locked)."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=domain.customer)
    account = VendorCustomer.objects.select_for_update().select_related("customer", "vendor_account").get(
        pk=domain.vendor_customer_id)
    others = Domain.objects.filter(vendor_customer=account).exclude(pk=domain.pk).exclude(
        requested_state=RequestedState.DELETED)
    if not others.exists():
        label = account.vendor_account.profile.account_label
        raise ValidationError(f"{domain.name} is the only domain of the {label}, which needs at least one: "
                              "cancel the client instead.")
    domain.requested_state = RequestedState.DELETED
    domain.save(update_fields=["requested_state", "updated_at"])
    operation = _queue_update(account, {"domains": f"-{domain.name}"}, acting_user=acting_user,
                              summary=f"Remove {domain.name} from {account.customer.name}'s "
                                      f"{account.vendor_account.profile.account_label}")
    audit_record(acting_user=acting_user, action="domain.delete", target=domain, customer=domain.customer,
                 summary=f"Asked to remove {domain.name} from its client (its other domains stay)")
    return operation


@transaction.atomic
def domain_set_mail_servers(*, domain: Domain, mail_servers: list[str], acting_user) -> Operation:
    """Where the filter delivers the domain's clean mail; the vendor's subscription may limit how many."""
    access.require(acting_user, permissions.SERVICES_CHANGE, customer=domain.customer)
    domain = Domain.objects.select_for_update().get(pk=domain.pk)
    if domain.vendor_customer_id is None:
        raise ValidationError({"mail_servers": "This domain has no filtering client."})
    try:
        servers = clean_mail_servers(mail_servers)
    except ValidationError as error:
        raise ValidationError({"mail_servers": error.messages}) from error
    if not servers:
        raise ValidationError({"mail_servers": "Give at least one mail server."})
    if servers == list(domain.mail_servers):
        raise ValidationError({"mail_servers": "These are the domain's mail servers already."})
    operation = provisioning.operation_enqueue(
        payload=DomainSetMailServers(domain_id=domain.pk, mail_servers=tuple(servers)),
        vendor_account=domain.vendor_account, customer=domain.customer, acting_user=acting_user,
        summary=f"Set the mail servers of {domain.name} to {', '.join(servers)}")
    audit_record(acting_user=acting_user, action="domain.set_mail_servers", target=domain, customer=domain.customer,
                 summary=f"Asked to change the mail servers of {domain.name}",
                 changes={"mail_servers": [list(domain.mail_servers), servers]})
    return operation
