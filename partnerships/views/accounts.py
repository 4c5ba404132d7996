"""The profile page (who I am, my API tokens, my calendar feed), signing in,
and the language switch, which the profile remembers."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import i18n
from django.views.decorators.http import require_POST

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


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (a cookie for this browser), which also stores
    the choice on a signed-in person's profile: their next sign-in on another
    device, and their reminder e-mails, use it."""
    from partnerships.models import UserProfile

    response = i18n.set_language(request)
    if request.user.is_authenticated:
        UserProfile.objects.for_user(request.user).choose_language(request.POST.get("language", ""))
    return response


class SignInView(auth_views.LoginView):
    """Sign-in that keeps the language chosen last: the one picked on the
    sign-in page if any (and stored for next time), else the profile's."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        from partnerships.models import UserProfile

        response = super().form_valid(form)
        profile = UserProfile.objects.for_user(form.get_user())
        chosen = self.request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if not profile.choose_language(chosen) and profile.language:
            set_language_cookie(response, profile.language)
        return response


def set_language_cookie(response: HttpResponse, language: str) -> None:
    """Set the language cookie as Django's own language switch does."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
