"""Readers of ČSÚ territorial tables: the municipality table (CR.csv layout), the MOS
territory list, municipality coordinates and the municipal population series 2010–2018.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pandas as pd

from analysis.errors import CellProblem
from analysis.readers.common import (
    czech_float,
    czech_int,
    json_item_lines,
    raise_if,
    read_text,
    reader,
)

PRAGUE_ORP = "1000"  # ČSÚ codelist 65 has no ORP for Prague; planning uses 1000

# Columns of the ČSÚ municipality table (CR.csv layout: no header, 18 columns).
CR_COLUMNS = [
    "region_code", "orp_code", "orp_name", "order_in_orp", "municipality_name",
    "municipality_code", "status", "parts", "cadastral_areas", "area_ha", "population",
    "pop_0_14", "pop_65_plus", "flag_1", "flag_2", "flag_3", "empty", "district_code",
]  # fmt: skip
_CR_INTS = ("population", "pop_0_14", "pop_65_plus")


@reader
def read_cr_municipalities(
    path: Path | str, encoding: str = "cp1250", known_codes: set[str] | None = None
) -> pd.DataFrame:
    """ČSÚ municipality table → one row per municipality with population on 1 Jan.

    Region header lines (``;;KRAJ NAME;…``) are skipped. Numbers use spaces as thousands
    separators. Prague's ORP ``x`` becomes ``1000``. ``known_codes`` (e.g. from the MOS
    territory list) rejects codes that do not exist.
    """
    path = Path(path)
    text = read_text(path, encoding)
    problems: list[CellProblem] = []
    rows = []
    for line_no, fields in enumerate(csv.reader(io.StringIO(text), delimiter=";"), start=1):
        if not fields or not any(fields):
            continue
        if len(fields) != len(CR_COLUMNS):
            problems.append(
                CellProblem(
                    path.name,
                    line_no,
                    None,
                    f"{len(fields)} fields",
                    f"{len(CR_COLUMNS)} ';'-separated fields",
                )
            )
            continue
        rec = dict(zip(CR_COLUMNS, fields, strict=True))
        if not rec["region_code"] and not rec["municipality_code"]:
            continue  # region header line
        bad = False
        for col in _CR_INTS:
            try:
                rec[col] = czech_int(rec[col])
            except ValueError:
                problems.append(
                    CellProblem(
                        path.name,
                        line_no,
                        col,
                        rec[col],
                        "a whole number (spaces allowed as thousands separators)",
                    )
                )
                bad = True
        try:
            rec["area_ha"] = czech_float(rec["area_ha"])
        except ValueError:
            problems.append(
                CellProblem(path.name, line_no, "area_ha", rec["area_ha"], "a number in hectares")
            )
            bad = True
        code = rec["municipality_code"]
        if not re.fullmatch(r"\d{6}", code):
            problems.append(
                CellProblem(
                    path.name, line_no, "municipality_code", code, "a 6-digit municipality code"
                )
            )
            bad = True
        elif known_codes is not None and code not in known_codes:
            problems.append(
                CellProblem(
                    path.name,
                    line_no,
                    "municipality_code",
                    code,
                    "a municipality code of the ČSÚ codelist",
                )
            )
            bad = True
        if rec["orp_code"] == "x":
            rec["orp_code"], rec["orp_name"] = PRAGUE_ORP, "Praha"
        elif not re.fullmatch(r"\d{4}", rec["orp_code"]):
            problems.append(
                CellProblem(
                    path.name,
                    line_no,
                    "orp_code",
                    rec["orp_code"],
                    "a 4-digit ORP code (codelist 65) or 'x' for Prague",
                )
            )
            bad = True
        if not bad:
            rec["row_"] = line_no
            rows.append(rec)
    df = pd.DataFrame(rows)
    if not df.empty:
        dup = df["municipality_code"].duplicated(keep="first")
        problems += [
            CellProblem(
                path.name,
                int(r.row_),
                "municipality_code",
                r.municipality_code,
                "a unique municipality code (duplicate)",
            )
            for r in df[dup].itertuples()
        ]
        over = df["pop_0_14"] + df["pop_65_plus"] > df["population"]
        problems += [
            CellProblem(
                path.name,
                int(r.row_),
                "pop_65_plus",
                str(r.pop_65_plus),
                "0–14 plus 65+ not above the total population",
            )
            for r in df[over].itertuples()
        ]
    raise_if(problems)
    keep = [
        "municipality_code",
        "municipality_name",
        "status",
        "orp_code",
        "orp_name",
        "district_code",
        "region_code",
        "area_ha",
        "population",
        "pop_0_14",
        "pop_65_plus",
    ]
    # The line of each municipality travels with it (analysis.data.provenance).
    return df[keep].assign(_file=path.name, _row=df["row_"]).reset_index(drop=True)


@reader
def read_mos_territory(path: Path | str, encoding: str = "utf-8") -> pd.DataFrame:
    """ČSÚ MOS territory list (history of municipalities with validity years)."""
    path = Path(path)
    df = pd.read_csv(io.StringIO(read_text(path, encoding)), dtype=str)
    df.columns = [c.strip() for c in df.columns]
    expected = {"koduzemi", "obec", "platiod", "platido", "okres", "soorp"}
    missing = expected - set(df.columns)
    raise_if(
        [CellProblem(path.name, 1, c, None, "this column in the header") for c in sorted(missing)]
    )
    problems = [
        CellProblem(path.name, int(i) + 2, "koduzemi", v, "a 6-digit code")
        for i, v in df["koduzemi"].items()
        if not re.fullmatch(r"\d{6}", str(v))
    ]
    years = {}
    for col in ("platiod", "platido"):
        years[col] = pd.to_numeric(df[col].str.strip(), errors="coerce")
        problems += [
            CellProblem(path.name, int(i) + 2, col, v, "a year (4 digits; 9999 = still valid)")
            for i, v in df[col].items()
            if not re.fullmatch(r"\d{4}", str(v).strip())
        ]
    raise_if(problems)
    return pd.DataFrame(
        {
            "municipality_code": df["koduzemi"],
            "municipality_name": df["obec"].str.strip(),
            "valid_from": years["platiod"].astype(int),
            "valid_to": years["platido"].astype(int),
            "district_name": df["okres"].str.strip(),
            "orp_name_upper": df["soorp"].str.strip(),
        }
    )


def current_municipalities(mos: pd.DataFrame) -> pd.DataFrame:
    """Municipalities still valid (``platido`` 9999) in the MOS list."""
    return mos[mos["valid_to"] == 9999].drop_duplicates("municipality_code")


@reader
def read_coordinates(path: Path | str, encoding: str = "utf-8") -> pd.DataFrame:
    """Municipality points (WGS84) of the ``souradnice-mest`` table."""
    path = Path(path)
    df = pd.read_csv(io.StringIO(read_text(path, encoding)), dtype=str)
    cols = {
        "Obec": "municipality_name",
        "Kód obce": "municipality_code",
        "Kód okresu": "district_code",
        "Kód kraje": "region_code",
        "Latitude": "lat",
        "Longitude": "lon",
    }
    missing = set(cols) - set(df.columns)
    raise_if(
        [CellProblem(path.name, 1, c, None, "this column in the header") for c in sorted(missing)]
    )
    out = df[list(cols)].rename(columns=cols)
    problems = []
    for col in ("lat", "lon"):
        num = pd.to_numeric(out[col], errors="coerce")
        problems += [
            CellProblem(
                path.name,
                int(i) + 2,
                col,
                out.at[i, col],
                "a decimal number (WGS84 degrees, decimal point)",
            )
            for i in out.index[num.isna()]
        ]
        out[col] = num
    raise_if(problems)
    return out.assign(_file=path.name, _row=out.index + 2)  # provenance: header = line 1


@reader
def read_population_series(folder: Path | str) -> pd.DataFrame:
    """Municipal population by sex on 1 Jan of each year file ``YYYY.json`` (ČSÚ)."""
    folder = Path(folder)
    frames = []
    problems: list[CellProblem] = []
    for path in sorted(folder.glob("[12][0-9][0-9][0-9].json")):
        text = read_text(path, "utf-8")
        records = json.loads(text)
        year = int(path.stem)
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            # Named with every other problem found in the other year files.
            problems.append(CellProblem(path.name, None, None, None, "a JSON list of objects"))
            continue
        # Errors name the line where a record starts, as an editor shows the file.
        lines = json_item_lines(text)
        for line, rec in zip(lines, records, strict=True):
            bad = [
                key
                for key in ("municipality", "men", "women", "total")
                # bool is an int in Python, but not a count
                if type(rec.get(key)) is not int or rec[key] < 0
            ]
            problems += [
                CellProblem(path.name, line, key, repr(rec.get(key))[:40], "a whole number ≥ 0")
                for key in bad
            ]
            if not bad and rec["men"] + rec["women"] != rec["total"]:
                problems.append(
                    CellProblem(
                        path.name,
                        line,
                        "total",
                        str(rec["total"]),
                        f"men + women = {rec['men'] + rec['women']}",
                    )
                )
        frames.append(
            pd.DataFrame(
                {
                    "municipality_code": [f"{r.get('municipality')}" for r in records],
                    "year": year,
                    "men": [r.get("men") for r in records],
                    "women": [r.get("women") for r in records],
                    "total": [r.get("total") for r in records],
                    "_file": path.name,
                    "_row": lines,
                }
            )
        )
    raise_if(problems)
    if not frames:
        raise_if([CellProblem(folder.name, None, None, None, "files named YYYY.json")])
    return pd.concat(frames, ignore_index=True)
