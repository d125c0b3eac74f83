"""Time ``lqcalc run`` of two code trees alternately on the same input (A/B).

On a shared machine whose speed drifts, two versions are compared by running them in turn
(old, new, old, new, ...) and comparing runs that sat next to each other. ``--old`` is a
directory holding another version of the ``lqcalc`` package (for example
``git worktree add /tmp/old <commit>``); it is put first on ``PYTHONPATH``, so the same
virtual environment runs both. Each run reports wall and CPU seconds, the peak resident
memory and the pipeline's own stage timings (``--json``), and the outputs of the last two
runs are compared table by table (identical, or the largest relative difference).

Usage::

    python bench/ab.py /tmp/lqbench/22M.parquet --old /tmp/old --runs 2 --json out.json
    python bench/ab.py /tmp/lqbench/5M.parquet --flat --old /tmp/old --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from generate import REFERENCE_REGION, TOTAL_INDUSTRY  # noqa: E402
from run import compile_lqcalc, timed  # noqa: E402


def one_run(data: Path, out: Path, pythonpath: str | None, extra: list[str], flat: bool = False) -> dict:
    """One ``lqcalc run`` in its own process: wall, CPU, peak memory and stage timings."""
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath + os.pathsep + env.get("PYTHONPATH", "")
    else:
        env.pop("PYTHONPATH", None)
    shutil.rmtree(out, ignore_errors=True)
    reference = [] if flat else ["--reference-region", REFERENCE_REGION, "--total-industry", TOTAL_INDUSTRY]
    cmd = [sys.executable, "-m", "lqcalc", "run", str(data), "--out", str(out), *reference,
           "--value-col", "employment", "--quiet", "--json", *extra]
    # run from the output's parent: ``python -m`` puts the working directory first on
    # sys.path, ahead of PYTHONPATH, so a run from a source tree would import that tree
    r = timed(cmd, env=env, cwd=out.parent)
    res = {k: r[k] for k in ("wall_s", "cpu_s", "peak_mb", "exit_code")}
    res["load_after"] = list(os.getloadavg())
    if r["exit_code"] != 0:
        res["stderr"] = r["stderr"]
        return res
    res["timings"] = json.loads(r["stdout"]).get("timings", {})
    manifest = out / "manifest.json"
    if manifest.is_file():
        res["write_timings"] = json.loads(manifest.read_text()).get("write_timings", {})
    return res


def compare(a: Path, b: Path) -> dict[str, str]:
    """Each Parquet table of two output directories: identical, or the largest relative
    difference of its floating-point columns (other columns must be equal)."""
    import polars as pl

    out = {}
    for f in sorted(p.name for p in a.glob("*.parquet")):
        x, y = pl.read_parquet(a / f), pl.read_parquet(b / f)
        if x.equals(y):
            out[f] = "identical"
            continue
        if x.columns != y.columns or x.height != y.height:
            out[f] = "different shape"
            continue
        worst, verdict = 0.0, None
        for c in x.columns:
            if x[c].equals(y[c], null_equal=True):
                continue
            if x.schema[c] != pl.Float64 or not (x[c].is_null() == y[c].is_null()).all():
                verdict = f"column {c} differs"
                break
            worst = max(worst, float(((x[c] - y[c]).abs() / x[c].abs().clip(1e-300)).max() or 0.0))
        out[f] = verdict or f"largest relative difference {worst:.1e}"
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("--old", required=True, help="directory holding the other version's lqcalc package")
    ap.add_argument("--runs", type=int, default=2, help="runs of each version (alternated)")
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--flat", action="store_true",
                    help="a table without reference or total rows (the 5M one): no --reference-region, --total-industry")
    args, extra = ap.parse_known_args()   # the rest: more options for lqcalc run (after --)
    args.extra = [a for a in extra if a != "--"]
    import compileall

    compile_lqcalc()   # both versions byte-compiled, as installed
    compileall.compile_dir(str(Path(args.old) / "lqcalc"), quiet=1)
    res: dict = {"input": str(args.data), "old": args.old, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                 "runs": []}
    with tempfile.TemporaryDirectory(dir=args.data.parent) as d:
        for i in range(args.runs):
            for label, path in (("old", args.old), ("new", None)):
                r = one_run(args.data, Path(d) / label, path, args.extra, args.flat)
                r.update(version=label, run=i + 1)
                res["runs"].append(r)
                print(f"{label} {i + 1}: {r['wall_s']} s, CPU {r['cpu_s']} s, {r.get('timings')}", file=sys.stderr,
                      flush=True)
        res["outputs"] = compare(Path(d) / "old", Path(d) / "new")
    print(json.dumps(res["outputs"], indent=1), file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
