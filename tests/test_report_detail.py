import pytest

from reports.models import Participant, Report
from tests.factories import make_report

pytestmark = pytest.mark.django_db


def test_report_page_shows_participants_with_computed_total(client):
    report = make_report(
        participants=(
            {"name": "日本の自治体", "country": "JP", "municipalities": 18, "people": 27},
            {"name": "韓国の自治体", "country": "KR", "municipalities": 15, "people": 25},
        )
    )
    html = client.get(report.get_absolute_url()).text
    assert "18自治体" in html and "27人" in html
    assert (
        '<th scope="row">合計</th><td data-label="自治体数">33自治体</td><td data-label="人数">52人</td>'
        in html
    )


@pytest.mark.parametrize(
    "people, qualifier, shown",
    [(800, "about", "約800人"), (3000, "at_least", "3,000人以上"), (64, "exact", "64人")],
)
def test_participant_counts_keep_their_qualifier(client, people, qualifier, shown):
    report = make_report(
        participants=({"name": "参加者", "people": people, "qualifier": qualifier},)
    )
    assert shown in client.get(report.get_absolute_url()).text


def test_total_of_an_approximate_row_is_approximate(client):
    report = make_report(
        participants=(
            {"name": "A", "people": 10},
            {"name": "B", "people": 800, "qualifier": Participant.Qualifier.ABOUT},
        )
    )
    assert '<td data-label="人数">約810人</td>' in client.get(report.get_absolute_url()).text


def test_report_page_shows_photos_with_caption_and_alt_text(client):
    report = make_report(photos=2)
    html = client.get(report.get_absolute_url()).text
    assert 'alt="代替テキスト 1"' in html and 'alt="代替テキスト 2"' in html
    assert "<figcaption>写真 2</figcaption>" in html
    assert 'width="40" height="30"' in html


def test_report_body_is_escaped_and_keeps_line_breaks(client):
    report = make_report(body="一行目\n二行目<script>x</script>\n\n次の段落")
    html = client.get(report.get_absolute_url()).text
    assert "<p>一行目<br>二行目&lt;script&gt;x&lt;/script&gt;</p>" in html
    assert "<p>次の段落</p>" in html


def test_report_page_links_to_its_office_and_themes(client):
    report = make_report(office="paris", themes=("tourism-culture",))
    html = client.get(report.get_absolute_url()).text
    assert 'href="/offices/paris/"' in html
    assert 'href="/themes/tourism-culture/"' in html


def test_draft_report_is_404_for_the_public(client):
    report = make_report(status=Report.Status.DRAFT)
    assert client.get(report.get_absolute_url()).status_code == 404


def test_japanese_slug_works_in_the_url(client):
    report = make_report()
    Report.objects.filter(pk=report.pk).update(slug="日韓交流ワークショップ")
    response = client.get(
        "/reports/%E6%97%A5%E9%9F%93%E4%BA%A4%E6%B5%81%E3%83%AF%E3%83%BC%E3%82%AF%E3%82%B7%E3%83%A7%E3%83%83%E3%83%97/"
    )
    assert response.status_code == 200


def test_office_and_theme_pages_list_their_reports(client):
    make_report(title="ソウル", office="seoul", themes=("education",))
    make_report(title="パリ", office="paris", themes=("environment",))
    office = client.get("/offices/seoul/")
    theme = client.get("/themes/environment/")
    assert [r.title for r in office.context["reports"]] == ["ソウル"]
    assert [r.title for r in theme.context["reports"]] == ["パリ"]


def test_home_shows_latest_reports_offices_with_counts_and_themes(client):
    make_report(title="最新", office="sydney")
    make_report(title="下書き", office="sydney", status=Report.Status.DRAFT)
    response = client.get("/")
    assert [r.title for r in response.context["latest_reports"]] == ["最新"]
    counts = {o.code: o.report_count for o in response.context["offices"]}
    assert counts["sydney"] == 1 and counts["seoul"] == 0
    assert len(response.context["themes"]) == 13
