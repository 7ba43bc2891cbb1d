"""The admin speaks Japanese: no English interface text on the pages staff use.

The mirror of tests/test_english_ui.py. English may appear on an admin page only
inside an element marked with another language (the public site's language
switch), as an acronym (PNG, CSV, ISO) or in a name with a dot or slash (a file
name, an address, the Asia/Tokyo time zone); any other word of Latin letters with
lower case in it is an interface string that was not translated. The pages are
filled with Japanese content and staff with Japanese user names, and the English
names of offices and themes (reference data, not interface) are left out, so that
whatever English the checker finds comes from the interface.
"""

import io
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from offices.models import Office
from reports import publishing, roles
from reports.models import Report, Theme
from tests.factories import make_report
from tests.test_admin import report_form

pytestmark = pytest.mark.django_db

# A run of Latin letters with at least two lower-case ones: a word, not an acronym.
ENGLISH_WORD = re.compile(r"[A-Za-z]*[a-z][A-Za-z]*[a-z][A-Za-z]*")
# Tokens that are names or data, not words: addresses, paths, file names, e-mail,
# time zones, query strings, hashes (md5, a masked 4de45e****).
NAME_TOKEN = re.compile(r"\S*[./@_=*0-9]\S*")
# Names written with lower case: formats, keyboard keys, the forum's volumes.
PROPER_NAMES = {"WebP", "iCalendar", "Control", "Command", "Mac", "Vol"}
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
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "data-filter-title"}
BUTTON_INPUTS = {"submit", "button", "reset"}


def english_words(text: str) -> list[str]:
    words = []
    for token in text.split():
        if NAME_TOKEN.fullmatch(token.strip("()（）[]「」、。,;:")):
            continue
        words += [w for w in ENGLISH_WORD.findall(token) if w not in PROPER_NAMES]
    return words


class EnglishOutsideOtherLanguages(HTMLParser):
    """Collects English text (and read-out attributes) not inside an element whose
    lang is a language other than Japanese, leaving out the `content` strings."""

    def __init__(self, content=()):
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []  # (tag, lang)
        self.found: list[str] = []
        self.content = sorted(content, key=len, reverse=True)

    def _english(self, text: str) -> bool:
        for known in self.content:
            text = text.replace(known, "")
        return bool(english_words(text))

    def _in_other_language(self, lang: str | None = None) -> bool:
        langs = [tag_lang for _tag, tag_lang in self.stack if tag_lang] + ([lang] if lang else [])
        return bool(langs) and not langs[-1].startswith("ja")

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        lang = attributes.get("lang")
        if not self._in_other_language(lang):
            read = READ_ATTRIBUTES & attributes.keys()
            if tag == "input" and attributes.get("type") in BUTTON_INPUTS:
                read = read | {"value"}
            for name in sorted(read):
                if self._english(attributes[name]):
                    self.found.append(f"<{tag} {name}={attributes[name]!r}>")
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
        if self.stack and self.stack[-1][0] in ("script", "style", "textarea"):
            return
        if self._english(data) and not self._in_other_language():
            self.found.append(" ".join(data.split()))


def english_ui_text(html: str, content=()) -> list[str]:
    parser = EnglishOutsideOtherLanguages(content)
    parser.feed(html)
    return parser.found


def test_the_checker_finds_english_outside_other_languages():
    assert english_ui_text('<html lang="ja"><p>Filter by 日付</p></html>') == ["Filter by 日付"]
    assert english_ui_text('<html lang="ja"><a lang="en">English</a></html>') == []
    assert english_ui_text('<p title="Choose a Date">日付</p>') != []
    assert english_ui_text('<input type="submit" value="Go">') == []  # two letters: Go
    assert english_ui_text('<input type="submit" value="Save">') != []
    assert english_ui_text("<p>JPEG、PNG または WebP の画像</p>") == []
    assert english_ui_text("<p>photos/2026/12/a.png、日本時間（Asia/Tokyo）</p>") == []


# The pages -----------------------------------------------------------------------


