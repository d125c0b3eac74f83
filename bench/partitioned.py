"""Prototype of the streaming design: LQ, growth and shift-share without holding the table.

The eager pipeline holds the whole tidy table (and several derived frames) in memory, which
cannot work for 200 million rows in 24 GB. Every indicator of a region x industry x year cell
needs only three denominators, and those are small tables:

* ``x[r,*]`` region totals: regions x years x measures rows (3,200 x 63 = 0.2 M for 200 M);
* ``x[R,i]`` reference values: industries x years x measures;
* ``x[R,*]`` reference totals: years x measures.

So the design is: (1) one streaming scan of the Parquet input collects the three small
denominator tables (predicate pushdown: only the total / reference rows are materialized);
(2) each year is a partition: a streaming scan of that year looks the denominators up with
``replace_strict`` (a row-wise expression: no join, which the streaming engine may build on
the large side), evaluates lqcalc's own expressions (:mod:`lqcalc.metrics`) and sinks the
LQ table to ``lq/<year>.parquet`` batch by batch; (3) growth and shift-share read only the
base and end years (two partitions). Peak memory is set by the small tables, polars' batch
size and one year, not by the input size.

Usage::

    python bench/partitioned.py INPUT.parquet OUTDIR [--reference-region US000] [--total-industry 10]

Writes ``OUTDIR/lq/<year>.parquet`` and ``OUTDIR/growth.parquet`` in the shape of the
contenders, so that ``bench/agree.py`` can compare it as well.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

import polars as pl

from lqcalc.metrics import growth as gr
from lqcalc.metrics import lq as lqm
from lqcalc.metrics import shiftshare as ss


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def denominators(lf: pl.LazyFrame, ref: str, total: str) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Region totals, reference values and reference totals (small frames)."""
    is_ref, is_tot = pl.col("region") == ref, pl.col("industry") == total
    v = pl.col("employment")
    rt, rv, rT = pl.collect_all([
        lf.filter(is_tot & ~is_ref).select("region", "year", v.alias("region_total")),
        lf.filter(is_ref & ~is_tot).select("industry", "year", v.alias("reference_value")),
        lf.filter(is_ref & is_tot).select("year", v.alias("reference_total")),
    ], engine="streaming")
    return rt, rv, rT


def compute(path: Path, out: Path, ref: str = "US000", total: str = "10") -> dict:
    """Write ``lq.parquet`` (one file per year under ``lq/``) and ``growth.parquet``; return timings.

    Each year is one partition: its denominators are a region -> total and an industry ->
    reference value mapping plus one reference total, so the LQ is a row-wise expression
    (``replace_strict`` lookups, no join) that the streaming engine evaluates batch by batch.
    """
    out.mkdir(parents=True, exist_ok=True)
    times: dict[str, float] = {}
    lf = pl.scan_parquet(path)
    t = time.perf_counter()
    rt, rv, rT = denominators(lf, ref, total)
    times["denominators"] = time.perf_counter() - t
    peak = {"denominators": _peak_mb()}
    cells = lf.filter((pl.col("region") != ref) & (pl.col("industry") != total))

    def with_denominators(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
        r = rt.filter(pl.col("year") == year)
        i = rv.filter(pl.col("year") == year)
        tot = rT.filter(pl.col("year") == year)["reference_total"]
        return frame.with_columns(
            pl.col("region").replace_strict(r["region"], r["region_total"], default=None,
                                            return_dtype=pl.Float64).alias("region_total"),
            pl.col("industry").replace_strict(i["industry"], i["reference_value"], default=None,
                                              return_dtype=pl.Float64).alias("reference_value"),
            pl.lit(tot[0] if tot.len() else None, dtype=pl.Float64).alias("reference_total"),
        )

    t = time.perf_counter()
    years = sorted(int(y) for y in rT["year"].drop_nulls())
    (out / "lq").mkdir(exist_ok=True)
    for y in years:
        (with_denominators(cells.filter(pl.col("year") == y), y)
         .select("region", "industry", "year",
                 lqm.lq("employment", "region_total", "reference_value", "reference_total").alias("lq"))
         .sink_parquet(out / "lq" / f"{y}.parquet", compression="zstd", engine="streaming"))
    times["lq"] = time.perf_counter() - t
    peak["lq"] = _peak_mb()

    t = time.perf_counter()
    y0, y1 = years[0], years[-1]
    keep = ["region", "industry", "employment", "reference_value", "reference_total"]
    start = with_denominators(cells.filter(pl.col("year") == y0), y0).select(keep).rename({c: c + "0" for c in keep[2:]})
    end = with_denominators(cells.filter(pl.col("year") == y1), y1).select(keep).rename({c: c + "1" for c in keep[2:]})
    g_ref = gr.growth("reference_value0", "reference_value1")
    g_tot = gr.growth("reference_total0", "reference_total1")
    (start.join(end, on=["region", "industry"], how="full", coalesce=True)
     .select("region", "industry", pl.lit(y0, pl.Int32).alias("start_year"), pl.lit(y1, pl.Int32).alias("end_year"),
             gr.growth("employment0", "employment1").alias("growth"),
             ss.national_share("employment0", g_tot).alias("national_share"),
             ss.industry_mix("employment0", g_ref, g_tot).alias("industry_mix"),
             ss.regional_shift("employment0", "employment1", g_ref).alias("regional_shift"))
     .collect(engine="in-memory")   # two partitions only: base and end year
     .write_parquet(out / "growth.parquet", compression="zstd"))
    times["growth"] = time.perf_counter() - t
    peak["growth"] = _peak_mb()
    return {"timings": {k: round(v, 3) for k, v in times.items()}, "peak_mb_after": peak, "partitions": len(years),
            "denominator_rows": {"region_total": rt.height, "reference_value": rv.height, "reference_total": rT.height}}


def main() -> None:
    ap = argparse.ArgumentParser(description="Streaming LQ + growth + shift-share prototype")
    ap.add_argument("input", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--reference-region", default="US000")
    ap.add_argument("--total-industry", default="10")
    args = ap.parse_args()
    print(json.dumps(compute(args.input, args.out, args.reference_region, args.total_industry)))


if __name__ == "__main__":
    main()
