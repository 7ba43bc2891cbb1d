"""Generated hostile text and files in the report form, as a logged-in office editor.

Either the form comes back with its errors, with nothing written, or the report
is saved valid; never a 5xx, never a half-written report (see tests/hostile.py).
"""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.forms.models import model_to_dict
from django.test import Client, override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from offices.models import Office
from reports import roles
from reports.models import Event, Participant, Photo, Report, Theme
from tests import hostile
from tests.factories import make_report, staff
from tests.test_admin import ADD_URL, report_form

pytestmark = pytest.mark.django_db

TEXT_FIELDS = (
    "title",
    "slug",
    "summary",
    "body",
    "source",
    "title_en",
    "summary_en",
    "external_id",
)
EVENT_FIELDS = ("start_date", "end_date", "venue", "city", "country", "format")
PARTICIPANT_FIELDS = ("name", "country", "municipalities", "people", "qualifier", "position")
PHOTO_FIELDS = ("caption", "alt_text", "position")
OTHER_FIELDS = ("status", "fiscal_year", "published_at_0", "published_at_1", "office", "themes")
# The inline formsets' bookkeeping, which a tampered form may get wrong or point
# at rows of another report.
MANAGEMENT_FIELDS = tuple(
    f"{prefix}-{name}"
    for prefix in ("events", "participants", "photos")
    for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MAX_NUM_FORMS", "0-id", "0-report", "0-DELETE")
)


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Report, Event, Participant, Photo))


def media_files() -> set[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()}


def field_names() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(TEXT_FIELDS + OTHER_FIELDS),
        st.sampled_from(MANAGEMENT_FIELDS),
        st.sampled_from(EVENT_FIELDS).map(lambda name: f"events-0-{name}"),
        st.sampled_from(PARTICIPANT_FIELDS).map(lambda name: f"participants-0-{name}"),
        st.sampled_from(PHOTO_FIELDS).map(lambda name: f"photos-0-{name}"),
    )


@st.composite
def hostile_forms(draw, seoul: Office, paris: Office, foreign_ids: tuple[int, ...]) -> dict:
    """The valid draft of a Seoul editor, with some fields made hostile."""
    data = report_form(
        office=str(seoul.pk),
        status="draft",
        themes=[str(Theme.objects.get(slug="multicultural").pk)],
        **{"photos-0-image": hostile.png_upload()},
    )
    numbers = ("0", "1", "2", "-1", "1001", "9" * 30, "1e3", "") + tuple(map(str, foreign_ids))
    for name in draw(st.lists(field_names(), min_size=1, max_size=6, unique=True)):
        if name == "office":
            data[name] = draw(st.sampled_from((str(paris.pk), "0", "-1", "abc", "9" * 30)))
        elif name in MANAGEMENT_FIELDS:
            data[name] = draw(st.sampled_from(numbers) | hostile.hostile_text())
        else:
            data[name] = draw(hostile.hostile_text())
    if draw(st.integers(0, 3)) > 0:
        data["photos-0-image"] = draw(hostile.hostile_uploads())
    return data


def snapshot(report: Report) -> tuple:
    """A report and its rows as stored, to compare before and after."""
    report = Report.objects.get(pk=report.pk)
    return (
        model_to_dict(report, exclude=["themes"]),
        sorted(report.themes.values_list("pk", flat=True)),
        [model_to_dict(row) for row in report.events.order_by("pk")],
        [model_to_dict(row) for row in report.participants.order_by("pk")],
        [
            (row.pk, row.image.name, row.caption, row.alt_text)
            for row in report.photos.order_by("pk")
        ],
    )


def is_refused_with_errors(response) -> bool:
    return response.status_code == 200 and 'class="errornote"' in response.text


