r"""Location quotients: LQ, symmetric LQ, confidence interval, LQ excluding the own region.

Notation (``docs/methodology.md``): ``x`` = :math:`x_{r,i}` the value of industry *i* in
region *r*, ``region_total`` = :math:`x_{r,*}`, ``reference_value`` = :math:`x_{R,i}`,
``reference_total`` = :math:`x_{R,*}`. Every function takes expressions (or column names)
and returns an expression; none reads or writes anything.
"""

from __future__ import annotations

import polars as pl

from lqcalc.metrics._safe import ExprLike, as_expr, coded_reason, finite_or_null, first_reason, safe_div, zero_or_missing

#: z value of a two-sided 95% interval.
Z95 = 1.959963984540054

#: Units that count people, jobs, firms or establishments, with the factor to single units.
#: The confidence interval of the LQ assumes multinomial counts, so it is computed only for
#: these (and for rows without a unit whose values are whole numbers).
COUNT_UNITS: dict[str, float] = {
    "persons": 1.0, "person": 1.0, "people": 1.0, "employees": 1.0, "employee": 1.0,
    "jobs": 1.0, "job": 1.0, "workers": 1.0, "count": 1.0, "number": 1.0, "units": 1.0,
    "establishments": 1.0, "establishment": 1.0, "firms": 1.0, "firm": 1.0,
    "enterprises": 1.0, "plants": 1.0, "projects": 1.0,
    "person-times": 1.0, "items": 1.0,
    "人": 1.0, "个": 1.0, "家": 1.0, "户": 1.0, "项": 1.0, "人次": 1.0,
    "千人": 1e3, "thousand persons": 1e3, "thousands": 1e3, "万人": 1e4, "万个": 1e4, "万家": 1e4,
    "万户": 1e4,
}


def lq(x: ExprLike, region_total: ExprLike, reference_value: ExprLike, reference_total: ExprLike) -> pl.Expr:
    r"""Location quotient.

    .. math:: LQ_{r,i} = \frac{x_{r,i} / x_{r,*}}{x_{R,i} / x_{R,*}}

    Source: Isard (1960); REAT documentation ``locq`` (Farhauer & Kröll 2013), whose textbook
    example is reproduced below. Null when any input is null, when a denominator
    (:math:`x_{r,*}`, :math:`x_{R,i}`, :math:`x_{R,*}`) is 0, and never ``inf``/``NaN``;
    :func:`lq_reason` says why.

    >>> import polars as pl
    >>> round(pl.select(lq(1714, 79006, 879213, 15593224)).item(), 7)
    0.3847623
    >>> pl.select(lq(5, 0, 10, 100)).item() is None
    True
    """
    return safe_div(safe_div(x, region_total), safe_div(reference_value, reference_total))


def lq_reason(x: ExprLike, region_total: ExprLike, reference_value: ExprLike, reference_total: ExprLike,
              name: str = "lq") -> pl.Expr:
    """Why :func:`lq` is null (null where it is not).

    >>> import polars as pl
    >>> pl.select(lq_reason(5, 0, 10, 100)).item()
    'lq: region total is 0'
    >>> pl.select(lq_reason(5, 50, 10, 100)).item() is None
    True
    """
    x, rt, rv, rT = (as_expr(v) for v in (x, region_total, reference_value, reference_total))
    return first_reason(
        (x.is_null(), f"{name}: value is missing"),
        *zero_or_missing(name, "region total", rt),
        *zero_or_missing(name, "reference value", rv),
        *zero_or_missing(name, "reference total", rT),
        (lq(x, rt, rv, rT).is_null(), f"{name}: not finite"),
    )


def slq(lq_value: ExprLike) -> pl.Expr:
    r"""Symmetric location quotient, in (-1, 1) and 0 where LQ = 1.

    .. math:: SLQ = \frac{LQ - 1}{LQ + 1}

    Source: Dalum, Laursen & Villumsen (1998), "Structural change in OECD export specialisation
    patterns", *International Review of Applied Economics* 12(3). Null where LQ is null
    (the reason is the LQ's).

    >>> import polars as pl
    >>> pl.select(slq(3.0)).item()
    0.5
    >>> pl.select(slq(1.0)).item()
    0.0
    """
    e = as_expr(lq_value)
    return safe_div(e - 1.0, e + 1.0)


def count_scale(unit: ExprLike) -> pl.Expr:
    """Factor from ``unit`` to single counted units; null for units that are not counts.

    A null unit gives 1 (the values decide, see :func:`lq_ci_reason`).

    >>> import polars as pl
    >>> pl.DataFrame({"u": ["persons", "万人", "yuan", None]}).select(count_scale("u"))["u"].to_list()
    [1.0, 10000.0, None, 1.0]
    """
    u = as_expr(unit)
    scaled = u.str.strip_chars().str.to_lowercase().replace_strict(COUNT_UNITS, default=None, return_dtype=pl.Float64)
    return pl.when(u.is_not_null()).then(scaled).otherwise(pl.lit(1.0))


