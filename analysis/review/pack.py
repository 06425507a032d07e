"""The opponent review pack of a published report (``socplan review``).

From a report folder and the data it was built from, in Czech:

- ``assumptions.csv``: every methodology parameter with value, unit, source, the
  chapters that read it (recorded while they run) and the published tables that change
  when it moves (found by rerunning those chapters);
- ``data_log.csv``: every input with publisher, date, SHA-256, licence and the quality
  notes the data checks raised;
- ``sensitivity.csv`` and one tornado chart per headline result: one-at-a-time low and
  high values of each parameter (parallel, cached);
- ``review_template.md`` and ``review_template.docx``: the opponent review, pre-filled
  with the above and the result of ``socplan verify``;
- ``review.html`` and ``review.pdf``: all of it as one document.

The pack is built in a temporary folder and moved into place only when complete.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from analysis import __version__
from analysis.catalogue import load_catalogue
from analysis.chapter_registry import chapter
from analysis.chapters.data import methodology_table
from analysis.data.dataset import CONTENTS, INPUT_LABELS, STATE_LABELS, Dataset
from analysis.data.loading import load_dataset
from analysis.errors import SocplanError
from analysis.params import Methodology, RunConfig
from analysis.present import formatting as f
from analysis.present.czech import count
from analysis.present.figures import tornado
from analysis.publish.document import Document
from analysis.publish.verify import (
    Verdict,
    check_inputs,
    read_report_file,
    recorded_config,
    verify,
)
from analysis.review import runs
from analysis.review.headlines import HEADLINES, Headline
from analysis.review.template import Section, markdown, write_docx
from analysis.review.variations import Variation, variations

# Parameters shown per tornado chart (the rest are in sensitivity.csv).
TORNADO_ROWS = 12
SOURCE = "Zdroj: výpočet socplan z publikované zprávy a jejích vstupů"


@dataclass
class ReviewResult:
    out: Path
    assumptions: pd.DataFrame
    sensitivity: pd.DataFrame
    data_log: pd.DataFrame
    verdict: Verdict | None
    runs_total: int = 0
    runs_computed: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def value_text(m: Methodology) -> dict[str, str]:
    """Each parameter's value as the report writes it (tables by reference)."""
    frame = methodology_table(m)
    kinds = m.frame().set_index("parameter")["kind"]
    return {
        p: "tabulka (metodická zpráva)"
        if kinds[p] == "table"
        else f.auto(v)
        if isinstance(v, int | float) and not isinstance(v, bool)
        else str(v)
        for p, v in zip(frame["parameter"], frame["value"], strict=True)
    }


def data_log(manifest: dict, config: RunConfig, ds: Dataset) -> pd.DataFrame:
    """Every input of the report: publisher, date, hash, licence and quality notes."""
    catalogue = load_catalogue().sources
    content_of = {t: c for c, tables in CONTENTS.items() for t in tables}
    rows = []
    for name, entry in sorted(manifest["inputs"].items()):
        src = catalogue.get(name)
        if name in config.sources:
            publisher, title = config.sources[name], INPUT_LABELS.get(name, "")
            licence = (
                "syntetická data socplan (licence MIT)" if config.synthetic else "podle zdroje"
            )
            date = ""
        elif src is not None:
            publisher, title, licence = src.publisher, src.title, src.licence
            date = f.date(src.reference_date) if src.reference_date else ""
        else:
            publisher = title = licence = date = ""
        notes = []
        rows_read = ds.file_rows.get(name)
        if rows_read is not None:
            notes.append(f"načteno {count(rows_read, 'řádek')}")
        if ds.availability is not None and "table" in ds.availability:
            hit = ds.availability[ds.availability["table"] == name]
            notes += [str(n) for n in hit.get("note", pd.Series(dtype=str)).dropna()]
        state = ds.completeness.get(content_of.get(name, ""), "")
        rows.append(
            {
                "input": name,
                "title": title,
                "file": entry["path"],
                "state": STATE_LABELS.get(state, ""),
                "publisher": publisher,
                "date": date,
                "sha256": entry["sha256"],
                "bytes": entry["bytes"],
                "licence": licence,
                "notes": "; ".join(notes),
            }
        )
    return pd.DataFrame(rows)


