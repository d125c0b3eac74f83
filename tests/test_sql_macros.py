"""The DuckDB macros: published values, NULL (never inf/NaN) on a zero base, and agreement
with the polars expressions of lqcalc.metrics on random samples (relative tolerance 1e-9)."""

from __future__ import annotations

import math
import random

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lqcalc.metrics import concentration as mc
from lqcalc.metrics import growth as mg
from lqcalc.metrics import lq as mlq
from lqcalc.metrics import shares as msh
from lqcalc.metrics import shiftshare as mss
from lqcalc.metrics import specialization as msp
from lqcalc.output.duckdb_db import connect, load_macros, sql_objects

REL = 1e-9


@pytest.fixture(scope="module")
def con():
    c = connect()
    load_macros(c)
    yield c
    c.close()


def one(con, sql: str):
    return con.sql(sql).fetchall()[0][0]


def close(a, b, rel=REL) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) and math.isnan(a) or isinstance(b, float) and math.isnan(b):
        return False
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-12)


def scalar(df: pl.DataFrame) -> pl.DataFrame:
    """Aggregations that come back as one-element lists (polars 2 group_by) as plain values."""
    return df.with_columns(pl.col(c).list.first() for c, t in df.schema.items() if isinstance(t, pl.List))


def assert_columns_agree(df: pl.DataFrame, pairs: list[tuple[str, str]]) -> None:
    df = scalar(df)
    for left, right in pairs:
        bad = [(i, a, b) for i, (a, b) in enumerate(zip(df[left].to_list(), df[right].to_list())) if not close(a, b)]
        assert not bad, f"{left} vs {right} differ in {len(bad)} rows, first: {bad[:3]}"


# ------------------------------------------------------------------ published values

def test_lq_reat_textbook_example(con):
    # REAT documentation (Farhauer & Kroell 2013): LQ(1714, 79006, 879213, 15593224) = 0.3847623
    assert round(one(con, "select lq(1714, 79006, 879213, 15593224)"), 7) == 0.3847623


def test_hhi_and_normalized_hhi_reat_example(con):
    # REAT (Doersam 2004): shares 20, 50, 20, 10 -> HHI 0.34, normalized 0.12, equivalent number 2.94
    h = one(con, "select hhi(share(x, 100)) from (values (20), (50), (20), (10)) v(x)")
    assert round(h, 10) == 0.34
    assert round(one(con, f"select hhi_norm({h}, 4)"), 10) == 0.12
    assert round(1 / h, 2) == 2.94


def test_krugman_and_hoover_reat_example(con):
    # REAT: Krugman specialization of (20,10,70,0,0) against (0,0,0,60,40) = 2 (maximal)
    sql = ("select {f}(share(a, 100), share(b, 100)) from "
           "(values (20, 0), (10, 0), (70, 0), (0, 60), (0, 40)) v(a, b)")
    assert one(con, sql.format(f="krugman")) == 2.0
    assert one(con, sql.format(f="hoover")) == 1.0


@pytest.mark.parametrize("part, whole, pct", [(150, 367, 40.9), (54, 115, 47.0), (145, 404, 35.9), (57, 121, 47.1),
                                              (11.9, 541.5, 2.2)])
def test_share_published(con, part, whole, pct):
    # paper 004 note 28 (export firms, projects) and paper 000 (creative industries 2.2% of GDP)
    assert round(100 * one(con, f"select share({part}, {whole})"), 1) == pct


@pytest.mark.parametrize("x0, x1, years, pct", [(4.59, 7.23, 4, 12.0), (51, 650, 19, 14.3), (160, 20000, 4, 234.4),
                                                (20000, 25400, 4, 6.2)])
def test_cagr_published(con, x0, x1, years, pct):
    # paper 004: digital trade 2020-2024, Tongji circle 2005-2024, MCN firms 2015-2019-2023
    assert round(100 * one(con, f"select cagr({x0}, {x1}, {years})"), 1) == pct


def test_growth_published(con):
    # paper 002: Japan's S&T budget 3.60 -> 4.47 trillion yen, 2010 -> 2022: +24.17%
    assert round(100 * one(con, "select growth(3.60, 4.47)"), 2) == 24.17


