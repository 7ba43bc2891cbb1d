"""Production configuration: check --deploy, health probes, login throttling, sessions."""

import datetime
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import override_settings
from django.utils import timezone

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "clair_portal.production",
    "SECRET_KEY": "x7#Qm2!pL9vR4sT8wY1zB6nC3dF5gH0jK-uE2iO7aS9dF4gH6jK8lZ1xC3vB5nM",
    "ALLOWED_HOSTS": "portal.example.org",
    "DEBUG": "",
}


def manage(*args, **env):
    environment = {**os.environ, **PRODUCTION_ENV, **env}
    environment.setdefault(
        "DATABASE_URL", f"sqlite:///{Path(tempfile.gettempdir()) / 'clair-check.sqlite3'}"
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_debug():
    result = manage("check", DEBUG="1")
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


def test_production_settings_refuse_an_empty_allowed_hosts():
    result = manage("check", ALLOWED_HOSTS="")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must list" in result.stderr


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert (response.status_code, response.text) == (200, "ok")


def test_readyz_answers_ok_while_the_database_does(client):
    assert client.get("/readyz").status_code == 200


def test_readyz_answers_503_when_the_database_does_not(client, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("clair_portal.views.connection", Unreachable())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.text == "database unavailable"


# Login throttling ------------------------------------------------------------------

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(
        "tanaka", password="correct-horse-77", is_staff=True
    )


def attempt(client, password):
    return client.post(LOGIN, {"username": "tanaka", "password": password})


@override_settings(AXES_ENABLED=True)
def test_five_wrong_passwords_lock_the_login_with_a_clear_message(client, staff_user):
    for _ in range(5):
        attempt(client, "wrong")
    response = attempt(client, "correct-horse-77")
    assert response.status_code == 429
    assert "ログインを一時的に停止しています" in response.text
    assert "15 分ほど待ってから" in response.text


PROXY = "10.0.0.5"  # the TLS proxy's own address, as the portal sees every request


def attempt_through_proxy(client, password, visitor, sent_by_visitor=""):
    forwarded = f"{sent_by_visitor}, {visitor}" if sent_by_visitor else visitor
    return client.post(
        LOGIN,
        {"username": "tanaka", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@override_settings(AXES_ENABLED=True, TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_one_visitors_wrong_passwords_do_not_lock_out_another(client, staff_user):
    for _ in range(5):
        attempt_through_proxy(client, "wrong", visitor="203.0.113.7")
    assert attempt_through_proxy(client, "wrong", visitor="203.0.113.7").status_code == 429
    response = attempt_through_proxy(client, "correct-horse-77", visitor="198.51.100.20")
    assert response.status_code == 302 and response["Location"] == "/admin/"


@override_settings(AXES_ENABLED=True, TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_a_forged_forwarded_address_does_not_escape_the_lockout(
    client, staff_user
):
    for n in range(5):
        attempt_through_proxy(client, "wrong", visitor="203.0.113.7", sent_by_visitor=f"1.1.1.{n}")
    response = attempt_through_proxy(
        client, "correct-horse-77", visitor="203.0.113.7", sent_by_visitor="9.9.9.9"
    )
    assert response.status_code == 429


@override_settings(AXES_ENABLED=True, TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(client, staff_user):
    for n in range(5):
        client.post(
            LOGIN,
            {"username": "tanaka", "password": "wrong"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"1.1.1.{n}",
        )
    response = client.post(
        LOGIN,
        {"username": "tanaka", "password": "correct-horse-77"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="9.9.9.9",
    )
    assert response.status_code == 429


@override_settings(AXES_ENABLED=True)
def test_the_lockout_expires_after_the_cool_off(client, staff_user):
    from axes.models import AccessAttempt

    for _ in range(5):
        attempt(client, "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    response = attempt(client, "correct-horse-77")
    assert response.status_code == 302 and response["Location"] == "/admin/"


@override_settings(AXES_ENABLED=True)
def test_staff_sessions_end_with_the_browser(client, staff_user):
    response = attempt(client, "correct-horse-77")
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""


@override_settings(AXES_ENABLED=True)
def test_a_username_longer_than_any_is_refused_before_authenticating(client, staff_user):
    # Found by probing the login with hostile input: Django never checked the
    # username's length, and django-axes recorded the failed login in a
    # 255-character column, a 500 on PostgreSQL.
    from axes.models import AccessAttempt

    response = client.post(LOGIN, {"username": "a" * 10_000, "password": "wrong"})
    assert response.status_code == 200
    assert "150 文字以下" in response.text
    assert not AccessAttempt.objects.exists()


@override_settings(AXES_ENABLED=True)
def test_a_staff_user_still_logs_in_with_the_checked_form(client, staff_user):
    response = attempt(client, "correct-horse-77")
    assert response.status_code == 302 and response["Location"] == "/admin/"
