r"""Shares and intensities: a part over its whole, a measure over another measure.

All functions take expressions (or column names) and return expressions.
"""

from __future__ import annotations

import polars as pl

from lqcalc.metrics._safe import ExprLike, as_expr, first_reason, safe_div, zero_or_missing


def share(part: ExprLike, whole: ExprLike) -> pl.Expr:
    r"""Share of a part in its whole, as a fraction (multiply by 100 for percent).

    .. math:: s = x_{part} / x_{whole}

    Used for the share of region :math:`x_{r,i}/x_{r,*}` (creative industries, 11.9 of 541.5
    trillion yen of Japan's GDP in 2008: 2.2%) and the share of reference
    :math:`x_{r,i}/x_{R,i}` (150 of 367 export firms: 40.9%). Null when an input is null or
    the whole is 0 (see :func:`share_reason`); a part larger than its whole is returned as is.

    >>> import polars as pl
    >>> round(100 * pl.select(share(11.9, 541.5)).item(), 1)
    2.2
    >>> round(100 * pl.select(share(150, 367)).item(), 1)
    40.9
    """
    return safe_div(part, whole)


def share_reason(part: ExprLike, whole: ExprLike, name: str = "share", whole_label: str = "total") -> pl.Expr:
    """Why :func:`share` is null.

    >>> import polars as pl
    >>> pl.select(share_reason(1, 0, "share_of_region", "region total")).item()
    'share_of_region: region total is 0'
    """
    p, w = as_expr(part), as_expr(whole)
    return first_reason((p.is_null(), f"{name}: value is missing"), *zero_or_missing(name, whole_label, w))


def share_of_region(x: ExprLike, region_total: ExprLike) -> pl.Expr:
    r"""Share of industry *i* in the region's total.

    .. math:: s^{region}_{r,i} = x_{r,i} / x_{r,*}

    Null when the value is missing or the region total is missing or 0.

    >>> import polars as pl
    >>> pl.select(share_of_region(25, 100)).item()
    0.25
    """
    return share(x, region_total)


def share_of_reference(x: ExprLike, reference_value: ExprLike) -> pl.Expr:
    r"""Share of the region in the reference total of industry *i*.

    .. math:: s^{ref}_{r,i} = x_{r,i} / x_{R,i}

    Null when the value is missing or the reference value is missing or 0.

    >>> import polars as pl
    >>> round(pl.select(share_of_reference(54, 115)).item(), 3)
    0.47
    """
    return share(x, reference_value)


def intensity(numerator: ExprLike, denominator: ExprLike) -> pl.Expr:
    r"""Intensity: measure A over measure B of the same region, industry and year.

    .. math:: I = A_{r,i,t} / B_{r,i,t}

    E.g. R&D expenditure / GDP (2.69% in paper 004). Null when an input is null or B is 0.

    >>> import polars as pl
    >>> pl.select(intensity(2.69, 100)).item()
    0.0269
    """
    return safe_div(numerator, denominator)


def intensity_reason(numerator: ExprLike, denominator: ExprLike, label: str = "intensity") -> pl.Expr:
    """Why :func:`intensity` is null.

    >>> import polars as pl
    >>> pl.select(intensity_reason(None, 5.0, "rd/gdp")).item()
    'rd/gdp: numerator is missing'
    """
    n, d = as_expr(numerator), as_expr(denominator)
    return first_reason((n.is_null(), f"{label}: numerator is missing"), *zero_or_missing(label, "denominator", d))


def rank_among_regions(x: ExprLike) -> pl.Expr:
    r"""The place of a region by its value, 1 for the largest (use with ``.over`` the group of
    regions compared: industry, year, measure and region level).

    Ties share the smaller place (``min`` ranking: 1, 2, 2, 4); a missing value has no place.

    >>> import polars as pl
    >>> pl.DataFrame({"x": [5.0, 9.0, 5.0, None, 1.0]}).select(rank_among_regions("x"))["x"].to_list()
    [2, 1, 2, None, 4]
    """
    return as_expr(x).rank("min", descending=True)
