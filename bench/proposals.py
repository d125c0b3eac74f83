"""Measured alternatives for the hot spots of the indicator expressions (proposals).

Times, on the base frame of a benchmark table, the current expression of
:mod:`lqcalc.metrics` against an equivalent formulation, and checks that both give the same
result:

1. ``safe_div``: ``when(d != 0).then(n / d).fill_nan(None).replace([inf, -inf], None)``
   against ``when((d != 0) & (n / d).is_finite()).then(n / d)`` (no hash-based replace);
2. ``null_reason``: a when/then chain of *string* literals evaluated on every row, then
   joined with ``concat_str``, against integer reason codes on every row (UInt8 when/then
   chains are cheap) and the text built only for the rows that have a reason;
3. the LQ stage: :func:`lqcalc.totals.attach_totals` (window expressions) + LQ, against one
   partition per year with the denominators looked up by ``replace_strict`` on one key.

Usage::

    python bench/proposals.py INPUT.parquet
"""

from __future__ import annotations

import json
import sys
import time

import polars as pl

from lqcalc.config import ReadOptions
from lqcalc.io import read_inputs
from lqcalc.metrics import lq as lqm
from lqcalc.metrics import shares as sh
from lqcalc.metrics._safe import join_reasons, safe_div
from lqcalc.totals import attach_totals


def best(f, n: int = 2) -> tuple[float, object]:
    """Fastest of ``n`` calls of ``f`` and its last result."""
    times, r = [], None
    for _ in range(n):
        t = time.perf_counter()
        r = f()
        times.append(time.perf_counter() - t)
    return round(min(times), 3), r


def safe_div_finite(n: pl.Expr, d: pl.Expr) -> pl.Expr:
    """Division that is null where the denominator is 0 or the result is not finite."""
    n, d = n.cast(pl.Float64), d.cast(pl.Float64)
    q = n / d
    return pl.when((d != 0) & q.is_finite()).then(q)


def coded_reasons(cases: list[list[tuple[pl.Expr, str]]]) -> tuple[list[pl.Expr], list[list[str]]]:
    """One UInt8 code column per indicator (0 = no reason) and the texts of each code."""
    exprs, texts = [], []
    for k, chain in enumerate(cases):
        e = None
        for j, (cond, _text) in enumerate(chain, start=1):
            c = cond.fill_null(False)
            e = pl.when(c).then(pl.lit(j, pl.UInt8)) if e is None else e.when(c).then(pl.lit(j, pl.UInt8))
        exprs.append(e.otherwise(pl.lit(0, pl.UInt8)).alias(f"_code{k}"))
        texts.append([t for _, t in chain])
    return exprs, texts


def reasons_from_codes(df: pl.DataFrame, texts: list[list[str]]) -> pl.Series:
    """``null_reason`` text built only on the rows with at least one non-zero code."""
    codes = [f"_code{k}" for k in range(len(texts))]
    idx = df.select(pl.any_horizontal(pl.col(c) > 0 for c in codes).alias("a"))["a"].arg_true()
    sub = df[idx].select(pl.concat_str(
        [pl.col(c).replace_strict(list(range(1, len(t) + 1)), t, default=None, return_dtype=pl.String)
         for c, t in zip(codes, texts)], separator="; ", ignore_nulls=True).alias("r"))["r"]
    return pl.Series("null_reason", [], dtype=pl.String).extend_constant(None, df.height).scatter(idx, sub)


def _mismatches(a: pl.DataFrame, b: pl.DataFrame, key: list[str], col: str) -> int:
    """Cells of ``col`` that differ (beyond 1e-12) or are missing in one frame only."""
    j = a.select(*key, col).join(b.select(*key, pl.col(col).alias("_b")), on=key, how="full", coalesce=True)
    x, y = pl.col(col), pl.col("_b")
    return j.filter((x.is_null() != y.is_null()) | ((x - y).abs() > 1e-12)).height


