"""``lqcalc import``: what it prints, what it writes, its exit codes."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from click.testing import CliRunner

from lqcalc.cli import main
from lqcalc.cli_import import import_command

FIX = Path(__file__).parent / "fixtures" / "io"


def run(args):
    return CliRunner().invoke(main, ["import", *map(str, args)])


def test_io_import_is_registered():
    assert main.get_command(None, "import") is import_command


def test_io_import_prints_what_was_understood_and_writes_parquet(tmp_path):
    out = tmp_path / "tidy.parquet"
    r = run([FIX / "renjiyi_urban_unit_employment_gbk.csv", FIX / "yearbook_industries_2023.xlsx", "--out", out])
    assert r.exit_code == 0, r.output
    assert "nbs-classic, encoding gb18030" in r.output
    assert "indicator 城镇单位就业人员, unit 万人 -> persons" in r.output
    assert "31 regions (no 全国 reference row)" in r.output
    assert "yearbook" in r.output and "with 全国 reference row" in r.output
    assert "4 footnote line(s) skipped" in r.output
    df = pl.read_parquet(out)
    assert df.columns[:4] == ["region", "region_name", "industry", "industry_name"]
    bj = df.filter((pl.col("region") == "110000") & (pl.col("year") == 2024))
    assert bj["value"].to_list() == [7636000.0]
    assert f"wrote {df.height:,} rows" in r.output


def test_io_import_options_indicator_and_unit(tmp_path):
    out = tmp_path / "t.parquet"
    r = run([FIX / "tecexp_newformat_by_province_2011-2025_a.csv", "--indicator", "地方财政一般预算支出", "--unit", "亿元",
             "--out", out])
    assert r.exit_code == 0, r.output
    df = pl.read_parquet(out)
    assert df["measure"].unique().to_list() == ["地方财政一般预算支出"]
    assert df.filter((pl.col("region") == "110000") & (pl.col("year") == 2024))["value"][0] == 839649000000.0


def test_io_import_vintage_conflict_exits_3_and_writes_nothing(tmp_path):
    out = tmp_path / "t.parquet"
    r = run([FIX / "tobby_gdp_1993-2017_gbk.csv", FIX / "renjiyi_gdp_2006-2024_gbk.csv", "--out", out])
    assert r.exit_code == 3
    assert "vintage_conflict" in r.output and "2301459000000 yuan" in r.output
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_io_import_usage_errors_exit_2(tmp_path):
    r = run([tmp_path / "nope.csv", "--out", tmp_path / "t.parquet"])
    assert r.exit_code == 2
    r = run([FIX / "missing_markers.csv", "--out", tmp_path / "t.parquet", "--layout", "nope"])
    assert r.exit_code == 2


def test_io_import_unknown_region_exits_3_with_suggestion(tmp_path):
    r = run([FIX / "unknown_region.csv", "--out", tmp_path / "t.parquet"])
    assert r.exit_code == 3
    assert "河北身" in r.output and "河北省" in r.output


def test_io_import_zero_as_missing_and_json(tmp_path):
    import json

    out = tmp_path / "t.parquet"
    r = run([FIX / "missing_markers.csv", "--zero-as-missing", "--json", "--out", out])
    assert r.exit_code == 0, r.output
    payload = json.loads(r.output)
    assert payload["files"][0]["layout"] == "nbs-classic" and payload["files"][0]["missing"] == 8
    assert pl.read_parquet(out)["value"].null_count() == 8


def test_io_import_layout_choices_match_the_detector():
    from lqcalc import cli_import
    from lqcalc.io import detect

    assert cli_import.LAYOUTS == detect.LAYOUTS


def test_io_cli_import_module_imports_no_polars():
    import subprocess
    import sys

    code = "import sys, lqcalc.cli_import; print('polars' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
