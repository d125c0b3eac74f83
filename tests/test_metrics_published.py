"""Indicators against published values: REAT textbook examples, BLS's QCEW LQs, NBS's
composition tables and every figure quoted in the source papers (indicators.md)."""

from __future__ import annotations

import math

import polars as pl
import pytest

from conftest import FIXTURES, SHARED
from lqcalc.config import RunConfig
from lqcalc.builder import build_tables
from lqcalc.metrics import concentration as conc
from lqcalc.metrics import growth as gr
from lqcalc.metrics import lq as lqm
from lqcalc.metrics import shares as sh
from lqcalc.metrics import specialization as sp
from lqcalc.schema import conform
from lqcalc.totals import attach_totals

FIX = FIXTURES / "metrics"
QCEW_SLICE = FIX / "qcew_states_sectors_slice.csv"
QCEW_FULL = SHARED / "data" / "qcew-states-sectors-1990-2016" / "qcew_states_sectors_1990_2000_2010_2016.csv"


def tables(tidy: pl.DataFrame, reference=None, total=None, **cfg) -> dict[str, pl.DataFrame]:
    base = attach_totals(conform(tidy), reference, total).base
    return build_tables(base, RunConfig(**cfg))


# --------------------------------------------------------------------------- REAT
def test_reat_lq_textbook_example():
    # REAT locq(1714, 79006, 879213, 15593224) = 0.3847623 (Farhauer & Kröll 2013)
    assert round(pl.select(lqm.lq(1714, 79006, 879213, 15593224)).item(), 7) == 0.3847623


def test_reat_lq_through_the_tables():
    # the same four numbers as a region x industry table with explicit total and reference rows
    tidy = pl.DataFrame({
        "region": ["r", "r", "R", "R"], "industry": ["i", "T", "i", "T"], "measure": "emp",
        "value": [1714.0, 79006.0, 879213.0, 15593224.0],
    })
    ind = tables(tidy, "R", "T")["indicators"]
    assert ind.height == 1
    assert round(ind["lq"][0], 7) == 0.3847623


def test_reat_hhi_normalized_and_equivalent_number():
    df = pl.DataFrame({"x": [20, 50, 20, 10]})
    out = df.select(conc.hhi("x").alias("h"), conc.hhi_norm("x").alias("n"), conc.equivalent_number("x").alias("e"))
    assert out["h"][0] == pytest.approx(0.34, abs=1e-12)
    assert out["n"][0] == pytest.approx(0.12, abs=1e-12)
    assert round(out["e"][0], 2) == 2.94


def test_reat_hhi_through_the_regions_table():
    tidy = pl.DataFrame({"region": "A", "industry": ["a", "b", "c", "d"], "measure": "emp",
                         "value": [20.0, 50.0, 20.0, 10.0]})
    reg = tables(tidy)["regions"]
    assert reg["hhi"][0] == pytest.approx(0.34)
    assert reg["hhi_norm"][0] == pytest.approx(0.12)
    assert round(reg["equivalent_number"][0], 2) == 2.94


def test_reat_krugman_specialization():
    df = pl.DataFrame({"x": [20, 10, 70, 0, 0], "r": [0, 0, 0, 60, 40]})
    assert df.select(sp.krugman_spec("x", "r")).item() == pytest.approx(2.0)


def test_reat_krugman_through_the_regions_table():
    # region A = (20,10,70,0,0), the reference row = (0,0,0,60,40)
    ind = ["a", "b", "c", "d", "e"]
    tidy = pl.DataFrame({"region": ["A"] * 5 + ["R"] * 5, "industry": ind * 2, "measure": "emp",
                         "value": [20.0, 10, 70, 0, 0, 0, 0, 0, 60, 40]})
    reg = tables(tidy, "R")["regions"]
    assert reg.height == 1
    assert reg["krugman_spec"][0] == pytest.approx(2.0)
    assert reg["hoover_spec"][0] == pytest.approx(1.0)


