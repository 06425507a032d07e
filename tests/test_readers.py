"""Readers of official formats: real files (../shared/data/raw) and rejected bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import DataValidationError
from analysis.readers.demography_sources import (
    read_care_allowance_national,
    read_care_allowance_regions,
    read_national_age,
    read_population_movement,
    read_uzis_age_structure,
)
from analysis.readers.geo import read_orp_census, read_polygons
from analysis.readers.linked_data import read_social_facilities
from analysis.readers.registry import read_catalogue, read_rpss
from analysis.readers.territory import (
    current_municipalities,
    read_coordinates,
    read_cr_municipalities,
    read_mos_territory,
    read_population_series,
)

CR = "uzemni-cleneni-obce-orp/CR.csv"


@pytest.fixture(scope="module")
def cr(raw_dir):
    return read_cr_municipalities(raw_dir / CR)


@pytest.mark.realdata
def test_territory_counts_and_national_population(cr, raw_dir):
    assert cr["region_code"].nunique() == 14
    assert cr["district_code"].nunique() == 77
    assert cr["orp_code"].nunique() == 206
    assert len(cr) == 6258 and cr["municipality_code"].is_unique
    assert cr["population"].sum() == 10_827_529
    nat = read_national_age(
        raw_dir / "czso-obyvatelstvo-vek-2023" / "obyvatelstvo_vek_pohlavi_2023-01-01.csv"
    )
    assert nat["total"].sum() == 10_827_529
    assert nat.loc[nat["age_start"] >= 65, "total"].sum() == cr["pop_65_plus"].sum()


@pytest.mark.realdata
def test_municipal_65_plus_adds_up_to_region_totals(cr, raw_dir):
    from analysis.data.loading import load_dataset
    from analysis.params import load_run_config
    from tests.conftest import REPO_ROOT

    config = load_run_config(REPO_ROOT / "params" / "regions" / "CZ064.yaml", data_dir=raw_dir)
    ds = load_dataset(config)
    from analysis.methods.demography import totals_by_area

    region = totals_by_area(ds.population, ds.municipalities, "kraj", 2023, 65)
    assert region["CZ064"] == cr.loc[cr["region_code"] == "CZ064", "pop_65_plus"].sum()
    by_orp = totals_by_area(ds.population, ds.municipalities, "orp", 2023, 65)
    assert by_orp.sum() == region["CZ064"]
    assert len(ds.orp_polygons) == ds.municipalities["orp_code"].nunique() == 21


@pytest.mark.realdata
def test_all_orp_polygons_join_through_seat_municipality(cr, raw_dir):
    seat_to_orp = dict(zip(cr["municipality_code"], cr["orp_code"], strict=True))
    orps = read_orp_census(raw_dir / "orp-sldb2021-geojson" / "orp.geojson", seat_to_orp)
    assert len(orps) == 206 and set(orps["orp_code"]) == set(cr["orp_code"])
    assert orps["census_population"].sum() == 10_524_167
    light = read_polygons(raw_dir / "bankroty-geojson-orp-okresy-kraje" / "orp.geojson", "i", "n")
    assert set(light["code"]) == set(cr["orp_code"])
    districts = read_polygons(
        raw_dir / "kraje-okresy-geojson" / "okresy.geojson", "nutslau", "nazev"
    )
    assert set(districts["code"]) == set(cr["district_code"])


@pytest.mark.realdata
def test_other_territorial_sources_agree(cr, raw_dir):
    mos = read_mos_territory(raw_dir / "czso-mos-ciselniky" / "mos_uzemi.csv")
    assert set(current_municipalities(mos)["municipality_code"]) == set(cr["municipality_code"])
    coords = read_coordinates(raw_dir / "souradnice-mest" / "souradnice.csv")
    assert set(cr["municipality_code"]) <= set(coords["municipality_code"])
    series = read_population_series(raw_dir / "obyvatelstvo-obce-2010-2018")
    totals = series.groupby("year")["total"].sum()
    assert totals[2010] == 10_506_813 and totals[2018] == 10_610_055
    assert (series["men"] + series["women"] == series["total"]).all()


@pytest.mark.realdata
def test_catalogue_sample_reads_and_validates(raw_dir):
    folder = raw_dir / "automatizace-katalogu"
    rows, counts = read_catalogue(folder / "ukazka.json", folder / "katalog.schema.json")
    assert counts["places"] == 32 and counts["services"] == 54
    assert set(rows["form"]) <= {"pob", "amb", "ter"}
    assert rows["service_id"].str.startswith("mpsv-").all()


@pytest.mark.realdata
def test_care_allowance_and_demography_tables(raw_dir):
    care = read_care_allowance_regions(
        raw_dir / "mapapece-prispevek-na-peci" / "prispevek_na_peci_kraje_2018.csv"
    )
    assert len(care) == 14
    bands = care[["vek_0_17", "vek_18_64", "vek_65_plus"]].sum(axis=1)
    assert (bands == care["celkem"]).all()
    assert 350_000 < care["celkem"].sum() < 365_000  # about 357 thousand in 2018
    nat = read_care_allowance_national(
        raw_dir
        / "prispevek-na-peci-2007-2015"
        / "prispevek_na_peci_cr_stupen_pohlavi_2007-2015_transcribed.csv"
    )
    t = nat[(nat["sex"] == "T")].pivot(
        index="year", columns="degree", values="recipients_thousands"
    )
    assert ((t[["I", "II", "III", "IV"]].sum(axis=1) - t["total"]).abs() <= 0.21).all()
    uzis = read_uzis_age_structure(
        raw_dir
        / "uzis-vekova-struktura-kraje-2017"
        / "vekova_struktura_kraje_2017-07-01_transcribed.csv"
    )
    assert set(uzis["area_code"]) == {
        "CZ",
        "CZ020",
        "CZ031",
        "CZ041",
        "CZ051",
        "CZ064",
        "CZ071",
        "CZ080",
    }
    movement = read_population_movement(raw_dir / "czso-pohyb-obyvatel-kraje")
    assert movement.groupby("year")["region_code"].nunique().eq(14).all()
    end_2022 = movement.loc[movement["year"] == 2022, "population_end"].sum()
    assert end_2022 == 10_827_529


@pytest.mark.realdata
def test_linked_data_capacity_per_district(raw_dir):
    df = read_social_facilities(
        raw_dir / "czso-zarizeni-socialnich-sluzeb-okresy" / "czso-social-service-facilities.trig"
    )
    assert len(df) == 462 and df["district_code"].nunique() == 77
    assert sorted(df["year"].unique()) == list(range(2008, 2014))
    assert df["facility_places"].notna().all()
    assert df["homes_elderly_places"].notna().sum() == 460  # not every measure every year


# --- rejections ---------------------------------------------------------------------

CR_LINES = [
    ";;STŘEDOČESKÝ KRAJ;;;;;;;;;;;;;;;",
    "CZ020;2101;Benešov;1;Benešov;529303;město;15;2;4 687;16 875;2 669;3 657;2;1;1;;CZ0201",
    "CZ020;2101;Benešov;2;Bystřice;529451;město;15;15;6 292;4 553;741;826;2;1;1;;CZ0201",
]


def _write_cr(tmp_path: Path, lines: list[str], encoding: str = "cp1250") -> Path:
    path = tmp_path / "CR.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def test_cr_fixture_reads(tmp_path):
    df = read_cr_municipalities(_write_cr(tmp_path, CR_LINES))
    assert df["population"].tolist() == [16875, 4553]
    assert df["municipality_name"].tolist() == ["Benešov", "Bystřice"]


def test_utf8_file_declared_windows_1250_is_rejected(tmp_path):
    path = _write_cr(tmp_path, CR_LINES, encoding="utf-8")
    with pytest.raises(DataValidationError, match="encoded as UTF-8") as err:
        read_cr_municipalities(path)
    assert "Windows-1250" in str(err.value)


def test_windows_1250_file_declared_utf8_is_rejected(tmp_path):
    from analysis.readers.common import read_text

    with pytest.raises(DataValidationError, match="Windows-1250"):
        read_text(_write_cr(tmp_path, CR_LINES), "utf-8")


def test_non_numeric_population_names_line_and_column(tmp_path):
    lines = [*CR_LINES]
    lines[2] = lines[2].replace("4 553", "4 55x")
    with pytest.raises(DataValidationError) as err:
        read_cr_municipalities(_write_cr(tmp_path, lines))
    p = err.value.problems[0]
    assert (p.file, p.row, p.column, p.value) == ("CR.csv", 3, "population", "4 55x")


def test_unknown_and_duplicated_municipality_codes(tmp_path):
    lines = [*CR_LINES, CR_LINES[2].replace("529451", "999999"), CR_LINES[1]]
    with pytest.raises(DataValidationError) as err:
        read_cr_municipalities(_write_cr(tmp_path, lines), known_codes={"529303", "529451"})
    found = {(p.row, p.column, p.value, p.expected.split(" (")[0]) for p in err.value.problems}
    assert (4, "municipality_code", "999999", "a municipality code of the ČSÚ codelist") in found
    assert (5, "municipality_code", "529303", "a unique municipality code") in found


def _rpss_item(**overrides) -> dict:
    item = {
        "portalId": 1,
        "id": "abc",
        "identifikator": "1234567",
        "nazev": "Domov U Lípy",
        "datumPoskytovaniOd": "2007-01-01",
        "datumPoskytovaniDo": None,
        "druhSocialniSluzby": {"id": "DruhSocialniSluzby/13"},
        "poskytovatel": {
            "ico": "70890005",
            "nazev": "Domov U Lípy, p. o.",
            "statutarniOrgany": [{"jmeno": "Jan", "prijmeni": "Novák"}],
        },
        "zarizeni": [
            {
                "nazev": "Domov U Lípy",
                "vedouci": {"jmeno": "Eva Dvořáková"},
                "adresa": {
                    "obec": {"id": "Obec/529303"},
                    "ulice": {"nazev": "Lipová"},
                    "kraj": {"id": "Kraj/27"},
                },
            }
        ],
        "ciloveSkupiny": [{"id": "CilovaSkupinaOsoby/24"}],
        "formy": [
            {
                "forma": {"id": "FormaSocialniSluzby/pob"},
                "kapacity": [
                    {
                        "pocet": 32,
                        "typ": {"id": "TypKapacitySocialniSluzby/luzka"},
                        "popis": "lůžka",
                    }
                ],
            }
        ],
        "rozsirenePusobnostiVKraji": [],
    }
    item.update(overrides)
    return item


def _write_rpss(tmp_path: Path, items: list[dict]) -> Path:
    path = tmp_path / "rpss.json"
    text = json.dumps({"polozky": items}, ensure_ascii=False, indent=2)
    path.write_text(text, encoding="utf-8")
    return path


def _item_lines(path: Path) -> list[int]:
    """Lines where the items of a JSON list indented by two levels start (by hand)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [n for n, line in enumerate(lines, start=1) if line == "    {"]


