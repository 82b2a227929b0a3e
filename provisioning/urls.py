"""The engine's staff pages (namespace ``provisioning``)."""

from django.urls import path

from provisioning import views

app_name = "provisioning"

urlpatterns = [
    path("operations/", views.operation_list, name="operation_list"),
    path("operations/<int:pk>/", views.operation_detail, name="operation_detail"),
    path("operations/<int:pk>/retry/", views.operation_retry, name="operation_retry"),
    path("operations/<int:pk>/cancel/", views.operation_cancel, name="operation_cancel"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/badge/", views.alert_badge, name="alert_badge"),
    path("alerts/banner/", views.alert_banner, name="alert_banner"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/status/", views.alert_status, name="alert_status"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
]
