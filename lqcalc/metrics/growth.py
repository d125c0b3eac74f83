r"""Growth between a base year :math:`t_0` and an end year :math:`t_1`.

All functions take expressions (or column names) and return expressions. A zero or missing
base value makes growth undefined: the result is null and the ``*_reason`` expression says
why, never ``inf``.
"""

from __future__ import annotations

import polars as pl

from lqcalc.metrics._safe import ExprLike, as_expr, finite_or_null, first_reason, safe_div, zero_or_missing


def change(x0: ExprLike, x1: ExprLike) -> pl.Expr:
    r"""Absolute change; null when either value is missing (a zero base is fine).

    .. math:: \Delta x = x_{t_1} - x_{t_0}

    >>> import polars as pl
    >>> pl.select(change(3.5, 4.5)).item()
    1.0
    """
    return as_expr(x1).cast(pl.Float64) - as_expr(x0).cast(pl.Float64)


def growth(x0: ExprLike, x1: ExprLike) -> pl.Expr:
    r"""Growth rate over the period, as a fraction.

    .. math:: g = x_{t_1} / x_{t_0} - 1

    Japan's science and technology budget, 3.60 to 4.47 trillion yen from 2010 to 2022
    (paper 002): +24.17%. Null when a value is missing or the base is 0.

    >>> import polars as pl
    >>> round(100 * pl.select(growth(3.60, 4.47)).item(), 2)
    24.17
    """
    r = safe_div(x1, x0)
    return r - 1.0


def growth_reason(x0: ExprLike, x1: ExprLike, name: str = "growth") -> pl.Expr:
    """Why :func:`growth` is null.

    >>> import polars as pl
    >>> pl.select(growth_reason(0, 5)).item()
    'growth: base value is 0'
    """
    a, b = as_expr(x0), as_expr(x1)
    return first_reason(*zero_or_missing(name, "base value", a), (b.is_null(), f"{name}: end value is missing"))


def cagr(x0: ExprLike, x1: ExprLike, years: ExprLike) -> pl.Expr:
    r"""Compound annual growth rate.

    .. math:: CAGR = (x_{t_1} / x_{t_0})^{1/(t_1 - t_0)} - 1

    Digital trade 4.59 to 7.23 trillion USD, 2020 to 2024 (paper 004): 12.0%. Null when a value
    is missing, the base is not positive, the end value is negative or ``years`` is not
    positive (see :func:`cagr_reason`).

    >>> import polars as pl
    >>> round(100 * pl.select(cagr(4.59, 7.23, 4)).item(), 1)
    12.0
    >>> round(100 * pl.select(cagr(51, 650, 2024 - 2005)).item(), 1)
    14.3
    """
    a, b, n = (as_expr(v).cast(pl.Float64) for v in (x0, x1, years))
    ok = (a > 0) & (b >= 0) & (n > 0)
    return pl.when(ok).then(finite_or_null((b / a).pow(1.0 / n) - 1.0)).otherwise(None)


def cagr_reason(x0: ExprLike, x1: ExprLike, years: ExprLike, name: str = "cagr") -> pl.Expr:
    """Why :func:`cagr` is null.

    >>> import polars as pl
    >>> pl.select(cagr_reason(-1.0, 5.0, 3)).item()
    'cagr: base value is not positive'
    >>> pl.select(cagr_reason(1.0, 5.0, 0)).item()
    'cagr: period is not positive'
    """
    a, b, n = (as_expr(v).cast(pl.Float64) for v in (x0, x1, years))
    return first_reason(
        (a.is_null(), f"{name}: base value is missing"),
        (b.is_null(), f"{name}: end value is missing"),
        (n.is_null(), f"{name}: year is missing"),
        (a == 0, f"{name}: base value is 0"),
        (a < 0, f"{name}: base value is not positive"),
        (b < 0, f"{name}: end value is negative"),
        (n <= 0, f"{name}: period is not positive"),
        (cagr(a, b, n).is_null(), f"{name}: not finite"),
    )


def required_cagr(latest: ExprLike, target: ExprLike, years: ExprLike) -> pl.Expr:
    r"""Annual growth needed to go from the latest value to a target.

    .. math:: g^{req} = (x^{target} / x_t)^{1/(T - t)} - 1

    E.g. Shenzhen's target of digital creative value added above 1000 亿元 by 2025 (paper
    003). Same null rules as :func:`cagr`.

    >>> import polars as pl
    >>> round(pl.select(required_cagr(500, 1000, 2)).item(), 4)
    0.4142
    """
    return cagr(latest, target, years)


def share_change_pp(share0: ExprLike, share1: ExprLike) -> pl.Expr:
    r"""Change of a share in percentage points; null when either share is null.

    .. math:: \Delta s = 100\,(s_{t_1} - s_{t_0})

    >>> import polars as pl
    >>> round(pl.select(share_change_pp(0.25, 0.30)).item(), 6)
    5.0
    """
    return 100.0 * (as_expr(share1).cast(pl.Float64) - as_expr(share0).cast(pl.Float64))
