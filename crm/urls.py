"""Top-level URLs: sign-in, pages, the admin, health."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from partnerships.views import tokens
from partnerships.views.accounts import profile
from partnerships.views.health import favicon, healthz

account_urls = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", profile, name="profile"),
    path("tokens/new/", tokens.token_create, name="api_token_create"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="api_token_revoke"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]

urlpatterns = [
    path("accounts/", include(account_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("partnerships.api.urls")),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("", include("partnerships.urls")),
]
