"""The staff's admin in a real browser, as an overseas office uses it: a browser
on UTC, a 1280 px laptop, an editor of one office and an HQ editor.

axe-core finds no WCAG 2.2 A/AA violation on the login page and on the report
list, add and change pages (events, participants and photos included); dates carry
no time-zone note and the publication time's note is Japanese; the tables fit the
window; the scripts add no English; a failed save links to what failed.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from offices.models import Office
from reports import roles
from reports.models import Photo, Report
from tests.test_admin_language import english_ui_text, reference_names

from .conftest import DESKTOP

PASSWORD = "correct-horse-77"
# In the demo: two events, two participants and two photos.
SEOUL_REPORT = "japan-korea-officials-workshop-2025"
ADD = "/admin/reports/report/add/"
LIST_WITH_FILTERS = "/admin/reports/report/?status__exact=published&fiscal_year=2025"


@pytest.fixture
def staff_page(browser, live_server, transactional_db, django_db_serialized_rollback, settings):
    """A 1280 × 800 page whose clock is on UTC, as at most overseas offices."""
    context = browser.new_context(
        viewport=DESKTOP, base_url=live_server.url, locale="ja-JP", timezone_id="UTC"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def staff_user(django_user_model, username, group, offices=()):
    user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    user.offices.set(Office.objects.filter(code__in=offices))
    return user


@pytest.fixture
def seoul_editor(django_user_model):
    return staff_user(django_user_model, "ソウル担当", roles.OFFICE_EDITORS, ["seoul"])


@pytest.fixture
def hq_editor(django_user_model):
    return staff_user(django_user_model, "本部担当", roles.HQ_EDITORS)


@pytest.fixture
def editors(seoul_editor, hq_editor):
    return {"seoul-editor": seoul_editor, "hq-editor": hq_editor}


def log_in(page, user):
    page.goto("/admin/login/")
    page.get_by_label("ユーザー名").fill(user.username)
    page.get_by_label("パスワード").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="ログイン").click()
    assert urlsplit(page.url).path == "/admin/"


def change_url(slug=SEOUL_REPORT):
    return f"/admin/reports/report/{Report.objects.get(slug=slug).pk}/change/"


def open_edition(page, slug=SEOUL_REPORT):
    """An office editor changes a published report through its edition's form."""
    page.goto(change_url(slug))
    with page.expect_navigation():
        page.get_by_role("button", name="修正版を作成").click()


# Accessibility -----------------------------------------------------------------


def test_login_page_has_no_axe_violations(staff_page, assert_no_axe_violations):
    staff_page.goto("/admin/login/")
    assert_no_axe_violations(staff_page)


@pytest.mark.parametrize("editor", ["seoul-editor", "hq-editor"])
@pytest.mark.parametrize("name", ["list", "add", "change"])
def test_report_admin_page_has_no_axe_violations(
    staff_page, demo, editors, assert_no_axe_violations, editor, name
):
    log_in(staff_page, editors[editor])
    url = {"list": LIST_WITH_FILTERS, "add": ADD, "change": change_url()}[name]
    assert staff_page.goto(url).status == 200
    assert_no_axe_violations(staff_page)


def test_a_form_with_errors_has_no_axe_violations(
    staff_page, demo, hq_editor, assert_no_axe_violations
):
    report = Report.objects.get(slug=SEOUL_REPORT)
    Photo.objects.filter(report=report, position=1).update(alt_text="")
    log_in(staff_page, hq_editor)
    staff_page.goto(change_url())
    with staff_page.expect_navigation():
        staff_page.locator('input[name="_continue"]').first.click()
    assert staff_page.locator("#error-summary a").count() >= 1
    assert_no_axe_violations(staff_page)


FORUM_DRAFTS = "/admin/reports/report/forum-drafts/"


@pytest.mark.parametrize("editor", ["seoul-editor", "hq-editor"])
def test_the_forum_drafts_page_has_no_axe_violations_in_either_step(
    staff_page, editors, assert_no_axe_violations, editor
):
    from tests.forum_helpers import DATA

    log_in(staff_page, editors[editor])
    assert staff_page.goto(FORUM_DRAFTS).status == 200
    assert_no_axe_violations(staff_page)
    staff_page.get_by_label("フォーラムの記事（貼り付け）").fill(
        (DATA / "forum-vol436.txt").read_text(encoding="utf-8")
    )
    staff_page.get_by_label("出典").fill("自治体国際化フォーラム Vol. 436 (2026年2月)")
    with staff_page.expect_navigation():
        staff_page.get_by_role("button", name="読み込んで案を作る").click()
    assert staff_page.locator(".forum-proposal").count() == (1 if editor == "seoul-editor" else 12)
    assert_no_axe_violations(staff_page)


