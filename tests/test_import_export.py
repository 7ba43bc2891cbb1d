"""import_reports and export_reports: the JSONL format, its checks and the round trip."""

import io
import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from PIL import Image

from reports import importing
from reports.models import Event, Participant, Photo, Report
from tests.factories import make_report

pytestmark = pytest.mark.django_db


def jpeg_bytes(color=(200, 30, 30), *, gps: bool = False) -> bytes:
    image = Image.new("RGB", (64, 48), color)
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {1: "N", 2: (35.0, 41.0, 22.0), 3: "E", 4: (139.0, 41.0, 30.0)}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (50, 40), (10, 120, 60, 255)).save(buffer, format="PNG")
    return buffer.getvalue()


def line(external_id: str = "flash-2022-09-28-bej", **fields) -> dict:
    """A valid line with every field; override or drop (None via `fields`) as needed."""
    data = {
        "external_id": external_id,
        "slug": f"slug-{external_id}",
        "office": "beijing",
        "title": "長崎県の訪問団が北京で交流会を開催",
        "title_en": "Nagasaki delegation holds exchange event in Beijing",
        "summary": "長崎県と中国の交流 40 年を祝いました。",
        "summary_en": "Forty years of exchange were celebrated.",
        "body": "第一段落です。\n\n第二段落です。",
        "themes": ["sister-cities", "tourism-culture"],  # in display order, as exported
        "municipalities": ["420000", "422011"],  # 長崎県, 長崎市: by code, as exported
        "partners": [{"name": "北京市", "name_en": "Beijing", "country": "CN", "kind": "region"}],
        "status": "published",
        "published_at": "2022-09-28T09:00:00+09:00",
        "fiscal_year": 2022,
        "source": "自治体国際化フォーラム Vol. 400",
        "events": [
            {
                "start": "2022-09-17",
                "end": "2022-09-18",
                "venue": "国際会議場",
                "city": "上海市",
                "country": "CN",
                "format": "in_person",
            }
        ],
        "participants": [
            {
                "name": "参加者",
                "country": "CN",
                "municipalities": None,
                "people": 33,
                "qualifier": "exact",
            }
        ],
        "photos": [],
    }
    data.update(fields)
    return data


def write_jsonl(path: Path, *lines) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "".join(
            (item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)) + "\n"
            for item in lines
        ),
        encoding="utf-8",
    )
    return path