def _is_whole(e: pl.Expr) -> pl.Expr:
    # one reference to ``e``: the fractional part is within 1e-6 of 0 or 1
    return ((e % 1.0) - 0.5).abs() >= 0.5 - 1e-6


def lq_log_variance(x: ExprLike, region_total: ExprLike, reference_value: ExprLike,
                    reference_total: ExprLike) -> pl.Expr:
    r"""Delta-method variance of :math:`\ln LQ` for multinomial counts.

    .. math:: \operatorname{Var}(\ln LQ) \approx \frac{1}{x_{r,i}} - \frac{1}{x_{r,*}}
       - \frac{1}{x_{R,i}} - \frac{1}{x_{R,*}} + \frac{2\,x_{r,i}}{x_{r,*}\,x_{R,i}}

    Source: indicators.md; Moineddin, Beyene & Boyle (2003), *Geographical Analysis* 35:249
    discuss LQ intervals. Inputs must be counts (see :func:`lq_ci_low`). Null when a count is
    0 or the variance is not positive.

    >>> import polars as pl
    >>> round(pl.select(lq_log_variance(100, 1000, 1000, 100000)).item(), 6)
    0.00819
    """
    x, rt, rv, rT = (as_expr(v).cast(pl.Float64) for v in (x, region_total, reference_value, reference_total))
    # a zero count makes a term infinite and the sum inf or NaN: one test of the sum, not
    # one per term (the same values where every term is finite)
    var = finite_or_null(1.0 / x - 1.0 / rt - 1.0 / rv - 1.0 / rT + 2.0 * x / (rt * rv))
    return pl.when(var > 0).then(var).otherwise(None)


def _scale_expr(unit: ExprLike | None, scale: ExprLike | None) -> pl.Expr:
    if scale is not None:
        return as_expr(scale)
    return count_scale(unit) if unit is not None else pl.lit(1.0)


def _counts_ok(x, rt, rv, rT, scale: pl.Expr) -> pl.Expr:
    s = scale
    return pl.all_horizontal(_is_whole(x * s), _is_whole(rt * s), _is_whole(rv * s), _is_whole(rT * s), x > 0)


def lq_ci_log_variance(x: ExprLike, region_total: ExprLike, reference_value: ExprLike, reference_total: ExprLike,
                       unit: ExprLike | None = None, scale: ExprLike | None = None) -> pl.Expr:
    """:func:`lq_log_variance` of the values converted to single counts, null where the
    interval is not defined (not a count unit, not whole counts, value 0).

    >>> import polars as pl
    >>> round(pl.select(lq_ci_log_variance(10, 100, 100, 10000, pl.lit("万人"))).item(), 9)
    8.19e-06
    """
    x, rt, rv, rT = (as_expr(v).cast(pl.Float64) for v in (x, region_total, reference_value, reference_total))
    s = _scale_expr(unit, scale)
    # Var with every count multiplied by s is Var / s: each term is 1/count
    var = lq_log_variance(x, rt, rv, rT) / s
    return pl.when(_counts_ok(x, rt, rv, rT, s).fill_null(False)).then(var)


def lq_ci_bound(lq_value: ExprLike, log_variance: ExprLike, z: float) -> pl.Expr:
    r"""One bound of the interval from an LQ and its log variance: :math:`LQ \exp(z \sqrt{V})`
    (``z`` < 0 for the lower bound).

    >>> import polars as pl
    >>> round(pl.select(lq_ci_bound(10.0, 0.00819, -Z95)).item(), 4)
    8.3747
    """
    return finite_or_null(as_expr(lq_value) * (z * as_expr(log_variance).sqrt()).exp())


def _ci(x, rt, rv, rT, unit, z, sign, scale=None):
    var = lq_ci_log_variance(x, rt, rv, rT, unit, scale)
    return lq_ci_bound(lq(x, rt, rv, rT), var, sign * z)


def lq_ci_low(x: ExprLike, region_total: ExprLike, reference_value: ExprLike, reference_total: ExprLike,
              unit: ExprLike | None = None, z: float = Z95, scale: ExprLike | None = None) -> pl.Expr:
    r"""Lower bound of the confidence interval of LQ (95% by default).

    .. math:: LQ \cdot \exp\left(-z \sqrt{\operatorname{Var}(\ln LQ)}\right)

    with the variance of :func:`lq_log_variance`. Counts only: null (see
    :func:`lq_ci_reason`) when the unit is not a count (yuan, percent; see
    :data:`COUNT_UNITS`; ``万人`` is scaled to persons first), when a value is not a whole
    number, when :math:`x_{r,i} = 0` (LQ = 0 has no log-scale interval) or when the variance
    is not positive. ``scale`` (an expression giving :func:`count_scale` of the unit, e.g. a
    precomputed column) may replace ``unit``. Coverage is checked by simulation in the tests.

    >>> import polars as pl
    >>> round(pl.select(lq_ci_low(100, 1000, 1000, 100000)).item(), 4)
    8.3747
    >>> pl.select(lq_ci_low(1.5, 1000, 1000, 100000)).item() is None
    True
    """
    return _ci(x, region_total, reference_value, reference_total, unit, z, -1.0, scale)


