"""The photo pipeline, through the admin's forms and the public pages."""

import datetime
import io
import re
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageCms

from reports import photos
from reports.models import Photo, Report
from tests.factories import make_report
from tests.test_admin import ADD_URL, inline_management, report_form

pytestmark = pytest.mark.django_db

SLUG = "admin-added-report"  # report_form()'s


def image_bytes(fmt="JPEG", size=(60, 40), mode="RGB", color=(200, 30, 30), **options) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format=fmt, **options)
    return buffer.getvalue()


def upload(content: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def png_claiming(width: int, height: int) -> bytes:
    """A valid little PNG whose header claims `width` × `height` pixels: a bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def add_report_with_photo(client, photo_upload):
    return client.post(ADD_URL, report_form(**{"photos-0-image": photo_upload}))


def added_photo() -> Photo:
    return Report.objects.get(slug=SLUG).photos.get()


def change_form(report: Report, photo: Photo, **photo_fields) -> dict:
    """The admin change form of `report` as posted, with its one photo's inline form."""
    data = report_form(
        **inline_management("events", 0),
        **inline_management("participants", 0),
        **{
            **inline_management("photos", 1),
            "photos-INITIAL_FORMS": "1",
            "photos-0-id": str(photo.pk),
            "photos-0-report": str(report.pk),
            "photos-0-caption": photo.caption,
            "photos-0-alt_text": photo.alt_text,
            "photos-0-position": "0",
        },
    )
    del data["photos-0-image"]
    data.update(photo_fields)
    return data


def media_files(settings) -> set[str]:
    root = settings.MEDIA_ROOT
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def stored(photo: Photo, field: str = "image") -> Image.Image:
    file = getattr(photo, field)
    with file.open("rb") as stream:
        image = Image.open(io.BytesIO(stream.read()))
        image.load()
    return image


def assert_nothing_saved(settings):
    assert not Report.objects.exists()
    assert not Photo.objects.exists()
    assert media_files(settings) == set()


# What is accepted --------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "name", "content_type"),
    [
        ("JPEG", "photo.jpg", "image/jpeg"),
        ("PNG", "photo.png", "image/png"),
        ("WEBP", "photo.webp", "image/webp"),
    ],
)
def test_admin_accepts_jpeg_png_and_webp_photos(admin_client_logged_in, fmt, name, content_type):
    response = add_report_with_photo(
        admin_client_logged_in, upload(image_bytes(fmt), name, content_type)
    )
    assert response.status_code == 302, response.context["inline_admin_formsets"][2].formset.errors
    photo = added_photo()
    assert stored(photo).format == fmt
    assert (photo.width, photo.height) == (60, 40)


def test_admin_file_input_offers_only_the_accepted_formats(admin_client_logged_in):
    html = admin_client_logged_in.get(ADD_URL).text
    assert 'accept="image/jpeg,image/png,image/webp"' in html


def test_admin_accepts_a_multi_picture_jpeg_as_phones_write_it(admin_client_logged_in):
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (60, 40), "red"), Image.new("RGB", (60, 40), "blue")
    first.save(buffer, format="MPO", save_all=True, append_images=[second])
    response = add_report_with_photo(admin_client_logged_in, upload(buffer.getvalue()))
    assert response.status_code == 302
    original = stored(added_photo())
    assert original.format == "JPEG" and getattr(original, "n_frames", 1) == 1


def test_stored_original_is_reencoded_never_the_uploaded_bytes(admin_client_logged_in):
    content = image_bytes("JPEG", size=(300, 200), quality=40)
    add_report_with_photo(admin_client_logged_in, upload(content))
    photo = added_photo()
    with photo.image.open("rb") as stream:
        assert stream.read() != content
    assert photo.image.name.endswith(".jpg")


# What is rejected, with nothing half-saved -------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (image_bytes("GIF", mode="P", color=1), "GIF 形式の画像は使えません。"),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "PDF 形式の画像は使えません。"),
        ("ただのテキストです。".encode(), "画像ファイルではありません。"),
    ],
    ids=["gif", "pdf", "text"],
)
def test_admin_rejects_a_file_of_another_kind_renamed_jpg(
    admin_client_logged_in, settings, content, message
):
    response = add_report_with_photo(admin_client_logged_in, upload(content, "photo.jpg"))
    assert response.status_code == 200
    assert message in response.text
    assert_nothing_saved(settings)


