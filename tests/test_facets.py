"""Filter options show how many reports they would give, and a one-line summary."""

import pytest

from tests.factories import make_report

pytestmark = pytest.mark.django_db

LIST = "/reports/"


def counts(response, kind):
    return {o["value"]: o["count"] for o in response.context["facets"][kind]}


def nonzero(response, *kinds) -> dict:
    """The options of each kind that would give reports, with their counts."""
    return {kind: {k: n for k, n in counts(response, kind).items() if n} for kind in kinds}


@pytest.fixture
def reports():
    make_report(office="seoul", themes=("multicultural",), events=(("2025-12-18", "2025-12-18"),))
    make_report(office="seoul", themes=("sister-cities",), events=(("2024-05-01", "2024-05-01"),))
    make_report(
        office="paris",
        themes=("multicultural", "tourism-culture"),
        events=(("2025-11-06", "2025-11-09"),),
    )
    make_report(office="london", themes=("education",), events=(), fiscal_year=2025)


def test_office_counts_apply_other_filters_but_not_the_office_selection(client, reports):
    response = client.get(LIST, {"office": "seoul", "theme": "multicultural"})
    office = counts(response, "office")
    assert office["seoul"] == 1 and office["paris"] == 1 and office["london"] == 0


def test_theme_counts_apply_the_office_filter(client, reports):
    theme = counts(client.get(LIST, {"office": "seoul"}), "theme")
    assert theme["multicultural"] == 1 and theme["sister-cities"] == 1
    assert theme["tourism-culture"] == 0 and theme["education"] == 0


def test_fiscal_year_counts_and_zero_years_stay_visible(client, reports):
    response = client.get(LIST, {"office": "london"})
    fy = counts(response, "fy")
    assert fy == {2025: 1, 2024: 0}


def test_each_count_equals_the_results_it_leads_to(client, reports):
    base = {"theme": "multicultural"}
    response = client.get(LIST, base)
    for kind in ("office", "theme", "fy"):
        for option in response.context["facets"][kind]:
            # A theme's count ignores the theme selection, so it leads to that theme alone.
            params = {kind: option["value"]} if kind == "theme" else {**base, kind: option["value"]}
            followed = client.get(LIST, params)
            assert followed.context["paginator"].count == option["count"], (kind, option)


def test_each_count_of_a_search_equals_the_results_it_leads_to(client, reports):
    # The counts of a search read its matches once and filter them by office, year
    # and theme themselves: each must still lead to exactly that many results.
    make_report(office="seoul", themes=("multicultural",), title="多文化共生の交流会")
    make_report(office="paris", themes=("education",), body="交流の記録", fiscal_year=2024)
    make_report(office="seoul", themes=("sister-cities",), title="姉妹都市")
    base = {"q": "交流", "office": "seoul", "theme": "multicultural"}
    response = client.get(LIST, base)
    assert response.context["paginator"].count == 1
    for kind in ("office", "theme", "fy"):
        for option in response.context["facets"][kind]:
            followed = client.get(LIST, {**base, kind: option["value"]})
            assert followed.context["paginator"].count == option["count"], (kind, option)


def test_zero_options_are_marked(client, reports):
    html = client.get(LIST, {"office": "seoul"}).text
    assert 'class="facet--empty"' in html
    assert "該当なし" in html


def test_summary_sentence_names_the_filters_and_count(client, reports):
    response = client.get(LIST, {"office": "seoul", "theme": "multicultural", "fy": "2025"})
    assert response.context["results_summary"] == "ソウル事務所、多文化共生、2025年度: 1件"
    assert 'role="status"' in response.text


def test_facets_of_a_wider_selection_cost_no_more_queries(
    client, reports, django_assert_max_num_queries
):
    from django.core.cache import caches

    client.get(LIST)
    caches["cards"].clear()  # both pages build their reports: a search's cards are not kept
    with django_assert_max_num_queries(8) as narrow:
        client.get(LIST, {"office": "seoul"})
    with django_assert_max_num_queries(len(narrow.captured_queries)):
        response = client.get(
            LIST, {"office": ["seoul", "paris"], "theme": "multicultural", "q": "テスト"}
        )
    office = counts(response, "office")
    assert (office["seoul"], office["paris"], office["london"]) == (1, 1, 0)


def test_options_show_their_counts_in_japanese(client, reports):
    text = client.get(LIST, {"office": "seoul"}).text

    assert '<span class="count">（2件）</span>' in text
    assert '<option value="2025">2025年度（1件）</option>' in text


def test_options_show_their_counts_in_english(client, reports):
    text = client.get("/en" + LIST, {"office": "seoul"}).text

    assert '<span class="count">(2)</span>' in text
    assert '<option value="2025">FY2025 (1)</option>' in text


