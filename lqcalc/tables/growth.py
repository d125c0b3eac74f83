"""The ``growth`` table: growth, CAGR, shift-share and Esteban-Marquillas components of every
period (:mod:`lqcalc.metrics.growth`, :mod:`lqcalc.metrics.shiftshare`)."""

from __future__ import annotations

import polars as pl

from lqcalc.errors import UsageError
from lqcalc.metrics import growth as gr
from lqcalc.metrics import lq as lqm
from lqcalc.metrics import shares as sh
from lqcalc.metrics import shiftshare as ss
from lqcalc.metrics._safe import join_reasons
from lqcalc.tables.aligned import side_by_side
from lqcalc.tables.codes import CODES, with_codes
from lqcalc.tables.engine import ENGINE, ROW_ENGINE
from lqcalc.tables.keys import pack_keys
from lqcalc.tables.order import sorted_rows
from lqcalc.tables.reasons import reasons_where_null


def growth_periods(years: list[int], base_year: int | None, end_year: int | None, dynamic: bool) -> pl.DataFrame:
    """The periods of the growth table: ``total`` (base to end year) and, when ``dynamic``,
    every pair of consecutive years present between them (``step``).

    >>> growth_periods([2015, 2016, 2018], None, None, True).rows()
    [(2015, 2018, 'total'), (2015, 2016, 'step'), (2016, 2018, 'step')]
    """
    schema = {"start_year": pl.Int32, "end_year": pl.Int32, "period": pl.String}
    if len(years) < 2:
        return pl.DataFrame(schema=schema)
    t0 = years[0] if base_year is None else int(base_year)
    t1 = years[-1] if end_year is None else int(end_year)
    for name, t in (("--base-year", t0), ("--end-year", t1)):
        if t not in years:
            raise UsageError(f"{name} {t} is not a year of the input",
                             hint="years present: " + ", ".join(str(y) for y in years))
    if t0 >= t1:
        raise UsageError(f"--base-year {t0} must come before --end-year {t1}")
    rows = [(t0, t1, "total")]
    if dynamic:
        inside = [y for y in years if t0 <= y <= t1]
        rows += [(a, b, "step") for a, b in zip(inside, inside[1:])]
    return pl.DataFrame(rows, schema=schema, orient="row")


def _pair_join(frame: pl.DataFrame, periods: pl.DataFrame, keys: list[str], cols: list[str]) -> pl.LazyFrame:
    """Rows of each period's end year with the start year's ``cols`` (suffix ``0``) joined on
    ``keys``; the frame's own columns stay. A key is at most once in a year (the validation
    rules reject duplicate keys).

    A single period whose start year lists the same keys in the same rows as its end year
    (a balanced panel: every cell in both years, values missing or not) puts the start
    columns beside the end rows without a join (:func:`lqcalc.tables.aligned.side_by_side`).
    Otherwise the keys are packed into one integer (:func:`pack_keys`). When each end year
    closes one period (every run but a dynamic one, whose last year closes the whole period
    and the last step), the end rows are picked by a filter and given their period by a
    lookup, and a single period joins its start year on the keys alone: no join gathers the
    rows' text columns.

    >>> f = pl.DataFrame({"k": [1, 2, 1, 2, 1], "year": [2020, 2020, 2021, 2021, 2022], "v": [1.0, 2.0, 3.0, 4.0, 5.0]})
    >>> p = growth_periods([2020, 2021, 2022], None, None, False)
    >>> _pair_join(f, p, ["k"], ["v"]).collect().select("k", "period", "start_year", "end_year", "v0", "v").rows()
    [(1, 'total', 2020, 2022, 1.0, 5.0)]
    >>> _pair_join(f.filter(pl.col("year") != 2021), p, ["k"], ["v"]).collect().select("k", "v0", "v").rows()
    [(1, 1.0, 5.0)]
    """
    renamed = [pl.col(c).alias(c + "0") for c in cols]
    one_each = periods.height > 0 and periods["end_year"].n_unique() == periods.height
    if periods.height == 1:
        only = periods.row(0, named=True)
        end = frame.filter(pl.col("year") == only["end_year"])
        start = frame.filter(pl.col("year") == only["start_year"]).select(*keys, *renamed)
        paired = side_by_side(end.with_columns(
            pl.lit(only["start_year"], dtype=periods.schema["start_year"]).alias("start_year"),
            pl.lit(only["period"], dtype=pl.String).alias("period"),
            pl.col("year").alias("end_year"),
        ), start, keys)
        if paired is not None:
            return paired.lazy()
        del end, start, paired
    k = pack_keys(frame, keys)
    if k is not None:  # join on one exact integer key instead of several columns
        frame, keys = frame.with_columns(k.alias("_k")), ["_k"]
    lf = frame.lazy()
    if one_each:
        ends = periods["end_year"]
        end = lf.filter(pl.col("year").is_in(ends.implode())).with_columns(
            pl.col("year").replace_strict(ends, periods["start_year"], return_dtype=periods.schema["start_year"])
            .alias("start_year"),
            pl.col("year").replace_strict(ends, periods["period"], return_dtype=pl.String).alias("period"),
            pl.col("year").alias("end_year"))
        if periods.height == 1:
            start = lf.filter(pl.col("year") == periods["start_year"][0]).select(*keys, *renamed)
            return end.join(start, on=keys, how="left", nulls_equal=True, maintain_order="left")
    else:
        end = lf.join(periods.lazy(), left_on="year", right_on="end_year", how="inner",
                      maintain_order="left").with_columns(pl.col("year").alias("end_year"))
    # only the start years can match: the hash table is built on those rows alone
    start = lf.filter(pl.col("year").is_in(periods["start_year"].unique().implode())).select(
        *keys, pl.col("year").cast(periods.schema["start_year"]).alias("start_year"), *renamed)
    return end.join(start, on=[*keys, "start_year"], how="left", nulls_equal=True, maintain_order="left")