# --------------------------------------------------------------------------- QCEW (BLS)
def qcew_tidy(raw: pl.DataFrame) -> pl.DataFrame:
    suppressed = pl.col("disclosure_code") == "N"
    return raw.select(
        pl.col("area_fips").alias("region"), pl.col("area_title").alias("region_name"),
        pl.col("industry_code").alias("industry"), pl.col("industry_title").alias("industry_name"),
        pl.col("year").cast(pl.Int32), (pl.lit("emplvl_own") + pl.col("own_code")).alias("measure"),
        pl.when(suppressed).then(None).otherwise(pl.col("annual_avg_emplvl").cast(pl.Float64)).alias("value"),
        pl.lit("persons").alias("unit"),
    )


def qcew_ratio_check(raw: pl.DataFrame) -> tuple[int, pl.DataFrame]:
    """Compare LQ(s,i)/LQ(s,j) with BLS's (j = the state's largest sector); return the number
    of comparisons and the failures."""
    ind = tables(qcew_tidy(raw), "US000")["indicators"]
    bls = raw.filter(pl.col("disclosure_code").is_null()).select(
        pl.col("area_fips").alias("region"), pl.col("industry_code").alias("industry"),
        pl.col("year").cast(pl.Int32), (pl.lit("emplvl_own") + pl.col("own_code")).alias("measure"),
        pl.col("lq_annual_avg_emplvl").cast(pl.Float64).alias("bls_lq"),
    )
    df = ind.join(bls, on=["region", "industry", "year", "measure"], how="inner").filter(
        pl.col("lq").is_not_null() & (pl.col("bls_lq") >= 0.05))
    grp = ["region", "year", "measure"]
    df = df.with_columns(
        pl.col("lq").sort_by("value", descending=True).first().over(grp).alias("lq_j"),
        pl.col("bls_lq").sort_by("value", descending=True).first().over(grp).alias("bls_j"),
    ).with_columns(
        (pl.col("lq") / pl.col("lq_j")).alias("ours"),
        (pl.col("bls_lq") / pl.col("bls_j")).alias("theirs"),
    ).with_columns(
        # the published LQs are rounded to 2 decimals: the ratio is known to within this bound
        (pl.col("theirs") * (0.005 / pl.col("bls_lq") + 0.005 / pl.col("bls_j")) * 1.02 + 1e-9).alias("tol"),
    )
    bad = df.filter((pl.col("ours") - pl.col("theirs")).abs() > pl.col("tol"))
    return df.height, bad


def test_qcew_lq_ratios_match_bls_slice():
    raw = pl.read_csv(QCEW_SLICE, infer_schema=False)
    n, bad = qcew_ratio_check(raw)
    assert n > 600
    assert bad.height == 0, bad.head()


@pytest.mark.skipif(not QCEW_FULL.exists(), reason="shared QCEW data not available")
def test_qcew_lq_ratios_match_bls_full_file():
    raw = pl.read_csv(QCEW_FULL, infer_schema=False)
    n, bad = qcew_ratio_check(raw)
    assert n > 7000
    assert bad.height == 0, bad.head()


# --------------------------------------------------------------------------- NBS composition
def nbs_wide(name: str) -> pl.DataFrame:
    df = pl.read_csv(FIX / name, infer_schema=False)
    first = df.columns[0]
    return df.rename({first: "year"}).with_columns(pl.col("year").str.replace("年", "").cast(pl.Int32))


def nbs_tidy(levels: pl.DataFrame, industries: list[str], total: str) -> pl.DataFrame:
    long = levels.unpivot(index="year", on=[*industries, total], variable_name="industry", value_name="value")
    return long.with_columns(
        pl.lit("CN").alias("region"), pl.lit("value_added").alias("measure"), pl.lit("亿元").alias("unit"),
        # the scraped series write "not compiled" as 0
        pl.when(pl.col("value").cast(pl.Float64) == 0).then(None).otherwise(pl.col("value").cast(pl.Float64)).alias("value"),
    )


