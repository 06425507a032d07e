"""Shared fixtures: the demo data and the demo report (each built once per test run, for
every xdist worker), and the real data folder; Hypothesis profiles."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from analysis.demo import DEFAULT_SEED, generate_demo
from analysis.params import load_run_config
from tests.shared import shared_artifact

REPO_ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = REPO_ROOT.parent / "shared" / "data" / "raw"
DEMO_RUN = REPO_ROOT / "params" / "demo.yaml"

# Property-based tests: "ci" (the default, also of `make test`) tries 40 examples in a
# fixed order, so that a run is repeatable; "dev" (`make test-fast`) tries 10 new ones.
_PROFILE = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture]}
settings.register_profile("ci", max_examples=40, derandomize=True, **_PROFILE)
settings.register_profile("dev", max_examples=10, **_PROFILE)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """End-to-end tests (marked slow) first: with the tests spread over xdist workers, the
    long ones then overlap instead of one of them finishing the run alone."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


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
    """The demo region's input files (read-only: a test that changes them uses
    ``demo_copy``)."""
    return shared_artifact(
        tmp_path_factory, "demo-data", lambda folder: generate_demo(folder / "data", DEFAULT_SEED)
    )


@pytest.fixture(scope="session")
def demo_report(tmp_path_factory: pytest.TempPathFactory, demo_dir: Path) -> Path:
    """The demo's annual report, built cold once per test run and read by every test that
    only looks at it (one that changes it works on a copy). The run filled an empty build
    cache, ``<report>/../../../cache``, which tests copy before they use it."""
    from analysis.publish import pipeline

    def build(folder: Path) -> Path:
        reports, cache = folder / "reports", folder / "cache"
        return pipeline.run(DEMO_RUN, demo_dir, reports, progress=False, cache_dir=cache)

    return shared_artifact(tmp_path_factory, "demo-report", build)


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


@pytest.fixture(scope="session")
def real_report(tmp_path_factory: pytest.TempPathFactory, raw_dir: Path) -> Path:
    """South Moravia's (CZ064) annual report from the open data, built once per test run
    (read-only, like ``demo_report``)."""
    from analysis.publish import pipeline

    params = REPO_ROOT / "params" / "regions" / "CZ064.yaml"
    return shared_artifact(
        tmp_path_factory,
        "real-report-CZ064",
        lambda folder: pipeline.run(params, raw_dir, folder / "reports", progress=False),
    )
