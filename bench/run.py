"""The benchmark: lqcalc against a pandas script and hand-written DuckDB SQL, one command.

    python bench/run.py --size small            # 0.3M rows, with the agreement check
    python bench/run.py --size 22M              # 22.4M rows, U.S.-county shaped
    python bench/run.py --size 5M               # 5M rows, flat: the default run of a new user

Steps (each contender runs in its own process; wall time from ``time.perf_counter`` and peak
resident memory from ``os.wait4``'s ``ru_maxrss`` of that process):

1. generate the synthetic table (``bench/generate.py``) into ``--workdir`` unless it is there;
2. ``lqcalc run`` end to end (the pipeline's own stage timings come back with ``--json``);
3. the pandas script and the DuckDB SQL (``bench/contenders/``), same input, same outputs;
4. lqcalc's stages one by one in one process (``bench/stages.py``: read, validate, totals,
   LQ, each table function, write);
5. the agreement check (``bench/agree.py``) of LQ, growth and shift-share, on by default up
   to 2M rows (``--check`` / ``--no-check``);
6. ``lqcalc --help`` start-up time and a real yearbook export end to end, when available;
7. the results as ``bench/results/<size>.json`` and ``.md`` (machine, versions, load; the
   latest run of each size replaces the previous one) and one line per contender appended
   to ``bench/results/history.csv``.

Timings on a shared machine are noisy: ``--repeat N`` keeps the fastest of N runs and the
load average before and after is recorded with the results.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

from generate import REFERENCE_REGION, SIZES, TOTAL_INDUSTRY, generate  # noqa: E402

#: The column options a new user gives; with the table's reference region and total industry
#: (which a table with those rows needs: lqcalc refuses to sum nested codes) they are ``default-run``.
COLUMN_ARGS = ["--region-col", "region", "--industry-col", "industry", "--year-col", "year",
               "--value-col", "employment"]
REFERENCE_ARGS = ["--reference-region", REFERENCE_REGION, "--total-industry", TOTAL_INDUSTRY]
#: ``lqcalc run`` on the synthetic tables with a reference region and total industry.
LQCALC_ARGS = COLUMN_ARGS + REFERENCE_ARGS

#: Every contender, in the order they run: lqcalc's two, then the others it is compared with
#: (the pandas script, DuckDB SQL, the same work in plain polars, the streaming prototype).
#: ``default-run`` is ``lqcalc run`` as a new user types it (the column options, and on a
#: table with such rows its reference region and total industry): every table, summary,
#: chart, the database and the validation report. ``lqcalc-growth`` is like for like
#: (``--tables growth --no-charts``: the contenders' indicators).
CONTENDERS = ["default-run", "lqcalc-growth", "pandas", "duckdb", "polars", "streaming"]
LQCALC = CONTENDERS[:2]
OTHERS = CONTENDERS[2:]
#: On a flat table (no reference or total rows) these run; the others need those rows.
FLAT = ["default-run", "lqcalc-growth", "pandas", "polars"]
#: The others that write whole LQ and growth files from the whole table, like ``lqcalc-growth``.
SCRIPTS = [c for c in OTHERS if c != "streaming"]

#: A real NBS portal export, GDP of 31 provinces x 19 years, 2006-2024, GBK (tests/fixtures/io/PROVENANCE.md).
YEARBOOK = REPO / "tests" / "fixtures" / "io" / "renjiyi_gdp_2006-2024_gbk.csv"


def rss_mb(pid: int) -> float:
    """Current resident memory of a process in MB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def compile_lqcalc() -> None:
    """Byte-compile lqcalc as ``pip install`` leaves it: with ``PYTHONDONTWRITEBYTECODE`` set
    (as on some machines) and an editable install, every run would otherwise compile the
    modules changed since their last cache again (0.2-0.3 s a run)."""
    import compileall

    import lqcalc

    compileall.compile_dir(str(Path(lqcalc.__file__).parent), quiet=1)


