from django.contrib import admin

from core.admin_mixins import ReadOnlyAdminMixin
from provisioning.models import Alert, Operation, VendorAccount


@admin.register(VendorAccount)
class VendorAccountAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "base_url", "is_active")
    # Credentials are encrypted and never shown back: they are set from the panel's own form or a command.
    exclude = ("credentials", "catalog")


@admin.register(Operation)
class OperationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "kind", "state", "target_type", "target_id", "attempts", "next_attempt_at")
    list_filter = ("state", "kind")
    exclude = ("secret_payload", "claim_token", "depends_on")


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "kind", "severity", "opened_at", "resolved_at")
    list_filter = ("severity", "kind")
