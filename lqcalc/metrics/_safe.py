"""Null-safe arithmetic shared by every indicator.

Every indicator of :mod:`lqcalc.metrics` follows the same rules:

* a missing input (null) gives a null result, never 0;
* a division by zero, or a result that is not finite, gives null, never ``inf`` or ``NaN``;
* each indicator has a companion *reason* expression that returns a short text
  (``"lq: region total is 0"``) where the indicator is null and null where it is not.

The helpers here build those expressions; they take and return :class:`polars.Expr`.
"""

from __future__ import annotations

from typing import Iterable

import polars as pl

ExprLike = pl.Expr | str | float | int


def as_expr(x: ExprLike) -> pl.Expr:
    """A column name becomes ``pl.col(name)``, a number a literal, an expression stays.

    >>> import polars as pl
    >>> pl.select(as_expr(2.5)).item()
    2.5
    """
    if isinstance(x, pl.Expr):
        return x
    if isinstance(x, str):
        return pl.col(x)
    return pl.lit(x, dtype=pl.Float64)


_NON_FINITE = [float("inf"), float("-inf"), float("nan")]


def finite_or_null(e: pl.Expr) -> pl.Expr:
    """``e`` where it is finite, null where it is ``inf``, ``-inf`` or ``NaN``.

    >>> import polars as pl
    >>> pl.DataFrame({"x": [1.0, float("inf"), float("nan"), None]}).select(finite_or_null(pl.col("x")))["x"].to_list()
    [1.0, None, None, None]
    """
    return e.replace(_NON_FINITE, None)


def safe_div(num: ExprLike, den: ExprLike) -> pl.Expr:
    """``num / den``, null when either is null, when ``den`` is 0 or the result is not finite.

    Each input is referenced once in the expression, so nesting stays cheap.

    >>> import polars as pl
    >>> df = pl.DataFrame({"a": [1.0, 1.0, None, 0.0], "b": [4.0, 0.0, 2.0, 0.0]})
    >>> df.select(safe_div("a", "b"))["a"].to_list()
    [0.25, None, None, None]
    """
    n, d = as_expr(num).cast(pl.Float64), as_expr(den).cast(pl.Float64)
    # each input is referenced once so that nested ratios stay small expression trees;
    # with finite inputs a zero denominator gives inf or NaN (0/0) and an overflow inf:
    # all of them become null
    return (n / d).replace(_NON_FINITE, None)


def first_reason(*cases: tuple[pl.Expr, str]) -> pl.Expr:
    """The text of the first case whose condition is true, null when none is.

    A null condition counts as false.

    >>> import polars as pl
    >>> df = pl.DataFrame({"d": [0.0, None, 3.0]})
    >>> df.select(first_reason((pl.col("d").is_null(), "x: d is missing"), (pl.col("d") == 0, "x: d is 0")))["literal"].to_list()
    ['x: d is 0', 'x: d is missing', None]
    """
    return coded_reason(list(cases))


def coded_reason(cases: list[tuple[pl.Expr, str | pl.Expr]]) -> pl.Expr:
    """:func:`first_reason` where a text may also be a string expression.

    The conditions pick a small integer code per row (cheap), and the code is turned into
    its text in one lookup; a when/then chain of string literals would build a full string
    column for every case. Expression texts are evaluated only where their case applies.

    >>> import polars as pl
    >>> df = pl.DataFrame({"d": [0.0, None, 3.0], "u": ["m", "n", "o"]})
    >>> e = coded_reason([(pl.col("d").is_null(), pl.concat_str(pl.lit("u="), pl.col("u"))), (pl.col("d") == 0, "d is 0")])
    >>> df.select(e.alias("r"))["r"].to_list()
    ['d is 0', 'u=n', None]
    """
    if not cases:
        return pl.lit(None, dtype=pl.String)
    dtype = pl.UInt8 if len(cases) < 255 else pl.UInt32
    code = None
    for j, (cond, _text) in enumerate(cases, start=1):
        cond = cond.fill_null(False)
        code = pl.when(cond).then(pl.lit(j, dtype)) if code is None else code.when(cond).then(pl.lit(j, dtype))
    code = code.otherwise(pl.lit(None, dtype))
    fixed = {j: t for j, (_c, t) in enumerate(cases, start=1) if isinstance(t, str)}
    text = code.replace_strict(list(fixed), list(fixed.values()), default=None, return_dtype=pl.String)
    for j, (_c, t) in enumerate(cases, start=1):
        if not isinstance(t, str):
            text = pl.when(code == j).then(t.cast(pl.String)).otherwise(text)
    return text


def zero_or_missing(name: str, what: str, e: pl.Expr) -> list[tuple[pl.Expr, str]]:
    """The two usual cases of a denominator: ``"<name>: <what> is missing"`` and ``"... is 0"``.

    >>> import polars as pl
    >>> [t for _, t in zero_or_missing("lq", "region total", pl.col("t"))]
    ['lq: region total is missing', 'lq: region total is 0']
    """
    return [(e.is_null(), f"{name}: {what} is missing"), (e == 0, f"{name}: {what} is 0")]


def join_reasons(reasons: Iterable[pl.Expr]) -> pl.Expr:
    """Join reason texts with ``"; "``, skipping nulls; null when there is none.

    >>> import polars as pl
    >>> df = pl.DataFrame({"a": ["lq: region total is 0", None], "b": ["cagr: base value is 0", None]})
    >>> df.select(join_reasons([pl.col("a"), pl.col("b")]).alias("r"))["r"].to_list()
    ['lq: region total is 0; cagr: base value is 0', None]
    """
    reasons = list(reasons)
    if not reasons:
        return pl.lit(None, dtype=pl.String)
    # all parts null gives "": that one value becomes null (the joined text is built once)
    return pl.concat_str(reasons, separator="; ", ignore_nulls=True).replace("", None)