@pytest.mark.parametrize("levels_file, comp_file, prefix, industries, total", [
    ("国民经济核算_分行业增加值.csv", "国民经济核算_分行业增加值构成.csv", "分行业增加值构成-",
     ["交通运输、仓储和邮政业增加值", "住宿和餐饮业增加值", "其他行业增加值", "农林牧渔业增加值", "工业增加值",
      "建筑业增加值", "房地产业增加值", "批发和零售业增加值", "金融业增加值"], "国内生产总值"),
    ("国民经济核算_国内生产总值.csv", "国民经济核算_三次产业构成.csv", "三次产业构成-",
     ["第一产业增加值", "第二产业增加值", "第三产业增加值"], "国内生产总值"),
])
def test_nbs_shares_match_published_composition(levels_file, comp_file, prefix, industries, total):
    levels = nbs_wide(levels_file)
    ind = tables(nbs_tidy(levels, industries, total), None, total)["indicators"]
    comp = nbs_wide(comp_file).unpivot(index="year", variable_name="industry", value_name="published").with_columns(
        pl.col("industry").str.replace(prefix, "", literal=True), pl.col("published").cast(pl.Float64))
    df = ind.join(comp, on=["industry", "year"], how="inner").filter(pl.col("published") > 0)
    assert df.height >= 37 * len(industries) - 5
    diff = (100 * df["share_of_region"] - df["published"]).abs()
    assert diff.max() <= 0.05, df.with_columns(diff=diff).sort("diff", descending=True).head()


# --------------------------------------------------------------------------- figures from the papers
def test_paper_004_note_28_shares():
    # 150 of 367 export firms; 54 of 115 projects; 145 of 404; 57 of 121
    parts = {"export_firms": (150, 367), "projects": (54, 115), "c": (145, 404), "d": (57, 121)}
    rows = []
    for ind, (part, whole) in parts.items():
        rows += [("cluster", ind, float(part)), ("rest", ind, float(whole - part))]
    tidy = pl.DataFrame(rows, schema=["region", "industry", "value"], orient="row").with_columns(measure=pl.lit("n"))
    ind = tables(tidy)["indicators"].filter(pl.col("region") == "cluster")
    got = {r["industry"]: round(100 * r["share_of_reference"], 1) for r in ind.iter_rows(named=True)}
    assert got == {"export_firms": 40.9, "projects": 47.0, "c": 35.9, "d": 47.1}


def one_series(points: dict[int, float], region="X", industry="i") -> pl.DataFrame:
    return pl.DataFrame({"region": region, "industry": industry, "measure": "m",
                         "year": list(points), "value": [float(v) for v in points.values()]})


def test_paper_004_digital_trade_cagr():
    g = tables(one_series({2020: 4.59, 2024: 7.23}))["growth"]
    row = g.filter(~pl.col("is_total_industry"))
    assert round(100 * row["cagr"][0], 1) == 12.0  # the paper prints 12.1


def test_paper_004_knowledge_economy_circle_cagr():
    g = tables(one_series({2005: 51, 2024: 650}))["growth"]
    assert round(100 * g.filter(~pl.col("is_total_industry"))["cagr"][0], 1) == 14.3


def test_paper_004_mcn_firms_dynamic_cagr():
    g = tables(one_series({2015: 160, 2019: 20000, 2023: 25400}), dynamic=True)["growth"]
    steps = g.filter((pl.col("period") == "step") & ~pl.col("is_total_industry")).sort("start_year")
    assert [round(100 * c) for c in steps["cagr"]] == [234, 6]
    assert round(100 * steps["cagr"][1], 1) == 6.2


def test_paper_002_japan_st_budget_growth():
    g = tables(one_series({2010: 3.60, 2022: 4.47}))["growth"]
    assert round(100 * g.filter(~pl.col("is_total_industry"))["growth"][0], 2) == 24.17


