r"""Shift-share decomposition (Dunn 1960) and the Esteban-Marquillas (1972) extension.

Notation: :math:`x^0_{r,i}`, :math:`x^1_{r,i}` the region's values in the base and end year,
:math:`g_{r,i} = x^1_{r,i}/x^0_{r,i} - 1`, :math:`g_{R,i}` the reference growth of industry
*i* and :math:`G` the reference all-industry growth.

.. math::
    x^1_{r,i} - x^0_{r,i} = \underbrace{x^0_{r,i} G}_{\text{national share}}
    + \underbrace{x^0_{r,i}(g_{R,i} - G)}_{\text{industry mix}}
    + \underbrace{x^0_{r,i}(g_{r,i} - g_{R,i})}_{\text{regional shift}}

The regional shift is computed as :math:`(x^1_{r,i} - x^0_{r,i}) - x^0_{r,i} g_{R,i}`, which
is the same quantity but stays defined when :math:`x^0_{r,i} = 0` (an industry new to the
region: the whole change is regional shift), so the three components always add up to the
change. Dynamic shift-share (Barff & Knight 1988, *Growth and Change* 19(2)) applies the same
formulas to consecutive years and sums the steps.
"""

from __future__ import annotations

import polars as pl

from lqcalc.metrics._safe import ExprLike, as_expr, finite_or_null, first_reason, safe_div
from lqcalc.metrics.growth import growth


def national_share(x0: ExprLike, reference_total_growth: ExprLike) -> pl.Expr:
    r"""National share component (Dunn 1960): growth at the reference all-industry rate.

    .. math:: NS_{r,i} = x^0_{r,i} \, G

    Null when the base value or :math:`G` is null.

    >>> import polars as pl
    >>> pl.select(national_share(100, 0.1)).item()
    10.0
    """
    return as_expr(x0).cast(pl.Float64) * as_expr(reference_total_growth)


def industry_mix(x0: ExprLike, reference_growth: ExprLike, reference_total_growth: ExprLike) -> pl.Expr:
    r"""Industry-mix component (Dunn 1960): the industry's reference growth above the average.

    .. math:: IM_{r,i} = x^0_{r,i} \, (g_{R,i} - G)

    Null when an input is null (e.g. the reference base value is 0, so :math:`g_{R,i}` is).

    >>> import polars as pl
    >>> round(pl.select(industry_mix(100, 0.3, 0.1)).item(), 9)
    20.0
    """
    return as_expr(x0).cast(pl.Float64) * (as_expr(reference_growth) - as_expr(reference_total_growth))


def regional_shift(x0: ExprLike, x1: ExprLike, reference_growth: ExprLike) -> pl.Expr:
    r"""Regional (competitive) shift (Dunn 1960).

    .. math:: RS_{r,i} = x^0_{r,i} \, (g_{r,i} - g_{R,i}) = (x^1_{r,i} - x^0_{r,i}) - x^0_{r,i} g_{R,i}

    Computed as :math:`(x^1 - x^0) - x^0 g_{R,i}` (identical, and defined at :math:`x^0 = 0`).
    With the two other components it adds up to :math:`x^1 - x^0`:

    >>> import polars as pl
    >>> parts = [national_share(100, 0.1), industry_mix(100, 0.3, 0.1), regional_shift(100, 150, 0.3)]
    >>> round(pl.select(pl.sum_horizontal(parts)).item(), 9)
    50.0
    """
    a, b = as_expr(x0).cast(pl.Float64), as_expr(x1).cast(pl.Float64)
    return (b - a) - a * as_expr(reference_growth)


def homothetic(region_total0: ExprLike, reference_value0: ExprLike, reference_total0: ExprLike) -> pl.Expr:
    r"""Esteban-Marquillas homothetic value.

    .. math:: \hat e_{r,i} = x^0_{r,*} \, x^0_{R,i} / x^0_{R,*}

    Null when an input is null or the reference total is 0.

    The value industry *i* would have in region *r* with the reference's industry structure.

    >>> import polars as pl
    >>> pl.select(homothetic(200, 50, 1000)).item()
    10.0
    """
    return as_expr(region_total0).cast(pl.Float64) * safe_div(reference_value0, reference_total0)


