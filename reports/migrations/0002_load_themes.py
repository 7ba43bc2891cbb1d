"""The thirteen themes reports are tagged with (reference data)."""

from django.db import migrations

THEMES = [
    ("sister-cities", "姉妹都市・自治体間交流", "Sister cities and inter-municipal exchange"),
    ("staff-exchange", "人材交流・研修", "Staff exchange and training"),
    ("multicultural", "多文化共生", "Multicultural coexistence"),
    ("tourism-culture", "観光・文化", "Tourism and culture"),
    ("economy-trade", "経済交流・物産", "Economic exchange and local products"),
    ("jet-programme", "JETプログラム", "JET Programme"),
    ("environment", "環境・ごみ処理", "Environment and waste management"),
    ("disaster-resilience", "防災・治水", "Disaster resilience and flood control"),
    ("education", "教育", "Education"),
    ("welfare-health", "福祉・健康", "Welfare and health"),
    ("regional-revitalisation", "地域活性化", "Regional revitalisation"),
    ("local-government-systems", "地方行財政制度", "Local government systems"),
    ("public-participation", "市民参加・官民連携", "Public participation and partnerships"),
]


def load(apps, schema_editor):
    Theme = apps.get_model("reports", "Theme")
    using = schema_editor.connection.alias  # the database being migrated
    for order, (slug, name_ja, name_en) in enumerate(THEMES, 1):
        Theme.objects.using(using).update_or_create(
            slug=slug,
            defaults=dict(name_ja=name_ja, name_en=name_en, display_order=order * 10),
        )


def unload(apps, schema_editor):
    Theme = apps.get_model("reports", "Theme")
    Theme.objects.using(schema_editor.connection.alias).filter(slug__in=[row[0] for row in THEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
