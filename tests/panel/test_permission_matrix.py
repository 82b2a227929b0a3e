"""The staff console's view-permission matrix: every URL of the console, by GET and by POST, as
anonymous, each staff role, a staff user with no role, a customer's owner, admin and viewer, and a user
of another customer. A refused request changes nothing."""

from __future__ import annotations

import pytest

from core import permissions as p
from tests.factories import StaffFactory
from tests.matrix import VISITORS, build_estate, fingerprint, reverse_with, url_names, visitors

pytestmark = pytest.mark.django_db

# name: (the URL's arguments from the estate, the permission it needs; None: any staff role).
# GET pages that only show are open to every role; a page that changes something needs its permission
# for GET too (its form is of no use to a role that cannot send it).
STAFF_URLS = {
    "dashboard": (lambda e: [], None),
    "customers:customer_list": (lambda e: [], None),
    "customers:customer_create": (lambda e: [], p.CUSTOMERS_CHANGE),
    "customers:customer_detail": (lambda e: [e["customer"].pk], None),
    "customers:customer_edit": (lambda e: [e["customer"].pk], p.CUSTOMERS_CHANGE),
    "customers:domain_create": (lambda e: [e["customer"].pk], p.SERVICES_CHANGE),
    "customers:package_order": (lambda e: [e["customer"].pk, e["package"].vendor_account_id], p.SERVICES_CHANGE),
    "customers:catalog_refresh": (lambda e: [e["package"].vendor_account_id], p.SERVICES_CHANGE),
    "customers:package_detail": (lambda e: [e["package"].pk], None),
    "customers:package_editions": (lambda e: [e["package"].pk], p.SERVICES_CHANGE),
    "customers:package_action": (lambda e: [e["package"].pk, "provision"], p.SERVICES_CHANGE),
    "customers:package_delete": (lambda e: [e["package"].pk], p.SERVICES_CHANGE),
    "customers:domain_list": (lambda e: [], None),
    "customers:domain_detail": (lambda e: [e["domain"].pk], None),
    "customers:domain_status": (lambda e: [e["domain"].pk], None),
    "customers:domain_link": (lambda e: [e["domain"].pk], p.SERVICES_CHANGE),
    "customers:domain_unlink": (lambda e: [e["domain"].pk, e["package"].pk], p.SERVICES_CHANGE),
    "customers:domain_service_fields": (lambda e: [e["domain"].pk], p.SERVICES_CHANGE),
    "customers:domain_action": (lambda e: [e["domain"].pk, "refresh"], p.SERVICES_CHANGE),
    "customers:domain_delete": (lambda e: [e["domain"].pk], p.SERVICES_CHANGE),
    "customers:domain_fix": (lambda e: [e["domain"].pk], p.SERVICES_CHANGE),
    "customers:mailbox_create": (lambda e: [e["domain"].pk], p.SERVICES_CHANGE),
    "customers:mailbox_list": (lambda e: [], None),
    "customers:mailbox_detail": (lambda e: [e["mailbox"].pk], None),
    "customers:mailbox_status": (lambda e: [e["mailbox"].pk], None),
    "customers:mailbox_edit": (lambda e: [e["mailbox"].pk], p.SERVICES_CHANGE),
    "customers:mailbox_password": (lambda e: [e["mailbox"].pk], p.SERVICES_CHANGE),
    "customers:mailbox_edition": (lambda e: [e["mailbox"].pk], p.SERVICES_CHANGE),
    "customers:mailbox_action": (lambda e: [e["mailbox"].pk, "suspend"], p.SERVICES_CHANGE),
    "customers:mailbox_delete": (lambda e: [e["mailbox"].pk], p.SERVICES_CHANGE),
    "customers:mailbox_webmail": (lambda e: [e["mailbox"].pk], p.SERVICES_CHANGE),
    "customers:vendor_customer_open": (lambda e: [e["customer"].pk, e["vendor_customer"].vendor_account_id],
                                       p.SERVICES_CHANGE),
    "customers:vendor_customer_detail": (lambda e: [e["vendor_customer"].pk], None),
    "customers:vendor_customer_status": (lambda e: [e["vendor_customer"].pk], None),
    "customers:vendor_customer_edit": (lambda e: [e["vendor_customer"].pk], p.SERVICES_CHANGE),
    "customers:vendor_customer_action": (lambda e: [e["vendor_customer"].pk, "sync"], p.SERVICES_CHANGE),
    "customers:vendor_customer_delete": (lambda e: [e["vendor_customer"].pk], p.SERVICES_CHANGE),
    "customers:vendor_customer_login": (lambda e: [e["vendor_customer"].pk], p.SERVICES_CHANGE),
    "customers:filtered_domain_create": (lambda e: [e["vendor_customer"].pk], p.SERVICES_CHANGE),
    "customers:contact_create": (lambda e: [e["vendor_customer"].pk], p.CONTACTS_CHANGE),
    "customers:contact_edit": (lambda e: [e["contact"].pk], p.CONTACTS_CHANGE),
    "customers:contact_delete": (lambda e: [e["contact"].pk], p.CONTACTS_CHANGE),
    "customers:domain_mail_servers": (lambda e: [e["domain"].pk], p.SERVICES_CHANGE),
    "customers:vendor_account_customers": (lambda e: [e["vendor_customer"].vendor_account_id], None),
    "customers:costs_fetch": (lambda e: [e["cost_account"].pk], p.BILLING_VIEW),
    "customers:billing": (lambda e: [], p.BILLING_VIEW),
    "customers:invoices_fetch": (lambda e: [e["vendor_customer"].pk], p.BILLING_VIEW),
    "customers:invoice_detail": (lambda e: [e["invoice"].pk], p.BILLING_VIEW),
    "customers:invoice_csv": (lambda e: [e["invoice"].pk], p.BILLING_VIEW),
    "provisioning:operation_list": (lambda e: [], None),
    "provisioning:operation_detail": (lambda e: [e["operation"].pk], None),
    "provisioning:operation_retry": (lambda e: [e["operation"].pk], p.SERVICES_CHANGE),
    "provisioning:operation_cancel": (lambda e: [e["operation"].pk], p.SERVICES_CHANGE),
    "provisioning:alert_list": (lambda e: [], None),
    "provisioning:alert_badge": (lambda e: [], None),
    "provisioning:alert_banner": (lambda e: [], None),
    "provisioning:alert_detail": (lambda e: [e["alert"].pk], None),
    "provisioning:alert_status": (lambda e: [e["alert"].pk], None),
    "provisioning:alert_acknowledge": (lambda e: [e["alert"].pk], p.SERVICES_CHANGE),
    "api:key_list": (lambda e: [], p.STAFF_MANAGE),
    "api:key_create": (lambda e: [], p.STAFF_MANAGE),
    "api:key_revoke": (lambda e: [e["api_key"].pk], p.STAFF_MANAGE),
    "accounts:lockout_list": (lambda e: [], p.STAFF_MANAGE),
    "accounts:lockout_lift": (lambda e: [], p.STAFF_MANAGE),
    "audit_log": (lambda e: [], p.AUDIT_VIEW),
    "customers:customer_lifecycle": (lambda e: [e["customer"].pk, "suspend"], p.CUSTOMERS_CHANGE),
    "customers:customer_export": (lambda e: [], None),
    "customers:domain_export": (lambda e: [], None),
    "customers:mailbox_export": (lambda e: [], None),
    "provisioning:operation_export": (lambda e: [], None),
    "customers:customer_bulk": (lambda e: [], p.CUSTOMERS_CHANGE),
    "customers:domain_bulk": (lambda e: [], p.SERVICES_CHANGE),
    "customers:mailbox_bulk": (lambda e: [], p.SERVICES_CHANGE),
    "customers:domain_keep": (lambda e: [e["domain"].pk], p.SERVICES_CHANGE),
    "customers:mailbox_keep": (lambda e: [e["mailbox"].pk], p.SERVICES_CHANGE),
    "customers:mailbox_import": (lambda e: [], p.SERVICES_CHANGE),
    "customers:mailbox_import_detail": (lambda e: [e["mailbox_import"].pk], p.SERVICES_CHANGE),
    "customers:mailbox_import_confirm": (lambda e: [e["mailbox_import"].pk], p.SERVICES_CHANGE),
    "customers:mailbox_import_status": (lambda e: [e["mailbox_import"].pk], p.SERVICES_CHANGE),
    "provisioning:vendor_account_list": (lambda e: [], p.VENDOR_ACCOUNTS_MANAGE),
    "provisioning:vendor_account_create": (lambda e: ["synaq"], p.VENDOR_ACCOUNTS_MANAGE),
    "provisioning:vendor_account_detail": (lambda e: [e["account"].pk], p.VENDOR_ACCOUNTS_MANAGE),
    "provisioning:vendor_account_edit": (lambda e: [e["account"].pk], p.VENDOR_ACCOUNTS_MANAGE),
    "provisioning:vendor_account_active": (lambda e: [e["account"].pk], p.VENDOR_ACCOUNTS_MANAGE),
    "provisioning:vendor_account_test": (lambda e: [e["account"].pk], p.VENDOR_ACCOUNTS_MANAGE),
    "customers:vendor_account_list": (lambda e: [], p.VENDOR_ACCOUNTS_MANAGE),
    "customers:vendor_account_detail": (lambda e: [e["account"].pk], p.VENDOR_ACCOUNTS_MANAGE),
    "customers:import_detail": (lambda e: [e["import_job"].pk], p.VENDOR_ACCOUNTS_MANAGE),
    "customers:import_progress": (lambda e: [e["import_job"].pk], p.VENDOR_ACCOUNTS_MANAGE),
    "customers:import_cancel": (lambda e: [e["import_job"].pk], p.VENDOR_ACCOUNTS_MANAGE),
    "customers:drift_fix": (lambda e: ["mailbox", e["mailbox"].pk], None),
    "customers:drift_take_vendors": (lambda e: ["mailbox", e["mailbox"].pk], p.SERVICES_CHANGE),
    "customers:drift_push_ours": (lambda e: ["mailbox", e["mailbox"].pk], p.SERVICES_CHANGE),
    "customers:mailbox_panel": (lambda e: [e["hw_mailbox"].pk, "forwards"], None),
    "customers:mailbox_panel_change": (lambda e: [e["hw_mailbox"].pk, "forwards"], p.SERVICES_CHANGE),
    "customers:domain_panel": (lambda e: [e["hw_domain"].pk, "storage"], None),
    "customers:domain_panel_change": (lambda e: [e["hw_domain"].pk, "storage"], p.SERVICES_CHANGE),
    "customers:mailbox_spam_control_panel": (lambda e: [e["hw_mailbox"].pk], p.SERVICES_CHANGE),
    "customers:domain_spam_control_panel": (lambda e: [e["hw_domain"].pk], p.SERVICES_CHANGE),
    "customers:holder_send": (lambda e: [e["holder"].pk, "reset"], p.SERVICES_CHANGE),
}

