"""Open data: /reports.json and /reports.csv with the parameters of /reports/."""

import csv
import datetime
import io
import json

import pytest
from django.utils import timezone

from municipalities.models import Partner
from reports.exporting import CSV_COLUMNS
from reports.models import Event, Participant, Report
from tests.factories import make_report

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    assert response.status_code == 200
    assert response.streaming, "exports are streamed"
    return b"".join(response.streaming_content)


def get_json(client, url, status=200) -> dict:
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def get_jsonl(client, url) -> list[dict]:
    response = client.get(url)
    assert response["Content-Type"] == "application/jsonl; charset=utf-8"
    return [json.loads(line) for line in body(response).decode().splitlines()]


def get_csv(client, url) -> list[dict]:
    response = client.get(url)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = body(response)
    assert content.startswith(b"\xef\xbb\xbf")
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    assert reader.fieldnames == CSV_COLUMNS
    return list(reader)


@pytest.fixture
def full_report():
    """A report with every kind of related row, as the admin would enter it."""
    report = make_report(
        title="日韓公務員交流ワークショップ",
        office="seoul",
        themes=("sister-cities", "multicultural"),
        events=(("2025-12-18", "2025-12-19"),),
        venue="ソウル市内",
        city="ソウル",
        summary="52人が集いました。",
        body="一段落目。\n\n二段落目。",
        participants=(
            {"name": "日本の自治体", "country": "JP", "municipalities": 18, "people": 27},
            {"name": "来場者", "people": 800, "qualifier": Participant.Qualifier.ABOUT},
        ),
        photos=1,
        published_at=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC),
    )
    Event.objects.filter(report=report).update(country="KR")
    report.local_governments.add("324485")  # 美郷町（島根県）
    report.partners.add(
        Partner.objects.create(
            name="蔚山広域市", name_en="Ulsan Metropolitan City", country="KR", slug="kr-ulsan"
        )
    )
    Report.objects.filter(pk=report.pk).update(
        title_en="Japan–Korea workshop", summary_en="52 officials met.", source="Vol. 436"
    )
    return Report.objects.get(pk=report.pk)


# JSON --------------------------------------------------------------------------


def test_json_holds_exactly_the_reports_of_the_same_list_in_its_order(client, reports):
    query = "theme=multicultural&sort=oldest"
    listed = [r.title for r in client.get(f"/reports/?{query}").context["object_list"]]
    data = get_json(client, f"/reports.json?{query}")
    assert (
        [r["title"] for r in data["results"]]
        == listed
        == ["パリ多文化", "ソウル多文化", "行事なし"]
    )
    assert data["count"] == 3


def test_json_is_paged_with_the_count_and_a_link_to_the_next_page(client):
    for n in range(25):
        make_report(title=f"報告 {n}")
    data = get_json(client, "/reports.json?office=seoul&page_size=10")
    assert (data["count"], data["page"], len(data["results"])) == (25, 1, 10)
    assert data["next"] == "http://testserver/reports.json?office=seoul&page_size=10&page=2"
    assert data["previous"] is None


def test_json_pages_together_hold_every_report_of_the_list_once(client):
    for n in range(25):
        make_report(title=f"報告 {n}")
    titles, url = [], "/reports.json?page_size=10"
    while url:
        data = get_json(client, url)
        titles += [r["title"] for r in data["results"]]
        url = data["next"]
    assert sorted(titles) == sorted(f"報告 {n}" for n in range(25))


def test_json_last_page_has_no_next_link(client):
    for n in range(25):
        make_report(title=f"報告 {n}")
    data = get_json(client, "/reports.json?page=3&page_size=10")
    assert (len(data["results"]), data["next"]) == (5, None)
    assert data["previous"] == "http://testserver/reports.json?page=2&page_size=10"


def test_json_page_size_defaults_to_100(client):
    assert get_json(client, "/reports.json")["page_size"] == 100


@pytest.mark.parametrize("query", ["page_size=501", "page_size=0", "page=abc", "page=-1"])
def test_json_bad_paging_is_a_400_with_a_message(client, query):
    data = get_json(client, f"/reports.json?{query}", status=400)
    assert "page" in data["error"]


def test_json_page_past_the_end_is_a_404_with_a_message(client, reports):
    data = get_json(client, "/reports.json?page=9", status=404)
    assert "このページはありません" in data["error"]


def test_json_pages_past_ten_thousand_reports_point_to_the_json_lines_file(client):
    data = get_json(client, "/reports.json?page=21&page_size=500", status=400)
    assert "/reports.jsonl" in data["error"]


