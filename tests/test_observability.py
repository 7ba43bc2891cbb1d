"""Request ids, the structured request log, and the 503 page of a database outage."""

import json
import logging
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client

from clair_portal.observability import JsonFormatter
from tests.factories import make_report

pytestmark = pytest.mark.django_db

OUTAGE = mock.patch(
    "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
    side_effect=OperationalError('connection to server at "127.0.0.1", port 5432 failed'),
)


def request_lines(caplog):
    return [
        json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "clair.request"
    ]


def test_every_response_carries_a_request_id(client):
    response = client.get("/reports/")
    assert len(response["X-Request-ID"]) == 32


def test_a_proxys_request_id_is_kept(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.42"})
    assert response["X-Request-ID"] == "lb-7f3a.42"


@pytest.mark.parametrize("offered", ["a" * 65, "x\ny", '"}{"level":"ERROR', ""])
def test_an_unsafe_request_id_is_replaced(client, offered):
    response = client.get("/healthz", headers={"X-Request-ID": offered})
    assert response["X-Request-ID"] != offered
    assert len(response["X-Request-ID"]) == 32


def test_each_request_is_logged_once_as_json_with_id_status_and_duration(client, caplog):
    caplog.set_level(logging.INFO, logger="clair.request")
    response = client.get("/reports/?q=交流")
    [line] = request_lines(caplog)
    assert line["request_id"] == response["X-Request-ID"]
    assert line["method"] == "GET"
    assert line["path"] == "/reports/"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0


def test_the_log_holds_no_query_string_cookie_or_password(client, caplog, django_user_model):
    caplog.set_level(logging.INFO)
    django_user_model.objects.create_user("tanaka", password="pw-secret-9876", is_staff=True)
    client.post("/admin/login/?next=/admin/", {"username": "tanaka", "password": "pw-secret-9876"})
    client.get("/reports/?q=山田太郎")
    logged = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert "pw-secret-9876" not in logged
    assert "山田太郎" not in logged
    assert "sessionid" not in logged
    assert "tanaka" not in logged


def test_a_signed_in_user_is_logged_by_number(admin_client_logged_in, caplog):
    caplog.set_level(logging.INFO, logger="clair.request")
    admin_client_logged_in.get("/admin/")
    [line] = request_lines(caplog)
    assert isinstance(line["user_id"], int)


def test_a_server_error_is_logged_with_its_request_id_and_type(caplog):
    caplog.set_level(logging.INFO)
    client = Client(raise_request_exception=False)
    with mock.patch("reports.views.ReportListView.get", side_effect=ValueError("boom")):
        response = client.get("/reports/")
    assert response.status_code == 500
    [error] = [r for r in caplog.records if r.name == "django.request"]
    entry = json.loads(JsonFormatter().format(error))
    assert entry["request_id"] == response["X-Request-ID"]
    assert entry["error"]["type"] == "builtins.ValueError"
    assert entry["status_code"] == 500
    assert "\n" not in JsonFormatter().format(error)


@pytest.mark.parametrize("url", ["/", "/reports/", "/reports/?office=seoul", "/reports/feed/"])
def test_a_database_outage_gets_the_503_page_with_retry_after(url):
    make_report(title="停止中")
    client = Client(raise_request_exception=False)
    with OUTAGE:
        response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "ただいまご利用いただけません" in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_a_database_outage_while_saving_in_the_admin_is_a_503(admin_client_logged_in):
    admin_client_logged_in.raise_request_exception = False
    with OUTAGE:
        response = admin_client_logged_in.post("/admin/reports/report/add/", {"title": "x"})
    assert response.status_code == 503
    assert "送信されていません" in response.content.decode()


def test_readyz_reports_the_outage_and_healthz_does_not():
    client = Client(raise_request_exception=False)
    with OUTAGE:
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").status_code == 200


def test_other_server_errors_keep_the_500_page():
    client = Client(raise_request_exception=False)
    with mock.patch("reports.views.ReportListView.get", side_effect=ValueError("boom")):
        response = client.get("/reports/")
    assert response.status_code == 500
    assert "エラーが発生しました" in response.content.decode()
    assert not response.has_header("Retry-After")


def test_the_503_page_is_in_english_under_en():
    client = Client(raise_request_exception=False)
    with OUTAGE:
        response = client.get("/en/reports/")
    assert "Temporarily unavailable" in response.content.decode()


def test_a_503_from_readyz_is_logged_with_its_request_id(caplog):
    # Django logs a view's own 5xx after the middleware has returned.
    caplog.set_level(logging.INFO)
    client = Client(raise_request_exception=False)
    with OUTAGE:
        response = client.get("/readyz")
    [error] = [r for r in caplog.records if r.name == "django.request"]
    assert json.loads(JsonFormatter().format(error))["request_id"] == response["X-Request-ID"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram wrapper is PostgreSQL's")
def test_a_connection_lost_before_a_bigram_search_is_django_s_operational_error():
    import psycopg2

    from reports.search import index_only_plans

    lost = mock.Mock()
    lost.connection.cursor.side_effect = psycopg2.OperationalError("server closed the connection")
    lost.wrap_database_errors = connection.wrap_database_errors
    with pytest.raises(OperationalError):
        index_only_plans(mock.Mock(), "SELECT clair_bigrams(x)", (), False, {"connection": lost})


def test_an_anonymous_request_logs_user_id_null(client, caplog):
    caplog.set_level(logging.INFO, logger="clair.request")
    client.get("/healthz")
    [line] = request_lines(caplog)
    assert line["user_id"] is None
