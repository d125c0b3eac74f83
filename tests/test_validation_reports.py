"""Complete reports: every problem in the files, the first 20 on the terminal, and where the rest are."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIX = Path(__file__).parent / "fixtures"


def _bad_rows(path: Path, n: int = 10_000) -> Path:
    lines = ["region,industry,year,emp"] + [f"R{i:05d},A,2020,-{i + 1}" for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_json_report_lists_every_one_of_10000_bad_rows_and_stays_fast(cli, tmp_path):
    src = _bad_rows(tmp_path / "bad.csv")
    t0 = time.perf_counter()
    result = cli("run", src, "--value-col", "emp", "--out", tmp_path / "out", "--no-charts")
    seconds = time.perf_counter() - t0
    assert result.exit_code == 3
    assert not (tmp_path / "out").exists()
    report = json.loads((tmp_path / "out.validation.json").read_text(encoding="utf-8"))
    problems = report["problems"]
    assert len(problems) == 10_000 == report["bad_rows"]
    assert [p["line"] for p in problems] == list(range(2, 10_002))
    assert {p["column"] for p in problems} == {"emp"}
    assert problems[-1]["value"] == "-10000"
    assert seconds < 20, seconds
    # the HTML report holds every row too, under its rule with the count
    page = (tmp_path / "out.validation.html").read_text(encoding="utf-8")
    assert "<code>negative_value</code> Negative value (10000)" in page
    assert page.count("<td>emp</td>") == 10_000 and "<td>-10000</td>" in page
    # the terminal: the first 20, and where the others are
    shown = re.findall(r"\[negative_value\] negative value -(\d+)", result.output)
    assert shown == [str(i) for i in range(1, 21)]
    assert f"... and 9980 more: every problem is in {tmp_path / 'out.validation.html'}" in result.output


def test_validate_terminal_shows_20_and_says_how_to_get_the_rest(cli, tmp_path):
    src = _bad_rows(tmp_path / "bad.csv", 30)
    plain = cli("validate", src, "--value-col", "emp", "--no-gx")
    assert plain.exit_code == 3
    assert len(re.findall(r"^  - negative value", plain.output, flags=re.M)) == 20
    assert "... and 10 more (--report PATH writes every one of them" in plain.output
    written = cli("validate", src, "--value-col", "emp", "--no-gx", "--report", tmp_path / "check")
    assert f"... and 10 more in the full report: {tmp_path / 'check.html'}" in written.output
    assert len(json.loads((tmp_path / "check.json").read_text(encoding="utf-8"))["problems"]) == 30


def test_cells_the_readers_refuse_are_reported_in_full_next_to_dir(cli, tmp_path):
    src = tmp_path / "text.csv"
    src.write_text("region,industry,year,emp\n" + "".join(f"R{i},A,2020,n/a{i}\n" for i in range(25)), encoding="utf-8")
    result = cli("run", src, "--value-col", "emp", "--out", tmp_path / "out")
    assert result.exit_code == 3 and not (tmp_path / "out").exists()
    assert "... and 5 more: every problem is in" in result.output
    report = json.loads((tmp_path / "out.validation.json").read_text(encoding="utf-8"))
    assert report["stage"] == "read" and len(report["problems"]) == 25
    assert report["rules"] == [{"id": "non_numeric", "count": 25}]
    assert "non_numeric</code> (25)" in (tmp_path / "out.validation.html").read_text(encoding="utf-8")


def test_a_warning_repeated_per_year_is_printed_once_with_the_years(cli, tmp_path):
    src = FIX / "io" / "renjiyi_urban_unit_employment_gbk.csv"
    result = cli("run", src, "--out", tmp_path / "out", "--no-charts")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "[missing_share]" in line]
    assert lines == ["warning: [missing_share] measure 城镇单位就业人员, year 2006: 100% of 31 values are missing "
                     "[the same 3 times: years 2006, 2007, 2025]"]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert len([w for w in manifest["validation"]["warnings"] if w["rule"] == "missing_share"]) == 3


def test_readme_says_where_a_failed_run_puts_its_report(cli, tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`DIR.validation.html` and `DIR.validation.json` next to `DIR`" in readme
    assert "never creates `DIR`" in readme
    result = cli("run", FIX / "validation" / "negative_value.csv", "--reference-region", "全国", "--total-industry",
                 "合计", "--out", tmp_path / "DIR")
    assert result.exit_code == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["DIR.validation.html", "DIR.validation.json"]
    report = json.loads((tmp_path / "DIR.validation.json").read_text(encoding="utf-8"))
    assert [(p["rule"], p["value"]) for p in report["problems"]] == [("negative_value", "-44")]
