"""docs/performance.md states what the latest benchmark results say (``bench/targets.py``)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import targets  # noqa: E402


def test_performance_page_matches_the_latest_results():
    assert targets.main(["--check"]) == 0, "docs/performance.md is stale: run `python bench/targets.py`"


def test_targets_follow_the_results(tmp_path):
    results = tmp_path / "results"
    shutil.copytree(BENCH / "results", results)
    res = json.loads((results / "5M.json").read_text())
    default = res["contenders"]["default-run"]
    # a default run twice as fast as pandas meets the target; the page then says so
    default["wall_s"] = res["contenders"]["pandas"]["wall_s"] / 2
    (results / "5M.json").write_text(json.dumps(res))
    row = next(r for r in targets.rows(results) if r[0].startswith("5M rows: the default"))
    assert row[2] == "**yes**" and "pandas/lqcalc = 2.00" in row[1]
    page = tmp_path / "performance.md"
    shutil.copy(targets.PAGE, page)
    assert targets.main(["--check", "--page", str(page), "--results", str(results)]) == 1
    assert targets.main(["--page", str(page), "--results", str(results)]) == 0
    assert targets.main(["--check", "--page", str(page), "--results", str(results)]) == 0


def test_stage_table_follows_the_results(tmp_path):
    """The per-stage profile on the page comes from the run's manifest and bench/stages.py."""
    results = tmp_path / "results"
    shutil.copytree(BENCH / "results", results)
    res = json.loads((results / "22M.json").read_text())
    res["contenders"]["default-run"]["reported"]["write_timings"]["summary"] = 12.345
    (results / "22M.json").write_text(json.dumps(res))
    (results / "5M-stages.json").write_text(json.dumps({"times": {"denominators": 0.5},
                                                        "table_functions": {"indicator_table": 1.25},
                                                        "table_writes": {"indicators": 1.5}}))
    rows = {r[0]: r for r in targets.stage_rows(results)}
    assert rows["· summaries"][2] == "12.35 s"
    assert rows["`indicator_table`"][1] == "1.25 s" and rows["`indicators.parquet`"][1] == "1.50 s"
    assert rows["denominators"][1] == "0.50 s"
    assert "| · summaries |" in targets.stages_table(results)


def test_cpu_budget_follows_the_results(tmp_path):
    """The CPU budget sets two cores over the pandas script's wall time against the CPU of the
    run's own stages (bench/stages.py) and of the whole default run."""
    results = tmp_path / "results"
    shutil.copytree(BENCH / "results", results)
    res = json.loads((results / "5M.json").read_text())
    res["contenders"]["pandas"]["wall_s"] = 4.0
    res["contenders"]["default-run"]["cpu_s"] = 12.5
    res["machine"]["cores"] = 2
    (results / "5M.json").write_text(json.dumps(res))
    (results / "5M-stages.json").write_text(json.dumps({"cpu_times": {
        "read": 0.25, "validate": 0.75, "denominators": 0.5, "tables": 3.0, "write": 3.5, "lq": 9.0}}))
    row = next(r for r in targets.budget_rows(results) if r[0] == "5M")
    assert row == ("5M", "4.0 s", "8.0 s (2 cores)", "8.0 s", "12.5 s")   # lq is not a stage of a run
    for size in ("5M", "22M"):   # a stage not measured: no row rather than a wrong sum
        (results / f"{size}-stages.json").write_text(json.dumps({"cpu_times": {"read": 0.25}}))
    assert targets.budget_rows(results) == []
