"""Japan's local governments as reference data: what the migrations load, and reloading."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from municipalities.codes import check_digit, prefecture_name
from municipalities.loading import DATA_FILE, load_local_governments
from municipalities.models import LocalGovernment

pytestmark = pytest.mark.django_db

Kind = LocalGovernment.Kind


def run(*args) -> str:
    out = io.StringIO()
    call_command("load_municipalities", *args, stdout=out)
    return out.getvalue()


def file_with(tmp_path, *extra_rows: dict):
    """The data file with rows added, as a hand edit would add them."""
    with DATA_FILE.open(encoding="utf-8", newline="") as source:
        reader = csv.DictReader(source)
        rows, columns = list(reader), reader.fieldnames
    path = tmp_path / "municipalities.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows + [{**dict.fromkeys(columns, ""), **row} for row in extra_rows])
    return path


def test_the_migrations_load_the_47_prefectures():
    assert LocalGovernment.objects.prefectures().count() == 47


def test_the_migrations_load_1741_municipalities_of_which_23_are_tokyos_special_wards():
    assert LocalGovernment.objects.municipalities().count() == 1741
    assert LocalGovernment.objects.filter(kind=Kind.SPECIAL_WARD).count() == 23


def test_the_wards_of_designated_cities_are_not_in_the_list():
    wards = LocalGovernment.objects.filter(name__endswith="区")

    assert set(wards.values_list("prefecture__name", flat=True)) == {"東京都"}
    assert not LocalGovernment.objects.filter(prefecture__name="北海道", name="中央区").exists()


def test_the_designated_cities_are_themselves_in_the_list():
    cities = LocalGovernment.objects.filter(kind=Kind.DESIGNATED_CITY)

    assert cities.count() == 20
    assert cities.filter(code="011002", name="札幌市").exists()


def test_every_code_ends_with_its_check_digit():
    codes = LocalGovernment.objects.values_list("code", flat=True)

    assert all(check_digit(code) == code[5] for code in codes)


def test_every_prefecture_is_its_own_prefecture():
    shimane = LocalGovernment.objects.get(code="320005")

    assert shimane.prefecture_id == "320005"
    assert LocalGovernment.objects.get(code="324485").prefecture == shimane


def test_the_reading_is_folded_to_hiragana_as_search_folds_it():
    assert LocalGovernment.objects.get(code="324485").reading == "みさとちょう"


def test_a_municipality_has_its_representative_point():
    hagi = LocalGovernment.objects.get(name="萩市")

    assert (hagi.latitude, hagi.longitude) == (Decimal("34.408116"), Decimal("131.399085"))


def test_every_municipality_has_a_point_and_no_prefecture_has_one():
    assert not LocalGovernment.objects.municipalities().filter(latitude__isnull=True).exists()
    assert not LocalGovernment.objects.prefectures().filter(latitude__isnull=False).exists()


def test_a_municipality_is_labelled_with_its_prefecture():
    labels = [str(row) for row in LocalGovernment.objects.filter(name="美郷町")]

    assert labels == ["美郷町（秋田県）", "美郷町（島根県）", "美郷町（宮崎県）"]


def test_a_prefecture_is_labelled_with_its_name_alone():
    assert str(LocalGovernment.objects.get(code="130001")) == "東京都"


def test_the_prefecture_names_by_number_agree_with_the_data():
    for prefecture in LocalGovernment.objects.prefectures():
        assert prefecture_name(prefecture.code) == prefecture.name


def test_loading_the_file_again_changes_nothing():
    assert "0 were created, 0 were updated, 1788 unchanged" in run()


def test_loading_the_file_again_restores_a_row_changed_in_the_database():
    LocalGovernment.objects.filter(code="352047").update(name="はぎ市", reading="")

    assert "1 were updated" in run()
    assert LocalGovernment.objects.get(code="352047").name == "萩市"


def test_a_dry_run_reports_the_changes_and_writes_nothing():
    LocalGovernment.objects.filter(code="352047").update(name="はぎ市")

    assert "1 would be updated" in run("--dry-run")
    assert LocalGovernment.objects.get(code="352047").name == "はぎ市"


def test_a_merged_municipality_keeps_its_row_and_points_at_its_successor(tmp_path):
    merged = {
        "code": "324426",  # 邑智町, merged into 美郷町 in 2004
        "kind": "town",
        "prefecture": "島根県",
        "name": "邑智町",
        "reading": "おおちちょう",
        "status": "abolished",
        "abolished_on": "2004-10-01",
        "successor_code": "324485",
    }
    load_local_governments(path=file_with(tmp_path, merged))
    load_local_governments()  # the file without it: loading deletes nothing

    row = LocalGovernment.objects.get(code="324426")
    assert (row.status, row.successor_id, str(row)) == (
        "abolished",
        "324485",
        "邑智町（島根県）［廃止］",
    )
    assert not LocalGovernment.objects.current().filter(code="324426").exists()


def test_a_file_with_a_wrong_check_digit_is_refused_before_anything_is_written(tmp_path):
    wrong = {
        "code": "324421",
        "kind": "town",
        "prefecture": "島根県",
        "name": "誤町",
        "status": "current",
    }

    with pytest.raises(ValueError, match="check digit"):
        load_local_governments(path=file_with(tmp_path, wrong))
    assert not LocalGovernment.objects.filter(name="誤町").exists()


def test_a_successor_missing_from_the_file_is_refused(tmp_path):
    orphan = {
        "code": "324426",
        "kind": "town",
        "prefecture": "島根県",
        "name": "邑智町",
        "status": "abolished",
        "successor_code": "999999",
    }

    with pytest.raises(ValueError, match="successor"):
        load_local_governments(path=file_with(tmp_path, orphan))
