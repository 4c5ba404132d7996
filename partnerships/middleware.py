"""Nothing is visible without signing in, except what is listed here; the
Permissions-Policy header; sessions that end when left idle."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.middleware import LoginRequiredMiddleware


class SignInRequiredMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, with a few path prefixes left to their
    own authentication: the API (tokens, answers 401 rather than redirecting),
    the admin (its own sign-in page), private calendar feeds (secret token),
    static files and the icon, the health check and the language switch."""

    open_prefixes = (
        "/api/",
        "/admin/",
        "/calendar/",
        "/static/",
        "/healthz",
        "/i18n/",
        "/favicon.ico",
    )

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(self.open_prefixes):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class PermissionsPolicyMiddleware:
    """Sends ``settings.PERMISSIONS_POLICY``: the browser features (camera,
    microphone, geolocation...) that no page uses are refused to every page
    and to anything a page would embed."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class IdleSessionMiddleware:
    """A signed-in session ends after ``SESSION_COOKIE_AGE`` without a request:
    each request pushes the end back, by saving the session at most every
    ``REFRESH_SECONDS`` (not on every request, which would write its row each
    time). Sessions kept with "Remember me" last their own age the same way."""

    REFRESH_SECONDS = 5 * 60
    SEEN_KEY = "_crm_seen"

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            seen = session.get(self.SEEN_KEY)
            now = int(time.time())
            # A session signed in by this very request is being saved anyway:
            # the clock starts there (a session made without a request, as
            # tests do, starts it at its first save).
            if (seen is None and session.modified) or (
                seen is not None and now - seen >= self.REFRESH_SECONDS
            ):
                session[self.SEEN_KEY] = now
        return response
