"""LQ, growth, CAGR and shift-share as a plain polars script: the pandas script's work, nothing more.

The same steps as ``pandas_impl.py`` (denominators joined back, a division; the first and the
last year joined side by side, growth and the three shift-share components) in polars' lazy
API, read and written with polars. No validation, no reasons, no input kept: it shows how
fast the pandas script's own job can be done on this machine with the library lqcalc is built
on, and so about what a polars-based tool doing that job and more can reach against pandas.

Usage::

    python bench/contenders/polars_impl.py INPUT.parquet|INPUT.csv OUTDIR \
        [--reference-region US000 --total-industry 10]
"""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl


def _defined(e: pl.Expr) -> pl.Expr:
    """``e`` where it is finite, null elsewhere (a zero or missing denominator)."""
    return pl.when(e.is_finite()).then(e)


def _nonzero(e: pl.Expr) -> pl.Expr:
    return pl.when(e != 0).then(e)


def compute(input_path: Path, out: Path, reference_region: str | None = "US000",
            total_industry: str | None = "10") -> dict:
    """Read ``input_path``, write ``out/lq.parquet`` and ``out/growth.parquet``; return timings."""
    times = {}
    t = time.perf_counter()
    if input_path.suffix == ".csv":   # codes stay text (01001 must not become 1001)
        df = pl.read_csv(input_path, schema_overrides={"region": pl.String, "industry": pl.String,
                                                       "year": pl.Int32, "employment": pl.Float64})
    else:
        df = pl.read_parquet(input_path)
    times["read"] = time.perf_counter() - t

    t = time.perf_counter()
    lf = df.lazy()
    if reference_region is None or total_industry is None:   # a flat table: the denominators are sums
        cells = lf
        region_total = lf.group_by("region", "year").agg(pl.col("employment").sum().alias("region_total"))
        reference = lf.group_by("industry", "year").agg(pl.col("employment").sum().alias("reference_value"))
        reference_total = lf.group_by("year").agg(pl.col("employment").sum().alias("reference_total"))
    else:
        is_ref, is_tot = pl.col("region") == reference_region, pl.col("industry") == total_industry
        cells = lf.filter(~is_ref & ~is_tot)
        region_total = lf.filter(is_tot & ~is_ref).select("region", "year", pl.col("employment").alias("region_total"))
        reference = lf.filter(is_ref & ~is_tot).select("industry", "year", pl.col("employment").alias("reference_value"))
        reference_total = lf.filter(is_ref & is_tot).select("year", pl.col("employment").alias("reference_total"))
    d = (cells
         .join(region_total, on=["region", "year"], how="left")
         .join(reference, on=["industry", "year"], how="left")
         .join(reference_total, on="year", how="left")
         .with_columns(_defined((pl.col("employment") / pl.col("region_total"))
                                / (pl.col("reference_value") / pl.col("reference_total"))).alias("lq"))
         ).collect()
    lq_table = d.select("region", "industry", "year", "lq")

    y0, y1 = d["year"].min(), d["year"].max()
    keep = ["region", "industry", "employment", "reference_value", "reference_total"]
    start = d.lazy().filter(pl.col("year") == y0).select(keep)
    end = d.lazy().filter(pl.col("year") == y1).select(keep)
    x0, x1 = pl.col("employment"), pl.col("employment_end")
    ref_growth = pl.col("reference_value_end") / _nonzero(pl.col("reference_value")) - 1
    tot_growth = pl.col("reference_total_end") / _nonzero(pl.col("reference_total")) - 1
    growth_table = (start.join(end, on=["region", "industry"], how="full", coalesce=True, suffix="_end")
                    .with_columns(ref_growth.alias("_rg"), tot_growth.alias("_tg"))
                    .select("region", "industry", pl.lit(y0).alias("start_year"), pl.lit(y1).alias("end_year"),
                            (x1 / _nonzero(x0) - 1).alias("growth"),
                            (pl.when((x0 > 0) & (x1 >= 0)).then(x1 / x0) ** (1 / (y1 - y0)) - 1
                             if y1 > y0 else pl.lit(None, pl.Float64)).alias("cagr"),
                            (x0 * pl.col("_tg")).alias("national_share"),
                            (x0 * (pl.col("_rg") - pl.col("_tg"))).alias("industry_mix"),
                            ((x1 - x0) - x0 * pl.col("_rg")).alias("regional_shift"))
                    ).collect()
    times["compute"] = time.perf_counter() - t

    t = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    lq_table.write_parquet(out / "lq.parquet", compression="zstd")
    growth_table.write_parquet(out / "growth.parquet", compression="zstd")
    times["write"] = time.perf_counter() - t
    return {k: round(v, 4) for k, v in times.items()}


def main() -> None:
    from contender_cli import run

    run(compute, "polars LQ + growth + shift-share")


if __name__ == "__main__":
    main()
