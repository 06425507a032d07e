"""The methodology report (``socplan methodology``): generated, so it cannot drift from
the code.

- every parameter of the methodology file with value, unit, source and where the code
  uses it (found by reading the package's source: each ``<section>.<key>`` attribute
  access, attributed to its module and, for chapter modules, to the chapter);
- every method with its documentation (the docstrings of ``analysis.methods``, which
  state the formulas);
- every data source of the catalogue with its citation and licence, and the canonical
  input tables.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import inspect
import json
import pkgutil
import re
import tempfile
from pathlib import Path

import pandas as pd

from analysis import __version__, methods
from analysis.catalogue import load_catalogue
from analysis.chapter_registry import CHAPTERS
from analysis.params import DEFAULT_FILES, OPTIONAL_TABLES, Methodology, load_methodology
from analysis.present import formatting as f
from analysis.present.czech import count
from analysis.publish.document import Document

SECTION_TITLES = {
    "ages": "Věkové skupiny",
    "network": "Síť služeb a dostupnost",
    "projection": "Projekce obyvatelstva",
    "demand": "Potřeba služeb a mezery",
    "finance": "Financování a hodnocení služeb",
    "plan": "Plnění plánu a deinstitucionalizace",
    "disclosure": "Ochrana osobních údajů ve zveřejněných tabulkách",
    "plausibility": "Věrohodnost vstupních dat",
    "review": "Posudkové nástroje",
    "report": "Sestava zprávy",
}


def parameter_uses(root: Path | None = None) -> dict[str, list[str]]:
    """For each ``section.key``, the modules of the package whose source reads it."""
    root = root or Path(__file__).resolve().parents[1]
    fields = {s: set(info.annotation.model_fields) for s, info in Methodology.model_fields.items()}
    uses: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        module = ".".join(path.relative_to(root.parent).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Attribute)
                and node.value.attr in fields
                and node.attr in fields[node.value.attr]
            ):
                uses.setdefault(f"{node.value.attr}.{node.attr}", set()).add(module)
            # ``d = methodology.demand`` (or ``d, p = methodology.demand, ….projection``)
            # then ``d.draws``: local aliases of sections.
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
                pairs = (
                    zip(target.elts, value.elts, strict=False)
                    if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple)
                    else [(target, value)]
                )
                for name, section_node in pairs:
                    if (
                        isinstance(name, ast.Name)
                        and isinstance(section_node, ast.Attribute)
                        and section_node.attr in fields
                    ):
                        section = section_node.attr
                        _alias_uses(tree, name.id, section, fields[section], module, uses)
    return {k: sorted(v) for k, v in uses.items()}


def _alias_uses(tree, name, section, keys, module, uses) -> None:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == name
            and node.attr in keys
        ):
            uses.setdefault(f"{section}.{node.attr}", set()).add(module)


def _where(modules: list[str]) -> str:
    chapters = {c.module: c.title for c in CHAPTERS}
    names = []
    for mod in modules:
        if mod in chapters:
            names.append(f"kapitola {chapters[mod]}")
        elif mod.startswith("analysis.chapters._"):  # a helper of the chapter it names
            owner = "analysis.chapters." + mod.rsplit("_", 1)[0].rsplit(".", 1)[1].strip("_")
            names.append(f"kapitola {chapters.get(owner, 'zprávy')}")
        elif mod.startswith("analysis.data."):
            names.append("načtení a kontrola dat")
        elif mod == "analysis.cli":
            names.append("příkazy socplan")
        elif mod.startswith("analysis.publish."):
            names.append("sestavení zprávy")
        elif mod.startswith("analysis.methods."):
            names.append(f"metoda {mod.rsplit('.', 1)[1]}")
        elif mod.startswith("analysis.present."):
            names.append("sestava")
        elif mod.startswith("analysis.review."):
            names.append("posudkové nástroje")
    return "; ".join(dict.fromkeys(names)) or "jen výpis parametrů"


def _value(q) -> str | None:
    """The value as a cell (numbers, short lists), or None for a table written out below."""
    value = json.loads(q.model_dump_json())["value"]
    if isinstance(value, bool):
        return "ano" if value else "ne"
    if isinstance(value, int | float):
        return str(value) if q.kind in ("year", "identifier", "code") else f.auto(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, int | float) for v in value):
        return ", ".join(f.auto(v) if q.kind == "quantity" else str(v) for v in value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    return None


def _cell(v: object, key: str = "") -> object:
    """A cell of a nested parameter table: numbers as they are (years and codes as
    written), lists in Czech number format, yes/no for flags, a dash for "none"."""
    if isinstance(v, bool):
        return "ano" if v else "ne"
    if v is None:
        return "bez omezení"
    if isinstance(v, int) and key in ("year", "region", "service_type", "types"):
        return str(v)
    if isinstance(v, list):
        return (
            "["
            + "; ".join(
                str(_cell(x, key))
                if not isinstance(x, int | float) or isinstance(x, bool)
                else exact_number(x)
                for x in v
            )
            + "]"
        )
    if isinstance(v, dict):
        return "; ".join(f"{k}: {_cell(x, k)}" for k, x in v.items())
    return v


def _position(i: int) -> str:
    return f"{i + 1}. hodnota"


def nested_table(value: object) -> pd.DataFrame:
    """A parameter table (list of records, mapping of records or values, list of
    tuples) as a frame with one row per item."""
    if isinstance(value, dict):
        if all(isinstance(v, dict) for v in value.values()):
            rows = [{"key": k, **{c: _cell(x, c) for c, x in v.items()}} for k, v in value.items()]
        else:
            rows = [{"key": k, "value": _cell(v)} for k, v in value.items()]
    elif all(isinstance(v, dict) for v in value):  # type: ignore[union-attr]
        rows = [{c: _cell(x, c) for c, x in v.items()} for v in value]  # type: ignore[union-attr]
    else:
        rows = [{_position(i): _cell(x) for i, x in enumerate(v)} for v in value]  # type: ignore[union-attr, arg-type]
    return pd.DataFrame(rows)


def exact_number(v: object) -> str:
    """A parameter value in Czech format with every decimal it has (0,000032; 1 000)."""
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return "–"
    if not isinstance(v, int | float) or isinstance(v, bool):
        return str(v)
    text = repr(float(v))
    if "e" in text:  # 3.2e-05
        text = f"{float(v):.12f}".rstrip("0")
    decimals = len(text.split(".")[1].rstrip("0")) if "." in text else 0
    return f.number(v, min(decimals, 10))


_ROLE = re.compile(r":[a-z]+:`~?([^`]+)`")


_EMPHASIS = re.compile(r"(?<![*\w])\*([^*\n]+)\*(?![*\w])")
_ITEM = re.compile(r"^\s*(?:[-*]|\d+\.)\s+", re.M)


def _docstring_paragraphs(text: str) -> list[str]:
    """Paragraphs of a docstring as plain text: reST roles, literals, emphasis and the
    ``::`` of literal blocks unwrapped; list items become paragraphs of their own."""
    plain = _ROLE.sub(r"\1", inspect.cleandoc(text)).replace("``", "")
    plain = _EMPHASIS.sub(r"\1", plain).replace("::", ":")
    paragraphs = []
    for block in plain.split("\n\n"):
        items = _ITEM.split(block) if _ITEM.search(block) else [block]
        lead, *rest = items
        paragraphs += [" ".join(lead.split())] + [f"– {' '.join(i.split())}" for i in rest]
    return [p for p in paragraphs if p.strip("– ")]


def method_modules() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Each module of ``analysis.methods``: name, docstring, public functions' docs."""
    out = []
    for info in sorted(pkgutil.iter_modules(methods.__path__), key=lambda i: i.name):
        mod = importlib.import_module(f"analysis.methods.{info.name}")
        funcs = [
            (name, inspect.getdoc(obj) or "")
            for name, obj in inspect.getmembers(mod, inspect.isfunction)
            if obj.__module__ == mod.__name__ and not name.startswith("_") and obj.__doc__
        ]
        out.append((info.name, inspect.getdoc(mod) or "", funcs))
    return out