def staff(django_user_model, username, *, group=None, offices=(), superuser=False):
    if superuser:
        return django_user_model.objects.create_superuser(username, "boss@example.org", "pw")
    user = django_user_model.objects.create_user(username, password="pw", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    user.offices.set(Office.objects.filter(code__in=offices))
    return user


@pytest.fixture
def report():
    """A report with every inline, changed once, so its history has a change to show."""
    report = make_report(
        title="ソウルの報告",
        office="seoul",
        status=Report.Status.DRAFT,
        participants=({"name": "日本の自治体", "people": 10},),
        photos=1,
        venue="会場",
        city="ソウル",
    )
    publishing.report_submit(report=report, user=None)
    return report


def report_pages(report):
    base = f"/admin/reports/report/{report.pk}"
    version = report.history.earliest().history_id
    return [
        "/admin/",
        "/admin/reports/",
        "/admin/reports/report/",
        "/admin/reports/report/?status__exact=draft&q=報告",
        "/admin/reports/report/?q=見つからない語",
        "/admin/reports/report/add/",
        f"{base}/change/",
        f"{base}/history/",
        f"{base}/history/{version}/",
        f"{base}/preview/",
        f"{base}/delete/",
        "/admin/reports/report/forum-drafts/",
        "/admin/reports/theme/",
        "/admin/offices/office/",
        f"/admin/offices/office/{report.office_id}/change/",
        "/admin/password_change/",
        "/admin/password_change/done/",
    ]


def reference_names() -> set[str]:
    """The offices' and themes' English names and codes: content the admin lists."""
    names = set()
    for row in Office.objects.values_list(
        "name_en", "city_en", "code", "region_en", "address_en", "website"
    ):
        names.update(row)
    for row in Theme.objects.values_list("name_en", "slug"):
        names.update(row)
    return names


def english_on(client, urls, content=()) -> dict[str, list[str]]:
    problems = {}
    content = {*reference_names(), *content}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        found = english_ui_text(response.text, content)
        if found:
            problems[url] = found[:10]
    return problems


@pytest.mark.parametrize(
    "role", [roles.OFFICE_EDITORS, roles.HQ_EDITORS], ids=["office-editor", "hq-editor"]
)
def test_the_pages_an_editor_uses_have_no_english(client, django_user_model, report, role):
    client.force_login(staff(django_user_model, "ソウル担当", group=role, offices=["seoul"]))
    assert english_on(client, report_pages(report)) == {}


def test_the_pages_a_superuser_uses_have_no_english(client, django_user_model, report):
    user = staff(django_user_model, "管理者", superuser=True)
    client.force_login(user)
    pages = [
        *report_pages(report),
        "/admin/auth/",
        "/admin/auth/user/",
        "/admin/auth/user/add/",
        f"/admin/auth/user/{user.pk}/change/",
        f"/admin/auth/user/{user.pk}/password/",
        "/admin/auth/group/",
        f"/admin/auth/group/{Group.objects.get(name=roles.OFFICE_EDITORS).pk}/change/",
        "/admin/logins/",
        "/admin/logins/loginattempt/",
        "/admin/logins/loginfailure/",
        "/admin/logins/login/",
    ]
    assert english_on(client, pages) == {}


def test_an_invalid_report_form_has_no_english(client, django_user_model, report):
    client.force_login(staff(django_user_model, "本部担当", group=roles.HQ_EDITORS))
    data = report_form(title="", **{"events-0-end_date": "2025-01-01", "photos-0-alt_text": ""})
    response = client.post("/admin/reports/report/add/", data)
    assert response.status_code == 200
    assert english_ui_text(response.text) == []


def test_the_forum_drafts_proposals_and_their_errors_have_no_english(client, django_user_model):
    from tests.forum_helpers import DATA, expected, form_data

    client.force_login(staff(django_user_model, "本部担当", group=roles.HQ_EDITORS))
    url = "/admin/reports/report/forum-drafts/"
    text = (DATA / "forum-vol436.txt").read_text(encoding="utf-8")
    source = "自治体国際化フォーラム Vol. 436 (2026年2月)"
    proposals = client.post(url, {"text": text, "source": source, "step": "read"})
    # The page and its proposals are content: English in them (NLC, JETAA) is not interface.
    titles = [report["title"] for report in expected("forum-vol436-expected.json")["reports"]]
    content = {text, *text.splitlines(), *titles, source}
    assert english_ui_text(proposals.text, content) == []
    data = {**form_data(proposals.text), "p1-office": "", "step": "accept"}
    invalid = client.post(url, data)
    assert 'id="error-summary"' in invalid.text
    assert english_ui_text(invalid.text, content) == []
    refused = client.post(url, {"text": "", "source": source, "step": "read"})
    assert english_ui_text(refused.text) == []


def test_the_delete_confirmation_of_an_action_has_no_english(client, django_user_model, report):
    client.force_login(staff(django_user_model, "本部担当", group=roles.HQ_EDITORS))
    response = client.post(
        "/admin/reports/report/",
        {"action": "delete_selected", "_selected_action": [str(report.pk)]},
    )
    assert response.status_code == 200
    assert english_ui_text(response.text) == []


def test_login_and_logout_pages_have_no_english(client, django_user_model):
    assert english_ui_text(client.get("/admin/login/").text) == []
    wrong = client.post("/admin/login/", {"username": "誰か", "password": "違う"})
    assert english_ui_text(wrong.text) == []
    client.force_login(staff(django_user_model, "ソウル担当", group=roles.OFFICE_EDITORS))
    response = client.post("/admin/logout/")
    assert response.status_code == 200
    assert english_ui_text(response.text) == []


@override_settings(AXES_ENABLED=True)
def test_the_lockout_page_has_no_english(client, django_user_model):
    django_user_model.objects.create_user("田中", password="correct-horse-77", is_staff=True)
    for _ in range(5):
        client.post("/admin/login/", {"username": "田中", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "田中", "password": "wrong"})
    assert response.status_code == 429
    assert english_ui_text(response.text) == []


@override_settings(AXES_ENABLED=True)
def test_the_login_records_have_no_english(client, django_user_model):
    from axes.models import AccessAttempt, AccessLog

    django_user_model.objects.create_superuser("管理者", "boss@example.org", "correct-horse-77")
    client.post("/admin/login/", {"username": "誰か", "password": "wrong"})
    client.post("/admin/login/", {"username": "管理者", "password": "correct-horse-77"})
    attempt, log = AccessAttempt.objects.get(), AccessLog.objects.get()
    pages = [
        "/admin/logins/loginattempt/",
        f"/admin/logins/loginattempt/{attempt.pk}/change/",
        f"/admin/logins/loginattempt/{attempt.pk}/delete/",
        "/admin/logins/loginfailure/",
        "/admin/logins/login/",
        f"/admin/logins/login/{log.pk}/change/",
    ]
    # What the test client sends as its browser's name, recorded as it came.
    assert english_on(client, pages, content={"<unknown>"}) == {}


# The catalogue ---------------------------------------------------------------------


def copy_of_the_catalogues(settings, tmp_path) -> Path:
    locale = tmp_path / "locale"
    shutil.copytree(settings.BASE_DIR / "locale", locale, ignore=shutil.ignore_patterns("*.mo"))
    settings.LOCALE_PATHS = [locale]
    return locale


def test_compile_translations_compiles_the_japanese_catalogues(settings, tmp_path):
    locale = copy_of_the_catalogues(settings, tmp_path)
    call_command("compile_translations", stdout=io.StringIO())
    assert (locale / "ja/LC_MESSAGES/django.mo").exists()
    assert (locale / "ja/LC_MESSAGES/djangojs.mo").exists()


def test_compile_translations_refuses_a_japanese_catalogue_with_a_gap(settings, tmp_path):
    locale = copy_of_the_catalogues(settings, tmp_path)
    with (locale / "ja/LC_MESSAGES/django.po").open("a", encoding="utf-8") as catalogue:
        catalogue.write('\nmsgid "Untranslated string"\nmsgstr ""\n')
    with pytest.raises(CommandError, match="1 untranslated"):
        call_command("compile_translations", stdout=io.StringIO())
