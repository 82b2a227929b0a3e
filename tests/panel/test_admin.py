"""The admin: administrators only; bad input in its lists is never a 500."""

from __future__ import annotations

import pytest

from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(StaffFactory(staff_role="admin", is_superuser=True))
    return client


@pytest.mark.parametrize("path", [
    "/admin/customers/customer/?q=%00",
    "/admin/customers/customer/?q=acme%00corp",
    "/admin/customers/customer/?status=%00",
    "/admin/customers/customer/?status__exact=active%00",
    "/admin/customers/domain/?vendor_state__exact=%00",
    "/admin/customers/user/?q=%00&is_staff__exact=1%00",
    "/admin/provisioning/operation/?state__exact=%00",
    "/admin/core/auditevent/?q=%00",
])
def test_nul_bytes_in_the_admins_searches_and_filters_are_no_server_error(admin_client, path):
    CustomerFactory(name="Acme corp")
    assert admin_client.get(path).status_code in {200, 302}


def test_support_staff_cannot_open_the_admin(client):
    client.force_login(StaffFactory(staff_role="support", is_superuser=True))
    assert client.get("/admin/").status_code == 302
