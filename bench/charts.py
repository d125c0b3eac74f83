"""What the charts cost a small run: ``lqcalc demo`` with and without ``--no-charts``.

    python bench/charts.py                 # 7 pairs, results in bench/results/charts.json and .md
    python bench/charts.py --repeat 3 --no-save

The demo's own sample (11,232 rows, UK BRES) is run alternately with charts and with
``--no-charts`` (A/B, so that a machine whose speed drifts slows both alike), ``--repeat``
times each. The result is the ratio of the fastest run with charts to the fastest run
without (the target is at most :data:`TARGET`), with the median ratio of the pairs, the CPU
seconds, the stage timings of ``manifest.json`` and the load average before and after. The
charts are drawn by a second process that starts with the run, so the ratio needs a second
core that is free: on a busy machine it approaches the ratio of CPU seconds, recorded too.
``lqcalc --help`` is timed as well (it must stay under 0.3 s).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from run import compile_lqcalc, timed  # noqa: E402

#: The full run may take at most this many times the ``--no-charts`` run.
TARGET = 1.5
HELP_LIMIT_S = 0.3


def lqcalc_exe() -> list[str]:
    """The ``lqcalc`` of this Python (the console script next to it, else ``-m lqcalc``)."""
    exe = Path(sys.executable).parent / "lqcalc"
    return [str(exe)] if exe.is_file() else [sys.executable, "-m", "lqcalc"]


def measure(repeat: int = 7, workdir: Path | None = None, warm: bool = True) -> dict:
    """Run the demo ``repeat`` times with and without charts; return the measurements."""
    work = Path(workdir or tempfile.mkdtemp(prefix="lqcalc-charts-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    exe = lqcalc_exe()
    load_before = os.getloadavg()
    runs: dict[str, list[dict]] = {"charts": [], "no_charts": []}
    manifest: dict = {}
    try:
        if warm:
            compile_lqcalc()
            timed(exe + ["demo", "--out", str(work / "warm"), "--quiet"])  # file caches
        for _ in range(max(1, repeat)):
            for kind, extra in (("charts", []), ("no_charts", ["--no-charts"])):
                out = work / kind
                r = timed(exe + ["demo", "--out", str(out), "--quiet", *extra])
                if r["exit_code"] != 0:
                    raise SystemExit(f"lqcalc demo {' '.join(extra)} failed: {r['stderr']}")
                runs[kind].append({"wall_s": r["wall_s"], "cpu_s": r["cpu_s"]})
                if kind == "charts":
                    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        help_runs = [timed(exe + ["--help"])["wall_s"] for _ in range(5)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    best = {k: min(r["wall_s"] for r in v) for k, v in runs.items()}
    cpu = {k: min(r["cpu_s"] for r in v) for k, v in runs.items()}
    pairs = [c["wall_s"] / n["wall_s"] for c, n in zip(runs["charts"], runs["no_charts"])]
    return {
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "versions": manifest.get("versions", {}),
        "repeat": repeat,
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "runs": runs,
        "best_wall_s": best,
        "best_cpu_s": cpu,
        "ratio": round(best["charts"] / best["no_charts"], 3),
        "median_pair_ratio": round(statistics.median(pairs), 3),
        "cpu_ratio": round(cpu["charts"] / cpu["no_charts"], 3),
        "target": TARGET,
        "stage_timings": manifest.get("timings", {}),
        "write_timings": manifest.get("write_timings", {}),
        "help_s": min(help_runs),
    }


def markdown(res: dict) -> str:
    ok = "met" if res["ratio"] <= res["target"] else "NOT met"
    stages = ", ".join(f"{k} {v:.2f}" for k, v in res["stage_timings"].items())
    writes = ", ".join(f"{k} {v:.2f}" for k, v in res["write_timings"].items())
    return "\n".join([
        "# Charts on a small run: `lqcalc demo` with and without `--no-charts`",
        "",
        f"Started {res['started']}; {res['machine']}; Python {res['python']}; load average before "
        f"{res['load_before']}, after {res['load_after']}; {res['repeat']} alternating pairs.",
        "",
        "| run | best wall s | best CPU s |",
        "| --- | ---: | ---: |",
        f"| with charts | {res['best_wall_s']['charts']:.2f} | {res['best_cpu_s']['charts']:.2f} |",
        f"| `--no-charts` | {res['best_wall_s']['no_charts']:.2f} | {res['best_cpu_s']['no_charts']:.2f} |",
        "",
        f"Ratio (best with charts / best without): **{res['ratio']:.2f}** (target at most {res['target']}: {ok}); "
        f"median of the pairs {res['median_pair_ratio']:.2f}; CPU seconds ratio {res['cpu_ratio']:.2f}.",
        "",
        f"Stage timings of the last run with charts (manifest.json): {stages}; write stage: {writes}.",
        "",
        f"`lqcalc --help`: {res['help_s']:.3f} s (best of 5; limit {HELP_LIMIT_S} s).",
        "",
    ])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=7, help="pairs of runs (the fastest of each kind is kept)")
    ap.add_argument("--workdir", type=Path, help="where the outputs go (a temporary folder by default)")
    ap.add_argument("--no-save", dest="save", action="store_false", help="print only, write no results file")
    args = ap.parse_args()
    res = measure(args.repeat, args.workdir)
    text = markdown(res)
    print(text)
    if args.save:
        (BENCH / "results" / "charts.json").write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
        (BENCH / "results" / "charts.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
