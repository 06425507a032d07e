"""Reader of the ČSÚ linked-data cube of social facilities per district (RDF TriG)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from rdflib import Dataset, Namespace, URIRef
from rdflib.namespace import RDF

from analysis.errors import CellProblem, DataValidationError
from analysis.readers.common import raise_if, reader

QB = Namespace("http://purl.org/linked-data/cube#")

MEASURES = {
    "pocetSocialnichZarizeni": "facilities",
    "pocetMistVSocialnichZarizenich": "facility_places",
    "pocetDomovuProDuchodce": "homes_elderly",
    "pocetMistVDomovechProDuchodce": "homes_elderly_places",
    "pocetDomovuProOsobySeZdravotnimPostizenim": "homes_disabled",
    "pocetMistVDomovechProOsobySeZdravotnimPostizenim": "homes_disabled_places",
    "pocetAzylovychDomu": "shelters",
    "pocetMistVAzylovychDomech": "shelter_places",
    "pocetDomuSPecovatelskouSluzbou": "care_service_houses",
    "pocetBytovychJednotekVDomechSPecovatelskouSluzbou": "care_service_flats",
}


def _local(uri: URIRef | str) -> str:
    text = str(uri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@reader
def read_social_facilities(path: Path | str) -> pd.DataFrame:
    """One row per district and year (31 Dec) with the measures present for it.

    The district's LAU1 code comes from the observation URI (``…/CZ0205/2010-12-31``),
    the RÚIAN district code from ``czso:refArea``.
    """
    path = Path(path)
    graph = Dataset(default_union=True)  # observations live in named graphs
    try:
        graph.parse(str(path), format="trig")
    except Exception as exc:  # rdflib raises parser-specific exceptions
        raise DataValidationError(
            [CellProblem(path.name, None, None, None, f"RDF TriG ({exc})")]
        ) from None
    rows, problems = [], []
    for obs in sorted(set(graph.subjects(RDF.type, QB.Observation)), key=str):
        parts = str(obs).rstrip("/").split("/")
        district, date = parts[-2], parts[-1]
        row: dict[str, object] = {"district_code": district, "date": date}
        for pred, obj in graph.predicate_objects(obs):
            name = _local(pred)
            if name == "refArea":
                row["ruian_district_code"] = _local(obj)
            elif name in MEASURES:
                try:
                    row[MEASURES[name]] = float(obj)
                except (TypeError, ValueError):
                    problems.append(CellProblem(path.name, None, name, str(obj), "a number"))
        if not district.startswith("CZ") or len(date) != 10:
            problems.append(
                CellProblem(
                    path.name,
                    None,
                    "observation",
                    str(obs),
                    "an URI ending in /<LAU1 code>/<YYYY-MM-DD>",
                )
            )
            continue
        rows.append(row)
    raise_if(problems)
    df = pd.DataFrame(rows)
    df["year"] = df["date"].str[:4].astype(int)
    cols = ["district_code", "ruian_district_code", "year", *MEASURES.values()]
    return df.reindex(columns=cols).sort_values(["district_code", "year"]).reset_index(drop=True)