def test_json_ignores_invalid_parameters_as_the_list_does(client, reports):
    query = "office=tokyo&theme=multicultural&date_to=2025-02-30"
    listed = [r.title for r in client.get(f"/reports/?{query}").context["object_list"]]
    data = get_json(client, f"/reports.json?{query}")
    assert (
        [r["title"] for r in data["results"]]
        == listed
        == ["ソウル多文化", "パリ多文化", "行事なし"]
    )


def test_json_of_a_report_has_every_public_field(client, full_report):
    [data] = get_json(client, "/reports.json")["results"]
    photo = full_report.photos.get()
    assert data == {
        "id": full_report.pk,
        "slug": full_report.slug,
        "url": f"http://testserver/reports/{full_report.slug}/",
        "url_en": f"http://testserver/en/reports/{full_report.slug}/",
        "title": "日韓公務員交流ワークショップ",
        "title_en": "Japan–Korea workshop",
        "summary": "52人が集いました。",
        "summary_en": "52 officials met.",
        "body": "一段落目。\n\n二段落目。",
        "office": {"code": "seoul", "name_ja": "ソウル事務所", "name_en": "Seoul Office"},
        "themes": [
            {
                "slug": "sister-cities",
                "name_ja": "姉妹都市・自治体間交流",
                "name_en": "Sister cities and inter-municipal exchange",
            },
            {
                "slug": "multicultural",
                "name_ja": "多文化共生",
                "name_en": "Multicultural coexistence",
            },
        ],
        "municipalities": [
            {"code": "324485", "name": "美郷町", "prefecture": "島根県", "kind": "town"}
        ],
        "partners": [
            {
                "name": "蔚山広域市",
                "name_en": "Ulsan Metropolitan City",
                "country": "KR",
                "kind": "city",
            }
        ],
        "published_at": "2026-02-01T09:00:00+09:00",
        "updated_at": timezone.localtime(full_report.updated_at).isoformat(),
        "fiscal_year": 2025,
        "source": "Vol. 436",
        "first_date": "2025-12-18",
        "last_date": "2025-12-19",
        "events": [
            {
                "start": "2025-12-18",
                "end": "2025-12-19",
                "venue": "ソウル市内",
                "city": "ソウル",
                "country": "KR",
                "format": "in_person",
            }
        ],
        "participants": [
            {
                "name": "日本の自治体",
                "country": "JP",
                "municipalities": 18,
                "people": 27,
                "qualifier": "exact",
            },
            {
                "name": "来場者",
                "country": "",
                "municipalities": None,
                "people": 800,
                "qualifier": "about",
            },
        ],
        "photos": [
            {
                "url": f"http://testserver{photo.original_url}",
                "caption": "写真 1",
                "alt": "代替テキスト 1",
                "width": 40,
                "height": 30,
            }
        ],
    }


def test_json_leaves_out_private_fields(client, full_report):
    [data] = get_json(client, "/reports.json")["results"]
    for private in ("status", "search_text", "search_title", "created_by", "external_id"):
        assert private not in data


def test_english_json_is_the_same_data(client, full_report):
    assert get_json(client, "/en/reports.json") == get_json(client, "/reports.json")


def test_empty_json_is_still_a_valid_document(client):
    data = get_json(client, "/reports.json?q=存在しない")
    assert (data["count"], data["next"], data["results"]) == (0, None, [])


# JSON Lines ----------------------------------------------------------------------


def test_json_lines_hold_every_report_of_the_list_in_its_order(client, reports):
    query = "theme=multicultural&sort=oldest"
    listed = [r.title for r in client.get(f"/reports/?{query}").context["object_list"]]
    rows = get_jsonl(client, f"/reports.jsonl?{query}")
    assert [row["title"] for row in rows] == listed


def test_json_lines_are_not_paged(client):
    for n in range(25):
        make_report(title=f"報告 {n}")
    assert len(get_jsonl(client, "/reports.jsonl?page=2&page_size=10")) == 25


def test_json_lines_carry_the_same_objects_as_the_json(client, full_report):
    assert get_jsonl(client, "/reports.jsonl") == get_json(client, "/reports.json")["results"]


def test_json_lines_have_as_many_reports_as_the_csv_has_rows(client, reports):
    assert len(get_jsonl(client, "/reports.jsonl")) == len(get_csv(client, "/reports.csv"))


def test_json_can_be_read_from_other_sites(client, reports):
    assert client.get("/reports.json")["Access-Control-Allow-Origin"] == "*"


