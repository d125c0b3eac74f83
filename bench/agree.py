"""Do lqcalc, the pandas script, the DuckDB SQL (and the polars script and the streaming
prototype) give the same numbers?

Compares LQ (per region x industry x year) and growth plus the three shift-share components
(per region x industry, first to last year; CAGR too where the contender computes it) of lqcalc's output directory and each contender's: the same keys,
the same cells missing, and values equal within a relative tolerance (default 1e-9; the
implementations divide in different orders, so bit-identity is not expected).

Usage::

    python bench/agree.py LQCALC_OUT PANDAS_OUT DUCKDB_OUT [--polars POLARS_OUT] [--streaming STREAMING_OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import polars as pl

GROWTH_COLUMNS = ["growth", "national_share", "industry_mix", "regional_shift"]


def load_lqcalc(out: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """LQ and growth tables of an ``lqcalc run`` output, in the contenders' shape."""
    lq = pl.read_parquet(out / "indicators.parquet", columns=["region", "industry", "year", "lq"])
    g = pl.read_parquet(out / "growth.parquet")
    first, last = g["start_year"].min(), g["end_year"].max()
    g = g.filter(~pl.col("is_total_industry") & (pl.col("start_year") == first) & (pl.col("end_year") == last))
    return lq, g.select("region", "industry", "start_year", "end_year", *GROWTH_COLUMNS, "cagr")


def load_contender(out: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """LQ and growth tables written by a contender script (``lq.parquet``, ``growth.parquet``)."""
    src = out / "lq.parquet" if (out / "lq.parquet").exists() else out / "lq"   # one file or a partitioned directory
    lq = pl.read_parquet(src).select("region", "industry", pl.col("year").cast(pl.Int32), "lq")
    g = pl.read_parquet(out / "growth.parquet")
    g = g.select("region", "industry", pl.col("start_year").cast(pl.Int32), pl.col("end_year").cast(pl.Int32),
                 *GROWTH_COLUMNS, *(["cagr"] if "cagr" in g.columns else []))   # the scripts with a CAGR
    return lq, g


def compare(a: pl.DataFrame, b: pl.DataFrame, keys: list[str], columns: list[str], rtol: float = 1e-9,
            atol: float = 1e-9) -> dict:
    """Differences between two tables on ``keys``: missing keys, null mismatches, largest error.

    >>> a = pl.DataFrame({"k": [1, 2, 3], "v": [1.0, None, 3.0]})
    >>> b = pl.DataFrame({"k": [1, 2, 3], "v": [1.0 + 1e-13, None, 3.0]})
    >>> compare(a, b, ["k"], ["v"])["ok"]
    True
    >>> compare(a, b.with_columns(pl.col("v").fill_null(0.0)), ["k"], ["v"])["v"]["null_mismatch"]
    1
    """
    a = a.with_columns(pl.col(c).cast(pl.Float64).fill_nan(None) for c in columns)
    b = b.with_columns(pl.col(c).cast(pl.Float64).fill_nan(None) for c in columns)
    j = a.join(b, on=keys, how="full", suffix="_b", coalesce=True, nulls_equal=True)
    report: dict = {"rows_a": a.height, "rows_b": b.height, "rows_joined": j.height,
                    "keys_equal": a.height == b.height == j.height}
    ok = report["keys_equal"]
    for c in columns:
        x, y = pl.col(c), pl.col(f"{c}_b")
        both = x.is_not_null() & y.is_not_null()
        err = ((x - y).abs() / pl.max_horizontal(y.abs(), pl.lit(1.0))).filter(both)
        s = j.select(
            (x.is_null() != y.is_null()).sum().alias("null_mismatch"),
            both.sum().alias("compared"),
            err.max().alias("max_rel_err"),
            ((x - y).abs() > atol + rtol * y.abs()).filter(both).sum().alias("over_tolerance"),
        ).row(0, named=True)
        s["max_rel_err"] = float(s["max_rel_err"] or 0.0)
        report[c] = s
        ok = ok and s["null_mismatch"] == 0 and s["over_tolerance"] == 0 and s["compared"] > 0
    report["ok"] = bool(ok)
    return report


def agree(lqcalc_out: Path, pandas_out: Path | None, duckdb_out: Path | None, rtol: float = 1e-9,
          streaming: Path | None = None, polars: Path | None = None) -> dict:
    """Compare each contender against lqcalc; ``ok`` is true when every comparison passes."""
    lq, g = load_lqcalc(lqcalc_out)
    result: dict = {"rtol": rtol}
    for name, out in (("pandas", pandas_out), ("duckdb", duckdb_out), ("polars", polars), ("streaming", streaming)):
        if out is None:
            continue
        clq, cg = load_contender(out)
        columns = [c for c in cg.columns if c in GROWTH_COLUMNS or c == "cagr"]
        result[name] = {
            "lq": compare(lq, clq, ["region", "industry", "year"], ["lq"], rtol),
            "growth": compare(g.select(cg.columns), cg, ["region", "industry", "start_year", "end_year"], columns, rtol),
        }
    result["ok"] = all(v[t]["ok"] for k, v in result.items() if isinstance(v, dict) for t in ("lq", "growth"))
    return result


def agree_growth(lqcalc_out: Path, contender_out: Path, rtol: float = 1e-9) -> dict:
    """Growth and shift-share of a run of ``lqcalc run --tables growth`` (no indicator table)
    against a contender's."""
    g = pl.read_parquet(lqcalc_out / "growth.parquet")
    first, last = g["start_year"].min(), g["end_year"].max()
    g = g.filter(~pl.col("is_total_industry") & (pl.col("start_year") == first) & (pl.col("end_year") == last))
    report = compare(g.select("region", "industry", "start_year", "end_year", *GROWTH_COLUMNS),
                     load_contender(contender_out)[1], ["region", "industry", "start_year", "end_year"],
                     GROWTH_COLUMNS, rtol)
    report["compared"] = report["growth"]["compared"]
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description="Check that the implementations agree")
    ap.add_argument("lqcalc_out", type=Path)
    ap.add_argument("pandas_out", type=Path)
    ap.add_argument("duckdb_out", type=Path)
    ap.add_argument("--polars", type=Path, help="also the output of the plain polars script")
    ap.add_argument("--streaming", type=Path, help="also the output of the streaming prototype")
    ap.add_argument("--rtol", type=float, default=1e-9)
    args = ap.parse_args()
    res = agree(args.lqcalc_out, args.pandas_out, args.duckdb_out, args.rtol, streaming=args.streaming,
                polars=args.polars)
    print(json.dumps(res, indent=2))
    sys.exit(0 if res["ok"] else 1)


if __name__ == "__main__":
    main()
