"""English pages carry no Japanese interface text.

Japanese may appear on an English page only as content (a report with no English
title, a photo caption) and then inside an element marked lang="ja"; anything
else in Japanese is a UI string that was not translated.
"""

import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command

from reports.models import Report

pytestmark = pytest.mark.django_db

# Kana, CJK ideographs, and the full-width punctuation a Japanese UI string brings along.
JAPANESE = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u9fff\uff01-\uff60]")
VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "content", "value"}


class JapaneseOutsideLangJa(HTMLParser):
    """Collects Japanese text (and read-out attributes) not inside a lang="ja" element."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []  # (tag, lang)
        self.found: list[str] = []

    def _in_japanese(self, lang: str | None = None) -> bool:
        langs = [tag_lang for _tag, tag_lang in self.stack if tag_lang] + ([lang] if lang else [])
        return bool(langs) and langs[-1].startswith("ja")

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        lang = attributes.get("lang")
        if not self._in_japanese(lang):
            for name in READ_ATTRIBUTES & attributes.keys():
                value = attributes[name] or ""
                if JAPANESE.search(value) and not self._is_language_name(tag, attributes):
                    self.found.append(f"<{tag} {name}={value!r}>")
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, lang))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] in ("script", "style"):
            return
        if JAPANESE.search(data) and not self._in_japanese():
            self.found.append(data.strip())

    @staticmethod
    def _is_language_name(tag, attributes) -> bool:
        # <meta property="og:locale:alternate"> and the like hold codes, not UI text.
        return tag == "meta" and attributes.get("property", "").startswith("og:locale")


def japanese_ui_text(html: str) -> list[str]:
    parser = JapaneseOutsideLangJa()
    parser.feed(html)
    return parser.found


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def english_pages():
    report = Report.objects.published().order_by("pk").first()
    untranslated = Report.objects.published().filter(title_en="").first()
    pages = [
        "/en/",
        "/en/reports/",
        "/en/reports/?office=seoul&theme=multicultural&fy=2025",
        "/en/reports/?office=sydney&theme=jet-programme",  # no results
        "/en/reports/?date_from=2099-99-99&fy=abc",  # notices about bad input
        f"/en{report.get_absolute_url().removeprefix('/en')}",
        "/en/offices/",
        "/en/offices/seoul/",
        "/en/themes/",
        "/en/themes/multicultural/",
        "/en/municipalities/",
        "/en/municipalities/?q=324485",  # a result, named in Japanese
        "/en/municipalities/324485/",  # 美郷町（島根県）
        "/en/municipalities/320005/",  # 島根県
        "/en/partners/kr-ulsan-metropolitan-city/",
        "/en/reports/map/?office=seoul",
        "/en/reports/stats/?office=seoul",
        "/en/accessibility/",
        "/en/privacy/",
        "/en/alerts/subscribe/?office=seoul&theme=multicultural",
        "/en/alerts/confirm/no-such-link/",  # 404 page of the alerts
        "/en/no-such-page/",
    ]
    if untranslated is not None:
        pages.append(f"/en/reports/{untranslated.slug}/")
    return pages


def test_english_pages_have_no_japanese_interface_text(client, demo):
    problems = {}
    for url in english_pages():
        response = client.get(url)
        assert response.status_code in (200, 404), url
        found = japanese_ui_text(response.text)
        if found:
            problems[url] = found[:8]
    assert problems == {}


def test_every_report_page_in_english_marks_its_japanese_content(client, demo):
    problems = {}
    for slug in Report.objects.published().values_list("slug", flat=True):
        found = japanese_ui_text(client.get(f"/en/reports/{slug}/").text)
        if found:
            problems[slug] = found[:8]
    assert problems == {}


def test_the_checker_finds_japanese_outside_lang_ja():
    assert japanese_ui_text('<html lang="en"><p>絞り込み</p></html>') == ["絞り込み"]
    assert japanese_ui_text('<html lang="en"><p lang="ja">絞り込み</p></html>') == []
    assert japanese_ui_text('<html lang="en"><input placeholder="検索"></html>') != []
