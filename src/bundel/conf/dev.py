"""Local development: `make run`."""

from .base import *  # noqa: F403
from .base import BASE_DIR, cache_from_url, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-not-secret-" + "x" * 40)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Static files straight from the apps' folders (no collectstatic needed).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# SQLite: a write transaction takes the write lock when it begins, so a background thread
# (an import, e-mail) and the server wait their turn (up to 20 s) instead of failing with
# "database is locked" when one writes between the other's read and write.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["OPTIONS"].update(  # noqa: F405
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )

# Background tasks run in the process that starts them: no broker needed.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)

# The cache in files next to the database: `make run`'s server and the commands run beside
# it (an import, a reindex) see the same data versions (bundel.core.versions), so a change
# made by a command shows on the next page. Production: Redis (CACHE_URL).
CACHES = {
    "default": cache_from_url(
        env.cache("CACHE_URL", default=f"filecache://{BASE_DIR / '.cache' / 'django'}")
    )
}
