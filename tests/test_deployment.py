"""Production settings pass Django's deployment check, and each rule they set
holds against a request that tries to break it (plain HTTP, a forged proxy
header, cookies read by a script or sent over HTTP, an idle session)."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client

from tests.test_settings import run_python

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "production-" + "k3y" * 20,
    "DJANGO_ALLOWED_HOSTS": "crm.example.org",
}

SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({name: getattr(s, name) for name in %r}, default=str))"
)
NAMES = [
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_AGE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "SESSION_ENGINE",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SAMESITE",
    "PERMISSIONS_POLICY",
    "CACHES",
    "AXES_HANDLER",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_TIME",
    "DATABASES",
]


def production_settings(**env: str) -> dict:
    result = run_python("-c", SHOW % (NAMES,), **{**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_deployment_check_passes_with_production_settings():
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_check_fails_on_a_weak_set_up():
    """The test above would pass with a check that says nothing: here the same
    check refuses a set-up without HTTPS."""
    result = run_python(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        DJANGO_HSTS_SECONDS="0",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
    )

    assert result.returncode != 0
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in result.stderr + result.stdout


def test_production_settings_are_secure_by_default():
    values = production_settings()

    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert values["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_AGE"] == 8 * 3600  # a working day
    assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    assert values["LANGUAGE_COOKIE_SECURE"] is True
    assert values["LANGUAGE_COOKIE_SAMESITE"] == "Lax"
    assert "camera=()" in values["PERMISSIONS_POLICY"]
    # Shared by every app server: sessions and lock-outs in the database, the
    # cache in a database table.
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert values["AXES_HANDLER"] == "axes.handlers.database.AxesDatabaseHandler"
    assert values["CACHES"]["default"]["BACKEND"].endswith("DatabaseCache")
    assert (values["AXES_FAILURE_LIMIT"], values["AXES_COOLOFF_TIME"]) == (5, "0:15:00")
    # Each worker keeps its database connection (checked before reuse).
    database = values["DATABASES"]["default"]
    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (60, True)


def test_the_policies_are_configurable_from_the_environment():
    values = production_settings(
        DJANGO_HSTS_SECONDS="3600",
        DJANGO_SESSION_IDLE_MINUTES="30",
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Scheme",
        CRM_SIGNIN_COOLOFF_MINUTES="60",
    )

    assert values["SECURE_HSTS_SECONDS"] == 3600
    assert values["SESSION_COOKIE_AGE"] == 1800
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_SCHEME", "https"]
    assert values["AXES_COOLOFF_TIME"] == "1:00:00"


@pytest.fixture
def behind_the_proxy(settings):
    """The production rules, in this process (tests run with DEBUG's)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.LANGUAGE_COOKIE_SECURE = True
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"


HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}


def test_plain_http_is_redirected_to_https_but_the_health_check_answers(db, behind_the_proxy):
    client = Client()

    page = client.get("/accounts/login/")
    health = client.get("/healthz")

    assert page.status_code == 301
    assert page["Location"] == "https://testserver/accounts/login/"
    assert health.status_code == 200


def test_behind_the_tls_proxy_requests_are_secure_and_get_hsts(db, behind_the_proxy):
    response = Client().get("/accounts/login/", **HTTPS)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["Permissions-Policy"].startswith("accelerometer=()")
    assert response.wsgi_request.is_secure()


def test_a_forged_scheme_header_other_than_https_is_not_trusted(db, behind_the_proxy):
    response = Client().get("/accounts/login/", HTTP_X_FORWARDED_PROTO="http")
    assert response.status_code == 301


def test_session_csrf_and_language_cookies_are_host_only_secure_and_not_for_scripts(
    owner, behind_the_proxy
):
    client = Client()
    client.get("/accounts/login/", **HTTPS)
    signed_in = client.post(
        "/accounts/login/", {"username": "owner", "password": "password"}, **HTTPS
    )
    language = client.post("/i18n/setlang/", {"language": "fr", "next": "/"}, **HTTPS)

    assert signed_in.status_code == 302
    session = signed_in.cookies["__Host-sessionid"]
    csrf = client.cookies["__Host-csrftoken"]
    lang = language.cookies["django_language"]
    for cookie in (session, csrf, lang):
        assert cookie["secure"] is True
        assert cookie["path"] == "/"
        assert not cookie["domain"]  # __Host-: this host only
        assert cookie["samesite"] == "Lax"
    assert session["httponly"] is True and csrf["httponly"] is True
    assert lang["httponly"] is True


def test_a_session_ends_with_the_browser_unless_remember_me_is_ticked(owner, settings):
    plain = Client().post("/accounts/login/", {"username": "owner", "password": "password"})
    remembered = Client().post(
        "/accounts/login/", {"username": "owner", "password": "password", "remember": "on"}
    )

    assert plain.status_code == remembered.status_code == 302
    session_cookie = settings.SESSION_COOKIE_NAME
    assert plain.cookies[session_cookie]["max-age"] == ""  # a browser-session cookie
    assert remembered.cookies[session_cookie]["max-age"] == settings.SESSION_REMEMBER_ME_AGE
    assert plain.wsgi_request.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_the_remember_me_choice_can_be_turned_off(db, settings):
    settings.SESSION_REMEMBER_ME_AGE = 0
    assert 'name="remember"' not in Client().get("/accounts/login/").content.decode()
    settings.SESSION_REMEMBER_ME_AGE = 3600
    assert 'name="remember"' in Client().get("/accounts/login/").content.decode()


def test_an_idle_session_expires_and_a_used_one_is_extended(owner, settings):
    """The session row's expiry moves with use (at most one write every few
    minutes), and a session past it is signed out."""

    with time_machine.travel("2026-11-25 09:00 +01:00", tick=False) as clock:
        client = Client()
        client.post("/accounts/login/", {"username": "owner", "password": "password"})
        key = client.session.session_key
        first_expiry = Session.objects.get(session_key=key).expire_date

        clock.shift(3 * 3600)  # working through the morning
        assert client.get("/").status_code == 200
        extended = Session.objects.get(session_key=key).expire_date

        clock.shift(settings.SESSION_COOKIE_AGE + 60)  # left idle past the limit
        idle = client.get("/")

    assert extended - first_expiry >= datetime.timedelta(hours=3)
    assert idle.status_code == 302 and idle["Location"].startswith("/accounts/login/")
