"""The `lqcalc run` contract: outputs, manifest, settings, errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from conftest import FIXTURES

OEWS = FIXTURES / "oews" / "oews_2025_six_areas.csv"
OEWS_ARGS = ["--region-col", "area_code", "--industry-col", "occ_code", "--value-col", "employment",
             "--reference-region", "0000000", "--total-industry", "000000"]


def write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


LONG = """region,industry,year,emp,output
01,0161,2020,10,5
01,31-33,2020,30,7
02,0161,2020,20,1
02,31-33,2020,40,9
01,0161,2021,12,5
01,31-33,2021,33,8
02,0161,2021,21,2
02,31-33,2021,44,9
"""
LONG_ARGS = ["--region-col", "region", "--industry-col", "industry", "--year-col", "year", "--value-col", "emp"]


def test_run_writes_contract_and_manifest(tmp_path, cli):
    src = write(tmp_path, "in.csv", LONG)
    out = tmp_path / "out"
    res = cli("run", src, *LONG_ARGS, "--value-col", "output", "--out", out)
    assert res.exit_code == 0, res.output
    ind = pl.read_parquet(out / "indicators.parquet")
    for col in ["region", "industry", "year", "measure", "value", "region_total", "reference_value", "reference_total", "lq"]:
        assert col in ind.columns
    assert ind.schema["year"] == pl.Int32 and ind.schema["region"] == pl.String
    assert sorted(ind["measure"].unique().to_list()) == ["emp", "output"]
    assert set(ind["industry"]) == {"0161", "31-33"} and set(ind["region"]) == {"01", "02"}
    row = ind.filter((pl.col("region") == "01") & (pl.col("industry") == "0161") & (pl.col("year") == 2020)
                     & (pl.col("measure") == "emp")).row(0, named=True)
    # sums as reference: region 01 total 40, reference 0161 = 30, reference total 100
    assert (row["region_total"], row["reference_value"], row["reference_total"]) == (40, 30, 100)
    assert row["lq"] == pytest.approx((10 / 40) / (30 / 100))
    tidy = pl.read_parquet(out / "tidy.parquet")
    assert tidy.height == 16 and tidy["source_line"].min() == 2
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["rows"] == {"read": 16, "used": 16, "rejected": 0}
    assert len(m["inputs"][0]["sha256"]) == 64
    assert m["settings"]["read"]["value_cols"] == ["emp", "output"]
    assert m["lqcalc_version"]


def test_two_runs_give_identical_tables(tmp_path, cli):
    src = write(tmp_path, "in.csv", LONG)
    for name in ("a", "b"):
        assert cli("run", src, *LONG_ARGS, "--out", tmp_path / name, "-q").exit_code == 0
    for f in sorted(p.name for p in (tmp_path / "a").glob("*.parquet")):
        assert pl.read_parquet(tmp_path / "a" / f).equals(pl.read_parquet(tmp_path / "b" / f)), f


def test_config_file_and_flag_override(tmp_path, cli):
    src = write(tmp_path, "in.csv", LONG)
    cfg = write(tmp_path, "run.toml", f"""inputs = ["in.csv"]
out = "{(tmp_path / 'from_toml').as_posix()}"
region_col = "region"
industry_col = "industry"
year_col = "year"
value_cols = ["emp"]
""")
    assert cli("run", "--config", cfg, "-q").exit_code == 0
    assert (tmp_path / "from_toml" / "indicators.parquet").exists()
    # flags override the file
    res = cli("run", "--config", cfg, "--value-col", "output", "--out", tmp_path / "flag", "-q")
    assert res.exit_code == 0, res.output
    assert pl.read_parquet(tmp_path / "flag" / "indicators.parquet")["measure"].unique().to_list() == ["output"]
    bad = write(tmp_path, "bad.toml", 'regoin_col = "x"\n')
    res = cli("run", src, "--config", bad, "--out", tmp_path / "x")
    assert res.exit_code == 2 and "region_col" in res.output


def test_no_charts_flag_beats_the_config_file(tmp_path, cli):
    write(tmp_path, "in.csv", LONG)
    cfg = write(tmp_path, "run.toml", """inputs = ["in.csv"]
