"""The ``proximity`` table: industry x industry x year x measure x region level.

Every ordered pair of two leaf industries of one incidence matrix
(:mod:`lqcalc.tables.relatedness`): ``cooccurrence`` (regions specialised in both),
``proximity`` (Hidalgo et al. 2007, the minimum of the two conditional probabilities, as
``py-ecomplexity``) and ``relatedness`` (EconGeo's probability index, 1 = as often as chance).
"""

from __future__ import annotations

import polars as pl

from lqcalc.metrics._safe import coded_reason
from lqcalc.tables.relatedness import ComplexityParts

PROXIMITY_COLUMNS = ["industry", "industry_name", "industry_2", "industry_2_name", "year", "measure", "region_level",
                     "cooccurrence", "proximity", "relatedness", "null_reason"]


def proximity_table(parts: ComplexityParts) -> pl.DataFrame:
    """The pairs of ``parts`` with the industry names, sorted, with a ``null_reason``.

    >>> from lqcalc.tables.relatedness import complexity_parts
    >>> ind = pl.DataFrame({"region": ["A", "A", "B", "B"], "region_name": None, "industry": ["x", "y"] * 2,
    ...     "industry_name": ["X", "Y"] * 2, "year": 2020, "measure": "emp", "region_level": 0,
    ...     "lq": [1.5, 1.1, 0.7, 1.2]}, schema_overrides={"region_name": pl.String, "year": pl.Int32,
    ...     "region_level": pl.Int32})
    >>> proximity_table(complexity_parts(ind)).select("industry", "industry_2_name", "cooccurrence", "proximity").rows()
    [('x', 'Y', 1, 0.5), ('y', 'X', 1, 0.5)]
    """
    names = (parts.relatedness.select("industry", "industry_name").unique("industry", keep="first"))
    pairs = parts.pairs.join(names, on="industry", how="left", maintain_order="left").join(
        names.rename({"industry": "industry_2", "industry_name": "industry_2_name"}), on="industry_2", how="left",
        maintain_order="left")
    reason = coded_reason([(pl.col("proximity").is_null(),
                            "proximity: no region of the level is specialised in one of the two industries")])
    return pairs.with_columns(reason.alias("null_reason")).sort(
        "year", "measure", "region_level", "industry", "industry_2").select(PROXIMITY_COLUMNS)
