"""socplan batch: many run files in parallel, one failure reported, the others built."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from analysis.cli import main
from analysis.publish.batch import run_batch, summary
from tests.conftest import REPO_ROOT

BROKEN = """\
region: {code: CZ999, name: Rozbitý kraj}
year: 2025
data: {format: open-data, dir: ., sources: {}}
unknown_key: 1
"""


@pytest.mark.realdata
@pytest.mark.slow
def test_a_broken_run_file_fails_alone_and_the_others_publish(raw_dir, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    region = REPO_ROOT / "params" / "regions" / "CZ064.yaml"
    done = []
    results = run_batch(
        [region, broken], raw_dir, tmp_path / "reports", jobs=2, on_done=done.append
    )
    assert [r.status for r in results] == ["ok", "failed"] and len(done) == 2
    ok, failed = results
    report = tmp_path / "reports" / "2025" / "CZ064"
    assert ok.report == str(report) and (report / "report.pdf").is_file()
    assert "broken.yaml" in failed.error and "unknown_key" in failed.error
    assert not (tmp_path / "reports" / "2025" / "CZ999").exists()
    table = summary(results)
    assert table["status"].tolist() == ["ok", "failed"] and table["report"].iloc[1] == ""


def test_batch_exits_non_zero_and_prints_the_summary_when_a_region_fails(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["batch", str(broken), "--reports-dir", str(tmp_path), "--quiet", "--jobs", "1"]
    )
    assert result.exit_code == 1
    assert "broken.yaml" in result.output and "failed" in result.output
    assert "0 of 1 reports built" in result.output
