"""Time lqcalc's stages one by one, in one process, on a benchmark table.

Measures, with ``time.perf_counter`` and the process's peak resident memory:

* ``read``: :func:`lqcalc.io.read_inputs` (file -> tidy table), and ``read_csv`` the same
  from the CSV version of the table when it exists next to the Parquet file;
* ``validate``: :func:`lqcalc.validation.validate_tidy` (Great Expectations suite + polars
  checks), and separately the import of Great Expectations;
* ``totals``: :func:`lqcalc.totals.attach_totals` (the denominators);
* ``lq``: the LQ column alone over the base frame (``lqcalc.metrics.lq.lq``) — with
  ``totals`` this is the "LQ stage" whose rows per second are reported;
* ``build_tables``: every output table, with the time of each table function
  (``indicator_table``, ``growth_table``, ...) taken from a profile of the call;
* ``write``: the Parquet files the pipeline writes (tidy + tables).

Usage::

    python bench/stages.py INPUT.parquet [--json OUT.json] [--skip-validate]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from generate import REFERENCE_REGION, TOTAL_INDUSTRY  # noqa: E402


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def progress(stage: str, seconds: float) -> None:
    """One line on stderr per finished stage: a run stopped for memory still shows how far it got."""
    print(f"stage {stage} {seconds:.2f} s, peak {peak_mb():.0f} MB", file=sys.stderr, flush=True)


def table_function_times(prof: cProfile.Profile) -> dict[str, float]:
    """Cumulative seconds of each function of ``lqcalc.indicators`` called by build_tables."""
    st = pstats.Stats(prof)
    out = {}
    for (file, _line, func), (_cc, _nc, _tt, ct, _callers) in st.stats.items():  # type: ignore[attr-defined]
        if file.endswith("lqcalc/indicators.py") and func.endswith("_table"):
            out[func] = round(out.get(func, 0.0) + ct, 4)
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def measure(path: Path, validate: bool = True, csv: bool = True) -> dict:
    """Run the stages on ``path`` and return timings (seconds), rates and peak memory."""
    import polars as pl

    from lqcalc.config import ReadOptions, RunConfig
    from lqcalc.io import read_inputs
    from lqcalc.metrics import lq as lqm
    from lqcalc.totals import attach_totals

    cfg = RunConfig(inputs=[str(path)], read=ReadOptions(region_col="region", industry_col="industry", year_col="year",
                                                         value_cols=["employment"]),
                    reference_region=REFERENCE_REGION, total_industry=TOTAL_INDUSTRY, quiet=True, charts=False)
    res: dict = {"input": str(path), "times": {}, "peak_mb_after": {}}
    T = res["times"]

    csv_path = path.with_suffix(".csv")
    if csv and csv_path.exists():
        # the read stage from CSV as well (text: every cell parsed and located)
        t = time.perf_counter()
        tidy_csv, _ = read_inputs([str(csv_path)], cfg.read)
        T["read_csv"] = time.perf_counter() - t
        progress("read_csv", T["read_csv"])
        res["csv_bytes"] = csv_path.stat().st_size
        res["peak_mb_after"]["read_csv"] = peak_mb()
        del tidy_csv
    t = time.perf_counter()
    tidy, _ = read_inputs(cfg.inputs, cfg.read)
    T["read"] = time.perf_counter() - t
    progress("read", T["read"])
    res["rows"] = tidy.height
    res["tidy_mb"] = round(tidy.estimated_size("mb"), 1)
    res["peak_mb_after"]["read"] = peak_mb()

    if validate:
        t = time.perf_counter()
        import great_expectations  # noqa: F401

        T["import_great_expectations"] = time.perf_counter() - t
        progress("import_great_expectations", T["import_great_expectations"])
        from lqcalc.validation import validate_tidy

        t = time.perf_counter()
        report = validate_tidy(tidy, cfg)
        T["validate"] = time.perf_counter() - t
        progress("validate", T["validate"])
        res["validation_ok"] = bool(report.ok)
        res["peak_mb_after"]["validate"] = peak_mb()

    t = time.perf_counter()
    base = attach_totals(tidy, cfg.reference_region, cfg.total_industry).base
    T["totals"] = time.perf_counter() - t
    progress("totals", T["totals"])
    res["base_mb"] = round(base.estimated_size("mb"), 1)
    t = time.perf_counter()
    lq = base.select(lqm.lq("value", "region_total", "reference_value", "reference_total").alias("lq"))
    T["lq"] = time.perf_counter() - t
    progress("lq", T["lq"])
    res["lq_non_null"] = lq.height - lq["lq"].null_count()
    res["lq_stage_rows_per_s"] = round(tidy.height / (T["totals"] + T["lq"]))
    res["peak_mb_after"]["totals"] = peak_mb()
    del lq

    from lqcalc.indicators import build_tables

    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.enable()
    tables = build_tables(base, cfg)
    prof.disable()
    T["build_tables"] = time.perf_counter() - t
    progress("build_tables", T["build_tables"])
    res["table_functions"] = table_function_times(prof)
    res["table_rows"] = {k: v.height for k, v in tables.items()}
    res["peak_mb_after"]["build_tables"] = peak_mb()

    with tempfile.TemporaryDirectory(dir=path.parent) as d:
        t = time.perf_counter()
        tidy.write_parquet(Path(d) / "tidy.parquet", compression="zstd")
        for name, df in tables.items():
            df.write_parquet(Path(d) / f"{name}.parquet", compression="zstd")
        T["write"] = time.perf_counter() - t
    progress("write", T["write"])
    res["peak_mb_after"]["write"] = peak_mb()
    res["times"] = {k: round(v, 4) for k, v in T.items()}
    res["indicators_incl_validation_s"] = round(
        T.get("validate", 0) + T.get("import_great_expectations", 0) + T["totals"] + T["build_tables"], 3)
    res["peak_mb"] = peak_mb()
    res["polars_threads"] = pl.thread_pool_size()
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description="Time lqcalc's stages in one process")
    ap.add_argument("input", type=Path)
    ap.add_argument("--json", type=Path, help="write the result here as well")
    ap.add_argument("--skip-validate", action="store_true")
    ap.add_argument("--no-csv", action="store_true", help="skip the CSV read even if the CSV exists")
    args = ap.parse_args()
    res = measure(args.input, validate=not args.skip_validate, csv=not args.no_csv)
    text = json.dumps(res, indent=2)
    if args.json:
        args.json.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
