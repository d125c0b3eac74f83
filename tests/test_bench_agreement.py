"""The implementations of the benchmark agree: lqcalc, the pandas script, DuckDB SQL and the
plain polars script.

A benchmark of wrong code is worthless: on a tiny synthetic county table (suppressed cells,
true zeros, explicit reference and total rows, nested sector codes) the LQ, growth and the
three shift-share components of lqcalc's indicator engine must equal those of the pandas
script, of the hand-written SQL and of the polars script, cell by cell, with the same cells
missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH / "contenders"))

import agree  # noqa: E402
import duckdb_impl  # noqa: E402
import generate  # noqa: E402
import pandas_impl  # noqa: E402
import polars_impl  # noqa: E402


def write_outputs(data: Path, d: Path, ref: str | None, tot: str | None, duckdb: bool = True) -> None:
    """lqcalc's indicator and growth tables and each contender's, of ``data``, under ``d``."""
    from lqcalc.builder import build_tables
    from lqcalc.config import ReadOptions, RunConfig
    from lqcalc.io import read_inputs
    from lqcalc.totals import attach_totals

    opts = ReadOptions(region_col="region", industry_col="industry", year_col="year", value_cols=["employment"])
    tidy, _ = read_inputs([str(data)], opts)
    tables = build_tables(attach_totals(tidy, ref, tot).base, RunConfig(reference_region=ref, total_industry=tot))
    (d / "lqcalc").mkdir()
    for name in ("indicators", "growth"):
        tables[name].write_parquet(d / "lqcalc" / f"{name}.parquet")
    lq, growth = pandas_impl.compute(pandas_impl.load(data), ref, tot)
    (d / "pandas").mkdir()
    lq.to_parquet(d / "pandas" / "lq.parquet", index=False)
    growth.to_parquet(d / "pandas" / "growth.parquet", index=False)
    if duckdb:
        duckdb_impl.compute(data, d / "duckdb", ref, tot)
    polars_impl.compute(data, d / "polars", ref, tot)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("bench")
    data = d / "tiny.parquet"
    facts = generate.generate(generate.SIZES["tiny"], data)
    write_outputs(data, d, generate.REFERENCE_REGION, generate.TOTAL_INDUSTRY)
    return d, facts


def test_generator_has_suppression_zeros_and_explicit_rows(outputs):
    d, facts = outputs
    df = pl.read_parquet(d / "tiny.parquet")
    assert df.height == facts["rows"] == generate.SIZES["tiny"].rows
    assert 0 < df["employment"].null_count() < df.height * 0.2
    assert (df["employment"] == 0).sum() > 0
    # the explicit reference row is the sum of the true values, so it exceeds the shown parts
    ref = df.filter(pl.col("region") == generate.REFERENCE_REGION, pl.col("industry") == generate.TOTAL_INDUSTRY)
    parts = df.filter(pl.col("region") != generate.REFERENCE_REGION, pl.col("industry") == generate.TOTAL_INDUSTRY)
    assert ref["employment"].sum() == pytest.approx(parts["employment"].sum())
    leaves = df.filter(pl.col("region") != generate.REFERENCE_REGION, pl.col("industry").str.len_chars() == 4)
    assert leaves["employment"].sum() < parts["employment"].sum()


def test_generator_is_deterministic(tmp_path):
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    generate.generate(generate.SIZES["tiny"], a)
    generate.generate(generate.SIZES["tiny"], b)
    assert pl.read_parquet(a).equals(pl.read_parquet(b))


@pytest.mark.parametrize("contender", ["pandas", "duckdb", "polars"])
def test_lq_growth_and_shift_share_agree(outputs, contender):
    d, _ = outputs
    lq, g = agree.load_lqcalc(d / "lqcalc")
    clq, cg = agree.load_contender(d / contender)
    r_lq = agree.compare(lq, clq, ["region", "industry", "year"], ["lq"])
    columns = agree.GROWTH_COLUMNS + (["cagr"] if contender != "duckdb" else [])   # DuckDB's has no CAGR
    r_g = agree.compare(g.select(cg.columns), cg, ["region", "industry", "start_year", "end_year"], columns)
    assert r_lq["ok"], r_lq
    assert r_g["ok"], r_g
    # the comparison is not vacuous: most cells have values, some are missing in all three
    assert r_lq["lq"]["compared"] > 0.7 * r_lq["rows_a"]
    assert r_lq["lq"]["compared"] < r_lq["rows_a"]
    assert r_g["regional_shift"]["compared"] > 0.5 * r_g["rows_a"]
    if contender != "duckdb":
        assert r_g["cagr"]["compared"] > 0.5 * r_g["rows_a"]


def test_flat_table_contenders_agree(tmp_path):
    """A flat table (no reference or total rows; the default run): the denominators are sums in
    every implementation, and pandas' and polars' LQ, growth, CAGR and shift-share equal lqcalc's."""
    size = generate.Size(regions=30, leaves=40, years=3, flat=True)
    data = tmp_path / "flat.parquet"
    facts = generate.generate(size, data)
    df = pl.read_parquet(data)
    assert df.height == facts["rows"] == 30 * 40 * 3
    assert generate.REFERENCE_REGION not in df["region"] and generate.TOTAL_INDUSTRY not in df["industry"]

    write_outputs(data, tmp_path, None, None, duckdb=False)   # the SQL needs explicit reference rows
    res = agree.agree(tmp_path / "lqcalc", tmp_path / "pandas", None, polars=tmp_path / "polars")
    assert res["ok"], res
    for name in ("pandas", "polars"):
        assert res[name]["lq"]["lq"]["compared"] > 0.7 * res[name]["lq"]["rows_a"]
        assert res[name]["growth"]["cagr"]["compared"] > 0.5 * res[name]["growth"]["rows_a"]


def test_compare_catches_a_wrong_number(outputs):
    d, _ = outputs
    lq, _ = agree.load_lqcalc(d / "lqcalc")
    clq, _ = agree.load_contender(d / "pandas")
    i = clq["lq"].is_not_null().arg_true()[0]
    wrong = clq.with_columns(pl.when(pl.int_range(pl.len()) == i).then(pl.col("lq") * 1.001).otherwise(pl.col("lq")).alias("lq"))
    assert not agree.compare(lq, wrong, ["region", "industry", "year"], ["lq"])["ok"]
    missing = clq.with_columns(pl.when(pl.int_range(pl.len()) == i).then(None).otherwise(pl.col("lq")).alias("lq"))
    assert agree.compare(lq, missing, ["region", "industry", "year"], ["lq"])["lq"]["null_mismatch"] == 1
