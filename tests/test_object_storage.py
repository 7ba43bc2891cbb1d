"""Photos in object storage (issue 18): with an S3 bucket as the default storage, every
node writes and reads the same files. An S3 endpoint (moto) runs on loopback."""

import os
import socket
import subprocess
import sys

import pytest
from django.conf import settings

from reports import photos
from reports.models import Report
from tests.factories import make_report

pytestmark = pytest.mark.django_db
BUCKET = "clair-photos"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="ap-northeast-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"}
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "ap-northeast-1",
                "access_key": "test",
                "secret_key": "test",
                "default_acl": "private",
                "file_overwrite": False,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_an_uploaded_photo_and_its_sizes_are_written_to_the_bucket(bucket):
    photo = make_report(photos=1).photos.get()
    assert photo.image.name in keys(bucket)
    assert len(keys(bucket)) == len(photo.file_names()) > 1


def test_a_public_photo_is_served_from_the_bucket(client, bucket):
    photo = make_report(photos=1).photos.get()
    response = client.get(photo_url(photo))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    stored = bucket.get_object(Bucket=BUCKET, Key=photo.image.name)["Body"].read()
    assert body == stored


def test_a_drafts_photo_in_the_bucket_is_not_served_to_the_public(client, bucket):
    photo = make_report(photos=1, status="draft").photos.get()
    assert client.get(photo_url(photo)).status_code == 404


def test_deleting_a_report_removes_its_files_from_the_bucket(
    bucket, django_capture_on_commit_callbacks
):
    make_report(photos=1)
    with django_capture_on_commit_callbacks(execute=True):
        photos.reports_delete(reports=Report.objects.all())
    assert keys(bucket) == []


def photo_url(photo) -> str:
    return f"/photos/{photo.key}/{photo.url_name('image')}"


def test_media_s3_bucket_in_the_environment_selects_object_storage():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'clair_portal.settings'; "
        "django.setup(); from django.core.files.storage import storages; "
        "print(type(storages['default']).__name__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DEBUG": "1", "MEDIA_S3_BUCKET": "photos"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "S3Storage"
