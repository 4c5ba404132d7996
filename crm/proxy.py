"""The client's address as the app servers see it behind the reverse proxy.

Sign-in and API throttling count failures per address. Behind a proxy every
request comes from the proxy's address, so the client's is read from
``X-Forwarded-For``: ``DJANGO_TRUSTED_PROXY_COUNT`` entries from its end,
which the trusted proxies appended themselves (anything to their left was sent
by the client and may be forged). DRF's ``NUM_PROXIES`` reads it the same way.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not forwarded:
        return remote
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if not addresses:
        return remote
    return addresses[-min(count, len(addresses))]
