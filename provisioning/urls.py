"""The engine's staff pages (namespace ``provisioning``)."""

from django.urls import path

from provisioning import views, views_accounts

app_name = "provisioning"

urlpatterns = [
    path("operations/", views.operation_list, name="operation_list"),
    path("operations/export.csv", views.operation_export, name="operation_export"),
    path("operations/<int:pk>/", views.operation_detail, name="operation_detail"),
    path("operations/<int:pk>/retry/", views.operation_retry, name="operation_retry"),
    path("operations/<int:pk>/cancel/", views.operation_cancel, name="operation_cancel"),
    path("vendor-accounts/", views_accounts.vendor_account_list, name="vendor_account_list"),
    path("vendor-accounts/new/<slug:kind>/", views_accounts.vendor_account_create, name="vendor_account_create"),
    path("vendor-accounts/<int:pk>/", views_accounts.vendor_account_detail, name="vendor_account_detail"),
    path("vendor-accounts/<int:pk>/edit/", views_accounts.vendor_account_edit, name="vendor_account_edit"),
    path("vendor-accounts/<int:pk>/active/", views_accounts.vendor_account_active, name="vendor_account_active"),
    path("vendor-accounts/<int:pk>/test/", views_accounts.vendor_account_test, name="vendor_account_test"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/badge/", views.alert_badge, name="alert_badge"),
    path("alerts/banner/", views.alert_banner, name="alert_banner"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/status/", views.alert_status, name="alert_status"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
]
