"""The ``null_reason`` texts of a table, built only where an indicator is null."""

from __future__ import annotations

import polars as pl

from lqcalc import schema
from lqcalc.metrics._safe import join_reasons
from lqcalc.tables.engine import ROW_ENGINE

#: The reason of every indicator of a row whose value is missing.
VALUE_MISSING = "value is missing"


def reasons_where_null(df: pl.DataFrame, parts: list[tuple[str, pl.Expr]],
                       missing: tuple[str, str] | None = None) -> pl.Series:
    """``null_reason`` for every row of ``df``: for each ``(column, reason)`` of ``parts``,
    ``reason`` evaluated on the rows where ``column`` is null only, the texts of a row joined
    with ``"; "`` in the order of ``parts``; null on the rows where every column has a value.

    A reason text costs far more than an indicator, and most null indicators of a row have
    one cause: a cell of value 0 has every indicator but its confidence interval, so only
    the interval's reason is evaluated there. ``missing=(col, text)`` gives the rows where
    ``col`` is null ``text`` alone (a missing value: every indicator is null for that reason).
    A row with one text takes it as it is; only the rows with several join them. Every text
    is put in place at once. Row order is unchanged.

    Applies to every table with reasons: the texts are those of every reason evaluated on
    every row and joined with :func:`lqcalc.metrics._safe.join_reasons`
    (``tests/test_metrics_shortcuts.py`` compares the two).

    >>> df = pl.DataFrame({"x": [1, 2, None, 4, 5], "a": [1.0, None, None, None, 5.0],
    ...                    "b": [1.0, 2.0, None, None, None]})
    >>> parts = [("a", pl.format("a: x is {}", pl.col("x"))), ("b", pl.lit("b: no b"))]
    >>> reasons_where_null(df, parts, missing=("x", "x is missing")).to_list()
    [None, 'a: x is 2', 'x is missing', 'a: x is 4; b: no b', 'b: no b']

    A reason that is null on a row adds nothing to it:

    >>> parts = [("a", pl.format("a: x is {}", pl.col("x"))), ("b", pl.when(pl.col("x") > 4).then(pl.lit("b: no b")))]
    >>> reasons_where_null(df, parts).to_list()
    [None, 'a: x is 2', None, 'a: x is 4', 'b: no b']
    """
    n = df.height
    out = pl.Series("null_reason", [None], dtype=pl.String).extend_constant(None, max(n - 1, 0))
    if n == 0:
        return out.head(0)
    flags = [f"_{i}" for i in range(len(parts))]
    lacking = df.select(*[pl.col(c).is_null().alias(f) for f, (c, _r) in zip(flags, parts)],
                        (pl.col(missing[0]).is_null() if missing else pl.lit(False)).alias("_missing"))
    if missing:
        lacking = lacking.with_columns(pl.col(flags) & ~pl.col("_missing"))
    lacking = lacking.with_columns(pl.sum_horizontal(flags).alias("_k"))
    some = lacking["_k"].gt(0)
    rows = schema.true_positions(some)
    where: list[pl.Series] = []    # row positions in df ...
    texts: list[pl.Series] = []    # ... and their texts
    if len(rows):
        sub = lacking.filter(some)     # a filter by mask copies faster than a gather by position
        evaluated = []     # (positions in sub, texts) of every part
        count = pl.repeat(0, len(rows), dtype=pl.UInt8, eager=True)   # texts of each row
        for i, (_c, reason) in enumerate(parts):
            at = schema.true_positions(sub[flags[i]])
            if not len(at):
                continue
            needed = [c for c in dict.fromkeys(reason.meta.root_names()) if c in df.columns]
            # the rows where this part's indicator is null: rows.gather(at), taken by their mask
            frame = (df.select(needed).filter(lacking[flags[i]]) if needed
                     else pl.DataFrame({"_row": pl.int_range(len(at), eager=True)}))  # literal texts
            text = frame.lazy().select(reason.cast(pl.String).alias("r")).collect(engine=ROW_ENGINE)["r"]
            if text.len() != len(at):    # a literal: one value for every row
                text = pl.repeat(text[0], len(at), dtype=pl.String, eager=True)
            if text.null_count():     # a reason that does not apply on some of these rows
                keep = text.is_not_null()
                at, text = at.filter(keep), text.filter(keep)
            count = count.scatter(at, count.gather(at) + 1)
            evaluated.append((i, at, text))
        several = count > 1
        multi = schema.true_positions(several)     # positions in sub of the rows that join texts, ascending
        joined = [pl.Series(f, [None], dtype=pl.String).extend_constant(None, len(multi) - 1) for f in flags] \
            if len(multi) else []
        for i, at, text in evaluated:
            alone = ~several.gather(at)
            where.append(rows.gather(at.filter(alone)))
            texts.append(text.filter(alone))
            shared = at.filter(~alone)
            if len(shared):
                joined[i] = joined[i].scatter(multi.search_sorted(shared), text.filter(~alone))
        if len(multi):
            where.append(rows.gather(multi))
            texts.append(pl.DataFrame(joined).select(join_reasons([pl.col(f) for f in flags]).alias("r"))["r"])
    if missing:
        gone = schema.true_positions(lacking["_missing"])
        if len(gone):
            where.append(gone)
            texts.append(pl.repeat(missing[1], len(gone), dtype=pl.String, eager=True))
    if where:
        out = out.scatter(pl.concat(where), pl.concat(texts))
    return out
