"""What a run prints: a live status line on a terminal, plain stage lines elsewhere,
nothing but errors with --quiet, JSON alone with --json; empty tables with their reason."""

from __future__ import annotations

import io
import json
import time

from click.testing import CliRunner

from lqcalc import progress
from lqcalc.cli import main
from lqcalc.output.manifest import empty_tables


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_live_status_line_shows_stage_rows_and_elapsed_then_disappears(monkeypatch):
    monkeypatch.setattr(progress, "LIVE_DELAY", 0.0)
    term = Terminal()
    display = progress.RunDisplay(quiet=False, stream=term)
    assert display.live is not None
    display.stage("validating")
    display.rows(11232)
    progress.note("• writing summary tables …")          # goes into the status line
    assert list(progress.progress([1, 2], "charts")) == [1, 2]
    time.sleep(0.35)
    display.close()
    out = term.getvalue()
    assert "\r\x1b[2K" in out and "11,232 rows" in out and " s" in out
    assert "writing summary tables" in out and "•" not in out
    assert out.endswith("\r\x1b[2K")   # erased at the end
    assert progress._live is None


def test_plain_lines_elsewhere_and_nothing_when_quiet():
    log = io.StringIO()
    display = progress.RunDisplay(quiet=False, stream=log)
    assert display.live is None
    display.stage("reading 1 file(s)")
    assert log.getvalue().startswith("• reading 1 file(s) … (")
    silent = io.StringIO()
    q = progress.RunDisplay(quiet=True, stream=silent, live=True)
    q.stage("validating")
    q.close()
    assert q.live is None and silent.getvalue() == ""


def test_quiet_prints_nothing_and_json_prints_only_json(tmp_path):
    runner = CliRunner()
    r = runner.invoke(main, ["demo", "--out", str(tmp_path / "q"), "--quiet", "--no-charts"])
    assert r.exit_code == 0 and r.stdout == "" and r.stderr == ""
    r = runner.invoke(main, ["demo", "--out", str(tmp_path / "j"), "--json", "--no-charts"])
    assert r.exit_code == 0 and r.stderr == ""
    summary = json.loads(r.stdout)
    assert set(summary["timings"]) >= {"read", "validate", "indicators", "write"}
    assert summary["rows"]["read"] == 11232
    assert summary["empty_tables"] == {
        "targets": "no target was given (--target MEASURE:REGION:INDUSTRY:YEAR=VALUE)",
        "intensity": "no ratio was asked for (--intensity A/B)"}
    manifest = json.loads((tmp_path / "j" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["timings"] == summary["timings"] and manifest["empty_tables"] == summary["empty_tables"]
    r = runner.invoke(main, ["demo", "--out", str(tmp_path / "p"), "--no-charts"])
    lines = r.stdout.strip().splitlines()
    assert lines[-2:] == ["empty: targets.parquet: no target was given (--target MEASURE:REGION:INDUSTRY:YEAR=VALUE)",
                          "empty: intensity.parquet: no ratio was asked for (--intensity A/B)"]
    assert "• validating" in r.stderr


def test_every_empty_table_gets_a_reason():
    settings = {"intensity": ["gdp/emp"], "targets": ["emp:A:B:2030=5"], "base_year": 2020, "end_year": 2020}
    r = empty_tables({"indicators": 5, "growth": 0, "clusters": 0, "intensity": 0, "targets": 0, "regions": 0},
                     settings, [2019, 2020])
    assert r == {"growth": "--base-year and --end-year are the same year",
                 "clusters": "the input has no rows this table is computed from",
                 "intensity": "no region and year has both measures of the ratios asked for (gdp/emp)",
                 "targets": "no target names a measure, region and industry of the input",
                 "regions": "the input has no rows this table is computed from"}
    assert empty_tables({"growth": 0}, {}, [])["growth"] == "growth needs two years; the input has no years"


def test_shell_completion_in_the_readme_works():
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    shells = re.findall(r"_LQCALC_COMPLETE=(\w+)_source lqcalc", readme)
    assert shells == ["bash", "zsh", "fish"]
    for shell in shells:
        r = CliRunner().invoke(main, [], prog_name="lqcalc", env={"_LQCALC_COMPLETE": f"{shell}_source"})
        assert r.exit_code == 0 and "_LQCALC_COMPLETE" in r.output and "lqcalc" in r.output
