"""Rates, percentages and indexes: measures of their own kind.

A measure is a *rate* when its unit is not additive (``%``, ``‰``, ``上年=100``, a ratio such
as ``元/人``), when its name says so (``规模以上工业增加值增长率``, ``第三产业比重``,
``居民消费价格指数``), or when the run lists it (``--rate MEASURE``). A rate

* may be negative (a growth rate of -16.0 % is a fact, not an error);
* is never summed into a region total or a reference value;
* gets no LQ, share, concentration or specialization index (each is a ratio of sums), only a
  ``null_reason`` saying why (:data:`REASON`);
* stays in ``tidy.parquet`` as read, and its change over time is the difference of its
  values, in percentage points (``change`` in the growth table).

The same rule holds in ``lqcalc import``, ``lqcalc validate`` and ``lqcalc run``.

>>> is_rate("规模以上工业增加值增长率", None), is_rate("城镇单位就业人员", "persons"), is_rate("gdp", "percent")
(True, False, True)
>>> is_rate("employment", None, declared=["employment"])
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lqcalc.units import is_additive

#: Words of a measure's name that make it a rate (growth rates, shares, indexes).
RATE_NAME = re.compile(r"(增长率|增长速度|增速|比重|占比|指数|growth[ _-]?rate|percent|pct\b|share\b|ratio\b)", re.I)

#: The ``null_reason`` of an indicator that a rate does not have.
REASON = "{measure} is a rate ({unit}): never summed, so no LQ, share or concentration index"

#: The growth table's reason: the change of a rate is in percentage points.
GROWTH_REASON = "{measure} is a rate ({unit}): its change is given in percentage points (change), not as growth"


def is_rate(measure: str | None, unit: str | None, declared: Iterable[str] = ()) -> bool:
    """Whether ``measure`` (with base ``unit``) is a rate: non-additive unit, name, or ``--rate``."""
    if measure is None:
        return False
    if measure in set(declared):
        return True
    if unit is not None and not is_additive(unit):
        return True
    return bool(RATE_NAME.search(measure))


def rate_measures(units: dict[str, Iterable[str | None]] | Iterable[tuple[str, str | None]],
                  declared: Iterable[str] = ()) -> dict[str, str]:
    """The rates among measures: ``{measure: unit as shown}``.

    ``units`` maps each measure to its units (``ValidationContext.units``), or is a list of
    ``(measure, unit)`` pairs.

    >>> rate_measures([("增长率", "percent"), ("emp", "persons"), ("比重", None)])
    {'增长率': 'percent', '比重': 'rate'}
    """
    declared = list(declared)
    pairs: dict[str, set] = {}
    items = units.items() if isinstance(units, dict) else ((m, [u]) for m, u in units)
    for m, us in items:
        pairs.setdefault(m, set()).update(us if us else [None])
    out = {}
    for m in sorted(k for k in pairs if k is not None):
        known = sorted(u for u in pairs[m] if u is not None)
        if any(is_rate(m, u, declared) for u in known or [None]):
            out[m] = ", ".join(known) if known else "rate"
    return out


def unknown_declared(declared: Iterable[str], measures: Iterable[str]) -> list[str]:
    """Names given with ``--rate`` that are no measure of the input."""
    have = set(measures)
    return [d for d in declared if d not in have]


def describe(rates: dict[str, str], lang: str = "en") -> str | None:
    """The one line a run prints about its rates (None when there are none).

    >>> describe({"增长率": "percent"})
    'rates (never summed; no LQ, share or concentration; change in percentage points): 增长率 [percent]'
    """
    if not rates:
        return None
    names = ", ".join(f"{m} [{u}]" for m, u in rates.items())
    if lang == "zh":
        return f"比率类指标（不加总，不计算区位商、比重和集中度，变化以百分点计）：{names}"
    return f"rates (never summed; no LQ, share or concentration; change in percentage points): {names}"





#: Per table, the columns a rate keeps on its rows (its values as read, and its change).
KEEP = {
    "indicators": {"value"},
    "growth": {"start_value", "end_value", "change"},
    "clusters": {"size"},
    "targets": {"target_value", "first_value", "latest_value"},
}

#: Columns never nulled: keys, names, units, flags of the row's place.
_KEYS = {"region", "region_name", "industry", "industry_name", "year", "measure", "unit", "period", "start_year",
         "end_year", "parent_region", "region_level", "is_leaf", "is_total_industry", "target", "target_year",
         "first_year", "latest_year", "intensity", "n_industries", "n_regions", "null_reason"}


def mask_table(name: str, df, rates: dict[str, str]):
    """``df`` (an output table) with every indicator of the rows of a rate null, and a
    ``null_reason`` saying why (:data:`REASON`; in the growth table :data:`GROWTH_REASON`,
    whose ``change`` is the difference in percentage points).

    >>> import polars as pl
    >>> t = pl.DataFrame({"region": ["A", "A"], "measure": ["emp", "增长率"], "unit": ["persons", "percent"],
    ...                   "value": [5.0, -16.0], "lq": [1.2, 0.9], "null_reason": [None, None]})
    >>> mask_table("indicators", t, {"增长率": "percent"}).select("value", "lq", "null_reason").rows()[1]
    (-16.0, None, '增长率 is a rate (percent): never summed, so no LQ, share or concentration index')
    """
    import polars as pl

    if not rates or "measure" not in df.columns or df.height == 0:
        return df
    is_rate = pl.col("measure").is_in(sorted(rates))
    keep = KEEP.get(name, set())
    cols = [c for c, t in df.schema.items()
            if c not in keep and c not in _KEYS and not c.startswith("_")
            and (t.is_numeric() or t == pl.Boolean or c.startswith("class_"))]
    template = GROWTH_REASON if name == "growth" else REASON
    unit = pl.col("measure").replace_strict(rates, default="rate", return_dtype=pl.String)
    reason = pl.format(template.replace("{measure}", "{}").replace("{unit}", "{}"), pl.col("measure"), unit)
    extra = []
    if name == "growth" and {"change", "start_value", "end_value"} <= set(df.columns):
        # the difference of two rates, in percentage points, without float noise (5.5 - 4.7 = 0.8)
        extra.append(pl.when(is_rate).then((pl.col("end_value") - pl.col("start_value")).round(10))
                     .otherwise(pl.col("change")).alias("change"))
    return df.with_columns(
        *extra,
        *[pl.when(is_rate).then(None).otherwise(pl.col(c)).alias(c) for c in cols],
        pl.when(is_rate).then(reason).otherwise(pl.col("null_reason")).alias("null_reason"),
    )
__all__ = ["RATE_NAME", "REASON", "GROWTH_REASON", "KEEP", "is_rate", "rate_measures", "unknown_declared", "describe", "mask_table"]