def import_file(path, *args) -> str:
    out = StringIO()
    call_command("import_reports", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def import_errors(path, *args) -> str:
    with pytest.raises(CommandError) as excinfo:
        import_file(path, *args)
    return str(excinfo.value)


def export(*args) -> str:
    out = StringIO()
    call_command("export_reports", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def media_files(settings) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def rich_file(tmp_path) -> Path:
    """Every field filled, every status, format and qualifier, Japanese text, photos."""
    source = tmp_path / "in"
    (source / "photos").mkdir(parents=True)
    (source / "photos" / "bej-1.jpg").write_bytes(jpeg_bytes(gps=True))
    (source / "photos" / "bej-2.png").write_bytes(png_bytes())
    return write_jsonl(
        source / "reports.jsonl",
        line(
            fiscal_year=None,  # taken from the first event
            events=[
                {
                    "start": "2022-09-17",
                    "end": "2022-09-17",
                    "venue": "総領事館",
                    "city": "上海市",
                    "country": "CN",
                    "format": "in_person",
                },
                {
                    "start": "2022-09-20",
                    "end": "2022-09-22",
                    "venue": "",
                    "city": "",
                    "country": None,
                    "format": "online",
                },
                {
                    "start": "2022-10-01",
                    "end": "2022-10-02",
                    "venue": "北京国際展覧センター",
                    "city": "北京市",
                    "country": "CN",
                    "format": "hybrid",
                },
            ],
            participants=[
                {
                    "name": "日本の自治体",
                    "country": "JP",
                    "municipalities": 18,
                    "people": 27,
                    "qualifier": "exact",
                },
                {
                    "name": "来場者",
                    "country": None,
                    "municipalities": None,
                    "people": 800,
                    "qualifier": "about",
                },
                {
                    "name": "企業",
                    "country": "CN",
                    "municipalities": 0,
                    "people": 3000,
                    "qualifier": "at_least",
                },
            ],
            photos=[
                {
                    "file": "photos/bej-1.jpg",
                    "caption": "祝賀会の様子",
                    "alt": "壇上で挨拶する知事",
                },
                {"file": "photos/bej-2.png", "caption": "", "alt": "記念撮影"},
            ],
        ),
        line(
            "fy-2025-lon-seminars",
            office="london",
            title="オンラインセミナーシリーズ（2025年度）",
            title_en="",
            summary_en="",
            themes=["public-participation"],
            status="draft",
            published_at=None,
            fiscal_year=2025,
            source="",
            events=[],
            participants=[],
        ),
        line(
            "review-2026-syd",
            office="sydney",
            status="review",
            published_at="2030-01-01T00:00:00+09:00",
            themes=["education"],
        ),
        line("withdrawn-2021-par", office="paris", status="withdrawn", themes=["environment"]),
    )


# Round trip -----------------------------------------------------------------------


def test_export_import_export_round_trip_is_identical(rich_file, tmp_path, settings):
    import_file(rich_file)
    first_dir, second_dir = tmp_path / "first", tmp_path / "second"
    first_dir.mkdir()
    second_dir.mkdir()
    export("--output", str(first_dir / "all.jsonl"), "--photos-dir", str(first_dir / "photos"))

    Report.objects.all().delete()  # an empty database for the second import
    assert "4 created" in import_file(first_dir / "all.jsonl")
    export("--output", str(second_dir / "all.jsonl"), "--photos-dir", str(second_dir / "photos"))

    first = (first_dir / "all.jsonl").read_bytes()
    assert first == (second_dir / "all.jsonl").read_bytes()
    assert sorted(p.name for p in (second_dir / "photos").iterdir()) == [
        "flash-2022-09-28-bej-1.jpg",
        "flash-2022-09-28-bej-2.png",
    ]


def test_export_writes_back_what_was_imported(rich_file, tmp_path):
    import_file(rich_file)
    exported = [json.loads(text) for text in export().splitlines()]
    imported = [json.loads(text) for text in rich_file.read_text(encoding="utf-8").splitlines()]
    by_id = {item["external_id"]: item for item in imported}
    assert [item["external_id"] for item in exported] == sorted(by_id)
    for item in exported:
        expected = by_id[item["external_id"]]
        expected["fiscal_year"] = expected["fiscal_year"] or 2022  # from the first event
        expected["photos"] = [{**photo, "file": None} for photo in expected["photos"]]
        assert item == expected
    assert list(exported[0]) == list(imported[0])  # fields in the documented order


def test_export_photos_are_copied_beside_the_output_with_relative_paths(rich_file, tmp_path):
    import_file(rich_file)
    target = tmp_path / "out"
    target.mkdir()
    export("--output", str(target / "reports.jsonl"), "--photos-dir", str(target / "img"))
    first = json.loads((target / "reports.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert [photo["file"] for photo in first["photos"]] == [
        "img/flash-2022-09-28-bej-1.jpg",
        "img/flash-2022-09-28-bej-2.png",
    ]
    with Image.open(target / "img" / "flash-2022-09-28-bej-1.jpg") as image:
        assert image.size == (64, 48)


def test_export_refuses_a_photos_dir_outside_the_output_folder(rich_file, tmp_path):
    import_file(rich_file)
    (tmp_path / "out").mkdir()
    with pytest.raises(CommandError, match="must be inside"):
        export("--output", str(tmp_path / "out" / "r.jsonl"), "--photos-dir", str(tmp_path))
    assert not (tmp_path / "out" / "r.jsonl").exists()


# Importing again ------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(rich_file, settings):
    import_file(rich_file)
    before = list(Report.objects.order_by("pk").values_list("pk", "updated_at"))
    history = Report.history.count()
    files = media_files(settings)

    assert "0 created, 0 updated, 4 unchanged" in import_file(rich_file)
    assert list(Report.objects.order_by("pk").values_list("pk", "updated_at")) == before
    assert Report.history.count() == history
    assert media_files(settings) == files


def test_reimporting_a_changed_line_updates_only_that_report(rich_file):
    import_file(rich_file)
    lines = rich_file.read_text(encoding="utf-8").splitlines()
    changed = json.loads(lines[1])
    changed["title"] = "新しいタイトル"
    changed["participants"] = [{"name": "職員", "people": 5, "qualifier": "about"}]
    lines[1] = json.dumps(changed, ensure_ascii=False)
    rich_file.write_text("\n".join(lines) + "\n", encoding="utf-8")

    assert "0 created, 1 updated, 3 unchanged" in import_file(rich_file)
    report = Report.objects.get(external_id="fy-2025-lon-seminars")
    assert report.title == "新しいタイトル"
    assert [p.people_display for p in report.participants.all()] == ["約5人"]
    assert Report.objects.count() == 4
    assert report.history.first().history_change_reason == "import_reports reports.jsonl"


def test_reimport_of_an_export_into_the_same_database_changes_nothing(rich_file, tmp_path):
    import_file(rich_file)
    (tmp_path / "out").mkdir()
    exported = tmp_path / "out" / "all.jsonl"
    export("--output", str(exported), "--photos-dir", str(tmp_path / "out" / "photos"))
    assert "0 created, 0 updated, 4 unchanged" in import_file(exported)


def test_a_changed_photo_file_is_replaced_and_an_unchanged_one_kept(rich_file):
    import_file(rich_file)
    kept, replaced = Photo.objects.order_by("position")
    (rich_file.parent / "photos" / "bej-2.png").write_bytes(jpeg_bytes((0, 0, 255)))
    assert "1 updated" in import_file(rich_file)
    first, second = Photo.objects.order_by("position")
    assert first.pk == kept.pk and first.image.name == kept.image.name
    assert second.pk != replaced.pk and second.image.name.endswith(".jpg")


def test_removing_a_photo_from_the_line_deletes_it(rich_file):
    import_file(rich_file)
    lines = rich_file.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["photos"] = first["photos"][:1]
    lines[0] = json.dumps(first, ensure_ascii=False)
    rich_file.write_text("\n".join(lines), encoding="utf-8")  # no newline at the end: fine
    assert "1 updated" in import_file(rich_file)
    assert Photo.objects.count() == 1


def test_export_of_admin_reports_uses_report_pk_and_reimport_adopts_them(tmp_path):
    report = make_report(office="seoul", participants=({"name": "職員", "people": 3},))
    exported = write_jsonl(tmp_path / "r.jsonl", export().strip())
    assert json.loads(exported.read_text())["external_id"] == f"report-{report.pk}"

    assert "0 created, 1 updated, 0 unchanged" in import_file(exported)
    report.refresh_from_db()
    assert report.external_id == f"report-{report.pk}"
    assert Report.objects.count() == 1
    assert "1 unchanged" in import_file(exported)


def test_lines_in_any_order_of_events_import_stably(tmp_path):
    later, earlier = (
        {"start": "2023-05-01", "end": "2023-05-01", "format": "online"},
        {"start": "2023-03-01", "end": "2023-03-02", "format": "hybrid"},
    )
    path = write_jsonl(tmp_path / "r.jsonl", line(events=[later, earlier], fiscal_year=None))
    import_file(path)
    report = Report.objects.get()
    assert [e.format for e in report.events.all()] == ["hybrid", "online"]
    assert report.fiscal_year == 2022  # from 2023-03-01, in fiscal 2022
    assert "1 unchanged" in import_file(path)


# Checks ---------------------------------------------------------------------------


def test_a_file_with_one_bad_line_imports_nothing_and_names_the_line(tmp_path, settings):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.jpg").write_bytes(jpeg_bytes())
    good = [
        line(f"good-{n}", photos=[{"file": "photos/a.jpg", "caption": "", "alt": "写真"}])
        for n in range(6)
    ]
    path = write_jsonl(tmp_path / "r.jsonl", *good, line("bad", office="tokyo"))
    message = import_errors(path)
    assert "1 error, nothing was imported" in message
    assert "line 7: office 'tokyo' is not one of: seoul, paris, london," in message
    assert Report.objects.count() == 0 and Photo.objects.count() == 0
    assert media_files(settings) == []


def test_every_error_is_listed_up_to_a_limit(tmp_path):
    path = write_jsonl(tmp_path / "r.jsonl", *[line(f"x-{n}", status="gone") for n in range(60)])
    message = import_errors(path)
    assert message.startswith(f"{path}: 60 errors, nothing was imported:")
    assert "line 1: status 'gone' is not one of: draft, review, published, withdrawn" in message
    assert "line 50: status" in message and "line 51:" not in message
    assert message.endswith("... and 10 more")


MALFORMED = {
    "invalid JSON": ('{"external_id": "a",, }', "line 2: invalid JSON: Expecting"),
    "not an object": ("[1, 2]", "line 2: a line must be a JSON object, not an array"),
    "a field twice": (
        '{"external_id": "a", "external_id": "b"}',
        "line 2: field 'external_id' appears twice",
    ),
    "NaN": ('{"external_id": "a", "fiscal_year": NaN}', "line 2: invalid JSON: NaN is not allowed"),
    "wrong type": (line("a", title=5), "line 2: title must be a string, not a number"),
    "wrong type for a list": (
        line("a", events={}),
        "line 2: events must be an array, not an object",
    ),
    "boolean as a count": (
        line("a", participants=[{"name": "x", "people": True}]),
        "line 2: participants[0].people must be a whole number or null, not a boolean",
    ),
    "unknown field": (
        line("a", author="me"),
        "line 2: unknown field 'author' (allowed: external_id,",
    ),
    "unknown nested field": (
        line("a", events=[{"start": "2022-01-01", "end": "2022-01-01", "room": "A"}]),
        "line 2: unknown field 'events[0].room'",
    ),
    "missing required field": (
        {k: v for k, v in line("a").items() if k != "title"},
        "line 2: title is required",
    ),
    "empty required field": (line("a", summary="  "), "line 2: summary must not be empty"),
    "too long": (line("a", title="長" * 201), "line 2: title has 201 characters; at most 200"),
    "NUL character": (line("a", body="a\x00b"), "line 2: body contains a NUL character"),
    "lone surrogate": (
        json.dumps({**line("a"), "source": "\ud800"}),  # written as the escape \ud800
        "line 2: source contains an unpaired surrogate",
    ),
    "duplicate external_id": (
        line("ok-1", slug="other"),
        "line 2: external_id 'ok-1' is also on line 1",
    ),
    "duplicate slug": (line("b", slug="slug-ok-1"), "line 2: slug 'slug-ok-1' is also on line 1"),
    "bad slug": (line("a", slug="a b/c"), "line 2: slug 'a b/c' may contain only letters"),
    "unknown theme": (
        line("a", themes=["space"]),
        "line 2: themes[0] 'space' is not one of: sister-cities",
    ),
    "theme twice": (
        line("a", themes=["education", "education"]),
        "line 2: themes[1] 'education' is listed twice",
    ),
    "unknown status": (
        line("a", status="live"),
        "line 2: status 'live' is not one of: draft, review",
    ),
    "bad date": (
        line("a", events=[{"start": "2022-02-30", "end": "2022-03-01"}]),
        "line 2: events[0].start '2022-02-30' is not a date (YYYY-MM-DD)",
    ),
    "date in another form": (
        line("a", events=[{"start": "2022/03/01", "end": "2022-03-01"}]),
        "line 2: events[0].start '2022/03/01' is not a date",
    ),
    "end before start": (
        line("a", events=[{"start": "2022-03-02", "end": "2022-03-01"}]),
        "line 2: events[0].end '2022-03-01' is before events[0].start '2022-03-02'",
    ),
    "bad country code": (
        line("a", events=[{"start": "2022-03-01", "end": "2022-03-01", "country": "CHN"}]),
        "line 2: events[0].country 'CHN' is not an ISO 3166-1 alpha-2 country code",
    ),
    "unknown format": (
        line("a", events=[{"start": "2022-03-01", "end": "2022-03-01", "format": "radio"}]),
        "line 2: events[0].format 'radio' is not one of: in_person, online, hybrid",
    ),
    "negative count": (
        line("a", participants=[{"name": "x", "people": -1}]),
        "line 2: participants[0].people -1 is negative",
    ),
    "unknown qualifier": (
        line("a", participants=[{"name": "x", "people": 1, "qualifier": "roughly"}]),
        "line 2: participants[0].qualifier 'roughly' is not one of: exact, about, at_least",
    ),
    "published_at without offset": (
        line("a", published_at="2022-09-28T09:00:00"),
        "line 2: published_at '2022-09-28T09:00:00' needs a UTC offset",
    ),
    "published_at not a time": (
        line("a", published_at="yesterday"),
        "line 2: published_at 'yesterday' is not an ISO 8601 date and time",
    ),
    "published without a time": (
        line("a", published_at=None),
        "line 2: published_at is required when status is 'published'",
    ),
    "fiscal year out of range": (
        line("a", events=[], fiscal_year=1800),
        "line 2: fiscal_year 1800 is not between 1900 and 2200",
    ),
    "published without a theme": (line("a", themes=[]), "line 2: status 'published': "),
    "photo file missing": (
        line("a", photos=[{"file": "photos/none.jpg", "alt": "x"}]),
        "line 2: photos[0].file 'photos/none.jpg' does not exist",
    ),
    "photo path with ..": (
        line("a", photos=[{"file": "../secret.jpg", "alt": "x"}]),
        "line 2: photos[0].file '../secret.jpg' must be a path inside the folder of the JSONL file",
    ),
    "photo path with .. inside": (
        line("a", photos=[{"file": "photos/../../secret.jpg", "alt": "x"}]),
        "must be a path inside the folder of the JSONL file",
    ),
    "absolute photo path": (
        line("a", photos=[{"file": "/etc/passwd", "alt": "x"}]),
        "line 2: photos[0].file '/etc/passwd' must be a path inside the folder",
    ),
    "photo that is not an image": (
        line("a", photos=[{"file": "photos/fake.jpg", "alt": "x"}]),
        "line 2: photos[0].file 'photos/fake.jpg': ",
    ),
    "photo without a file and nothing stored": (
        line("a", photos=[{"caption": "x", "alt": "x"}]),
        "line 2: photos[0].file is null, but the report has no stored photo 1 to keep",
    ),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_lines_are_named_and_nothing_is_imported(case, tmp_path):
    text, expected = MALFORMED[case]
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "fake.jpg").write_bytes(b"this is not a JPEG at all")
    path = write_jsonl(tmp_path / "r.jsonl", line("ok-1"), text)
    assert expected in import_errors(path)
    assert Report.objects.count() == 0


def test_a_truncated_last_line_is_named(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(line("ok-1")) + "\n" + json.dumps(line("ok-2"))[:80])
    assert "line 2: invalid JSON: " in (message := import_errors(path))
    assert "the file ends inside this line: is it truncated?" in message


def test_invalid_utf8_is_named(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_bytes(json.dumps(line("ok-1")).encode() + b'\n{"title": "\xff\xfe"}\n')
    assert "line 2: not valid UTF-8 (byte 0xff at byte 12 of the line)" in import_errors(path)


def test_a_huge_line_is_refused_without_reading_it_whole(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(line("ok-1", body="あ" * 400_000)) + "\n" + json.dumps(line("ok-2")))
    assert "line 1: longer than 1,000,000 bytes" in (message := import_errors(path))
    assert "line 2" not in message


def test_a_byte_order_mark_and_blank_lines_are_accepted(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text("\ufeff" + json.dumps(line("a")) + "\n\n  \n" + json.dumps(line("b")) + "\n")
    assert "2 created" in import_file(path)


def test_a_symbolic_link_out_of_the_folder_is_refused(tmp_path):
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(jpeg_bytes())
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "link.jpg").symlink_to(outside)
    path = write_jsonl(tmp_path / "in" / "r.jsonl", line(photos=[{"file": "link.jpg", "alt": "x"}]))
    assert "must be a path inside the folder of the JSONL file" in import_errors(path)


def test_a_slug_of_another_stored_report_is_refused(tmp_path):
    other = make_report()
    Report.objects.filter(pk=other.pk).update(external_id="other")
    path = write_jsonl(tmp_path / "r.jsonl", line("new", slug=other.slug))
    with pytest.raises(
        CommandError, match=f"line 1: slug '{other.slug}' is already used by report 'other'"
    ):
        import_file(path)
    assert Report.objects.count() == 1


def test_the_file_must_exist(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        import_file(tmp_path / "missing.jsonl")


# Dry run, photos, users, progress, batches ------------------------------------------------


def test_dry_run_reports_what_would_change_and_writes_nothing(rich_file, settings):
    import_file(rich_file)
    lines = rich_file.read_text(encoding="utf-8").splitlines()
    changed = json.loads(lines[1])
    changed["summary"] = "変更"
    lines[1] = json.dumps(changed, ensure_ascii=False)
    lines.append(json.dumps(line("brand-new")))
    rich_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    files, history = media_files(settings), Report.history.count()

    output = import_file(rich_file, "--dry-run")
    assert "1 would be created, 1 would be updated, 3 unchanged" in output
    assert Report.objects.count() == 4
    assert Report.objects.get(external_id="fy-2025-lon-seminars").summary != "変更"
    assert media_files(settings) == files and Report.history.count() == history


def test_dry_run_of_an_empty_database_writes_no_file(rich_file, settings):
    assert "4 would be created" in import_file(rich_file, "--dry-run")
    assert Report.objects.count() == 0 and media_files(settings) == []


def test_imported_photos_go_through_the_photo_pipeline(rich_file):
    import_file(rich_file)
    jpeg, png = Photo.objects.order_by("position")
    assert (jpeg.caption, jpeg.alt_text, png.alt_text) == (
        "祝賀会の様子",
        "壇上で挨拶する知事",
        "記念撮影",
    )
    assert jpeg.display_jpeg and jpeg.thumb_webp  # renditions made on save
    with jpeg.image.open("rb") as stored, Image.open(stored) as image:
        assert not image.getexif()  # the GPS-tagged source is stored without metadata
    assert len(jpeg.source_sha256) == 64


def test_a_failure_while_writing_rolls_back_and_removes_photo_files(
    rich_file, settings, monkeypatch
):
    original = Photo.save
    calls = []

    def fail_on_second(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 2:
            raise OSError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Photo, "save", fail_on_second)
    with pytest.raises(CommandError, match="line 1: writing lines 1-4 failed: disk full"):
        import_file(rich_file)
    assert Report.objects.count() == 0 and media_files(settings) == []


def test_import_records_the_acting_user_in_the_history(rich_file):
    user = get_user_model().objects.create_superuser("hq", "hq@example.org", "pw")
    import_file(rich_file, "--user", "hq")
    report = Report.objects.get(external_id="review-2026-syd")
    record = report.history.get()
    assert (record.history_user, record.history_type) == (user, "+")
    assert record.history_change_reason == "import_reports reports.jsonl"
    assert report.created_by == user and report.updated_by == user


def test_a_user_without_the_import_permission_is_refused(rich_file):
    get_user_model().objects.create_user("clerk", is_staff=True)
    with pytest.raises(CommandError, match="'clerk' may not import reports"):
        import_file(rich_file, "--user", "clerk")
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        import_file(rich_file, "--user", "nobody")


class Terminal(StringIO):
    def isatty(self):
        return True


def test_progress_is_shown_on_a_terminal_only(tmp_path):
    path = write_jsonl(tmp_path / "r.jsonl", *[line(f"r-{n}") for n in range(500)])
    terminal, pipe = Terminal(), StringIO()
    call_command("import_reports", str(path), "--dry-run", stdout=StringIO(), stderr=terminal)
    call_command("import_reports", str(path), "--dry-run", stdout=StringIO(), stderr=pipe)
    assert "\rchecking: line 500 (" in terminal.getvalue()
    assert pipe.getvalue() == ""


def test_small_batches_import_the_same_as_one(tmp_path):
    base = "2022-nagasaki-delegation-holds-exchange-event-in-beijing"
    lines = [line(f"r-{n}", slug=None) for n in range(5)]
    path = write_jsonl(tmp_path / "r.jsonl", *lines, line("r-9", slug=f"{base}-3"))
    summary = importing.reports_import(path=path, chunk_size=2)
    assert (summary.created, summary.updated, summary.unchanged) == (6, 0, 0)
    # Generated slugs skip the one a later line claims.
    assert sorted(Report.objects.values_list("slug", flat=True)) == sorted(
        [base, *(f"{base}-{n}" for n in range(2, 7))]
    )
    assert Report.objects.get(external_id="r-9").slug == f"{base}-3"
    summary = importing.reports_import(path=path, chunk_size=2)
    assert summary.unchanged == 6


def test_import_fills_the_derived_fields(tmp_path):
    path = write_jsonl(tmp_path / "r.jsonl", line())
    import_file(path)
    report = Report.objects.get()
    assert (str(report.first_date), str(report.last_date)) == ("2022-09-17", "2022-09-18")
    assert "上海市" in report.search_text and report.participants.get().people == 33
    assert Event.objects.count() == 1 and Participant.objects.count() == 1


# Export -----------------------------------------------------------------------------


def test_export_office_filter_keeps_only_those_offices_in_id_order(tmp_path):
    path = write_jsonl(
        tmp_path / "r.jsonl",
        line("z-seoul", office="seoul"),
        line("a-paris", office="paris"),
        line("m-seoul", office="seoul"),
        line("b-london", office="london"),
    )
    import_file(path)
    ids = [
        json.loads(text)["external_id"]
        for text in export("--office", "seoul", "paris").splitlines()
    ]
    assert ids == ["a-paris", "m-seoul", "z-seoul"]
    ids = [json.loads(text)["external_id"] for text in export("--office", "london").splitlines()]
    assert ids == ["b-london"]


def test_export_rejects_an_unknown_office():
    with pytest.raises(CommandError, match="--office 'tokyo' is not one of: seoul, paris"):
        export("--office", "tokyo")


def test_export_without_photos_dir_lists_photos_without_files(rich_file, tmp_path):
    import_file(rich_file)
    first = json.loads(export().splitlines()[0])
    assert first["photos"] == [
        {"file": None, "caption": "祝賀会の様子", "alt": "壇上で挨拶する知事"},
        {"file": None, "caption": "", "alt": "記念撮影"},
    ]
    # Such a file still imports into the same database, keeping the stored photos.
    again = write_jsonl(tmp_path / "again.jsonl", *export().splitlines())
    assert "4 unchanged" in import_file(again)


def test_a_published_back_number_without_alt_text_is_still_imported(tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.jpg").write_bytes(jpeg_bytes())
    path = write_jsonl(
        tmp_path / "r.jsonl", line("old", photos=[{"file": "photos/a.jpg", "alt": ""}])
    )
    assert "1 created" in import_file(path)
    assert Report.objects.get(external_id="old").is_public


def test_a_line_break_in_a_key_or_value_stays_on_its_error_line(tmp_path):
    # Found by tests/test_hostile_import.py: an unknown key "\n" spread its error over
    # two lines of the message, and could have passed for another line's error.
    text = json.dumps({**line("a"), "x\nline 9: fake": 1, "office": "to\nkyo"})
    path = write_jsonl(tmp_path / "r.jsonl", line("ok-1"), text)
    heading, *errors = import_errors(path).split("\n")
    assert heading.endswith("2 errors, nothing was imported:")
    assert errors[0].startswith("line 2: unknown field 'x\\u000aline 9: fake' (allowed:")
    assert errors[1].startswith("line 2: office 'to\\u000akyo' is not one of:")


def planner_has_statistics_for_reports() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'reports_report'")
            return cursor.fetchone()[0] >= 1000
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return False
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'reports_report'")
        return cursor.fetchone()[0] > 0


def test_a_bulk_import_leaves_the_planner_statistics_of_what_it_wrote(tmp_path):
    path = write_jsonl(tmp_path / "bulk.jsonl", *(line(f"bulk-{n}") for n in range(1000)))
    import_file(path)
    assert Report.objects.count() == 1000
    assert planner_has_statistics_for_reports()