def test_rpss_reads_and_drops_personal_data(tmp_path):
    secret = _rpss_item(
        identifikator="7654321",
        zarizeni=[
            {
                "utajenaAdresa": True,
                "adresa": {
                    "obec": {"id": "Obec/529451"},
                    "ulice": {"nazev": "Tajná"},
                    "souradnice": {"lat": 49.8, "lon": 14.7},
                },
            }
        ],
    )
    df = read_rpss(_write_rpss(tmp_path, [_rpss_item(), secret]))
    assert df["service_id"].tolist() == ["1234567", "7654321"]
    assert df["capacity"].tolist() == [32, 32] and (df["capacity_unit"] == "luzka").all()
    text = df.to_csv()
    for personal in ("Novák", "Dvořáková", "Lipová", "Tajná"):
        assert personal not in text
    assert df.loc[1, "municipality_code"] == "529451"
    assert df[["lat", "lon"]].iloc[1].isna().all()  # secret address: municipality only
    assert "seniori" in df.loc[0, "target_groups"]


def test_rpss_item_without_forms_is_rejected(tmp_path):
    bad = _rpss_item()
    del bad["formy"]
    path = _write_rpss(tmp_path, [_rpss_item(), bad])
    with pytest.raises(DataValidationError) as err:
        read_rpss(path)
    p = err.value.problems[0]
    # The line where the second item starts, as an editor shows it (not its position).
    second = _item_lines(path)[1]
    assert second > 2
    assert (p.file, p.row, p.column) == ("rpss.json", second, "formy")


