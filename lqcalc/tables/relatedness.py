"""The ``relatedness`` table (region x industry x year x measure) and the complexity columns
of ``regions`` and ``industries`` (:mod:`lqcalc.metrics.complexity`).

One incidence matrix per year x measure x ``region_level``: the regions of one level (never
the reference region) against the **leaf** industries (no sum across levels of a code
hierarchy), :math:`M_{c,p} = 1` when the LQ is at least ``mcp_threshold``. The industry x
industry pairs of the same matrices go to the ``proximity`` table
(:mod:`lqcalc.tables.proximity`).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from lqcalc.metrics import complexity as cx
from lqcalc.metrics._safe import coded_reason, join_reasons

#: the incidence matrix of each of these groups is computed on its own
GROUP = ["year", "measure", "region_level"]

RELATEDNESS_COLUMNS = ["region", "region_name", "industry", "industry_name", "year", "measure", "region_level", "lq",
                       "mcp", "density", "relatedness_density", "cog", "null_reason"]
REGION_COLUMNS = ["diversity", "eci", "coi"]
INDUSTRY_COLUMNS = ["ubiquity", "pci"]


@dataclass
class ComplexityParts:
    """What one pass over the matrices gives: the ``relatedness`` rows, the ``proximity``
    pairs, the region columns (``region``, ``year``, ``measure``, ``diversity``, ``eci``,
    ``coi``) and the industry columns (``industry``, ``year``, ``measure``, ``region_level``,
    ``ubiquity``, ``pci``)."""

    relatedness: pl.DataFrame
    pairs: pl.DataFrame
    regions: pl.DataFrame
    industries: pl.DataFrame


def _empty(columns: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(schema=columns)


_CELL_SCHEMA = {"region": pl.String, "industry": pl.String, "density": pl.Float64, "relatedness_density": pl.Float64,
                "cog": pl.Float64}
_GROUP_SCHEMA = {"year": pl.Int32, "measure": pl.String, "region_level": pl.Int32}


def complexity_parts(indicators: pl.DataFrame, mcp_threshold: float = 1.0) -> ComplexityParts:
    """Relatedness, proximity and complexity of every year x measure x region level.

    ``indicators`` is (a partition of) the ``indicators`` table; rows of industries that are
    not leaves are left out.

    >>> ind = pl.DataFrame({"region": ["A", "A", "B", "B"], "region_name": None, "industry": ["x", "y"] * 2,
    ...     "industry_name": None, "year": 2020, "measure": "emp", "region_level": 0, "is_leaf": True,
    ...     "lq": [1.5, 0.5, 0.7, 1.2]}, schema_overrides={"region_name": pl.String, "industry_name": pl.String,
    ...     "year": pl.Int32, "region_level": pl.Int32})
    >>> parts = complexity_parts(ind)
    >>> parts.relatedness.select("region", "industry", "mcp", "density").rows()
    [('A', 'x', 1, 1.0), ('A', 'y', 0, 0.0), ('B', 'x', 0, 0.0), ('B', 'y', 1, 1.0)]
    >>> parts.pairs.select("industry", "industry_2", "cooccurrence", "proximity").rows()
    [('x', 'y', 0, 0.0), ('y', 'x', 0, 0.0)]
    """
    cols = ["region", "region_name", "industry", "industry_name", "year", "measure", "region_level", "lq"]
    rows = indicators.lazy()
    if "is_leaf" in indicators.columns:
        rows = rows.filter(pl.col("is_leaf"))
    rows = rows.select(cols).with_columns(cx.mcp("lq", mcp_threshold).alias("mcp")).collect()
    rel_parts, pair_parts, reg_parts, ind_parts = [], [], [], []
    for key, group in rows.group_by(GROUP, maintain_order=True):
        year, measure, level = key
        out = cx.complexity_frames(group.select("region", "industry", "mcp"))
        tag = [pl.lit(year, pl.Int32).alias("year"), pl.lit(measure, pl.String).alias("measure")]
        rel_parts.append(group.join(out["cells"], on=["region", "industry"], how="left", maintain_order="left"))
        pair_parts.append(out["pairs"].with_columns(*tag, pl.lit(level, pl.Int32).alias("region_level")))
        reg_parts.append(out["regions"].with_columns(*tag))
        ind_parts.append(out["industries"].with_columns(*tag, pl.lit(level, pl.Int32).alias("region_level")))
    if rel_parts:
        rel = pl.concat(rel_parts, how="vertical_relaxed")
    else:
        rel = rows.with_columns(*(pl.lit(None, t).alias(c) for c, t in _CELL_SCHEMA.items() if c not in rows.columns))
    reasons = join_reasons([
        coded_reason([(pl.col("lq").is_null(), "mcp: lq is null (counted as not specialised in the matrix)")]),
        coded_reason([(pl.col("density").is_null(), "density, relatedness_density: no region of the level is "
                                                    "specialised in the industry")]),
        coded_reason([(pl.col("density").is_not_null() & pl.col("relatedness_density").is_null(),
                       "relatedness_density: the industry co-occurs with no other industry")]),
        coded_reason([(pl.col("cog").is_null() & pl.col("density").is_not_null(),
                       "cog: no complexity index (fewer than 2 regions or industries with a specialisation)")]),
    ])
    rel = rel.with_columns(reasons.alias("null_reason")).sort("region", "industry", "year", "measure").select(
        RELATEDNESS_COLUMNS)
    pairs = pl.concat(pair_parts) if pair_parts else _empty(
        {"industry": pl.String, "industry_2": pl.String, "cooccurrence": pl.Int64, "proximity": pl.Float64,
         "relatedness": pl.Float64, **_GROUP_SCHEMA})
    regions = pl.concat(reg_parts) if reg_parts else _empty(
        {"region": pl.String, "diversity": pl.Int64, "eci": pl.Float64, "coi": pl.Float64, "year": pl.Int32,
         "measure": pl.String})
    industries = pl.concat(ind_parts) if ind_parts else _empty(
        {"industry": pl.String, "ubiquity": pl.Int64, "pci": pl.Float64, **_GROUP_SCHEMA})
    return ComplexityParts(rel, pairs, regions, industries)


def with_region_complexity(regions: pl.DataFrame, parts: ComplexityParts) -> pl.DataFrame:
    """The ``regions`` table with ``diversity``, ``eci`` and ``coi`` (null for regions outside
    the matrices, such as the reference region)."""
    cols = parts.regions.select("region", "year", "measure", *REGION_COLUMNS)
    out = regions.join(cols, on=["region", "year", "measure"], how="left", nulls_equal=True, maintain_order="left")
    return _reason_last(out)


def _reason_last(df: pl.DataFrame) -> pl.DataFrame:
    if "null_reason" not in df.columns:
        return df
    return df.select(*(c for c in df.columns if c != "null_reason"), "null_reason")


def with_industry_complexity(industries: pl.DataFrame, parts: ComplexityParts) -> pl.DataFrame:
    """The ``industries`` table with ``ubiquity`` and ``pci`` (leaf industries only)."""
    keys = ["industry", "year", "measure", "region_level"]
    cols = parts.industries.select(*keys, *INDUSTRY_COLUMNS)
    return _reason_last(industries.join(cols, on=keys, how="left", nulls_equal=True, maintain_order="left"))
