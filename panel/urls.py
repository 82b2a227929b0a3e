"""URLs of the panel."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from customers import views as customer_views
from panel import views as panel_views
from provisioning import views as provisioning_views

urlpatterns = [
    path("", panel_views.dashboard, name="dashboard"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("customers/", customer_views.customer_list, name="customer_list"),
    path("customers/new/", customer_views.customer_create, name="customer_create"),
    path("customers/<int:pk>/", customer_views.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/edit/", customer_views.customer_edit, name="customer_edit"),
    path("customers/<int:customer_pk>/domains/new/", customer_views.domain_create, name="domain_create"),
    path("domains/", customer_views.domain_list, name="domain_list"),
    path("domains/<int:pk>/", customer_views.domain_detail, name="domain_detail"),
    path("domains/<int:domain_pk>/mailboxes/new/", customer_views.mailbox_create, name="mailbox_create"),
    path("mailboxes/", customer_views.mailbox_list, name="mailbox_list"),
    path("mailboxes/<int:pk>/", customer_views.mailbox_detail, name="mailbox_detail"),
    path("operations/", provisioning_views.operation_list, name="operation_list"),
    path("operations/<int:pk>/", provisioning_views.operation_detail, name="operation_detail"),
    path("operations/<int:pk>/retry/", provisioning_views.operation_retry, name="operation_retry"),
    path("alerts/", provisioning_views.alert_list, name="alert_list"),
    path("alerts/badge/", provisioning_views.alert_badge, name="alert_badge"),
    path("alerts/<int:pk>/acknowledge/", provisioning_views.alert_acknowledge, name="alert_acknowledge"),
    path("admin/", admin.site.urls),
]
