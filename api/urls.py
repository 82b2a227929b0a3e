"""The reseller's systems' API, the sign-on landing, and the staff page of API keys (namespace ``api``)."""

from django.urls import path

from api import views

app_name = "api"

urlpatterns = [
    path("api/v1/login-tokens/", views.login_token_create, name="login_token_create"),
    path("sso/<str:token>/", views.sso_login, name="sso_login"),
    path("staff/api-keys/", views.key_list, name="key_list"),
    path("staff/api-keys/new/", views.key_create, name="key_create"),
    path("staff/api-keys/<int:pk>/revoke/", views.key_revoke, name="key_revoke"),
]
