r"""Concentration of one industry across regions (aggregations over a group of rows).

Each function returns an *aggregation* expression: use it in ``group_by(...).agg(...)`` (one
value per group) or with ``.over(...)`` (the group value on every row). Shares are computed
within the group over the rows where the needed values are present ("closed" shares that add
up to 1), so a suppressed cell leaves the group instead of counting as 0. A group whose sum is
0, or that has no row, gives null.

Notation: ``x`` the industry's value in each region, ``base`` the size of each region (its
all-industry total :math:`x_{r,*}`); :math:`a_r = x_r / \sum x`, :math:`b_r = base_r / \sum base`.
"""

from __future__ import annotations

import polars as pl

from lqcalc.metrics._safe import ExprLike, as_expr, safe_div


def _pair(x: ExprLike, base: ExprLike) -> tuple[pl.Expr, pl.Expr]:
    xe, be = as_expr(x).cast(pl.Float64), as_expr(base).cast(pl.Float64)
    both = xe.is_not_null() & be.is_not_null()
    xm, bm = pl.when(both).then(xe), pl.when(both).then(be)
    return safe_div(xm, xm.sum()), safe_div(bm, bm.sum())


def _agg_div(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    # ratio of two aggregates (one value per group): null when the denominator is 0
    return pl.when(den != 0).then(num / den)


def shares(x: ExprLike) -> pl.Expr:
    """Closed shares ``x / sum(x)`` within the group (null where ``x`` is null or the sum is 0).

    >>> import polars as pl
    >>> pl.DataFrame({"x": [1.0, 3.0, None]}).select(shares("x"))["x"].to_list()
    [0.25, 0.75, None]
    """
    e = as_expr(x).cast(pl.Float64)
    return safe_div(e, e.sum())


# Row terms and finishing formulas: the aggregations below are sums of these terms, and the
# output tables (lqcalc.tables) sum the same terms with a plain group-by for speed.
def hhi_term(p: ExprLike) -> pl.Expr:
    r"""Row term :math:`p^2` of the HHI (sum it over the group).

    >>> import polars as pl
    >>> pl.select(hhi_term(0.5)).item()
    0.25
    """
    e = as_expr(p)
    return e * e


def dissimilarity_term(a: ExprLike, b: ExprLike) -> pl.Expr:
    r"""Row term :math:`|a - b|` of the Krugman and Hoover indices.

    >>> import polars as pl
    >>> pl.select(dissimilarity_term(0.2, 0.5)).item()
    0.3
    """
    return (as_expr(a) - as_expr(b)).abs()


def gini_term(a: ExprLike, b: ExprLike, cum_a: ExprLike) -> pl.Expr:
    r"""Row term :math:`b_k (A_k + A_{k-1}) = b_k (2 A_k - a_k)` of the locational Gini, with
    :math:`A_k` the cumulated :math:`a` in LQ order; :math:`G = 1 - \sum` of the terms.

    >>> import polars as pl
    >>> pl.select(gini_term(0.5, 0.25, 1.0)).item()
    0.375
    """
    a_ = as_expr(a)
    return as_expr(b) * (2.0 * as_expr(cum_a) - a_)


def lq_order_key(a: ExprLike, b: ExprLike) -> pl.Expr:
    """Sort key of the Lorenz curve: the LQ ``a / b``, ``inf`` where ``b`` is 0.

    >>> import polars as pl
    >>> pl.select(lq_order_key(0.2, 0.0)).item()
    inf
    """
    a_, b_ = as_expr(a), as_expr(b)
    return pl.when(b_ > 0).then(a_ / b_).otherwise(pl.lit(float("inf")))


def hhi_normalize(h: ExprLike, n: ExprLike) -> pl.Expr:
    r"""Normalized HHI from :math:`H` and the number of units, :math:`(H - 1/n)/(1 - 1/n)`;
    null when :math:`n < 2`.

    >>> import polars as pl
    >>> round(pl.select(hhi_normalize(0.34, 4)).item(), 10)
    0.12
    """
    n_ = as_expr(n).cast(pl.Float64)
    return pl.when(n_ >= 2).then(_agg_div(as_expr(h) - 1.0 / n_, 1.0 - 1.0 / n_))


def eg_gamma_from(g_raw: ExprLike, sum_b2: ExprLike, plant_hhi: ExprLike) -> pl.Expr:
    r"""Ellison-Glaeser :math:`\gamma` from :math:`G = \sum (a_r - b_r)^2`, :math:`\sum b_r^2`
    and the plant HHI :math:`H`; null when a denominator is 0.

    >>> import polars as pl
    >>> round(pl.select(eg_gamma_from(0.32, 0.5, 0.1)).item(), 6)
    0.6
    """
    sb = 1.0 - as_expr(sum_b2)
    h = as_expr(plant_hhi).cast(pl.Float64)
    return _agg_div(as_expr(g_raw) - sb * h, sb * (1.0 - h))


def hhi(x: ExprLike) -> pl.Expr:
    r"""Herfindahl-Hirschman index of the shares of ``x`` in the group.

    .. math:: H = \sum_k p_k^2, \quad p_k = x_k / \sum x

    In [1/n, 1]. Source: REAT ``herf`` (Farhauer & Kröll 2013): the textbook example
    (20, 50, 20, 10) gives 0.34.

    >>> import polars as pl
    >>> round(pl.DataFrame({"x": [20, 50, 20, 10]}).select(hhi("x")).item(), 10)
    0.34
    """
    p = shares(x)
    return pl.when(p.count() > 0).then(hhi_term(p).sum()).otherwise(None)


def n_units(x: ExprLike) -> pl.Expr:
    """Number of rows with a value (null values do not count).

    >>> import polars as pl
    >>> pl.DataFrame({"x": [1.0, None, 0.0]}).select(n_units("x")).item()
    2
    """
    return as_expr(x).count()


def hhi_norm(x: ExprLike) -> pl.Expr:
    r"""Normalized HHI, in [0, 1].

    .. math:: H^* = \frac{H - 1/n}{1 - 1/n}

    with *n* the number of units with a value (zeros included). Null when *n* < 2. REAT's
    example (20, 50, 20, 10) gives 0.12.

    >>> import polars as pl
    >>> round(pl.DataFrame({"x": [20, 50, 20, 10]}).select(hhi_norm("x")).item(), 10)
    0.12
    """
    return hhi_normalize(hhi(x), n_units(x))


def equivalent_number(x: ExprLike) -> pl.Expr:
    r"""Equivalent number of equal-sized units (REAT example: 2.94).

    .. math:: N^{eq} = 1 / H

    Null when :math:`H` is null (no value, or the values sum to 0).

    >>> import polars as pl
    >>> round(pl.DataFrame({"x": [20, 50, 20, 10]}).select(equivalent_number("x")).item(), 2)
    2.94
    """
    return _agg_div(pl.lit(1.0), hhi(x))


def krugman_index(x: ExprLike, base: ExprLike) -> pl.Expr:
    r"""Krugman dissimilarity index, in [0, 2].

    .. math:: K = \sum_k \left| a_k - b_k \right|

    As concentration (per industry, across regions: ``x`` the industry, ``base`` the region
    totals) or specialization (per region, across industries: ``x`` the region, ``base`` the
    reference). Source: Krugman (1991), *Geography and Trade*; REAT ``krugman.spec``: (20, 10,
    70, 0, 0) against (0, 0, 0, 60, 40) gives 2.

    >>> import polars as pl
    >>> df = pl.DataFrame({"x": [20, 10, 70, 0, 0], "b": [0, 0, 0, 60, 40]})
    >>> df.select(krugman_index("x", "b")).item()
    2.0
    """
    a, b = _pair(x, base)
    return pl.when(a.count() > 0).then(dissimilarity_term(a, b).sum()).otherwise(None)


def hoover_index(x: ExprLike, base: ExprLike) -> pl.Expr:
    r"""Hoover index (coefficient of localization / specialization), in [0, 1].

    .. math:: H^{oover} = \tfrac12 \sum_k \left| a_k - b_k \right|

    Source: Hoover (1936), *Review of Economics and Statistics* 18(4).

    >>> import polars as pl
    >>> df = pl.DataFrame({"x": [20, 10, 70, 0, 0], "b": [0, 0, 0, 60, 40]})
    >>> df.select(hoover_index("x", "b")).item()
    1.0
    """
    return 0.5 * krugman_index(x, base)


def gini_loc(x: ExprLike, base: ExprLike) -> pl.Expr:
    r"""Locational Gini coefficient (Krugman 1991), in [0, 1).

    Regions are ordered by their LQ :math:`a_k / b_k` (ascending); the Lorenz curve plots the
    cumulated :math:`b` (x axis) against the cumulated :math:`a` and

    .. math:: G^{loc} = 1 - \sum_k b_k \left(A_k + A_{k-1}\right), \quad A_k = \sum_{j \le k} a_j

    0 when the industry is spread like the regions' totals. Source: Krugman (1991),
    *Geography and Trade*, appendix D.

    >>> import polars as pl
    >>> df = pl.DataFrame({"x": [0, 0, 10], "b": [50, 30, 20]})
    >>> round(df.select(gini_loc("x", "b")).item(), 6)
    0.8
    >>> round(pl.DataFrame({"x": [1, 2], "b": [10, 20]}).select(gini_loc("x", "b")).item(), 12)
    0.0
    """
    a, b = _pair(x, base)
    key = lq_order_key(a, b)
    a_s, b_s = a.sort_by(key, nulls_last=True), b.sort_by(key, nulls_last=True)
    value = 1.0 - gini_term(a_s, b_s, a_s.cum_sum()).sum()
    return pl.when(a.count() > 0).then(value).otherwise(None)


def top_share(x: ExprLike, n: int = 4) -> pl.Expr:
    r"""Concentration ratio :math:`CR_n`: share of the *n* largest units.

    >>> import polars as pl
    >>> pl.DataFrame({"x": [5, 1, 1, 1, 1, 1]}).select(top_share("x", 1)).item()
    0.5
    """
    e = as_expr(x).cast(pl.Float64)
    return _agg_div(e.drop_nulls().top_k(n).sum(), e.sum())


def plant_hhi_equal_size(x: ExprLike, establishments: ExprLike) -> pl.Expr:
    r"""Plant-level Herfindahl index of an industry, assuming equal plant sizes within a cell.

    When only the number of establishments :math:`n_r` of each region is known, each of the
    :math:`n_r` plants is given :math:`x_r / n_r` and

    .. math:: H = \sum_r n_r \left(\frac{x_r / n_r}{X}\right)^2 = \frac{\sum_r x_r^2 / n_r}{X^2}

    This is a lower bound of the true plant HHI (unequal sizes raise it). Cells with a value
    and no establishment count are left out.

    >>> import polars as pl
    >>> pl.DataFrame({"x": [10.0, 10.0], "n": [1, 4]}).select(plant_hhi_equal_size("x", "n")).item()
    0.3125
    """
    xe, ne = as_expr(x).cast(pl.Float64), as_expr(establishments).cast(pl.Float64)
    ok = xe.is_not_null() & (ne > 0)
    xm = pl.when(ok).then(xe)
    return _agg_div((xm * xm / ne).sum(), xm.sum() * xm.sum())


def eg_gamma(x: ExprLike, base: ExprLike, plant_hhi: ExprLike) -> pl.Expr:
    r"""Ellison-Glaeser (1997) agglomeration index :math:`\gamma`.

    .. math:: \gamma = \frac{G - (1 - \sum_r b_r^2) H}{(1 - \sum_r b_r^2)(1 - H)}, \quad
       G = \sum_r (a_r - b_r)^2

    with :math:`a_r` the region's share of the industry, :math:`b_r` its share of all
    industries and :math:`H` the plant-level Herfindahl index of the industry
    (:func:`plant_hhi_equal_size` or supplied). Source: Ellison & Glaeser (1997), *Journal of
    Political Economy* 105(5):889-927. Null when :math:`H = 1` or :math:`\sum b^2 = 1`.

    >>> import polars as pl
    >>> df = pl.DataFrame({"x": [90.0, 10.0], "b": [50.0, 50.0]})
    >>> round(df.select(eg_gamma("x", "b", pl.lit(0.1))).item(), 6)
    0.6
    """
    a, b = _pair(x, base)
    return eg_gamma_from((dissimilarity_term(a, b) ** 2).sum(), hhi_term(b).sum(), plant_hhi)