def test_admin_rejects_a_png_whose_header_claims_hundreds_of_megapixels(
    admin_client_logged_in, settings
):
    # Far past Pillow's own limit: Pillow raises DecompressionBombError on opening.
    bomb = upload(png_claiming(20_000, 20_000), "bomb.png", "image/png")
    response = add_report_with_photo(admin_client_logged_in, bomb)
    assert response.status_code == 200
    assert "画像の画素数が多すぎます" in response.text
    assert_nothing_saved(settings)


def test_admin_rejects_an_image_over_the_fifty_megapixel_limit(admin_client_logged_in, settings):
    # 60 MP: below Pillow's limit, above ours; rejected before any pixel is decoded.
    bomb = upload(png_claiming(10_000, 6_000), "big.png", "image/png")
    response = add_report_with_photo(admin_client_logged_in, bomb)
    assert response.status_code == 200
    assert "画像の画素数が多すぎます（10,000 × 6,000）。50,000,000 画素以下" in response.text
    assert_nothing_saved(settings)


def test_admin_rejects_a_truncated_jpeg(admin_client_logged_in, settings):
    noise = Image.frombytes("RGB", (200, 200), bytes(range(256)) * 468 + bytes(192))
    buffer = io.BytesIO()
    noise.save(buffer, format="JPEG", quality=95)
    truncated = buffer.getvalue()[: len(buffer.getvalue()) // 2]
    response = add_report_with_photo(admin_client_logged_in, upload(truncated))
    assert response.status_code == 200
    assert "画像ファイルが途中で切れているか壊れている" in response.text
    assert_nothing_saved(settings)


def test_admin_rejects_a_file_over_the_upload_size_limit(admin_client_logged_in, settings):
    settings.PHOTO_MAX_UPLOAD_BYTES = 1000
    big = upload(image_bytes("PNG", size=(300, 300), mode="RGB", compress_level=0), "big.png")
    assert big.size > 1000
    response = add_report_with_photo(admin_client_logged_in, big)
    assert response.status_code == 200
    assert "ファイルが大きすぎます" in response.text
    assert_nothing_saved(settings)


# Normalisation -----------------------------------------------------------------


def test_exif_orientation_is_applied_to_the_stored_image(admin_client_logged_in):
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: rotate 90° clockwise to view
    add_report_with_photo(
        admin_client_logged_in, upload(image_bytes("JPEG", size=(60, 40), exif=exif))
    )
    photo = added_photo()
    assert (photo.width, photo.height) == (40, 60)
    assert stored(photo).size == (40, 60)
    assert stored(photo, "display_jpeg").size == (40, 60)


def test_gps_and_all_other_metadata_are_stripped_from_every_stored_file(admin_client_logged_in):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = 6  # turned upright on the way, which rewrites the EXIF in Pillow
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (35.0, 41.0, 22.0)
    gps[3], gps[4] = "E", (139.0, 41.0, 30.0)
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    content = image_bytes(
        "JPEG", size=(1600, 900), exif=exif, icc_profile=srgb, xmp=b"<x:xmpmeta>GPS</x:xmpmeta>"
    )
    assert Image.open(io.BytesIO(content)).getexif().get_ifd(0x8825)
    add_report_with_photo(admin_client_logged_in, upload(content))
    photo = added_photo()
    assert len(photo.file_names()) == 5
    for name in photo.file_names():
        with photo.image.storage.open(name, "rb") as stream:
            data = stream.read()
        image = Image.open(io.BytesIO(data))
        assert not dict(image.getexif()), name
        assert not {"exif", "xmp", "icc_profile"} & set(image.info), name
        assert b"Exif\x00\x00" not in data and b"PhoneMaker" not in data and b"xmpmeta" not in data


def test_a_photo_with_a_broken_colour_profile_is_still_accepted(admin_client_logged_in):
    content = image_bytes("JPEG", icc_profile=b"not an ICC profile at all")
    response = add_report_with_photo(admin_client_logged_in, upload(content))
    assert response.status_code == 302
    assert "icc_profile" not in stored(added_photo()).info


# Renditions --------------------------------------------------------------------


def test_renditions_are_made_at_the_page_widths_in_webp_and_jpeg(admin_client_logged_in):
    add_report_with_photo(
        admin_client_logged_in, upload(image_bytes("PNG", size=(2000, 1000)), "wide.png")
    )
    photo = added_photo()
    expected = {
        "thumb_webp": ("WEBP", (400, 200)),
        "thumb_jpeg": ("JPEG", (400, 200)),
        "display_webp": ("WEBP", (1200, 600)),
        "display_jpeg": ("JPEG", (1200, 600)),
    }
    assert {f: (stored(photo, f).format, stored(photo, f).size) for f in expected} == expected
    assert (photo.thumb_width, photo.thumb_height) == (400, 200)
    assert (photo.display_width, photo.display_height) == (1200, 600)
    assert (photo.width, photo.height) == (2000, 1000)


def test_a_small_photo_is_never_enlarged(admin_client_logged_in):
    add_report_with_photo(admin_client_logged_in, upload(image_bytes("JPEG", size=(300, 200))))
    photo = added_photo()
    assert stored(photo, "thumb_jpeg").size == stored(photo, "display_webp").size == (300, 200)
    assert photo.webp_srcset == f"{photo.file_url('thumb_webp')} 300w"


def test_a_narrow_very_tall_photo_gets_renditions_webp_can_hold(admin_client_logged_in):
    # Found by tests/test_hostile_admin.py: 100 × 20,000 px (2 megapixels) kept its
    # height at the rendition widths, past WebP's 16,383 px, and the save was a 500.
    tall = upload(image_bytes("PNG", size=(100, 20_000)), "tall.png", "image/png")
    response = add_report_with_photo(admin_client_logged_in, tall)
    assert response.status_code == 302
    photo = added_photo()
    # The stored original is at most 2,400 px on its long side, which WebP holds.
    assert (photo.width, photo.height) == (12, 2_400)
    assert stored(photo, "display_webp").size == (12, 2_400)


def test_saving_the_report_again_does_not_reprocess_its_photos(admin_client_logged_in):
    add_report_with_photo(admin_client_logged_in, upload(image_bytes("JPEG")))
    report, photo = Report.objects.get(slug=SLUG), added_photo()
    response = admin_client_logged_in.post(
        f"/admin/reports/report/{report.pk}/change/",
        change_form(report, photo, **{"photos-0-caption": "新しいキャプション"}),
    )
    assert response.status_code == 302
    again = added_photo()
    assert again.caption == "新しいキャプション"
    assert again.file_names() == photo.file_names()


# Public pages ------------------------------------------------------------------


def test_report_page_serves_photos_with_srcset_sizes_dimensions_and_lazy_loading(
    admin_client_logged_in, client
):
    add_report_with_photo(
        admin_client_logged_in, upload(image_bytes("JPEG", size=(2400, 1600)), "hall.jpg")
    )
    photo = added_photo()
    html = client.get(Report.objects.get(slug=SLUG).get_absolute_url()).text
    figure = re.search(r"<figure>.*?</figure>", html, re.S).group()
    sizes = 'sizes="(min-width: 35rem) 25rem, 100vw"'
    assert (
        f'<source type="image/webp" srcset="{photo.file_url("thumb_webp")} 400w, '
        f'{photo.file_url("display_webp")} 1200w" {sizes}>'
    ) in figure
    assert (
        f'src="{photo.file_url("display_jpeg")}" srcset="{photo.file_url("thumb_jpeg")} 400w, '
        f'{photo.file_url("display_jpeg")} 1200w" {sizes}'
    ) in figure
    assert 'alt="来場者で賑わうブース" width="1200" height="800" loading="lazy"' in figure
    assert "<figcaption>ブースの様子</figcaption>" in figure


def test_photo_link_opens_the_display_image(admin_client_logged_in, client):
    add_report_with_photo(admin_client_logged_in, upload(image_bytes("JPEG", size=(2400, 1600))))
    photo = added_photo()
    html = client.get(Report.objects.get(slug=SLUG).get_absolute_url()).text
    assert f'<a href="{photo.file_url("display_jpeg")}">' in html
    assert photo.original_url not in html


def test_shared_image_is_the_display_jpeg_with_its_size(admin_client_logged_in, client):
    add_report_with_photo(admin_client_logged_in, upload(image_bytes("JPEG", size=(2400, 1600))))
    photo = added_photo()
    html = client.get(Report.objects.get(slug=SLUG).get_absolute_url()).text
    assert (
        f'<meta property="og:image" content="http://testserver{photo.file_url("display_jpeg")}">'
        in html
    )
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="800">' in html


def test_list_card_thumbnail_is_served_from_the_renditions(client):
    report = make_report(title="写真のある報告", photos=1)
    photo = report.photos.get()
    html = client.get("/reports/").text
    card = re.search(r'<article class="report-card">.*?</article>', html, re.S).group()
    assert f'<source type="image/webp" srcset="{photo.file_url("thumb_webp")} 40w"' in card
    assert 'sizes="(min-width: 48rem) 9rem, 6rem"' in card
    assert (
        f'class="report-card__thumb" src="{photo.file_url("display_jpeg")}" '
        f'srcset="{photo.file_url("thumb_jpeg")} 40w"'
    ) in card
    assert 'alt="" width="40" height="30" loading="lazy"' in card


# Files go with their rows ------------------------------------------------------


def test_deleting_a_photo_in_the_admin_removes_its_files(
    admin_client_logged_in, settings, django_capture_on_commit_callbacks
):
    add_report_with_photo(admin_client_logged_in, upload(image_bytes("JPEG")))
    report, photo = Report.objects.get(slug=SLUG), added_photo()
    assert media_files(settings) == set(photo.file_names())
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_logged_in.post(
            f"/admin/reports/report/{report.pk}/change/",
            change_form(report, photo, **{"photos-0-DELETE": "on"}),
        )
    assert response.status_code == 302
    assert not Photo.objects.exists()
    assert media_files(settings) == set()


def test_deleting_a_report_removes_its_photo_files(
    admin_client_logged_in, settings, django_capture_on_commit_callbacks
):
    report = make_report(photos=3)
    assert len(media_files(settings)) == 15
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_logged_in.post(
            f"/admin/reports/report/{report.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Report.objects.exists()
    assert media_files(settings) == set()


def test_replacing_a_photo_image_removes_the_old_files(
    admin_client_logged_in, settings, django_capture_on_commit_callbacks
):
    add_report_with_photo(admin_client_logged_in, upload(image_bytes("JPEG")))
    report, old = Report.objects.get(slug=SLUG), added_photo()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_logged_in.post(
            f"/admin/reports/report/{report.pk}/change/",
            change_form(
                report,
                old,
                **{"photos-0-image": upload(image_bytes("PNG", (90, 60)), "new.png", "image/png")},
            ),
        )
    assert response.status_code == 302
    new = added_photo()
    assert new.pk == old.pk and (new.width, new.height) == (90, 60)
    assert media_files(settings) == set(new.file_names())
    assert not set(old.file_names()) & media_files(settings)


def test_files_written_in_a_rolled_back_transaction_are_removed(settings):
    report = make_report()
    with pytest.raises(RuntimeError), transaction.atomic():
        photos.photo_store_upload(photo=Photo(report=report), file=upload(image_bytes("JPEG")))
        assert len(media_files(settings)) == 5
        raise RuntimeError("the rest of the import failed")
    assert media_files(settings) == set()


def test_no_file_is_orphaned_after_photos_are_added_replaced_and_deleted(
    admin_client_logged_in, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_report_with_photo(admin_client_logged_in, upload(image_bytes("JPEG")))
        kept = make_report(photos=2)
        report, photo = Report.objects.get(slug=SLUG), added_photo()
        replaced = admin_client_logged_in.post(
            f"/admin/reports/report/{report.pk}/change/",
            change_form(report, photo, **{"photos-0-image": upload(image_bytes("WEBP"), "x.webp")}),
        )
        deleted = admin_client_logged_in.post(
            f"/admin/reports/report/{report.pk}/delete/", {"post": "yes"}
        )
        photos.photo_delete(photo=kept.photos.first())
    assert replaced.status_code == deleted.status_code == 302
    remaining = {name for p in Photo.objects.all() for name in p.file_names()}
    assert len(remaining) == 5 and kept.photos.count() == 1
    assert media_files(settings) == remaining


def test_demo_loader_photos_go_through_the_pipeline(settings):
    call_command("load_demo", stdout=io.StringIO())
    photos = list(Photo.objects.all())
    assert photos and all(len(p.file_names()) == 5 for p in photos)
    assert all(p.display_width == 1200 and p.thumb_width == 400 for p in photos)
    assert media_files(settings) == {name for p in photos for name in p.file_names()}


# Who may see a photo ----------------------------------------------------------


def photo_response(client, photo, field="display_jpeg"):
    return client.get(photo.file_url(field))


def test_a_published_reports_photo_is_served_to_anyone_and_may_be_cached(client):
    photo = make_report(photos=1).photos.get()
    response = photo_response(client, photo)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "public, max-age=600"
    assert b"".join(response.streaming_content) == photo.display_jpeg.open("rb").read()


@pytest.mark.parametrize("status", ["draft", "review", "withdrawn"])
def test_photos_of_a_report_that_is_not_public_are_not_served_to_the_public(client, status):
    photo = make_report(photos=1, status=status).photos.get()
    for field in Photo.file_field_names():
        assert photo_response(client, photo, field).status_code == 404


def test_a_scheduled_reports_photos_are_served_once_its_time_has_come(client):
    report = make_report(photos=1, published_at=timezone.now() + datetime.timedelta(days=1))
    photo = report.photos.get()
    assert photo_response(client, photo).status_code == 404
    Report.objects.filter(pk=report.pk).update(published_at=timezone.now())
    assert photo_response(client, photo).status_code == 200


def test_withdrawing_a_report_takes_its_photos_out_of_public_view(client, hq_editor):
    report = make_report(photos=1, office="paris")
    photo = report.photos.get()
    client.force_login(hq_editor)
    client.post(
        "/admin/reports/report/",
        {"action": "withdraw", "_selected_action": [str(report.pk)]},
    )
    client.logout()
    assert photo_response(client, photo).status_code == 404


def test_an_editor_of_the_office_sees_its_drafts_photos_unshared(client, seoul_editor):
    photo = make_report(photos=1, status="draft", office="seoul").photos.get()
    client.force_login(seoul_editor)
    response = photo_response(client, photo)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_an_editor_of_another_office_does_not_see_a_drafts_photos(client, seoul_editor):
    photo = make_report(photos=1, status="draft", office="paris").photos.get()
    client.force_login(seoul_editor)
    assert photo_response(client, photo).status_code == 404


def test_stored_photo_names_keep_nothing_of_the_uploaded_name(admin_client_logged_in):
    add_report_with_photo(admin_client_logged_in, upload(image_bytes("JPEG"), "IMG_0001.jpg"))
    photo = added_photo()
    assert not any("IMG_0001" in name for name in photo.file_names())
    assert len(photo.key) >= 22  # 128 random bits in URL-safe base64
    assert all(photo.key in name for name in photo.file_names())


def test_the_media_folder_is_not_served(client):
    photo = make_report(photos=1, status="draft").photos.get()
    assert client.get(f"/media/{photo.image.name}").status_code == 404


def test_a_replaced_image_gets_a_new_address(admin_client_logged_in, client):
    add_report_with_photo(admin_client_logged_in, upload(image_bytes("JPEG")))
    report, old = Report.objects.get(slug=SLUG), added_photo()
    admin_client_logged_in.post(
        f"/admin/reports/report/{report.pk}/change/",
        change_form(report, old, **{"photos-0-image": upload(image_bytes("PNG"), "n.png")}),
    )
    assert added_photo().key != old.key
    assert client.get(old.file_url("display_jpeg")).status_code == 404


# How much work one save may cause ----------------------------------------------


def test_a_save_with_more_new_photos_than_the_limit_is_refused_with_a_message(
    admin_client_logged_in, settings
):
    settings.PHOTO_MAX_UPLOADS_PER_SAVE = 2
    data = report_form(**inline_management("photos", 3))
    for n in range(3):
        data[f"photos-{n}-image"] = upload(image_bytes("JPEG"), f"p{n}.jpg")
        data[f"photos-{n}-alt_text"] = f"写真 {n}"
        data[f"photos-{n}-position"] = str(n)
    response = admin_client_logged_in.post(ADD_URL, data)
    assert response.status_code == 200
    assert "一度に追加・差し替えできる写真は 2 枚までです" in response.text
    assert not Report.objects.filter(slug=SLUG).exists()