def test_report_form_survives_hostile_text_and_files(django_user_model):
    editor = staff(django_user_model, "seoul-editor", group=roles.OFFICE_EDITORS, offices=["seoul"])
    client = Client(raise_request_exception=True)
    client.force_login(editor)
    seoul, paris = Office.objects.get(code="seoul"), Office.objects.get(code="paris")
    # Another office's report, whose rows a tampered form may name by id.
    other = make_report(title="パリの報告", office="paris", photos=1, participants=({"name": "x"},))
    foreign_ids = (
        other.pk,
        other.events.get().pk,
        other.participants.get().pk,
        other.photos.get().pk,
    )
    other_rows = snapshot(other)
    outcomes = {"refused": 0, "saved": 0}

    @settings(max_examples=hostile.budget("admin"))
    @given(data=hostile_forms(seoul, paris, foreign_ids))
    def post(data):
        before, files_before = counts(), media_files()
        response = client.post(ADD_URL, data)
        assert response.status_code in (200, 302), response.status_code
        for marker in hostile.RAW_MARKERS:
            assert marker not in response.content.decode("utf-8", "replace")
        if response.status_code == 200:
            assert is_refused_with_errors(response)
            assert counts() == before
            assert media_files() == files_before
            outcomes["refused"] += 1
            return
        report = Report.objects.order_by("-pk").first()
        report.full_clean()
        assert report.office == seoul and report.status == Report.Status.DRAFT
        rows = (report.events.count(), report.participants.count(), report.photos.count())
        assert counts() == (
            before[0] + 1,
            before[1] + rows[0],
            before[2] + rows[1],
            before[3] + rows[2],
        )
        for photo in report.photos.all():
            assert photo.width > 0 and Path(photo.image.path).is_file()
        report.delete()  # keep the next example's starting point the same
        outcomes["saved"] += 1

    with hostile.quiet_logs():
        post()
    assert snapshot(other) == other_rows
    print(f"\nhostile admin forms: {outcomes['refused']} refused, {outcomes['saved']} saved")


# The admin's list and the views of one report, by URL -----------------------------

# The report list's own parameters (search, filters, date hierarchy, order, page).
ADMIN_PARAMETERS = (
    "q",
    "status__exact",
    "office__id__exact",
    "themes__id__exact",
    "fiscal_year",
    "first_date__year",
    "first_date__month",
    "first_date__day",
    "o",
    "p",
    "e",
    "all",
    "_to_field",
    "_changelist_filters",
    "_popup",
)
ADMIN_PAGES = (
    "/admin/reports/report/",
    "/admin/reports/report/add/",
    "/admin/reports/report/{id}/change/",
    "/admin/reports/report/{id}/history/",
    "/admin/reports/report/{id}/history/{id}/",
    "/admin/reports/report/{id}/preview/",
    "/admin/reports/report/{id}/delete/",
    "/admin/autocomplete/",
    "/admin/offices/office/",
    "/admin/reports/theme/",
)


@st.composite
def admin_urls(draw, own_id: int, other_id: int) -> str:
    """An admin page of the editor's report, another office's, or an id that is none."""
    ids = st.one_of(
        st.sampled_from((str(own_id), str(other_id), "0", "-1", "99999999999999999999")),
        st.binary(min_size=1, max_size=8).map(lambda raw: hostile.percent_encode(raw).decode()),
    )
    page = draw(st.sampled_from(ADMIN_PAGES))
    return page.replace("{id}", draw(ids), 1).replace("{id}", draw(ids))


def test_admin_pages_survive_hostile_ids_and_query_strings(django_user_model):
    editor = staff(django_user_model, "seoul-editor", group=roles.OFFICE_EDITORS, offices=["seoul"])
    own = make_report(title="ソウルの報告", office="seoul", status=Report.Status.DRAFT)
    other = make_report(title="パリの報告", office="paris", status=Report.Status.DRAFT)
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    before = counts()
    errors, sent = [], []

    @settings(max_examples=hostile.budget("admin_pages"))
    @given(
        url=admin_urls(own.pk, other.pk),
        query=hostile.query_strings(ADMIN_PARAMETERS),
    )
    def visit(url, query):
        sent.append(url)
        response = client.generic("GET", url, QUERY_STRING=query.decode("latin-1"))
        body = response.content.decode("utf-8", "replace")
        problem = None
        if response.status_code >= 500:
            problem = repr(response.exc_info[1]) if response.exc_info else "5xx"
        elif any(marker in body for marker in hostile.RAW_MARKERS):
            problem = "markup reflected"
        elif other.title in body:
            problem = "another office's report shown"
        if problem:
            errors.append(f"GET {url}?{query!r}: {problem}")
            assert hostile.collecting(), errors[-1]

    with hostile.quiet_logs():
        visit()
    print(f"\nhostile admin pages: {len(sent)} requests, {len(errors)} failures")
    assert counts() == before  # GET never writes
    assert errors == []


