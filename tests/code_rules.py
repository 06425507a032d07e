"""Static rules of the code base, checked by tests/test_architecture.py.

- Layers: each module belongs to a layer, and imports only from the layers its own layer
  may use (``ALLOWED``). Arrows point one way: chapters → methods → data → readers, with
  the base modules (errors, code lists, parameters, catalogue, chapter registry, package
  resources) usable by all; publish runs chapters only through notebooks, and nothing
  imports the CLI.
- No import cycle between modules (imports inside functions count too).
- No methodological number typed into a chapter module or a notebook: numeric literals
  outside a small allow-list, and numbers in notebook prose and captions, are reported.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

BASE = {
    "analysis",
    "analysis.errors",
    "analysis.codelists",
    "analysis.params",
    "analysis.catalogue",
    "analysis.chapter_registry",
    "analysis.parameter_reads",
    "analysis.shared_results",
    "analysis.resources",
}

ALLOWED: dict[str, set[str]] = {
    "base": {"base"},
    "readers": {"base", "readers"},
    "data": {"base", "readers", "data"},
    "methods": {"base", "data", "methods"},
    "present": {"base", "data", "present"},
    "chapters": {"base", "data", "methods", "present", "chapters"},
    "publish": {"base", "data", "methods", "present", "publish"},
    # The demo generator writes input files; it may use the methods to keep them consistent.
    "demo": {"base", "data", "methods", "demo"},
    # Reviewer tools rerun chapters directly (not through notebooks) and render documents.
    "review": {"base", "data", "methods", "present", "chapters", "publish", "review"},
    # The region's workbooks: read into canonical tables, protocols written back.
    "intake": {"base", "data", "present", "publish", "intake"},
    "cli": {"base", "readers", "data", "methods", "demo", "publish", "review", "intake", "cli"},
}

# Numbers a chapter module or notebook may type: none of them is a methodological choice
# (indices, decimals of a formatter, percent scale, quartiles of a marker size, ...).
ALLOWED_NUMBERS = {-1, 0, 1, 2, 3, 4, 100}

# Numbers in notebook prose that are names, not quantities.
ALLOWED_IN_PROSE = re.compile(r"SHA-256|E?2SFCA|1\. 1\.", re.IGNORECASE)


def layer_of(module: str) -> str | None:
    """The layer of a module of the package (None outside the package)."""
    if module in BASE:
        return "base"
    parts = module.split(".")
    if parts[0] != "analysis" or len(parts) < 2:
        return None
    if parts[1] == "cli":
        return "cli"
    return parts[1] if parts[1] in ALLOWED else None


def module_name(path: Path, root: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path, module: str) -> list[tuple[int, str]]:
    """Every ``analysis`` module imported by a file (line, module), wherever the import
    stands (module level or inside a function)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("analysis")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if not target.startswith("analysis"):
                continue
            for alias in node.names:
                # ``from analysis.methods import demand`` imports the module demand.
                candidate = f"{target}.{alias.name}"
                out.append((node.lineno, candidate))
    return out


def _resolve(name: str, modules: set[str]) -> str | None:
    """The module a dotted import name refers to (a module, or a name inside one)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def package_modules(root: Path) -> dict[str, Path]:
    """Every module of the ``analysis`` package below ``root`` (the repository)."""
    return {module_name(p, root): p for p in sorted((root / "analysis").rglob("*.py"))}


def import_graph(root: Path) -> dict[str, list[tuple[int, str]]]:
    modules = package_modules(root)
    names = set(modules)
    graph: dict[str, list[tuple[int, str]]] = {}
    for name, path in modules.items():
        targets = []
        for line, imported in imports_of(path, name):
            target = _resolve(imported, names)
            if target is not None and target != name:
                targets.append((line, target))
        graph[name] = targets
    return graph


def layer_violations(root: Path) -> list[str]:
    """Imports that break the layer rule, as ``file:line: a (layer) imports b (layer)``."""
    modules = package_modules(root)
    problems = []
    for name, targets in import_graph(root).items():
        own = layer_of(name)
        if own is None:
            problems.append(f"{modules[name]}: module {name} belongs to no layer")
            continue
        for line, target in targets:
            other = layer_of(target)
            # A package's __init__ is imported with any of its modules: no dependency.
            if other is None or target == "analysis":
                continue
            if other not in ALLOWED[own]:
                problems.append(
                    f"{modules[name].relative_to(root)}:{line}: {name} ({own}) imports "
                    f"{target} ({other})"
                )
            # Only entry points run the pipeline: the CLI, verify (reruns a report) and
            # batch (runs many).
            entry = own == "cli" or name in {"analysis.publish.verify", "analysis.publish.batch"}
            if (target == "analysis.cli" and own != "cli") or (
                target == "analysis.publish.pipeline" and not entry
            ):
                problems.append(
                    f"{modules[name].relative_to(root)}:{line}: {name} imports {target}"
                )
    return problems


def import_cycles(root: Path) -> list[list[str]]:
    """Cycles of the module import graph (each as the list of modules on it)."""
    graph = {k: sorted({t for _, t in v if t != "analysis"}) for k, v in import_graph(root).items()}
    cycles, state, stack = [], {}, []

    def visit(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == "open":
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def _numbers_in_code(source: str, where: str) -> list[str]:
    problems = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, int | float)
            and not isinstance(node.value, bool)
            and node.value not in ALLOWED_NUMBERS
        ):
            problems.append(f"{where}:{node.lineno}: numeric literal {node.value!r}")
    return problems


def _numbers_in_text(text: str, where: str) -> list[str]:
    cleaned = ALLOWED_IN_PROSE.sub("", text)
    return [f"{where}: number {m.group(0)!r} in text" for m in re.finditer(r"\d+", cleaned)]


def literal_numbers(chapter_modules: list[Path], notebooks: list[Path]) -> list[str]:
    """Numbers typed into chapter modules (code) and notebooks (code, captions, prose)."""
    problems = []
    for path in chapter_modules:
        problems += _numbers_in_code(path.read_text(encoding="utf-8"), str(path))
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"]):
            src = "".join(cell["source"])
            where = f"{path.name} cell {i}"
            if cell["cell_type"] == "markdown":
                problems += _numbers_in_text(src, where)
                continue
            if "parameters" in cell["metadata"].get("tags", []):
                continue
            problems += _numbers_in_code(src, where)
            for node in ast.walk(ast.parse(src)):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    problems += _numbers_in_text(node.value, f"{where}:{node.lineno}")
    return problems
