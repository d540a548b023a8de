"""Production settings (bundel.conf.production): `check --deploy` is clean, and the
responses carry the security headers and cookie flags those settings promise.

The production module reads its required values from the environment, so it is loaded in
a child process with them set, as an operator's server would; the header tests then run
in this process under the values that module produced."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from ..factories import UserFactory

SECURITY_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "SESSION_COOKIE_AGE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "X_FRAME_OPTIONS",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
]

CHILD = """
import io, json, sys
import django
from django.conf import settings
from django.core.management import call_command
django.setup()
out = io.StringIO()
call_command("check", deploy=True, fail_level="WARNING", stdout=out, stderr=out)
names = sys.argv[1:]
print(json.dumps({
    "check": out.getvalue(),
    "settings": {n: getattr(settings, n) for n in names},
    "renderers": settings.REST_FRAMEWORK.get("DEFAULT_RENDERER_CLASSES"),
}))
"""


def production(tmp_path, **extra: str | None) -> subprocess.CompletedProcess:
    """Load bundel.conf.production in a child process with only the required values set
    (plus `extra`; None leaves a value out), run `check --deploy` there and print the
    security settings."""
    keep = ("PATH", "HOME", "LANG", "PYTHONPATH", "VIRTUAL_ENV")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bundel.conf.production",
            "SECRET_KEY": "q8Zt3-pV0xR!m2Lw9yHc7@Jb4Nf6Ke1Ds5Ga0Uo3Ti8Xr2Ey7Wq9Pz4Vn6Mk1Lj",
            "ALLOWED_HOSTS": "bundel.example.nl",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
            "CACHE_URL": "redis://127.0.0.1:6379/2",
            **extra,
        }
    )
    env = {name: value for name, value in env.items() if value is not None}
    return subprocess.run(
        [sys.executable, "-c", CHILD, *SECURITY_SETTINGS, "CONTENT_SECURITY_POLICY"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def production_settings(tmp_path_factory) -> dict:
    result = production(tmp_path_factory.mktemp("deploy"))
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["check"].strip() == "System check identified no issues (0 silenced)."
    # The API answers JSON only: DRF's browsable pages would break the strict policy.
    assert report["renderers"] == ["rest_framework.renderers.JSONRenderer"]
    assert "report-uri" not in report["settings"].pop("CONTENT_SECURITY_POLICY")["DIRECTIVES"]
    return report["settings"]


def test_check_deploy_is_clean_and_the_settings_are_safe_by_default(production_settings):
    assert production_settings == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_AGE": 8 * 3600,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
    }


def test_check_deploy_fails_when_a_setting_is_loosened(tmp_path):
    """The check is not silenced: turning HSTS off through the environment is reported."""
    result = production(tmp_path, SECURE_HSTS_SECONDS="0", SESSION_COOKIE_SECURE="false")

    assert result.returncode != 0
    assert "security.W004" in result.stderr  # no HSTS
    assert "security.W012" in result.stderr  # session cookie not secure


def test_browsers_report_policy_violations_where_the_setting_says(tmp_path):
    result = production(tmp_path, CSP_REPORT_URI="https://csp.example.nl/report")

    report = json.loads(result.stdout.strip().splitlines()[-1])
    policy = report["settings"]["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert policy["report-uri"] == ["https://csp.example.nl/report"]
    assert policy["script-src"] == ["'self'"]


def test_production_refuses_to_start_without_its_secret_key(tmp_path):
    result = production(tmp_path, SECRET_KEY=None)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_its_shared_cache(tmp_path):
    """The cached pages' data versions live in the cache: a cache per process would hide
    one process's changes from the others."""
    result = production(tmp_path, CACHE_URL=None)

    assert result.returncode != 0
    assert "CACHE_URL" in result.stderr


@pytest.fixture
def as_production(settings, production_settings):
    for name, value in production_settings.items():
        setattr(settings, name, tuple(value) if isinstance(value, list) else value)
    return settings


# As the proxy in front forwards a request that came in over HTTPS.
HTTPS = {"headers": {"host": "bundel.example.nl", "x-forwarded-proto": "https"}}


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(client, as_production):
    as_production.ALLOWED_HOSTS = ["bundel.example.nl"]

    response = client.get(
        "/registry/boards/", headers={"host": "bundel.example.nl", "x-forwarded-proto": "http"}
    )

    assert response.status_code == 301
    assert response["Location"] == "https://bundel.example.nl/registry/boards/"


@pytest.mark.django_db
def test_a_page_over_https_carries_the_security_headers(client, as_production):
    response = client.get("/accounts/login/", **HTTPS)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    csrf = response.cookies[settings.CSRF_COOKIE_NAME]
    assert (csrf["secure"], csrf["httponly"], csrf["samesite"]) == (True, True, "Lax")


@pytest.mark.django_db
def test_the_session_cookie_is_secure_and_the_session_ends_after_eight_hours(client, as_production):
    UserFactory(username="lotte")
    login = client.get("/accounts/login/", **HTTPS)
    token = login.cookies[settings.CSRF_COOKIE_NAME].value
    client.handler.enforce_csrf_checks = True

    response = client.post(
        "/accounts/login/",
        {"username": "lotte", "password": "correct-horse-battery", "csrfmiddlewaretoken": token},
        headers={**HTTPS["headers"], "referer": "https://bundel.example.nl/accounts/login/"},
    )

    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert (session["secure"], session["httponly"], session["samesite"]) == (True, True, "Lax")
    assert session["max-age"] == ""  # a browser-session cookie: gone when the browser closes
    stored = Session.objects.get(session_key=session.value)
    expected = timezone.now() + timedelta(hours=8)
    assert abs(stored.expire_date - expected) < timedelta(minutes=1)


@pytest.mark.django_db
def test_an_unknown_page_is_the_sites_404_not_a_debug_page(client, as_production):
    response = client.get("/no-such-page/", **HTTPS)

    assert response.status_code == 404
    html = response.content.decode()
    assert "<nav" in html
    assert "Traceback" not in html
    assert "URLconf" not in html
