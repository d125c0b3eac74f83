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
KINDS = ("lq", "growth", "class")
_COLUMN = {"lq": "lq", "growth": "growth", "class": "class_nesta"}


def _source(tables: Mapping[str, pl.LazyFrame]) -> tuple[pl.LazyFrame, list[str]] | None:
    for name in ("clusters", "indicators"):
        lf = tables.get(name)
        if lf is not None and {"region", "industry", "lq"} <= set(lf.collect_schema().names()):
            return lf, lf.collect_schema().names()
    return None


def _end_rows(lf: pl.LazyFrame, cols: list[str]) -> pl.LazyFrame:
    if "year" in cols:
        last = lf.select(pl.col("year").max()).collect().item()
        if last is not None:
            lf = lf.filter(pl.col("year") == last)
    if "measure" in cols:
        top = (lf.group_by("measure").len().sort(["len", "measure"], descending=[True, False]).head(1)
               .collect())
        if top.height:
            lf = lf.filter(pl.col("measure").eq_missing(top["measure"][0]))
    return lf


def map_sections(tables: Mapping[str, pl.LazyFrame], manifest: Mapping[str, Any], lang: str) -> dict | None:
    """The map section of the report (None when no region set of lqcalc matches the data)."""
    from lqcalc.geo import boundaries
    from lqcalc.report.maps import Frame, choropleth, legend, shape_defs

    src = _source(tables)
    if src is None:
        return None
    lf, cols = src
    lf = _end_rows(lf, cols)
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
    total = manifest.get("total_industry")
    sizes = (lf.filter(pl.col("industry") != total) if total else lf).group_by("industry").agg(
        pl.col(size).sum().alias("s"),
        *([pl.col("industry_name").first()] if "industry_name" in cols else []),
    ).sort(["s", "industry"], descending=[True, False], nulls_last=True).collect()
    present = sizes["industry"].to_list()
    wanted = [c for c in (manifest.get("settings", {}).get("chart_industries") or []) if c in present]
    industries = (wanted or present)[:MAP_INDUSTRIES]
    ind_names = dict(zip(sizes["industry"], sizes["industry_name"])) if "industry_name" in sizes.columns else {}
    want = [c for c in ("lq", "growth", "class_nesta") if c in cols]
    rows = lf.filter(pl.col("industry").is_in(industries)).select("region", "industry", *want).collect()
    labels = {c: t(f"class_{c.replace(' ', '_')}", lang) for c in ("both", "high concentration", "high growth", "neither")}
    out = []
    for ind in industries:
        sub = rows.filter(pl.col("industry") == ind)
        maps = []
        for kind in KINDS:
            col = _COLUMN[kind]
            if col not in sub.columns:
                continue
            values = {matched[r]: v for r, v in zip(sub["region"].cast(pl.String), sub[col]) if r in matched}
            title = t(f"map_{kind}", lang)
            maps.append({"kind": kind, "title": title, "legend": legend(kind, labels, t("no_data", lang)),
                         "svg": choropleth(frame, values, kind, title, shape_names)})
        out.append({"code": ind, "name": ind_names.get(ind) or ind, "maps": maps})
    return {"scheme": scheme, "scheme_label": boundaries.SCHEMES[scheme][1 if lang == "zh" else 0],
            "defs": shape_defs(frame), "attribution": boundaries.attribution(scheme), "shapes": len(drawn),
            "without": without, "industries": out,
            "year": rows.height and lf.select(pl.col("year").max()).collect().item() if "year" in cols else None}
