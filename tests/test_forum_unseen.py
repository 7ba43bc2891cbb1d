"""Texts the parser was not written against (tests/data/forum-unseen.txt): the fields
the issue names right for at least 9 reports in 10, and nothing marked found that is wrong.
bench/forum_accuracy.py prints the accuracy of every field."""

import datetime

import pytest

from forum.parsing import parse_text
from tests.forum_helpers import (
    BAR_FIELDS,
    DATA,
    OFFICES,
    THEME_SLUGS,
    accuracy,
    expected,
    fake_finder,
    invented,
)

TEXT = (DATA / "forum-unseen.txt").read_text(encoding="utf-8")
EXPECTED = expected("forum-unseen-expected.json")


@pytest.fixture(scope="module")
def result():
    return parse_text(
        TEXT, offices=OFFICES, find_local_governments=fake_finder, theme_slugs=THEME_SLUGS
    )


def test_every_article_of_the_unseen_texts_is_found_with_its_title(result):
    assert [report.title.value for report in result.reports] == [
        hand["title"] for hand in EXPECTED["reports"]
    ]


@pytest.mark.parametrize("name", BAR_FIELDS)
def test_each_field_the_issue_names_is_right_for_nine_reports_in_ten(result, name):
    right, total = accuracy(result, EXPECTED)[name]
    assert right / total >= 0.9, f"{name}: {right}/{total}"


def test_no_field_marked_found_differs_from_what_the_text_says(result):
    assert invented(result, EXPECTED) == []


def test_the_issue_month_read_from_the_footer_dates_a_day_without_a_year(result):
    shanghai = result.reports[15]
    assert (shanghai.events[0].start.value.isoformat(), shanghai.events[0].start.certainty) == (
        "2025-11-18",
        "guessed",
    )


def test_the_blind_texts_parsed_once_after_the_rules_were_frozen_meet_the_same_bar():
    hand = expected("forum-blind-expected.json")
    result = parse_text(
        (DATA / "forum-blind.txt").read_text(encoding="utf-8"),
        offices=OFFICES,
        theme_slugs=THEME_SLUGS,
        issue=datetime.date.fromisoformat(hand["issue"]),
    )
    scores = accuracy(result, hand)
    assert (
        [name for name in BAR_FIELDS if scores[name][0] / scores[name][1] < 0.9],
        invented(result, hand),
    ) == ([], [])
