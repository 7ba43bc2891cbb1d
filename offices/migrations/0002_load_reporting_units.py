"""The twelve CLAIR units that report activities (reference data)."""

from django.db import migrations

OFFICES = [
    # code, name_ja, name_en, city_ja, city_en, country, kind
    ("seoul", "ソウル事務所", "Seoul Office", "ソウル", "Seoul", "KR", "overseas"),
    ("paris", "パリ事務所", "Paris Office", "パリ", "Paris", "FR", "overseas"),
    ("london", "ロンドン事務所", "London Office", "ロンドン", "London", "GB", "overseas"),
    ("singapore", "シンガポール事務所", "Singapore Office", "シンガポール", "Singapore", "SG", "overseas"),
    ("new-york", "ニューヨーク事務所", "New York Office", "ニューヨーク", "New York", "US", "overseas"),
    ("beijing", "北京事務所", "Beijing Office", "北京", "Beijing", "CN", "overseas"),
    ("sydney", "シドニー事務所", "Sydney Office", "シドニー", "Sydney", "AU", "overseas"),
    ("jet-division", "JETプログラム事業部", "JET Programme Division", "東京", "Tokyo", "JP", "headquarters"),
    ("multicultural-division", "多文化共生課", "Multicultural Coexistence Division", "東京", "Tokyo", "JP", "headquarters"),
    ("economic-division", "経済交流課", "Economic Exchange Division", "東京", "Tokyo", "JP", "headquarters"),
    ("exchange-division", "交流親善課", "Exchange and Friendship Division", "東京", "Tokyo", "JP", "headquarters"),
    ("citizens-plaza", "市民国際プラザ", "Citizens' International Plaza", "東京", "Tokyo", "JP", "headquarters"),
]


def load(apps, schema_editor):
    Office = apps.get_model("offices", "Office")
    using = schema_editor.connection.alias  # the database being migrated
    for order, (code, name_ja, name_en, city_ja, city_en, country, kind) in enumerate(OFFICES, 1):
        Office.objects.using(using).update_or_create(
            code=code,
            defaults=dict(
                name_ja=name_ja, name_en=name_en, city_ja=city_ja, city_en=city_en,
                country=country, kind=kind, display_order=order * 10,
            ),
        )


def unload(apps, schema_editor):
    Office = apps.get_model("offices", "Office")
    Office.objects.using(schema_editor.connection.alias).filter(code__in=[row[0] for row in OFFICES]).delete()


class Migration(migrations.Migration):
    dependencies = [("offices", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
