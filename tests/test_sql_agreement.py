"""Polars indicators (lqcalc run) and the SQL macros agree on every row of real runs.

The tables of a run are stored in lqcalc.duckdb; the macros recompute each indicator from the
stored inputs of that row (value, region_total, reference_value, ...) and the results are
compared with the polars columns, relative tolerance 1e-9, nulls in the same places.
"""

from __future__ import annotations

import math

import polars as pl
import pytest

from lqcalc.metrics.lq import COUNT_UNITS
from lqcalc.output.duckdb_db import connect, write_database
from test_output_data import cached_run

REL = 1e-9


def agree(df: pl.DataFrame, pairs: list[tuple[str, str]]) -> None:
    assert df.height > 0
    for polars_col, sql_col in pairs:
        bad = []
        for a, b in zip(df[polars_col].to_list(), df[sql_col].to_list()):
            if a is None or b is None:
                if not (a is None and b is None):
                    bad.append((a, b))
            elif not math.isclose(a, b, rel_tol=REL, abs_tol=1e-12):
                bad.append((a, b))
        assert not bad, f"{polars_col} vs {sql_col}: {len(bad)} of {df.height} rows differ, e.g. {bad[:3]}"
        assert df[polars_col].null_count() < df.height, f"{polars_col} is empty: nothing was compared"


@pytest.fixture(scope="module", params=["bres", "chinese"])
def db(request, tmp_path_factory):
    _, tables = cached_run(request.param)
    out = tmp_path_factory.mktemp(f"agree-{request.param}")
    write_database(out, tables)
    con = connect(out / "lqcalc.duckdb")
    units = pl.DataFrame({"unit": list(COUNT_UNITS), "scale": list(COUNT_UNITS.values())})
    con.register("count_units", units)
    yield request.param, con
    con.close()


@pytest.fixture(scope="module")
def bres_db(tmp_path_factory):
    """The BRES run only: it has no explicit total rows, so the table macros' sums apply."""
    _, tables = cached_run("bres")
    out = tmp_path_factory.mktemp("agree-bres-macros")
    write_database(out, tables)
    con = connect(out / "lqcalc.duckdb")
    yield con
    con.close()


def test_indicators_agree(db):
    _, con = db
    df = con.sql("""
        with cells as (
            select i.*, coalesce(u.scale, case when i.unit is null then 1.0 end) as scale
            from indicators as i
            left join count_units as u on lower(trim(i.unit)) = u.unit
        ),

        final as (
            select
                *,
                lq(value, region_total, reference_value, reference_total) as sql_lq,
                slq(lq(value, region_total, reference_value, reference_total)) as sql_slq,
                share(value, region_total) as sql_share_of_region,
                share(value, reference_value) as sql_share_of_reference,
                lq_excl_own(value, region_total, reference_value, reference_total) as sql_lq_excl_own,
                lq_ci_low(value, region_total, reference_value, reference_total, scale := scale) as sql_lq_ci_low,
                lq_ci_high(value, region_total, reference_value, reference_total, scale := scale) as sql_lq_ci_high
            from cells
        )

        select * from final
    """).pl()
    cols = ["lq", "slq", "share_of_region", "share_of_reference", "lq_excl_own", "lq_ci_low", "lq_ci_high"]
    agree(df, [(c, f"sql_{c}") for c in cols])


