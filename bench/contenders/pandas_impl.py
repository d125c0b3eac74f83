"""LQ, growth, CAGR and shift-share the way an analyst writes them in pandas (the reference script).

Straightforward group-by / merge code, as in a notebook: select the all-industry rows and the
reference-region rows, merge them back as denominators, divide; take the base and end years,
merge them side by side, compute growth and the three shift-share components. Undefined
ratios (a zero or missing denominator) are set to missing, as lqcalc and the SQL version do.

Usage::

    python bench/contenders/pandas_impl.py INPUT.parquet|INPUT.csv OUTDIR \
        [--reference-region US000 --total-industry 10]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd


def load(path: Path) -> pd.DataFrame:
    """Read the long table; codes stay text (``01001`` must not become 1001)."""
    if path.suffix == ".csv":
        return pd.read_csv(path, dtype={"region": str, "industry": str, "year": "int32", "employment": "float64"})
    return pd.read_parquet(path)


def compute(df: pd.DataFrame, reference_region: str | None, total_industry: str | None
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (lq table, growth / shift-share table).

    Without a reference region and a total industry (a flat table) the denominators are sums:
    a region's total over its industries, the reference over the regions.
    """
    if reference_region is None or total_industry is None:
        cells = df
        region_total = (df.groupby(["region", "year"], as_index=False)["employment"].sum()
                        .rename(columns={"employment": "region_total"}))
        reference = (df.groupby(["industry", "year"], as_index=False)["employment"].sum()
                     .rename(columns={"employment": "reference_value"}))
        reference_total = (df.groupby("year", as_index=False)["employment"].sum()
                           .rename(columns={"employment": "reference_total"}))
    else:
        is_ref = df["region"] == reference_region
        is_tot = df["industry"] == total_industry
        # denominators: region totals x[r,*], reference values x[R,i] and reference total x[R,*]
        region_total = df.loc[is_tot & ~is_ref, ["region", "year", "employment"]].rename(
            columns={"employment": "region_total"})
        reference = df.loc[is_ref & ~is_tot, ["industry", "year", "employment"]].rename(
            columns={"employment": "reference_value"})
        reference_total = df.loc[is_ref & is_tot, ["year", "employment"]].rename(columns={"employment": "reference_total"})
        cells = df.loc[~is_ref & ~is_tot]
    d = (cells.merge(region_total, on=["region", "year"], how="left")
         .merge(reference, on=["industry", "year"], how="left")
         .merge(reference_total, on="year", how="left"))
    lq = (d["employment"] / d["region_total"]) / (d["reference_value"] / d["reference_total"])
    d["lq"] = lq.replace([np.inf, -np.inf], np.nan)
    lq_table = d[["region", "industry", "year", "lq"]]

    # growth and shift-share between the first and the last year
    y0, y1 = d["year"].min(), d["year"].max()
    keep = ["region", "industry", "employment", "reference_value", "reference_total"]
    start = d.loc[d["year"] == y0, keep]
    end = d.loc[d["year"] == y1, keep]
    g = start.merge(end, on=["region", "industry"], how="outer", suffixes=("0", "1"))
    x0, x1 = g["employment0"], g["employment1"]
    growth = (x1 / x0.where(x0 != 0)) - 1
    ref_growth = g["reference_value1"] / g["reference_value0"].where(g["reference_value0"] != 0) - 1
    tot_growth = g["reference_total1"] / g["reference_total0"].where(g["reference_total0"] != 0) - 1
    g["growth"] = growth
    g["cagr"] = ((x1 / x0.where(x0 > 0)).where(x1 >= 0)) ** (1 / (y1 - y0)) - 1 if y1 > y0 else np.nan
    g["national_share"] = x0 * tot_growth
    g["industry_mix"] = x0 * (ref_growth - tot_growth)
    g["regional_shift"] = (x1 - x0) - x0 * ref_growth
    g["start_year"], g["end_year"] = y0, y1
    growth_table = g[["region", "industry", "start_year", "end_year", "growth", "cagr", "national_share", "industry_mix",
                      "regional_shift"]]
    return lq_table, growth_table


def main() -> None:
    ap = argparse.ArgumentParser(description="pandas LQ + growth + shift-share")
    ap.add_argument("input", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--reference-region", help="the reference region's code (else: the sum of the regions)")
    ap.add_argument("--total-industry", help="the all-industry code (else: the sum of the industries)")
    args = ap.parse_args()
    times = {}
    t = time.perf_counter()
    df = load(args.input)
    times["read"] = time.perf_counter() - t
    t = time.perf_counter()
    lq_table, growth_table = compute(df, args.reference_region, args.total_industry)
    times["compute"] = time.perf_counter() - t
    t = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    lq_table.to_parquet(args.out / "lq.parquet", compression="zstd", index=False)
    growth_table.to_parquet(args.out / "growth.parquet", compression="zstd", index=False)
    times["write"] = time.perf_counter() - t
    print(json.dumps({"timings": {k: round(v, 4) for k, v in times.items()}, "rows": len(df)}))


if __name__ == "__main__":
    main()
