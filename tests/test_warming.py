"""`warm_pages`: after a change, the pages most visitors land on are counted and
rendered before anyone asks, so the next visitor gets a cached page."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_report

LIST = "/reports/"


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE = True


@pytest.fixture
def published(db):
    make_report(title="姉妹都市交流の報告", office="seoul")
    make_report(title="多文化共生の報告", office="paris")


def warm(**options):
    call_command("warm_pages", base_url="http://testserver", **options)


@pytest.mark.parametrize("path", [LIST, "/reports/?office=seoul", "/reports/stats/", "/"])
def test_a_warmed_page_is_served_from_the_page_cache(
    client, page_cache, published, django_assert_num_queries, path
):
    warm()
    with django_assert_num_queries(1):  # the content revision, nothing counted or rendered
        client.get(path)


def queries(client, path, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(path, params)
    return len(captured)


def test_a_page_not_warmed_is_rendered_by_its_first_visitor(client, page_cache, published):
    warm()
    assert queries(client, "/reports/?office=seoul&theme=education") > 1


def test_the_searches_asked_for_are_warmed(
    client, page_cache, published, django_assert_num_queries
):
    client.get(LIST, {"q": "姉妹都市"})
    make_report(title="姉妹都市の新しい報告")  # a change: every page must be counted again
    warm()
    with django_assert_num_queries(1):
        response = client.get(LIST, {"q": "姉妹都市"})
    assert "姉妹都市の新しい報告" in response.text


def test_only_the_searches_asked_for_most_are_warmed(client, page_cache, published):
    for _ in range(3):
        client.get(LIST, {"q": "交流"})
    client.get(LIST, {"q": "多文化"})
    make_report(title="新しい報告")
    warm(searches=1)
    assert queries(client, LIST, {"q": "交流"}) == 1
    assert queries(client, LIST, {"q": "多文化"}) > 1


def test_warming_reports_what_it_did(published, capsys):
    warm()
    assert "ページを温めました" in capsys.readouterr().out


def test_a_base_url_without_a_scheme_is_refused_with_a_message(db):
    with pytest.raises(CommandError, match="http:// か https://"):
        call_command("warm_pages", base_url="portal.example.jp")
