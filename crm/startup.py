"""Checks made when the web application starts (crm/wsgi.py, crm/asgi.py, and
so ``runserver``), before it serves anything."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key() -> None:
    """Refuse to serve with the placeholder key unless DEBUG is on: sessions,
    CSRF tokens and password-reset links are signed with it."""
    if not settings.DEBUG and not settings.SECRET_KEY_IS_SET:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string, "
            "or set DJANGO_DEBUG=true for local development only."
        )