def test_json_queries_do_not_grow_with_the_number_of_reports(client, django_assert_max_num_queries):
    for n in range(30):
        make_report(
            title=f"報告 {n}",
            themes=("multicultural", "sister-cities"),
            participants=({"name": "来場者", "people": n},),
            photos=n % 2,
        )
    # The list's counts and page (cached per revision), then each kind of related row.
    with django_assert_max_num_queries(12):
        data = get_json(client, "/reports.json?theme=multicultural")
    assert data["count"] == len(data["results"]) == 30


# CSV ---------------------------------------------------------------------------


def test_csv_holds_exactly_the_reports_of_the_same_list_in_its_order(client, reports):
    query = "office=seoul"
    listed = [r.title for r in client.get(f"/reports/?{query}").context["object_list"]]
    rows = get_csv(client, f"/reports.csv?{query}")
    assert (
        [row["title"] for row in rows] == listed == ["ソウル多文化", "ソウル姉妹都市", "行事なし"]
    )


def test_csv_is_an_attachment_named_reports_csv(client, reports):
    response = client.get("/reports.csv")
    assert response["Content-Disposition"] == 'attachment; filename="reports.csv"'


def test_csv_row_flattens_a_report_into_readable_cells(client, full_report):
    [row] = get_csv(client, "/reports.csv")
    photo = full_report.photos.get()
    assert row == {
        "id": str(full_report.pk),
        "slug": full_report.slug,
        "url": f"http://testserver/reports/{full_report.slug}/",
        "url_en": f"http://testserver/en/reports/{full_report.slug}/",
        "title": "日韓公務員交流ワークショップ",
        "title_en": "Japan–Korea workshop",
        "summary": "52人が集いました。",
        "summary_en": "52 officials met.",
        "body": "一段落目。\n\n二段落目。",
        "office_code": "seoul",
        "office_name_ja": "ソウル事務所",
        "office_name_en": "Seoul Office",
        "themes": "sister-cities; multicultural",
        "theme_names_ja": "姉妹都市・自治体間交流; 多文化共生",
        "municipality_codes": "324485",
        "municipality_names": "島根県美郷町",
        "partners": "蔚山広域市 (KR)",
        "published_at": "2026-02-01T09:00:00+09:00",
        "updated_at": timezone.localtime(full_report.updated_at).isoformat(),
        "fiscal_year": "2025",
        "source": "Vol. 436",
        "first_date": "2025-12-18",
        "last_date": "2025-12-19",
        "events": "2025-12-18/2025-12-19 ソウル市内 ソウル KR in_person",
        "participants": "日本の自治体 JP 18自治体 27人; 来場者 約800人",
        "photos": f"http://testserver{photo.original_url}",
    }


def test_csv_leaves_empty_values_blank(client):
    make_report(events=(), fiscal_year=None)
    [row] = get_csv(client, "/reports.csv")
    assert (row["fiscal_year"], row["first_date"], row["events"], row["photos"]) == ("", "", "", "")


def test_csv_counts_stay_japanese_on_english_pages(client):
    make_report(participants=({"name": "来場者", "people": 3000, "qualifier": "at_least"},))
    [row] = get_csv(client, "/en/reports.csv")
    assert row["participants"] == "来場者 3,000人以上"


def test_csv_ignores_invalid_parameters_as_the_list_does(client, reports):
    rows = get_csv(client, "/reports.csv?theme=multicultural&fy=abc&page=-1")
    assert [row["title"] for row in rows] == ["ソウル多文化", "パリ多文化", "行事なし"]


def test_csv_queries_do_not_grow_with_the_number_of_reports(client, django_assert_max_num_queries):
    for n in range(30):
        make_report(
            title=f"報告 {n}",
            themes=("multicultural",),
            participants=({"name": "来場者", "people": n},),
            photos=n % 2,
        )
    # One more than before the reports' local governments and partners were prefetched
    # with the rest of a report's detail (with_detail_data), per chunk, not per report.
    with django_assert_max_num_queries(8):
        rows = get_csv(client, "/reports.csv")
    assert len(rows) == 30


@pytest.mark.parametrize(
    "title",
    [
        '=HYPERLINK("http://evil.example/","クリック")',
        "+1+2",
        "-1+2",
        "@SUM(A1:A2)",
        "\t=1+2",
        "\r=1+2",
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_start_with_a_quote(client, title):
    make_report(title=title)
    [row] = get_csv(client, "/reports.csv")
    assert row["title"] == "'" + title


def test_csv_formula_guard_leaves_numbers_and_plain_text_alone(client):
    make_report(title="日韓交流 = 友好", fiscal_year=None)
    [row] = get_csv(client, "/reports.csv")
    assert (row["title"], row["fiscal_year"]) == ("日韓交流 = 友好", "2025")
