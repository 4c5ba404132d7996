"""Settings for the partnership CRM, read from the environment.

Every value that differs between a laptop, CI and production comes from an
environment variable read through the small helpers below, which fail loudly on a
value they cannot understand instead of guessing.
"""

from __future__ import annotations

import datetime
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


def _proxy_header_meta(header: str) -> str:
    """``X-Forwarded-Proto`` as Django's request.META names it."""
    return "HTTP_" + header.strip().upper().replace("-", "_")


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
    "partnerships.admin_site.CrmAdminConfig",  # django.contrib.admin, for admins only
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
    "axes",
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
    "partnerships.middleware.PermissionsPolicyMiddleware",
    "partnerships.middleware.IdleSessionMiddleware",
    # Last, so that it sees the sign-in's outcome and answers a lock-out.
    "axes.middleware.AxesMiddleware",
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
            # Every template's |date writes "1er décembre" in French
            # (partnerships.dates).
            "builtins": ["partnerships.templatetags.dates"],
        },
    },
]

# Database: DATABASE_URL, or a SQLite file in the repository.
DEFAULT_SQLITE_PATH = BASE_DIR / "db.sqlite3"
# Without DEBUG each worker keeps its connection for a minute (checked before
# reuse): opening one per request cost a quarter of the throughput under load
# (docs/operations.md, "Load").
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
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

# One cache that every app server shares, in the database they already share
# (a table made by `manage.py createcachetable`, which `make serve` runs): it
# holds the API's authentication-failure counts per address. A per-process
# memory cache would give each gunicorn worker its own count, multiplying the
# budget by the number of workers; Redis or memcached would be one more
# service to run for a few rows a minute.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "crm_cache",
        "OPTIONS": {"MAX_ENTRIES": 10000},
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # At least 12 characters (OWASP ASVS 2.1.1, level 2).
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule: once any password is saved, the API tokens and the calendar
    # feed address given out under the old one are revoked (issue 11).
    {"NAME": "partnerships.passwords.CredentialsFollowThePassword"},
]
# Sign-in throttling (django-axes, state in the database so that every app
# server sees it): after CRM_SIGNIN_FAILURE_LIMIT failures for one user name
# from one address, that pair is refused for the cool-off, the right password
# included; the sign-in pages say so (partnerships.views.accounts.signin_locked_out).
# Lock-outs are listed, and cleared by deleting them, in the admin (Axes).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("CRM_SIGNIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("CRM_SIGNIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "partnerships.views.accounts.signin_locked_out"
AXES_CLIENT_IP_CALLABLE = "crm.proxy.client_address"
AXES_HTTP_RESPONSE_CODE = 429
# Sign-ins and sign-outs are listed in the admin too (Axes > Access logs;
# `manage.py axes_reset_logs --age 90` from cron keeps the list short), and
# lock-outs are logged as warnings.
LOGIN_URL = "login"
# Filters left empty say what they mean, not Django's "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("Any")
COUNTRIES_FIRST = ["CN", "FR"]
COUNTRIES_FIRST_REPEAT = False  # China and France first, and only there
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
# Office and OpenDocument files are zips: how far one may expand, and how many
# parts it may have (zip bombs are refused); how many pixels an image may have.
DOCUMENT_MAX_EXPANDED_BYTES = env_int("DOCUMENT_MAX_EXPANDED_BYTES", 200 * 1024 * 1024)
DOCUMENT_MAX_ZIP_ENTRIES = env_int("DOCUMENT_MAX_ZIP_ENTRIES", 5000)
DOCUMENT_MAX_IMAGE_PIXELS = env_int("DOCUMENT_MAX_IMAGE_PIXELS", 60_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Where `manage.py backup` writes its archives (docs/operations.md).
BACKUP_DIR = Path(env_str("CRM_BACKUP_DIR", str(BASE_DIR / "backups")))
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

# Security (Django's deployment checklist; `check --deploy --fail-level WARNING`
# passes with DEBUG off, see tests/test_deployment.py). The app runs behind a
# TLS-terminating reverse proxy (docs/operations.md): the proxy sets
# X-Forwarded-Proto, which is how Django knows a request came over HTTPS.
SECURE_COOKIES = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
# The header the proxy sets to "https" (empty: no proxy, Django sees TLS itself).
_PROXY_SSL_HEADER = env_str("DJANGO_SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto")
SECURE_PROXY_SSL_HEADER = (
    (_proxy_header_meta(_PROXY_SSL_HEADER), "https") if _PROXY_SSL_HEADER.strip() else None
)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers and monitors probe the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=False)
# How many proxies in front add themselves to X-Forwarded-For: the client's
# address (sign-in and API throttling) is read that many entries from its end.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0 if DEBUG else 1)

# Sessions live in the database (every app server reads them). A session ends
# after a working day without a request (DJANGO_SESSION_IDLE_MINUTES, refreshed
# by partnerships.middleware.IdleSessionMiddleware) and when the browser
# closes, unless "Remember me" was ticked at sign-in (then it lasts
# DJANGO_SESSION_REMEMBER_DAYS; 0 removes the choice).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_IDLE_MINUTES", 8 * 60) * 60
SESSION_REMEMBER_ME_AGE = env_int("DJANGO_SESSION_REMEMBER_DAYS", 14) * 24 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True  # unless "Remember me" (accounts.SignInView)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
if SECURE_COOKIES:
    # __Host-: the browser keeps the cookie only if it came over HTTPS, for
    # this exact host and path /; no sub-domain can set or read it.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Features no page uses, refused to the page and anything it embeds
# (partnerships.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
SILENCED_SYSTEM_CHECKS = []
if not SECURE_HSTS_PRELOAD:
    # Preloading is a one-way commitment for the whole domain that only its
    # owner can make (DJANGO_HSTS_PRELOAD=true once the domain is ready).
    SILENCED_SYSTEM_CHECKS.append("security.W021")
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
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# Guessing tokens: after this many failed API authentications from one address,
# that address is answered 429 (with Retry-After) until the window has passed,
# whatever it sends (partnerships/api/throttling.py). Empty: no throttling.
API_AUTH_FAILURE_RATE = env_str("CRM_API_AUTH_FAILURE_RATE", "10/min") or None
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
        "MergeSideEnum": "partnerships.lifecycle.MergeSide",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "partnerships.api.schema.require_version_on_patch",
        "partnerships.api.schema.deduplicate_enums",
        "partnerships.api.schema.describe_for_generated_clients",
    ],
}

# Product settings
STALLED_AFTER_DAYS = env_int("CRM_STALLED_AFTER_DAYS", 90)
# How many days before a renewal decision is due the reminder command creates
# the "prepare the renewal" action.
CRM_RENEWAL_LEAD_DAYS = env_int("CRM_RENEWAL_LEAD_DAYS", 60)
# How many days a signed, active partnership may go without a meeting held or
# an action done before its owner's digest and the managers' report flag it.
CRM_DORMANT_AFTER_DAYS = env_int("CRM_DORMANT_AFTER_DAYS", 120)
if CRM_DORMANT_AFTER_DAYS < 1:
    raise ImproperlyConfigured("CRM_DORMANT_AFTER_DAYS must be at least 1.")

# The font family the briefing dossier's PDF needs for Chinese script (Noto
# Sans CJK, from Debian's fonts-noto-cjk); without it the PDF link explains
# what to install and the printable page still works.
CRM_PDF_CJK_FONT = env_str("CRM_PDF_CJK_FONT", "Noto Sans CJK SC")
# The Debian package that provides it, named on the page that explains.
CRM_PDF_CJK_FONT_PACKAGE = "fonts-noto-cjk"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
}
