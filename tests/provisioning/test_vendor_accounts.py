"""Vendor accounts in the console: admins only, credentials encrypted and never shown back in full, a new key
replacing the old, and "test connection" through the real adapters against the sandboxes."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

from core.models import AuditEvent
from provisioning.models import VendorAccount
from provisioning.services.vendor_accounts import vendor_account_test, vendor_account_update
from tests.factories import StaffFactory, VendorAccountFactory
from tests.vendors.conftest import account_for

pytestmark = pytest.mark.django_db


def _add(client, sandbox, vendor="synaq", **override):
    config = sandbox.config(vendor)
    data = {"name": f"{vendor} live", "base_url": sandbox.base_url(vendor),
            "root_id": str(config["seeded"].get("reseller_guid", "")), "options": "",
            **{f"credential_{k}": v for k, v in config["credentials"].items()}, **override}
    return client.post(reverse("provisioning:vendor_account_create", args=[vendor]), data)


def test_an_admin_adds_an_account_whose_key_is_encrypted_and_never_shown_back(staff_client, sandbox):
    answer = _add(staff_client, sandbox)
    assert answer.status_code == 302
    account = VendorAccount.objects.get(name="synaq live")
    key = sandbox.config("synaq")["credentials"]["key"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials FROM provisioning_vendoraccount WHERE id = %s", [account.pk])
        stored = cursor.fetchone()[0]
    assert key not in stored
    page = staff_client.get(reverse("provisioning:vendor_account_detail", args=[account.pk])).content.decode()
    assert key not in page and key[-4:] in page
    edit = staff_client.get(reverse("provisioning:vendor_account_edit", args=[account.pk])).content.decode()
    assert key not in edit
    assert key not in str(AuditEvent.objects.filter(action="vendor_account.create").values_list("changes"))


def test_test_connection_says_plainly_that_the_credentials_work(staff_client, sandbox):
    _add(staff_client, sandbox)
    account = VendorAccount.objects.get(name="synaq live")
    answer = staff_client.post(reverse("provisioning:vendor_account_test", args=[account.pk]),
                               headers={"HX-Request": "true"})
    assert "The credentials work" in answer.content.decode()
    account.refresh_from_db()
    assert account.check_ok is True and account.checked_at


@pytest.mark.parametrize("vendor", ["synaq", "greenview", "rackspace"])
def test_each_adapter_tests_its_connection_against_its_sandbox(sandbox, staff, vendor):
    account = account_for(sandbox, vendor)
    assert vendor_account_test(account=account, acting_user=staff).ok is True


@pytest.mark.parametrize("vendor, secret", [("synaq", "key"), ("greenview", "key"), ("rackspace", "secret_key")])
def test_a_wrong_key_is_reported_as_credentials_that_do_not_work(sandbox, staff, vendor, secret):
    account = account_for(sandbox, vendor)
    account.credentials = {**account.credentials, secret: "wrong-wrong"}
    account.save()
    check = vendor_account_test(account=account, acting_user=staff)
    assert check.ok is False and "do not work" in check.message


def test_a_vendor_without_an_adapter_yet_says_it_cannot_be_tested(staff):
    account = VendorAccountFactory(kind="hostway")
    assert vendor_account_test(account=account, acting_user=staff).ok is None


def test_a_new_key_replaces_the_old_and_an_empty_one_keeps_it(staff):
    account = VendorAccountFactory(kind="synaq", credentials={"user": "u", "key": "old-key-1234"})
    vendor_account_update(account=account, credentials={"user": "u", "key": ""}, acting_user=staff, name="Renamed")
    assert VendorAccount.objects.get(pk=account.pk).credentials["key"] == "old-key-1234"
    vendor_account_update(account=account, credentials={"key": "new-key-5678"}, acting_user=staff)
    assert VendorAccount.objects.get(pk=account.pk).credentials == {"user": "u", "key": "new-key-5678"}
    changes = AuditEvent.objects.filter(action="vendor_account.update").first().changes
    assert changes == {"credentials": ["key replaced"]}


def test_disabling_an_account_is_audited_and_shown(staff_client):
    account = VendorAccountFactory(kind="synaq")
    staff_client.post(reverse("provisioning:vendor_account_active", args=[account.pk]), {"active": "0"})
    account.refresh_from_db()
    assert not account.is_active and AuditEvent.objects.filter(action="vendor_account.disable").exists()


@pytest.mark.parametrize("role", ["support", "billing"])
def test_only_admins_reach_vendor_accounts(client, role):
    account = VendorAccountFactory(kind="synaq")
    client.force_login(StaffFactory(staff_role=role))
    for url in (reverse("provisioning:vendor_account_list"), reverse("provisioning:vendor_account_detail",
                                                                     args=[account.pk])):
        assert client.get(url).status_code == 403
    with pytest.raises(PermissionDenied):
        vendor_account_test(account=account, acting_user=StaffFactory(staff_role=role))


def test_the_health_shows_the_last_success_and_recent_failures(staff_client, staff):
    from tests.factories import DomainFactory, queue_operation
    account = VendorAccountFactory(kind="synaq")
    domain = DomainFactory(vendor_account=account)
    ok = queue_operation(domain, "domain.sync")
    bad = queue_operation(domain, "domain.refresh")
    from django.utils import timezone
    type(ok).objects.filter(pk=ok.pk).update(state="succeeded", finished_at=timezone.now())
    type(bad).objects.filter(pk=bad.pk).update(state="failed", finished_at=timezone.now(), last_error="SYNAQ: boom")
    page = staff_client.get(reverse("provisioning:vendor_account_detail", args=[account.pk])).content.decode()
    assert ok.summary in page and "SYNAQ: boom" in page and "The latest change sent to it failed." in page


def test_the_list_and_the_forms_render_for_an_admin(staff_client):
    account = VendorAccountFactory(kind="rackspace", credentials={"user_key": "uk", "secret_key": "sk-123456789"})
    assert "Vendor accounts" in staff_client.get(reverse("provisioning:vendor_account_list")).content.decode()
    form = staff_client.get(reverse("provisioning:vendor_account_create", args=["greenview"])).content.decode()
    assert "API token" in form
    edit = staff_client.get(reverse("provisioning:vendor_account_edit", args=[account.pk])).content.decode()
    assert "sk-123456789" not in edit and "••••6789" in edit


def test_the_account_page_of_a_vendor_with_an_import_links_to_it(staff_client):
    hostway, rackspace_less = VendorAccountFactory(kind="hostway"), VendorAccountFactory(kind="greenview")
    page = staff_client.get(reverse("provisioning:vendor_account_detail", args=[hostway.pk])).content.decode()
    assert reverse("customers:vendor_account_detail", args=[hostway.pk]) in page
    other = staff_client.get(reverse("provisioning:vendor_account_detail", args=[rackspace_less.pk])).content.decode()
    assert ("Import its estate" in other) == rackspace_less.profile.can("import")
