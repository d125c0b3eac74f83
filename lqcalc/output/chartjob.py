"""Charts drawn by a second Python process, started when the run starts.

Drawing the charts of a small run costs little; importing matplotlib, loading its fonts and
laying out the first texts cost more than the rest of the run on an 11,000-row table. So
:func:`start` launches ``python -m lqcalc.output.chartjob`` as soon as ``lqcalc run`` knows
that it will draw charts: the process imports matplotlib (and no polars), registers the fonts
and draws a first, throw-away figure while the tables are read, validated and computed, then
waits. When the tables are written, :meth:`ChartProcess.plan` works out in a thread what
each chart shows (:func:`lqcalc.output.charts.chart_jobs`, a few hundred numbers per chart)
while this process writes the database and the summary tables, and hands the jobs over (one
JSON line on the process's standard input). The process then forks into one copy per core
(:func:`workers`; Linux), each drawing its share of the charts
(:func:`lqcalc.output.drawing.shares`); :meth:`ChartProcess.wait` collects the files written.

The process writes only inside ``DIR/charts`` of the directory it is given, and only after
:meth:`~ChartProcess.submit`. A run that fails before submitting closes the process's
standard input (it then exits without writing anything); one that fails after it calls
:meth:`~ChartProcess.cancel`, which stops the process and its copies (their process group)
before the temporary directory is removed. ``LQCALC_CHART_PROCESS=0`` draws the charts in
the run's own process instead.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import signal
import subprocess
import sys
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: Chart processes at most (a run has about nine charts; more processes gain little).
MAX_WORKERS = 4


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


def _kill(process: subprocess.Popen) -> None:
    """Stop the chart process and the copies it forked (its process group)."""
    with contextlib.suppress(OSError):
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()


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
    _kill(process)
    process.wait()


class ChartProcess:
    """A chart process: started (warming up), then given one directory, then waited for."""

    def __init__(self, process: subprocess.Popen):
        self.process = process
        self.submitted = False
        self._planner = None                     # the thread of plan(), until joined
        self._failed: BaseException | None = None   # what stopped it
        self._finalizer = weakref.finalize(self, _close, process)

    def submit(self, out_dir: Path, jobs: list[dict]) -> None:
        """Ask for the charts ``jobs`` (:func:`lqcalc.output.charts.chart_jobs`) in ``out_dir/charts``."""
        request = {"out_dir": str(Path(out_dir).absolute()), "jobs": jobs}
        if self.process.stdin is None:  # pragma: no cover (started with a pipe)
            raise RuntimeError("the chart process has no standard input")
        try:
            self.process.stdin.write((json.dumps(request, ensure_ascii=False) + "\n").encode("utf-8"))
            self.process.stdin.close()
        except OSError:   # the process has died: wait() says why
            pass
        self.process.stdin = None   # communicate() has nothing more to send
        self.submitted = True

    def plan(self, out_dir: Path, tables, by_region=None, **options) -> None:
        """Work out the charts of ``tables`` (:func:`lqcalc.output.charts.chart_jobs` with
        ``options``) in a thread of this process, then :meth:`submit` them: the queries run
        while this process writes the database and the summaries. ``by_region``, when
        given, is called (in that thread) for the ``by_region`` of ``chart_jobs``."""
        import threading

        def work() -> None:
            try:
                from lqcalc.output.charts import chart_jobs

                if by_region is not None:
                    options["by_region"] = by_region()
                self.submit(out_dir, chart_jobs(tables, **options))
            except BaseException as exc:   # re-raised by wait()
                self._failed = exc
                self.close()

        self.submitted = True
        self._planner = threading.Thread(target=work, name="lqcalc-chart-jobs", daemon=True)
        self._planner.start()

    def _join(self) -> None:
        """Wait for the thread of :meth:`plan`, if any."""
        if self._planner is not None:
            self._planner.join()
            self._planner = None

    def wait(self) -> tuple[list[Path], dict[str, float]]:
        """The chart files written and the process's timings; :class:`RuntimeError` when it failed."""
        self._join()
        if self._failed is not None:
            self.cancel()
            raise self._failed
        out, err = self.process.communicate()
        self._finalizer.detach()
        if self.process.returncode != 0:
            raise RuntimeError("drawing the charts failed: " + err.decode("utf-8", "replace").strip()[-2000:])
        answer = json.loads(out.decode("utf-8"))
        return [Path(p) for p in answer["paths"]], answer["timings"]

    def cancel(self) -> None:
        """Stop the process (the run failed) and wait until it has."""
        self._join()
        self._finalizer.detach()
        if self.process.returncode is not None:
            return
        _kill(self.process)   # the forked copies too, even when the first one has ended
        self.process.communicate()

    def close(self) -> None:
        """End a process that was never given a directory (or whose jobs could not be worked out)."""
        if not self.submitted or self._failed is not None:
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
        # its own process group, so that a run that fails stops its forked copies with it (_kill)
        process = subprocess.Popen([sys.executable, "-m", "lqcalc.output.chartjob"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env(),
                                   start_new_session=os.name == "posix")
    except OSError:
        return None
    return ChartProcess(process)


def warm_up() -> None:
    """Import matplotlib, register the fonts and draw a small figure with Latin and Chinese
    text (loads both fonts and the PNG and SVG writers)."""
    import io

    from matplotlib import rc_context

    from lqcalc.output import drawing, figures  # noqa: F401 (drawing: imported before any fork)

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


def workers() -> int:
    """Processes that draw the charts side by side: one per available core, at most
    :data:`MAX_WORKERS`, where processes can be forked (Linux); ``LQCALC_CHART_WORKERS``
    sets the number.

    >>> workers() >= 1
    True
    """
    given = os.environ.get("LQCALC_CHART_WORKERS", "").strip()
    if given.isdigit() and int(given) >= 1:
        wanted = int(given)
    else:
        try:
            wanted = min(MAX_WORKERS, len(os.sched_getaffinity(0)))
        except (AttributeError, OSError):  # pragma: no cover (not Linux)
            wanted = 1
    return wanted if sys.platform.startswith("linux") and hasattr(os, "fork") else 1


def _draw(req: dict, share: tuple[int, int]) -> list[tuple[int, str]]:
    """Draw share ``share`` of the request's jobs; each file with its job's position."""
    from lqcalc.output.drawing import CHARTS_DIR, draw_jobs

    return [(i, str(p)) for i, p in draw_jobs(req["jobs"], Path(req["out_dir"]) / CHARTS_DIR, share=share)]


def _draw_forked(req: dict, n: int) -> list[tuple[int, str]]:
    """Draw the charts in this process and ``n - 1`` forked copies of it, each its share;
    the files of all with their positions, in the order one process draws them."""
    children = []
    for k in range(1, n):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover (the child; its files are checked by the parent's tests)
            os.close(read_end)
            code = 0
            try:
                answer = {"paths": _draw(req, (k, n))}
            except BaseException:
                import traceback

                answer, code = {"error": traceback.format_exc()}, 1
            try:
                with os.fdopen(write_end, "wb") as out:
                    out.write(json.dumps(answer).encode("utf-8"))
            finally:
                os._exit(code)   # never back into the parent's code
        os.close(write_end)
        children.append((pid, read_end))
    paths = _draw(req, (0, n))
    errors = []
    for pid, read_end in children:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
        answer = json.loads(data.decode("utf-8")) if data else {"error": "a chart process ended without an answer"}
        if "error" in answer:
            errors.append(answer["error"])
        else:
            paths += [tuple(p) for p in answer["paths"]]
    if errors:
        raise RuntimeError("\n".join(errors))
    return sorted(paths)   # by position: the order of one process


def _main() -> int:
    t0 = time.perf_counter()
    timings: dict[str, Any] = {}
    warm_up()
    timings["warm_up"] = round(time.perf_counter() - t0, 4)
    t = time.perf_counter()
    line = sys.stdin.buffer.readline()
    if not line.strip():
        return 0   # the run ended (or failed) before its tables were written
    timings["waiting"] = round(time.perf_counter() - t, 4)
    t = time.perf_counter()
    req = json.loads(line.decode("utf-8"))
    n = min(workers(), len(req["jobs"])) or 1
    # a short-lived process of small drawings: no cyclic garbage collection, and what the
    # warm-up loaded kept out of it (so that forked copies share those pages, as the gc
    # module's documentation advises before a fork)
    gc.freeze()
    gc.disable()
    paths = [p for _, p in (_draw_forked(req, n) if n > 1 else _draw(req, (0, 1)))]
    timings["drawing"] = round(time.perf_counter() - t, 4)
    timings["workers"] = n
    sys.stdout.write(json.dumps({"paths": paths, "timings": timings}))
    return 0


if __name__ == "__main__":  # pragma: no cover (run by start())
    sys.exit(_main())
