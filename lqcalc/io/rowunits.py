"""Units read per row of a long table (a ``unit`` / ``单位`` column, or ``--unit-col``).

Every distinct unit is parsed once (:func:`lqcalc.units.parse_unit`); the values of each row
are scaled exactly to the base unit (``万人`` -> persons, ``亿元`` -> yuan, the same base
units as the NBS reader), so a measure written partly in 万人 and partly in 人 gives the
numbers of the same data all in persons. A unit lqcalc does not know, and a measure whose
rows carry units that cannot be converted into each other (persons and yuan), are problems
naming the rows and the units.
"""

from __future__ import annotations

import polars as pl

from lqcalc.errors import Problem
from lqcalc.units import Unit, is_known, parse_unit, scale_expr

#: Lines named in one problem before "and N more".
LINES_SHOWN = 5


def _lines(lines: list[int], total: int) -> str:
    shown = ", ".join(map(str, lines[:LINES_SHOWN]))
    return shown + (f" and {total - LINES_SHOWN} more" if total > LINES_SHOWN else "")


def apply_units(df: pl.DataFrame, unit_col: str | None, column: str | None, default: str | None,
                values: dict[str, str], file: str) -> tuple[pl.DataFrame, list[Problem], dict[str, str]]:
    """Scale the value columns of ``df`` by the unit of each row; add ``__unit`` (the base unit).

    Parameters
    ----------
    df : polars.DataFrame
        Rows with ``__line``, the value columns (Float64) and, when ``unit_col`` is given,
        the unit as written in column ``unit_col``.
    unit_col : str or None
        The frame's column holding the unit (None: every row has ``default``).
    column : str or None
        The file's name of that column (for messages).
    default : str or None
        ``--unit``: the unit of rows whose unit cell is empty.
    values : dict
        Frame column -> measure name, for the value columns.
    file : str
        The file, for messages.

    Returns
    -------
    (frame, problems, printed)
        ``printed`` maps each base unit to the units as written that gave it.

    Examples
    --------
    >>> df = pl.DataFrame({"__line": [2, 3], "u": ["万人", "人"], "v": [763.6, 1200.0]})
    >>> out, probs, printed = apply_units(df, "u", "unit", None, {"v": "emp"}, "f.csv")
    >>> out["v"].to_list(), out["__unit"].to_list(), probs, printed
    ([7636000.0, 1200.0], ['persons', 'persons'], [], {'persons': ['万人', '人']})
    >>> bad = pl.DataFrame({"__line": [2, 3, 4], "u": ["万人", "亿元", "公顷"], "v": [1.0, 2.0, 3.0]})
    >>> [p.rule for p in apply_units(bad, "u", "unit", None, {"v": "emp"}, "f.csv")[1]]
    ['unknown_unit', 'mixed_units']
    """
    problems: list[Problem] = []
    if unit_col is None:
        # one unit for every row (--unit, or none): a unit lqcalc does not know is kept as written
        p = parse_unit(default)
        known = p is not None and is_known(p)
        if known and p.factor != 1:
            df = df.with_columns(scale_expr(pl.col(c), p.factor).alias(c) for c in values)
        unit = (p.base if known else default) if p is not None else None
        return df.with_columns(pl.lit(unit, dtype=pl.String).alias("__unit")), problems, \
            ({unit: [default]} if unit else {})
    raw = pl.col(unit_col).cast(pl.String).str.strip_chars(" \t\u3000")
    text = pl.when(raw.is_null() | (raw == "")).then(pl.lit(default, dtype=pl.String)).otherwise(raw)
    df = df.with_columns(text.alias("__unit_text"))
    printed = [u for u in df["__unit_text"].unique(maintain_order=True).to_list()]
    parsed: dict[str | None, Unit | None] = {u: parse_unit(u) for u in printed}
    where = f"column {column!r}" if column else "--unit"
    unknown = [u for u in printed if u is not None and not is_known(parsed[u])]
    for u in unknown:
        lines = df.filter(pl.col("__unit_text") == u)["__line"]
        problems.append(Problem(
            "unknown_unit", f"unit {u!r} ({where}) is not one lqcalc can convert, on line(s) {_lines(lines.to_list(), lines.len())}",
            file, int(lines[0]), column, u,
            "write the unit as 人 / 万人 / 元 / 万元 / 亿元 / % (or persons, yuan, usd), or convert the values first"))
    base = {u: (p.base if p is not None else None) for u, p in parsed.items()}
    by_base: dict[str, list[str]] = {}
    for u in printed:
        if base[u] is not None and u not in unknown:
            by_base.setdefault(base[u], []).append(u)
    if len(by_base) > 1 and values:
        # one measure per value column: all of its rows share the unit column
        first = {b: df.filter(pl.col("__unit_text").is_in(us)).head(1)["__line"][0] for b, us in by_base.items()}
        desc = "; ".join(f"{b} ({', '.join(us)}) from line {first[b]}" for b, us in by_base.items())
        for measure in values.values():
            problems.append(Problem(
                "mixed_units", f"measure {measure!r} mixes units that cannot be converted into each other: {desc}",
                file, min(first.values()), column or measure, ", ".join(u for us in by_base.values() for u in us),
                "give each kind of quantity its own value column or file (persons and yuan are different measures)"))
    factors: dict = {}
    for u in printed:
        p = parsed[u]
        if p is not None and u not in unknown and p.factor != 1:
            factors.setdefault(p.factor, []).append(u)
    scaled = []
    for c in values:
        e = pl.col(c)
        for factor, us in factors.items():
            e = pl.when(pl.col("__unit_text").is_in(us)).then(scale_expr(pl.col(c), factor)).otherwise(e)
        scaled.append(e.alias(c))
    base_of = {u: base[u] for u in printed if u is not None}
    unit_expr = (pl.col("__unit_text").replace_strict(base_of, default=None, return_dtype=pl.String)
                 if base_of else pl.lit(None, dtype=pl.String))
    df = df.with_columns(*scaled, unit_expr.alias("__unit")).drop("__unit_text")
    return df, problems, {b: us for b, us in by_base.items()}


__all__ = ["apply_units"]