def timed(argv: list[str], cwd: Path | None = None, timeout: float | None = None,
          env: dict | None = None, rss_limit_mb: float | None = None) -> dict:
    """Run ``argv``; return wall seconds, peak RSS (MB) of that process, exit code, output.

    With ``rss_limit_mb`` the process is killed as soon as its resident memory passes the
    limit (``killed_over_mb`` in the result): a shared machine must not run out of memory.
    """
    t = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, env=env)
    # read the pipes while waiting so that a chatty child cannot block
    import threading

    out_chunks: list[bytes] = []
    err_chunks: list[bytes] = []
    readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read()), daemon=True)
               for s, b in ((proc.stdout, out_chunks), (proc.stderr, err_chunks))]
    for r in readers:
        r.start()
    deadline = None if timeout is None else t + timeout
    killed: dict = {}
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        over = rss_limit_mb is not None and rss_mb(proc.pid) > rss_limit_mb
        if over or (deadline and time.perf_counter() > deadline):
            killed = {"killed_over_mb": rss_limit_mb} if over else {"killed_after_s": timeout}
            killed["killed_at_s"] = round(time.perf_counter() - t, 1)
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    for r in readers:
        r.join()
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_mb": round(usage.ru_maxrss / 1024, 1),
        "exit_code": proc.returncode,
        "stdout": b"".join(out_chunks).decode("utf-8", "replace"),
        "stderr": b"".join(err_chunks).decode("utf-8", "replace")[-4000:],
        **killed,
    }


def best_of(n: int, argv: list[str], prepare=None, **kw) -> dict:
    """The fastest of ``n`` runs (each preceded by ``prepare()``), with every wall time kept."""
    runs = []
    for _ in range(max(1, n)):
        if prepare:
            prepare()
        runs.append(timed(argv, **kw))
    best = min(runs, key=lambda r: (r["exit_code"] != 0, r["wall_s"]))
    best = dict(best)
    best["all_wall_s"] = [r["wall_s"] for r in runs]
    return best


def output_sizes(out: Path) -> dict:
    """Bytes of each output file (and bytes per row of each Parquet table) in ``out``."""
    import pyarrow.parquet as pq

    sizes = {}
    for f in sorted(p for p in out.rglob("*") if p.is_file()):
        entry = {"bytes": f.stat().st_size}
        if f.suffix == ".parquet":
            rows = pq.ParquetFile(f).metadata.num_rows
            entry.update(rows=rows, bytes_per_row=round(entry["bytes"] / rows, 1) if rows else None)
        sizes[str(f.relative_to(out))] = entry
    return {"total_bytes": sum(e["bytes"] for e in sizes.values()), "files": sizes}


def parse_json_tail(text: str) -> dict:
    """The JSON object a contender prints (last ``{...}`` block of its stdout)."""
    start = text.find("{")
    if start < 0:
        return {}
    try:
        return json.loads(text[start:])
    except json.JSONDecodeError:
        return {}


def machine() -> dict:
    """CPU, cores, memory, OS and the versions that matter."""
    import duckdb
    import pandas
    import polars

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "mem_gb": mem_gb, "os": platform.platform(),
            "python": platform.python_version(), "polars": polars.__version__, "duckdb": duckdb.__version__,
            "pandas": pandas.__version__}