def lq_ci_high(x: ExprLike, region_total: ExprLike, reference_value: ExprLike, reference_total: ExprLike,
               unit: ExprLike | None = None, z: float = Z95, scale: ExprLike | None = None) -> pl.Expr:
    r"""Upper bound of the confidence interval of LQ (95% by default).

    .. math:: LQ \cdot \exp\left(+z \sqrt{\operatorname{Var}(\ln LQ)}\right)

    Same rules as :func:`lq_ci_low`.

    >>> import polars as pl
    >>> round(pl.select(lq_ci_high(100, 1000, 1000, 100000)).item(), 4)
    11.9408
    """
    return _ci(x, region_total, reference_value, reference_total, unit, z, 1.0, scale)


def lq_ci_reason(x: ExprLike, region_total: ExprLike, reference_value: ExprLike, reference_total: ExprLike,
                 unit: ExprLike | None = None, scale: ExprLike | None = None) -> pl.Expr:
    """Why the LQ confidence interval is null (null where it is not).

    >>> import polars as pl
    >>> pl.select(lq_ci_reason(5, 50, 10, 100, pl.lit("yuan"))).item()
    "lq_ci: unit 'yuan' is not a count"
    >>> pl.select(lq_ci_reason(5.5, 50, 10, 100)).item()
    'lq_ci: values are not whole counts'
    """
    x, rt, rv, rT = (as_expr(v).cast(pl.Float64) for v in (x, region_total, reference_value, reference_total))
    u = as_expr(unit) if unit is not None else pl.lit(None, dtype=pl.String)
    s = _scale_expr(u, scale)
    whole = pl.all_horizontal(_is_whole(x * s), _is_whole(rt * s), _is_whole(rv * s), _is_whole(rT * s))
    bad_unit = pl.concat_str(pl.lit("lq_ci: unit '"), u, pl.lit("' is not a count"))
    return coded_reason([
        (x.is_null(), "lq_ci: value is missing"),
        (rt.is_null() | rv.is_null() | rT.is_null() | (rt == 0) | (rv == 0) | (rT == 0), "lq_ci: lq is null"),
        (s.is_null(), bad_unit),
        (~whole.fill_null(False), "lq_ci: values are not whole counts"),
        (x <= 0, "lq_ci: value is 0 (no interval on the log scale)"),
        (lq_log_variance(x, rt, rv, rT).is_null(), "lq_ci: variance is not positive"),
    ])


def lq_excl_own(x: ExprLike, region_total: ExprLike, reference_value: ExprLike, reference_total: ExprLike) -> pl.Expr:
    r"""LQ against the reference economy without the region itself.

    .. math:: LQ^{excl}_{r,i} = \frac{x_{r,i} / x_{r,*}}{(x_{R,i} - x_{r,i}) / (x_{R,*} - x_{r,*})}

    For large regions (Guangdong within China) whose own weight pulls the reference towards
    them. Null when a remainder is not positive (the region is the whole reference) or an
    input is null; see :func:`lq_excl_own_reason`.

    >>> import polars as pl
    >>> pl.select(lq_excl_own(20, 100, 40, 300)).item()
    2.0
    """
    x, rt, rv, rT = (as_expr(v).cast(pl.Float64) for v in (x, region_total, reference_value, reference_total))
    rest_i, rest_t = rv - x, rT - rt
    ok = (rest_i > 0) & (rest_t > 0)
    return pl.when(ok).then(lq(x, rt, rest_i, rest_t)).otherwise(None)


def lq_excl_own_reason(x: ExprLike, region_total: ExprLike, reference_value: ExprLike,
                       reference_total: ExprLike) -> pl.Expr:
    """Why :func:`lq_excl_own` is null.

    >>> import polars as pl
    >>> pl.select(lq_excl_own_reason(40, 100, 40, 300)).item()
    'lq_excl_own: reference value minus own value is not positive'
    """
    x, rt, rv, rT = (as_expr(v).cast(pl.Float64) for v in (x, region_total, reference_value, reference_total))
    name = "lq_excl_own"
    return first_reason(
        (x.is_null(), f"{name}: value is missing"),
        *zero_or_missing(name, "region total", rt),
        (rv.is_null(), f"{name}: reference value is missing"),
        (rT.is_null(), f"{name}: reference total is missing"),
        (rv - x <= 0, f"{name}: reference value minus own value is not positive"),
        (rT - rt <= 0, f"{name}: reference total minus own total is not positive"),
        (lq_excl_own(x, rt, rv, rT).is_null(), f"{name}: not finite"),
    )