def test_a_windows_1250_file_with_one_utf8_line_names_the_line(tmp_path):
    """A file that mixes encodings would otherwise be read as mojibake without a word."""
    path = _write_cr(tmp_path, CR_LINES)
    data = path.read_bytes() + "Číhošť;x\n".encode()
    path.write_bytes(data)
    with pytest.raises(DataValidationError, match="mixes encodings") as err:
        read_cr_municipalities(path)
    assert err.value.problems[0].row == data.count(b"\n")


RPSS_SAMPLE = Path(__file__).parent / "data" / "rpss_sample.json"


def test_the_hand_made_registry_sample_reads_every_form_unit_area_and_end():
    """Five services in the published layout (tests/data/README.md): one row per service
    and form, the area of a field service, no point for a secret address, the end of an
    ended service, and no personal data in any cell."""
    rows = read_rpss(RPSS_SAMPLE)
    by = rows.set_index(["service_id", "form"])
    assert len(rows) == 6 and rows["service_id"].nunique() == 5
    assert by.loc[("7100003", "pob"), ["capacity", "capacity_unit"]].tolist() == [8, "luzka"]
    assert by.loc[("7100003", "ter"), ["capacity", "capacity_unit"]].tolist() == [15, "klient"]
    assert by.loc[("7100002", "ter"), "area_of_operation"] == "6201;581372"
    assert by.loc[("7100003", "ter"), "area_of_operation"] == "6206"
    assert pd.isna(by.loc[("7100003", "pob"), "area_of_operation"])  # only field forms
    assert by.loc[("7100003", "pob"), ["lat", "lon"]].isna().all()  # secret address
    assert by.loc[("7100001", "pob"), "lat"] == pytest.approx(49.2001)
    assert by.loc[("7100005", "amb"), "active_to"] == "2023-06-30"
    assert "seniori" in by.loc[("7100001", "pob"), "target_groups"]
    cells = [str(v) for v in rows.to_numpy().ravel()]
    for personal in ("Novák", "Dvořáková", "example.invalid", "+420"):
        assert not any(personal in c for c in cells)
    # every row names the line where its item starts
    text = RPSS_SAMPLE.read_text(encoding="utf-8").splitlines()
    assert all(text[line - 1].strip() == "{" for line in rows["_item"])
