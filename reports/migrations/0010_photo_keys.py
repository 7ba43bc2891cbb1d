"""Photos are named after a random key, not the camera's file name.

Stored photos get a key and their files are moved to photos/<k>/<key>...; the old
files are removed once the migration commits (and the new ones if it rolls back).
"""

from pathlib import PurePosixPath

from django.db import migrations, models

import reports.models
from reports import photos

FILE_FIELDS = ["image", "thumb_webp", "thumb_jpeg", "display_webp", "display_jpeg"]


def rename_stored_photos(apps, schema_editor):
    Photo = apps.get_model("reports", "Photo")
    storage = Photo._meta.get_field("image").storage
    using = schema_editor.connection.alias
    for photo in Photo.objects.using(using).filter(key=None).iterator():
        key = reports.models.photo_key()
        values, old, written = {"key": key}, [], []
        for field in FILE_FIELDS:
            name = getattr(photo, field).name
            if not name:
                continue
            suffix = PurePosixPath(name).suffix.lower()
            tail = suffix if field == "image" else f"-{field.split('_')[0]}{suffix}"
            target = f"photos/{key[:2]}/{key}{tail}"
            try:
                with storage.open(name, "rb") as stream:
                    values[field] = storage.save(target, stream, max_length=255)
            except OSError:
                continue  # a missing file stays missing; the row keeps its name
            written.append(values[field])
            old.append(name)
        Photo.objects.using(using).filter(pk=photo.pk).update(**values)
        photos.delete_if_rolled_back(storage, written, using=using)
        photos.delete_on_commit(storage, old, using=using)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0009_performance_indexes_and_content_revision"),
    ]

    operations = [
        migrations.AddField(
            model_name="photo",
            name="key",
            field=models.CharField(editable=False, max_length=32, null=True, verbose_name="公開名"),
        ),
        migrations.RunPython(rename_stored_photos, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="photo",
            name="key",
            field=models.CharField(
                default=reports.models.photo_key,
                editable=False,
                max_length=32,
                unique=True,
                verbose_name="公開名",
            ),
        ),
        migrations.AlterField(
            model_name="photo",
            name="image",
            field=models.ImageField(
                help_text="JPEG、PNG または WebP の画像。向きは撮影時の情報で直し、位置情報などのメタデータは保存しません。",
                max_length=255,
                upload_to=reports.models.photo_upload_to,
                verbose_name="画像",
            ),
        ),
    ]