def build_methodology_report(methodology_file: Path, out: Path) -> tuple[Path, Path]:
    """Write ``methodology.html`` and ``methodology.pdf`` into ``out``."""
    m = load_methodology(methodology_file)
    digest = hashlib.sha256(Path(methodology_file).read_bytes()).hexdigest()
    uses = parameter_uses()
    doc = Document(
        "Metodika výpočtů socplan",
        "Parametry, metody a zdroje dat analýzy sítě sociálních služeb",
        {
            "Soubor metodiky": f"{Path(methodology_file).name} (SHA-256 {digest[:16]})",
            "Verze": f"socplan {__version__}",
            "Vzniklo": "generováno z parametrů, katalogu zdrojů a dokumentace kódu",
        },
    )
    doc.heading("Jak dokument vzniká")
    n_params = sum(1 for _, model in m for _ in model)
    doc.paragraph(
        f"Dokument je generován příkazem socplan methodology ze souboru metodiky "
        f"({count(n_params, 'parametr')}), z katalogu zdrojů dat params/sources.yaml a "
        "z dokumentace funkcí balíčku analysis.methods. Sloupec „kde se používá“ nástroj "
        "zjistil čtením zdrojového kódu. Značky ve zdrojích: [V] ověřeno v pramenu, [R] výklad "
        "odborného posudku k ověření v pramenu, [I] "
        "odvozeno, [GAP] pramen nenalezen (hodnota je výchozí volbou socplan)."
    )
    for section, model in m:
        doc.heading(f"Parametry: {SECTION_TITLES.get(section, section)}")
        rows, tables = [], []
        for key, q in model:
            p = f"{section}.{key}"
            cell = _value(q)
            rows.append(
                {
                    "parameter": p,
                    "value": "tabulka níže" if cell is None else cell,
                    "unit": q.unit,
                    "source": q.source,
                    "used": _where(uses.get(p, [])),
                }
            )
            if cell is None:
                tables.append((p, q))
        doc.table(
            pd.DataFrame(rows),
            f"Parametry oddílu {section}",
            f"Zdroj: {Path(methodology_file).name}",
            {
                "parameter": "parametr",
                "value": "hodnota",
                "unit": "jednotka a význam",
                "source": "zdroj",
                "used": "kde se používá",
            },
        )
        for p, q in tables:
            nested = nested_table(json.loads(q.model_dump_json())["value"])
            doc.table(
                nested,
                f"{p}: {q.unit}",
                f"Zdroj: {q.source}",
                {"key": "klíč", "value": "hodnota"},
                {c: exact_number for c in nested.columns},
            )

    doc.heading("Metody a vzorce")
    doc.paragraph(
        "Popis metod je převzat z dokumentace kódu (anglický originál), aby odpovídal "
        "přesně tomu, co se počítá; vzorce jsou uvedeny v textu. Názvy v textu jako year nebo "
        "methodology jsou argumenty funkcí; DOMAIN.md a DOMAIN-finance-plan.md jsou "
        "doménové podklady projektu, ze kterých metody vycházejí."
    )
    for name, module_doc, funcs in method_modules():
        doc.heading(name, 2)
        for para in _docstring_paragraphs(module_doc):
            doc.paragraph(para)
        for fname, fdoc in funcs:
            doc.paragraph(f"{fname}(): " + " ".join(_docstring_paragraphs(fdoc)), "method")

    doc.heading("Zdroje dat")
    catalogue = load_catalogue().sources
    src = pd.DataFrame(
        [
            {
                "source": k,
                "title": v.title,
                "publisher": v.publisher,
                "date": f.date(v.reference_date) if v.reference_date else "neuvedeno",
                "licence": v.licence,
            }
            for k, v in catalogue.items()
        ]
    )
    doc.table(
        src,
        "Otevřená data, která socplan čte",
        "Zdroj: params/sources.yaml",
        {
            "source": "zdroj",
            "title": "název",
            "publisher": "vydavatel",
            "date": "k datu",
            "licence": "licence",
        },
    )
    doc.table(
        pd.DataFrame([{"source": k, "url": v.publisher_url} for k, v in catalogue.items()]),
        "Stránky vydavatelů, kde zdroje leží",
        "Zdroj: params/sources.yaml",
        {"source": "zdroj", "url": "stránka vydavatele"},
    )
    canon = pd.DataFrame(
        [
            {"table": t, "file": name, "required": t not in OPTIONAL_TABLES}
            for t, name in DEFAULT_FILES.items()
        ]
    )
    doc.paragraph(
        "Kraj může místo otevřených dat dodat tabulky datového modelu (docs/data-model.md); "
        "každá tabulka má v souboru běhu svou citaci."
    )
    doc.table(
        canon,
        "Tabulky datového modelu",
        "Zdroj: docs/data-model.md",
        {"table": "tabulka", "file": "soubor", "required": "povinná"},
        {"required": f.yes_no},
    )
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    # Rendered beside the target and moved in only when both files are complete.
    with tempfile.TemporaryDirectory(prefix=".methodology-", dir=out) as tmp:
        written = doc.write(Path(tmp), "methodology")
        return tuple(p.replace(out / p.name) for p in written)  # type: ignore[return-value]