region_col = "region"
industry_col = "industry"
year_col = "year"
value_cols = ["emp"]
charts = true
""")
    assert cli("run", "--config", cfg, "--no-charts", "--out", tmp_path / "flag", "-q").exit_code == 0
    assert (tmp_path / "flag" / "indicators.parquet").exists() and not (tmp_path / "flag" / "charts").exists()
    assert cli("run", "--config", cfg, "--out", tmp_path / "file", "-q").exit_code == 0
    assert any((tmp_path / "file" / "charts").iterdir())


def test_reference_names_accepted(tmp_path, cli):
    src = write(tmp_path, "cn.csv", "地区,行业,就业\n全国,合计,1000\n全国,制造业,300\n北京,合计,100\n北京,制造业,10\n上海,合计,200\n上海,制造业,90\n")
    res = cli("run", src, "--region-col", "地区", "--industry-col", "行业", "--value-col", "就业",
              "--reference-region", "全国", "--total-industry", "合计", "--out", tmp_path / "o", "-q")
    assert res.exit_code == 0, res.output
    ind = pl.read_parquet(tmp_path / "o" / "indicators.parquet").sort("region")
    assert ind["region"].to_list() == ["上海", "北京"]
    assert ind["lq"].to_list() == pytest.approx([(90 / 200) / 0.3, (10 / 100) / 0.3])


@pytest.mark.parametrize(
    "content,args,code,fragments",
    [
        (LONG, ["--region-col", "regoin", "--industry-col", "industry", "--value-col", "emp"], 2,
         ["'regoin'", "available columns: region, industry, year, emp, output", "did you mean 'region'"]),
        (LONG.replace("01,31-33,2021,33", "01,31-33,2021,3x3"), LONG_ARGS, 3,
         ["in.csv:7", "column 'emp'", "'3x3'", "non_numeric"]),
        (LONG.replace("02,0161,2021,21", "02,0161,2021,-21"), LONG_ARGS, 3, ["negative", "in.csv:8"]),
        (LONG + "01,0161,2020,11,5\n", LONG_ARGS, 3, ["duplicate", "01 × 0161 × 2020"]),
        (LONG, LONG_ARGS + ["--reference-region", "99"], 2, ["--reference-region '99'", "closest values in the input: '01'"]),
        (LONG, LONG_ARGS + ["--total-industry", "000"], 2, ["--total-industry '000'"]),
        ("", LONG_ARGS, 3, ["empty"]),
        ("region,industry,year,emp\n", LONG_ARGS, 3, ["no data rows"]),
        (LONG.replace("01,0161,2020", "01,inf_x,2020").replace("10,5", "inf,5", 1), LONG_ARGS, 3, ["non_finite"]),
        ("region,industry,emp\nA,270000,5\nA,271000,3\nB,270000,5\nB,271000,1\n",
         ["--region-col", "region", "--industry-col", "industry", "--value-col", "emp"], 2,
         ["'270000' contains '271000'", "--total-industry"]),
        ("region,industry,emp\nA,000000,5\nA,11,3\nB,000000,5\nB,11,1\n",
         ["--region-col", "region", "--industry-col", "industry", "--value-col", "emp"], 2,
         ["all-industry code", "--total-industry '000000'"]),
    ],
    ids=["missing-column", "non-numeric", "negative", "duplicate", "unknown-reference", "unknown-total",
         "empty", "header-only", "non-finite", "nested-codes", "total-code-without-option"],
)
def test_errors_exit_codes_and_nothing_written(tmp_path, cli, content, args, code, fragments):
    src = write(tmp_path, "in.csv", content)
    out = tmp_path / "out"
    res = cli("run", src, *args, "--out", out)
    assert res.exit_code == code, res.output
    text = res.output
    for frag in fragments:
        assert frag in text, (frag, text)
    assert "Traceback" not in text
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_failed_run_leaves_previous_output_untouched(tmp_path, cli):
    src = write(tmp_path, "in.csv", LONG)
    out = tmp_path / "out"
    assert cli("run", src, *LONG_ARGS, "--out", out, "-q").exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    bad = write(tmp_path, "bad.csv", LONG.replace("10,5", "ten,5"))
    assert cli("run", bad, *LONG_ARGS, "--out", out).exit_code == 3
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_refuses_to_replace_a_foreign_directory(tmp_path, cli):
    src = write(tmp_path, "in.csv", LONG)
    foreign = tmp_path / "docs"
    foreign.mkdir()
    (foreign / "thesis.docx").write_text("precious")
    res = cli("run", src, *LONG_ARGS, "--out", foreign)
    assert res.exit_code == 2 and "refusing" in res.output
    assert (foreign / "thesis.docx").read_text() == "precious"


def test_gbk_long_table_and_missing_markers(tmp_path, cli):
    text = "地区,行业,年份,就业\n北京,制造业,2020年,100\n北京,金融业,2020年,—\n上海,制造业,2020年,\"1,200\"\n上海,金融业,2020年,50\n"
    src = write(tmp_path, "gbk.csv", text, encoding="gbk")
    res = cli("run", src, "--region-col", "地区", "--industry-col", "行业", "--year-col", "年份", "--value-col", "就业",
              "--out", tmp_path / "o", "-q")
    assert res.exit_code == 0, res.output
    tidy = pl.read_parquet(tmp_path / "o" / "tidy.parquet")
    assert tidy.filter(pl.col("industry") == "金融业").sort("region")["value"].to_list() == [50.0, None]
    assert tidy.filter((pl.col("region") == "上海") & (pl.col("industry") == "制造业"))["value"].item() == 1200.0
    assert tidy["year"].unique().to_list() == [2020]
    m = json.loads((tmp_path / "o" / "manifest.json").read_text(encoding="utf-8"))
    assert m["read"][0]["encoding"] == "gb18030" and m["read"][0]["thousands_separators"] == 1


def test_sum_of_others_warning(tmp_path, cli):
    src = write(tmp_path, "in.csv", "region,industry,emp\nA,x,1\nA,y,3\nB,x,2\nB,y,2\nC,x,4\nC,y,2\nALL,x,7\nALL,y,7\n")
    res = cli("run", src, "--region-col", "region", "--industry-col", "industry", "--value-col", "emp",
              "--out", tmp_path / "o")
    assert res.exit_code == 0
    assert "'ALL' looks like the sum of the other regions" in res.output


def test_help_teaches_and_stays_import_light():
    """--help needs no heavy library (its speed is measured in the benchmark, not here)."""
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "lqcalc", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "Exit codes" in r.stdout and "run" in r.stdout
    probe = ("import sys, lqcalc.cli; print(sorted(m for m in ('polars', 'great_expectations', 'pandas', "
             "'duckdb', 'matplotlib', 'pyarrow') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert r.stdout.strip() == "[]", r.stdout + r.stderr


def test_province_codes_are_not_nested(tmp_path, cli):
    """Chongqing 500000 does not contain Sichuan 510000: 31 provinces are summed as the reference."""
    src = FIXTURES / "io" / "renjiyi_urban_unit_employment_gbk.csv"
    res = cli("run", src, "--out", tmp_path / "o", "-q")
    assert res.exit_code == 0, res.output
    tidy = pl.read_parquet(tmp_path / "o" / "tidy.parquet")
    assert {"500000", "510000"} <= set(tidy["region"])


def test_no_gx_finds_exactly_what_the_gx_suite_finds(cli):
    """--no-gx skips the Great Expectations engine, not a rule: same problems, same counts."""
    import json as _json

    src = Path(__file__).resolve().parents[1] / "data" / "samples" / "invalid" / "employment_with_errors.csv"
    args = ["validate", src, "--reference-region", "全国", "--total-industry", "合计", "--json"]
    with_gx, without = cli(*args), cli(*args, "--no-gx")
    assert with_gx.exit_code == without.exit_code == 3
    a, b = _json.loads(with_gx.stdout), _json.loads(without.stdout)
    assert a["problems"] == b["problems"] and a["rules"] == b["rules"] and a["errors"] == b["errors"] > 0
    assert [(s["rule"], s["unexpected_count"]) for s in a["expectations"]] == \
        [(s["rule"], s["unexpected_count"]) for s in b["expectations"]]
    assert b["settings"]["gx_version"].startswith("not run")
