"""Time lqcalc's stages one by one, in one process, partition by partition as a run does.

A run (:func:`lqcalc.pipeline.run`) reads, validates and computes the input one partition
(a few whole years, ``--partition-rows``) at a time. This script does the same with the
same functions and adds up, with ``time.perf_counter``, the process's CPU time (all its
threads, polars' pool included: ``cpu_times``) and its peak resident memory:

* ``read``: the partition's tidy rows (:mod:`lqcalc.io.source`);
* ``validate``: :class:`lqcalc.validation.PartitionGate` (the polars rules; with ``--gx``
  the Great Expectations suite too, and its import separately);
* ``denominators``: integer codes and :func:`lqcalc.totals.attach_totals`;
* ``lq``: the LQ column alone over the base frame (``lqcalc.metrics.lq.lq``) — with
  ``denominators`` this is the "LQ stage" whose rows per second are reported;
* ``tables``: every output table (:class:`lqcalc.builder.TableBuilder`), with the time of
  each table function (``indicator_table``, ``growth_table``, ...) from a timer around it;
* ``write``: the Parquet files the run writes (tidy + tables, appended per partition), in
  this thread (the run writes them in two writer threads), and the time of each table's
  writes (``table_writes``).

Usage::

    python bench/stages.py INPUT.parquet [--json OUT.json] [--gx] [--flat] [--partition-rows N]
"""

from __future__ import annotations

import argparse
import json
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


