"""The portal's view-permission matrix: every portal URL, by GET and by POST, as anonymous, each staff
role, a role-less staff user, the customer's owner, admin and viewer, and a user of another customer."""

from __future__ import annotations

import pytest

from core import permissions as p
from tests.matrix import VISITORS, build_estate, fingerprint, reverse_with, url_names, visitors

pytestmark = pytest.mark.django_db

ANY_MEMBER = "member"  # any role inside the customer

# name: (the URL's arguments from the estate, who may use it: a member permission, ANY_MEMBER, or a
# special audience named below).
PORTAL_URLS = {
    "portal:home": (lambda e: [], ANY_MEMBER),
    "portal:activity": (lambda e: [], p.SERVICES_VIEW),
    "portal:domain_detail": (lambda e: [e["domain"].pk], ANY_MEMBER),
    "portal:domain_status": (lambda e: [e["domain"].pk], ANY_MEMBER),
    "portal:mailbox_create": (lambda e: [e["domain"].pk], p.SERVICES_CHANGE),
    "portal:mailbox_list": (lambda e: [], ANY_MEMBER),
    "portal:mailbox_detail": (lambda e: [e["mailbox"].pk], ANY_MEMBER),
    "portal:mailbox_status": (lambda e: [e["mailbox"].pk], ANY_MEMBER),
    "portal:mailbox_edit": (lambda e: [e["mailbox"].pk], p.SERVICES_CHANGE),
    "portal:mailbox_password": (lambda e: [e["mailbox"].pk], p.SERVICES_CHANGE),
    "portal:mailbox_action": (lambda e: [e["mailbox"].pk, "suspend"], p.SERVICES_CHANGE),
    "portal:mailbox_webmail": (lambda e: [e["mailbox"].pk], p.SERVICES_CHANGE),
    "portal:account_detail": (lambda e: [e["vendor_customer"].pk], ANY_MEMBER),
    "portal:account_login": (lambda e: [e["vendor_customer"].pk], p.SERVICES_CHANGE),
    "portal:contact_create": (lambda e: [e["vendor_customer"].pk], p.CONTACTS_CHANGE),
    "portal:contact_delete": (lambda e: [e["contact"].pk], p.CONTACTS_CHANGE),
    "portal:invoice_list": (lambda e: [], p.BILLING_VIEW),
    "portal:invoice_detail": (lambda e: [e["invoice"].pk], p.BILLING_VIEW),
    "portal:invoice_csv": (lambda e: [e["invoice"].pk], p.BILLING_VIEW),
    "portal:member_list": (lambda e: [], p.MEMBERS_MANAGE),
    "portal:member_invite": (lambda e: [], p.MEMBERS_MANAGE),
    "portal:member_role": (lambda e: [e["membership"].pk], p.MEMBERS_MANAGE),
    "portal:member_remove": (lambda e: [e["membership"].pk], p.MEMBERS_MANAGE),
    "portal:invitation_revoke": (lambda e: [e["invitation"].pk], p.MEMBERS_MANAGE),
    "portal:mailbox_panel": (lambda e: [e["hw_mailbox"].pk, "forwards"], ANY_MEMBER),
    "portal:mailbox_panel_change": (lambda e: [e["hw_mailbox"].pk, "forwards"], p.SERVICES_CHANGE),
    "portal:domain_panel": (lambda e: [e["hw_domain"].pk, "storage"], ANY_MEMBER),
    "portal:domain_panel_change": (lambda e: [e["hw_domain"].pk, "storage"], p.SERVICES_CHANGE),
    "portal:mailbox_spam_control_panel": (lambda e: [e["hw_mailbox"].pk], p.SERVICES_CHANGE),
    "portal:domain_spam_control_panel": (lambda e: [e["hw_domain"].pk], p.SERVICES_CHANGE),
}
# Tested on their own (tests/portal/test_people.py, test_impersonation.py): the sign-in pages, an
# invitation's one-time link, and impersonation (staff only).
SPECIAL = {"portal:login", "portal:logout", "portal:invitation_accept", "portal:impersonate_start",
           "portal:impersonate_stop"}
def member_allowed(visitor: str, who: str) -> bool:
    kind, _, role = visitor.partition(":")
    if kind != "member":
        return False
    return who == ANY_MEMBER or p.member_can(role, who)


def test_every_portal_url_is_in_the_matrix():
    portal = {n for n in url_names() if n.startswith("portal:")}
    assert portal == set(PORTAL_URLS) | SPECIAL, "say who may use each new portal URL in PORTAL_URLS"


@pytest.mark.parametrize("visitor", VISITORS)
def test_portal_urls_answer_each_visitor_as_their_role_allows(client, staff, visitor):
    estate = build_estate(staff)
    user = visitors(estate)[visitor]
    if user is not None:
        client.force_login(user)
    args = {name: spec[0] for name, spec in PORTAL_URLS.items()}
    for name, (make_args, who) in PORTAL_URLS.items():
        url = reverse_with(name, args, estate)
        names_object = bool(make_args(estate))
        for method in ("get", "post"):
            before = fingerprint()
            response = getattr(client, method)(url)
            where = f"{visitor} {method.upper()} {name}"
            refused = True
            if visitor == "anonymous":
                assert response.status_code == 302 and "/portal/login/" in response["Location"], where
            elif member_allowed(visitor, who):
                refused = False
                assert response.status_code not in {403, 404, 500}, where
            elif visitor == "other:owner" and names_object:
                # Another customer's object is not there at all (405 only says which methods the URL takes).
                assert response.status_code in {404, 405}, where
            elif visitor == "other:owner":
                refused = False  # their own customer's list pages
                assert response.status_code not in {403, 404, 500}, where
            else:
                assert response.status_code == 403, where
            if refused:
                assert fingerprint() == before, f"{where} changed something"
