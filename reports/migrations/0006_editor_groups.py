"""The two staff roles as groups with their permissions.

Which offices an office editor may edit is not a permission but membership of
those offices (Office.editors); see reports/roles.py.
"""

from django.db import migrations

OFFICE_EDITORS = "事務所編集者"
HQ_EDITORS = "本部編集者"

EDITING = [
    ("reports", f"{action}_{model}")
    for model in ("report", "event", "participant", "photo")
    for action in ("view", "add", "change", "delete")
] + [
    ("reports", "view_theme"),
    ("offices", "view_office"),
    ("reports", "view_historicalreport"),
]
PUBLISHING = [("reports", "publish_report"), ("reports", "import_reports")]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); a
    # fresh database needs them now to attach them to the groups.
    from django.contrib.auth.management import create_permissions

    using = schema_editor.connection.alias  # the database being migrated

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(pairs):
        found = []
        for app_label, codename in pairs:
            found.append(
                Permission.objects.using(using).get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        return found

    office, _ = Group.objects.using(using).get_or_create(name=OFFICE_EDITORS)
    office.permissions.set(permissions(EDITING))
    hq, _ = Group.objects.using(using).get_or_create(name=HQ_EDITORS)
    hq.permissions.set(permissions(EDITING + PUBLISHING))


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(
        name__in=[OFFICE_EDITORS, HQ_EDITORS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("offices", "0003_office_editors"),
        ("reports", "0005_review_workflow_and_history"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
