"""Readers never crash on a malformed file: every failure is socplan's own error naming
the file (and the line or key where the parser stopped, when it knows)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.catalogue import load_catalogue
from analysis.errors import DataValidationError, SocplanError
from analysis.readers import datastat, demography_sources, geo, linked_data, territory, wpp

# Source id -> (reader, extra arguments, file suffix).
READERS = {
    "facility_counts_orp": (datastat.read_orp_facility_counts, (), ".csv"),
    "facility_counts_regions": (datastat.read_region_facility_counts, (), ".csv"),
    "national_age": (demography_sources.read_national_age, (), ".csv"),
    "care_allowance_regions": (demography_sources.read_care_allowance_regions, (), ".csv"),
    "care_allowance_national": (demography_sources.read_care_allowance_national, (), ".csv"),
    "orp_census": (geo.read_orp_census, ({},), ".geojson"),
    "district_debt_enforcement": (geo.read_debt_enforcement, (), ".geojson"),
    "social_facilities": (linked_data.read_social_facilities, (), ".jsonld"),
    "cr_municipalities": (territory.read_cr_municipalities, (), ".csv"),
    "mos_territory": (territory.read_mos_territory, (), ".csv"),
    "coordinates": (territory.read_coordinates, (), ".csv"),
    "life_table_male": (wpp.read_life_table, (), ".json"),
    "fertility_pattern": (wpp.read_asfr, (2023,), ".csv"),
}
BAD = {
    "empty": b"",
    "random bytes": bytes(range(256)) * 4,
    "JSON object where a list is expected": b'{"a": 1}',
    "JSON list where an object is expected": b"[1, 2, 3]",
    "text without the expected columns": b"a;b\n1;x\n",
    "CSV with a non-numeric year": b"year,value\nabc,1\n",
}


def _read(source: str, path: Path):
    fn, args, _ = READERS[source]
    return fn(path, *args)


@pytest.mark.parametrize("kind", sorted(BAD))
@pytest.mark.parametrize("source", sorted(READERS))
def test_a_malformed_file_is_an_error_naming_the_file(tmp_path, source, kind):
    path = tmp_path / f"{source}-bad{READERS[source][2]}"
    path.write_bytes(BAD[kind])
    with pytest.raises(DataValidationError) as err:
        _read(source, path)
    assert path.name in str(err.value)
    assert len(str(err.value)) < 1000  # a short excerpt, never the whole input


@pytest.mark.realdata
@pytest.mark.parametrize("source", sorted(READERS))
def test_a_truncated_official_file_is_an_error_or_a_smaller_table(raw_dir, tmp_path, source):
    """Cut in the middle of the real file: a clean error, or (for a CSV cut at a line
    end) the rows before the cut; never a traceback."""
    original = raw_dir / load_catalogue().sources[source].path
    data = original.read_bytes()
    path = tmp_path / original.name
    path.write_bytes(data[: len(data) // 2])
    try:
        _read(source, path)
    except SocplanError as exc:
        assert path.name in str(exc)


@given(data=st.binary(max_size=4000), source=st.sampled_from(sorted(READERS)))
def test_random_bytes_never_give_a_traceback(tmp_path, data, source):
    path = tmp_path / f"fuzz{READERS[source][2]}"
    path.write_bytes(data)
    with contextlib.suppress(SocplanError):  # a clean error is a pass; a traceback fails
        _read(source, path)


@given(
    rows=st.lists(
        st.lists(st.text(alphabet='0123456789abc,;.-"x ', max_size=8), max_size=6), max_size=8
    ),
    source=st.sampled_from(sorted(s for s, r in READERS.items() if r[2] == ".csv")),
)
def test_random_csv_shapes_never_give_a_traceback(tmp_path, rows, source):
    path = tmp_path / "fuzz.csv"
    path.write_text("\n".join(",".join(r) for r in rows), encoding="utf-8")
    with contextlib.suppress(SocplanError):  # a clean error is a pass; a traceback fails
        _read(source, path)