def test_options_made_for_one_language_are_not_shown_in_the_other(client, reports):
    client.get(LIST, {"office": "seoul"})
    english = client.get("/en" + LIST, {"office": "seoul"}).text
    japanese = client.get(LIST, {"office": "seoul", "sort": "newest"}).text

    assert '<option value="2025">FY2025 (1)</option>' in english
    assert '<option value="2025">2025年度（1件）</option>' in japanese


def test_options_follow_a_new_report(client, reports):
    client.get(LIST, {"office": "seoul"})
    make_report(office="seoul", fiscal_year=2025, events=())
    text = client.get(LIST, {"office": "seoul"}).text

    assert '<option value="2025">2025年度（2件）</option>' in text


@pytest.fixture
def common_word():
    """交流 in four of the five public reports (and in a draft and a scheduled report):
    its counts are the kept totals less the one public report without it."""
    import datetime

    from django.utils import timezone

    hagi, toba = "352047", "242110"  # 山口県, 三重県
    fy2024 = (("2024-06-01", "2024-06-02"),)
    one = make_report(office="seoul", themes=("education",), title="交流会", events=fy2024)
    one.local_governments.add(hagi)
    make_report(office="seoul", themes=("sister-cities",), body="市民の交流")
    two = make_report(office="paris", themes=("education", "multicultural"), body="交流", events=())
    two.local_governments.add(toba)
    make_report(office="london", themes=("education",), body="青少年交流")
    other = make_report(office="paris", themes=("education",), body="視察")
    other.local_governments.add(hagi)
    make_report(office="paris", body="交流", status="draft")
    make_report(office="london", body="交流", published_at=timezone.now() + datetime.timedelta(1))


def test_the_counts_of_a_word_in_most_reports_are_its_matches(client, common_word):
    response = client.get(LIST, {"q": "交流"})
    assert response.context["paginator"].count == 4
    assert nonzero(response, "office", "theme", "fy", "prefecture") == {
        "office": {"seoul": 2, "paris": 1, "london": 1},
        "theme": {"education": 3, "sister-cities": 1, "multicultural": 1},
        "fy": {2024: 1, 2025: 2},
        "prefecture": {"35": 1, "24": 1},
    }


def test_the_office_counts_of_a_common_word_apply_the_office_selection_to_nothing_else(
    client, common_word
):
    response = client.get(LIST, {"q": "交流", "office": "paris"})
    assert response.context["paginator"].count == 1
    assert nonzero(response, "office")["office"] == {
        "seoul": 2,
        "paris": 1,
        "london": 1,
    }
    assert nonzero(response, "theme")["theme"] == {
        "education": 1,
        "multicultural": 1,
    }


def test_the_theme_counts_of_a_common_word_ignore_only_the_theme_selection(client, common_word):
    response = client.get(LIST, {"q": "交流", "theme": "education"})
    assert response.context["paginator"].count == 3
    assert nonzero(response, "theme")["theme"] == {
        "education": 3,
        "sister-cities": 1,
        "multicultural": 1,
    }
    assert nonzero(response, "office")["office"] == {
        "seoul": 1,
        "paris": 1,
        "london": 1,
    }


def test_a_word_in_most_reports_lists_its_title_matches_first(client):
    # More matches than a page, the title match the oldest: the page is found by
    # walking the list for title matches first, as many as the counts say there are.
    make_report(title="交流会", events=(("2020-06-01", "2020-06-01"),))
    for _ in range(22):
        make_report(body="市民の交流")
    make_report(body="視察")
    response = client.get(LIST, {"q": "交流"})
    assert response.context["paginator"].count == 23
    assert [r.title for r in response.context["page_obj"]][:1] == ["交流会"]


def test_the_counts_of_a_word_in_few_reports_are_its_matches(client, common_word):
    response = client.get(LIST, {"q": "視察"})
    assert response.context["paginator"].count == 1
    assert nonzero(response, "office")["office"] == {"paris": 1}
    assert nonzero(response, "prefecture")["prefecture"] == {"35": 1}


def test_the_counts_of_one_prefecture_are_its_reports(client, common_word):
    # Its grid and its other facets read the same reports (once, shared).
    response = client.get(LIST, {"prefecture": "35"})
    assert response.context["paginator"].count == 2
    assert nonzero(response, "office", "theme", "fy", "prefecture") == {
        "office": {"seoul": 1, "paris": 1},
        "theme": {"education": 2},
        "fy": {2024: 1, 2025: 1},
        "prefecture": {"35": 2, "24": 1},
    }