def main() -> None:
    path = sys.argv[1]
    tidy, _ = read_inputs([path], ReadOptions(region_col="region", industry_col="industry", year_col="year",
                                              value_cols=["employment"]))
    base = attach_totals(tidy, "US000", "10").base
    rows = base.filter(~pl.col("is_reference_region") & ~pl.col("is_total_industry"))
    x, rt, rv, rT = (pl.col(c) for c in ("value", "region_total", "reference_value", "reference_total"))
    res: dict = {"rows": rows.height}

    # 1. safe_div
    t_cur, a = best(lambda: rows.select(safe_div(safe_div(x, rt), safe_div(rv, rT)).alias("q")))
    t_new, b = best(lambda: rows.select(safe_div_finite(safe_div_finite(x, rt), safe_div_finite(rv, rT)).alias("q")))
    res["lq_safe_div"] = {"current_s": t_cur, "proposed_s": t_new, "equal": a.equals(b)}

    # 2. reasons of the LQ and the shares (the same cases as lqcalc.metrics)
    cases = [
        [(x.is_null(), "lq: value is missing"), (rt.is_null(), "lq: region total is missing"),
         (rt == 0, "lq: region total is 0"), (rv.is_null(), "lq: reference value is missing"),
         (rv == 0, "lq: reference value is 0"), (rT.is_null(), "lq: reference total is missing"),
         (rT == 0, "lq: reference total is 0")],
        [(x.is_null(), "share_of_region: value is missing"), (rt.is_null(), "share_of_region: region total is missing"),
         (rt == 0, "share_of_region: region total is 0")],
        [(x.is_null(), "share_of_reference: value is missing"),
         (rv.is_null(), "share_of_reference: reference value is missing"),
         (rv == 0, "share_of_reference: reference value is 0")],
    ]

    def strings():
        chains = []
        for chain in cases:
            e = None
            for cond, text in chain:
                c = cond.fill_null(False)
                e = pl.when(c).then(pl.lit(text)) if e is None else e.when(c).then(pl.lit(text))
            chains.append(e.otherwise(pl.lit(None, dtype=pl.String)))
        return rows.select(join_reasons(chains).alias("null_reason"))["null_reason"]

    def coded():
        exprs, texts = coded_reasons(cases)
        return reasons_from_codes(rows.select(exprs), texts)

    t_cur, a = best(strings)
    t_new, b = best(coded)
    res["null_reason_3_indicators"] = {"current_s": t_cur, "proposed_s": t_new, "equal": a.equals(b),
                                       "rows_with_reason": int(a.is_not_null().sum())}
    t_one, _ = best(lambda: rows.select(lqm.lq_reason(x, rt, rv, rT)))
    res["lq_reason_alone_s"] = t_one
    t_share, _ = best(lambda: rows.select(sh.share_of_region(x, rt)))
    res["share_of_region_alone_s"] = t_share
    # 3. LQ stage: windows against per-year lookups
    def windows():
        b = attach_totals(tidy, "US000", "10").base
        return b.with_columns(lqm.lq("value", "region_total", "reference_value", "reference_total").alias("lq"))

    def lookups():
        out = []
        is_ref, is_tot = pl.col("region") == "US000", pl.col("industry") == "10"
        for _, part in tidy.partition_by("year", as_dict=True).items():
            r = part.filter(is_tot).select("region", "value")
            i = part.filter(is_ref).select("industry", "value")
            tot = part.filter(is_ref & is_tot)["value"]
            out.append(part.with_columns(
                pl.col("region").replace_strict(r["region"], r["value"], default=None, return_dtype=pl.Float64)
                .alias("region_total"),
                pl.col("industry").replace_strict(i["industry"], i["value"], default=None, return_dtype=pl.Float64)
                .alias("reference_value"),
                pl.lit(tot[0] if tot.len() else None, pl.Float64).alias("reference_total"),
            ).with_columns(lqm.lq("value", "region_total", "reference_value", "reference_total").alias("lq")))
        return pl.concat(out)

    t_cur, a = best(windows)
    t_new, b = best(lookups)
    key = ["region", "industry", "year"]
    res["lq_stage"] = {"current_s": t_cur, "proposed_s": t_new,
                       "current_rows_per_s": round(tidy.height / t_cur), "proposed_rows_per_s": round(tidy.height / t_new),
                       "mismatches": _mismatches(a, b, key, "lq")}
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