def em_competitive(x0: ExprLike, x1: ExprLike, region_total0: ExprLike, reference_value0: ExprLike,
                   reference_total0: ExprLike, reference_growth: ExprLike) -> pl.Expr:
    r"""Esteban-Marquillas competitive effect.

    .. math:: C_{r,i} = \hat e_{r,i} \, (g_{r,i} - g_{R,i})

    Source: Esteban-Marquillas (1972), *Regional and Urban Economics* 2(3):249-255. Null when
    the regional growth is undefined (base value missing or 0).

    >>> import polars as pl
    >>> round(pl.select(em_competitive(100, 150, 200, 50, 1000, 0.3)).item(), 9)
    2.0
    """
    gr = growth(x0, x1)
    return finite_or_null(homothetic(region_total0, reference_value0, reference_total0) * (gr - as_expr(reference_growth)))


def em_allocation(x0: ExprLike, x1: ExprLike, region_total0: ExprLike, reference_value0: ExprLike,
                  reference_total0: ExprLike, reference_growth: ExprLike) -> pl.Expr:
    r"""Esteban-Marquillas allocation effect.

    .. math:: A_{r,i} = (x^0_{r,i} - \hat e_{r,i}) \, (g_{r,i} - g_{R,i})

    Null when the regional growth is undefined (base value missing or 0).

    Positive when the region is specialised in an industry where it grows faster than the
    reference. Competitive plus allocation effect equal the regional shift:

    >>> import polars as pl
    >>> args = (100, 150, 200, 50, 1000, 0.3)
    >>> round(pl.select(em_competitive(*args) + em_allocation(*args)).item(), 9)
    20.0
    >>> round(pl.select(regional_shift(100, 150, 0.3)).item(), 9)
    20.0
    """
    gr = growth(x0, x1)
    e_hat = homothetic(region_total0, reference_value0, reference_total0)
    return finite_or_null((as_expr(x0).cast(pl.Float64) - e_hat) * (gr - as_expr(reference_growth)))


def shiftshare_reason(x0: ExprLike, x1: ExprLike, reference_growth: ExprLike,
                      reference_total_growth: ExprLike) -> pl.Expr:
    """Why the shift-share components are null.

    >>> import polars as pl
    >>> pl.select(shiftshare_reason(10, 12, None, 0.1)).item()
    'shift_share: reference growth of the industry is undefined'
    """
    a, b = as_expr(x0), as_expr(x1)
    return first_reason(
        (a.is_null(), "shift_share: base value is missing"),
        (b.is_null(), "shift_share: end value is missing"),
        (as_expr(reference_total_growth).is_null(), "shift_share: reference total growth is undefined"),
        (as_expr(reference_growth).is_null(), "shift_share: reference growth of the industry is undefined"),
    )


def em_reason(x0: ExprLike, x1: ExprLike, region_total0: ExprLike, reference_value0: ExprLike,
              reference_total0: ExprLike, reference_growth: ExprLike) -> pl.Expr:
    """Why the Esteban-Marquillas effects are null.

    >>> import polars as pl
    >>> pl.select(em_reason(0, 5, 100, 10, 1000, 0.1)).item()
    'esteban_marquillas: base value is 0'
    """
    a = as_expr(x0)
    name = "esteban_marquillas"
    comp = em_competitive(x0, x1, region_total0, reference_value0, reference_total0, reference_growth)
    return first_reason(
        (a.is_null(), f"{name}: base value is missing"),
        (as_expr(x1).is_null(), f"{name}: end value is missing"),
        (a == 0, f"{name}: base value is 0"),
        (as_expr(reference_growth).is_null(), f"{name}: reference growth of the industry is undefined"),
        (as_expr(region_total0).is_null() | (as_expr(reference_total0).fill_null(0) == 0)
         | as_expr(reference_value0).is_null(), f"{name}: homothetic value is undefined"),
        (comp.is_null(), f"{name}: not finite"),
    )
