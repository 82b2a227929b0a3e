"""CSV exports of the customers app's lists, for whatever filter the list shows (the same FilterSet)."""

from __future__ import annotations

from core.export import stream_csv
from core.views import staff_required
from customers import selectors
from customers.filters import CustomerFilter, DomainFilter, MailboxFilter


@staff_required
def customer_export(request):
    qs = CustomerFilter(request.GET, queryset=selectors.customer_list(user=request.user)).qs.order_by("name", "id")
    return stream_csv(name="customers", rows=qs,
                      header=["reference", "name", "status", "contact", "email", "phone", "country", "domains",
                              "created"],
                      row=lambda c: [c.reference, c.name, c.status, c.contact_name, c.email, c.phone, c.country,
                                     c.domain_count, c.created_at])


@staff_required
def domain_export(request):
    qs = DomainFilter(request.GET, queryset=selectors.domain_list(user=request.user)).qs.order_by("name")
    return stream_csv(name="domains", rows=qs,
                      header=["domain", "domain (unicode)", "customer", "customer reference", "hosted on",
                              "asked for", "vendor state", "vendor id", "mailboxes", "last synced"],
                      row=lambda d: [d.name, d.display_name, d.customer.name, d.customer.reference,
                                     d.vendor_account.name, d.requested_state, d.vendor_state, d.vendor_id,
                                     d.mailbox_count, d.last_synced_at])


@staff_required
def mailbox_export(request):
    qs = MailboxFilter(request.GET, queryset=selectors.mailbox_list(user=request.user)).qs.order_by("local_part", "id")
    return stream_csv(name="mailboxes", rows=qs,
                      header=["address", "first name", "last name", "customer", "customer reference", "hosted on",
                              "edition", "quota MB", "asked for", "vendor state", "locked", "vendor id"],
                      row=lambda m: [m.address, m.first_name, m.last_name, m.domain.customer.name,
                                     m.domain.customer.reference, m.domain.vendor_account.name, m.edition, m.quota_mb,
                                     m.requested_state, m.vendor_state, "yes" if m.locked else "", m.vendor_id])
