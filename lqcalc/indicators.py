"""Build the output tables from the base frame (tidy table + denominators)."""

from __future__ import annotations

import polars as pl

from lqcalc.config import RunConfig

KEY_ORDER = ["region", "industry", "year", "measure"]


def _safe_div(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    return pl.when(den != 0).then(num / den).otherwise(None)


def build_tables(base: pl.DataFrame, cfg: RunConfig) -> dict[str, pl.DataFrame]:
    """The indicator tables of a run, keyed by output name."""
    lq = _safe_div(_safe_div(pl.col("value"), pl.col("region_total")), _safe_div(pl.col("reference_value"), pl.col("reference_total")))
    reason = (
        pl.when(pl.col("value").is_null()).then(pl.lit("lq: value is missing"))
        .when(pl.col("region_total").is_null()).then(pl.lit("lq: region total is missing"))
        .when(pl.col("region_total") == 0).then(pl.lit("lq: region total is 0"))
        .when(pl.col("reference_value").is_null()).then(pl.lit("lq: reference value is missing"))
        .when(pl.col("reference_value") == 0).then(pl.lit("lq: reference value is 0"))
        .when(pl.col("reference_total").is_null()).then(pl.lit("lq: reference total is missing"))
        .when(pl.col("reference_total") == 0).then(pl.lit("lq: reference total is 0"))
        .otherwise(None)
    )
    indicators = (
        base.filter(~pl.col("is_reference_region") & ~pl.col("is_total_industry"))
        .select(
            "region", "region_name", "industry", "industry_name", "year", "measure", "unit", "value",
            "region_total", "reference_value", "reference_total",
            lq.alias("lq"), reason.alias("null_reason"),
        )
        .sort(KEY_ORDER, nulls_last=True)
    )
    return {"indicators": indicators}
