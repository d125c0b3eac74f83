"""The ``clusters`` table: cluster classes of every region x industry x measure of the end
year (:mod:`lqcalc.metrics.clusters`)."""

from __future__ import annotations

from typing import Any

import polars as pl

from lqcalc.metrics import clusters as cl
from lqcalc.metrics._safe import coded_reason, join_reasons
from lqcalc.tables.aligned import join_aligned
from lqcalc.tables.base import KEY_ORDER
from lqcalc.tables.codes import CODES, with_codes
from lqcalc.tables.engine import ENGINE, ROW_ENGINE
from lqcalc.tables.keys import pack_keys
from lqcalc.tables.order import sorted_rows_by_codes
from lqcalc.tables.sums import sums_on_rows


def cluster_table(indicators: pl.DataFrame, growth: pl.DataFrame, settings: dict[str, Any],
                  estab: str | None, end_year: int | None) -> pl.DataFrame:
    """Cluster classes of every region x industry x measure of the end year."""
    year_pred = pl.col("year").is_null() if end_year is None else pl.col("year") == end_year
    # the code columns of the builder come from one encoding of the base frame; frames encoded
    # apart would not share codes, so without them the join is on the strings
    joint = all(k in indicators.columns and k in growth.columns for k in CODES.values())
    key3 = list(CODES.values()) if joint else list(CODES)
    indicators = with_codes(indicators)
    used = ["region", "region_name", "industry", "industry_name", "year", "measure", "unit", "region_level", "value",
            "lq", "lq_ci_low", "lq_ci_high", *CODES.values()]
    rows = indicators.lazy().filter(year_pred).select(used).collect(engine=ROW_ENGINE)
    g = growth.lazy().filter((pl.col("period") == "total") & ~pl.col("is_total_industry")).select(
        *key3, "growth", "cagr", "reference_growth", "relative_growth").collect(engine=ROW_ENGINE)
    rows = join_aligned(rows, g, key3)
    del g
    if estab is not None:
        est = indicators.lazy().filter(year_pred & (pl.col("measure") == estab)).select(
            "_rc", "_ic", pl.col("value").alias("establishments"))
        rows = rows.lazy().join(est, on=["_rc", "_ic"], how="left", maintain_order="left").collect(engine=ROW_ENGINE)
    else:
        rows = rows.with_columns(pl.lit(None, dtype=pl.Float64).alias("establishments"))
    # the rows in the table's order before the classes exist: fewer columns to move
    rows = sorted_rows_by_codes(rows, KEY_ORDER)
    grp = ["_ic", "year", "_mc", "region_level"]
    s = settings
    # the cutoffs of each industry: one group-by, put on the rows by their group
    cutoffs = [pl.col("lq").quantile(s["strong_lq_percentile"], interpolation="linear").alias("lq_cutoff"),
               pl.col("value").quantile(s["strong_size_percentile"], interpolation="linear").alias("size_cutoff")]
    if estab is not None:
        cutoffs.append(pl.col("establishments").quantile(s["strong_size_percentile"], interpolation="linear")
                       .alias("establishments_cutoff"))
    key = pack_keys(rows, grp)
    if key is not None:    # on one packed key the cutoffs are looked up, not joined
        lf = sums_on_rows(rows.with_columns(key.alias("_gk")), ["_gk"], cutoffs).lazy().drop("_gk")
    else:
        lf = rows.lazy()
        lf = lf.join(lf.group_by(grp).agg(cutoffs), on=grp, how="left", nulls_equal=True, maintain_order="left")
    del rows
    if estab is None:   # no establishment counts: no cutoff
        lf = lf.with_columns(pl.lit(None, dtype=pl.Float64).alias("establishments_cutoff"))
    hg = cl.high_growth("growth", "reference_growth", s["growth_threshold"])
    lf = lf.with_columns(
        cl.nesta_class("lq", hg, s["concentration_lq"]).alias("class_nesta"),
        cl.quadrant_class("lq", hg, s["quadrant_lq"]).alias("class_quadrant"),
        cl.strong_cluster("lq", "lq_cutoff", "value", "size_cutoff", "establishments", "establishments_cutoff",
                          s["strong_lq_min"]).alias("strong_cluster"),
        cl.threshold_class("lq", "value", s["threshold_lq"], s["threshold_lq_high"], s["threshold_min_size"])
        .alias("class_threshold"),
        cl.ci_cluster("lq_ci_low", s["ci_lq"]).alias("ci_cluster"),
    )
    lq_null = pl.col("lq").is_null()
    g_null = pl.col("growth").is_null()
    reasons = [  # one case each, chosen by an integer code (no string column per case)
        coded_reason([(lq_null, "classes: lq is null")]),
        coded_reason([(~lq_null & g_null, "class_nesta, class_quadrant: growth is null (one year only, or no "
                                          "usable base-year value)")]),
        coded_reason([(~lq_null & ~g_null & pl.col("reference_growth").is_null(),
                       "class_nesta, class_quadrant: reference growth is null")]),
        coded_reason([(~lq_null & pl.col("lq_ci_low").is_null(), "ci_cluster: no confidence interval (see indicators)")]),
    ]
    lf = lf.with_columns(join_reasons(reasons).alias("null_reason"))
    return lf.select(
        "region", "region_name", "industry", "industry_name", "year", "measure", "unit", "region_level",
        pl.col("value").alias("size"), "establishments", "lq", "lq_ci_low", "lq_ci_high", "growth", "cagr",
        "reference_growth", "relative_growth", "lq_cutoff", "size_cutoff", "class_nesta", "class_quadrant",
        "strong_cluster", "class_threshold", "ci_cluster", "null_reason",
    ).collect(engine=ENGINE)
