"""The profile page: who I am, my API tokens, my calendar feed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from partnerships.views.access import staff_required


@staff_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", profile_context(request))


def profile_context(request: HttpRequest) -> dict:
    """What the profile page's sections need; sections add their own keys."""
    from partnerships.models import ApiToken, UserProfile
    from partnerships.views.tokens import ApiTokenForm, pop_new_token

    return {
        "profile": UserProfile.objects.for_user(request.user),
        "api_tokens": ApiToken.objects.filter(user=request.user),
        "api_token_form": ApiTokenForm(),
        "new_api_token": pop_new_token(request),
    }
