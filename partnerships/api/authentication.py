"""Personal API tokens: ``Authorization: Bearer crm_...`` (``Token crm_...`` works too).

Only the token's hash is stored (``ApiToken``); the look-up, the revocation,
the expiry and the inactive-user rule live on the model. Here: reading the
header, throttling an address that keeps failing (api/throttling.py), and noting
when a token was last used, at most once a minute so that a busy script does not
write a row per request.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.request import Request

from partnerships.api.throttling import AuthFailureThrottle
from partnerships.models import ApiToken

LAST_USED_PRECISION = datetime.timedelta(minutes=1)


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Bearer"
    keywords = (b"bearer", b"token")
    model = ApiToken

    def authenticate(self, request: Request) -> tuple[object, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None  # no token: another authentication (the session) may apply
        throttle = AuthFailureThrottle()
        throttle.refuse_if_over(request)
        try:
            return self._authenticate(parts)
        except exceptions.AuthenticationFailed:
            throttle.record_failure(request)
            raise

    def _authenticate(self, parts: list[bytes]) -> tuple[object, ApiToken]:
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid Authorization header: expected “Bearer <token>”.")
            )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        return self.authenticate_credentials(raw)

    def authenticate_credentials(self, key: str) -> tuple[object, ApiToken]:
        token = ApiToken.objects.authenticate(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid, revoked or expired token."))
        note_use(token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


def note_use(token: ApiToken) -> None:
    """Record that ``token`` was used now, unless that was already noted in the
    last minute (one UPDATE per token per minute at most)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
