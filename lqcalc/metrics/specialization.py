r"""Specialization of one region across industries and the diversity of its structure.

Aggregation expressions, as in :mod:`lqcalc.metrics.concentration` (use them in
``group_by(...).agg(...)`` or with ``.over(...)``); the group is one region, year and measure
and its rows are the *leaf* industries only (never sum across levels of a code hierarchy).
Shares are closed within the group (rows with a value). ``HHI``, normalized HHI and the
Krugman and Hoover indices are those of :mod:`lqcalc.metrics.concentration`, applied across
industries with the reference's industry values as ``base``.
"""

from __future__ import annotations

import polars as pl

from lqcalc.metrics._safe import ExprLike, as_expr, safe_div
from lqcalc.metrics.concentration import hhi, hhi_norm, hoover_index, krugman_index, n_units, shares

__all__ = ["hhi", "hhi_norm", "krugman_spec", "hoover_spec", "entropy", "unrelated_variety",
           "related_variety", "group_share", "n_units", "entropy_term", "unrelated_variety_term",
           "related_variety_term"]


def krugman_spec(x: ExprLike, reference: ExprLike) -> pl.Expr:
    r"""Krugman specialization index, in [0, 2].

    .. math:: K_r = \sum_i \left| \frac{x_{r,i}}{x_{r,*}} - \frac{x_{R,i}}{x_{R,*}} \right|

    Source: Krugman (1991). Shares are closed over the industries where both values are
    present; null when there is none or a side sums to 0.

    REAT's example: (20, 10, 70, 0, 0) against (0, 0, 0, 60, 40) gives 2.

    >>> import polars as pl
    >>> pl.DataFrame({"x": [20, 10, 70, 0, 0], "r": [0, 0, 0, 60, 40]}).select(krugman_spec("x", "r")).item()
    2.0
    """
    return krugman_index(x, reference)


def hoover_spec(x: ExprLike, reference: ExprLike) -> pl.Expr:
    r"""Hoover specialization coefficient, half the Krugman index, in [0, 1].

    .. math:: H^{spec}_r = \tfrac12 \sum_i \left| \frac{x_{r,i}}{x_{r,*}} - \frac{x_{R,i}}{x_{R,*}} \right|

    Source: Hoover (1936). Same null rules as :func:`krugman_spec`.

    >>> import polars as pl
    >>> pl.DataFrame({"x": [50, 50], "r": [25, 75]}).select(hoover_spec("x", "r")).item()
    0.25
    """
    return hoover_index(x, reference)


def _plogp(p: pl.Expr, q: pl.Expr) -> pl.Expr:
    return pl.when(p > 0).then(p * (q.log(2)))


def entropy_term(p: ExprLike) -> pl.Expr:
    r"""Row term :math:`p \log_2 p` of the entropy (0 where p = 0); entropy = minus the sum.

    >>> import polars as pl
    >>> pl.select(entropy_term(0.5)).item()
    -0.5
    """
    e = as_expr(p)
    return _plogp(e, e)


def unrelated_variety_term(p: ExprLike, group_share_: ExprLike) -> pl.Expr:
    r"""Row term :math:`p_i \log_2 P_{g(i)}` of unrelated variety (UV = minus the sum).

    >>> import polars as pl
    >>> pl.select(unrelated_variety_term(0.25, 0.5)).item()
    -0.25
    """
    return _plogp(as_expr(p), as_expr(group_share_))


def related_variety_term(p: ExprLike, group_share_: ExprLike) -> pl.Expr:
    r"""Row term :math:`p_i \log_2 (p_i / P_{g(i)})` of related variety (RV = minus the sum).

    >>> import polars as pl
    >>> pl.select(related_variety_term(0.25, 0.5)).item()
    -0.25
    """
    e = as_expr(p)
    return _plogp(e, safe_div(e, as_expr(group_share_)))


def entropy(x: ExprLike) -> pl.Expr:
    r"""Shannon entropy of the region's industry shares, in bits.

    .. math:: E = -\sum_i p_i \log_2 p_i \quad (0 \log 0 = 0)

    In [0, log2 n]. Source: Shannon (1948); Frenken, van Oort & Verburg (2007).

    >>> import polars as pl
    >>> pl.DataFrame({"x": [1, 1, 1, 1]}).select(entropy("x")).item()
    2.0
    """
    p = shares(x)
    return pl.when(p.count() > 0).then(-entropy_term(p).sum() + 0.0).otherwise(None)


def group_share(x: ExprLike, group: ExprLike | list[str], within: list[str] | None = None) -> pl.Expr:
    r"""Row-wise share :math:`P_g` of the row's industry group in the region total.

    ``group`` names the column (or expression) of the group code; ``within`` the columns of
    the region group (region, year, measure). Returns a window expression for
    :func:`unrelated_variety` and :func:`related_variety`.

    >>> import polars as pl
    >>> df = pl.DataFrame({"r": ["a"] * 3, "g": ["1", "1", "2"], "x": [1.0, 1.0, 2.0]})
    >>> df.select(group_share("x", "g", ["r"]))["x"].to_list()
    [0.5, 0.5, 0.5]
    """
    e = as_expr(x).cast(pl.Float64)
    keys = list(within or [])
    g = [as_expr(group)] if not isinstance(group, list) else [pl.col(c) for c in group]
    num = e.sum().over(keys + g) if keys or g else e.sum()
    den = e.sum().over(keys) if keys else e.sum()
    return pl.when(e.is_not_null()).then(safe_div(num, den))


def unrelated_variety(x: ExprLike, group_share_: ExprLike) -> pl.Expr:
    r"""Unrelated variety: entropy between the groups of the industry hierarchy.

    .. math:: UV = -\sum_g P_g \log_2 P_g = -\sum_i p_i \log_2 P_{g(i)}

    with :math:`P_g` the share of group *g* (e.g. SIC 2-digit division of 4-digit classes).
    Source: Frenken, van Oort & Verburg (2007), *Regional Studies* 41(5):685-697.
    ``group_share_`` is the row's :math:`P_{g(i)}` (:func:`group_share`).

    >>> import polars as pl
    >>> df = pl.DataFrame({"x": [1.0, 1.0, 2.0], "P": [0.5, 0.5, 0.5]})
    >>> df.select(unrelated_variety("x", "P")).item()
    1.0
    """
    p = shares(x)
    return pl.when(p.count() > 0).then(-unrelated_variety_term(p, group_share_).sum() + 0.0).otherwise(None)


def related_variety(x: ExprLike, group_share_: ExprLike) -> pl.Expr:
    r"""Related variety: share-weighted entropy within the groups.

    .. math:: RV = \sum_g P_g H_g, \quad H_g = -\sum_{i \in g} \frac{p_i}{P_g} \log_2 \frac{p_i}{P_g}

    Entropy decomposes exactly as :math:`E = UV + RV`. Source: Frenken et al. (2007).

    >>> import polars as pl
    >>> df = pl.DataFrame({"x": [1.0, 1.0, 2.0], "P": [0.5, 0.5, 0.5]})
    >>> df.select(related_variety("x", "P")).item()
    0.5
    """
    p = shares(x)
    return pl.when(p.count() > 0).then(-related_variety_term(p, group_share_).sum() + 0.0).otherwise(None)
