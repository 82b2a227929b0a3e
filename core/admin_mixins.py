"""Admin helpers: the admin may look, but changes go through the services (outbox and audit)."""

from __future__ import annotations


class ReadOnlyAdminMixin:
    """View-only admin for rows that must change through a service, never behind its back."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
