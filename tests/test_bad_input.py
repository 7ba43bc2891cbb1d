"""Hostile and malformed query strings give a page with a message, never a 500."""

import pytest

from tests.factories import make_report

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [
    "/",
    "/reports/",
    "/offices/",
    "/offices/seoul/",
    "/themes/",
    "/themes/multicultural/",
    "/reports/test-report-x/",
    "/reports/feed/",
    "/offices/seoul/feed/",
    "/themes/multicultural/feed/",
    "/reports/calendar.ics",
    "/reports/test-report-x/calendar.ics",
    "/reports.json",
    "/reports.csv",
]

HOSTILE_QUERIES = [
    "date_from=2025-13-45",
    "date_from=99999-01-01",
    "date_to=2025-01-01&date_from=2025-12-31",
    "office=tokyo",
    "office=%00",
    "theme=no-such-theme",
    "fy=abc",
    "fy=99999999999999999999999",
    "fy=-1",
    "page=abc",
    "page=-3",
    "page=0",
    "page=99999999999999999999999",
    "sort=sideways",
    "q=" + "交" * 5000,
    "q=%00",
    "q=%25%5F%27%3B--",
    "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "q=%E4%BA",  # truncated UTF-8
    "q[]=a&office[]=seoul",
    "q=a&q=b&q=c",
]


@pytest.fixture(autouse=True)
def _one_report():
    make_report(title="悪い入力")


@pytest.mark.parametrize("url", PUBLIC_URLS)
@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_query_strings_never_cause_a_server_error(client, url, query):
    response = client.get(f"{url}?{query}")
    # 400: the JSON's paging parameters name no page (it answers with a message).
    assert response.status_code in (200, 400, 404)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if not response["Content-Type"].startswith("text/calendar"):
        # A calendar is plain text whose name may quote the search as typed; nothing renders it.
        assert "<script>alert(1)</script>" not in body.decode()


@pytest.mark.parametrize(
    "query, message",
    [
        ("date_from=2025-13-45", "日付を正しく入力してください"),
        ("office=tokyo", "tokyo"),
        ("theme=no-such-theme", "no-such-theme"),
        ("fy=abc", "整数を入力してください"),
        ("fy=99999", "2200"),
        ("page=abc", "ページ番号「abc」は正しくない"),
        ("q=" + "a" * 201, "200 文字以内"),
        ("date_from=2025-01-01&date_to=2024-01-01", "終了日は開始日より後"),
    ],
)
def test_invalid_filter_is_explained_and_ignored(client, query, message):
    response = client.get(f"/reports/?{query}")
    assert response.status_code == 200
    assert message in response.text
    assert [r.title for r in response.context["object_list"]] == ["悪い入力"]


def test_control_characters_in_a_search_are_dropped(client):
    response = client.get("/reports/?q=%00%E6%82%AA%E3%81%84")  # NUL + 悪い
    assert [r.title for r in response.context["object_list"]] == ["悪い入力"]


def test_unknown_office_and_theme_pages_are_404(client):
    assert client.get("/offices/tokyo/").status_code == 404
    assert client.get("/themes/no-such-theme/").status_code == 404


@pytest.mark.parametrize(
    "path", ["/reports/%00/", "/reports/a%00b/calendar.ics", "/en/reports/%00/", "/reports/a%20b/"]
)
def test_a_report_address_that_no_slug_can_have_is_404(client, path):
    # Found by tests/test_hostile_sweep.py: on PostgreSQL a NUL character in the
    # slug reached the query, which PostgreSQL refuses: a 500 instead of a 404.
    assert client.get(path).status_code == 404


def test_a_japanese_report_slug_still_resolves(client):
    report = make_report(title="日本語のスラッグ")
    report.slug = "日韓交流_2025-秋"
    report.save()
    assert client.get(report.get_absolute_url()).status_code == 200
    assert client.get(f"{report.get_absolute_url()}calendar.ics").status_code == 200
