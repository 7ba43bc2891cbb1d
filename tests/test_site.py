import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent


def test_404_page_uses_the_portal_layout(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.text
    assert 'class="site-header"' in response.text


def test_500_page_renders_without_the_database(settings, db):
    from django.urls import path

    settings.DEBUG = False

    def broken(request):
        raise RuntimeError("boom")

    import clair_portal.urls as root

    settings.ROOT_URLCONF = type(
        "U", (), {"urlpatterns": [path("boom/", broken), *root.urlpatterns]}
    )
    client = Client(raise_request_exception=False)
    from django.db import connection

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(
            connection, "cursor", lambda *a, **k: (_ for _ in ()).throw(AssertionError("db"))
        )
        response = client.get("/boom/")
    assert response.status_code == 500
    assert "エラーが発生しました" in response.text
    assert "boom" not in response.text


def _run_check(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={
            **{
                k: v
                for k, v in os.environ.items()
                if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")
            },
            **env,
        },
        capture_output=True,
        text=True,
    )


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    result = _run_check({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_settings_start_with_a_secret_key_or_in_debug():
    assert (
        _run_check(
            {"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org"}
        ).returncode
        == 0
    )
    assert _run_check({"DEBUG": "1"}).returncode == 0


def test_database_url_selects_the_database():
    code = "import django,os; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "clair_portal.settings",
            "DEBUG": "1",
            "DATABASE_URL": "postgres://u@127.0.0.1:5432/x",
        },
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_pages_are_japanese_whatever_the_browser_asks_for(client, db):
    response = client.get("/offices/", headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="ja">' in response.text
    assert "ソウル事務所" in response.text


def test_health_check_answers_ok_without_querying_the_database(
    client, db, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
