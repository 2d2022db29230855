"""Login throttling, sessions, CSP, production settings, upload limits."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crmui.security import validate_upload

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


# --- login throttling ---------------------------------------------------------------------
def test_five_failed_logins_lock_the_username_even_for_the_right_password(client, sales_user):
    from audit.models import AuditEntry

    for _ in range(4):
        response = _login(client, "sally", "wrong")
        assert response.status_code == 200
        assert "correct username and password" in response.content.decode()
    response = _login(client, "sally", "wrong")
    html = response.content.decode()
    assert "Too many failed login attempts" in html and "locked for 15 minutes" in html
    response = _login(client, "sally", "pw-for-tests-1")
    assert response.status_code == 200, "a locked login must be refused even with the right password"
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    actions = list(AuditEntry.objects.filter(username="sally").values_list("action", flat=True))
    assert actions.count("login.failed") == 5, "five passwords were checked and wrong"
    assert actions.count("login.lockout") == 1 and actions.count("login.locked") == 1


def test_lockout_is_per_username_and_address(client, sales_user, manager_user):
    for _ in range(5):
        _login(client, "sally", "wrong", ip="10.0.0.9")
    assert _login(client, "manny", "pw-for-tests-1", ip="10.0.0.9").status_code == 302  # other user, same IP
    client.logout()
    assert _login(client, "sally", "pw-for-tests-1", ip="10.0.0.10").status_code == 302  # same user, other IP


def test_lockout_ends_after_its_time(client, sales_user, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.db.models import F

    for _ in range(5):
        _login(client, "sally", "wrong")
    assert "Too many failed login attempts" in _login(client, "sally", "pw-for-tests-1").content.decode()
    # the last failure was LOGIN_LOCKOUT_SECONDS + 1 ago
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS + 1))
    assert _login(client, "sally", "pw-for-tests-1").status_code == 302


def test_the_limit_and_lock_time_follow_the_settings(client, sales_user, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.LOGIN_LOCKOUT_SECONDS = 120
    assert "Too many" not in _login(client, "sally", "wrong").content.decode()
    assert "locked for 2 minutes" in _login(client, "sally", "wrong").content.decode()


def test_a_successful_login_resets_the_failure_count(client, sales_user):
    for _ in range(4):
        _login(client, "sally", "wrong")
    assert _login(client, "sally", "pw-for-tests-1").status_code == 302
    client.logout()
    for _ in range(4):
        assert "Too many" not in _login(client, "sally", "wrong").content.decode()


def test_the_admin_login_is_throttled_too(client, admin_user):
    for _ in range(5):
        client.post("/admin/login/", {"username": "addie", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    response = client.post("/admin/login/", {"username": "addie", "password": "pw-for-tests-1"}, REMOTE_ADDR="10.0.0.1")
    assert "Too many failed login attempts" in response.content.decode()


def test_logins_and_logouts_are_in_the_audit_trail(client, sales_user):
    from audit.models import AuditEntry

    assert _login(client, "sally", "pw-for-tests-1").status_code == 302
    client.post(reverse("logout"))
    entries = list(
        AuditEntry.objects.filter(username="sally").order_by("id").values_list("action", "outcome", "user_id")
    )
    assert entries == [("login", "ok", sales_user.pk), ("logout", "ok", sales_user.pk)]


def test_failed_login_of_an_unknown_user_is_recorded_without_the_password(client):
    from audit.models import AuditEntry

    _login(client, "mallory", "hunter2-secret")
    entry = AuditEntry.objects.get(action="login.failed")
    assert entry.username == "mallory" and entry.outcome == "failed"
    assert "hunter2" not in str(entry.__dict__)


# --- sessions -----------------------------------------------------------------------------
def test_expired_session_sends_an_htmx_request_to_the_login_as_a_whole_page(sales_client, settings):
    sales_client.cookies[settings.SESSION_COOKIE_NAME] = "expired-or-unknown-session"
    response = sales_client.get(
        reverse("leads:list"), HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/leads/?q=acme"
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("login") + "?next=%2Fleads%2F%3Fq%3Dacme"  # encoded (#14.6)
    assert b"<form" not in response.content
    plain = sales_client.get(reverse("leads:list"))
    assert plain.status_code == 302 and plain["Location"].startswith(reverse("login"))


def test_an_active_session_is_extended_but_not_rewritten_on_every_request(sales_client, settings, monkeypatch):
    from django.contrib.sessions.models import Session

    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 3600 and settings.SESSION_COOKIE_HTTPONLY
    key = sales_client.session.session_key
    sales_client.get(reverse("accounts:index"))
    first = Session.objects.get(session_key=key).expire_date
    sales_client.get(reverse("accounts:index"))
    assert Session.objects.get(session_key=key).expire_date == first, "rewritten within the refresh interval"
    import time as _time

    real = _time.time
    monkeypatch.setattr("crmui.security.time.time", lambda: real() + settings.SESSION_REFRESH_SECONDS + 1)
    monkeypatch.setattr(
        "django.utils.timezone.now",
        lambda: __import__("datetime").datetime.fromtimestamp(
            real() + settings.SESSION_REFRESH_SECONDS + 1, tz=__import__("datetime").timezone.utc
        ),
    )
    sales_client.get(reverse("accounts:index"))
    assert Session.objects.get(session_key=key).expire_date > first


def test_an_idle_session_ends(sales_client, settings):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    key = sales_client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = sales_client.get(reverse("leads:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- CSP and headers ------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/login/", "/settings/", "/healthz", "/settings/audit/"])
def test_every_response_carries_the_content_security_policy(admin_client_, url):
    policy = admin_client_.get(url)["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_no_template_has_inline_script_or_style():
    import re

    offenders = []
    for path in (REPO / "templates").rglob("*.html"):
        text = path.read_text()
        if (
            re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
            or re.search(r"\sstyle\s*=", text)
            or re.search(r"<style", text)
        ):
            offenders.append(str(path.relative_to(REPO)))
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(str(path.relative_to(REPO)) + " (event handler attribute)")
    assert not offenders, offenders


# --- production settings --------------------------------------------------------------------
def _manage(*args, **env):
    e = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "ALLOWED_HOSTS", "DEBUG", "CACHE_URL", "WEB_CONCURRENCY"))
    }
    e.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=e, capture_output=True, text=True, timeout=120
    )


REDIS = "redis://127.0.0.1:6379/0"  # named only: `check` does not connect to it


def test_check_deploy_prints_no_warning_under_production_settings():
    proc = _manage(
        "check",
        "--deploy",
        DJANGO_SETTINGS_MODULE="crmui.settings_production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50)[:50],
        ALLOWED_HOSTS="crm.example.com",
        CACHE_URL=REDIS,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "System check identified no issues" in out, out
    assert "WARNING" not in out and "?: (security" not in out, out


def test_production_settings_refuse_to_start_without_a_real_secret_key():
    proc = _manage(
        "check", DJANGO_SETTINGS_MODULE="crmui.settings_production", ALLOWED_HOSTS="crm.example.com", CACHE_URL=REDIS
    )
    assert proc.returncode != 0
    assert "DJANGO_SECRET_KEY" in proc.stderr


@pytest.mark.parametrize(
    "key,reason",
    [
        ("change-me-change-me-change-me-change-me-change-me-change-me", "placeholder"),
        ("django-insecure-" + "k3j9x0q2m8v7b6n5c4z1a2s3d4f5g6h7j8k9l0p1o2i3u4y5", "placeholder"),
        ("Zt7qW2xR9pL4mK8vN3bH6cJ1fD5gS0aY-Ue_Io", "at least 50"),
        ("ab" * 40, "different characters"),
        ("Kq3#vX9!mZ2@pL7$wR4%" * 3, "repeats itself"),
    ],
)
def test_production_settings_refuse_a_weak_secret_key(key, reason):
    from crmui.deploy_checks import weak_secret_key

    assert reason in (weak_secret_key(key) or "")


def test_a_random_secret_key_is_accepted():
    from crmui.deploy_checks import weak_secret_key

    assert all(weak_secret_key(secrets.token_urlsafe(50)) is None for _ in range(50))


def test_production_settings_refuse_a_weak_key_at_start():
    proc = _manage(
        "check",
        DJANGO_SETTINGS_MODULE="crmui.settings_production",
        ALLOWED_HOSTS="crm.example.com",
        CACHE_URL=REDIS,
        DJANGO_SECRET_KEY="change-me-change-me-change-me-change-me-change-me-change-me",
    )
    assert proc.returncode != 0
    assert "DJANGO_SECRET_KEY is refused in production: it is a placeholder" in proc.stderr


def test_production_settings_refuse_a_per_process_cache_with_several_workers():
    proc = _manage(
        "check",
        DJANGO_SETTINGS_MODULE="crmui.settings_production",
        ALLOWED_HOSTS="crm.example.com",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        WEB_CONCURRENCY="4",
    )
    assert proc.returncode != 0
    assert "The cache (LocMemCache) is per process" in proc.stderr
    assert "Set CACHE_URL to the shared Redis, e.g. CACHE_URL=redis://" in proc.stderr
    single = _manage(
        "check",
        DJANGO_SETTINGS_MODULE="crmui.settings_production",
        ALLOWED_HOSTS="crm.example.com",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        WEB_CONCURRENCY="1",
    )
    assert single.returncode == 0, single.stderr


def test_production_settings_values():
    proc = _manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.DEBUG, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_HSTS_PRELOAD, s.SECURE_CONTENT_TYPE_NOSNIFF, s.X_FRAME_OPTIONS, "
        "s.STORAGES['staticfiles']['BACKEND'].rsplit('.', 1)[-1])",
        DJANGO_SETTINGS_MODULE="crmui.settings_production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="crm.example.com",
        CACHE_URL=REDIS,
    )
    assert proc.stdout.strip().splitlines()[-1] == (
        "False True True True 31536000 True True True DENY CompressedManifestStaticFilesStorage"
    ), proc.stdout + proc.stderr


# --- uploads --------------------------------------------------------------------------------
PDF = b"%PDF-1.4\n%fake but well-formed enough\n"


@pytest.mark.parametrize(
    "name,content,ctype,expected",
    [
        ("offer.pdf", PDF, "application/pdf", None),
        ("offer.PDF", PDF, "application/octet-stream", None),
        ("notes.txt", b"hello", "text/plain", None),
        ("photo.png", b"\x89PNG\r\n\x1a\n....", "image/png", None),
        ("setup.exe", b"MZ....", "application/x-msdownload", "cannot be uploaded"),
        ("page.html", b"<script>", "text/html", "cannot be uploaded"),
        ("image.svg", b"<svg onload=alert(1)>", "image/svg+xml", "cannot be uploaded"),
        ("README", b"text", "text/plain", "without an extension"),
        ("invoice.pdf", b"MZ\x90\x00 an exe renamed", "application/pdf", "its content is a Windows program"),
        ("invoice.pdf", PDF, "text/html", "does not look like a .pdf"),
        ("empty.txt", b"", "text/plain", "is empty"),
    ],
)
def test_validate_upload(name, content, ctype, expected):
    message = validate_upload(SimpleUploadedFile(name, content, content_type=ctype))
    if expected is None:
        assert message is None
    else:
        assert message and expected in message


def test_validate_upload_refuses_files_over_the_size_limit(settings):
    settings.LEAD_FILE_MAX_MB = 1
    message = validate_upload(SimpleUploadedFile("big.txt", b"x" * (1024 * 1024 + 1), content_type="text/plain"))
    assert message == "“big.txt” is 1.0 MB; files can be at most 1 MB."


def test_validate_upload_follows_the_allowed_types_setting(settings):
    settings.LEAD_FILE_ALLOWED_TYPES = {"csv": ["text/csv"]}
    assert validate_upload(SimpleUploadedFile("a.csv", b"a,b", content_type="text/csv")) is None
    assert "Allowed: csv" in validate_upload(SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"))


def test_validate_upload_leaves_the_file_readable_from_the_start():
    f = SimpleUploadedFile("offer.pdf", PDF, content_type="application/pdf")
    assert validate_upload(f) is None
    assert f.read() == PDF


def test_behind_a_trusted_proxy_the_lockout_follows_the_forwarded_address(client, sales_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        client.post(
            reverse("login"),
            {"username": "sally", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    locked = client.post(
        reverse("login"),
        {"username": "sally", "password": "pw-for-tests-1"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7",
    )  # a spoofed left entry changes nothing
    assert "Too many failed login attempts" in locked.content.decode()
    other = client.post(
        reverse("login"),
        {"username": "sally", "password": "pw-for-tests-1"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert other.status_code == 302, "another client behind the same proxy is not locked"
