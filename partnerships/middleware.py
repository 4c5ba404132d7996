"""Nothing is visible without signing in, except what is listed here."""

from __future__ import annotations

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
