"""Charts drawn by a second Python process, started when the run starts.

Drawing the charts of a small run costs little; importing matplotlib, loading its fonts and
laying out the first texts cost more than the rest of the run on an 11,000-row table. So
:func:`start` launches ``python -m lqcalc.output.chartjob`` as soon as ``lqcalc run`` knows
that it will draw charts: the process imports matplotlib, registers the fonts and draws a
first, throw-away figure while the tables are read, validated and computed, then waits.
When the tables are written, :meth:`ChartProcess.submit` hands it the output directory (one
JSON line on its standard input) and it draws the charts from the Parquet files while this
process writes the database and the summary tables; :meth:`ChartProcess.wait` collects the
files written.

The process writes only inside ``DIR/charts`` of the directory it is given, and only after
:meth:`~ChartProcess.submit`. A run that fails before submitting closes the process's
standard input (it then exits without writing anything); one that fails after it calls
:meth:`~ChartProcess.cancel`, which stops the process before the temporary directory is
removed. ``LQCALC_CHART_PROCESS=0`` draws the charts in the run's own process instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: Tables the charts read (``DIR/<name>.parquet``).
CHART_TABLES = ("indicators", "growth", "clusters")


def enabled() -> bool:
    """Whether charts are drawn by a second process (``LQCALC_CHART_PROCESS`` not 0).

    >>> isinstance(enabled(), bool)
    True
    """
    return os.environ.get("LQCALC_CHART_PROCESS", "1").strip().lower() not in ("0", "false", "no", "off")


def child_env() -> dict[str, str]:
    """Environment of a helper process: it imports this very lqcalc, installed or not."""
    import lqcalc

    env = dict(os.environ)
    root = str(Path(lqcalc.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([root] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


def _close(process: subprocess.Popen) -> None:
    """Let an idle process end (its standard input closed); kill one still drawing."""
    if process.poll() is not None:
        return
    try:
        if process.stdin and not process.stdin.closed:
            process.stdin.close()
            process.stdin = None
            process.communicate(timeout=5)
            return
    except (OSError, subprocess.TimeoutExpired):
        pass
    process.kill()
    process.wait()


class ChartProcess:
    """A chart process: started (warming up), then given one directory, then waited for."""

    def __init__(self, process: subprocess.Popen):
        self.process = process
        self.submitted = False
        self._finalizer = weakref.finalize(self, _close, process)

    def submit(self, out_dir: Path, lang: str, top_industries: int, industries: list[str] | None,
               source: str | None, industry_names: dict[str, str] | None = None) -> None:
        """Ask for the charts of the tables in ``out_dir`` (``DIR/<name>.parquet``)."""
        request = {"out_dir": str(Path(out_dir).absolute()), "lang": lang, "top_industries": top_industries,
                   "industries": industries, "source": source, "industry_names": industry_names,
                   "tables": {n: str(Path(out_dir, f"{n}.parquet").absolute()) for n in CHART_TABLES
                              if Path(out_dir, f"{n}.parquet").is_file()}}
        if self.process.stdin is None:  # pragma: no cover (started with a pipe)
            raise RuntimeError("the chart process has no standard input")
        self.process.stdin.write((json.dumps(request, ensure_ascii=False) + "\n").encode("utf-8"))
        self.process.stdin.close()
        self.process.stdin = None   # communicate() has nothing more to send
        self.submitted = True

    def wait(self) -> tuple[list[Path], dict[str, float]]:
        """The chart files written and the process's timings; :class:`RuntimeError` when it failed."""
        out, err = self.process.communicate()
        self._finalizer.detach()
        if self.process.returncode != 0:
            raise RuntimeError("drawing the charts failed: " + err.decode("utf-8", "replace").strip()[-2000:])
        answer = json.loads(out.decode("utf-8"))
        return [Path(p) for p in answer["paths"]], answer["timings"]

    def cancel(self) -> None:
        """Stop the process (the run failed) and wait until it has."""
        self._finalizer.detach()
        if self.process.returncode is not None:
            return
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()

    def close(self) -> None:
        """End a process that was never given a directory."""
        if not self.submitted:
            self._finalizer()


@contextlib.contextmanager
def closing(process: ChartProcess | None) -> Iterator[None]:
    """End ``process`` with the block unless it was given a directory (then it is waited
    for or cancelled by :func:`lqcalc.output.write_analyst_outputs`)."""
    try:
        yield
    finally:
        if process is not None:
            process.close()


_early: ChartProcess | None = None


def start_early() -> None:
    """Start the chart process now, for the next :func:`start` to hand out (the command
    line calls this before it imports the pipeline: a tenth of a second more of warm-up)."""
    global _early
    if _early is None:
        _early = _spawn()


def start() -> ChartProcess | None:
    """A chart process: the one :func:`start_early` started, else a new one (None when
    disabled or when no process can be started)."""
    global _early
    if _early is not None:
        process, _early = _early, None
        return process
    return _spawn()


def _spawn() -> ChartProcess | None:
    if not enabled():
        return None
    try:
        process = subprocess.Popen([sys.executable, "-m", "lqcalc.output.chartjob"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env())
    except OSError:
        return None
    return ChartProcess(process)


def warm_up() -> None:
    """Import matplotlib, register the fonts and draw a small figure with Latin and Chinese
    text (loads both fonts and the PNG and SVG writers)."""
    import io

    from matplotlib import rc_context

    from lqcalc.output import figures

    with rc_context(figures.rc()):
        fig = figures.new_figure(4, 3)
        ax = fig.subplots()
        ax.set_title("LQ 区位熵")
        ax.legend(handles=ax.plot([1, 2], [1, 2], label="Ab 地区"))
        canvas = figures.freeze_layout(fig, ax)
        canvas.draw()
        from PIL import Image

        Image.new("RGB", (4, 4)).save(io.BytesIO(), format="png")
        fig.savefig(io.BytesIO(), format="svg")


def _main() -> int:
    t0 = time.perf_counter()
    timings: dict[str, Any] = {}
    import polars as pl

    from lqcalc.output.charts import write_charts

    warm_up()
    timings["warm_up"] = round(time.perf_counter() - t0, 4)
    t = time.perf_counter()
    line = sys.stdin.buffer.readline()
    if not line.strip():
        return 0   # the run ended (or failed) before its tables were written
    timings["waiting"] = round(time.perf_counter() - t, 4)
    t = time.perf_counter()
    req = json.loads(line.decode("utf-8"))
    tables = {name: pl.scan_parquet(path) for name, path in req["tables"].items()}
    paths = write_charts(Path(req["out_dir"]), tables, req["lang"], top_industries=req["top_industries"], quiet=True,
                         industries=req["industries"], source=req["source"],
                         industry_names=req.get("industry_names"))
    timings["drawing"] = round(time.perf_counter() - t, 4)
    sys.stdout.write(json.dumps({"paths": [str(p) for p in paths], "timings": timings}))
    return 0


if __name__ == "__main__":  # pragma: no cover (run by start())
    sys.exit(_main())