def _chapter_numbers(names: set[str]) -> str:
    """Chapters by their number (``01, 04``); the pack gives the legend."""
    return ", ".join(n.split("_")[0] for n in runs.RERUN_CHAPTERS if n in names)


def assumptions(
    m: Methodology,
    readers: dict[str, set[str]],
    affected: dict[str, set[str]],
    tried: dict[str, list[Variation]],
    failed: dict[str, set[str]],
    chosen: set[str] | None = None,
) -> pd.DataFrame:
    """One row per parameter: value, unit, source, readers, variation, affected tables."""
    values = value_text(m)
    rows = []
    for section, model in m:
        for key, q in model:
            p = f"{section}.{key}"
            chapters = {c for c, read in readers.items() if p in read}
            vs = tried.get(p, [])
            ran = [v for v in vs if v.methodology_json]
            if not chapters:
                tables = "tento běh ho nepoužil"
            elif chosen is not None and p not in chosen:
                tables = "nezkoušeno (mimo výběr --parameter)"
            elif p in failed:
                tables = "přepočet selhal: " + "; ".join(sorted(failed[p]))
            elif not vs:
                tables = "neměněn (rok, kód, semínko, definice nebo tabulka bez určených polí)"
            elif not ran:
                tables = "; ".join(sorted({v.problem for v in vs}))
            else:
                tables = ", ".join(sorted(affected.get(p, set()))) or "žádná"
            low = next((v for v in vs if v.side == "low"), None)
            high = next((v for v in vs if v.side == "high"), None)
            rows.append(
                {
                    "parameter": p,
                    "value": values[p],
                    "unit": q.unit,
                    "source": q.source,
                    "read_by": _chapter_numbers(chapters),
                    "low": low.shown if low else "",
                    "high": high.shown if high else "",
                    "tables": tables,
                }
            )
    return pd.DataFrame(rows)


