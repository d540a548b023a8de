"""Settings shared by every environment; values come from the environment (12-factor)."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PACKAGE_DIR.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while an import writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "bundel.core",
    "bundel.accounts",
    "bundel.audit",
    "bundel.registry",
    "bundel.membership",
    "bundel.support",
    "bundel.proposals",
    "bundel.catalogue",
    "bundel.subscriptions",
    "bundel.governance",
    "bundel.tenders",
    "bundel.knowledge",
    "bundel.groups",
    "bundel.events",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "bundel.urls"
WSGI_APPLICATION = "bundel.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# The site's address, for links in e-mails sent outside a request.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Bundel <noreply@bundel.local>")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "bundel.api.pagination.Pagination",
    "PAGE_SIZE": env.int("API_PAGE_SIZE", default=50),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "bundel.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Bundel API",
    "DESCRIPTION": "The registry and services of the Bundel purchasing cooperative.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- Bundel's own settings -------------------------------------------------------------
# The DUO files shipped with the platform and the manifest that says how to import them.
DUO_MANIFEST = env.path("DUO_MANIFEST", default=BASE_DIR / "data" / "duo" / "manifest.toml")
# Rows per page on list pages.
LIST_PAGE_SIZE = env.int("LIST_PAGE_SIZE", default=50)
# Password of the demo accounts that `manage.py setup_demo` creates (development only).
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="bundel-demo-2026")
# Rows written per INSERT/UPDATE batch by the DUO import.
IMPORT_BATCH_SIZE = env.int("IMPORT_BATCH_SIZE", default=2000)
# The real boards the demo accounts of `setup_demo` act for (DUO numbers).
DEMO_BOARD = env.str("DEMO_BOARD", default="41211")
DEMO_COUNCIL_BOARD = env.str("DEMO_COUNCIL_BOARD", default="10249")

# Membership. Notice periods in months; the fee per year by size (EUR, by the board's
# pupils at the latest count date): the schedule that applies to a year is the one with
# the latest starting year at or before it.
NOTICE_MONTHS_BY_MEMBER = env.int("NOTICE_MONTHS_BY_MEMBER", default=12)
NOTICE_MONTHS_BY_COOPERATIVE = env.int("NOTICE_MONTHS_BY_COOPERATIVE", default=6)
SMALL_BOARD_MAX_PUPILS = env.int("SMALL_BOARD_MAX_PUPILS", default=1000)
MEMBERSHIP_FEES = env.json(
    "MEMBERSHIP_FEES",
    default={"2017": {"max_pupils": 1000, "small": "1000.00", "large": "2800.00"}},
)

# Governance: the council's seats spread over the four chambers.
COUNCIL_SEATS = env.int("COUNCIL_SEATS", default=36)
COUNCIL_SEAT_BASIS = env.str("COUNCIL_SEAT_BASIS", default="members")  # or "pupils"
COUNCIL_SEAT_METHOD = env.str("COUNCIL_SEAT_METHOD", default="largest_remainders")
COUNCIL_MIN_SEATS_PER_CHAMBER = env.int("COUNCIL_MIN_SEATS_PER_CHAMBER", default=1)
