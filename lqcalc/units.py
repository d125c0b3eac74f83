"""Units of Chinese statistical tables and exact scaling to base units.

A unit as printed (``万人``, ``亿元``, ``%``, ``10 000 persons``) is parsed into a
:class:`Unit`: the base unit stored in the tidy ``unit`` column (``persons``, ``yuan``,
``units``, ``percent``...) and the power-of-ten factor that turns a printed number into
base units. Scaling goes through :class:`decimal.Decimal`, so ``763.6`` 万人 is exactly
``7636000.0`` persons (a binary ``763.6 * 10000`` gives ``7635999.999999999``).

Percentages and other ratios are *not additive*: :func:`is_additive` says so, and nothing
may sum them (a regional total of percentages is meaningless).

>>> parse_unit("万人")
Unit(base='persons', factor=Decimal('10000'), printed='万人')
>>> scale("763.6", parse_unit("万人"))
7636000.0
>>> scale(23014.59, parse_unit("亿元"))
2301459000000.0
>>> is_additive("percent")
False
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from lqcalc.errors import DataError, Problem

# printed unit (normalized: no spaces, lower case) -> (base unit, factor)
_MAGNITUDE = {
    "": Decimal(1),
    "十": Decimal(10),
    "百": Decimal(100),
    "千": Decimal(1000),
    "万": Decimal(10_000),
    "十万": Decimal(100_000),
    "百万": Decimal(1_000_000),
    "千万": Decimal(10_000_000),
    "亿": Decimal(100_000_000),
    "万亿": Decimal(1_000_000_000_000),
}
_BASE = {
    "人": "persons",
    "人次": "person-times",
    "元": "yuan",
    "元人民币": "yuan",
    "美元": "usd",
    "个": "units",
    "家": "units",
    "户": "units",
    "件": "items",
    "项": "items",
    "吨": "tonnes",
    "平方米": "square metres",
    "平方公里": "square kilometres",
    "公里": "kilometres",
}
_PERCENT = {"%": "percent", "％": "percent", "百分比": "percent", "‰": "permille", "percent": "percent",
            "pct": "percent", "permille": "permille", "index": "index", "指数": "index", "ratio": "ratio"}
#: An index against a base period: ``上年=100``, ``1978=100``, ``上年同期=100``, ``2015年=100``.
_INDEX_RE = re.compile(r"^(上年|上年同期|去年|前一年|上期|\d{4}年?)[=＝]100$")
_ENGLISH = {
    "persons": ("persons", 1), "person": ("persons", 1), "people": ("persons", 1),
    "10000persons": ("persons", 10_000), "10thousandpersons": ("persons", 10_000),
    "yuan": ("yuan", 1), "rmb": ("yuan", 1), "10000yuan": ("yuan", 10_000),
    "100millionyuan": ("yuan", 100_000_000), "billionyuan": ("yuan", 1_000_000_000),
    "units": ("units", 1), "unit": ("units", 1), "establishments": ("units", 1),
    "usd": ("usd", 1), "dollars": ("usd", 1), "thousanddollars": ("usd", 1000),
    "10000usd": ("usd", 10_000),
}

NON_ADDITIVE = frozenset({"percent", "permille", "index", "ratio"})
"""Base units whose values must never be summed."""


@dataclass(frozen=True)
class Unit:
    """A parsed unit: ``base`` (tidy ``unit`` value) and the ``factor`` to reach it."""

    base: str
    factor: Decimal
    printed: str

    @property
    def additive(self) -> bool:
        """False for percentages, indices and other ratios."""
        return is_additive(self.base)


def is_additive(base: str | None) -> bool:
    """Whether values of this base unit may be summed.

    >>> is_additive("persons"), is_additive("percent"), is_additive("yuan/persons")
    (True, False, False)
    """
    if base is None:
        return True
    return base not in NON_ADDITIVE and "/" not in base


def _parse_simple(text: str) -> tuple[str, Decimal] | None:
    t = text.strip()
    if t in _PERCENT:
        return _PERCENT[t], Decimal(1)
    if _INDEX_RE.match(t):
        return "index", Decimal(1)
    if t in _BASE:
        return _BASE[t], Decimal(1)
    for mag in sorted(_MAGNITUDE, key=len, reverse=True):
        if mag and t.startswith(mag) and t[len(mag):] in _BASE:
            return _BASE[t[len(mag):]], _MAGNITUDE[mag]
    eng = re.sub(r"[\s,]+", "", t).lower()
    if eng in _ENGLISH:
        base, factor = _ENGLISH[eng]
        return base, Decimal(factor)
    return None


def parse_unit(text: str | None) -> Unit | None:
    """Parse a printed unit; None when ``text`` is empty.

    Unknown units are kept as printed with factor 1 (nothing is guessed). Ratios
    (``元/人``) scale the numerator and divide by the denominator's factor.

    >>> parse_unit("亿元").factor
    Decimal('100000000')
    >>> parse_unit("%").base
    'percent'
    >>> parse_unit("元/人")
    Unit(base='yuan/persons', factor=Decimal('1'), printed='元/人')
    >>> parse_unit("万元/人").factor
    Decimal('10000')
    >>> parse_unit("10 000 persons").base
    'persons'
    >>> parse_unit("公顷")
    Unit(base='公顷', factor=Decimal('1'), printed='公顷')
    """
    if text is None:
        return None
    t = re.sub(r"[\s\u3000]+", "", str(text))
    t = t.strip("()（）")
    if not t:
        return None
    simple = _parse_simple(t)
    if simple:
        return Unit(simple[0], simple[1], str(text).strip())
    if "/" in t:
        num, _, den = t.partition("/")
        pn, pd = _parse_simple(num), _parse_simple(den)
        if pn and pd:
            return Unit(f"{pn[0]}/{pd[0]}", pn[1] / pd[1], str(text).strip())
    eng = re.sub(r"\s+", " ", str(text)).strip()
    return Unit(eng, Decimal(1), eng)


def is_known(unit: Unit | None) -> bool:
    """Whether lqcalc understood a parsed unit (a null unit is unknown, not wrong).

    >>> is_known(parse_unit("万人")), is_known(parse_unit("上年=100")), is_known(parse_unit("元/人")), is_known(parse_unit("公顷"))
    (True, True, True, False)
    """
    if unit is None:
        return True
    t = re.sub(r"[\s\u3000]+", "", unit.printed).strip("()（）")
    if _parse_simple(t) is not None:
        return True
    num, sep, den = t.partition("/")
    return bool(sep) and _parse_simple(num) is not None and _parse_simple(den) is not None


def power_of_ten(factor: Decimal) -> int | None:
    """``k`` when ``factor`` is ``10**k``, else None.

    >>> power_of_ten(Decimal(10000)), power_of_ten(Decimal("0.001")), power_of_ten(Decimal(3))
    (4, -3, None)
    """
    f = factor.normalize()
    sign, digits, exp = f.as_tuple()
    return int(exp) if not sign and digits == (1,) else None


def scale_expr(expr, factor: Decimal):
    """A polars expression: ``expr`` (Float64) times ``factor``, exactly as :func:`scale` does it.

    A power of ten moves the decimal point of the shortest representation of each value
    (``763.6`` 万人 -> ``763.6e4`` -> ``7636000.0`` persons, never ``7635999.999999999``); any
    other factor multiplies.

    >>> import polars as pl
    >>> pl.DataFrame({"v": [763.6, 0.1, None, -16.0, 1e-7]}).select(scale_expr(pl.col("v"), Decimal(10000)))["v"].to_list()
    [7636000.0, 1000.0, None, -160000.0, 0.001]
    """
    import polars as pl

    k = power_of_ten(factor)
    if k == 0:
        return expr
    if k is None:
        return expr * float(factor)
    text = expr.cast(pl.String)
    exponent = text.str.extract(r"[eE]([+-]?\d+)$").cast(pl.Int64).fill_null(0) + k
    shifted = pl.concat_str(text.str.extract(r"^([^eE]+)"), pl.lit("e"), exponent.cast(pl.String))
    return pl.when(expr.is_finite()).then(shifted.cast(pl.Float64)).otherwise(expr)


_UNIT_IN_NAME = re.compile(r"^(?P<name>.*?)\s*[（(](?P<unit>[^()（）]*)[)）]\s*$")


def split_name_unit(label: str) -> tuple[str, str | None]:
    """Split ``地区生产总值(亿元)`` into ``('地区生产总值', '亿元')``.

    >>> split_name_unit("城镇单位就业人员(万人)")
    ('城镇单位就业人员', '万人')
    >>> split_name_unit("人均地区生产总值（元）")
    ('人均地区生产总值', '元')
    >>> split_name_unit("地区生产总值")
    ('地区生产总值', None)
    """
    s = str(label).strip()
    m = _UNIT_IN_NAME.match(s)
    if m and m.group("name"):
        return m.group("name").strip(), m.group("unit").strip() or None
    return s, None


def to_decimal(value: str | float | int) -> Decimal:
    """Exact decimal of a printed number or of a float's shortest representation.

    >>> to_decimal(763.6)
    Decimal('763.6')
    >>> to_decimal("1,234.5")
    Decimal('1234.5')
    """
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(str(value).replace(",", "").replace("，", "").strip())


def scale(value: str | float | int | None, unit: Unit | None) -> float | None:
    """``value`` in base units, computed exactly in decimal then rounded once to float.

    >>> scale("0.1", parse_unit("万人"))
    1000.0
    >>> scale(None, parse_unit("万人")) is None
    True
    """
    if value is None:
        return None
    d = to_decimal(value)
    if unit is not None and unit.factor != 1:
        d = d * unit.factor
    return float(d)


def check_consistent(rows: list[tuple[str, str | None, str | None]], file: str | None = None) -> None:
    """Raise DataError when one measure carries two different base units.

    ``rows`` are ``(measure, base unit, source)`` triples; a null unit is compatible with
    anything (it is unknown, not different).

    >>> check_consistent([("gdp", "yuan", "a.csv"), ("gdp", "yuan", "b.csv")])
    >>> check_consistent([("gdp", "yuan", "a.csv"), ("gdp", "percent", "b.csv")])
    Traceback (most recent call last):
    ...
    lqcalc.errors.DataError: measure 'gdp' mixes incompatible units: percent, yuan
    """
    seen: dict[str, dict[str, str | None]] = {}
    for measure, base, source in rows:
        if base is None:
            continue
        seen.setdefault(measure, {}).setdefault(base, source)
    problems = []
    for measure, units in seen.items():
        if len(units) > 1:
            where = "; ".join(f"{u} in {src}" for u, src in sorted(units.items()))
            problems.append(Problem("mixed_units", f"measure {measure!r} mixes incompatible units: {where}",
                                    file=file, column=measure,
                                    hint="give each unit its own measure, or convert the inputs first"))
    if problems:
        first = next(iter(m for m, u in seen.items() if len(u) > 1))
        raise DataError(f"measure {first!r} mixes incompatible units: " + ", ".join(sorted(seen[first])), problems)


__all__ = ["Unit", "parse_unit", "split_name_unit", "scale", "scale_expr", "to_decimal", "is_additive", "is_known",
           "check_consistent", "NON_ADDITIVE", "InvalidOperation"]
