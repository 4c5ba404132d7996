"""Throttling of failed API authentications, per client address.

A script guessing tokens gets ``CRM_API_AUTH_FAILURE_RATE`` tries (10 a
minute by default); then every request from that address that carries a
token is answered 429 with ``Retry-After``, the right token included, until
the oldest failure leaves the window. The counts live in the shared cache
(a database table, see settings.CACHES), so every app server and worker
counts the same failures. Requests without a token are not counted: they are
anonymous and get their 401 straight away.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from crm.proxy import client_address


class AuthFailureThrottle(SimpleRateThrottle):
    scope = "api_auth_failures"

    def get_rate(self) -> str | None:
        return settings.API_AUTH_FAILURE_RATE  # read now: tests and settings may change it

    def get_cache_key(self, request: Request, view=None) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}

    def _load(self, request: Request) -> None:
        self.key = self.get_cache_key(request)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()

    def refuse_if_over(self, request: Request) -> None:
        """Raise 429 when this address has used up its failures."""
        if self.rate is None:
            return
        self._load(request)
        if len(self.history) >= self.num_requests:
            wait = self.wait()
            raise exceptions.Throttled(
                wait=wait,
                detail=_(
                    "Too many failed authentications from your address. "
                    "Try again in %(seconds)d seconds."
                )
                % {"seconds": max(1, round(wait or 0))},
            )

    def record_failure(self, request: Request) -> None:
        if self.rate is None:
            return
        self._load(request)
        self.throttle_success()  # stores "now" in the address's history
