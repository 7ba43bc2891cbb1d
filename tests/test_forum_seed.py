"""The seed page (Forum Vol. 436) read field by field against values worked out by hand
(tests/data/forum-vol436-expected.json)."""

import datetime

import pytest

from forum.parsing import parse_text
from tests.forum_helpers import DATA, OFFICES, THEME_SLUGS, expected, fake_finder

SEED = (DATA / "forum-vol436.txt").read_text(encoding="utf-8")
EXPECTED = expected("forum-vol436-expected.json")
NUMBERS = range(1, len(EXPECTED["reports"]) + 1)


@pytest.fixture(scope="module")
def result():
    return parse_text(
        SEED, offices=OFFICES, find_local_governments=fake_finder, theme_slugs=THEME_SLUGS
    )


def pair(result, number):
    return result.reports[number - 1], EXPECTED["reports"][number - 1]


def test_the_seed_page_gives_its_twelve_reports(result):
    assert len(result.reports) == 12


def test_the_source_and_the_issue_are_read_from_the_page_footer(result):
    assert (result.source.value, result.issue.value) == (
        EXPECTED["source"],
        datetime.date.fromisoformat(EXPECTED["issue"]),
    )


@pytest.mark.parametrize("number", NUMBERS)
def test_each_report_has_the_title_worked_out_by_hand(result, number):
    report, hand = pair(result, number)
    assert (report.title.value, report.title.certainty) == (hand["title"], "found")


@pytest.mark.parametrize("number", NUMBERS)
def test_each_report_has_its_office_found_in_the_body_or_guessed_from_the_page_tab(result, number):
    report, hand = pair(result, number)
    assert (report.office.value, report.office.certainty) == (
        hand["office"],
        hand["office_certainty"],
    )


@pytest.mark.parametrize("number", NUMBERS)
def test_each_report_has_its_fiscal_year_or_none(result, number):
    report, hand = pair(result, number)
    assert (report.fiscal_year.value, report.fiscal_year.certainty) == (
        hand["fiscal_year"],
        hand["fiscal_year_certainty"],
    )


@pytest.mark.parametrize("number", NUMBERS)
def test_each_report_has_its_events_with_dates_places_and_format(result, number):
    report, hand = pair(result, number)
    events = [
        {
            "start": event.start.value.isoformat(),
            "end": event.end.value.isoformat(),
            "venue": event.venue.value,
            "city": event.city.value,
            "country": event.country.value,
            "format": event.format.value,
        }
        for event in report.events
    ]
    assert events == hand["events"]


@pytest.mark.parametrize("number", NUMBERS)
def test_each_report_has_its_participant_figures_and_qualifiers(result, number):
    report, hand = pair(result, number)
    rows = [
        {
            "name": row.name.value,
            "country": row.country.value,
            "municipalities": row.municipalities.value,
            "people": row.people.value,
            "qualifier": row.qualifier.value,
        }
        for row in report.participants
    ]
    assert rows == hand["participants"]


@pytest.mark.parametrize("number", NUMBERS)
def test_each_report_suggests_the_themes_its_words_name(result, number):
    report, hand = pair(result, number)
    suggested = {theme.slug for theme in report.themes}
    required = set(hand["themes"]["required"])
    assert required <= suggested <= required | set(hand["themes"]["acceptable"])


@pytest.mark.parametrize("number", NUMBERS)
def test_each_report_body_is_joined_into_its_paragraphs(result, number):
    report, hand = pair(result, number)
    body, rules = report.body.value, hand["body"]
    if "full" in rules:
        assert body == rules["full"]
        return
    assert (
        body.startswith(rules["starts"]),
        body.endswith(rules["ends"]),
        len(body.split("\n\n")),
        [text in body for text in rules["contains"]],
    ) == (True, True, rules["paragraphs"], [True] * len(rules["contains"]))


@pytest.mark.parametrize("number", NUMBERS)
def test_each_report_lists_the_local_governments_it_names(result, number):
    report, hand = pair(result, number)
    assert [(lg.place.name, lg.certainty) for lg in report.local_governments] == [
        (name, "found") for name in hand["local_governments"]
    ]


def test_no_body_carries_a_caption_or_an_office_tab(result):
    left_out = ["の様子", "二次元コード", "会場風景", "これまでのセミナー実績", "大石知事\n"]
    bodies = "\n".join(report.body.value for report in result.reports)
    assert [text for text in left_out if text in bodies] == []


def test_no_body_keeps_a_space_beside_a_number(result):
    bodies = "\n".join(report.body.value for report in result.reports)
    assert [line for line in bodies.split("\n") if " 年" in line or "年 " in line] == []


def test_the_evidence_of_each_title_is_its_words_in_the_source(result):
    for report in result.reports:
        evidence = report.title.evidence
        assert SEED[evidence.start : evidence.end] == evidence.excerpt


def test_the_evidence_of_a_date_is_the_date_as_written(result):
    seoul = result.reports[0]
    assert seoul.events[0].start.evidence.excerpt == "2025 年 12 月 18 日および 19 日"


def test_parsing_the_page_twice_gives_the_same_external_ids(result):
    again = parse_text(SEED, offices=OFFICES)
    assert [r.external_id for r in again.reports] == [r.external_id for r in result.reports]


def test_every_external_id_of_the_page_is_different(result):
    assert len({report.external_id for report in result.reports}) == 12
