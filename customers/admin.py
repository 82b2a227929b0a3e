from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from core.admin_mixins import ReadOnlyAdminMixin
from customers.models import Customer, Domain, Mailbox, Membership, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("Reseller", {"fields": ("staff_role",)}))
    list_display = ("username", "email", "is_staff", "staff_role", "is_active")


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "reference", "status", "created_at")
    search_fields = ("name", "reference", "email")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "customer", "role")
    raw_id_fields = ("user", "customer")


@admin.register(Domain)
class DomainAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "customer", "vendor_account", "vendor_state")
    list_select_related = ("customer", "vendor_account")
    search_fields = ("name",)
    raw_id_fields = ("customer",)


@admin.register(Mailbox)
class MailboxAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("local_part", "domain", "vendor_state")
    list_select_related = ("domain",)
    search_fields = ("local_part",)
    raw_id_fields = ("domain",)
