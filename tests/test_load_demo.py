import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from reports.models import Event, Participant, Photo, Report

pytestmark = pytest.mark.django_db


def load(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def snapshot():
    return {
        "reports": sorted(
            Report.objects.values_list("external_id", "slug", "title", "fiscal_year", "first_date")
        ),
        "events": Event.objects.count(),
        "participants": sorted(Participant.objects.values_list("name", "people", "qualifier")),
        "photos": sorted(Photo.objects.values_list("image", "caption", "alt_text", "width")),
    }


def test_load_demo_loads_the_twelve_reports_of_vol_436(client):
    load()
    assert Report.objects.published().count() == 12
    assert Report.objects.values("office").distinct().count() == 12
    assert Photo.objects.count() >= 12
    assert len(client.get("/reports/").context["object_list"]) == 12


def test_load_demo_keeps_real_facts_from_the_seed():
    load()
    seoul = Report.objects.get(office__code="seoul")
    assert [p.people for p in seoul.participants.all()] == [27, 25]
    assert [p.municipalities for p in seoul.participants.all()] == [18, 15]
    assert seoul.first_date == datetime.date(2025, 12, 18)
    fair = Report.objects.get(office__code="economic-division")
    assert [e.start_date.isoformat() for e in fair.events.all()] == ["2025-11-14", "2025-11-21"]
    london = Report.objects.get(office__code="london")
    assert london.events.count() == 0 and london.fiscal_year == 2025
    nlc = Report.objects.get(office__code="new-york")
    assert nlc.participants.get().people_display == "3,000人以上"


def test_load_demo_twice_leaves_the_same_data(settings):
    load()
    first = snapshot()
    files = sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())
    assert "12 were updated" in load()
    assert snapshot() == first
    assert sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()) == files


def test_load_demo_dry_run_writes_nothing(settings):
    output = load("--dry-run")
    assert "12 would be created" in output
    assert Report.objects.count() == 0
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]


def test_load_demo_admin_option_creates_a_superuser_and_prints_the_login():
    output = load("--admin", "--admin-password", "try-the-admin-1")
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password("try-the-admin-1")
    assert "username: admin" in output and "password: try-the-admin-1" in output


def test_demo_reports_can_be_found_by_japanese_search(client):
    load()
    response = client.get("/reports/", {"q": "姉妹都市"})
    offices = {r.office.code for r in response.context["object_list"]}
    assert {"seoul", "singapore", "sydney"} <= offices


def test_load_demo_admin_option_creates_demo_editors_for_the_review_workflow(client):
    load("--admin", "--admin-password", "try-the-admin-1")
    client.login(username="seoul-editor", password="try-the-admin-1")
    html = client.get("/admin/reports/report/").text
    seoul_titles = Report.objects.filter(office__code="seoul").values_list("title", flat=True)
    other_titles = Report.objects.exclude(office__code="seoul").values_list("title", flat=True)
    assert all(title in html for title in seoul_titles)
    assert not any(title in html for title in other_titles)
