"""The customers app's staff pages (namespace ``customers``)."""

from django.urls import path

from customers.views import customers, domains, mailboxes, packages

app_name = "customers"

urlpatterns = [
    path("customers/", customers.customer_list, name="customer_list"),
    path("customers/new/", customers.customer_create, name="customer_create"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/edit/", customers.customer_edit, name="customer_edit"),
    path("customers/<int:customer_pk>/domains/new/", domains.domain_create, name="domain_create"),
    path("customers/<int:pk>/packages/new/<int:account_pk>/", customers.package_order, name="package_order"),
    path("customers/<int:pk>/vendor-accounts/<int:vc_pk>/delete/", customers.vendor_customer_delete,
         name="vendor_customer_delete"),
    path("vendor-accounts/<int:account_pk>/catalog/refresh/", customers.catalog_refresh, name="catalog_refresh"),
    path("packages/<int:pk>/", packages.package_detail, name="package_detail"),
    path("packages/<int:pk>/editions/", packages.package_editions, name="package_editions"),
    path("packages/<int:pk>/actions/<slug:name>/", packages.package_action, name="package_action"),
    path("packages/<int:pk>/delete/", packages.package_delete, name="package_delete"),
    path("domains/", domains.domain_list, name="domain_list"),
    path("domains/<int:pk>/", domains.domain_detail, name="domain_detail"),
    path("domains/<int:pk>/status/", domains.domain_status, name="domain_status"),
    path("domains/<int:pk>/link/", domains.domain_link, name="domain_link"),
    path("domains/<int:pk>/unlink/<int:package_pk>/", domains.domain_unlink, name="domain_unlink"),
    path("domains/<int:pk>/service-fields/", domains.domain_service_fields, name="domain_service_fields"),
    path("domains/<int:pk>/actions/<slug:name>/", domains.domain_action, name="domain_action"),
    path("domains/<int:pk>/delete/", domains.domain_delete, name="domain_delete"),
    path("domains/<int:pk>/fix/", domains.domain_fix, name="domain_fix"),
    path("domains/<int:domain_pk>/mailboxes/new/", domains.mailbox_create, name="mailbox_create"),
    path("mailboxes/", mailboxes.mailbox_list, name="mailbox_list"),
    path("mailboxes/<int:pk>/", mailboxes.mailbox_detail, name="mailbox_detail"),
    path("mailboxes/<int:pk>/status/", mailboxes.mailbox_status, name="mailbox_status"),
    path("mailboxes/<int:pk>/edit/", mailboxes.mailbox_edit, name="mailbox_edit"),
    path("mailboxes/<int:pk>/password/", mailboxes.mailbox_password, name="mailbox_password"),
    path("mailboxes/<int:pk>/edition/", mailboxes.mailbox_edition, name="mailbox_edition"),
    path("mailboxes/<int:pk>/actions/<slug:name>/", mailboxes.mailbox_action, name="mailbox_action"),
    path("mailboxes/<int:pk>/delete/", mailboxes.mailbox_delete, name="mailbox_delete"),
    path("mailboxes/<int:pk>/webmail/", mailboxes.mailbox_webmail, name="mailbox_webmail"),
]
