"""The page cache after a change: visitors get the page from before the change at once,
with its own validators, while the new page is rendered after a response has been sent;
each page at most once every PAGE_REFRESH_SECONDS, and never for pages older than
STALE_PAGE_SECONDS."""

import pytest

from tests.factories import make_report

LIST = "/reports/"


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE = True
    settings.STALE_PAGE_SECONDS = 60
    settings.PAGE_REFRESH_SECONDS = 0


@pytest.fixture
def listed_then_changed(client, page_cache, db):
    make_report(title="最初の報告")
    before = client.get(LIST)
    make_report(title="二件目の報告")
    return before


def test_the_first_visitor_after_a_change_gets_the_page_before(client, listed_then_changed):
    response = client.get(LIST)
    assert "最初の報告" in response.text and "二件目の報告" not in response.text


def test_the_page_before_keeps_its_own_etag(client, listed_then_changed):
    during = client.get(LIST)
    after = client.get(LIST)
    assert during["ETag"] == listed_then_changed["ETag"]
    assert after["ETag"] != listed_then_changed["ETag"]


def test_the_next_visitor_gets_the_page_rendered_after_the_first_was_answered(
    client, listed_then_changed, django_assert_max_num_queries
):
    client.get(LIST)
    with django_assert_max_num_queries(1):  # from the cache, rendered after the first
        response = client.get(LIST)
    assert "二件目の報告" in response.text


def test_a_page_is_rendered_again_at_most_once_per_refresh_interval(
    client, listed_then_changed, settings
):
    settings.PAGE_REFRESH_SECONDS = 3600
    client.get(LIST)
    assert "二件目の報告" not in client.get(LIST).text  # rendered less than an hour ago


def test_long_after_a_change_the_visitor_waits_for_the_new_page(
    client, listed_then_changed, settings
):
    settings.STALE_PAGE_SECONDS = 0
    assert "二件目の報告" in client.get(LIST).text


def test_a_failed_render_after_the_response_leaves_the_page_before_in_place(
    client, listed_then_changed, monkeypatch
):
    from reports import facets

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(facets, "counts", broken)
    first = client.get(LIST)
    monkeypatch.undo()
    assert first.status_code == 200 and "最初の報告" in first.text
    client.get(LIST)  # the page before again, and this time the render succeeds
    assert "二件目の報告" in client.get(LIST).text
