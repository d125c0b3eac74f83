"""The shipped examples.sql answers its questions correctly on real and Chinese runs."""

from __future__ import annotations

import polars as pl
import pytest

from lqcalc.output.duckdb_db import connect, example_queries, write_database
from lqcalc.output.summary import growth_by_region
from test_output_data import cached_run


@pytest.fixture(scope="module")
def bres(tmp_path_factory):
    _, tables = cached_run("bres")
    out = tmp_path_factory.mktemp("examples-bres")
    write_database(out, tables)
    con = connect(out / "lqcalc.duckdb", read_only=True)
    yield con, tables
    con.close()


@pytest.fixture(scope="module")
def chinese(tmp_path_factory):
    _, tables = cached_run("chinese")
    out = tmp_path_factory.mktemp("examples-cn")
    write_database(out, tables)
    con = connect(out / "lqcalc.duckdb", read_only=True)
    yield con, tables
    con.close()


def example(n: int) -> str:
    return example_queries()[n - 1][1]


def test_examples_are_numbered_and_follow_the_cte_style():
    ex = example_queries()
    assert [t.split(".")[0] for t, _ in ex] == [str(i) for i in range(1, len(ex) + 1)]
    assert len(ex) >= 5
    for title, q in ex:
        assert q.rstrip().endswith("select * from final"), title


@pytest.mark.parametrize("n", range(1, 7))
def test_every_example_runs_on_both_runs(bres, chinese, n):
    for con, _ in (bres, chinese):
        df = con.sql(example(n)).pl()
        assert df.width > 0


def test_strongest_clusters_match_polars(bres):
    con, tables = bres
    got = con.sql(example(1)).pl()
    ind = tables["indicators"]
    last = ind.filter((pl.col("year") == ind["year"].max()) & pl.col("lq").is_not_null() & (pl.col("value") >= 100))
    want = last.group_by("industry").agg(pl.col("region").sort_by("lq", descending=True).first().alias("top"))
    top = got.filter(pl.col("rank_in_industry") == 1).select("industry", pl.col("region").alias("top"))
    assert top.sort("industry").equals(want.sort("industry"))
    assert got.group_by("industry").len()["len"].max() == 5


def test_specialized_and_growing_regions_match_polars(bres):
    con, tables = bres
    got = con.sql(example(2)).pl()
    ind, g = tables["indicators"], tables["growth"]
    want = ind.filter(pl.col("lq") >= 2).join(
        g.filter(pl.col("relative_growth") > 0), left_on=["region", "industry", "measure", "year"],
        right_on=["region", "industry", "measure", "end_year"])
    assert got.height == want.height > 0
    assert (got["lq"] >= 2).all() and (got["relative_growth"] > 0).all()


def test_lq_over_time_of_a_chosen_region(bres):
    con, tables = bres
    con.execute("set variable region = 'UKI3'")
    try:
        got = con.sql(example(3)).pl()
    finally:
        con.execute("reset variable region")
    assert set(got["region"]) == {"UKI3"}
    assert sorted(got["year"].unique()) == [2015, 2016, 2017, 2018]
    ind = tables["indicators"].filter(pl.col("region") == "UKI3")
    assert got.height == ind.filter(pl.col("lq").is_not_null()).height


def test_districts_against_their_city(chinese):
    con, tables = chinese
    got = con.sql(example(4)).pl()
    # 南山区 (440305) sits under 深圳市 (440300); its LQ against the city is LQ / city LQ
    row = got.filter((pl.col("region") == "440305") & (pl.col("industry") == "I") & (pl.col("year") == 2022))
    assert row.height == 1
    assert row["parent"][0] == "440300" and row["parent_name"][0] == "深圳市"
    r = row.row(0, named=True)
    assert r["lq_against_parent"] == pytest.approx(r["lq"] / r["parent_lq"], rel=2e-3)
    assert {"440100", "440300", "440000", "310000"} <= set(got["parent"])


def test_shift_share_by_region_matches_the_summary(bres):
    con, tables = bres
    got = con.sql(example(5)).pl()
    gbr = growth_by_region(tables)
    j = got.join(gbr, on=["region", "measure"], suffix="_summary")
    assert j.height == gbr.height == 10
    for c in ("national_share", "industry_mix", "regional_shift", "change"):
        assert (j[c] - j[f"{c}_summary"]).abs().max() < 1e-6 * max(1.0, j[c].abs().max())
