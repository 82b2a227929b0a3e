"""The customers' self-service portal (namespace ``portal``), under /portal/."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts.views import PortalSignInView
from portal.views import billing, domains, home, mailboxes, panels, people

app_name = "portal"

urlpatterns = [
    path("login/", PortalSignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="portal:login"), name="logout"),
    path("", home.home, name="home"),
    path("activity/", home.activity, name="activity"),
    path("domains/<int:pk>/", domains.domain_detail, name="domain_detail"),
    path("domains/<int:pk>/status/", domains.domain_status, name="domain_status"),
    path("domains/<int:pk>/mailboxes/new/", domains.mailbox_create, name="mailbox_create"),
    path("mailboxes/", mailboxes.mailbox_list, name="mailbox_list"),
    path("mailboxes/<int:pk>/", mailboxes.mailbox_detail, name="mailbox_detail"),
    path("mailboxes/<int:pk>/status/", mailboxes.mailbox_status, name="mailbox_status"),
    path("mailboxes/<int:pk>/edit/", mailboxes.mailbox_edit, name="mailbox_edit"),
    path("mailboxes/<int:pk>/password/", mailboxes.mailbox_password, name="mailbox_password"),
    path("mailboxes/<int:pk>/actions/<slug:name>/", mailboxes.mailbox_action, name="mailbox_action"),
    path("mailboxes/<int:pk>/webmail/", mailboxes.mailbox_webmail, name="mailbox_webmail"),
    path("mailboxes/<int:pk>/panels/<slug:name>/", panels.panel_view, {"target": "mailbox"}, name="mailbox_panel"),
    path("mailboxes/<int:pk>/panels/<slug:name>/change/", panels.panel_change, {"target": "mailbox"},
         name="mailbox_panel_change"),
    path("domains/<int:pk>/panels/<slug:name>/", panels.panel_view, {"target": "domain"}, name="domain_panel"),
    path("domains/<int:pk>/panels/<slug:name>/change/", panels.panel_change, {"target": "domain"},
         name="domain_panel_change"),
    path("mailboxes/<int:pk>/spam-control-panel/", panels.spam_control_panel, {"target": "mailbox"},
         name="mailbox_spam_control_panel"),
    path("domains/<int:pk>/spam-control-panel/", panels.spam_control_panel, {"target": "domain"},
         name="domain_spam_control_panel"),
    path("accounts/<int:pk>/", billing.account_detail, name="account_detail"),
    path("accounts/<int:pk>/login/", billing.account_login, name="account_login"),
    path("accounts/<int:pk>/contacts/new/", billing.contact_create, name="contact_create"),
    path("contacts/<int:pk>/delete/", billing.contact_delete, name="contact_delete"),
    path("billing/", billing.invoice_list, name="invoice_list"),
    path("invoices/<int:pk>/", billing.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/csv/", billing.invoice_csv, name="invoice_csv"),
    path("users/", people.member_list, name="member_list"),
    path("users/invite/", people.member_invite, name="member_invite"),
    path("users/<int:pk>/role/", people.member_role, name="member_role"),
    path("users/<int:pk>/remove/", people.member_remove, name="member_remove"),
    path("invitations/<int:pk>/revoke/", people.invitation_revoke, name="invitation_revoke"),
    path("join/<str:token>/", people.invitation_accept, name="invitation_accept"),
    path("impersonate/<int:customer_pk>/", people.impersonate_start, name="impersonate_start"),
    path("impersonate/stop/", people.impersonate_stop, name="impersonate_stop"),
]
