"""Test runs: `make test` (DATABASE_URL selects PostgreSQL)."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret-" + "x" * 40
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Static files straight from the apps' folders (no collectstatic needed).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# A cache per test process, whatever CACHE_URL says (the test processes of pytest-xdist must
# not share cached pages or data versions, nor empty each other's cache).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background tasks run in the caller, at once: no broker, no thread.
CELERY_TASK_ALWAYS_EAGER = True
TASKS_EAGER_IN_THREAD = False

# Accounts: the tests log in (force_login, and the browser journeys through the login form)
# without an authenticator app, so no role requires one here; the tests of the second
# factor and the permission matrix require it again (settings.TWO_FACTOR_REQUIRED_ROLES).
# Login throttling (django-axes) stays on.
TWO_FACTOR_REQUIRED_ROLES = []
