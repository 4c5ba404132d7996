"""Settings for the partnership CRM, read from the environment.

Every value that differs between a laptop, CI and production comes from an
environment variable read through the small helpers below, which fail loudly on a
value they cannot understand instead of guessing.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(_TRUE | _FALSE)}, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
# Serving requires a real key unless DEBUG is on: crm/wsgi.py and crm/asgi.py
# refuse to start without one (crm.startup). Management commands (migrate,
# makemigrations, send_reminders) sign nothing and run with this placeholder,
# which `manage.py check --deploy` reports as weak.
SECRET_KEY_IS_SET = bool(SECRET_KEY)
if not SECRET_KEY:
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "django_filters",
    "django_countries",  # its country names in French
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "csp",
    "partnerships",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "partnerships.middleware.SignInRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"
ASGI_APPLICATION = "crm.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partnerships.context_processors.roles",
            ],
        },
    },
]

# Database: DATABASE_URL, or a SQLite file in the repository.
DEFAULT_SQLITE_PATH = BASE_DIR / "db.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several people at once on SQLite: WAL lets readers run beside the writer, the
    # busy timeout makes a writer wait instead of failing, and IMMEDIATE
    # transactions take the write lock up front so two writers never deadlock.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the reports' queries look expensive to the planner
    # (correlated probes over 100,000 partnerships) and PostgreSQL spent half a
    # second compiling each one, more than running it.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
COUNTRIES_FIRST = ["CN", "FR"]
COUNTRIES_FIRST_REPEAT = True
FORM_RENDERER = "partnerships.rendering.FormRenderer"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "partnerships" / "locale"]
# The language switch's cookie lasts a year (Django's default ends with the
# browser session); signing in restores the choice stored on the profile.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "Europe/Paris")
USE_I18N = True
FORMAT_MODULE_PATH = ["crm.formats"]
USE_TZ = True

# Static files are served by the app itself (WhiteNoise): no CDN, works on an intranet.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# In development (and tests) WhiteNoise serves files straight from the source
# folders; in production from STATIC_ROOT, filled by `collectstatic`.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Uploaded documents live outside any public folder; only a permission-checking
# view serves them (there is deliberately no MEDIA_URL route).
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media-not-served/"
DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-mail
EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "crm@localhost")
SITE_URL = env_str("DJANGO_SITE_URL", "http://127.0.0.1:8000")

# Security headers. The pages run under a strict Content-Security-Policy: scripts
# and styles come from our own static files only.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# REST API (partnerships/api/): personal tokens or the session (with CSRF), the
# one permission module, the pages' FilterSets, pages of 50 rows (at most 200).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token class comes first: its WWW-Authenticate header makes an
        # anonymous request a 401 rather than a 403.
        "partnerships.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["partnerships.api.permissions.CrmPermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "partnerships.api.filtering.FilterSetBackend",
        "partnerships.api.filtering.StableOrderingBackend",
    ],
    "DEFAULT_PAGINATION_CLASS": "partnerships.api.pagination.Pagination",
    # JSON bodies; document uploads (multipart) set their own parser.
    "DEFAULT_PARSER_CLASSES": ["partnerships.api.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "partnerships.api.schema.CrmAutoSchema",
    "EXCEPTION_HANDLER": "partnerships.api.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": _("Partnership CRM API"),
    "DESCRIPTION": _(
        "Organizations, contacts, partnerships, meetings, follow-up actions and documents, "
        "with the same rules as the pages. Authenticate with a personal token "
        "(`Authorization: Bearer crm_...`, created on your profile page) or a signed-in "
        "session. See docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs page are for signed-in people with a role, like every page.
    "SERVE_PERMISSIONS": ["partnerships.api.permissions.HasRole"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": False, "displayOperationId": False},
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PartnershipStageEnum": "partnerships.models.Stage",
        "PartnershipStatusEnum": "partnerships.models.Status",
        "PartnershipKindEnum": "partnerships.models.PartnershipKind",
        "CurrencyEnum": "partnerships.models.Currency",
        "PartyRoleEnum": "partnerships.models.PartyRole",
        "MeetingKindEnum": "partnerships.models.MeetingKind",
        "MeetingStatusEnum": "partnerships.models.MeetingStatus",
        "ActionStatusEnum": "partnerships.models.ActionStatus",
        "ActionSideEnum": "partnerships.models.ActionSide",
        "PriorityEnum": "partnerships.models.Priority",
        "OrganizationKindEnum": "partnerships.models.OrganizationKind",
        "MessagingAppEnum": "partnerships.models.MessagingApp",
        "DocumentKindEnum": "partnerships.models.DocumentKind",
        "CountryEnum": "partnerships.api.fields.country_choices",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "partnerships.api.schema.require_version_on_patch",
        "partnerships.api.schema.deduplicate_enums",
    ],
}

# Product settings
STALLED_AFTER_DAYS = env_int("CRM_STALLED_AFTER_DAYS", 90)
# How many days before a renewal decision is due the reminder command creates
# the "prepare the renewal" action.
CRM_RENEWAL_LEAD_DAYS = env_int("CRM_RENEWAL_LEAD_DAYS", 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
}