def test_required_cagr_and_interval_examples(con):
    assert round(one(con, "select required_cagr(500, 1000, 2)"), 4) == 0.4142
    assert round(one(con, "select lq_ci_low(100, 1000, 1000, 100000)"), 4) == 8.3747
    assert round(one(con, "select lq_ci_high(100, 1000, 1000, 100000)"), 4) == 11.9408
    assert one(con, "select lq_excl_own(20, 100, 40, 300)") == 2.0
    assert one(con, "select em_homothetic(200, 50, 1000)") == 10.0
    # Ellison-Glaeser: shares (.9, .1) against (.5, .5), plant HHI 0.1 -> 0.6
    assert round(one(con, "select eg_gamma(sum((s - x) * (s - x)), sum(x * x), 0.1) "
                          "from (values (0.9, 0.5), (0.1, 0.5)) v(s, x)"), 6) == 0.6
    assert one(con, "select eg_gamma(0.3, 0.5, 1.0)") is None


# ------------------------------------------------------------------ zero bases give NULL

ZERO_CALLS = [
    "share(1, 0)", "lq(1, 0, 1, 1)", "lq(1, 1, 0, 1)", "lq(1, 1, 1, 0)", "lq_excl_own(1, 1, 1, 5)",
    "lq_excl_own(1, 0, 2, 0)", "slq(-1)", "lq_ln_var(0, 1, 1, 1)", "lq_ci_low(0, 10, 10, 100)",
    "lq_ci_high(1, 0, 10, 100)", "lq_ci_low(1.5, 10, 10, 100)", "growth(0, 5)", "cagr(0, 5, 3)",
    "cagr(5, 6, 0)", "required_cagr(0, 10, 5)", "em_homothetic(1, 1, 0)", "em_competitive(1, 1, 0, 0.1, 0.2)",
    "em_allocation(1, 1, 1, 0, 0.1, 0.2)", "hhi_norm(1, 1)", "lq(null, 1, 1, 1)", "share(null, 3)",
]


@pytest.mark.parametrize("call", ZERO_CALLS)
def test_zero_or_missing_base_gives_null_not_inf(con, call):
    assert one(con, f"select {call}") is None


def test_aggregates_of_empty_or_zero_groups_are_not_inf(con):
    row = con.sql("select hhi(share(x, 0)), entropy(share(x, 0)), krugman(share(x, 0), share(x, 0)) "
                  "from (values (1.0), (2.0)) v(x)").fetchall()[0]
    assert row == (None, 0.0, None) or all(v is None or math.isfinite(v) for v in row)
    assert one(con, "select entropy(p) from (values (0.0), (1.0)) v(p)") == 0.0


def test_every_sql_file_has_a_header_with_arguments_formula_and_citation():
    for folder in ("macros", "aggregates", "table_macros", "views", "parquet"):
        for obj in sql_objects(folder):
            head = obj.description.lower()
            assert head.startswith(obj.name + ":"), obj.name
            for word in ("arguments:", "formula:", "citation:"):
                assert word in head, f"{folder}/{obj.name}.sql lacks {word}"
            assert obj.text.lower().count("create or replace") == 1, f"{obj.name}: one object per file"


# ------------------------------------------------------------------ agreement with polars

def random_cells(seed: int, n: int = 400) -> pl.DataFrame:
    rng = random.Random(seed)

    def val(hi: float) -> float | None:
        r = rng.random()
        if r < 0.04:
            return None
        if r < 0.10:
            return 0.0
        return float(rng.randint(1, int(hi))) if rng.random() < 0.7 else rng.uniform(0.5, hi)

    rows = []
    for _ in range(n):
        x = val(500)
        rt = val(5000)
        rv = val(20000)
        rest = val(10**6)
        rows.append({"x": x, "reg_tot": None if rt is None or x is None else rt + x,
                     "ref_val": None if rv is None or x is None else rv + x,
                     "ref_tot": None if rest is None or rt is None or rv is None else rest + rt + rv + (x or 0),
                     "x0": val(800), "x1": val(900), "years": rng.choice([1, 3, 4, 0, 19]),
                     "g_ref_i": rng.uniform(-0.5, 1.0), "g_ref": rng.uniform(-0.3, 0.6),
                     "scale": rng.choice([1.0, 1.0, 10000.0])})
    return pl.DataFrame(rows, schema={"x": pl.Float64, "reg_tot": pl.Float64, "ref_val": pl.Float64, "ref_tot": pl.Float64,
                                      "x0": pl.Float64, "x1": pl.Float64, "years": pl.Int64, "g_ref_i": pl.Float64,
                                      "g_ref": pl.Float64, "scale": pl.Float64})