def clock() -> tuple[float, float]:
    """Wall seconds and this process's CPU seconds (every thread, polars' pool included): a
    stage's CPU is the difference over it, the stages running one after the other."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return time.perf_counter(), r.ru_utime + r.ru_stime


def progress(stage: str, seconds: float) -> None:
    """One line on stderr per finished stage: a run stopped for memory still shows how far it got."""
    print(f"stage {stage} {seconds:.2f} s, peak {peak_mb():.0f} MB", file=sys.stderr, flush=True)


def time_table_functions() -> dict[str, float]:
    """Time every table function (the ``*_table`` functions of :mod:`lqcalc.tables`) that
    :class:`lqcalc.builder.TableBuilder` calls: each is wrapped with a timer in the builder's
    namespace, and the returned dict fills with its cumulative seconds. A timer per call
    costs nothing next to a table; a profiler (``cProfile``, which this script used at first)
    slows every Python call inside them too."""
    import lqcalc.builder as B

    spent: dict[str, float] = {}
    for name in dir(B):
        func = getattr(B, name)
        if name.endswith("_table") and callable(func) and getattr(func, "__module__", "").startswith("lqcalc.tables."):
            def timed(*args, _func=func, _name=name, **kwargs):
                t = time.perf_counter()
                try:
                    return _func(*args, **kwargs)
                finally:
                    spent[_name] = spent.get(_name, 0.0) + time.perf_counter() - t
            setattr(B, name, timed)
    return spent


def measure(path: Path, gx: bool = False, partition_rows: int | None = None, flat: bool = False) -> dict:
    """Run the stages on ``path`` and return timings (seconds), rates and peak memory.

    ``flat``: the table has no reference region or total industry rows (the ``5M`` size):
    denominators are sums, as in ``lqcalc run`` without those options.
    """
    import polars as pl

    from lqcalc.builder import TableBuilder
    from lqcalc.config import ReadOptions, RunConfig
    from lqcalc.tables.codes import with_codes
    from lqcalc.io.source import DEFAULT_PARTITION_ROWS, open_source
    from lqcalc.metrics import lq as lqm
    from lqcalc.output.appender import TableAppender
    from lqcalc.pipeline import _label_codes
    from lqcalc.totals import attach_totals

    spent = time_table_functions()

    cfg = RunConfig(inputs=[str(path)], read=ReadOptions(region_col="region", industry_col="industry", year_col="year",
                                                         value_cols=["employment"]),
                    reference_region=None if flat else REFERENCE_REGION,
                    total_industry=None if flat else TOTAL_INDUSTRY, quiet=True, charts=False,
                    gx=gx, partition_rows=partition_rows or DEFAULT_PARTITION_ROWS)
    res: dict = {"input": str(path), "times": {}, "peak_mb_after": {}}
    T: dict[str, float] = {}

    C: dict[str, float] = {}

    def add(stage: str, t0: tuple[float, float]) -> None:
        wall, cpu = clock()
        T[stage] = T.get(stage, 0.0) + wall - t0[0]
        C[stage] = C.get(stage, 0.0) + cpu - t0[1]

    writes: dict[str, float] = {}

    def wrote(table: str, t0: tuple[float, float]) -> None:
        writes[table] = writes.get(table, 0.0) + clock()[0] - t0[0]

    if gx:
        t = clock()
        import great_expectations  # noqa: F401

        add("import_great_expectations", t)
    from lqcalc.validation import PartitionGate, validation_context

    t = clock()
    source = open_source(cfg.inputs, cfg.read)
    plan = source.plan(cfg.partition_rows)
    years = sorted({y for p in plan for y in p.years if y is not None})
    add("read", t)
    t = clock()
    context = validation_context(source.lazy(), raw_keys=source.raw_keys, fixed=source.fixed_pairs)
    source.keys_padded(context.padded)
    gate = PartitionGate(cfg, context)
    labels = {c: context.labels.get(c, ()) for c in ("region", "industry")}
    add("validate", t)
    builder = TableBuilder(cfg, years=years, measures=["employment"])
    rows = lq_cells = 0
    table_rows: dict[str, int] = {}
    with tempfile.TemporaryDirectory(dir=path.parent) as d:
        app = TableAppender(d, single=len(plan) == 1, background=False)  # stage times apart
        for part in plan:
            t = clock()
            tidy = source.read(part, len(plan) == 1)
            add("read", t)
            rows += tidy.height
            t = clock()
            good, _rejected = gate.check(tidy)
            add("validate", t)
            t = clock()   # as the run writes tidy: region and industry from the rules' codes
            app.write("tidy", tidy, coded=_label_codes(good, tidy.height, labels))
            add("write", t)
            wrote("tidy", t)
            t = clock()
            base = attach_totals(with_codes(good), cfg.reference_region, cfg.total_industry).base
            add("denominators", t)
            t = clock()
            lq = base.select(lqm.lq("value", "region_total", "reference_value", "reference_total").alias("lq"))
            add("lq", t)
            lq_cells += lq.height - lq["lq"].null_count()
            del lq, tidy, good
            t = clock()
            tables = builder.add(base)
            add("tables", t)
            del base
            t = clock()
            for name, df in tables.items():
                t1 = clock()
                app.write(name, df, last=builder.last_rows(name, part.years))
                wrote(name, t1)
                table_rows[name] = table_rows.get(name, 0) + df.height
            add("write", t)
            del tables
            progress(f"partition {part.years}", sum(T.values()))
        t = clock()
        report = gate.finish().report
        add("validate", t)
        t = clock()
        for name, df in builder.finish().items():
            t1 = clock()
            app.write(name, df)
            wrote(name, t1)
        app.close()
        add("write", t)
    res["rows"] = rows
    res["partitions"] = len(plan)
    res["validation_ok"] = bool(report.ok)
    res["lq_non_null"] = lq_cells
    res["lq_stage_rows_per_s"] = round(rows / (T["denominators"] + T["lq"]))
    res["table_functions"] = {k: round(v, 4) for k, v in sorted(spent.items(), key=lambda kv: -kv[1])}
    res["table_rows"] = table_rows
    res["table_writes"] = {k: round(v, 4) for k, v in sorted(writes.items(), key=lambda kv: -kv[1]) if v >= 0.0005}
    res["times"] = {k: round(v, 4) for k, v in T.items()}
    res["cpu_times"] = {k: round(v, 4) for k, v in C.items()}
    res["indicators_incl_validation_s"] = round(
        T.get("validate", 0) + T.get("import_great_expectations", 0) + T["denominators"] + T["tables"], 3)
    res["peak_mb"] = peak_mb()
    res["polars_threads"] = pl.thread_pool_size()
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description="Time lqcalc's stages in one process")
    ap.add_argument("input", type=Path)
    ap.add_argument("--json", type=Path, help="write the result here as well")
    ap.add_argument("--gx", action="store_true", help="also run the Great Expectations suite")
    ap.add_argument("--flat", action="store_true", help="no reference region or total industry rows (size 5M)")
    ap.add_argument("--partition-rows", type=int, help="rows per partition (default: lqcalc's)")
    args = ap.parse_args()
    res = measure(args.input, gx=args.gx, partition_rows=args.partition_rows, flat=args.flat)
    text = json.dumps(res, indent=2)
    if args.json:
        args.json.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