def test_the_forum_drafts_error_summary_takes_staff_to_the_field(
    staff_page, hq_editor, assert_no_axe_violations
):
    from tests.forum_helpers import DATA

    log_in(staff_page, hq_editor)
    staff_page.goto(FORUM_DRAFTS)
    staff_page.get_by_label("フォーラムの記事（貼り付け）").fill(
        (DATA / "forum-vol436.txt").read_text(encoding="utf-8")
    )
    staff_page.get_by_label("出典").fill("自治体国際化フォーラム Vol. 436 (2026年2月)")
    with staff_page.expect_navigation():
        staff_page.get_by_role("button", name="読み込んで案を作る").click()
    staff_page.locator("#id_p1-title").fill("")
    with staff_page.expect_navigation():
        staff_page.get_by_role("button", name="選んだ記事を下書きとして保存").click()
    link = staff_page.locator("#error-summary a")
    assert link.all_inner_texts() == ["記事 1: タイトル: 下書きにする記事には必要です。"]
    assert_no_axe_violations(staff_page)
    link.click()
    expect(staff_page).to_have_url(re.compile(r"#id_p1-title$"))
    assert Report.objects.count() == 0


# Why saving failed ----------------------------------------------------------------


def test_the_error_at_the_top_takes_staff_to_the_photo_without_alt_text(
    staff_page, demo, hq_editor
):
    report = Report.objects.get(slug=SEOUL_REPORT)
    photo = report.photos.order_by("position")[1]
    Report.objects.filter(pk=report.pk).update(status=Report.Status.DRAFT)
    Photo.objects.filter(pk=photo.pk).update(alt_text="")
    log_in(staff_page, hq_editor)
    staff_page.goto(change_url())
    staff_page.get_by_label("状態").select_option("published")
    with staff_page.expect_navigation():
        staff_page.locator('input[name="_continue"]').first.click()

    link = staff_page.locator("#error-summary a")
    assert link.all_inner_texts() == [
        "写真 2 の代替テキスト: 公開する報告の写真には代替テキストが必要です。"
    ]
    assert link.bounding_box()["y"] < 800  # on the first screen
    link.click()
    expect(staff_page).to_have_url(re.compile(r"#id_photos-1-alt_text$"))
    field = staff_page.locator("#id_photos-1-alt_text")
    assert field.is_visible() and 0 <= field.bounding_box()["y"] < 800
    assert Report.objects.get(pk=report.pk).status == Report.Status.DRAFT


# Dates, not times -------------------------------------------------------------------


def test_event_dates_carry_no_time_zone_note(staff_page, demo, seoul_editor):
    log_in(staff_page, seoul_editor)
    open_edition(staff_page)
    assert staff_page.locator("#events-group tr.has_original input[type=date]").count() == 4
    assert staff_page.locator("#events-group .timezonewarning").count() == 0
    assert "Note" not in staff_page.locator("#events-group").inner_text()


def test_the_publication_time_says_in_japanese_which_zone_staff_type_in(
    staff_page, demo, hq_editor
):
    log_in(staff_page, hq_editor)
    staff_page.goto(change_url())
    notes = staff_page.locator(".timezonewarning")
    assert notes.count() == 1
    assert notes.inner_text() == (
        "注意: 時刻は日本時間（Asia/Tokyo）で入力してください。"
        "お使いの端末の時計は日本時間より 9 時間遅れています。"
    )
    field_row = staff_page.locator(".field-published_at")
    assert field_row.locator(".timezonewarning").count() == 1


@pytest.mark.parametrize("url", [ADD, "change"])
def test_the_admin_scripts_add_no_english(staff_page, demo, hq_editor, url):
    log_in(staff_page, hq_editor)
    staff_page.goto(change_url() if url == "change" else url)
    staff_page.locator(".datetimeshortcuts").first.wait_for()  # the scripts have run
    assert english_ui_text(staff_page.content(), reference_names()) == []


# Tables that fit ------------------------------------------------------------------

FITS = """() => ({
    page: document.documentElement.scrollWidth,
    window: window.innerWidth,
})"""


def test_the_report_form_fits_a_laptop_without_scrolling_sideways(staff_page, demo, seoul_editor):
    log_in(staff_page, seoul_editor)
    open_edition(staff_page)
    size = staff_page.evaluate(FITS)
    assert size["page"] <= size["window"]
    for group in ["#events-group", "#participants-group"]:
        table = staff_page.locator(f"{group} .wrapper")
        scroll = table.evaluate("el => [el.scrollWidth, el.clientWidth]")
        assert scroll[0] <= scroll[1], group  # the table does not scroll inside its box
        for column in ["country", "DELETE"]:
            cell = staff_page.locator(f"{group} tr.has_original [name$='-{column}']").first
            box = cell.bounding_box()
            assert box["x"] + box["width"] <= size["window"], (group, column)
    fmt = staff_page.locator("#events-group [name='events-0-format']").bounding_box()
    assert fmt["x"] + fmt["width"] <= size["window"]


def test_the_report_list_fits_a_laptop_with_titles_on_a_few_lines(staff_page, demo, hq_editor):
    log_in(staff_page, hq_editor)
    staff_page.goto("/admin/reports/report/")
    size = staff_page.evaluate(FITS)
    assert size["page"] <= size["window"]
    results = staff_page.locator(".results").evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert results[0] <= results[1]
    # An inline element has one client rectangle per line it takes.
    lines = staff_page.locator("#result_list .field-title a").evaluate_all(
        "links => links.map(a => a.getClientRects().length)"
    )
    assert len(lines) == 12 and max(lines) <= 3
