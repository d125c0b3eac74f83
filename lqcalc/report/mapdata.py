"""The maps of a report: which region set, which industries, and the values drawn.

The region codes of ``clusters.parquet`` (else ``indicators.parquet``) pick the boundary
scheme (:func:`lqcalc.geo.boundaries.detect_scheme`); regions are joined to shapes by code,
and the regions of the table that have no shape are listed under the maps (the reference
region excepted). For each mapped industry (the charted ones, else the largest by size in
the end year) three maps show its LQ, its growth and its NESTA cluster class in the end year.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from lqcalc.report.text import t

MAP_INDUSTRIES = 4
#: regions drawn on the page at most (maps x shapes): a browser lays out some 20,000 SVG
#: ``<use>`` elements a second, and the page must open in under 2 s; 3,139 U.S. counties get
#: the three maps of one industry, 39 NUTS 2 regions those of four
MAP_BUDGET = 16_000
KINDS = ("lq", "growth", "class")
_COLUMN = {"lq": "lq", "growth": "growth", "class": "class_nesta", "value": "value"}


def _end_rows(lf: pl.LazyFrame, cols: list[str], value: str, total: str | None = None) -> pl.LazyFrame:
    """Rows of the latest year (with a value in ``value``) of the most frequent measure, but
    those of the industry ``total``.

    >>> t = pl.LazyFrame({"measure": ["gdp", "gdp", "emp", "gdp", "emp"], "year": [2020, 2021, 2022, 2022, 2023],
    ...                   "industry": "x", "value": [1.0, 2.0, 3.0, None, 4.0]})
    >>> cols = t.collect_schema().names()
    >>> _end_rows(t, cols, "value").collect().rows()
    [('gdp', 2021, 'x', 2.0)]
    >>> _end_rows(t.filter(pl.col("measure") == "emp"), cols, "value").collect().rows()
    [('emp', 2023, 'x', 4.0)]
    """
    keep = []
    last = None
    if "measure" in cols:
        year = pl.col("year").filter(pl.col(value).is_not_null()).max() if "year" in cols else pl.lit(None)
        # one measure (the usual table): its year straight away, without grouping the rows by
        # their measure's text (22.4M rows: 0.2 s instead of 0.4 s)
        lo, hi, nulls = lf.select(pl.col("measure").min(), pl.col("measure").max().alias("hi"),
                                  pl.col("measure").null_count().alias("n")).collect().row(0)
        found = None   # (the measure, its latest year)
        if lo is not None and lo == hi and not nulls:
            found = (lo, lf.select(year).collect().item())
        else:
            top = (lf.group_by("measure").agg(pl.len(), year.alias("last"))
                   .sort(["len", "measure"], descending=[True, False]).head(1).collect())
            if top.height:
                found = (top["measure"][0], top["last"][0])
        if found is not None:
            keep.append(pl.col("measure").eq_missing(found[0]))
            last = found[1]
    elif "year" in cols:
        last = lf.filter(pl.col(value).is_not_null()).select(pl.col("year").max()).collect().item()
    if "year" in cols and last is not None:
        keep.append(pl.col("year") == last)
    if total:
        keep.append(pl.col("industry") != total)
    return lf.filter(*keep) if keep else lf


def _facts(lf: pl.LazyFrame, cols: list[str], kinds: tuple[str, ...]) -> tuple[pl.DataFrame, ...]:
    """(regions, industries by size, one row of counts) of the end-year rows ``lf``, in one
    pass (``collect_all`` reads the rows once for the three; the ten queries they replace
    took 0.24 s on the 1 million rows of the 5M benchmark's ``clusters``, these 0.06 s)."""
    size = "size" if "size" in cols else "value" if "value" in cols else "lq"
    regions = lf.select(["region", *(["region_name"] if "region_name" in cols else [])]).unique()
    sizes = lf.group_by("industry").agg(
        pl.col(size).sum().alias("s"),
        *([pl.col("industry_name").first()] if "industry_name" in cols else []),
    ).sort(["s", "industry"], descending=[True, False], nulls_last=True)
    counts = lf.select(pl.len().alias("rows"), *(pl.col(_COLUMN[k]).is_not_null().sum().alias(k) for k in kinds),
                       *([pl.col("measure").first()] if "measure" in cols else []),
                       *([pl.col("year").max()] if "year" in cols else []))
    return tuple(pl.collect_all([regions, sizes, counts]))


def _choose(tables: Mapping[str, pl.LazyFrame], total: str | None):
    """(rows, columns, kinds, facts): the end-year cells to map, which maps they allow and
    their :func:`_facts`."""
    for name in ("clusters", "indicators"):
        lf = tables.get(name)
        cols = lf.collect_schema().names() if lf is not None else []
        if {"region", "industry", "lq"} <= set(cols):
            lf = _end_rows(lf, cols, "lq", total)
            kinds = tuple(k for k in KINDS if _COLUMN[k] in cols)
            facts = _facts(lf, cols, kinds)
            if facts[2]["rows"][0]:
                return lf, cols, kinds, facts
    tidy = tables.get("tidy")
    cols = tidy.collect_schema().names() if tidy is not None else []
    if {"region", "industry", "value"} <= set(cols):
        # no LQ to map (one industry only, as in a single-indicator NBS export): the values
        lf = _end_rows(tidy, cols, "value")
        facts = _facts(lf, cols, ("value",))
        if facts[2]["rows"][0]:
            return lf, cols, ("value",), facts
    return None


def map_sections(tables: Mapping[str, pl.LazyFrame], manifest: Mapping[str, Any], lang: str) -> dict | None:
    """The map section of the report (None without a table to map)."""
    from lqcalc.geo import boundaries
    from lqcalc.report.maps import Frame, choropleth, legend, quintiles, shape_defs

    total = manifest.get("total_industry")
    chosen = _choose(tables, total)
    if chosen is None:
        return None
    lf, cols, kinds, (regions, sizes, counts) = chosen
    # sorted: the regions without a shape are listed in the order of their codes
    regions = regions.sort(regions.columns, nulls_last=True)
    codes = regions["region"].cast(pl.String).to_list()
    scheme = boundaries.detect_scheme(codes)
    if scheme is None:
        return {"scheme": None, "note": t("no_scheme", lang)}
    frame = Frame(scheme)
    matched, missing = boundaries.join(codes, scheme)
    drawn = set(frame.codes)
    reference = {manifest.get("reference_region"), "000000", "0000000"}
    names = dict(zip(codes, regions["region_name"].to_list())) if "region_name" in regions.columns else {}
    without = [(c, names.get(c) or "") for c in missing if c not in reference]
    without += [(c, names.get(c) or "") for c, s in matched.items() if s not in drawn]
    shape_names = {s: names.get(c) or "" for c, s in matched.items()}

    present = sizes["industry"].to_list()
    wanted = [c for c in (manifest.get("settings", {}).get("chart_industries") or []) if c in present]
    counts = counts.row(0, named=True)
    kinds = tuple(k for k in kinds if counts[k])   # e.g. no growth in a single-year table
    per_industry = max(1, len(drawn) * len(kinds))
    n_maps = max(1, min(MAP_INDUSTRIES, MAP_BUDGET // per_industry))
    industries = (wanted or present)[:n_maps]
    ind_names = dict(zip(sizes["industry"], sizes["industry_name"])) if "industry_name" in sizes.columns else {}
    want = sorted({_COLUMN[k] for k in kinds})
    rows = lf.filter(pl.col("industry").is_in(industries)).select("region", "industry", *want).collect()
    labels = {c: t(f"class_{c.replace(' ', '_')}", lang) for c in ("both", "high concentration", "high growth", "neither")}
    measure = counts["measure"] if "measure" in cols else None
    out = []
    for ind in industries:
        sub = rows.filter(pl.col("industry") == ind)
        maps = []
        for kind in kinds:
            col = _COLUMN[kind]
            values = {matched[r]: v for r, v in zip(sub["region"].cast(pl.String), sub[col])
                      if r in matched and v is not None}
            if not values:
                continue   # e.g. no growth in a single-year table
            bins = quintiles(list(values.values())) if kind == "value" else None
            title = t(f"map_{kind}", lang, measure=measure or "")
            maps.append({"kind": kind, "title": title, "legend": legend(kind, labels, t("no_data", lang), bins),
                         "svg": choropleth(frame, values, kind, title, shape_names, bins)})
        out.append({"code": ind, "name": ind_names.get(ind) or ind, "maps": maps})
    year = counts["year"] if "year" in cols else None
    return {"scheme": scheme, "scheme_label": boundaries.SCHEMES[scheme][1 if lang == "zh" else 0],
            "defs": shape_defs(frame), "attribution": boundaries.attribution(scheme, lang), "shapes": len(drawn),
            "without": without, "industries": out, "year": year,
            "about": t("maps_values_about" if kinds == ("value",) else "maps_about", lang),
            "capped": t("maps_capped", lang, shown=len(industries), budget=MAP_BUDGET)
            if len(industries) < min(MAP_INDUSTRIES, len(wanted or present)) else None}
