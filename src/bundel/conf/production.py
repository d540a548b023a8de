"""Production: every required value must come from the environment, or start fails.

The security settings below make `manage.py check --deploy` clean (tests/core/test_deploy.py
proves it); each can be loosened through the environment only on purpose."""

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK, cache_from_url, env

DEBUG = False  # never the technical error pages; 404.html / 500.html instead
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# The cache holds the data versions of the cached pages (bundel.core.versions): every web
# process, Celery worker and command must share it (Redis), or a change made by one would
# stay unseen by the others for CACHED_RESULTS_SECONDS.
CACHES = {"default": cache_from_url(env.cache("CACHE_URL"))}

# HTTPS only: the proxy in front says which scheme the client used; plain HTTP is
# redirected, and browsers are told (HSTS) to use HTTPS for a year, subdomains included,
# and that the domain may go on the browsers' preload list.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Cookies: sent over HTTPS only and not readable by scripts. Pages put the CSRF token in
# their forms (and the API docs in their script), so nothing needs to read the cookie.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
CSRF_COOKIE_HTTPONLY = True
# Sessions expire: SESSION_COOKIE_AGE seconds after login (a working day, base.py) at the
# latest, and when the browser closes.
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)

# Headers on every response (SecurityMiddleware, XFrameOptionsMiddleware); the
# Content-Security-Policy comes from base.py (django-csp).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = env.str("SECURE_REFERRER_POLICY", default="same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# The API answers in JSON only: DRF's browsable HTML pages use inline styles that the
# Content-Security-Policy blocks (the API docs are at /api/v1/docs/). API_BROWSABLE=true
# brings them back.
if not env.bool("API_BROWSABLE", default=False):
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = ["rest_framework.renderers.JSONRenderer"]

# Background tasks go to the broker and run on the Celery workers.
CELERY_TASK_ALWAYS_EAGER = False
