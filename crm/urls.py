"""Top-level URLs: sign-in, pages, the admin, health."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from partnerships.views import tokens
from partnerships.views.accounts import (
    SignInView,
    profile,
    set_language,
)
from partnerships.views.health import favicon, healthz

account_urls = [
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", profile, name="profile"),
    path("tokens/new/", tokens.token_create, name="api_token_create"),
    path("tokens/<id:pk>/revoke/", tokens.token_revoke, name="api_token_revoke"),
    path(
        "password/",
        # Saving the new password revokes the tokens and the feed address
        # (partnerships.passwords, through AUTH_PASSWORD_VALIDATORS).
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
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/", include("partnerships.api.urls")),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("", include("partnerships.urls")),
]
