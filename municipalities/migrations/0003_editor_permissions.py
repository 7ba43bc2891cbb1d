"""What the two staff roles (reports migration 0006) may do with local governments.

Both may look the reference data up (a report's autocomplete needs the view
permission) and add or change partners abroad; only HQ editors delete a partner,
since reports may link to it.
"""

from django.db import migrations

ROLES = {
    "事務所編集者": ["view_localgovernment", "view_partner", "add_partner", "change_partner"],
    "本部編集者": [
        "view_localgovernment",
        "view_partner",
        "add_partner",
        "change_partner",
        "delete_partner",
    ],
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); a
    # fresh database needs them now to attach them to the groups.
    from django.contrib.auth.management import create_permissions

    using = schema_editor.connection.alias
    app_config = apps.get_app_config("municipalities")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=using)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group = Group.objects.using(using).filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.using(using).filter(
                    content_type__app_label="municipalities", codename__in=codenames
                )
            )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    using = schema_editor.connection.alias
    permissions = Permission.objects.using(using).filter(content_type__app_label="municipalities")
    for group in Group.objects.using(using).filter(name__in=ROLES):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("municipalities", "0002_load_local_governments"),
        ("reports", "0006_editor_groups"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
