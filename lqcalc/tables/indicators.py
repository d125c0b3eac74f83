"""The ``indicators`` table: LQ and its variants, confidence interval and shares of every
region x industry x year x measure (:mod:`lqcalc.metrics.lq`, :mod:`lqcalc.metrics.shares`)."""

from __future__ import annotations

import polars as pl

from lqcalc.metrics import lq as lqm
from lqcalc.metrics import shares as sh
from lqcalc.tables.codes import CODES, code_names, with_codes
from lqcalc.tables.engine import ENGINE, ROW_ENGINE
from lqcalc.tables.parents import region_levels, region_parents
from lqcalc.tables.reasons import VALUE_MISSING, reasons_where_null


def indicator_table(base: pl.DataFrame, hierarchy: str | None = None) -> pl.DataFrame:
    """One row per region x industry x year x measure with LQ, SLQ, CI, shares, LQs.

    Columns: the base columns and ``lq``, ``slq``, ``lq_ci_low``, ``lq_ci_high``,
    ``lq_excl_own``, ``share_of_region``, ``share_of_reference``, ``lq_parent``,
    ``parent_region``, ``region_level``, ``is_leaf``, ``null_reason``.

    Rows keep the order of ``base`` (reason texts are built only for the rows with a null
    indicator). The integer code columns of :func:`with_codes` come last (internal; the
    ``indicators`` table of :func:`lqcalc.builder.build_tables` drops them).
    """
    base = with_codes(base)
    cells = base.lazy().filter(~pl.col("is_reference_region") & ~pl.col("is_total_industry")).select(
        "region", "region_name", "industry", "industry_name", "year", "measure", "unit", "value", "region_total",
        "reference_value", "reference_total", "is_leaf", *CODES.values()).collect(engine=ROW_ENGINE)
    rows = cells.lazy()
    parents, has_hierarchy = region_parents(base, hierarchy)
    x, rt, rv, rT, unit = "value", "region_total", "reference_value", "reference_total", "unit"
    lf = rows
    if has_hierarchy:
        regions = code_names(cells, "_rc", "region")
        levels = region_levels(regions, parents)
        present = set(regions)
        par_df = pl.DataFrame(
            {"region": list(levels), "region_level": [levels[r] for r in levels],
             "parent_region": [parents.get(r) for r in levels]},
            schema={"region": pl.String, "region_level": pl.Int32, "parent_region": pl.String},
        )
        lf = lf.join(par_df.lazy(), on="region", how="left", nulls_equal=True, maintain_order="left")
        pvals = rows.select(
            pl.col("region").alias("parent_region"), "industry", "year", "measure",
            pl.col("value").alias("_parent_value"), pl.col("region_total").alias("_parent_total"),
        )
        lf = lf.join(pvals, on=["parent_region", "industry", "year", "measure"], how="left", nulls_equal=True, maintain_order="left")
        has_parent = pl.col("parent_region").is_not_null()
        parent_known = pl.col("parent_region").is_in(sorted(present))
        lq_parent = pl.when(has_parent).then(lqm.lq(x, rt, "_parent_value", "_parent_total")).otherwise(
            lqm.lq(x, rt, rv, rT))
        lq_parent_reason = (
            pl.when(has_parent & ~parent_known).then(
                pl.concat_str(pl.lit("lq_parent: parent region '"), pl.col("parent_region"), pl.lit("' is not in the data")))
            .when(has_parent).then(lqm.lq_reason(x, rt, "_parent_value", "_parent_total", name="lq_parent")
                                   .str.replace("reference value", "parent value").str.replace("reference total", "parent total"))
            .otherwise(lqm.lq_reason(x, rt, rv, rT, name="lq_parent"))
        )
    else:
        lf = lf.with_columns(pl.lit(0, dtype=pl.Int32).alias("region_level"),
                             pl.lit(None, dtype=pl.String).alias("parent_region"))
        lq_parent = pl.lit(None, dtype=pl.Float64)
        lq_parent_reason = pl.lit(None, dtype=pl.String)

    # the count scale of each unit, computed once per distinct unit
    # units come in long runs: the unique is taken over the runs
    units = rows.select(pl.col("unit").rle().struct.field("value").unique(maintain_order=True)).collect(
        engine=ENGINE)["value"].to_list()
    scales = pl.DataFrame({"u": units}, schema={"u": pl.String}).select(lqm.count_scale("u"))["u"].to_list()
    if len(units) == 1:
        scale_e = pl.lit(scales[0], dtype=pl.Float64)
    else:
        known = {u: s for u, s in zip(units, scales) if u is not None}
        null_scale = dict(zip(units, scales)).get(None, 1.0)
        scale_e = pl.when(pl.col(unit).is_null()).then(pl.lit(null_scale, dtype=pl.Float64)).otherwise(
            pl.col(unit).replace_strict(known, default=None, return_dtype=pl.Float64))
    reasons = [
        lqm.lq_reason(x, rt, rv, rT),
        lqm.lq_ci_reason(x, rt, rv, rT, unit, scale="_scale"),
        lqm.lq_excl_own_reason(x, rt, rv, rT),
        sh.share_reason(x, rt, "share_of_region", "region total"),
        sh.share_reason(x, rv, "share_of_reference", "reference value"),
        lq_parent_reason,
    ]
    lf = (
        lf.with_columns(scale_e.alias("_scale"))
        .with_columns(
            lqm.lq(x, rt, rv, rT).alias("lq"),
            lqm.lq_ci_log_variance(x, rt, rv, rT, scale="_scale").alias("_v"),
            lqm.lq_excl_own(x, rt, rv, rT).alias("lq_excl_own"),
            sh.share_of_region(x, rt).alias("share_of_region"),
            sh.share_of_reference(x, rv).alias("share_of_reference"),
            lq_parent.alias("lq_parent"),
        )
        .with_columns(
            lqm.slq("lq").alias("slq"),
            lqm.lq_ci_bound("lq", "_v", -lqm.Z95).alias("lq_ci_low"),
            lqm.lq_ci_bound("lq", "_v", lqm.Z95).alias("lq_ci_high"),
        )
    )
    checked = ["lq", "lq_ci_low", "lq_excl_own", "share_of_region", "share_of_reference", "lq_parent"]
    parts = list(zip(checked, reasons))
    if not has_hierarchy:
        parts.pop()   # lq_parent: null by design without a region hierarchy, with no reason
    columns = [
        "region", "region_name", "industry", "industry_name", "year", "measure", "unit", "value",
        "region_total", "reference_value", "reference_total", "lq", "slq", "lq_ci_low", "lq_ci_high",
        "lq_excl_own", "share_of_region", "share_of_reference", "lq_parent", "parent_region",
        pl.col("region_level").fill_null(0), "is_leaf", "null_reason", *CODES.values(),
    ]
    # reasons are texts: build each only for the rows whose indicator is null, and put them in place
    df = lf.collect(engine=ROW_ENGINE)
    return df.with_columns(reasons_where_null(df, parts, missing=("value", VALUE_MISSING))).select(columns)
