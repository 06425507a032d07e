"""The build cache: entries restored only when whole, foreign or damaged entries never used."""

from __future__ import annotations

import json
import shutil

from analysis.params import load_methodology
from analysis.publish.cache import BuildCache, chapter_key, snapshot, written_since
from analysis.resources import methodology_file

KEY = "ab" + "0" * 62
OTHER = "cd" + "1" * 62


def _build(tmp_path):
    src = tmp_path / "build"
    (src / "tables").mkdir(parents=True)
    (src / "tables" / "t.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (src / "notebooks").mkdir()
    (src / "notebooks" / "01.ipynb").write_text("{}", encoding="utf-8")
    return src


def test_a_stored_entry_is_restored_byte_for_byte(tmp_path):
    cache = BuildCache(tmp_path / "cache")
    src = _build(tmp_path)
    cache.store("chapters", KEY, src, ["tables/t.csv", "notebooks/01.ipynb"])
    dest = tmp_path / "dest"
    assert cache.restore("chapters", KEY, dest) == ["notebooks/01.ipynb", "tables/t.csv"]
    assert (dest / "tables" / "t.csv").read_bytes() == b"a,b\n1,2\n"
    assert cache.restore("chapters", OTHER, dest) is None  # never stored


def test_a_corrupted_entry_is_removed_and_not_used(tmp_path):
    cache = BuildCache(tmp_path / "cache")
    cache.store("chapters", KEY, _build(tmp_path), ["tables/t.csv"])
    stored = tmp_path / "cache" / "chapters" / KEY[:2] / KEY / "files" / "tables" / "t.csv"
    stored.write_text("a,b\n1,3\n", encoding="utf-8")  # one changed cell
    dest = tmp_path / "dest"
    assert cache.restore("chapters", KEY, dest) is None
    assert not (dest / "tables" / "t.csv").exists()
    assert not stored.parent.parent.parent.exists()  # the damaged entry is gone


def test_a_foreign_entry_under_another_key_is_not_used(tmp_path):
    cache = BuildCache(tmp_path / "cache")
    cache.store("chapters", OTHER, _build(tmp_path), ["tables/t.csv"])
    root = tmp_path / "cache" / "chapters"
    (root / KEY[:2]).mkdir()
    shutil.copytree(root / OTHER[:2] / OTHER, root / KEY[:2] / KEY)  # copied in by hand
    assert cache.restore("chapters", KEY, tmp_path / "dest") is None
    assert cache.restore("chapters", OTHER, tmp_path / "dest") == ["tables/t.csv"]
    # An entry of another kind with the same key is foreign too.
    assert not cache.restore_file("pdf", OTHER, tmp_path / "x.pdf")


def test_read_sets_are_kept_once_and_a_damaged_index_is_ignored(tmp_path):
    cache = BuildCache(tmp_path / "cache")
    cache.add_read_set(KEY, {"network.max_km", "ages.seniors_min_age"})
    cache.add_read_set(KEY, ["ages.seniors_min_age", "network.max_km"])
    assert cache.read_sets(KEY) == [["ages.seniors_min_age", "network.max_km"]]
    index = tmp_path / "cache" / "reads" / KEY[:2] / f"{KEY}.json"
    index.write_text(json.dumps({"not": "a list"}), encoding="utf-8")
    assert cache.read_sets(KEY) == []


def test_the_key_changes_with_a_read_parameter_only():
    m = load_methodology(methodology_file())
    reads = ["ages.seniors_min_age"]
    base = chapter_key(KEY, m, reads)
    section, name = "demand", next(iter(type(m.demand).model_fields))
    changed = m.model_copy(deep=True)
    object.__setattr__(changed.ages.seniors_min_age, "value", m.ages.seniors_min_age.value + 1)
    assert chapter_key(KEY, changed, reads) != base
    assert chapter_key(KEY, m, [*reads, f"{section}.{name}"]) != base
    assert chapter_key(OTHER, m, reads) != base


def test_written_since_lists_new_and_changed_files(tmp_path):
    src = _build(tmp_path)
    before = snapshot(src)
    (src / "tables" / "new.csv").write_text("x\n", encoding="utf-8")
    (src / "notebooks" / "01.ipynb").write_text('{"cells": []}', encoding="utf-8")
    assert written_since(src, before) == ["notebooks/01.ipynb", "tables/new.csv"]


def test_every_parameter_the_data_layer_reads_is_in_the_chapter_key():
    """Chapters record the parameters they read; the dataset is built before any
    chapter runs, so what analysis/data reads must be named in the key by hand."""
    import re

    from analysis.publish.cache import DATA_PARAMETERS
    from tests.conftest import REPO_ROOT

    read = set()
    for path in (REPO_ROOT / "analysis" / "data").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        read |= set(re.findall(r"methodology\.([a-z_]+)\.([a-z_]+)", text))
    assert {f"{s}.{k}" for s, k in read} == set(DATA_PARAMETERS)