def loadavg() -> list[float]:
    """1, 5 and 15 minute load averages (other users of the machine skew timings)."""
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def run_bench(size: str, workdir: Path, repeat: int = 1, check: bool | None = None, csv: bool = False,
              contenders: list[str] | None = None, stages: bool = True, extras: bool = True,
              keep: bool = False, rss_limit_gb: float | None = None) -> dict:
    """Run the whole benchmark at ``size``; return the results (also written under bench/results)."""
    spec = SIZES[size]
    contenders = [c for c in (contenders or CONTENDERS) if not spec.flat or c in FLAT]
    check = spec.rows <= 3_000_000 if check is None else check
    workdir.mkdir(parents=True, exist_ok=True)
    data = workdir / f"{size}.parquet"
    res: dict = {"size": size, "shape": {"regions": spec.regions + (0 if spec.flat else 1), "industries": spec.industries,
                                         "years": spec.years, "rows": spec.rows},
                 "machine": machine(), "load_before": loadavg(), "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                 "repeat": repeat}
    if not data.exists() or (csv and not data.with_suffix(".csv").exists()):
        t = time.perf_counter()
        facts = generate(spec, data, csv=csv)
        facts["seconds"] = round(time.perf_counter() - t, 2)
        res["generated"] = facts
    res["input_bytes"] = data.stat().st_size
    compile_lqcalc()
    py = sys.executable
    outs = {name: workdir / f"out-{size}-{name}" for name in (*CONTENDERS, "lqcalc-csv")}
    # a flat table has no reference or total rows: every contender sums its denominators
    ref_args = [] if spec.flat else REFERENCE_ARGS

    def clean(p: Path):
        return lambda: shutil.rmtree(p, ignore_errors=True)

    commands = {
        # what a new user types: the column options, every table, summary, chart and the database
        "default-run": [py, "-m", "lqcalc", "run", str(data), *COLUMN_ARGS, *ref_args,
                        "--out", str(outs["default-run"]), "--json"],
        # like for like: the contenders' indicators only (LQ at the start and end year, growth,
        # shift-share), still read and validated in full and written with tidy.parquet
        "lqcalc-growth": [py, "-m", "lqcalc", "run", str(data), *COLUMN_ARGS, *ref_args,
                          "--out", str(outs["lqcalc-growth"]), "--tables", "growth", "--no-charts", "--json"],
        "pandas": [py, str(BENCH / "contenders" / "pandas_impl.py"), str(data), str(outs["pandas"]), *ref_args],
        "duckdb": [py, str(BENCH / "contenders" / "duckdb_impl.py"), str(data), str(outs["duckdb"]), *ref_args],
        # the pandas script's own work in plain polars: how fast that job can be done at all
        "polars": [py, str(BENCH / "contenders" / "polars_impl.py"), str(data), str(outs["polars"]), *ref_args],
        "streaming": [py, str(BENCH / "partitioned.py"), str(data), str(workdir / f"out-{size}-streaming"),
                      *ref_args],
    }
    if csv:
        commands["lqcalc-csv"] = [py, "-m", "lqcalc", "run", str(data.with_suffix(".csv")), *COLUMN_ARGS, *ref_args,
                                  "--out", str(outs["lqcalc-csv"]), "--json"]
        commands["pandas-csv"] = [py, str(BENCH / "contenders" / "pandas_impl.py"), str(data.with_suffix(".csv")),
                                  str(workdir / f"out-{size}-pandas-csv"), "--reference-region", REFERENCE_REGION,
                                  "--total-industry", TOTAL_INDUSTRY]
        commands["duckdb-csv"] = [py, str(BENCH / "contenders" / "duckdb_impl.py"), str(data.with_suffix(".csv")),
                                  str(workdir / f"out-{size}-duckdb-csv"), "--reference-region", REFERENCE_REGION,
                                  "--total-industry", TOTAL_INDUSTRY]
        contenders = contenders + [c + "-csv" for c in contenders if c in ("default-run", "pandas", "duckdb")]
    res["contenders"] = {}
    for name in contenders:
        if name not in commands:
            continue
        out = outs.get(name, workdir / f"out-{size}-{name}")
        r = best_of(repeat, commands[name], prepare=clean(out),
                    rss_limit_mb=rss_limit_gb * 1024 if rss_limit_gb else None)
        r["reported"] = parse_json_tail(r.pop("stdout"))
        manifest = out / "manifest.json"
        if name in LQCALC and manifest.exists():
            # the write stage in detail: Parquet tables, DuckDB database, summaries, charts
            r["write_timings"] = json.loads(manifest.read_text()).get("write_timings", {})
        if r["exit_code"] == 0 and out.is_dir():
            r["outputs"] = output_sizes(out)
        if r["exit_code"] == 0:
            r.pop("stderr")
        res["contenders"][name] = r
        print(f"{name:13s} {r['wall_s']:8.2f} s  {r['peak_mb']:8.0f} MB  exit {r['exit_code']}", flush=True)

    c = res["contenders"]
    res["ratios"] = {}
    if c.get("default-run", {}).get("exit_code") == 0:
        base = c["default-run"]
        res["ratios"].update({f"{k}_wall_over_default_run": round(v["wall_s"] / base["wall_s"], 2)
                              for k, v in c.items() if k in OTHERS and v["exit_code"] == 0})
        res["ratios"].update({f"{k}_memory_over_default_run": round(v["peak_mb"] / base["peak_mb"], 2)
                              for k, v in c.items() if k in OTHERS and v["exit_code"] == 0})
    if c.get("lqcalc-growth", {}).get("exit_code") == 0:
        like = c["lqcalc-growth"]
        res.setdefault("ratios", {}).update({f"{k}_wall_over_lqcalc_growth": round(v["wall_s"] / like["wall_s"], 2)
                                             for k, v in c.items() if k in SCRIPTS and v["exit_code"] == 0})
    if c.get("pandas", {}).get("exit_code") == 0 and c.get("polars", {}).get("exit_code") == 0:
        # how much faster than pandas the pandas script's own job alone runs in plain polars
        res.setdefault("ratios", {})["pandas_wall_over_polars"] = round(c["pandas"]["wall_s"] / c["polars"]["wall_s"], 2)

    if check and c.get("default-run", {}).get("exit_code") == 0 and c.get("pandas", {}).get("exit_code") == 0:
        from agree import agree

        def ok(name: str) -> Path | None:
            return outs[name] if c.get(name, {}).get("exit_code") == 0 else None

        res["agreement"] = agree(outs["default-run"], outs["pandas"], ok("duckdb"), streaming=ok("streaming"),
                                 polars=ok("polars"))
        if c.get("lqcalc-growth", {}).get("exit_code") == 0:
            from agree import agree_growth

            res["agreement"]["lqcalc-growth"] = agree_growth(outs["lqcalc-growth"], outs["pandas"])
            res["agreement"]["ok"] = res["agreement"]["ok"] and res["agreement"]["lqcalc-growth"]["ok"]
        print(f"agreement    {'ok' if res['agreement']['ok'] else 'FAILED'}", flush=True)

    if stages and not spec.flat:
        r = timed([py, str(BENCH / "stages.py"), str(data)], rss_limit_mb=rss_limit_gb * 1024 if rss_limit_gb else None)
        res["stages"] = parse_json_tail(r["stdout"]) if r["exit_code"] == 0 else {"error": r["stderr"]}
        res["stages_process"] = {k: r[k] for k in ("wall_s", "cpu_s", "peak_mb", "exit_code")}
        if r["exit_code"] == 0:
            s = res["stages"]
            print(f"stages       LQ stage {s['lq_stage_rows_per_s'] / 1e6:.1f} M rows/s, "
                  f"times {s['times']}", flush=True)

    if extras:
        res["help"] = best_of(5, [str(Path(py).parent / "lqcalc"), "--help"])
        res["help"].pop("stdout")
        res["help"].pop("stderr", None)
        print(f"help         {res['help']['wall_s']:.3f} s", flush=True)
        if YEARBOOK.exists():
            yb_out = workdir / "out-yearbook"
            r = best_of(max(repeat, 3), [str(Path(py).parent / "lqcalc"), "run", str(YEARBOOK), "--out", str(yb_out),
                                         "--json"], prepare=clean(yb_out))
            r["reported"] = parse_json_tail(r.pop("stdout"))
            res["yearbook"] = {"file": str(YEARBOOK.relative_to(REPO)), **r}
            print(f"yearbook     {r['wall_s']:.2f} s exit {r['exit_code']}", flush=True)

    res["load_after"] = loadavg()
    if not keep:
        for p in workdir.glob(f"out-{size}-*"):
            shutil.rmtree(p, ignore_errors=True)
    return res


def markdown(res: dict) -> str:
    """A short Markdown report of one benchmark run."""
    m = res["machine"]
    lines = [f"# Benchmark `{res['size']}` ({res['shape']['rows']:,} rows: {res['shape']['regions']} regions x "
             f"{res['shape']['industries']} industries x {res['shape']['years']} years)", "",
             f"Started {res['started']}; {m['cpu']}, {m['cores']} cores, {m['mem_gb']} GB; Python {m['python']}, "
             f"polars {m['polars']}, DuckDB {m['duckdb']}, pandas {m['pandas']}; load average before "
             f"{res['load_before']}, after {res.get('load_after')}; best of {res['repeat']}.", "",
             "| contender | wall s | CPU s | peak MB | exit | stage timings |", "| --- | ---: | ---: | ---: | ---: | --- |"]
    for name, r in res.get("contenders", {}).items():
        rep = r.get("reported", {}).get("timings", {})
        note = (f"stopped over {r['killed_over_mb'] / 1024:.0f} GB after {r['killed_at_s']} s; "
                if "killed_over_mb" in r else "")
        lines.append(f"| {name} | {r['wall_s']:.2f} | {r['cpu_s']:.1f} | {r['peak_mb']:.0f} | {r['exit_code']} | " + note
                     + ", ".join(f"{k} {v:.2f}" for k, v in rep.items() if isinstance(v, (int, float))) + " |")
    for name, r in res.get("contenders", {}).items():
        if r.get("write_timings"):
            lines.append(f"\n{name} write stage: " + ", ".join(
                f"{k} {v:.2f} s" if isinstance(v, (int, float)) else f"{k} {v}" for k, v in r["write_timings"].items()))
    for name, r in res.get("contenders", {}).items():
        files = r.get("outputs", {}).get("files", {})
        if name in LQCALC and files:
            lines.append(f"\n{name} outputs ({r['outputs']['total_bytes'] / 2**20:.0f} MB in all): " + ", ".join(
                f"{k} {e['bytes'] / 2**20:.1f} MB" + (f" ({e['bytes_per_row']} B/row)" if e.get("bytes_per_row") else "")
                for k, e in files.items() if e["bytes"] >= 2**20 or k.endswith(".parquet")))
    if res.get("ratios"):
        lines += ["", "Ratios: " + ", ".join(f"{k} = {v}" for k, v in res["ratios"].items())]
    if "agreement" in res:
        a = res["agreement"]
        lines += ["", f"Agreement (LQ, growth, shift-share; rtol {a['rtol']}): {'OK' if a['ok'] else 'FAILED'}"]
        if "lqcalc-growth" in a:
            g = a["lqcalc-growth"]
            lines.append(f"- `--tables growth` against pandas: {g['compared']:,} pairs, max rel err "
                         + ", ".join(f"{c} {g[c]['max_rel_err']:.1e}" for c in ("growth", "national_share",
                                                                            "industry_mix", "regional_shift")))
        for name in OTHERS:
            if name in a:
                lq = a[name]["lq"]["lq"]
                g = a[name]["growth"]
                lines.append(f"- {name}: LQ {lq['compared']:,} cells, max rel err {lq['max_rel_err']:.1e}, "
                             f"null mismatches {lq['null_mismatch']}; growth/shift-share max rel err "
                             + ", ".join(f"{c} {g[c]['max_rel_err']:.1e}" for c in ("growth", "national_share",
                                                                                  "industry_mix", "regional_shift")))
    s = res.get("stages")
    if s and "times" in s:
        lines += ["", f"lqcalc stages in one process ({s['rows']:,} rows, peak {s['peak_mb']:.0f} MB): "
                  + ", ".join(f"{k} {v:.2f} s" for k, v in s["times"].items()),
                  f"LQ stage (totals + LQ): {s['lq_stage_rows_per_s'] / 1e6:.1f} M rows/s; indicators incl. "
                  f"validation {s['indicators_incl_validation_s']:.1f} s; table functions: "
                  + ", ".join(f"{k} {v:.2f}" for k, v in s["table_functions"].items())]
    if "help" in res:
        lines += ["", f"`lqcalc --help`: {res['help']['wall_s']:.3f} s (best of 5)"]
    if "yearbook" in res:
        y = res["yearbook"]
        lines += [f"Yearbook export `{y['file']}` end to end: {y['wall_s']:.2f} s, exit {y['exit_code']}"
                  + (f" ({y['stderr'].strip().splitlines()[0]})" if y["exit_code"] and y.get("stderr") else "")]
    return "\n".join(lines) + "\n"


HISTORY_FIELDS = ["started", "size", "contender", "wall_s", "cpu_s", "peak_mb", "exit_code", "cpu", "commit"]


def append_history(path: Path, res: dict) -> None:
    """Add one line per contender of this run to the CSV history (the latest run's JSON and
    Markdown replace the previous ones; the history keeps the times)."""
    import csv

    try:
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    new = not path.exists()
    with path.open("a", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=HISTORY_FIELDS)
        if new:
            w.writeheader()
        for name, r in res.get("contenders", {}).items():
            w.writerow({"started": res["started"], "size": res["size"], "contender": name, "wall_s": r["wall_s"],
                        "cpu_s": r["cpu_s"], "peak_mb": r["peak_mb"], "exit_code": r["exit_code"],
                        "cpu": res["machine"]["cpu"], "commit": commit})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", choices=list(SIZES), default="small")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/lqbench"),
                    help="where the generated data and outputs go (never the repository)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per contender; the fastest is kept")
    ap.add_argument("--check", dest="check", action="store_true", default=None, help="compare the numbers")
    ap.add_argument("--no-check", dest="check", action="store_false")
    ap.add_argument("--csv", action="store_true", help="also run every contender on the CSV version")
    ap.add_argument("--only", action="append", choices=CONTENDERS,
                    help="run only these (lqcalc-growth: `lqcalc run --tables growth --no-charts`, the "
                         "contenders' indicators; streaming: the bench/partitioned.py prototype)")
    ap.add_argument("--no-stages", action="store_true")
    ap.add_argument("--no-extras", action="store_true", help="skip --help and yearbook timings")
    ap.add_argument("--keep", action="store_true", help="keep the output directories")
    ap.add_argument("--results", type=Path, default=BENCH / "results", help="directory of the JSON/Markdown results")
    ap.add_argument("--rss-limit-gb", type=float, help="stop a contender whose memory passes this (shared machines)")
    args = ap.parse_args()
    res = run_bench(args.size, args.workdir, args.repeat, args.check, args.csv, args.only, not args.no_stages,
                    not args.no_extras, args.keep, args.rss_limit_gb)
    res["rss_limit_gb"] = args.rss_limit_gb
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / f"{args.size}.json").write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n")
    (args.results / f"{args.size}.md").write_text(markdown(res), encoding="utf-8")
    append_history(args.results / "history.csv", res)
    print(markdown(res))
    if "agreement" in res and not res["agreement"]["ok"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
