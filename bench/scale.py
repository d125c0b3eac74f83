"""Does it fall over on 200 million rows? ``lqcalc run`` against the streaming prototype.

    python bench/scale.py --size 200M --workdir /tmp/lqbench-200M

Generates the 200M-row table (3,201 regions x 1,001 industries x 63 years, about 0.3 GB of
Parquet) under ``--workdir`` (never in the repository), then runs, each in its own process
with a memory watchdog (``--rss-limit-gb``, default 12: the machine is shared and must not
run out of memory):

* ``lqcalc run`` as it is (partitioned: a few whole years at a time, every table, summary,
  chart and the database), its stage timings from ``--json``;
* the streaming prototype ``bench/partitioned.py`` (LQ, growth, shift-share with LazyFrame
  scans and ``sink_parquet``).

Reports wall time, peak resident memory, whether the watchdog had to stop a process and at
which stage (``lqcalc run`` prints its stages on stderr), writes
``bench/results/<size>-scale.json`` / ``.md`` and deletes the data unless ``--keep-data``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from generate import REFERENCE_REGION, SIZES, TOTAL_INDUSTRY, generate  # noqa: E402
from run import LQCALC_ARGS, loadavg, machine, timed  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", choices=list(SIZES), default="200M")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/lqbench-200M"))
    ap.add_argument("--rss-limit-gb", type=float, default=12.0)
    ap.add_argument("--skip-lqcalc", "--skip-eager", dest="skip_lqcalc", action="store_true",
                    help="do not try lqcalc run")
    ap.add_argument("--keep-data", action="store_true")
    ap.add_argument("--results", type=Path, default=BENCH / "results")
    args = ap.parse_args()
    spec = SIZES[args.size]
    args.workdir.mkdir(parents=True, exist_ok=True)
    data = args.workdir / f"{args.size}.parquet"
    res: dict = {"size": args.size, "rows": spec.rows, "machine": machine(), "load_before": loadavg(),
                 "rss_limit_gb": args.rss_limit_gb, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    if not data.exists():
        t = time.perf_counter()
        res["generated"] = generate(spec, data)
        res["generated"]["seconds"] = round(time.perf_counter() - t, 1)
        print(f"generated {spec.rows:,} rows in {res['generated']['seconds']} s", flush=True)
    res["input_bytes"] = data.stat().st_size
    py = sys.executable
    limit = args.rss_limit_gb * 1024
    runs = {}
    try:
        out = args.workdir / "out-streaming"
        shutil.rmtree(out, ignore_errors=True)
        r = timed([py, str(BENCH / "partitioned.py"), str(data), str(out), "--reference-region", REFERENCE_REGION,
                   "--total-industry", TOTAL_INDUSTRY], rss_limit_mb=limit)
        r["reported"] = json.loads(r.pop("stdout") or "{}") if r["exit_code"] == 0 else {}
        if out.exists():
            import polars as pl

            r["output_rows"] = {p.stem: pl.scan_parquet(p if p.is_file() else p / "*.parquet").select(pl.len()).collect().item()
                                for p in sorted(out.iterdir()) if p.suffix == ".parquet" or p.is_dir()}
        runs["streaming"] = r
        print(f"streaming  {r['wall_s']:8.1f} s {r['peak_mb']:8.0f} MB exit {r['exit_code']}", flush=True)
        shutil.rmtree(out, ignore_errors=True)
        if not args.skip_lqcalc:
            out = args.workdir / "out-lqcalc"
            shutil.rmtree(out, ignore_errors=True)
            r = timed([py, "-m", "lqcalc", "run", str(data), *LQCALC_ARGS, "--out", str(out), "--json"],
                      rss_limit_mb=limit)
            stdout = r.pop("stdout") or ""
            stages = [ln for ln in r["stderr"].splitlines() if ln.startswith("•")]
            r["last_stage"] = stages[-1] if stages else None
            if r["exit_code"] == 0:
                reported = json.loads(stdout or "{}")
                r["reported"] = {"timings": reported.get("timings")}
                manifest = json.loads((out / "manifest.json").read_text())
                r["output_rows"] = manifest.get("outputs")
                r["partitions"] = len(manifest.get("partitions", []))
                r["write_timings"] = manifest.get("write_timings")
                r["output_bytes"] = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
            runs["lqcalc"] = r
            print(f"lqcalc     {r['wall_s']:8.1f} s {r['peak_mb']:8.0f} MB exit {r['exit_code']} "
                  f"{'killed over ' + str(args.rss_limit_gb) + ' GB in ' + str(r['last_stage']) if 'killed_over_mb' in r else ''}",
                  flush=True)
            shutil.rmtree(out, ignore_errors=True)
    finally:
        res["runs"] = runs
        res["load_after"] = loadavg()
        if not args.keep_data:
            shutil.rmtree(args.workdir, ignore_errors=True)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / f"{args.size}-scale.json").write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n")
    lines = [f"# Scale test `{args.size}` ({spec.rows:,} rows, {res['input_bytes'] / 1e9:.2f} GB Parquet)", "",
             f"Started {res['started']}; memory watchdog at {args.rss_limit_gb} GB; load before {res['load_before']}, "
             f"after {res['load_after']}.", "", "| run | wall s | peak MB | exit | note |", "| --- | ---: | ---: | ---: | --- |"]
    for name, r in runs.items():
        note = ""
        if "killed_over_mb" in r:
            note = f"stopped by the watchdog over {args.rss_limit_gb} GB after {r['killed_at_s']} s, in stage {r.get('last_stage')!r}"
        elif r.get("reported"):
            note = f"timings {r['reported'].get('timings')}, output rows {r.get('output_rows')}"
            if r.get("partitions"):
                note += (f", {r['partitions']} partitions, write stage {r.get('write_timings')}, "
                         f"{r['output_bytes'] / 1e9:.1f} GB written")
        lines.append(f"| {name} | {r['wall_s']:.1f} | {r['peak_mb']:.0f} | {r['exit_code']} | {note} |")
    (args.results / f"{args.size}-scale.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