# The portal has its own matrix (tests/portal/test_permission_matrix.py). The API, the sign-on landing
# and the account pages anyone signed in (or no one) may use are tested on their own (tests/api/,
# tests/accounts/).
OWN_MATRIX_PREFIXES = ("portal:",)
# The BaseKit holder's password-reset and e-mail verification pages are public (the holder arrives from the
# vendor's e-mail): tests/customers/test_holder_views.py.
OWN_TESTS = {"customers:holder_password_reset", "customers:holder_verify_email",
             "api:login_token_create", "api:sso_login", "accounts:security", "accounts:verify",
             "accounts:password_reset", "accounts:password_reset_done", "accounts:password_reset_confirm",
             "accounts:password_reset_complete"}


STAFF_ARGS = {name: spec[0] for name, spec in STAFF_URLS.items()}


def staff_allowed(visitor: str, permission: str | None) -> bool:
    kind, _, role = visitor.partition(":")
    if kind != "staff" or role not in p.STAFF_ROLE_PERMISSIONS:
        return False
    return permission is None or permission in p.STAFF_ROLE_PERMISSIONS[role]


def test_every_console_url_is_in_the_matrix():
    console = {n for n in url_names() if not n.startswith(OWN_MATRIX_PREFIXES)} - OWN_TESTS
    assert console == set(STAFF_URLS), "say who may use each new URL in STAFF_URLS"


