"""Settings shared by every environment; values come from the environment (12-factor)."""

from decimal import Decimal
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
    "bundel.bidding",
    "bundel.contracts",
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
# How long to wait for the mail server (seconds); without it a hung server would hold a
# worker forever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# E-mails go through an outbox (bundel.core.mail): a message the mail server refuses is
# tried again after 1, 2, 4 ... minutes (at most 6 hours apart), this many times in all.
MAIL_MAX_ATTEMPTS = env.int("MAIL_MAX_ATTEMPTS", default=10)

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
# Lists that are the same for everyone (the registry's pages and API, the support
# dashboard, knowledge search per audience) are cached under a version of their data that
# moves with every change (bundel.core.versions); this bounds how long an unused entry
# is kept.
CACHED_RESULTS_SECONDS = env.int("CACHED_RESULTS_SECONDS", default=3600)
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
# Governance: terms, bodies, proxies and the quorum of decisions.
GOVERNANCE_TERM_YEARS = env.int("GOVERNANCE_TERM_YEARS", default=4)
BOARD_SEATS = env.int("BOARD_SEATS", default=5)
SUPERVISORY_MIN_SEATS = env.int("SUPERVISORY_MIN_SEATS", default=3)
SUPERVISORY_MAX_SEATS = env.int("SUPERVISORY_MAX_SEATS", default=5)
ELECTION_MAX_PROXIES = env.int("ELECTION_MAX_PROXIES", default=2)
# Share of those entitled to vote who must cast a vote (abstaining counts) for a decision.
DECISION_QUORUM = Decimal(env.str("DECISION_QUORUM", default="0.5"))
GOVERNANCE_UPLOAD_MAX_BYTES = env.int("GOVERNANCE_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)

# Tenders: Dutch procurement law as data (Aanbestedingswet 2012). The EU threshold for
# supplies and services of sub-central contracting authorities by the date it starts
# (EUR; the latest start on or before a tender's notice date applies; a value equal to or
# above it requires a European procedure). Minimum time limits in days: bids in the open
# procedure from the notice; requests to participate from the notice; bids in the
# restricted procedure from the invitation to tender; minus the electronic reduction when
# bids are submitted electronically; plus the extra days (open) when the documents are not
# freely available online.
TENDER_EU_THRESHOLDS = env.json("TENDER_EU_THRESHOLDS", default={"2026-01-01": "216000.00"})
TENDER_OPEN_BIDS_DAYS = env.int("TENDER_OPEN_BIDS_DAYS", default=45)
TENDER_REQUESTS_DAYS = env.int("TENDER_REQUESTS_DAYS", default=30)
TENDER_RESTRICTED_BIDS_DAYS = env.int("TENDER_RESTRICTED_BIDS_DAYS", default=40)
TENDER_ELECTRONIC_REDUCTION_DAYS = env.int("TENDER_ELECTRONIC_REDUCTION_DAYS", default=5)
TENDER_OFFLINE_DOCUMENTS_EXTRA_DAYS = env.int("TENDER_OFFLINE_DOCUMENTS_EXTRA_DAYS", default=5)
# The standstill period (Alcatel) in days after the award decision is sent; the contract
# may be signed from the day after it ends.
TENDER_STANDSTILL_DAYS = env.int("TENDER_STANDSTILL_DAYS", default=20)

# Events: the reminder e-mail goes this many days before an event starts (the daily
# `events_remind` command sends it).
EVENTS_REMINDER_DAYS_BEFORE = env.int("EVENTS_REMINDER_DAYS_BEFORE", default=1)

# Member groups (bundel.groups): the longest post (characters), the largest file a group
# accepts (bytes), and how people hear of new posts by e-mail until they choose
# ("immediately", "daily" digest, or "off").
GROUPS_POST_MAX_LENGTH = env.int("GROUPS_POST_MAX_LENGTH", default=10_000)
GROUPS_FILE_MAX_BYTES = env.int("GROUPS_FILE_MAX_BYTES", default=10 * 1024 * 1024)
GROUPS_EMAIL_DEFAULT = env.str("GROUPS_EMAIL_DEFAULT", default="daily")

# Knowledge base: the largest file staff may upload (bytes), and the PostgreSQL text
# search configuration of the index (after changing it: manage.py knowledge_reindex).
KNOWLEDGE_UPLOAD_MAX_BYTES = env.int("KNOWLEDGE_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
KNOWLEDGE_SEARCH_CONFIG = env.str("KNOWLEDGE_SEARCH_CONFIG", default="dutch")

# Governance (council, bodies and meetings): the API schema's name for the kinds of
# meeting (another app's "kind" would otherwise give it a hashed name).
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})["MeetingKindEnum"] = (
    "bundel.governance.constants.MeetingKind"
)
# Security (production readiness): one schema name per choice set that several apps or
# serializers share a field name for (a "state" or a "by"), so `check --deploy` is clean.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "NoticeByEnum": "bundel.membership.constants.NoticeBy",
        "DocumentStateEnum": "bundel.knowledge.constants.DocumentState",
        "RegistrationStateEnum": "bundel.events.constants.RegistrationState",
    }
)

# Framework contracts (bundel.contracts): the longest term of a framework contract in years
# (directive 2014/24/EU, art. 33: at most 4 years save exceptions); a longer term is refused
# with the latest allowed end date.
CONTRACT_MAX_YEARS = env.int("CONTRACT_MAX_YEARS", default=4)

