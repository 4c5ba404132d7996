"""The private calendar feed (``/calendar/<secret>.ics``, no session: the
secret is the authentication) and the button that changes the secret."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from partnerships.calendar_feed import build_feed, profile_for_token
from partnerships.models import UserProfile
from partnerships.views.access import staff_required

ICALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    profile = profile_for_token(token)
    if profile is None:
        # Plain text: calendar applications, not people, read this address.
        return HttpResponseNotFound(
            _("No calendar feed at this address."), content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(build_feed(profile.user), content_type=ICALENDAR_CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="partnership-crm.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


@staff_required
@require_POST
def calendar_reset(request: HttpRequest) -> HttpResponse:
    UserProfile.objects.for_user(request.user).reset_calendar_token()
    messages.success(
        request,
        _(
            "Your calendar feed has a new address. The old one no longer works: "
            "subscribe again with the new one."
        ),
    )
    return redirect("profile")
