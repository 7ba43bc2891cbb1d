"""Reports linked to Japan's local governments and partners abroad: filters, counts,
the import format, and linking from a report's text (issue 15)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from municipalities.models import Partner
from reports.models import Report
from tests.factories import make_report
from tests.test_import_export import import_errors, import_file, line, write_jsonl

pytestmark = pytest.mark.django_db

LIST = "/reports/"
MISATO_SHIMANE, MISATO_AKITA, HAGI, TOBA = "324485", "054348", "352047", "242110"


@pytest.fixture
def ulsan():
    return Partner.objects.create(
        name="蔚山広域市", name_en="Ulsan Metropolitan City", country="KR", slug="kr-ulsan"
    )


@pytest.fixture
def linked(ulsan):
    shimane = make_report(title="美郷町の交流", office="seoul")
    shimane.local_governments.add(MISATO_SHIMANE)
    shimane.partners.add(ulsan)
    yamaguchi = make_report(title="萩市の交流", office="paris")
    yamaguchi.local_governments.add(HAGI)
    mie = make_report(title="鳥羽市の交流", office="seoul")
    mie.local_governments.add(TOBA)
    draft = make_report(title="下書き", office="seoul", status="draft")
    draft.local_governments.add(MISATO_SHIMANE)
    make_report(title="自治体なし", office="seoul")
    return shimane, yamaguchi, mie


def titles(response) -> list[str]:
    return sorted(report.title for report in response.context["object_list"])


def facet(response, kind) -> dict:
    return {o["value"]: o["count"] for o in response.context["facets"][kind]}


def test_municipality_filter_lists_the_reports_linked_to_it(client, linked):
    assert titles(client.get(LIST, {"municipality": MISATO_SHIMANE})) == ["美郷町の交流"]


def test_prefecture_filter_includes_its_municipalities(client, linked):
    assert titles(client.get(LIST, {"prefecture": "32"})) == ["美郷町の交流"]


def test_several_prefectures_are_either_of_them(client, linked):
    assert titles(client.get(LIST, {"prefecture": ["32", "35"]})) == ["美郷町の交流", "萩市の交流"]


def test_country_filter_finds_a_partner_from_that_country(client, linked):
    assert titles(client.get(LIST, {"country": "KR"})) == ["美郷町の交流"]


def test_country_filter_finds_an_event_held_in_that_country(client, linked):
    report = make_report(title="パリの見本市", office="paris")
    report.events.update(country="FR")
    assert titles(client.get(LIST, {"country": "FR"})) == ["パリの見本市"]


def test_place_filters_combine_with_the_office(client, linked):
    assert titles(client.get(LIST, {"prefecture": ["32", "24"], "office": "seoul"})) == [
        "美郷町の交流",
        "鳥羽市の交流",
    ]


def test_prefecture_counts_ignore_the_prefecture_selection_and_drafts(client, linked):
    counts = facet(client.get(LIST, {"prefecture": "32"}), "prefecture")
    assert (counts["32"], counts["35"], counts["24"], counts["13"]) == (1, 1, 1, 0)


def test_prefecture_counts_follow_the_other_filters(client, linked):
    counts = facet(client.get(LIST, {"office": "seoul"}), "prefecture")
    assert (counts["32"], counts["35"], counts["24"]) == (1, 0, 1)


def test_a_report_counts_once_for_a_country_named_twice(client, linked):
    linked[0].events.update(country="KR")  # an event in Korea and a Korean partner
    assert facet(client.get(LIST), "country") == {"KR": 1}


def test_country_options_are_the_countries_reports_name(client, linked):
    options = client.get(LIST).context["facets"]["country"]
    assert [(o["value"], o["label"]) for o in options] == [("KR", "韓国")]


def test_active_filters_name_the_municipality_with_its_prefecture(client, linked):
    response = client.get(LIST, {"municipality": MISATO_SHIMANE})
    assert response.context["results_summary"] == "美郷町（島根県）: 1件"


def test_an_unknown_municipality_code_is_reported_and_ignored(client, linked):
    response = client.get(LIST, {"municipality": "999999"})
    assert response.status_code == 200
    assert "自治体コード「999999」は見つかりません" in response.text
    assert len(response.context["object_list"]) == 4


def test_an_unknown_prefecture_is_reported_and_ignored(client, linked):
    response = client.get(LIST, {"prefecture": "48"})
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 4


def test_the_feed_follows_the_prefecture_filter(client, linked):
    response = client.get("/reports/feed/", {"prefecture": "35"})
    assert "萩市の交流" in response.text and "美郷町の交流" not in response.text


def test_the_csv_follows_the_municipality_filter(client, linked):
    text = b"".join(client.get("/reports.csv", {"municipality": HAGI}).streaming_content)
    assert "萩市の交流" in text.decode("utf-8-sig") and "美郷町" not in text.decode("utf-8-sig")


# The import format ----------------------------------------------------------------


def test_import_links_the_municipalities_and_partners_a_line_names(tmp_path, ulsan):
    path = write_jsonl(
        tmp_path / "in.jsonl",
        line(
            municipalities=[MISATO_SHIMANE],
            partners=[
                {"name": "蔚山広域市", "name_en": "Ulsan Metropolitan City", "country": "KR"}
            ],
        ),
    )
    import_file(path)
    report = Report.objects.get()
    assert [lg.code for lg in report.local_governments.all()] == [MISATO_SHIMANE]
    assert list(report.partners.all()) == [ulsan]


def test_import_adds_a_partner_it_does_not_know(tmp_path):
    partner = {"name": "オーブ県", "name_en": "Aube", "country": "FR", "kind": "region"}
    import_file(write_jsonl(tmp_path / "in.jsonl", line(partners=[partner])))
    assert Partner.objects.values("name", "slug", "kind").get() == {
        "name": "オーブ県",
        "slug": "fr-aube",
        "kind": "region",
    }


def test_an_unknown_municipality_code_is_a_line_numbered_error_and_nothing_is_written(tmp_path):
    path = write_jsonl(
        tmp_path / "in.jsonl",
        line("first"),
        line("second", slug="second", municipalities=["324480"]),
    )
    message = import_errors(path)
    assert "line 2: municipalities[0] '324480' is not a local government code" in message
    assert not Report.objects.exists()


def test_a_well_formed_code_nobody_has_is_an_error(tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", line(municipalities=["480002"]))
    assert "municipalities[0] '480002': no local government has this code" in import_errors(path)


def test_an_unknown_partner_country_is_a_line_numbered_error(tmp_path):
    partner = {"name": "どこか", "name_en": "Somewhere", "country": "XX"}
    path = write_jsonl(tmp_path / "in.jsonl", line(partners=[partner]))
    assert "line 1: partners[0].country 'XX' is not an ISO 3166-1" in import_errors(path)
    assert not Partner.objects.exists()


def test_export_lists_codes_and_partners(tmp_path, linked):
    out = StringIO()
    call_command("export_reports", stdout=out, stderr=StringIO())
    lines = [json.loads(text) for text in out.getvalue().splitlines()]
    shimane = next(item for item in lines if item["title"] == "美郷町の交流")
    assert shimane["municipalities"] == [MISATO_SHIMANE]
    assert shimane["partners"] == [
        {
            "name": "蔚山広域市",
            "name_en": "Ulsan Metropolitan City",
            "country": "KR",
            "kind": "city",
        }
    ]


# Linking from the text ------------------------------------------------------------


@pytest.fixture
def texts():
    named = make_report(title="島根県美郷町と萩市の職員が訪問", body="萩市の職員も参加しました。")
    ambiguous = make_report(title="美郷町の職員が訪問", body="美郷町で交流会を開きました。")
    return named, ambiguous


def link(*args) -> str:
    out = StringIO()
    call_command("link_municipalities", *args, stdout=out)
    return out.getvalue()


def test_link_municipalities_dry_run_lists_the_links_and_writes_none(texts):
    output = link("--dry-run")
    assert "結び付け予定: 美郷町（島根県）、萩市（山口県）" in output
    assert not Report.local_governments.through.objects.exists()


def test_link_municipalities_links_names_with_their_prefecture(texts):
    link()
    assert sorted(texts[0].local_governments.values_list("code", flat=True)) == [
        MISATO_SHIMANE,
        HAGI,
    ]


def test_link_municipalities_leaves_an_ambiguous_name_with_its_candidates(texts):
    output = link()
    assert "要確認: 「美郷町」は" in output and "美郷町（島根県）" in output
    assert not texts[1].local_governments.exists()


def test_link_municipalities_leaves_reports_staff_have_linked(texts):
    texts[0].local_governments.add(TOBA)
    link()
    assert list(texts[0].local_governments.values_list("code", flat=True)) == [TOBA]


def test_link_municipalities_refuses_an_unknown_office(texts):
    with pytest.raises(CommandError, match="tokyo"):
        link("--office", "tokyo")


def test_the_admin_shows_what_the_text_names(admin_client_logged_in, texts):
    response = admin_client_logged_in.get(f"/admin/reports/report/{texts[1].pk}/change/")
    assert "「美郷町」は" in response.text and "秋田県" in response.text


def test_the_admin_action_links_what_the_text_names(admin_client_logged_in, texts):
    admin_client_logged_in.post(
        "/admin/reports/report/",
        {"action": "link_local_governments", "_selected_action": [texts[0].pk]},
    )
    assert texts[0].local_governments.count() == 2


# The demo data ----------------------------------------------------------------------


def test_the_demo_links_the_local_governments_the_seed_names():
    call_command("load_demo", stdout=StringIO())
    linked = {
        report.external_id: sorted(lg.name for lg in report.local_governments.all())
        for report in Report.objects.prefetch_related("local_governments")
        if report.local_governments.all()
    }
    assert linked == {
        "forum-436-seoul-officials-workshop": ["萩市"],
        "forum-436-paris-aube-seminar": ["鳥羽市"],
        "forum-436-singapore-knowledge-exchange": ["東京都", "横浜市", "美郷町"],
        "forum-436-beijing-nagasaki-consulate-40th": ["長崎県"],
        "forum-436-multicultural-division-collaboration-support": ["島根県", "鳥取県"],
        "forum-436-exchange-division-sydney-seminar": ["東京都", "黒石市"],
        "forum-436-citizens-plaza-training": ["那覇市"],
    }


def test_the_demo_adds_the_partners_abroad_the_seed_names():
    call_command("load_demo", stdout=StringIO())
    assert sorted(Partner.objects.values_list("country", "name", "slug")) == [
        ("AU", "ニューサウスウェールズ州", "au-new-south-wales"),
        ("FR", "オーブ県", "fr-aube"),
        ("KR", "安山市", "kr-ansan"),
        ("KR", "蔚山広域市", "kr-ulsan-metropolitan-city"),
    ]


def test_place_filters_keep_a_list_page_within_its_query_budget(
    client, linked, django_assert_max_num_queries
):
    # As tests/test_revision.py's list page with no count cached (8), plus the one
    # query that checks the municipality codes and names them.
    client.get(LIST)  # reads the offices and themes, cached per process
    with django_assert_max_num_queries(9):
        response = client.get(
            LIST, {"municipality": MISATO_SHIMANE, "prefecture": "32", "country": "KR"}
        )
    assert [r.title for r in response.context["object_list"]] == ["美郷町の交流"]