@pytest.mark.parametrize("seed", range(5))
def test_scalar_macros_agree_with_polars_metrics(con, seed):
    df = random_cells(seed)
    polars_side = df.with_columns(
        mlq.lq("x", "reg_tot", "ref_val", "ref_tot").alias("p_lq"),
        mlq.slq(mlq.lq("x", "reg_tot", "ref_val", "ref_tot")).alias("p_slq"),
        mlq.lq_excl_own("x", "reg_tot", "ref_val", "ref_tot").alias("p_excl"),
        mlq.lq_log_variance("x", "reg_tot", "ref_val", "ref_tot").alias("p_var"),
        mlq.lq_ci_low("x", "reg_tot", "ref_val", "ref_tot", scale=pl.col("scale")).alias("p_ci_low"),
        mlq.lq_ci_high("x", "reg_tot", "ref_val", "ref_tot", scale=pl.col("scale")).alias("p_ci_high"),
        msh.share_of_region("x", "reg_tot").alias("p_share_r"),
        msh.share_of_reference("x", "ref_val").alias("p_share_ref"),
        mg.change("x0", "x1").alias("p_change"),
        mg.growth("x0", "x1").alias("p_growth"),
        mg.cagr("x0", "x1", "years").alias("p_cagr"),
        mg.required_cagr("x0", "x1", "years").alias("p_req"),
        mss.national_share("x0", "g_ref").alias("p_ns"),
        mss.industry_mix("x0", "g_ref_i", "g_ref").alias("p_im"),
        mss.regional_shift("x0", "x1", "g_ref_i").alias("p_rs"),
        mss.homothetic("reg_tot", "ref_val", "ref_tot").alias("p_hom"),
        mss.em_competitive("x0", "x1", "reg_tot", "ref_val", "ref_tot", "g_ref_i").alias("p_emc"),
        mss.em_allocation("x0", "x1", "reg_tot", "ref_val", "ref_tot", "g_ref_i").alias("p_ema"),
        mc.eg_gamma_from("g_ref_i", "g_ref", pl.col("x0") / 1000).alias("p_eg"),
    )
    con.register("cells", polars_side)
    both = con.sql("""
        select *,
            lq(x, reg_tot, ref_val, ref_tot) as s_lq,
            slq(lq(x, reg_tot, ref_val, ref_tot)) as s_slq,
            lq_excl_own(x, reg_tot, ref_val, ref_tot) as s_excl,
            lq_ln_var(x, reg_tot, ref_val, ref_tot) as s_var,
            lq_ci_low(x, reg_tot, ref_val, ref_tot, scale := scale) as s_ci_low,
            lq_ci_high(x, reg_tot, ref_val, ref_tot, scale := scale) as s_ci_high,
            share(x, reg_tot) as s_share_r,
            share(x, ref_val) as s_share_ref,
            change(x0, x1) as s_change,
            growth(x0, x1) as s_growth,
            cagr(x0, x1, years) as s_cagr,
            required_cagr(x0, x1, years) as s_req,
            ss_national_share(x0, g_ref) as s_ns,
            ss_industry_mix(x0, g_ref_i, g_ref) as s_im,
            ss_regional_shift(x0, x1, g_ref_i) as s_rs,
            em_homothetic(reg_tot, ref_val, ref_tot) as s_hom,
            em_competitive(reg_tot, ref_val, ref_tot, growth(x0, x1), g_ref_i) as s_emc,
            em_allocation(x0, reg_tot, ref_val, ref_tot, growth(x0, x1), g_ref_i) as s_ema,
            eg_gamma(g_ref_i, g_ref, x0 / 1000) as s_eg
        from cells
    """).pl()
    con.unregister("cells")
    names = ["lq", "slq", "excl", "var", "ci_low", "ci_high", "share_r", "share_ref", "change", "growth", "cagr", "req",
             "ns", "im", "rs", "hom", "emc", "ema", "eg"]
    assert both["p_lq"].null_count() < both.height  # the sample has real values
    assert_columns_agree(both, [(f"p_{n}", f"s_{n}") for n in names])


