"""Units read per row (unit columns, --unit-col, run.toml) and their exact conversion."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from lqcalc.units import parse_unit, scale_expr

VAL = Path(__file__).parent / "fixtures" / "validation"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False), min_size=1, max_size=50),
       st.sampled_from(["万人", "亿元", "万元", "千美元", "万亿元", "人"]))
def test_scaling_is_the_exact_decimal_product(values, unit):
    u = parse_unit(unit)
    got = pl.DataFrame({"v": values}).select(scale_expr(pl.col("v"), u.factor))["v"].to_list()
    assert got == [float(Decimal(repr(v)) * u.factor) for v in values]


def test_unit_column_set_in_run_toml(cli, tmp_path):
    src = tmp_path / "emp.csv"
    text = (VAL / "units_mixed_wanren_ren.csv").read_text(encoding="utf-8").replace(",unit\n", ",口径单位\n", 1)
    src.write_text(text, encoding="utf-8")
    (tmp_path / "run.toml").write_text(
        'inputs = ["emp.csv"]\nout = "out"\n[read]\nvalue_cols = ["emp"]\nunit_col = "口径单位"\n'
        '[run]\nreference_region = "全国"\ntotal_industry = "合计"\ncharts = false\n', encoding="utf-8")
    r = cli("run", "--config", tmp_path / "run.toml", "--out", tmp_path / "out")
    assert r.exit_code == 0, r.output
    tidy = pl.read_parquet(tmp_path / "out" / "tidy.parquet")
    assert tidy.filter(pl.col("region") == "上海", pl.col("industry") == "金融业")["value"].to_list() == [371500.0]
    assert set(tidy["unit"]) == {"persons"}


def test_rates_and_region_set_in_run_toml(cli, tmp_path):
    (tmp_path / "run.toml").write_text(
        f'inputs = ["{VAL / "net_jobs.csv"}"]\n[read]\nvalue_cols = ["net_jobs"]\nrates = ["net_jobs"]\n',
        encoding="utf-8")
    r = cli("validate", "--config", tmp_path / "run.toml", "--no-gx")
    assert r.exit_code == 0, r.output
    one = tmp_path / "one.toml"
    one.write_text(f'inputs = ["{VAL / "portal_one_region_no_region_line.csv"}"]\nregion = "北京市"\n', encoding="utf-8")
    r = cli("import", "--config", one, "--out", tmp_path / "t.parquet")
    assert r.exit_code == 0, r.output
    assert set(pl.read_parquet(tmp_path / "t.parquet")["region"]) == {"110000"}


def test_unit_column_given_that_does_not_exist(cli):
    r = cli("validate", VAL / "units_mixed_wanren_ren.csv", "--value-col", "emp", "--unit-col", "units_")
    assert r.exit_code == 2 and "--unit-col" in r.output and "did you mean 'unit'" in r.output
