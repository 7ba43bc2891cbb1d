"""The admin page 「フォーラム原稿から下書きを作成」: a Forum page in, its proposals
checked beside it, the accepted ones stored as drafts (never published)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bench.forum_parse import build_pdf, seed_pages
from reports import roles
from reports.models import Report
from tests.factories import staff
from tests.forum_helpers import DATA, expected, form_data

pytestmark = pytest.mark.django_db

URL = "/admin/reports/report/forum-drafts/"
SEED = (DATA / "forum-vol436.txt").read_text(encoding="utf-8")
SOURCE = "自治体国際化フォーラム Vol. 436 (2026年2月)"
EXPECTED = expected("forum-vol436-expected.json")["reports"]


@pytest.fixture
def hq(client, django_user_model):
    client.force_login(staff(django_user_model, "本部", group=roles.HQ_EDITORS))
    return client


@pytest.fixture
def seoul(client, django_user_model):
    client.force_login(
        staff(django_user_model, "ソウル", group=roles.OFFICE_EDITORS, offices=["seoul"])
    )
    return client


def read(client, text=SEED, **extra):
    response = client.post(URL, {"text": text, "source": SOURCE, "step": "read", **extra})
    assert response.status_code == 200
    return response


def accept(client, page, **changes):
    data = {**form_data(page.text), **changes, "step": "accept"}
    return client.post(URL, data)


def proposals(response) -> int:
    return response.text.count('class="module aligned forum-proposal"')


def test_the_report_list_links_to_the_page(hq):
    response = hq.get("/admin/reports/report/")
    assert f'href="{URL}"' in response.text
    assert "フォーラム原稿から下書きを作成" in response.text


def test_the_seed_page_pasted_proposes_twelve_reports(hq):
    assert proposals(read(hq)) == 12


def test_each_field_shows_its_certainty_in_words_and_its_source_words(hq):
    page = read(hq).text
    assert 'class="form-row forum-field field-office forum-found' in page
    assert "本文から読み取り" in page and "推定・要確認" in page
    assert "クレアソウル事務所" in page  # the evidence of the Seoul office


def test_accepting_all_creates_twelve_drafts_with_the_source_recorded(hq):
    response = accept(hq, read(hq))
    assert response.status_code == 302
    assert response["Location"] == "/admin/reports/report/?status__exact=draft"
    assert Report.objects.count() == 12
    assert set(Report.objects.values_list("status", "source")) == {("draft", SOURCE)}


def test_the_drafts_have_the_offices_and_dates_of_the_expected_values(hq):
    accept(hq, read(hq))
    for hand in EXPECTED:
        report = Report.objects.get(title=hand["title"])
        dates = [(e.start_date.isoformat(), e.end_date.isoformat()) for e in report.events.all()]
        assert (report.office.code, report.fiscal_year, dates) == (
            hand["office"],
            hand["fiscal_year"],
            [(e["start"], e["end"]) for e in hand["events"]],
        ), hand["title"]


def test_the_drafts_link_the_local_governments_named(hq):
    accept(hq, read(hq))
    seoul_report = Report.objects.get(office__code="seoul")
    assert list(seoul_report.local_governments.values_list("name", flat=True)) == ["萩市"]


def test_the_success_message_names_the_count(hq):
    response = accept(hq, read(hq))
    followed = hq.get(response["Location"])
    assert "下書きを 12 件作成し" in followed.text


def test_accepting_the_same_page_twice_creates_nothing_new(hq):
    accept(hq, read(hq))
    response = accept(hq, read(hq))
    assert response.status_code == 302
    assert Report.objects.count() == 12


def test_a_corrected_title_keeps_the_draft_it_updates(hq):
    accept(hq, read(hq))
    page = read(hq)
    response = accept(hq, page, **{"p1-title": "ソウルでワークショップ"})
    assert response.status_code == 302
    assert Report.objects.count() == 12
    assert Report.objects.filter(title="ソウルでワークショップ").count() == 1


def test_a_proposal_left_out_is_not_written(hq):
    page = read(hq)
    data = {k: v for k, v in form_data(page.text).items() if k != "p2-include"}
    hq.post(URL, {**data, "step": "accept"})
    assert Report.objects.count() == 11
    assert not Report.objects.filter(office__code="paris").exists()


def test_posting_status_published_still_creates_drafts(hq):
    response = accept(hq, read(hq), status="published", **{"p1-status": "published"})
    assert response.status_code == 302
    assert set(Report.objects.values_list("status", flat=True)) == {"draft"}
    assert not Report.objects.filter(published_at__isnull=False).exists()


def test_an_accepted_proposal_without_an_office_is_an_error_at_the_field(hq):
    response = accept(hq, read(hq), **{"p1-office": ""})
    assert response.status_code == 200
    assert Report.objects.count() == 0
    assert 'href="#id_p1-office"' in response.text  # the summary links to the field
    assert "下書きにする記事には必要です。" in response.text


def test_an_event_ending_before_it_starts_is_an_error_and_nothing_is_written(hq):
    response = accept(hq, read(hq), **{"p1-events-0-end_date": "2025-01-01"})
    assert response.status_code == 200
    assert 'id="error-summary"' in response.text
    assert Report.objects.count() == 0


def test_the_page_keeps_the_corrections_when_it_shows_errors(hq):
    response = accept(hq, read(hq), **{"p1-office": "", "p2-title": "直したタイトル"})
    assert 'value="直したタイトル"' in response.text


# Office editors --------------------------------------------------------------------


def test_an_office_editor_is_offered_only_their_offices_proposals(seoul):
    page = read(seoul)
    assert proposals(page) == 1
    assert "日韓公務員交流ワークショップ" in page.text
    assert '<option value="paris"' not in page.text


def test_an_office_editor_cannot_accept_a_proposal_for_another_office(seoul):
    response = accept(seoul, read(seoul), **{"p1-office": "paris"})
    assert response.status_code == 200
    assert Report.objects.count() == 0
    assert 'href="#id_p1-office"' in response.text


def test_an_office_editor_cannot_post_an_article_they_were_not_offered(seoul):
    data = {**form_data(read(seoul).text), "p2-include": "on", "p2-office": "seoul"}
    seoul.post(URL, {**data, "step": "accept"})
    assert list(Report.objects.values_list("office__code", flat=True)) == ["seoul"]


def test_an_office_editor_accepts_their_offices_draft(seoul):
    response = accept(seoul, read(seoul))
    assert response.status_code == 302
    assert list(Report.objects.values_list("office__code", "status")) == [("seoul", "draft")]


def test_a_posted_id_of_another_offices_report_is_refused(seoul, django_user_model):
    from tests.factories import make_report

    other = make_report(title="パリの報告", office="paris", status=Report.Status.DRAFT)
    Report.objects.filter(pk=other.pk).update(external_id="forum-" + "0" * 24)
    response = accept(seoul, read(seoul), **{"p1-external_id": "forum-" + "0" * 24})
    assert response.status_code == 200
    assert Report.objects.get(pk=other.pk).title == "パリの報告"
    assert Report.objects.count() == 1


def test_a_published_report_is_not_turned_back_into_a_draft(hq):
    accept(hq, read(hq))
    Report.objects.filter(office__code="seoul").update(
        status=Report.Status.PUBLISHED,
        published_at=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC),
    )
    response = accept(hq, read(hq))
    assert response.status_code == 200
    assert Report.objects.get(office__code="seoul").status == Report.Status.PUBLISHED


def test_a_user_without_offices_may_not_open_the_page(client, django_user_model):
    client.force_login(staff(django_user_model, "無所属", group=roles.OFFICE_EDITORS))
    assert client.get(URL).status_code == 403


# Bad input ------------------------------------------------------------------------------


def test_an_empty_text_is_refused_with_a_message(hq):
    response = read(hq, text="   ")
    assert "テキストが空です" in response.text
    assert proposals(response) == 0


def test_a_text_without_an_article_is_refused_with_a_message(hq):
    response = read(hq, text="ソウル事務所\n\nワークショップの様子")
    assert "記事が見つかりませんでした" in response.text


def test_a_fake_pdf_is_refused_with_a_message(hq):
    upload = SimpleUploadedFile("forum.pdf", b"%PDF-1.7\nnot really\n%%EOF")
    response = hq.post(URL, {"file": upload, "text": "", "source": SOURCE, "step": "read"})
    assert "PDF ファイルではないか" in response.text
    assert Report.objects.count() == 0


def test_a_file_over_the_limit_is_refused_before_it_is_read(hq, monkeypatch):
    monkeypatch.setattr("forum.pdf.MAX_UPLOAD_BYTES", 1000)
    upload = SimpleUploadedFile("forum.txt", SEED.encode())
    response = hq.post(URL, {"file": upload, "text": "", "source": SOURCE, "step": "read"})
    assert "大きすぎます" in response.text
    assert proposals(response) == 0


def test_the_seed_page_as_a_pdf_proposes_twelve_reports(hq):
    upload = SimpleUploadedFile("forum.pdf", build_pdf(seed_pages(SEED)), "application/pdf")
    response = hq.post(URL, {"file": upload, "text": "", "source": SOURCE, "step": "read"})
    assert proposals(response) == 12
    accept(hq, response)
    assert Report.objects.count() == 12
