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


def _nonempty(lf: pl.LazyFrame | None, need: set[str]) -> bool:
    return lf is not None and need <= set(lf.collect_schema().names()) and lf.head(1).collect().height > 0


def _end_rows(lf: pl.LazyFrame, cols: list[str], value: str | None = None) -> pl.LazyFrame:
    """Rows of the latest year (with a value in ``value``) of the most frequent measure."""
    if "measure" in cols:
        top = (lf.group_by("measure").len().sort(["len", "measure"], descending=[True, False]).head(1)
               .collect())
        if top.height:
            lf = lf.filter(pl.col("measure").eq_missing(top["measure"][0]))
    if "year" in cols:
        known = lf.filter(pl.col(value).is_not_null()) if value else lf
        last = known.select(pl.col("year").max()).collect().item()
        if last is not None:
            lf = lf.filter(pl.col("year") == last)
    return lf


def _choose(tables: Mapping[str, pl.LazyFrame], total: str | None):
    """(rows, columns, kinds): the end-year cells to map and which maps they allow."""
    for name in ("clusters", "indicators"):
        lf = tables.get(name)
        if _nonempty(lf, {"region", "industry", "lq"}):
            cols = lf.collect_schema().names()
            lf = _end_rows(lf, cols, "lq")
            if total:
                lf = lf.filter(pl.col("industry") != total)
            if lf.head(1).collect().height:
                kinds = tuple(k for k in KINDS if _COLUMN[k] in cols)
                return lf, cols, kinds
    tidy = tables.get("tidy")
    if _nonempty(tidy, {"region", "industry", "value"}):
        # no LQ to map (one industry only, as in a single-indicator NBS export): the values
        cols = tidy.collect_schema().names()
        return _end_rows(tidy, cols, "value"), cols, ("value",)
    return None


def map_sections(tables: Mapping[str, pl.LazyFrame], manifest: Mapping[str, Any], lang: str) -> dict | None:
    """The map section of the report (None without a table to map)."""
    from lqcalc.geo import boundaries
    from lqcalc.report.maps import Frame, choropleth, legend, quintiles, shape_defs

    total = manifest.get("total_industry")
    chosen = _choose(tables, total)
    if chosen is None:
        return None
    lf, cols, kinds = chosen
    regions = lf.select(["region", *(["region_name"] if "region_name" in cols else [])]).unique().collect()
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

    size = "size" if "size" in cols else "value" if "value" in cols else "lq"
    sizes = lf.group_by("industry").agg(
        pl.col(size).sum().alias("s"),
        *([pl.col("industry_name").first()] if "industry_name" in cols else []),
    ).sort(["s", "industry"], descending=[True, False], nulls_last=True).collect()
    present = sizes["industry"].to_list()
    wanted = [c for c in (manifest.get("settings", {}).get("chart_industries") or []) if c in present]
    counts = lf.select(pl.col(_COLUMN[k]).is_not_null().sum().alias(k) for k in kinds).collect().row(0, named=True)
    kinds = tuple(k for k in kinds if counts[k])   # e.g. no growth in a single-year table
    per_industry = max(1, len(drawn) * len(kinds))
    n_maps = max(1, min(MAP_INDUSTRIES, MAP_BUDGET // per_industry))
    industries = (wanted or present)[:n_maps]
    ind_names = dict(zip(sizes["industry"], sizes["industry_name"])) if "industry_name" in sizes.columns else {}
    want = sorted({_COLUMN[k] for k in kinds})
    rows = lf.filter(pl.col("industry").is_in(industries)).select("region", "industry", *want).collect()
    labels = {c: t(f"class_{c.replace(' ', '_')}", lang) for c in ("both", "high concentration", "high growth", "neither")}
    measure = lf.select(pl.col("measure").first()).collect().item() if "measure" in cols else None
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
    year = lf.select(pl.col("year").max()).collect().item() if "year" in cols else None
    return {"scheme": scheme, "scheme_label": boundaries.SCHEMES[scheme][1 if lang == "zh" else 0],
            "defs": shape_defs(frame), "attribution": boundaries.attribution(scheme, lang), "shapes": len(drawn),
            "without": without, "industries": out, "year": year,
            "about": t("maps_values_about" if kinds == ("value",) else "maps_about", lang),
            "capped": t("maps_capped", lang, shown=len(industries), budget=MAP_BUDGET)
            if len(industries) < min(MAP_INDUSTRIES, len(wanted or present)) else None}