def growth_table(base: pl.DataFrame, periods: pl.DataFrame, total_code: str, total_name: str | None) -> pl.DataFrame:
    """Growth, shift-share and Esteban-Marquillas components for every period.

    One row per region x industry x measure x period (rows of the end year), plus one row per
    region x measure x period for the region total (``industry`` = the total industry code,
    or ``"*"`` when the total is computed; shift-share components there are the sums over the
    leaf industries). The integer code columns of :func:`with_codes` come last (internal; the
    ``growth`` table of :func:`lqcalc.builder.build_tables` drops them).
    """
    base = with_codes(base)
    rows = base.lazy().filter(
        ~pl.col("is_reference_region") & ~pl.col("is_total_industry") & pl.col("year").is_not_null()).select(
        "region", "region_name", "industry", "industry_name", "year", "measure", "unit", "value", "region_total",
        "reference_value", "reference_total", "is_leaf", *CODES.values()).collect(engine=ROW_ENGINE)
    cols = ["value", "region_total", "reference_value", "reference_total"]
    lf = _pair_join(rows, periods, ["_rc", "_ic", "_mc"], cols)
    x0, x1, rt0, rt1, rv0, rv1, rT0, rT1 = (pl.col(c) for c in (
        "value0", "value", "region_total0", "region_total", "reference_value0", "reference_value",
        "reference_total0", "reference_total"))
    years = (pl.col("end_year") - pl.col("start_year")).cast(pl.Float64)
    g_ref = gr.growth(rv0, rv1)
    g_tot = gr.growth(rT0, rT1)
    lq0, lq1 = lqm.lq(x0, rt0, rv0, rT0), lqm.lq(x1, rt1, rv1, rT1)
    growth_e = gr.growth(x0, x1)
    lf = lf.with_columns(
        gr.change(x0, x1).alias("change"),
        growth_e.alias("growth"),
        gr.cagr(x0, x1, years).alias("cagr"),
        g_ref.alias("reference_growth"),
        g_tot.alias("reference_total_growth"),
        (growth_e - g_ref).alias("relative_growth"),
        gr.share_change_pp(sh.share(x0, rv0), sh.share(x1, rv1)).alias("share_change_pp"),
        gr.share_change_pp(sh.share(x0, rt0), sh.share(x1, rt1)).alias("region_share_change_pp"),
        lq0.alias("lq_start"),
        lq1.alias("lq_end"),
        (lq1 - lq0).alias("lq_change"),
        ss.national_share(x0, g_tot).alias("national_share"),
        ss.industry_mix(x0, g_ref, g_tot).alias("industry_mix"),
        ss.regional_shift(x0, x1, g_ref).alias("regional_shift"),
        ss.em_competitive(x0, x1, rt0, rv0, rT0, g_ref).alias("em_competitive"),
        ss.em_allocation(x0, x1, rt0, rv0, rT0, g_ref).alias("em_allocation"),
        pl.lit(False).alias("is_total_industry"),
    )
    growth_ok = pl.col("growth").is_not_null()
    reasons = [
        gr.growth_reason(x0, x1),
        pl.when(growth_ok).then(gr.cagr_reason(x0, x1, years)),
        gr.growth_reason(rv0, rv1, "reference_growth"),
        gr.growth_reason(rT0, rT1, "reference_total_growth"),
        pl.when(x0.is_not_null() & x1.is_not_null() & pl.col("lq_change").is_null()).then(
            pl.lit("lq_change: lq undefined in the start or end year")),
        pl.when(growth_ok & pl.col("em_competitive").is_null()).then(ss.em_reason(x0, x1, rt0, rv0, rT0, g_ref)),
    ]
    checked = ["growth", "cagr", "reference_growth", "reference_total_growth", "lq_change", "em_competitive"]
    df = lf.collect(engine=ROW_ENGINE)
    del rows, lf  # the start and end years' rows (twice the partition) are no longer needed
    # reason texts only for the rows whose indicator is null
    ind = df.with_columns(reasons_where_null(df, list(zip(checked, reasons)))).lazy()

    # region totals
    tot_rows = (
        base.lazy().filter(~pl.col("is_reference_region") & pl.col("year").is_not_null())
        .group_by(["_rc", "year", "_mc"])
        .agg(pl.col("region").first(), pl.col("measure").first(),
             pl.col("region_name").drop_nulls().first(), pl.col("unit").drop_nulls().first(),
             pl.col("region_total").drop_nulls().first(), pl.col("reference_total").drop_nulls().first())
    ).collect(engine=ENGINE)   # small: one row per region x year x measure, read twice below
    rl = _pair_join(tot_rows, periods, ["_rc", "_mc"], ["region_total", "reference_total"])
    comps = ["national_share", "industry_mix", "regional_shift", "em_competitive", "em_allocation"]
    leaf_sums = (
        df.lazy().filter(pl.col("is_leaf"))
        .group_by(["_rc", "_mc", "start_year", "end_year", "period"])
        .agg(*[pl.when(pl.col(c).count() > 0).then(pl.col(c).sum()).alias(c) for c in comps])
    )
    g_reg = gr.growth(rt0, rt1)
    rl = rl.join(leaf_sums, on=["_rc", "_mc", "start_year", "end_year", "period"], how="left", maintain_order="left").with_columns(
        pl.lit(total_code).alias("industry"),
        pl.lit(total_name, dtype=pl.String).alias("industry_name"),
        rt0.alias("value0"), rt1.alias("value"),
        rT0.alias("reference_value0"), rT1.alias("reference_value"),
        gr.change(rt0, rt1).alias("change"),
        g_reg.alias("growth"),
        gr.cagr(rt0, rt1, years).alias("cagr"),
        g_tot.alias("reference_growth"),
        g_tot.alias("reference_total_growth"),
        (g_reg - g_tot).alias("relative_growth"),
        gr.share_change_pp(sh.share(rt0, rT0), sh.share(rt1, rT1)).alias("share_change_pp"),
        pl.lit(None, dtype=pl.Float64).alias("region_share_change_pp"),
        pl.lit(None, dtype=pl.Float64).alias("lq_start"),
        pl.lit(None, dtype=pl.Float64).alias("lq_end"),
        pl.lit(None, dtype=pl.Float64).alias("lq_change"),
        pl.lit(True).alias("is_total_industry"),
        pl.lit(True).alias("is_leaf"),
        pl.lit(None, dtype=pl.UInt32).alias("_ic"),
    ).with_columns(
        join_reasons([
            gr.growth_reason(rt0, rt1),
            pl.when(pl.col("growth").is_not_null()).then(gr.cagr_reason(rt0, rt1, years)),
            gr.growth_reason(rT0, rT1, "reference_total_growth"),
            pl.when(pl.col("national_share").is_null()).then(pl.lit("shift_share: no leaf industry component")),
        ]).alias("null_reason")
    )
    columns = [
        "region", "region_name", "industry", "industry_name", "measure", "unit", "period", "start_year", "end_year",
        pl.col("value0").alias("start_value"), pl.col("value").alias("end_value"), "change", "growth", "cagr",
        "reference_growth", "reference_total_growth", "relative_growth", "share_change_pp", "region_share_change_pp",
        "lq_start", "lq_end", "lq_change", *comps, "is_total_industry", "null_reason", *CODES.values(),
    ]
    ind_df = ind.select(columns).collect(engine=ROW_ENGINE)
    rl_df = rl.select(columns).collect(engine=ENGINE)
    return pl.concat([ind_df, sorted_rows(rl_df, ["region", "measure", "period", "start_year", "end_year"])], how="vertical_relaxed")
