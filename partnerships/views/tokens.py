"""Personal API tokens, created and revoked from the profile page.

A new token is shown once: it is kept in the session just long enough for the
profile page to display it (``pop_new_token``), and only its hash is stored.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partnerships.errors import DomainError
from partnerships.forms import ApiTokenForm
from partnerships.models import ApiToken
from partnerships.views.access import staff_required

JUST_CREATED_SESSION_KEY = "crm_new_api_token"


@staff_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(
                    request, _("The token was not created: %(error)s") % {"error": error}
                )
        return redirect("profile")
    try:
        token, raw = ApiToken.issue(
            user=request.user,
            name=form.cleaned_data["name"],
            expires_on=form.cleaned_data["expires_on"],
        )
    except DomainError as error:
        messages.error(request, _("The token was not created: %(error)s") % {"error": error})
        return redirect("profile")
    request.session[JUST_CREATED_SESSION_KEY] = {"id": token.pk, "name": token.name, "raw": raw}
    messages.success(request, _("Token “%(name)s” created.") % {"name": token.name})
    return redirect("profile")


@staff_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.revoke()
    messages.success(
        request,
        _("Token “%(name)s” revoked: scripts that use it are refused from now on.")
        % {"name": token.name},
    )
    return redirect("profile")


def pop_new_token(request: HttpRequest) -> dict | None:
    """The token just created, for the profile page to show once."""
    return request.session.pop(JUST_CREATED_SESSION_KEY, None)
