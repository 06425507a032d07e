"""Shared fixtures: the demo data (generated once per session) and the real data folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from analysis.demo import DEFAULT_SEED, generate_demo
from analysis.params import load_run_config

REPO_ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = REPO_ROOT.parent / "shared" / "data" / "raw"


@pytest.fixture(autouse=True, scope="session")
def _private_build_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Commands under test keep their build cache in the session's temporary folder,
    never in the user's ~/.cache."""
    os.environ["SOCPLAN_CACHE_DIR"] = str(tmp_path_factory.mktemp("socplan-cache"))


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """The real public data beside the repository; CI sets SOCPLAN_REQUIRE_REAL_DATA=1 so
    that its absence fails instead of skipping."""
    if not RAW_DIR.is_dir():
        if os.environ.get("SOCPLAN_REQUIRE_REAL_DATA"):
            pytest.fail(f"real data folder {RAW_DIR} is missing (required in CI)")
        pytest.skip(f"real data folder {RAW_DIR} is absent")
    return RAW_DIR


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_demo(tmp_path_factory.mktemp("demo") / "data", DEFAULT_SEED)


@pytest.fixture
def demo_copy(demo_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the demo data that a test may corrupt."""
    return Path(shutil.copytree(demo_dir, tmp_path / "data"))


@pytest.fixture(scope="session")
def real_region(raw_dir: Path):
    """Configuration and validated open-data dataset of Jihomoravský kraj (CZ064)."""
    from analysis.data.loading import load_dataset

    config = load_run_config(REPO_ROOT / "params" / "regions" / "CZ064.yaml", data_dir=raw_dir)
    return config, load_dataset(config)


@pytest.fixture(scope="session")
def demo_config(demo_dir: Path):
    return load_run_config(REPO_ROOT / "params" / "demo.yaml", data_dir=demo_dir)
