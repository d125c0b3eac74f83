"""The data behind the charts: a few aggregates and the rows of the charted industries.

The tables may be LazyFrames over the Parquet outputs (22 or 200 million rows): only row
counts per measure, industry sizes in the last year and the rows of the charted industries
are collected, a few hundred points per chart.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from lqcalc.output.summary import _cells, _leaves, _names, collect, lazy_tables

def largest(df: pl.DataFrame, n: int, by: str = "value") -> pl.DataFrame:
    """The ``n`` rows of ``df`` with the largest ``by`` (ties: the smaller region code), in
    their order in ``df``.

    >>> df = pl.DataFrame({"region": ["a", "b", "c", "d"], "value": [3.0, 9.0, 3.0, 1.0]})
    >>> largest(df, 2)["region"].to_list(), largest(df, 9).height
    (['a', 'b'], 4)
    """
    if df.height <= n:
        return df
    order = [by] + [c for c in ("region",) if c in df.columns and c != by]
    keep = (df.with_row_index("_i").sort(order, descending=[True] + [False] * (len(order) - 1), nulls_last=True)
            .head(n)["_i"].sort())
    return df[keep.to_list()]


def _year_stats(names: list[str]) -> list[pl.Expr]:
    """Rows with a year, distinct years (null counted) and the last year."""
    if "year" not in names:
        return []
    return [pl.col("year").count().alias("_known"), pl.col("year").n_unique().alias("_years"),
            pl.col("year").max().alias("_last")]


def _measure_counts(lf: pl.LazyFrame) -> pl.DataFrame:
    """Rows per measure (``len``), most first (ties: by name): the first is the measure
    charted; with the measure's region levels and year statistics, all from one pass."""
    names = _names(lf)
    extra = _year_stats(names) + ([pl.col("region_level").n_unique().alias("_levels")]
                                  if "region_level" in names else [])
    return (collect(lf.group_by("measure").agg(pl.len(), *extra))
            .sort(["len", "measure"], descending=[True, False]))


def _name_map(df: pl.DataFrame, code: str, name: str) -> dict:
    if name not in df.columns:
        return {}
    return {k: v for k, v in df.select(code, name).unique(code, keep="first").iter_rows() if v is not None}


