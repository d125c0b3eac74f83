"""Facts of the base frame that several tables use: the total industry, the years, the
measure of establishment counts, the order of the keys."""

from __future__ import annotations

import re

import polars as pl

from lqcalc.errors import UsageError, did_you_mean

#: Order of the key columns of the region x industry tables.
KEY_ORDER = ["region", "industry", "year", "measure"]
#: The ``industry`` of the region-total rows when no total industry code is known.
TOTAL_STAR = "*"

#: Measure names recognised as establishment counts when ``establishments_measure`` is not set.
ESTABLISHMENT_PATTERN = re.compile(r"estab|establishment|单位数|企业数|法人单位|企业个数", re.IGNORECASE)


def total_code_of(base: pl.DataFrame) -> str:
    """The code of the total industry rows of ``base``, or :data:`TOTAL_STAR` unless there is one."""
    codes = base.filter(pl.col("is_total_industry"))["industry"].unique().drop_nulls().to_list()
    return codes[0] if len(codes) == 1 else TOTAL_STAR


def total_name_of(base: pl.DataFrame) -> str | None:
    """The name of the total industry rows of ``base`` when they have one name."""
    names = base.filter(pl.col("is_total_industry"))["industry_name"].drop_nulls().unique().to_list()
    return names[0] if len(names) == 1 else None


def years_of(base: pl.DataFrame) -> list[int]:
    """The distinct years of ``base``, ascending."""
    return sorted(int(y) for y in base["year"].drop_nulls().unique().to_list())


def establishments_measure(measures: list[str], setting: str | None) -> str | None:
    """The measure holding establishment counts: the setting, or a recognised name.

    >>> establishments_measure(["annual_avg_emplvl", "annual_avg_estabs_count"], None)
    'annual_avg_estabs_count'
    >>> establishments_measure(["employment"], None) is None
    True
    """
    if setting:
        if setting not in measures:
            raise UsageError(f"[clusters] establishments_measure {setting!r} is not a measure of the input",
                             hint=did_you_mean(setting, measures) or "measures: " + ", ".join(sorted(measures)))
        return setting
    found = [m for m in measures if ESTABLISHMENT_PATTERN.search(m)]
    return found[0] if len(found) == 1 else None


def is_estab_col(estab: str | None) -> pl.Expr:
    """True on rows of the establishment-count measure."""
    return (pl.col("measure") == estab) if estab is not None else pl.lit(False)