def random_table(seed: int, n_regions: int = 7, n_industries: int = 5, years=(2015, 2018)) -> pl.DataFrame:
    rng = random.Random(seed)
    rows = []
    for y in years:
        for r in range(n_regions):
            for i in range(n_industries):
                u = rng.random()
                if u < 0.05:
                    continue  # cell absent
                v = None if u < 0.08 else 0.0 if u < 0.12 else float(rng.randint(1, 5000))
                rows.append({"region": f"R{r:02d}", "industry": f"I{i}", "year": y, "measure": "jobs", "value": v})
    return pl.DataFrame(rows, schema={"region": pl.String, "industry": pl.String, "year": pl.Int32,
                                      "measure": pl.String, "value": pl.Float64})


@pytest.mark.parametrize("seed", range(4))
def test_table_macros_agree_with_polars_group_indices(con, seed):
    t = random_table(seed)
    con.register("t", t)
    keys_r = ["region", "year", "measure"]
    keys_i = ["industry", "year", "measure"]
    ref = t.with_columns(pl.col("value").sum().over(["industry", "year", "measure"]).alias("reference_value"),
                         pl.col("value").sum().over(keys_r).alias("region_total"))
    p_reg = ref.group_by(keys_r).agg(
        mc.hhi("value").alias("p_hhi"), mc.hhi_norm("value").alias("p_hhi_norm"),
        msp.entropy("value").alias("p_entropy"),
        msp.krugman_spec("value", "reference_value").alias("p_krugman"),
        msp.hoover_spec("value", "reference_value").alias("p_hoover"),
    )
    s_reg = con.sql("select * from region_indices('t')").pl().with_columns(pl.col("year").cast(pl.Int32))
    reg = p_reg.join(s_reg, on=keys_r, how="full", coalesce=True)
    assert reg.height == p_reg.height == s_reg.height
    assert_columns_agree(reg, [("p_hhi", "hhi"), ("p_hhi_norm", "hhi_norm"), ("p_entropy", "entropy"),
                               ("p_krugman", "krugman_spec"), ("p_hoover", "hoover_spec")])
    p_ind = ref.group_by(keys_i).agg(
        mc.hhi("value").alias("p_hhi"), mc.hhi_norm("value").alias("p_hhi_norm"),
        mc.hoover_index("value", "region_total").alias("p_hoover"),
        mc.krugman_index("value", "region_total").alias("p_krugman"),
        mc.gini_loc("value", "region_total").alias("p_gini"),
        mc.top_share("value", 4).alias("p_cr4"),
    )
    s_ind = con.sql("select * from industry_indices('t')").pl().with_columns(pl.col("year").cast(pl.Int32))
    ind = p_ind.join(s_ind, on=keys_i, how="full", coalesce=True)
    assert ind.height == p_ind.height == s_ind.height
    assert_columns_agree(ind, [("p_hhi", "hhi"), ("p_hhi_norm", "hhi_norm"), ("p_hoover", "hoover_loc"),
                               ("p_krugman", "krugman_conc"), ("p_gini", "gini_loc"), ("p_cr4", "cr4")])
    con.unregister("t")


@pytest.mark.parametrize("seed", range(3))
def test_lq_table_and_shift_share_agree_with_polars(con, seed):
    t = random_table(seed)
    con.register("t", t)
    base = t.with_columns(
        pl.col("value").sum().over(["region", "year", "measure"]).alias("region_total"),
        pl.col("value").sum().over(["industry", "year", "measure"]).alias("reference_value"),
        pl.col("value").sum().over(["year", "measure"]).alias("reference_total"),
    ).with_columns(mlq.lq("value", "region_total", "reference_value", "reference_total").alias("p_lq"))
    s = con.sql("select region, industry, cast(year as integer) as year, lq from lq_table('t')").pl()
    j = base.join(s, on=["region", "industry", "year"])
    assert j.height == t.height
    assert_columns_agree(j, [("p_lq", "lq")])

    b0 = base.filter(pl.col("year") == 2015)
    b1 = base.filter(pl.col("year") == 2018)
    pair = b0.join(b1, on=["region", "industry", "measure"], suffix="_1")
    pair = pair.with_columns(
        mg.growth("reference_value", "reference_value_1").alias("g_ref_i"),
        mg.growth("reference_total", "reference_total_1").alias("g_ref"),
    ).with_columns(
        mss.national_share("value", "g_ref").alias("p_ns"),
        mss.industry_mix("value", "g_ref_i", "g_ref").alias("p_im"),
        mss.regional_shift("value", "value_1", "g_ref_i").alias("p_rs"),
        mss.em_competitive("value", "value_1", "region_total", "reference_value", "reference_total", "g_ref_i").alias("p_emc"),
        mss.em_allocation("value", "value_1", "region_total", "reference_value", "reference_total", "g_ref_i").alias("p_ema"),
        mg.cagr("value", "value_1", 3).alias("p_cagr"),
    )
    ss = con.sql("select * from shift_share('t', 2015, 2018)").pl()
    j = pair.join(ss, on=["region", "industry", "measure"])
    assert j.height == pair.height == ss.height
    assert_columns_agree(j, [("p_ns", "national_share"), ("p_im", "industry_mix"), ("p_rs", "regional_shift"),
                             ("p_emc", "em_competitive"), ("p_ema", "em_allocation"), ("p_cagr", "cagr")])
    con.unregister("t")


