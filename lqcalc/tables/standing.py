"""Measures with one industry or none: each region's share of the reference and its rank.

A location quotient compares a region's industry mix with the reference economy's, so it
needs at least two industries. A one-indicator NBS export (地区生产总值, 城镇单位就业人员)
has none — only the all-industry total — and an export of one industry alone
(第三产业增加值) has one, whose LQ would be 1.0 in every region (the region total is the sum
of that one industry). For such a measure the indicator table gets, per region and year,
what the data do support: the region's share of the reference (the 全国 row, else the sum
of the regions) and its rank among the regions (1 = the largest), with ``lq`` null and a
``null_reason`` saying that an LQ needs at least two industries (:data:`REASON`).

An LQ comes from stacking one export per industry (制造业城镇单位就业人员,
金融业城镇单位就业人员, …) with the export of the total (城镇单位就业人员): the readers turn
each indicator into an industry of the same measure (:func:`lqcalc.reference.industries.split_indicator`).
"""

from __future__ import annotations

import polars as pl

from lqcalc.metrics import shares as sh

#: ``null_reason`` of the LQ-type indicators of a measure with one industry or none.
REASON = "lq: an LQ needs at least two industries; {measure} has {what}"

#: The warning a run prints (once) when some measure has one industry or none.
WARNING = ("{measures}: {what}, so no location quotient can be computed (an LQ needs at least two industries); "
           "indicators.parquet gives each region's share of the reference and its rank instead. For LQs, stack "
           "one export per industry with the export of the total, e.g. lqcalc run 制造业城镇单位就业人员.csv "
           "金融业城镇单位就业人员.csv 城镇单位就业人员.csv --out DIR")


def single_measures(base: pl.DataFrame) -> dict[str, str | None]:
    """Measures of ``base`` (tidy + denominators, :func:`lqcalc.totals.attach_totals`) that have
    no industry but the total, or one industry and no total row: ``{measure: that industry or None}``.

    >>> from lqcalc.schema import conform
    >>> from lqcalc.totals import attach_totals
    >>> t = conform(pl.DataFrame({"region": ["A", "B", "A", "B", "A", "A"], "industry": ["合计", "合计", "x", "x", "y", "合计"],
    ...                           "measure": ["gdp", "gdp", "va", "va", "emp", "emp"], "value": [1.0, 2.0, 3.0, 4.0, 1.0, 2.0]}))
    >>> single_measures(attach_totals(t.filter(pl.col("measure") == "gdp"), total_industry="合计").base)
    {'gdp': None}
    >>> single_measures(attach_totals(t.filter(pl.col("measure") == "va")).base)
    {'va': 'x'}
    >>> single_measures(attach_totals(t.filter(pl.col("measure") == "emp"), total_industry="合计").base)
    {}
    """
    coded = "_ic" in base.columns and "_mc" in base.columns
    ikey, mkey = ("_ic", "_mc") if coded else ("industry", "measure")
    # two industries differ when the smallest and the largest code differ (min / max are
    # cheap aggregations; a set of distinct codes per measure is not); the industry's label
    # is looked up only for a measure that has one (no string is filtered per row otherwise)
    shown = ~pl.col("is_total_industry") & pl.col("industry").is_not_null()
    leaf = pl.col(ikey).filter(shown)
    stats = (base.lazy().filter(~pl.col("is_reference_region"))
             .group_by(pl.col(mkey).alias("_key"))
             .agg(pl.col("measure").first(), leaf.min().alias("_lo"), leaf.max().alias("_hi"),
                  pl.col("is_total_industry").any().alias("has_total"))
             .collect())
    out: dict[str, str | None] = {}
    for m, key, lo, hi, has_total in stats.select("measure", "_key", "_lo", "_hi", "has_total").sort("measure").iter_rows():
        if m is None:
            continue
        if lo is None:
            out[m] = None
        elif lo == hi and not has_total:
            one = base.lazy().filter(~pl.col("is_reference_region") & (pl.col(mkey) == key) & shown)
            out[m] = one.select(pl.col("industry").first()).collect().item()
    return out


def describe(single: dict[str, str | None]) -> str:
    """``the all-industry total only`` or ``one industry (sector3)``."""
    kinds = {v is None for v in single.values()}
    if kinds == {True}:
        return "the all-industry total only"
    if kinds == {False}:
        return "one industry (" + ", ".join(sorted({str(v) for v in single.values()})) + ")"
    return "the total only, or one industry"


def standing_table(base: pl.DataFrame, single: dict[str, str | None], columns: list) -> pl.DataFrame:
    """The indicator rows of the measures ``single``: share of the reference and rank.

    ``columns`` are the indicator table's columns (in order); the ones this table does not
    compute are null (``region_total`` and ``reference_total`` too: the total of one industry is
    that industry, and the indices of the industries table that compare a region's industry
    with its total, such as the location Gini, stay null). ``region_rank`` is the region's
    place among the regions of the same level for the measure and year (1 = the largest value, ties share the smaller place, a missing
    value has none).
    """
    rows = base.filter(~pl.col("is_reference_region") & pl.col("measure").is_in(sorted(single)))
    what = {m: ("the all-industry total only" if i is None else f"one industry ({i})") for m, i in single.items()}
    reason = pl.format(REASON.replace("{measure}", "{}").replace("{what}", "{}"), pl.col("measure"),
                       pl.col("measure").replace_strict(what, return_dtype=pl.String))
    share = sh.share_of_reference("value", "reference_value")
    out = rows.with_columns(
        share.alias("share_of_reference"),
        # a region total of one industry is that industry: no industry mix to compare
        pl.lit(None, dtype=pl.Float64).alias("region_total"),
        pl.lit(None, dtype=pl.Float64).alias("reference_total"),
        pl.lit(0, dtype=pl.Int32).alias("region_level"),
        pl.lit(None, dtype=pl.String).alias("parent_region"),
    ).with_columns(
        sh.rank_among_regions("value").over(["year", "measure", "region_level"]).alias("region_rank"),
        pl.when(pl.col("value").is_null()).then(pl.lit("value is missing"))
        .when(pl.col("share_of_reference").is_null())
        .then(pl.concat_str(reason, pl.lit("; "), sh.share_reason("value", "reference_value", "share_of_reference",
                                                                      "reference value")))
        .otherwise(reason).alias("null_reason"),
    )
    have = set(out.columns)
    schema = {c: t for c, t in out.schema.items()}
    exprs = []
    for c in columns:
        name = c if isinstance(c, str) else c.meta.output_name()
        if name in have:
            exprs.append(pl.col(name))
        else:
            exprs.append(pl.lit(None, dtype=_TYPES.get(name, pl.Float64)).alias(name))
    del schema
    return out.select(exprs)


#: Types of the indicator columns this table leaves null (the others are Float64).
_TYPES = {"parent_region": pl.String, "region_level": pl.Int32, "is_leaf": pl.Boolean, "null_reason": pl.String,
          "region_rank": pl.UInt32, "_rc": pl.UInt32, "_ic": pl.UInt32, "_mc": pl.UInt32}


__all__ = ["REASON", "WARNING", "single_measures", "describe", "standing_table"]
