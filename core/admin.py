from django.contrib import admin

from core.admin_mixins import ReadOnlyAdminMixin
from core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "actor", "action", "target_type", "target_id", "summary")
    list_filter = ("action",)
    search_fields = ("summary",)
    list_select_related = ("actor",)