finite = st.one_of(st.just(0.0), st.floats(min_value=0.01, max_value=1e7))


@settings(max_examples=60, deadline=None)
@given(x0=finite, x1=finite, g_ref_i=st.floats(-0.9, 5), g_ref=st.floats(-0.9, 5),
       x0_r=st.floats(1, 1e8), x0_ref_i=st.floats(1, 1e8), x0_ref=st.floats(1, 1e9))
def test_shift_share_components_add_up(x0, x1, g_ref_i, g_ref, x0_r, x0_ref_i, x0_ref):
    con = _shared_con()
    ns, im, rs, emc, ema = con.execute(
        "select ss_national_share($1, $4), ss_industry_mix($1, $3, $4), ss_regional_shift($1, $2, $3), "
        "em_competitive($5, $6, $7, growth($1, $2), $3), em_allocation($1, $5, $6, $7, growth($1, $2), $3)",
        [x0, x1, g_ref_i, g_ref, x0_r, x0_ref_i, x0_ref]).fetchall()[0]
    scale = max(abs(x0), abs(x1), abs(x0 * g_ref_i), abs(x0 * g_ref), 1.0)
    assert abs((ns + im + rs) - (x1 - x0)) <= 1e-9 * scale
    if x0 > 0:
        assert abs((emc + ema) - rs) <= 1e-7 * max(scale, abs(emc), abs(ema))
    else:
        assert emc is None and ema is None


_CON = None


def _shared_con():
    global _CON
    if _CON is None:
        _CON = connect()
        load_macros(_CON)
    return _CON


@pytest.mark.parametrize("seed", range(3))
def test_variety_table_macro_agrees_with_polars_terms(con, seed):
    rng = random.Random(seed)
    codes = [f"{d:02d}{k:02d}" for d in (1, 5, 10, 62) for k in range(1, 1 + rng.randint(1, 4))]
    rows = [{"region": f"R{r}", "industry": c, "year": 2020, "measure": "jobs",
             "value": None if rng.random() < 0.05 else float(rng.choice([0, rng.randint(1, 900)]))}
            for r in range(6) for c in codes]
    t = pl.DataFrame(rows, schema={"region": pl.String, "industry": pl.String, "year": pl.Int32,
                                   "measure": pl.String, "value": pl.Float64})
    keys = ["region", "year", "measure"]
    p_side = (
        t.with_columns(pl.col("industry").str.slice(0, 2).alias("g"))
        .with_columns(msp.shares("value").over(keys).alias("p"),
                      msp.group_share("value", "g", keys).alias("P"))
        .group_by(keys).agg((-msp.unrelated_variety_term("p", "P").sum()).alias("p_uv"),
                            (-msp.related_variety_term("p", "P").sum()).alias("p_rv"),
                            msp.entropy("value").alias("p_entropy"))
    )
    con.register("t", t)
    s_side = con.sql("select * from variety('t')").pl().with_columns(pl.col("year").cast(pl.Int32))
    con.unregister("t")
    j = p_side.join(s_side, on=keys)
    assert j.height == p_side.height == 6
    assert_columns_agree(j, [("p_uv", "unrelated_variety"), ("p_rv", "related_variety")])
    # unrelated + related variety = entropy (Frenken et al. 2007)
    assert ((j["unrelated_variety"] + j["related_variety"] - j["p_entropy"]).abs() < 1e-9).all()


def test_variety_is_null_when_a_code_has_no_group(con):
    t = pl.DataFrame({"region": ["a", "a"], "industry": ["0111", "A"], "year": [1, 1], "measure": ["m", "m"],
                      "value": [1.0, 2.0]})
    con.register("t", t)
    assert con.sql("select unrelated_variety, related_variety from variety('t')").fetchall() == [(None, None)]
    con.unregister("t")
