"""Properties every indicator table must have, on generated region x industry x year data."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lqcalc.config import RunConfig
from lqcalc.builder import build_tables
from lqcalc.metrics import lq as lqm
from lqcalc.metrics import shiftshare as ss
from lqcalc.schema import conform
from lqcalc.totals import attach_totals

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# industry codes with a 2-digit group prefix (SIC-like), so related/unrelated variety is defined
INDUSTRIES = ["1011", "1012", "1020", "2011", "2012", "3000"]


@st.composite
def panels(draw, years=(2015, 2018)):
    """A closed system: n_r regions x n_i industries x the given years, integer counts >= 0,
    every region and industry with a positive total in every year."""
    n_r = draw(st.integers(2, 5))
    n_i = draw(st.integers(2, len(INDUSTRIES)))
    rows = []
    for y in years:
        mat = draw(st.lists(st.lists(st.integers(0, 5000), min_size=n_i, max_size=n_i), min_size=n_r, max_size=n_r))
        mat = [[v + (1 if (r == c % n_r) else 0) for c, v in enumerate(row)] for r, row in enumerate(mat)]
        mat = [[v if any(row) else 1 for v in row] for row in mat]
        for r, row in enumerate(mat):
            for c, v in enumerate(row):
                rows.append((f"R{r}", INDUSTRIES[c], y, float(v)))
    return pl.DataFrame(rows, schema={"region": pl.String, "industry": pl.String, "year": pl.Int32, "value": pl.Float64},
                        orient="row").with_columns(measure=pl.lit("employment"), unit=pl.lit("persons"))


def build(tidy: pl.DataFrame, **cfg) -> dict[str, pl.DataFrame]:
    return build_tables(attach_totals(conform(tidy)).base, RunConfig(**cfg))


def no_nan_or_inf(df: pl.DataFrame) -> bool:
    floats = [c for c, t in df.schema.items() if t == pl.Float64]
    if not floats or df.height == 0:
        return True
    bad = df.select(pl.any_horizontal([pl.col(c).is_nan() | pl.col(c).is_infinite() for c in floats]).any()).item()
    return not bad


@SETTINGS
@given(panels())
def test_table_invariants(tidy):
    t = build(tidy, dynamic=True)
    for name, df in t.items():
        assert no_nan_or_inf(df), name

    ind = t["indicators"]
    # closed system: LQs weighted by the regional totals average to 1 for every industry
    w = ind.group_by("industry", "year").agg(
        ((pl.col("region_total") * pl.col("lq")).sum() / pl.col("region_total").sum()).alias("avg"),
        pl.col("lq").null_count().alias("nulls"))
    for row in w.filter(pl.col("nulls") == 0).iter_rows(named=True):
        assert row["avg"] == pytest.approx(1.0, rel=1e-9)
    # ranges
    assert ind["slq"].drop_nulls().is_between(-1, 1, closed="left").all()  # -1 when LQ = 0
    assert ind["share_of_region"].drop_nulls().is_between(0, 1).all()
    assert ind["share_of_reference"].drop_nulls().is_between(0, 1).all()
    assert (ind["lq"].drop_nulls() >= 0).all()
    # every null LQ is explained
    assert ind.filter(pl.col("lq").is_null() & pl.col("null_reason").is_null()).height == 0
    ci = ind.filter(pl.col("lq_ci_low").is_not_null())
    assert ((ci["lq_ci_low"] <= ci["lq"] + 1e-12) & (ci["lq"] <= ci["lq_ci_high"] + 1e-12)).all()

    reg = t["regions"]
    n = reg["n_industries"].cast(pl.Float64)
    assert ((reg["hhi"] >= 1 / n - 1e-12) & (reg["hhi"] <= 1 + 1e-12)).all()
    assert reg["hhi_norm"].drop_nulls().is_between(-1e-12, 1 + 1e-12).all()
    assert ((reg["entropy"] >= -1e-12) & (reg["entropy"] <= n.log(2) + 1e-9)).all()
    assert reg["krugman_spec"].drop_nulls().is_between(-1e-12, 2 + 1e-12).all()
    assert reg["hoover_spec"].drop_nulls().is_between(-1e-12, 1 + 1e-12).all()
    # Frenken et al.: entropy = related + unrelated variety
    dec = reg.select((pl.col("entropy") - pl.col("related_variety") - pl.col("unrelated_variety")).abs().max()).item()
    assert dec < 1e-9

    inds = t["industries"]
    for col, hi in (("hhi", 1), ("hhi_norm", 1), ("hoover_loc", 1), ("krugman_conc", 2), ("gini_loc", 1), ("cr4", 1)):
        assert inds[col].drop_nulls().is_between(-1e-12, hi + 1e-12).all(), col

    g = t["growth"].filter(~pl.col("is_total_industry"))
    # shift-share: the three components add up to the change
    ssum = g.select((pl.col("national_share") + pl.col("industry_mix") + pl.col("regional_shift") - pl.col("change")).abs()
                    / (1 + pl.col("change").abs()))
    assert ssum.to_series().drop_nulls().max() < 1e-9
    assert g["regional_shift"].null_count() == g["change"].null_count()
    # Esteban-Marquillas: competitive + allocation = regional shift
    em = g.filter(pl.col("em_competitive").is_not_null()).select(
        (pl.col("em_competitive") + pl.col("em_allocation") - pl.col("regional_shift")).abs() / (1 + pl.col("change").abs()))
    if em.height:
        assert em.to_series().max() < 1e-9
    # region rows: leaf components summed
    tot = t["growth"].filter(pl.col("is_total_industry") & (pl.col("period") == "total"))
    assert tot.height == tidy["region"].n_unique()
    comp = tot.select((pl.col("national_share") + pl.col("industry_mix") + pl.col("regional_shift") - pl.col("change")).abs()
                      / (1 + pl.col("change").abs()))
    assert comp.to_series().drop_nulls().max() < 1e-9


SCALED = ["lq", "slq", "lq_excl_own", "share_of_region", "share_of_reference"]
REG_IDX = ["hhi", "hhi_norm", "entropy", "krugman_spec", "hoover_spec", "related_variety", "unrelated_variety"]
IND_IDX = ["hhi", "hhi_norm", "hoover_loc", "krugman_conc", "gini_loc", "cr4"]


def assert_close(a: pl.DataFrame, b: pl.DataFrame, cols: list[str]):
    for c in cols:
        x, y = a[c].to_list(), b[c].to_list()
        assert len(x) == len(y)
        for u, v in zip(x, y):
            assert (u is None) == (v is None), c
            if u is not None:
                assert u == pytest.approx(v, rel=1e-9, abs=1e-12), c


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panels(years=(2020,)), st.sampled_from([0.001, 3.7, 1e4]))
def test_scaling_leaves_lq_shares_and_indices_unchanged(tidy, c):
    a = build(tidy)
    b = build(tidy.with_columns(pl.col("value") * c))
    key = ["region", "industry", "year", "measure"]
    assert_close(a["indicators"].sort(key), b["indicators"].sort(key), SCALED)
    assert_close(a["regions"].sort("region"), b["regions"].sort("region"), REG_IDX)
    assert_close(a["industries"].sort("industry"), b["industries"].sort("industry"), IND_IDX)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panels(), st.randoms(use_true_random=False))
def test_permuting_rows_changes_nothing(tidy, rnd):
    order = list(range(tidy.height))
    rnd.shuffle(order)
    a = build(tidy, dynamic=True)
    b = build(tidy[order], dynamic=True)
    keys = {
        "indicators": ["region", "industry", "year", "measure"],
        "regions": ["region", "year", "measure"],
        "industries": ["industry", "year", "measure", "region_level"],
        "growth": ["region", "industry", "measure", "period", "start_year"],
        "clusters": ["region", "industry", "measure"],
    }
    for name, k in keys.items():
        x, y = a[name].sort(k), b[name].sort(k)
        assert x.columns == y.columns
        floats = [c for c, t in x.schema.items() if t == pl.Float64]
        assert_close(x, y, floats)
        others = [c for c in x.columns if c not in floats]
        assert x.select(others).equals(y.select(others)), name


@settings(max_examples=40, deadline=None)
@given(st.one_of(st.just(0.0), st.floats(1e-3, 1e6)), st.floats(0, 1e6), st.floats(-0.9, 3), st.floats(-0.9, 3),
       st.floats(1, 1e7), st.floats(1, 1e8), st.floats(1, 1e9))
def test_shift_share_expressions_add_up(x0, x1, g_ref, g_tot, rt0, rv0, rT0):
    rv0 = max(rv0, x0)
    parts = pl.select(
        ss.national_share(x0, g_tot).alias("ns"), ss.industry_mix(x0, g_ref, g_tot).alias("im"),
        ss.regional_shift(x0, x1, g_ref).alias("rs"),
        ss.em_competitive(x0, x1, rt0, rv0, rT0, g_ref).alias("c"),
        ss.em_allocation(x0, x1, rt0, rv0, rT0, g_ref).alias("a"),
    ).row(0, named=True)
    scale = 1 + abs(x1) + abs(x0) * (1 + abs(g_ref) + abs(g_tot))
    assert abs(parts["ns"] + parts["im"] + parts["rs"] - (x1 - x0)) <= 1e-9 * scale
    if x0 > 0:
        e_hat = rt0 * rv0 / rT0
        assert abs(parts["c"] + parts["a"] - parts["rs"]) <= 1e-9 * scale * (1 + e_hat) * (1 + x1 / x0)
    else:
        assert parts["c"] is None and parts["a"] is None


@pytest.mark.parametrize("p11, p12, p21, n", [
    (0.02, 0.08, 0.18, 5000),      # LQ = 1
    (0.005, 0.045, 0.10, 20000),   # LQ < 1
    (0.002, 0.010, 0.05, 50000),   # small cell, LQ > 3
])
def test_ci_covers_true_lq_in_about_95_percent_of_multinomial_draws(p11, p12, p21, n):
    # cells: (region r, industry i), (r, other industries), (other regions, i), rest
    rng = np.random.default_rng(20250101)
    d = rng.multinomial(n, [p11, p12, p21, 1 - p11 - p12 - p21], size=3000)
    df = pl.DataFrame({"x": d[:, 0].astype(float), "rt": (d[:, 0] + d[:, 1]).astype(float),
                       "rv": (d[:, 0] + d[:, 2]).astype(float), "rT": float(n)})
    true_lq = p11 / ((p11 + p12) * (p11 + p21))
    ci = df.select(lqm.lq_ci_low("x", "rt", "rv", "rT", pl.lit("persons")).alias("lo"),
                   lqm.lq_ci_high("x", "rt", "rv", "rT", pl.lit("persons")).alias("hi"))
    assert ci["lo"].null_count() == 0
    coverage = ((ci["lo"] <= true_lq) & (ci["hi"] >= true_lq)).mean()
    assert 0.92 <= coverage <= 0.98, coverage
    assert math.isfinite(true_lq)
