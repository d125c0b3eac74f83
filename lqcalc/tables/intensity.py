"""The ``intensity`` table: one measure over another (``--intensity A/B``) for the same
region, industry and year (:func:`lqcalc.metrics.shares.intensity`)."""

from __future__ import annotations

import polars as pl

from lqcalc.errors import UsageError, did_you_mean
from lqcalc.metrics import shares as sh
from lqcalc.tables.engine import ENGINE
from lqcalc.tables.order import sorted_rows


def intensity_table(base: pl.DataFrame, specs: list[str]) -> pl.DataFrame:
    """Measure A over measure B for each ``"A/B"`` in ``specs`` (same region, industry, year).

    Rows of the reference region and of the total industry are included (R&D over GDP is a
    ratio of two totals).
    """
    schema = {"intensity": pl.String, "region": pl.String, "region_name": pl.String, "industry": pl.String,
              "industry_name": pl.String, "year": pl.Int32, "numerator": pl.Float64, "denominator": pl.Float64,
              "unit": pl.String, "value": pl.Float64, "null_reason": pl.String}
    if not specs:
        return pl.DataFrame(schema=schema)
    measures = base["measure"].unique().drop_nulls().to_list()
    parts = []
    for spec in specs:
        a, b = _split_intensity(spec, measures)
        keys = ["region", "industry", "year"]
        num = base.lazy().filter(pl.col("measure") == a).select(
            *keys, "region_name", "industry_name", pl.col("value").alias("numerator"), pl.col("unit").alias("_ua"))
        den = base.lazy().filter(pl.col("measure") == b).select(
            *keys, pl.col("value").alias("denominator"), pl.col("unit").alias("_ub"))
        j = num.join(den, on=keys, how="inner", nulls_equal=True).with_columns(
            pl.lit(spec).alias("intensity"),
            pl.concat_str(pl.col("_ua").fill_null("?"), pl.lit("/"), pl.col("_ub").fill_null("?")).alias("unit"),
            sh.intensity("numerator", "denominator").alias("value"),
            sh.intensity_reason("numerator", "denominator", "intensity").alias("null_reason"),
        )
        parts.append(j.select(list(schema)).collect(engine=ENGINE))
    return sorted_rows(pl.concat(parts, how="vertical_relaxed"), ["intensity", "region", "industry", "year"])


def _split_intensity(spec: str, measures: list[str]) -> tuple[str, str]:
    if "/" not in spec:
        raise UsageError(f"--intensity {spec!r} must be written A/B (two measures)", hint="e.g. rd/gdp")
    for i, ch in enumerate(spec):  # a measure name may itself contain '/': take the split that matches
        if ch == "/" and spec[:i] in measures and spec[i + 1:] in measures:
            return spec[:i], spec[i + 1:]
    a, b = spec.split("/", 1)
    bad = a if a not in measures else b
    raise UsageError(f"--intensity {spec!r}: {bad!r} is not a measure of the input",
                     hint=did_you_mean(bad, measures) or "measures: " + ", ".join(sorted(measures)))
