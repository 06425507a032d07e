"""The shape of the code base: layers, no import cycle, no methodology number in chapters
or notebooks, one registry of chapters, and package data that ships."""

from __future__ import annotations

import ast
import importlib
import json
import shutil
import tomllib
from pathlib import Path

import pytest

from analysis.chapter_registry import CHAPTERS
from analysis.params import Methodology
from analysis.resources import notebook
from tests.code_rules import import_cycles, layer_violations, literal_numbers
from tests.conftest import REPO_ROOT

CHAPTER_MODULES = sorted((REPO_ROOT / "analysis" / "chapters").glob("[!_]*.py"))
# Helpers of a chapter (``_name.py``) are held to the same rule on typed numbers.
CHAPTER_HELPERS = sorted((REPO_ROOT / "analysis" / "chapters").glob("_[!_]*.py"))
NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))


def _copy_package(tmp_path: Path) -> Path:
    shutil.copytree(REPO_ROOT / "analysis", tmp_path / "analysis")
    return tmp_path


def test_layers_are_respected():
    assert layer_violations(REPO_ROOT) == []


def test_layer_rule_catches_an_upward_import(tmp_path):
    root = _copy_package(tmp_path)
    reader = root / "analysis" / "readers" / "wpp.py"
    reader.write_text(
        reader.read_text(encoding="utf-8") + "\nfrom analysis.methods import demand  # noqa\n",
        encoding="utf-8",
    )
    chapter = root / "analysis" / "chapters" / "plan.py"
    chapter.write_text(
        chapter.read_text(encoding="utf-8") + "\n\ndef f():\n    import analysis.cli  # noqa\n",
        encoding="utf-8",
    )
    problems = layer_violations(root)
    assert any(
        "analysis.readers.wpp (readers) imports analysis.methods.demand" in p for p in problems
    )
    assert any(
        "analysis.chapters.plan (chapters) imports analysis.cli (cli)" in p for p in problems
    )


def test_no_import_cycle():
    assert import_cycles(REPO_ROOT) == []


def test_cycle_check_finds_a_cycle(tmp_path):
    root = _copy_package(tmp_path)
    schemas = root / "analysis" / "data" / "schemas.py"
    schemas.write_text(
        schemas.read_text(encoding="utf-8")
        + "\n\ndef f():\n    from analysis.data.loading import load_dataset  # noqa\n",
        encoding="utf-8",
    )
    cycles = import_cycles(root)
    assert cycles and any("analysis.data.schemas" in c for c in cycles)


def test_no_methodology_number_in_chapters_or_notebooks():
    assert CHAPTER_HELPERS  # the glob finds the helpers
    assert literal_numbers([*CHAPTER_MODULES, *CHAPTER_HELPERS], NOTEBOOKS) == []


def test_number_check_catches_typed_numbers(tmp_path):
    module = tmp_path / "chapter.py"
    module.write_text("def f(x):\n    return x.head(30)\n", encoding="utf-8")
    nb = json.loads(NOTEBOOKS[-1].read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": ["pásma 1,00 / 0,68"]})
    nb["cells"].append(
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": ['ch.table(x, "t", "Oblasti mimo 95% interval", sources=())'],
        }
    )
    broken = tmp_path / "broken.ipynb"
    broken.write_text(json.dumps(nb), encoding="utf-8")
    problems = literal_numbers([module], [broken])
    assert any("numeric literal 30" in p for p in problems)
    assert any("'68'" in p for p in problems)
    assert any("'95'" in p for p in problems)


@pytest.mark.parametrize("spec", CHAPTERS, ids=[c.name for c in CHAPTERS])
def test_every_registered_chapter_has_module_notebook_and_methodology(spec):
    module = importlib.import_module(spec.module)
    assert callable(module.prepare)
    nb = json.loads(notebook(spec.name).read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    short = spec.module.rsplit(".", 1)[1]
    assert f"from analysis.chapters import {short}" in code
    assert f"{short}.prepare(ch.data, ch.methodology, ch.year)" in code
    # Notebooks call only the chapter and the notebook runtime.
    imports = [line for line in code.splitlines() if line.startswith(("from ", "import "))]
    assert imports == [
        f"from analysis.chapters import {short}",
        "from analysis.present.notebook import open_chapter",
    ]
    assert "def " not in code
    assert set(spec.methodology) <= set(Methodology.model_fields)
    first = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "".join(first["source"]).startswith(f"# {spec.title}")


def test_every_chapter_module_and_notebook_is_registered():
    registered = {c.module.rsplit(".", 1)[1] for c in CHAPTERS}
    assert {p.stem for p in CHAPTER_MODULES} == registered
    assert {p.stem for p in NOTEBOOKS} == {c.name for c in CHAPTERS}


def test_package_list_matches_the_folders():
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(REPO_ROOT).parts)
        for p in (REPO_ROOT / "analysis").rglob("__init__.py")
    }
    assert found | {"analysis.notebooks", "analysis.defaults"} == declared


def test_no_long_module_without_a_reason():
    """A module over 600 lines says in its docstring why it is one module."""
    long = {}
    for path in sorted((REPO_ROOT / "analysis").rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > 600:
            doc = ast.get_docstring(ast.parse("\n".join(lines))) or ""
            long[path.relative_to(REPO_ROOT).as_posix()] = "Long module" in doc
    assert long and all(long.values()), long
