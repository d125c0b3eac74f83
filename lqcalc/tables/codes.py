"""Integer codes of the string keys, and lookups by code instead of joins.

:func:`with_codes` gives ``region``, ``industry`` and ``measure`` exact ``UInt32`` codes
(``_rc``, ``_ic``, ``_mc``) once per partition; the table modules join and group on them.
:func:`by_code` turns a small table of ``code -> value`` into a lookup gathered by the codes
of every row, where a join would hash every row.
"""

from __future__ import annotations

import polars as pl

from lqcalc import schema

#: Integer code columns added to the base frame for joins and group keys (see :func:`with_codes`).
CODES = schema.CODES


def by_code(codes: pl.Series, values: pl.Series) -> pl.Series:
    """A lookup indexed by integer codes: ``values[i]`` at position ``codes[i]``, null at the
    codes not given. ``by_code(codes, values).gather(c)`` maps the codes ``c`` of every row
    without a join.

    Applies to small non-negative integer codes (those of :func:`with_codes`, or packed keys
    below twice the row count): the lookup has ``max(codes) + 1`` entries. The gather gives
    what a left join of the rows on the code would give, in row order, without hashing every
    row (``tests/test_metrics_shortcuts.py`` compares the two).

    >>> by_code(pl.Series([2, 0], dtype=pl.UInt32), pl.Series(["b", "a"])).to_list()
    ['a', None, 'b']
    """
    if codes.len() == 0:
        return values.head(0)
    out = pl.Series(values.name, [None], dtype=values.dtype).extend_constant(None, int(codes.max()))
    return out.scatter(codes, values)


def with_codes(df: pl.DataFrame) -> pl.DataFrame:
    """Add exact ``UInt32`` codes of ``region``, ``industry`` and ``measure`` (``_rc``,
    ``_ic``, ``_mc``; null for a null code), unless they are there already.

    Two rows share a code exactly when they share the string (categorical codes, no hashing
    collisions), so joins and group keys on the codes give the same rows as on the strings at
    a fraction of the cost; each string column is encoded once per run instead of once per
    table. Codes are comparable only between frames derived from one call (two separate
    calls may code the same string differently). The codes are internal: no output table
    keeps them.

    >>> df = with_codes(pl.DataFrame({"region": ["b", "a", "b", None], "industry": "x", "measure": "m"}))
    >>> c = df["_rc"].to_list()
    >>> c[0] == c[2], c[0] == c[1], c[3]
    (True, False, None)
    """
    missing = [(c, k) for c, k in CODES.items() if k not in df.columns]
    if not missing:
        return df
    exprs = []
    firsts = schema.single_values(df, [c for c, _k in missing])
    for c, k in missing:
        first = firsts.get(c)
        if first is not None:
            # one value only (typically the measure): its code as a constant, no hash of every row
            code = pl.Series([first], dtype=pl.String).cast(pl.Categorical).to_physical()[0]
            exprs.append(pl.lit(code, dtype=pl.UInt32).alias(k))
        else:
            exprs.append(pl.col(c).cast(pl.Categorical).to_physical().alias(k))
    return df.with_columns(exprs)


def first_of_codes(df: pl.DataFrame, code: str, cols: list[str]) -> pl.DataFrame:
    """``code`` and ``cols`` at the first row of each value of the integer ``code`` column,
    in row order (a null code included): the labels of the codes, hashing integers instead
    of the labels.

    >>> first_of_codes(pl.DataFrame({"_c": [1, 0, 1], "x": ["b", "a", "b"]}), "_c", ["x"]).rows()
    [(1, 'b'), (0, 'a')]
    """
    return df.select(code, *cols)[df[code].arg_unique()]


def code_names(df: pl.DataFrame, code: str, col: str) -> list[str]:
    """The distinct non-null values of ``col``, found through its integer ``code`` column."""
    return first_of_codes(df, code, [col]).filter(pl.col(code).is_not_null())[col].to_list()
