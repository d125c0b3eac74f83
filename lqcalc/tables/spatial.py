"""Spatial statistics of the end year: the ``spatial`` table (global Moran's I of the LQ and of
the growth of each industry) and the LISA columns of ``clusters`` (the sixth cluster rule,
``class_spatial``: ``high-high`` is a spatial hot spot).

The neighbours come from, in this order: a weights file (``--weights``), else the boundary
data of the maps (:mod:`lqcalc.geo.boundaries`, when the regions' codes are a known scheme)
with queen contiguity (islands linked to their nearest region by default) or k nearest
neighbours. Without either the statistics are skipped and every row says why.
Statistics of :mod:`lqcalc.metrics.spatial`; settings in ``[clusters]``
(:data:`lqcalc.metrics.clusters.DEFAULTS`).
"""

from __future__ import annotations

import importlib.util
from typing import Any

import numpy as np
import polars as pl

from lqcalc.metrics._safe import coded_reason, join_reasons

SPATIAL_COLUMNS = ["industry", "industry_name", "year", "measure", "region_level", "variable", "moran_i", "expected_i",
                   "z_sim", "p_sim", "n_regions", "n_islands", "weights", "null_reason"]
LISA_COLUMNS = ["lisa_i", "lisa_p", "lisa_quadrant", "class_spatial"]
#: the variables whose global Moran's I the table holds
VARIABLES = ("lq", "growth")


def spatial_weights(codes: list[str], settings: dict[str, Any], weights_file: str | None):
    """The :class:`lqcalc.geo.weights.Weights` of ``codes``, or ``(None, reason)`` when there are none.

    Returns ``(weights, None)`` or ``(None, reason)``.
    """
    if importlib.util.find_spec("libpysal") is None or importlib.util.find_spec("esda") is None:
        from lqcalc.geo.weights import EXTRA_HINT

        return None, f"libpysal and esda are not installed ({EXTRA_HINT})"
    from lqcalc.geo import weights as gw

    if weights_file:
        return gw.read_weights(weights_file), None
    boundaries = importlib.import_module("lqcalc.geo.boundaries")   # the shapes the maps draw

    scheme = boundaries.detect_scheme(codes)
    if scheme is None:
        return None, "the region codes are not a boundary scheme lqcalc knows: give a weights file (--weights)"
    to_shape = {c: boundaries.shape_code(c, scheme) for c in codes}
    back = {s: c for c, s in to_shape.items() if s is not None}
    feats = [{**f, "properties": {**f["properties"], "code": back[str(f["properties"]["code"])]}}
             for f in boundaries.features(scheme) if str(f["properties"]["code"]) in back]
    if not feats:
        return None, f"no boundary of {scheme} matches the regions: give a weights file (--weights)"
    if settings["spatial_neighbours"] == "knn":
        w = gw.knn(feats, settings["spatial_k"])
    else:
        w = gw.queen(feats, islands=settings["spatial_islands"])
    w.source = f"{w.source} of the {scheme} boundaries"
    return w, None


def _values(rows: pl.DataFrame, col: str, ids: list[str]) -> tuple[list[str], np.ndarray]:
    known = rows.filter(pl.col(col).is_not_null() & pl.col(col).is_finite() & pl.col("region").is_in(ids))
    vals = dict(zip(known["region"].to_list(), known[col].to_list()))
    keep = [c for c in ids if c in vals]
    return keep, np.array([vals[c] for c in keep], dtype=float)


def spatial_parts(clusters: pl.DataFrame, weights, skip_reason: str | None,
                  settings: dict[str, Any]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``clusters`` with the LISA columns, and the ``spatial`` table.

    One set of statistics per industry x measure x region level (regions of one level are
    compared only with each other); a region without a value (LQ null) or outside the weights
    leaves the computation, and its neighbours are re-weighted.
    """
    from lqcalc.metrics import spatial as sp

    keys = ["industry", "year", "measure", "region_level"]
    lisa_parts, rows_out = [], []
    perms, seed, alpha = settings["spatial_permutations"], settings["spatial_seed"], settings["spatial_alpha"]
    for key, group in clusters.group_by(keys, maintain_order=True):
        industry, year, measure, level = key
        base = {"industry": industry, "industry_name": group["industry_name"][0], "year": year, "measure": measure,
                "region_level": level}
        if weights is None:
            for var in VARIABLES:
                rows_out.append({**base, "variable": var, "n_regions": 0, "n_islands": None, "weights": None,
                                 "null_reason": f"moran: skipped, {skip_reason}"})
            continue
        from lqcalc.geo.weights import subset

        for var in VARIABLES:
            ids, y = _values(group, var, weights.ids)
            if len(ids) < 3:
                rows_out.append({**base, "variable": var, "n_regions": len(ids), "n_islands": None,
                                 "weights": weights.describe(),
                                 "null_reason": f"moran: {len(ids)} regions with a {var} value and neighbours data"})
                continue
            sub = subset(weights, ids)
            g = sp.global_moran(y, sub.w, perms, seed)
            rows_out.append({**base, "variable": var, "moran_i": g.moran_i, "expected_i": g.expected_i,
                             "z_sim": g.z_sim, "p_sim": g.p_sim, "n_regions": len(ids), "n_islands": len(sub.islands),
                             "weights": sub.describe(), "null_reason": g.reason})
            if var == "lq":
                lisa_parts.append(sp.local_moran(y, sub.w, perms, seed, alpha).with_columns(
                    pl.lit(industry, pl.String).alias("industry"), pl.lit(year, clusters.schema["year"]).alias("year"),
                    pl.lit(measure, pl.String).alias("measure")))
    schema = {"industry": pl.String, "industry_name": pl.String, "year": clusters.schema["year"], "measure": pl.String,
              "region_level": clusters.schema["region_level"], "variable": pl.String, "moran_i": pl.Float64,
              "expected_i": pl.Float64, "z_sim": pl.Float64, "p_sim": pl.Float64, "n_regions": pl.Int64,
              "n_islands": pl.Int64, "weights": pl.String, "null_reason": pl.String}
    table = pl.DataFrame(rows_out, schema=schema).select(SPATIAL_COLUMNS)
    lisa_schema = {"region": pl.String, "lisa_i": pl.Float64, "lisa_p": pl.Float64, "lisa_quadrant": pl.String,
                   "class_spatial": pl.String, "industry": pl.String, "year": clusters.schema["year"],
                   "measure": pl.String}
    lisa = pl.concat(lisa_parts) if lisa_parts else pl.DataFrame(schema=lisa_schema)
    out = clusters.join(lisa, on=["region", "industry", "year", "measure"], how="left", nulls_equal=True,
                        maintain_order="left")
    if weights is None:
        reason = coded_reason([(pl.lit(True), f"class_spatial: skipped, {skip_reason}")])
    else:
        in_w = pl.col("region").is_in(weights.ids)
        reason = coded_reason([
            (~in_w, "class_spatial: the region is not in the spatial weights"),
            (pl.col("lq").is_null(), "class_spatial: lq is null"),
            (pl.col("class_spatial").is_null(), "class_spatial: no neighbour with an LQ, or fewer than 3 regions"),
        ])
    order = [c for c in clusters.columns if c != "null_reason"] + LISA_COLUMNS + ["null_reason"]
    out = out.with_columns(join_reasons([pl.col("null_reason"), reason]).alias("null_reason")).select(order)
    return out, table
