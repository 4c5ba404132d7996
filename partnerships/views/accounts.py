"""The profile page (who I am, my API tokens, my calendar feed), signing in
(with "Remember me" and the answer to a throttled sign-in), changing one's
password, and the language switch, which the profile remembers."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils.translation import ngettext
from django.views import i18n
from django.views.decorators.http import require_POST

from partnerships.forms import SignInForm
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
    authentication_form = SignInForm

    def form_valid(self, form):
        from partnerships.models import UserProfile

        response = super().form_valid(form)
        if form.cleaned_data.get("remember"):
            # A persistent cookie; otherwise the session ends with the browser
            # (SESSION_EXPIRE_AT_BROWSER_CLOSE), and in both cases when idle.
            self.request.session.set_expiry(settings.SESSION_REMEMBER_ME_AGE)
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


def signin_locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The answer to a sign-in refused by the throttle (django-axes'
    ``AXES_LOCKOUT_CALLABLE``): the same sign-in page, the app's or the
    admin's, with the reason in place of "wrong password", as a 429 with
    Retry-After. Every refused try restarts the cool-off, so its whole length
    is the honest wait."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    minutes = max(1, round(seconds / 60))
    message = ngettext(
        "Too many failed sign-ins for this user name from your address. Signing in as "
        "this user from here is refused for %(minutes)d minute, even with the right "
        "password. Try again later, or ask an administrator to lift the lock-out.",
        "Too many failed sign-ins for this user name from your address. Signing in as "
        "this user from here is refused for %(minutes)d minutes, even with the right "
        "password. Try again later, or ask an administrator to lift the lock-out.",
        minutes,
    ) % {"minutes": minutes}
    context = getattr(original_response, "context_data", None) or {}
    form = context.get("form")
    if isinstance(original_response, TemplateResponse) and form is not None:
        form._errors = ErrorDict(
            {NON_FIELD_ERRORS: form.error_class([message], error_class="nonfield")}
        )
        response = TemplateResponse(
            request, original_response.template_name, context, status=429
        ).render()
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(seconds)
    return response