def test_growth_and_shift_share_agree(db):
    _, con = db
    df = con.sql("""
        with growth_rows as (
            select * from growth where not is_total_industry and period = 'total'
        ),

        start_cells as (
            select region, industry, measure, year, region_total, reference_value, reference_total,
                   share_of_region, share_of_reference
            from indicators
        ),

        end_cells as (
            select region, industry, measure, year, share_of_region, share_of_reference from indicators
        ),

        joined as (
            select
                g.*,
                s.region_total as x0_r,
                s.reference_value as x0_ref_i,
                s.reference_total as x0_ref,
                s.share_of_reference as s0_ref,
                e.share_of_reference as s1_ref,
                s.share_of_region as s0_reg,
                e.share_of_region as s1_reg
            from growth_rows as g
            inner join start_cells as s
                on s.region = g.region and s.industry = g.industry and s.measure = g.measure
                and s.year = g.start_year
            inner join end_cells as e
                on e.region = g.region and e.industry = g.industry and e.measure = g.measure
                and e.year = g.end_year
        ),

        final as (
            select
                *,
                change(start_value, end_value) as sql_change,
                growth(start_value, end_value) as sql_growth,
                cagr(start_value, end_value, end_year - start_year) as sql_cagr,
                growth(start_value, end_value) - reference_growth as sql_relative_growth,
                share_change_pp(s0_ref, s1_ref) as sql_share_change_pp,
                share_change_pp(s0_reg, s1_reg) as sql_region_share_change_pp,
                lq_end - lq_start as sql_lq_change,
                ss_national_share(start_value, reference_total_growth) as sql_national_share,
                ss_industry_mix(start_value, reference_growth, reference_total_growth) as sql_industry_mix,
                ss_regional_shift(start_value, end_value, reference_growth) as sql_regional_shift,
                em_competitive(x0_r, x0_ref_i, x0_ref, growth(start_value, end_value), reference_growth)
                    as sql_em_competitive,
                em_allocation(start_value, x0_r, x0_ref_i, x0_ref, growth(start_value, end_value), reference_growth)
                    as sql_em_allocation
            from joined
        )

        select * from final
    """).pl()
    n = con.sql("select count(*) from growth where not is_total_industry and period = 'total'").fetchall()[0][0]
    assert df.height == n  # every growth row found its start and end cells
    cols = ["change", "growth", "cagr", "relative_growth", "share_change_pp", "region_share_change_pp", "lq_change",
            "national_share", "industry_mix", "regional_shift", "em_competitive", "em_allocation"]
    agree(df, [(c, f"sql_{c}") for c in cols])
    # the three components add up to the change on every row
    sums = df.select((pl.col("national_share") + pl.col("industry_mix") + pl.col("regional_shift")
                      - pl.col("change")).abs().max()).item()
    assert sums < 1e-6 * max(1.0, df["change"].abs().max())


def test_region_and_industry_indices_agree_with_table_macros(bres_db):
    con = bres_db
    con.execute("create or replace temp view leaf as "
                "select region, industry, year, measure, value from indicators where is_leaf")
    reg = con.sql("""
        select r.*, s.hhi as sql_hhi, s.hhi_norm as sql_hhi_norm, s.entropy as sql_entropy,
               s.krugman_spec as sql_krugman_spec, s.hoover_spec as sql_hoover_spec,
               cast(s.n_industries as double) as sql_n, cast(r.n_industries as double) as n
        from regions as r
        inner join region_indices('leaf') as s
            on s.region = r.region and s.measure = r.measure and s.year = r.year
    """).pl()
    assert reg.height == con.sql("select count(*) from regions").fetchall()[0][0]
    agree(reg, [("hhi", "sql_hhi"), ("hhi_norm", "sql_hhi_norm"), ("entropy", "sql_entropy"),
                ("krugman_spec", "sql_krugman_spec"), ("hoover_spec", "sql_hoover_spec"), ("n", "sql_n")])
    ind = con.sql("""
        select r.*, s.hhi as sql_hhi, s.hhi_norm as sql_hhi_norm, s.hoover_loc as sql_hoover_loc,
               s.krugman_conc as sql_krugman_conc, s.gini_loc as sql_gini_loc, s.cr4 as sql_cr4
        from industries as r
        inner join industry_indices('leaf') as s
            on s.industry = r.industry and s.measure = r.measure and s.year = r.year
    """).pl()
    assert ind.height == con.sql("select count(*) from industries").fetchall()[0][0]
    agree(ind, [("hhi", "sql_hhi"), ("hhi_norm", "sql_hhi_norm"), ("hoover_loc", "sql_hoover_loc"),
                ("krugman_conc", "sql_krugman_conc"), ("gini_loc", "sql_gini_loc"), ("cr4", "sql_cr4")])


def test_lq_table_and_shift_share_macros_reproduce_the_run(bres_db):
    con = bres_db
    df = con.sql("""
        select i.lq, t.lq as sql_lq
        from indicators as i
        inner join lq_table('tidy') as t
            on t.region = i.region and t.industry = i.industry and t.year = i.year and t.measure = i.measure
    """).pl()
    assert df.height == con.sql("select count(*) from indicators").fetchall()[0][0]
    agree(df, [("lq", "sql_lq")])
    ss = con.sql("""
        select g.*, s.national_share as sql_ns, s.industry_mix as sql_im, s.regional_shift as sql_rs,
               s.em_competitive as sql_emc, s.em_allocation as sql_ema, s.reference_growth as sql_rg
        from growth as g
        inner join shift_share('tidy', 2015, 2018) as s
            on s.region = g.region and s.industry = g.industry and s.measure = g.measure
        where not g.is_total_industry
    """).pl()
    assert ss.height == con.sql("select count(*) from growth where not is_total_industry").fetchall()[0][0]
    agree(ss, [("national_share", "sql_ns"), ("industry_mix", "sql_im"), ("regional_shift", "sql_rs"),
               ("em_competitive", "sql_emc"), ("em_allocation", "sql_ema"), ("reference_growth", "sql_rg")])
