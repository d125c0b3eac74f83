"""The targets table of ``docs/performance.md``, made from the latest benchmark results.

Each target is checked against the result files in ``bench/results/`` (the latest run of each
benchmark), so the page states what the last measurement says, not what someone remembers::

    python bench/targets.py            # rewrite the table between the markers in docs/performance.md
    python bench/targets.py --check    # exit 1 when the page differs from the results

Ratios are taken between contenders of the same run (the machine's speed drifts between runs).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
PAGE = BENCH.parent / "docs" / "performance.md"
BEGIN, END = "<!-- targets:begin (bench/targets.py) -->", "<!-- targets:end -->"


def _load(name: str, results: Path) -> dict:
    path = results / name
    return json.loads(path.read_text()) if path.exists() else {}


def _run(res: dict, name: str) -> dict | None:
    """A contender's result when it finished."""
    r = res.get("contenders", {}).get(name)
    return r if r and r.get("exit_code") == 0 else None


def _verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("**yes**" if ok else "**no**")


def rows(results: Path = RESULTS) -> list[tuple[str, str, str]]:
    """(target, latest measurement, met?) for every target."""
    out = []
    for size in ("5M", "22M"):
        res = _load(f"{size}.json", results)
        mine, pandas, polars, like = (_run(res, k) for k in ("default-run", "pandas", "polars", "lqcalc-growth"))
        src = f"`bench/results/{size}.md`"
        if mine and pandas:
            ratio = pandas["wall_s"] / mine["wall_s"]
            out.append((f"{size} rows: the default `lqcalc run` at least as fast as the pandas script (goal 2×)",
                        f"{mine['wall_s']:.1f} s against {pandas['wall_s']:.1f} s: pandas/lqcalc = {ratio:.2f} ({src})",
                        _verdict(ratio >= 1.0)))
        else:
            out.append((f"{size} rows: the default `lqcalc run` at least as fast as the pandas script", "—",
                        _verdict(None)))
        if like and polars:
            ratio = like["wall_s"] / polars["wall_s"]
            out.append((f"{size} rows, like for like (`--tables growth`): at most 1.3× the plain polars script",
                        f"{like['wall_s']:.1f} s against {polars['wall_s']:.1f} s: lqcalc/polars = {ratio:.2f} ({src})",
                        _verdict(ratio <= 1.3)))
        if mine:
            out.append((f"{size} rows: peak memory of the default run under 3 GB",
                        f"{mine['peak_mb']:,.0f} MB ({src})", _verdict(mine["peak_mb"] < 3 * 1024)))
    res = _load("22M.json", results)
    if "help" in res:
        t = res["help"]["wall_s"]
        out.append(("`lqcalc --help` under 0.3 s", f"{t:.2f} s (`bench/results/22M.md`)", _verdict(t < 0.3)))
    if "yearbook" in res:
        y = res["yearbook"]
        out.append(("an NBS export of 31 provinces × 19 years end to end under 2 s",
                    f"{y['wall_s']:.2f} s (`bench/results/22M.md`)", _verdict(y["exit_code"] == 0 and y["wall_s"] < 2)))
    scale = _load("200M-scale.json", results)
    run = scale.get("runs", {}).get("lqcalc")
    if run:
        ok = run.get("exit_code") == 0 and "killed_over_mb" not in run
        out.append(("202M rows (63 years) without running out of memory",
                    f"{run['wall_s']:.0f} s, peak {run['peak_mb']:,.0f} MB (`bench/results/200M-scale.md`)",
                    _verdict(ok)))
    return out


def sizes(results: Path = RESULTS) -> list[tuple[str, str, str]]:
    """(size, output file, bytes per row) of the default run's Parquet tables."""
    out = []
    for size in ("5M", "22M"):
        mine = _run(_load(f"{size}.json", results), "default-run")
        for name, e in sorted((mine or {}).get("outputs", {}).get("files", {}).items()):
            if e.get("bytes_per_row") is not None:
                out.append((size, name, f"{e['bytes'] / 2**20:,.1f} MB, {e['bytes_per_row']} B/row"))
    return out


def table(results: Path = RESULTS) -> str:
    """The Markdown between the markers."""
    lines = [BEGIN, "", "| target | latest measurement | met? |", "| --- | --- | --- |"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows(results)]
    s = sizes(results)
    if s:
        lines += ["", "Output sizes of the default run:", "", "| rows | file | size |", "| --- | --- | ---: |"]
        lines += [f"| {a} | `{b}` | {c} |" for a, b, c in s]
    lines += ["", END]
    return "\n".join(lines)


def render(page: str, results: Path = RESULTS) -> str:
    """``page`` with its targets table replaced by the one the results give."""
    head, rest = page.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + table(results) + tail


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="exit 1 when docs/performance.md is out of date")
    ap.add_argument("--page", type=Path, default=PAGE)
    ap.add_argument("--results", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    page = args.page.read_text(encoding="utf-8")
    new = render(page, args.results)
    if args.check:
        if new != page:
            print(f"{args.page} is out of date: run `python bench/targets.py`", file=sys.stderr)
            return 1
        return 0
    args.page.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