def test_admin_actions_survive_tampered_selections(django_user_model):
    editor = staff(django_user_model, "seoul-editor", group=roles.OFFICE_EDITORS, offices=["seoul"])
    own = make_report(title="ソウルの報告", office="seoul", status=Report.Status.DRAFT)
    other = make_report(title="パリの報告", office="paris", status=Report.Status.DRAFT)
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    before, other_rows = counts(), snapshot(other)
    # publish and withdraw are HQ's: offered to an office editor by no form.
    actions = ("delete_selected", "download_csv", "submit_for_review", "publish", "withdraw", "")
    selected = st.sampled_from((str(own.pk), str(other.pk), "0", "-1", "9" * 30)) | st.text(
        max_size=10
    )
    errors, sent = [], []

    @settings(max_examples=hostile.budget("admin_pages") // 2)
    @given(
        action=st.sampled_from(actions),
        ids=st.lists(selected, min_size=1, max_size=3),
        extra=st.just({})
        | st.dictionaries(
            st.sampled_from(("select_across", "index", "post")),
            st.sampled_from(("0", "1", "yes", "abc", "")),
        ),
    )
    def act(action, ids, extra):
        sent.append(action)
        data = {"action": action, "_selected_action": ids, **extra}
        response = client.post("/admin/reports/report/", data)
        if response.status_code >= 500:
            errors.append(f"{data!r}: {response.exc_info[1]!r}")
        assert hostile.collecting() or not errors, errors[-1:]
        # Nothing an office editor may not do: the other office's report stays,
        # and an own draft may only go to review (or be deleted).
        assert snapshot(other) == other_rows
        assert not Report.objects.filter(status=Report.Status.PUBLISHED).exists()

    with hostile.quiet_logs():
        act()
    print(f"\nhostile admin actions: {len(sent)} posts, {len(errors)} failures")
    assert errors == []
    assert counts()[0] <= before[0]


# The login, with the throttling on as in production ---------------------------------


def test_admin_login_survives_hostile_credentials(django_user_model):
    staff(django_user_model, "tanaka", group=roles.OFFICE_EDITORS, offices=["seoul"])
    client = Client(raise_request_exception=False)
    errors, sent = [], []
    credentials = st.fixed_dictionaries(
        {
            "username": st.sampled_from(("tanaka", "")) | hostile.hostile_text(),
            "password": st.just("wrong") | hostile.hostile_text(),
        },
        optional={
            "next": st.sampled_from(("/admin/", "//evil.example/", "javascript:x"))
            | hostile.hostile_text(),
        },
    )

    @settings(max_examples=hostile.budget("login"))
    @given(data=credentials)
    def log_in(data):
        sent.append(data)
        response = client.post("/admin/login/", data)
        body = response.content.decode("utf-8", "replace")
        if response.status_code >= 500:
            errors.append(f"{data!r}: {response.exc_info[1]!r}")
        elif response.status_code == 302:  # never logged in with a wrong password
            errors.append(f"{data!r}: redirected to {response['Location']}")
        elif any(marker in body for marker in hostile.RAW_MARKERS):
            errors.append(f"{data!r}: markup reflected")
        assert hostile.collecting() or not errors, errors[-1:]

    with override_settings(AXES_ENABLED=True), hostile.quiet_logs():
        log_in()
    print(f"\nhostile admin logins: {len(sent)} posts, {len(errors)} failures")
    assert errors == []