def test_paper_000_creative_share_of_gdp():
    tidy = pl.DataFrame({"region": "JP", "industry": ["creative", "GDP"], "measure": "value_added", "year": 2008,
                         "value": [11.9, 541.5]})
    ind = tables(tidy, None, "GDP")["indicators"]
    assert round(100 * ind["share_of_region"][0], 1) == 2.2


def test_paper_figures_as_plain_expressions():
    assert round(100 * pl.select(sh.share(145, 404)).item(), 1) == 35.9
    assert round(100 * pl.select(gr.cagr(160, 20000, 4)).item()) == 234
    assert round(100 * pl.select(gr.cagr(20000, 25400, 4)).item(), 1) == 6.2


# --------------------------------------------------------------------------- through `lqcalc run`
FIGURES_CSV = {
    "trade": ("region,industry,year,value\nW,digital_trade,2020,4.59\nW,digital_trade,2024,7.23\n", []),
    "circle": ("region,industry,year,value\nT,circle,2005,51\nT,circle,2024,650\n", []),
    "dynamic": ("region,industry,year,value\nCN,mcn,2015,160\nCN,mcn,2019,20000\nCN,mcn,2023,25400\n", ["--dynamic"]),
    "japan": ("region,industry,year,value\nJP,st_budget,2010,3.60\nJP,st_budget,2022,4.47\n", []),
    "gdp": ("region,industry,year,value\nJP,creative,2008,11.9\nJP,GDP,2008,541.5\n", ["--total-industry", "GDP"]),
    "shares": ("region,industry,value\ncluster,export_firms,150\nrest,export_firms,217\ncluster,projects,54\n"
               "rest,projects,61\ncluster,c,145\nrest,c,259\ncluster,d,57\nrest,d,64\n", []),
}


def run_cli(cli, tmp_path, key):
    text, extra = FIGURES_CSV[key]
    src = tmp_path / f"{key}.csv"
    src.write_text(text, encoding="utf-8")
    out = tmp_path / f"out_{key}"
    year = ["--year-col", "year"] if "year" in text.splitlines()[0] else []
    res = cli("run", src, "--region-col", "region", "--industry-col", "industry", *year, "--value-col", "value",
              *extra, "--no-charts", "--quiet", "--out", out)
    assert res.exit_code == 0, res.output
    return out


def test_paper_figures_through_lqcalc_run(cli, tmp_path):
    for key, expected in (("trade", 12.0), ("circle", 14.3)):
        g = pl.read_parquet(run_cli(cli, tmp_path, key) / "growth.parquet").filter(~pl.col("is_total_industry"))
        assert round(100 * g["cagr"][0], 1) == expected

    g = pl.read_parquet(run_cli(cli, tmp_path, "dynamic") / "growth.parquet")
    steps = g.filter((pl.col("period") == "step") & ~pl.col("is_total_industry")).sort("start_year")
    assert round(100 * steps["cagr"][0]) == 234 and round(100 * steps["cagr"][1], 1) == 6.2

    g = pl.read_parquet(run_cli(cli, tmp_path, "japan") / "growth.parquet").filter(~pl.col("is_total_industry"))
    assert round(100 * g["growth"][0], 2) == 24.17

    ind = pl.read_parquet(run_cli(cli, tmp_path, "gdp") / "indicators.parquet")
    assert round(100 * ind["share_of_region"][0], 1) == 2.2

    ind = pl.read_parquet(run_cli(cli, tmp_path, "shares") / "indicators.parquet").filter(pl.col("region") == "cluster")
    got = {r["industry"]: round(100 * r["share_of_reference"], 1) for r in ind.iter_rows(named=True)}
    assert got == {"export_firms": 40.9, "projects": 47.0, "c": 35.9, "d": 47.1}
    assert math.isclose(ind.filter(pl.col("industry") == "c")["share_of_reference"][0], 145 / 404)