@pytest.mark.parametrize("visitor", VISITORS)
def test_console_urls_answer_each_visitor_as_their_role_allows(client, staff, visitor):
    estate = build_estate(staff)
    user = visitors(estate)[visitor]
    if user is not None:
        client.force_login(user)
    args = {name: spec[0] for name, spec in STAFF_URLS.items()}
    for name, (_, permission) in STAFF_URLS.items():
        url = reverse_with(name, args, estate)
        for method in ("get", "post"):
            before = fingerprint()
            response = getattr(client, method)(url)
            where = f"{visitor} {method.upper()} {name}"
            if visitor == "anonymous":
                assert response.status_code == 302 and "/login/" in response["Location"], where
            elif staff_allowed(visitor, permission):
                assert response.status_code not in {403, 404, 500}, where
            else:
                assert response.status_code == 403, where
                assert fingerprint() == before, f"{where} changed something"


def test_a_support_user_cannot_reach_the_admin_or_vendor_credentials(client):
    client.force_login(StaffFactory(staff_role="support"))
    assert client.get("/admin/").status_code == 302  # the admin's own sign-in: not for this role
    assert client.get("/admin/provisioning/vendoraccount/").status_code == 302


def test_a_support_user_trying_admin_only_posts_changes_nothing(client, staff):
    from api.models import ApiKey

    estate = build_estate(staff)
    client.force_login(StaffFactory(staff_role="support"))
    before = fingerprint()
    assert client.post(reverse_with("api:key_create", {"api:key_create": lambda e: []}, estate),
                       {"name": "Mine", "scopes": ["login_tokens:staff"]}).status_code == 403
    assert client.post(reverse_with("api:key_revoke", STAFF_ARGS, estate)).status_code == 403
    assert client.post("/admin/customers/user/add/", {"username": "x", "password1": "a-Long-pass-99",
                                                       "password2": "a-Long-pass-99"}).status_code == 302
    assert fingerprint() == before and ApiKey.objects.get().revoked_at is None
    assert not type(staff).objects.filter(username="x").exists()


def test_the_role_table_matches_the_roles_described():
    admin, support, billing = (p.STAFF_ROLE_PERMISSIONS[r] for r in ("admin", "support", "billing"))
    assert {p.VENDOR_ACCOUNTS_MANAGE, p.STAFF_MANAGE} <= admin
    assert p.SERVICES_CHANGE in support and p.CUSTOMERS_CHANGE in support
    assert not {p.VENDOR_ACCOUNTS_MANAGE, p.STAFF_MANAGE} & support
    assert {p.BILLING_VIEW, p.BILLING_CHANGE, p.SERVICES_VIEW} <= billing
    assert not {p.SERVICES_CHANGE, p.CUSTOMERS_CHANGE, p.VENDOR_ACCOUNTS_MANAGE, p.STAFF_MANAGE} & billing