def build_review(
    report_dir: Path,
    data_dir: Path,
    out: Path,
    cache_dir: Path,
    jobs: int | None = None,
    parameters: list[str] | None = None,
    run_verify: bool = True,
    executor: Executor | None = None,
) -> ReviewResult:
    """Build the review pack of ``report_dir`` into ``out`` (see the module docstring)."""
    start = time.perf_counter()
    report_dir, data_dir = Path(report_dir).resolve(), Path(data_dir).resolve()
    manifest = read_report_file(report_dir / "manifest.json")
    config = recorded_config(report_dir, data_dir)
    m = config.methodology
    unknown = sorted(set(parameters or []) - set(m.values()))
    if unknown:
        raise SocplanError(f"unknown parameter(s) {unknown}; known: section.key of methodology")
    wrong = check_inputs(manifest, data_dir)
    if wrong:
        raise SocplanError("the data folder does not hold the report's inputs: " + "; ".join(wrong))
    ds = load_dataset(config)
    seconds: dict[str, float] = {}

    verdict = None
    if run_verify:
        t = time.perf_counter()
        verdict = verify(report_dir, data_dir)
        seconds["verify"] = time.perf_counter() - t

    t = time.perf_counter()
    published = runs.published_hashes(report_dir / "tables")
    chapters = [c for c in runs.RERUN_CHAPTERS if c in config.chapters]
    baselines = {c: runs.baseline(c, ds, m, config.year, published) for c in chapters}
    readers = {c: b.read for c, b in baselines.items()}
    read_any = sorted(set().union(*readers.values())) if readers else []
    chosen = [p for p in read_any if parameters is None or p in parameters]
    all_variations = variations(m, chosen)
    tried: dict[str, list[Variation]] = {}
    for v in all_variations:
        tried.setdefault(v.parameter, []).append(v)
    tasks = [
        runs.Task(c, v.parameter, v.side, v.methodology_json)
        for v in all_variations
        if v.methodology_json
        for c in chapters
        if v.parameter in readers[c]
    ]
    input_hashes = {k: e["sha256"] for k, e in sorted(manifest["inputs"].items())}
    results, computed = runs.run_tasks(
        tasks, baselines, config, ds, cache_dir, input_hashes, jobs, executor
    )
    seconds["sensitivity"] = time.perf_counter() - t

    # Headline values as the report publishes them.
    tables = runs.read_tables(report_dir / "tables", {t for h in HEADLINES for t in h.tables})
    base_values = {
        h.key: h.compute(tables, m)
        for h in HEADLINES
        if h.chapter in chapters and all(t in tables for t in h.tables)
    }
    affected: dict[str, set[str]] = {}
    failed: dict[str, set[str]] = {}
    rows = []
    for task, res in results.items():
        if "error" in res:
            failed.setdefault(task.parameter, set()).add(f"{task.side}: {res['error']}")
            continue
        b = baselines[task.chapter]
        changed = {t for t, h in res["hashes"].items() if b.hashes.get(t) != h}
        affected.setdefault(task.parameter, set()).update(changed)
        for h in HEADLINES:
            if h.chapter != task.chapter or h.key not in base_values:
                continue
            # An unchanged source table means an unchanged result, exactly.
            same = not (set(h.tables) & changed)
            value = base_values[h.key] if same else res["headlines"].get(h.key)
            base = base_values[h.key]
            rows.append(
                {
                    "headline": h.key,
                    "parameter": task.parameter,
                    "side": task.side,
                    "baseline": base,
                    "value": value,
                    "change": 0.0 if same else _change(base, value),
                }
            )
    sens = pd.DataFrame(
        rows, columns=["headline", "parameter", "side", "baseline", "value", "change"]
    ).sort_values(["headline", "parameter", "side"], ignore_index=True)
    assumed = assumptions(
        m, readers, affected, tried, failed, None if parameters is None else set(parameters)
    )
    log = data_log(manifest, config, ds)

    final = Path(out).resolve()
    final.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".review-", dir=final.parent))
    try:
        _write_pack(work, PackData(config, manifest, assumed, log, sens, verdict))
        if final.exists():
            shutil.rmtree(final)
        work.replace(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    seconds["total"] = time.perf_counter() - start
    return ReviewResult(final, assumed, sens, log, verdict, len(tasks), computed, seconds)


def _amount(v: float | None, h: Headline | None = None) -> str:
    """A headline value in Czech format: whole units from ten up, else one decimal; with
    ``h``, followed by its unit (a counted noun in the right plural form)."""
    if v is None or pd.isna(v):
        return "–"
    if h is not None and h.noun and float(v).is_integer():
        return count(v, h.noun)
    text = f.number(v, 0 if abs(v) >= 10 or float(v).is_integer() else 1)
    return f"{text} {h.unit}" if h is not None else text


def _change(base: float | None, value: float | None) -> float | None:
    """Value minus baseline; floating-point noise of a re-summed result (below 1e-8 of
    the baseline) is no change."""
    if value is None or base is None:
        return None
    diff = value - base
    return 0.0 if abs(diff) <= 1e-8 * max(1.0, abs(base)) else diff


def _csv(df: pd.DataFrame, path: Path) -> None:
    # Ten significant digits: amounts in crowns stay exact (9 327 004, not 9 327 000).
    df.to_csv(path, index=False, lineterminator="\n", float_format="%.10g")


def _headline(key: str) -> Headline:
    return next(h for h in HEADLINES if h.key == key)


def tornado_table(sens: pd.DataFrame, key: str, materiality: float) -> pd.DataFrame:
    """Low and high change of one headline by parameter, largest effect first; only
    parameters whose change reaches ``materiality`` × the published value (a smaller
    one is rounding or simulation noise; sensitivity.csv keeps every change)."""
    rows = sens[sens["headline"] == key]
    part = rows.pivot_table(index="parameter", columns="side", values="change", aggfunc="first")
    part = part.reindex(columns=["low", "high"])
    base = rows["baseline"].iloc[0] if len(rows) else 0
    floor = materiality * abs(base) if base else 0.0
    size = part.abs().max(axis=1)
    kept = size[size > floor]
    return part.loc[kept.sort_values(ascending=False, kind="stable").index]


def _labelled(table: pd.DataFrame, assumed: pd.DataFrame) -> pd.DataFrame:
    """Tornado rows named by the parameter and its tried values: ``name (low / high)``."""
    tried = assumed.set_index("parameter")
    return table.rename(
        index=lambda p: f"{p} ({tried.at[p, 'low'] or '–'} / {tried.at[p, 'high'] or '–'})"
    )


ASSUMPTION_LABELS = {
    "parameter": "parametr",
    "value": "hodnota",
    "unit": "jednotka a význam",
    "source": "zdroj",
    "read_by": "používají kapitoly",
    "low": "dolní hodnota",
    "high": "horní hodnota",
    "tables": "mění tabulky",
}
DATA_LABELS = {
    "title": "vstup",
    "state": "úplnost",
    "publisher": "vydavatel / citace",
    "date": "k datu",
    "sha256": "SHA-256 (začátek)",
    "licence": "licence",
    "notes": "poznámky ke kvalitě",
}


@dataclass(frozen=True)
class HeadlineSensitivity:
    headline: Headline
    baseline: float | None  # the published value
    tornado: pd.DataFrame  # material low/high changes by parameter, largest first


@dataclass
class PackData:
    """What the pack writes: the report's configuration and manifest and the logs."""

    config: RunConfig
    manifest: dict
    assumptions: pd.DataFrame
    data_log: pd.DataFrame
    sensitivity: pd.DataFrame
    verdict: Verdict | None

    @cached_property
    def headlines(self) -> list[HeadlineSensitivity]:
        """Each headline result of the sensitivity table, in its order, once."""
        materiality = self.config.methodology.review.materiality.value
        sens = self.sensitivity
        return [
            HeadlineSensitivity(
                _headline(key),
                sens.loc[sens["headline"] == key, "baseline"].iloc[0],
                tornado_table(sens, key, materiality),
            )
            for key in dict.fromkeys(sens["headline"])
        ]


def _write_pack(work: Path, data: PackData) -> None:
    config, manifest, verdict = data.config, data.manifest, data.verdict
    assumed, log, sens = data.assumptions, data.data_log, data.sensitivity
    m = config.methodology
    _csv(assumed, work / "assumptions.csv")
    _csv(log, work / "data_log.csv")
    _csv(sens, work / "sensitivity.csv")
    dpi = m.report.figure_dpi.value
    region = f"{config.region.name}, {config.year}"
    commit = manifest.get("git", {}).get("commit", "")[:12]
    colophon = {
        "Zpráva": f"{config.region.name} ({config.region.code}), rok {config.year}",
        "Sestaveno": f"socplan {manifest.get('socplan_version', '')}, commit {commit}",
        "Posudkový balíček": f"socplan {__version__}",
    }
    if config.synthetic:
        colophon["Data"] = "smyšlená (demonstrační kraj), nepopisují žádný skutečný kraj"
    doc = Document("Podklady pro oponentní posudek", f"{config.title}: {region}", colophon)
    materiality = m.review.materiality.value

    doc.heading("Ověření zprávy a šablona posudku")
    doc.paragraph(verify_sentence(verdict))
    for line in (verdict.differences + verdict.warnings) if verdict else []:
        doc.paragraph(line, "note")
    doc.paragraph(
        "Předvyplněný oponentní posudek (data, metody, předpoklady, výsledky a jejich "
        "citlivost, reprodukovatelnost, závěr) je v souborech review_template.md a "
        "review_template.docx; místa pro úsudek oponenta jsou označena „[Doplní oponent: …]“."
    )

    doc.heading("Předpoklady")
    doc.paragraph(
        "Každý parametr metodiky s hodnotou, se kterou zpráva počítala. Sloupec „používají "
        "kapitoly“ zaznamenal nástroj při běhu kapitol (prázdný: tento běh parametr "
        "nepoužil, např. platí jen pro jiný druh dat); „mění tabulky“ jsou publikované "
        "tabulky (soubory tables/*.csv zprávy), jejichž obsah se změní, když se parametr "
        "posune na dolní nebo horní hodnotu a ostatní zůstanou. Tabulky, které parametry jen "
        "vypisují (vstupní data, příloha), se neuvádějí. Kapitoly: "
        + "; ".join(f"{n.split('_')[0]} {chapter(n).title}" for n in runs.RERUN_CHAPTERS)
        + ". Jednotky, význam a zdroje parametrů jsou v souboru assumptions.csv a v metodické "
        "zprávě (socplan methodology). Značky ve zdrojích: [V] ověřeno v pramenu, [R] výklad "
        "odborného posudku k ověření v pramenu, [I] "
        "odvozeno, [GAP] pramen nenalezen (výchozí volba socplan)."
    )
    doc.table(
        assumed.drop(columns=["source", "unit"]),
        "Parametry metodiky a tabulky, které mění",
        "Zdroj: params/methodology.yaml; výpočet socplan",
        ASSUMPTION_LABELS,
    )

    doc.heading("Vstupní data")
    doc.paragraph(
        "Každý vstup zprávy s vydavatelem nebo citací, otiskem SHA-256, licencí, stavem "
        "úplnosti (úplná, jen vzorek, chybí: z neúplných dat se nic nepočítá) a poznámkami "
        "kontrol při načtení. Úplný otisk je v souboru data_log.csv."
    )
    shown = log.assign(sha256=log["sha256"].str[:16]).drop(columns=["input", "file", "bytes"])
    if not shown["date"].astype(bool).any():
        shown = shown.drop(columns="date")  # no input states its date
    doc.table(
        shown, "Vstupy zprávy", "Zdroj: manifest.json zprávy; params/sources.yaml", DATA_LABELS
    )

    doc.heading("Citlivostní analýza")
    change = m.review.sensitivity_change.value
    doc.paragraph(
        "Každý parametr, který přepočítávané kapitoly používají, se posune na dolní a horní "
        f"hodnotu (není-li v metodice uvedeno jinak, o ±{f.percent(100 * change, 0)}), "
        "ostatní zůstanou. Grafy ukazují změnu hlavního výsledku proti publikované hodnotě "
        "u parametrů, které ho změní alespoň o "
        f"{f.percent(100 * materiality, 1)} (menší změny jsou zaokrouhlení nebo šum "
        "simulací); všechny změny jsou v souboru sensitivity.csv. U každého parametru je "
        "v závorce jeho dolní / horní hodnota."
    )
    summary = pd.DataFrame(
        [
            {
                "headline": r.headline.label(m),
                "baseline": _amount(r.baseline, r.headline),
                "moving": len(r.tornado),
                "top": ", ".join(r.tornado.index[:3]),
            }
            for r in data.headlines
        ]
    )
    if len(summary):
        doc.table(
            summary,
            "Hlavní výsledky a parametry, které je nejvíce mění",
            SOURCE,
            {
                "headline": "výsledek",
                "baseline": "publikovaná hodnota",
                "moving": "parametrů, které ho mění",
                "top": "nejvlivnější parametry",
            },
        )
    for r in data.headlines:
        h = r.headline
        if r.tornado.empty:
            doc.paragraph(f"{h.label(m)}: žádný zkoušený parametr výsledek nemění.")
            continue
        fig = tornado(_labelled(r.tornado.head(TORNADO_ROWS), assumed), h.unit)
        png = doc.figure(fig, f"Citlivost: {h.label(m)}", SOURCE + ". Data: sensitivity.csv", dpi)
        (work / f"tornado_{h.key}.png").write_bytes(png)

    title, header, sections = opponent_template(data)
    (work / "review_template.md").write_text(markdown(title, header, sections), encoding="utf-8")
    write_docx(work / "review_template.docx", title, header, sections)
    doc.write(work, "review")


def verify_sentence(verdict: Verdict | None) -> str:
    if verdict is None:
        return "socplan verify nebyl spuštěn (socplan review --no-verify)."
    if verdict.ok:
        return (
            "socplan verify: zpráva odpovídá vstupům a parametrům; přepočet ze stejných "
            "vstupů dal tytéž tabulky, obrázky, sešity notebooků, tabulky XLSX, HTML i PDF."
        )
    return f"socplan verify: NEOVĚŘENO, {count(len(verdict.differences), 'rozdíl')}."


def opponent_template(data: PackData) -> tuple[str, list[str], list[Section]]:
    """The opponent review: title, header lines and sections, pre-filled from the pack."""
    config, manifest, verdict = data.config, data.manifest, data.verdict
    assumed, log = data.assumptions, data.data_log
    m = config.methodology
    title = f"Oponentní posudek: {config.title} ({config.region.name}, {config.year})"
    header = [
        f"Posuzovaná zpráva: {config.region.name} ({config.region.code}), rok {config.year}, "
        f"socplan {manifest.get('socplan_version', '')}, commit "
        f"{manifest.get('git', {}).get('commit', '')[:12]}",
        "Oponent: [jméno, pracoviště]",
        "Datum posudku: [datum]",
    ]
    gaps = assumed[assumed["source"].str.contains(r"\[GAP\]|\[I\]", regex=True)]
    untried = assumed[assumed["low"].eq("")]
    inputs = Section(
        "Vstupní data",
        [
            f"Zpráva čte {count(len(log), 'vstup')} (seznam v data_log.csv). "
            + ("Data jsou syntetická (smyšlený kraj)." if config.synthetic else "")
        ],
        [
            f"{r.input}: {r.publisher}{', ' + r.date if r.date else ''}; licence: {r.licence}"
            for r in log.itertuples()
        ],
        ["jsou vstupy úplné a aktuální pro posuzovaný rok? Chybí zdroj, který by měl být použit?"],
    )
    methods = Section(
        "Metody",
        [
            "Metody a vzorce popisuje metodická zpráva (socplan methodology), generovaná "
            "z parametrů a z kódu, kterým byla zpráva spočtena."
        ],
        prompts=["jsou metody vhodné pro účel plánování sítě? Co by mělo být jinak?"],
    )
    assumptions_section = Section(
        "Předpoklady",
        [
            f"Metodika má {count(len(assumed), 'parametr')} (assumptions.csv). "
            f"Neověřený nebo odvozený zdroj (značky [GAP] a [I]): {count(len(gaps), 'parametr')}; "
            f"v citlivostní analýze se neměnily: {count(len(untried), 'parametr')}."
        ],
        [f"{r.parameter} = {r.value}: {r.source}" for r in gaps.itertuples()],
        ["jsou neověřené parametry přijatelné? Navrhněte jiné hodnoty se zdrojem."],
    )
    bullets = []
    for r in data.headlines:
        top = ", ".join(
            f"{p} ({f.signed(c.low, 0)} / {f.signed(c.high, 0)})"
            for p, c in r.tornado.head(3).iterrows()
        )
        bullets.append(
            f"{r.headline.label(m)}: {_amount(r.baseline, r.headline)}; nejvíce ho mění: "
            f"{top or 'žádný parametr'}"
        )
    results = Section(
        "Výsledky a jejich citlivost",
        [
            "Hlavní výsledky zprávy a změna při posunu jednoho parametru na dolní / horní "
            "hodnotu (sensitivity.csv, grafy v review.pdf):"
        ],
        bullets,
        ["jsou závěry zprávy robustní vůči nejistým předpokladům?"],
    )
    verify_lines = [verify_sentence(verdict), *(verdict.differences if verdict else [])]
    repro = Section(
        "Reprodukovatelnost",
        verify_lines + (verdict.warnings if verdict else []),
        prompts=["podařilo se zprávu přepočítat na vlastním počítači? S jakým výsledkem?"],
    )
    conclusion = Section(
        "Závěr a doporučení",
        prompts=["celkové hodnocení a doporučení (přijmout / přepracovat / zamítnout)."],
    )
    return title, header, [inputs, methods, assumptions_section, results, repro, conclusion]
