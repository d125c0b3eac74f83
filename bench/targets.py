"""The targets and stage tables of ``docs/performance.md``, made from the latest benchmark results.

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


STAGES_BEGIN, STAGES_END = "<!-- stages:begin (bench/targets.py) -->", "<!-- stages:end -->"

#: Stages of a default run (``manifest.json``: ``timings``, then ``write_timings``), in order.
RUN_STAGES = (
    ("timings", "read", "read", "the Parquet input scanned one partition (whole years) at a time"),
    ("timings", "validate", "validate", "the whole-table context, then the polars rules per partition"),
    ("timings", "indicators", "denominators and tables", "every table of every partition (below, one by one)"),
    ("timings", "write", "write stage", "waiting for the appended Parquet files, then everything below"),
    ("write_timings", "summary", "· summaries", "`summary/` (CSV, Markdown; `summary.xlsx` in a thread)"),
    ("write_timings", "report", "· report", "`report.html` (maps, tables, the charts embedded)"),
    ("write_timings", "database", "· database", "`lqcalc.duckdb`: views over the Parquet files, macros"),
    ("write_timings", "charts", "· charts", "drawn in the chart process beside the run (not on the run's path)"),
    ("write_timings", "charts_waited", "· waiting for charts", "what the run waited for the chart process at the end"),
)


def _seconds(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f} s"


def stage_rows(results: Path = RESULTS) -> list[tuple[str, str, str, str]]:
    """(stage, 5M, 22M, what): the default run's own stage timings (``manifest.json`` of the
    benchmark's default run), then each table function and each table's Parquet writes timed
    one by one in one process (``bench/stages.py``)."""
    runs = {size: _run(_load(f"{size}.json", results), "default-run") or {} for size in ("5M", "22M")}
    stages = {size: _load(f"{size}-stages.json", results) for size in ("5M", "22M")}
    out = []
    for part, key, label, what in RUN_STAGES:
        vals = [(r.get("reported", {}).get(part) or r.get(part) or {}).get(key) for r in runs.values()]
        if any(v is not None for v in vals):
            out.append((label, *map(_seconds, vals), what))
    for field, what in (("table_functions", "computed (`bench/stages.py`, one process)"),
                        ("table_writes", "its Parquet file written (`bench/stages.py`, in the caller's thread)")):
        names = list(dict.fromkeys(n for st in stages.values() for n in st.get(field, {})))
        if field == "table_functions":
            names = ["denominators", *names]
        for name in names:
            vals = [(st.get("times", {}) if name == "denominators" else st.get(field, {})).get(name)
                    for st in stages.values()]
            if any(v is not None and v >= 0.01 for v in vals):
                label = f"`{name}`" if field == "table_functions" and name != "denominators" else (
                    name if name == "denominators" else f"`{name}.parquet`")
                out.append((label, *map(_seconds, vals),
                             "integer codes and the three denominators (`bench/stages.py`)" if name == "denominators" else what))
    return out


BUDGET_BEGIN, BUDGET_END = "<!-- budget:begin (bench/targets.py) -->", "<!-- budget:end -->"

#: The stages of ``bench/stages.py`` that a run does (``lq`` is the LQ column timed alone, again).
CORE_STAGES = ("read", "validate", "denominators", "tables", "write")


def budget_rows(results: Path = RESULTS) -> list[tuple[str, ...]]:
    """(size, pandas wall, two cores over it, lqcalc's core CPU, the default run's CPU): the
    CPU the pandas script's time gives on the machine's cores, against the CPU of the run's
    own computation and Parquet files (``cpu_times`` of ``bench/stages.py``, every thread)
    and of the whole default run (every process)."""
    out = []
    for size in ("5M", "22M"):
        res = _load(f"{size}.json", results)
        mine, pandas = _run(res, "default-run"), _run(res, "pandas")
        cpu = _load(f"{size}-stages.json", results).get("cpu_times", {})
        cores = (res.get("machine") or {}).get("cores")
        if not (mine and pandas and cores and all(k in cpu for k in CORE_STAGES)):
            continue
        core = sum(cpu[k] for k in CORE_STAGES)
        out.append((size, f"{pandas['wall_s']:.1f} s", f"{cores * pandas['wall_s']:.1f} s ({cores} cores)",
                    f"{core:.1f} s", f"{mine['cpu_s']:.1f} s"))
    return out


def budget_table(results: Path = RESULTS) -> str:
    """The Markdown between the budget markers."""
    lines = [BUDGET_BEGIN, "", "| rows | pandas script | CPU in that time | lqcalc's tables and Parquet files (CPU) "
             "| default run (CPU, all processes) |", "| --- | ---: | ---: | ---: | ---: |"]
    lines += ["| " + " | ".join(r) + " |" for r in budget_rows(results)]
    lines += ["", BUDGET_END]
    return "\n".join(lines)


def stages_table(results: Path = RESULTS) -> str:
    """The Markdown between the stage markers."""
    lines = [STAGES_BEGIN, "", "| stage | 5M rows (flat) | 22.4M rows | what |", "| --- | ---: | ---: | --- |"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in stage_rows(results)]
    lines += ["", STAGES_END]
    return "\n".join(lines)


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


def _replace(page: str, begin: str, end: str, text: str) -> str:
    if begin not in page:
        return page
    head, rest = page.split(begin, 1)
    _, tail = rest.split(end, 1)
    return head + text + tail


def render(page: str, results: Path = RESULTS) -> str:
    """``page`` with its targets and stage tables replaced by the ones the results give."""
    page = _replace(page, BEGIN, END, table(results))
    page = _replace(page, BUDGET_BEGIN, BUDGET_END, budget_table(results))
    return _replace(page, STAGES_BEGIN, STAGES_END, stages_table(results))


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
