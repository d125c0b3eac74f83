"""Turning raw cells into numbers and codes, with every failure located.

Shared by all readers: missing markers, thousands separators, years. (Strict decoding of
text files is :func:`lqcalc.io.grid.decode_bytes`.)
"""

from __future__ import annotations


import polars as pl

from lqcalc.errors import Problem

#: Cell contents that mean "missing or suppressed" in statistical tables.
MISSING_MARKERS = ["", "—", "——", "-", "--", "…", "……", "...", "NA", "N/A", "n/a", "na", "*", "x", "X", "(D)", "(S)", "#N/A", "null", "NULL"]

_THOUSANDS = r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$"
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def parse_numbers(
    df: pl.DataFrame,
    columns: list[str],
    *,
    file: str,
    line_col: str = "__line",
    zero_as_missing: bool = False,
) -> tuple[pl.DataFrame, list[Problem], dict[str, int]]:
    """Cast text columns to Float64: markers become null, thousands separators are removed.

    Returns the frame, the problems (text that is not a number, non-finite values) with file,
    line, column and value, and counts of what was normalized.

    >>> df = pl.DataFrame({"v": ["1,234.5", "—", " 7 ", "abc"], "__line": [2, 3, 4, 5]})
    >>> out, probs, counts = parse_numbers(df, ["v"], file="t.csv")
    >>> out["v"].to_list()
    [1234.5, None, 7.0, None]
    >>> [(p.rule, p.line, p.value) for p in probs]
    [('non_numeric', 5, 'abc')]
    >>> counts["thousands_separators"]
    1
    """
    problems: list[Problem] = []
    counts = {"thousands_separators": 0, "missing_markers": 0, "zeros_as_missing": 0}
    exprs = []
    for col in columns:
        s = pl.col(col).cast(pl.String).str.strip_chars(" \t\u3000\u00a0\r\n")
        is_marker = s.is_null() | s.is_in(MISSING_MARKERS)
        is_thousands = s.str.contains(_THOUSANDS)
        cleaned = pl.when(is_thousands).then(s.str.replace_all(",", "", literal=True)).otherwise(s)
        is_number = cleaned.str.contains(_NUMBER)
        exprs += [
            pl.when(is_marker).then(None).when(is_number).then(cleaned.cast(pl.Float64, strict=False)).otherwise(None).alias(col),
            (~is_marker & ~is_number).alias(f"__bad_{col}"),
            (is_marker & pl.col(col).is_not_null() & (s != "")).alias(f"__marker_{col}"),
            is_thousands.fill_null(False).alias(f"__th_{col}"),
        ]
    out = df.with_columns(exprs)
    for col in columns:
        bad = out.filter(pl.col(f"__bad_{col}")).select(line_col, pl.col(col).alias("__v"))
        raw = df.filter(out[f"__bad_{col}"]).select(pl.col(col).cast(pl.String))[col]
        for line, value in zip(bad[line_col].to_list(), raw.to_list()):
            lowered = value.strip().lower()
            if lowered in ("inf", "-inf", "+inf", "infinity", "-infinity", "nan"):
                problems.append(Problem("non_finite", "value is not a finite number", file, line, col, value,
                                        "write the real figure, or leave the cell empty if it is missing"))
            else:
                problems.append(Problem("non_numeric", "text in a number column", file, line, col, value,
                                        "write a plain number (e.g. 1234.5), or leave the cell empty / '—' if missing"))
        counts["thousands_separators"] += int(out[f"__th_{col}"].sum())
        counts["missing_markers"] += int(out[f"__marker_{col}"].sum())
        if zero_as_missing:
            counts["zeros_as_missing"] += int((out[col] == 0).sum())
    if zero_as_missing:
        out = out.with_columns([pl.when(pl.col(c) == 0).then(None).otherwise(pl.col(c)).alias(c) for c in columns])
    helper_cols = [c for c in out.columns if c.startswith(("__bad_", "__marker_", "__th_"))]
    return out.drop(helper_cols), problems, counts


def parse_years(df: pl.DataFrame, col: str, *, file: str, line_col: str = "__line") -> tuple[pl.DataFrame, list[Problem]]:
    """Cast a year column (``2024``, ``2024年``, ``2024.0``) to Int32, locating bad cells.

    >>> out, probs = parse_years(pl.DataFrame({"y": ["2024年", "2023", "x"], "__line": [2, 3, 4]}), "y", file="f")
    >>> out["y"].to_list(), [p.value for p in probs]
    ([2024, 2023, None], ['x'])
    """
    s = pl.col(col).cast(pl.String).str.strip_chars(" \t\u3000").str.strip_suffix("年").str.replace(r"\.0+$", "")
    ok = s.str.contains(r"^\d{4}$")
    out = df.with_columns(pl.when(ok).then(s.cast(pl.Int32, strict=False)).otherwise(None).alias(col), (~ok).fill_null(True).alias("__bad"))
    bad_rows = out.filter(pl.col("__bad"))
    raw = df.filter(out["__bad"])[col].cast(pl.String).to_list()
    problems = [
        Problem("bad_year", "not a four-digit year", file, line, col, value, "years are written like 2024 or 2024年")
        for line, value in zip(bad_rows[line_col].to_list(), raw)
    ]
    return out.drop("__bad"), problems