def chart_data(tables: Mapping[str, pl.DataFrame | pl.LazyFrame | None], top_industries: int = 6,
               industries: list[str] | None = None, by_region: pl.DataFrame | None = None) -> dict:
    """The data behind the charts (also used by the tests).

    Returns a dict with ``measure``, ``industries`` (codes of the charted industries, largest
    first), ``bubble`` (region, industry, lq, growth, value, reference_growth at the end year
    for the charted industries, and ``class_nesta`` of ``clusters`` when it has one, or None), ``start``/``end`` years, ``lq_time`` (indicators of
    the measure for the charted industries) and ``shift`` (components per region, or None).
    ``industries`` picks the charted industries (codes; unknown codes are ignored) instead of
    the largest ones. ``by_region`` is :func:`lqcalc.output.summary.growth_by_region` of the
    same tables when the summary has it already: the shift-share data are then its rows of
    the charted measure and period (with regions of a single level).

    The tables may be LazyFrames (scans of the Parquet outputs): only aggregates (row counts
    per measure, industry sizes in the last year) and the rows of the charted industries are
    collected, a few hundred points per chart.
    """
    out: dict = {"measure": None, "industries": [], "bubble": None, "lq_time": None, "shift": None,
                 "start": None, "end": None}
    tables = lazy_tables(tables)
    ind = tables.get("indicators")
    if ind is None or not {"region", "industry", "measure", "value", "lq"} <= set(_names(ind)):
        return out
    ind = _cells(ind)
    counts = _measure_counts(ind)
    if counts.height == 0:
        return out
    measure = counts["measure"][0]
    out["measure"] = measure
    stats = counts.row(0, named=True)
    ind = ind.filter(pl.col("measure").eq_missing(measure))
    names = _names(ind)
    if stats.get("_levels", 1) > 1:
        # one level of regions per chart (provinces, or cities, not both): the level with most regions
        levels = (collect(ind.group_by("region_level").agg(pl.col("region").n_unique().alias("n")))
                  .sort(["n", "region_level"], descending=[True, False], nulls_last=True))
        ind = ind.filter(pl.col("region_level") == levels["region_level"][0])
        out["region_level"] = levels["region_level"][0]
        if "year" in names:  # the year statistics of that level
            stats = collect(ind.select(_year_stats(names))).row(0, named=True)
    has_year = n_years = last = None
    if "year" in names:
        n_known, n_years, last = stats["_known"], stats["_years"], stats["_last"]
        has_year = n_known > 0
    at_last = ind.filter(pl.col("year") == last) if has_year else ind
    at_last = _leaves(at_last)
    sizes = (collect(at_last.group_by("industry").agg(pl.col("value").sum().alias("size")))
             .sort(["size", "industry"], descending=[True, False], nulls_last=True))
    if industries:
        present = set(sizes["industry"].to_list())
        out["industries"] = [c for c in industries if c in present]
    else:
        out["industries"] = sizes["industry"].head(top_industries).to_list()
    charted = pl.col("industry").is_in(pl.Series(out["industries"], dtype=pl.String).implode())
    if has_year and n_years >= 2:
        out["lq_time"] = collect(ind.filter(charted).select(
            c for c in ("region", "region_name", "industry", "industry_name", "year", "measure", "value", "lq")
            if c in names))
    growth = tables.get("growth")
    if growth is not None and {"region", "industry", "measure", "start_year", "end_year", "growth"} <= set(_names(growth)):
        g = _cells(growth).filter(pl.col("measure").eq_missing(measure))
        n, start, end = collect(g.select(pl.len(), pl.col("start_year").min(), pl.col("end_year").max())).row(0)
        if n:
            g = g.filter((pl.col("start_year") == start) & (pl.col("end_year") == end))
            out["start"], out["end"] = start, end
            ref = "reference_growth" if "reference_growth" in _names(g) else None
            gcols = ["region", "industry", "growth"] + ([ref] if ref else [])
            cur = ind.filter(pl.col("year") == end) if has_year else ind
            cur_names = _names(cur)
            bubble = collect(cur.filter(charted).select(
                "region", *[c for c in ("region_name",) if c in cur_names], "industry",
                *[c for c in ("industry_name",) if c in cur_names], "lq", "value"))
            bubble = bubble.join(collect(g.filter(charted).select(gcols)), on=["region", "industry"], how="inner",
                                 maintain_order="left")
            if ref is None:
                bubble = bubble.with_columns(pl.lit(None, dtype=pl.Float64).alias("reference_growth"))
            out["bubble"] = _with_classes(bubble, tables.get("clusters"), measure, end if has_year else None, charted)
            from lqcalc.output.summary import growth_by_region

            if by_region is not None and "region_level" not in out:
                gbr = by_region.filter(pl.col("measure").eq_missing(measure) & (pl.col("start_year") == start)
                                       & (pl.col("end_year") == end))
            else:
                gbr = growth_by_region({**tables, "indicators": ind, "growth": growth.filter(
                    (pl.col("start_year") == start) & (pl.col("end_year") == end))})
            if gbr is not None and {"national_share", "industry_mix", "regional_shift"} <= set(gbr.columns):
                out["shift"] = gbr.filter(pl.col("measure") == measure)
    return out


def _with_classes(bubble: pl.DataFrame, clusters: pl.LazyFrame | None, measure, year, charted: pl.Expr) -> pl.DataFrame:
    """``bubble`` with the NESTA class of each cell from ``clusters`` (its end-year rows),
    so that the chart's colours are the classes of the cluster table; unchanged when
    ``clusters`` has no ``class_nesta``."""
    if clusters is None:
        return bubble
    names = _names(clusters)
    if not {"region", "industry", "class_nesta"} <= set(names):
        return bubble
    c = _cells(clusters).filter(charted)
    if "measure" in names:
        c = c.filter(pl.col("measure").eq_missing(measure))
    if "year" in names and year is not None:
        c = c.filter(pl.col("year") == year)
    classes = collect(c.select("region", "industry", "class_nesta")).unique(["region", "industry"], keep="first")
    return bubble.join(classes, on=["region", "industry"], how="left", maintain_order="left")
