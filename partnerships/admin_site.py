"""The admin site: for administrators (``permissions.can_administer``).

A signed-in person without that right who opens any admin page gets the
403 page with the rule's sentence, not Django's sign-in form a second time
(which reads as "wrong account" rather than "not allowed"). Signed-out
visitors still get the admin's sign-in page, throttled like the app's.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest

from partnerships import permissions


class CrmAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return permissions.can_administer(request.user)

    def _refuse_signed_in_non_admins(self, request: HttpRequest) -> None:
        if request.user.is_authenticated:
            permissions.can_administer.require(request.user)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if view.__name__ != "logout":  # signing out stays open to everyone
                self._refuse_signed_in_non_admins(request)
            return inner(request, *args, **kwargs)

        return wrapper

    def login(self, request, extra_context=None):
        self._refuse_signed_in_non_admins(request)
        return super().login(request, extra_context)


class CrmAdminConfig(AdminConfig):
    default_site = "partnerships.admin_site.CrmAdminSite"
