"""Production settings pass Django's deployment checks; every page carries the headers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k3y-only-for-the-deploy-check-" + "x9Qz" * 12,
    "ALLOWED_HOSTS": "hoctap.hungyen.gov.vn",
    "CSRF_TRUSTED_ORIGINS": "https://hoctap.hungyen.gov.vn",
    "BEHIND_TLS_PROXY": "1",
    "TRUSTED_PROXY_HOPS": "1",
    "CACHE_URL": "db",
}


def deploy_check(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECURE_", "DJANGO_", "PYTEST")) and k not in PRODUCTION_ENV
    }
    env.update(PRODUCTION_ENV | extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_production_settings_reports_nothing():
    result = deploy_check({})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_notices_a_production_setting_turned_off():
    """The check above can fail: switching HSTS off in production is reported."""
    result = deploy_check({"SECURE_HSTS_SECONDS": "0"})
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_check_deploy_warns_when_limits_would_not_hold_behind_the_proxy():
    """Behind a proxy: with no hop count every client is the proxy; with a per-process
    cache each worker counts on its own. Both are reported."""
    no_hops = deploy_check({"TRUSTED_PROXY_HOPS": "0"})
    assert no_hops.returncode != 0
    assert "hoctap.W001" in no_hops.stdout + no_hops.stderr
    local_cache = deploy_check({"CACHE_URL": ""})
    assert local_cache.returncode != 0
    assert "hoctap.W002" in local_cache.stdout + local_cache.stderr


def test_pages_carry_security_headers(client, db):
    response = client.get("/dang-nhap/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_cookies_are_http_only_and_idle_sessions_expire():
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert not settings.SESSION_SAVE_EVERY_REQUEST  # IdleSessionMiddleware saves it instead
    assert "core.middleware.IdleSessionMiddleware" in settings.MIDDLEWARE
    assert int(os.environ.get("SESSION_IDLE_SECONDS", 8 * 3600)) == settings.SESSION_COOKIE_AGE
    assert settings.PASSWORD_HASHERS[-2:] == [
        "accounts.hashers.OwaspArgon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


def test_forms_refuse_a_post_without_the_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["cuong"])
    response = client.post("/so/ho/them/", {"code": "PH-777"})
    assert response.status_code == 403


def test_an_idle_session_expires(world):
    """After SESSION_IDLE_SECONDS without a request the session is gone (login again)."""
    import datetime as dt

    from django.contrib.sessions.models import Session
    from django.test import Client
    from django.utils import timezone

    client = Client()
    client.force_login(world.users["cuong"])
    assert client.get("/so/ho/").status_code == 200
    idle = timezone.now() - dt.timedelta(seconds=1)
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=idle)
    response = client.get("/so/ho/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_an_active_session_is_saved_again_only_after_the_refresh_interval(world):
    """Each page view does not write the session; once SESSION_REFRESH_SECONDS have passed
    since it was last saved, the next page pushes its idle timeout SESSION_COOKIE_AGE on."""
    import datetime as dt

    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(world.users["cuong"])
    assert client.get("/so/ho/").status_code == 200
    key = client.session.session_key
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/so/ho/").status_code == 200
    assert not [
        q
        for q in queries.captured_queries
        if "django_session" in q["sql"]
        and (q["sql"].startswith("UPDATE") or q["sql"].startswith("INSERT"))
    ]
    # Backdate the last save by the interval: the next page saves the session again.
    session = Session.objects.get(session_key=key)
    data = session.get_decoded()
    data["_seen"] -= settings.SESSION_REFRESH_SECONDS
    old_expiry = session.expire_date - dt.timedelta(hours=1)
    Session.objects.filter(session_key=key).update(
        session_data=Session.objects.encode(data), expire_date=old_expiry
    )
    assert client.get("/so/ho/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date > old_expiry + dt.timedelta(minutes=59)