# Background work (Celery with Redis as the broker). The broker (and where task results
# are kept); with CELERY_TASK_ALWAYS_EAGER the tasks run in the process that starts them
# and no broker is needed (the default of `make run` and `make test`, see dev.py and
# test.py; production runs them on workers). Without a broker a long task started from a
# page (the proposals batch) runs in a thread of the web process, so the page can show its
# progress (TASKS_EAGER_IN_THREAD; the tests run it in the caller). The daily jobs run on
# `celery -A bundel beat` at the times of CELERY_BEAT_SCHEDULE (Dutch time).
from celery.schedules import crontab  # noqa: E402

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="redis://127.0.0.1:6379/1")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task not acknowledged within this time (a worker died) is given to another worker;
# longer than the longest task (the proposals batch takes ~20 minutes for 1,200 boards).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600}
CELERY_RESULT_EXPIRES = env.int("CELERY_RESULT_EXPIRES", default=24 * 3600)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
TASKS_EAGER_IN_THREAD = env.bool("TASKS_EAGER_IN_THREAD", default=True)
CELERY_BEAT_SCHEDULE = {
    "membership-tick": {
        "task": "bundel.core.tasks.membership_tick",
        "schedule": crontab(hour=1, minute=0),
    },
    "subscriptions-tick": {
        "task": "bundel.core.tasks.subscriptions_tick",
        "schedule": crontab(hour=1, minute=15),
    },
    "groups-digest": {
        "task": "bundel.core.tasks.groups_digest",
        "schedule": crontab(hour=6, minute=30),
    },
    "events-remind": {
        "task": "bundel.core.tasks.events_remind",
        "schedule": crontab(hour=8, minute=0),
    },
    # E-mails queued while the broker was away, and those due for another try.
    "send-emails": {
        "task": "bundel.core.tasks.send_emails",
        "schedule": crontab(minute="*/5"),
    },
}

# Bidding (bundel.bidding): tender documents and bid attachments are PDFs (by content) of
# at most this many bytes; a bid has at most this many attachments; suppliers ask
# questions until this many days before a tender's closing time.
BIDDING_UPLOAD_MAX_BYTES = env.int("BIDDING_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
BIDDING_MAX_ATTACHMENTS = env.int("BIDDING_MAX_ATTACHMENTS", default=10)
BIDDING_QUESTIONS_CLOSE_DAYS_BEFORE = env.int("BIDDING_QUESTIONS_CLOSE_DAYS_BEFORE", default=10)


# The cache, shared by every web process when it is Redis (e.g. redis://127.0.0.1:6379/2);
# the default keeps it in each process. Sessions are in the database either way.
def cache_from_url(config: dict) -> dict:
    """A cache setting from a CACHE_URL: Redis through bundel.core.cache (Django's backend
    with one client per connection pool)."""
    if config["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        config["BACKEND"] = "bundel.core.cache.RedisCache"
    return config


CACHES = {"default": cache_from_url(env.cache("CACHE_URL", default="locmemcache://"))}

# Security (production readiness): the Content-Security-Policy of every response
# (django-csp). Scripts, styles and images come from this site only: no inline <script>,
# no style="" or on...="" attribute in any page, no eval; nothing may frame a page. Only
# the API docs (Swagger UI) add inline styles for themselves (bundel.api.urls).
# CSP_REPORT_URI: where browsers report a blocked resource (empty: no reports).
INSTALLED_APPS += ["csp"]
MIDDLEWARE += ["csp.middleware.CSPMiddleware"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
if csp_report_uri := env.str("CSP_REPORT_URI", default=""):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [csp_report_uri]

# Accounts (bundel.accounts): logins. See docs/logins.md.
# Two-factor authentication (django-otp, TOTP): the roles that must set up an authenticator
# app at their first login and give its code at every login (anyone with admin access
# counts as staff); other roles may choose it. TOTP_ISSUER names the site in the app.
# The demo's staff and supplier logins get an app with DEMO_TOTP_SECRET (base32; DEBUG
# only, setup_demo). Until the code is given, such a user reaches only the pages that ask
# for it; the admin and the API (session) refuse them too.
from datetime import timedelta  # noqa: E402

TWO_FACTOR_REQUIRED_ROLES = env.list("TWO_FACTOR_REQUIRED_ROLES", default=["staff", "supplier"])
OTP_TOTP_ISSUER = env.str("TOTP_ISSUER", default="Bundel")
DEMO_TOTP_SECRET = env.str("DEMO_TOTP_SECRET", default="BUNDELDEMOGEHEIMVOORTESTERSABCDE")
INSTALLED_APPS[INSTALLED_APPS.index("django.contrib.admin")] = (
    "bundel.accounts.admin_site.AdminConfig"  # the admin asks for the second factor too
)
INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1,
    "bundel.accounts.middleware.SecondFactorMiddleware",
)
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "bundel.accounts.api_auth.VerifiedSessionAuthentication",
    "rest_framework.authentication.TokenAuthentication",
]
# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins in a row for one
# account from one address, that account is blocked from that address for
# AXES_COOLOFF_MINUTES (each further failure starts the wait again); staff can unblock in
# the admin (Access attempts). Behind reverse proxies set TRUSTED_PROXY_COUNT to their
# number, so the address counted is the client's (from X-Forwarded-For), not the proxy's.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "bundel.accounts.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "bundel.accounts.throttling.client_ip"
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a blocked account+address
    "bundel.accounts.backends.AccountBackend",  # Django's, reading the user with their board
]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
# Lockouts are logged as warnings; each failed login at INFO (AXES_LOG_LEVEL=INFO).
LOGGING.setdefault("loggers", {})["axes"] = {"level": env.str("AXES_LOG_LEVEL", default="WARNING")}
# Passwords: Django's validators, at least PASSWORD_MIN_LENGTH characters (the demo
# password bundel-demo-2026 passes them all). Sessions end SESSION_COOKIE_AGE seconds after
# login (a working day), whatever is done meanwhile.
PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=12)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
# Sessions are stored in the database and read through the cache (written to both): a
# logged-in request reads its session without a query.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
