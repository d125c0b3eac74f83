"""Group aggregates put on the rows of their group (:func:`sums_on_rows`), and the closed
shares the concentration and specialization indices sum (:func:`with_closed_shares`)."""

from __future__ import annotations

import polars as pl

from lqcalc.metrics._safe import safe_div
from lqcalc.tables.codes import by_code
from lqcalc.tables.engine import ROW_ENGINE


def sums_on_rows(df: pl.DataFrame, keys: list[str], aggs: list[pl.Expr]) -> pl.DataFrame:
    """``df`` with the group aggregates ``aggs`` over ``keys`` on each of its rows (order kept).

    When the key is one integer column in sorted order (a partition's rows come region by
    region, so the region key is), the sums are windows over contiguous runs, polars'
    sorted fast path (region sums of one 3.1M-row year: 0.08 -> 0.02 s). When it is one
    integer column of small values in any order (a packed key, :func:`pack_keys`), the
    aggregates of a group-by are looked up by the key (:func:`by_code`), a gather where a
    join back would hash every row (the cluster cutoffs of one year, group-by included:
    1.1-1.4 -> 0.24-0.29 s); otherwise a group-by joined back, which the in-memory engine
    runs faster than windows over an unsorted key. Either way each group is aggregated in
    row order; the windows over a sorted key add a group's values in another order than a
    group-by, so their float sums may differ from the join's in the last bits (relative
    difference below 1e-13, checked in ``tests/test_metrics_shortcuts.py``; the other two
    paths give the join's bits).

    >>> df = pl.DataFrame({"k": [0, 0, 1], "x": [1.0, 2.0, 4.0]}, schema_overrides={"k": pl.UInt64})
    >>> sums_on_rows(df, ["k"], [pl.col("x").sum().alias("s")])["s"].to_list()
    [3.0, 3.0, 4.0]
    >>> sums_on_rows(df.reverse(), ["k"], [pl.col("x").sum().alias("s")])["s"].to_list()
    [4.0, 3.0, 3.0]
    >>> sums_on_rows(df.with_columns(k=pl.Series([1, 0, 1], dtype=pl.UInt64)), ["k"], [pl.col("x").sum().alias("s")])["s"].to_list()
    [5.0, 2.0, 5.0]
    """
    if len(keys) == 1 and df.height:
        k = df[keys[0]]
        if k.dtype.is_integer() and k.null_count() == 0:
            if k.is_sorted():
                return df.with_columns(k.set_sorted()).with_columns([a.over(keys[0]) for a in aggs])
            if k.min() >= 0 and k.max() < 2 * df.height:   # type: ignore[operator]
                sums = df.lazy().group_by(keys).agg(aggs).collect(engine=ROW_ENGINE)
                return df.with_columns(by_code(sums[keys[0]], sums[c]).gather(k)
                                       for c in sums.columns if c != keys[0])
    sums = df.lazy().group_by(keys).agg(aggs)
    return df.lazy().join(sums, on=keys, how="left", nulls_equal=True, maintain_order="left").collect(engine=ROW_ENGINE)


def with_closed_shares(df: pl.DataFrame, x: str, base: str, keys: list[str],
                       extra: dict[str, list[str]] | None = None) -> pl.LazyFrame:
    """Add row-level closed shares within ``keys``: ``_p`` of ``x`` over the rows with ``x``;
    ``_a`` and ``_b`` of ``x`` and ``base`` over the rows where both are present.

    ``extra`` maps a column name to further keys: ``{"_P": [*keys, "_group"]}`` adds the share
    of the row's finer group in the ``keys`` group. Group sums are put on the rows by
    :func:`sums_on_rows`.
    """
    both = pl.col(x).is_not_null() & pl.col(base).is_not_null()
    df = df.with_columns(pl.when(both).then(pl.col(x)).alias("_xm"), pl.when(both).then(pl.col(base)).alias("_bm"))
    df = sums_on_rows(df, keys, [pl.col(x).sum().alias("_sx"), pl.col("_xm").sum().alias("_sxm"),
                                  pl.col("_bm").sum().alias("_sbm")])
    for name, fine in (extra or {}).items():
        df = sums_on_rows(df, fine, [pl.col(x).sum().alias("_sfine")]).with_columns(
            pl.when(pl.col(x).is_not_null()).then(safe_div(pl.col("_sfine"), pl.col("_sx"))).alias(name)
        ).drop("_sfine")
    return df.lazy().with_columns(
        safe_div(pl.col(x), pl.col("_sx")).alias("_p"),
        safe_div(pl.col("_xm"), pl.col("_sxm")).alias("_a"),
        safe_div(pl.col("_bm"), pl.col("_sbm")).alias("_b"),
    ).drop("_xm", "_bm", "_sx", "_sxm", "_sbm")
