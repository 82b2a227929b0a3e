"""The root URL tree: the staff shell, then each app's own tree under its namespace.

``portal/`` (customers' self-service) and ``api/`` (the reseller's own systems) get trees of their own.
"""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views import SignInView
from panel import audit, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("audit/", audit.audit_log, name="audit_log"),
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("customers.urls")),
    path("", include("provisioning.urls")),
    path("portal/", include("portal.urls")),
    path("account/", include("accounts.urls")),
    path("", include("api.urls")),
    path("admin/", admin.site.urls),
]
