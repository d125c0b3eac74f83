"""Progress on stderr for long work, silent with ``--quiet`` (or when ``quiet=True``).

A run shows what it is doing in one of two ways, both on stderr (stdout stays clean for
data: ``lqcalc sql --format csv`` pipes, ``--json`` reports):

* on a terminal, one live status line, redrawn ten times a second once the run has taken
  :data:`LIVE_DELAY` seconds: the stage, the rows read so far and the time elapsed
  (``⠹ validating · 11,232 rows · 1.4 s``); it is erased when the run ends;
* elsewhere (a log file, CI), one plain line per stage with the time elapsed
  (``• validating … (0.4 s)``).

One helper for every module, so that ``--quiet`` turns all progress off the same way::

    from lqcalc.progress import note, progress
    note("• writing summary tables …", quiet=cfg.quiet)
    for item in progress(items, "charts", quiet=cfg.quiet):
        ...

While a live status line is shown (:func:`start_run`), :func:`note` and :func:`progress`
update it instead of printing lines or drawing a bar of their own.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")

#: Seconds before the live status line appears (quicker runs print nothing while they work).
LIVE_DELAY = 0.5
_SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"

_live: "LiveStatus | None" = None


def is_quiet(quiet: bool | None = None) -> bool:
    """Whether progress is off: ``quiet`` when given, else the ``LQCALC_QUIET`` variable.

    >>> is_quiet(True), is_quiet(False)
    (True, False)
    """
    if quiet is not None:
        return bool(quiet)
    return os.environ.get("LQCALC_QUIET", "") not in ("", "0", "false", "no")


def _clean(message: str) -> str:
    """A note without its bullet and ellipsis (for the status line).

    >>> _clean("• writing summary tables …")
    'writing summary tables'
    """
    return message.strip().lstrip("•").strip().rstrip("…").strip()


class LiveStatus:
    """The live status line of a run on a terminal (stage, rows, elapsed), drawn by a thread."""

    def __init__(self, stream: TextIO, delay: float = LIVE_DELAY, interval: float = 0.1):
        self.stream, self.delay, self.interval = stream, delay, interval
        self.t0 = time.perf_counter()
        self.label = ""
        self.detail = ""
        self.rows: int | None = None
        self._drawn = False
        self._tick = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="lqcalc-progress", daemon=True)
        self._thread.start()

    def line(self) -> str:
        """The status line as it is drawn now.

        >>> s = LiveStatus.__new__(LiveStatus)
        >>> s.t0, s.label, s.detail, s.rows, s._tick = time.perf_counter(), "validating", "", 11232, 0
        >>> s.line().split(" · ")[:2]
        ['⠋ validating', '11,232 rows']
        """
        parts = [f"{_SPINNER[self._tick % len(_SPINNER)]} {self.label}" + (f" {self.detail}" if self.detail else "")]
        if self.rows is not None:
            parts.append(f"{self.rows:,} rows")
        parts.append(f"{time.perf_counter() - self.t0:.1f} s")
        return " · ".join(parts)

    def _loop(self) -> None:
        if self._stop.wait(self.delay):
            return
        while not self._stop.is_set():
            self._draw()
            self._stop.wait(self.interval)

    def _draw(self) -> None:
        with self._lock:
            self._tick += 1
            width = max(20, shutil.get_terminal_size((80, 24)).columns - 1)
            self.stream.write("\r\x1b[2K" + self.line()[:width])
            self.stream.flush()
            self._drawn = True

    def stage(self, label: str) -> None:
        with self._lock:
            self.label, self.detail = label, ""

    def step(self, detail: str) -> None:
        with self._lock:
            self.detail = detail

    def stop(self) -> None:
        """Stop drawing and erase the line."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()
        with self._lock:
            if self._drawn:
                self.stream.write("\r\x1b[2K")
                self.stream.flush()
                self._drawn = False


class RunDisplay:
    """What a run shows while it works: a live status line on a terminal, plain stage lines
    elsewhere, nothing when quiet (see the module description)."""

    def __init__(self, quiet: bool | None = None, stream: TextIO | None = None, live: bool | None = None):
        global _live
        self.quiet = is_quiet(quiet)
        self.stream = stream or sys.stderr
        self.t0 = time.perf_counter()
        self.live: LiveStatus | None = None
        if live is None:
            live = bool(getattr(self.stream, "isatty", lambda: False)()) and os.environ.get("TERM") != "dumb"
        if not self.quiet and live:
            stop_display()
            self.live = _live = LiveStatus(self.stream, delay=LIVE_DELAY)

    def stage(self, label: str) -> None:
        """A new stage (``"validating"``)."""
        if self.quiet:
            return
        if self.live is not None:
            self.live.stage(label)
        else:
            print(f"• {label} … ({time.perf_counter() - self.t0:.1f} s)", file=self.stream, flush=True)

    def rows(self, n: int) -> None:
        """Rows read so far."""
        if self.live is not None:
            self.live.rows = n

    def close(self) -> None:
        """Erase the live line (idempotent)."""
        global _live
        if self.live is not None:
            self.live.stop()
            if _live is self.live:
                _live = None
            self.live = None


def start_run(quiet: bool | None = None) -> RunDisplay:
    """The display of a run that starts now."""
    return RunDisplay(quiet)


def stop_display() -> None:
    """Erase a live status line still shown (before an error message is printed)."""
    global _live
    if _live is not None:
        _live.stop()
        _live = None


def progress(items: Iterable[T], label: str, quiet: bool | None = None, length: int | None = None) -> Iterator[T]:
    """Iterate over ``items``, showing how far it got on stderr unless quiet.

    Parameters
    ----------
    items : iterable
        What to iterate over.
    label : str
        Text in front of the bar (``"charts"``).
    quiet : bool, optional
        No output at all when true (default: the ``LQCALC_QUIET`` environment variable).
    length : int, optional
        Number of items when ``items`` has no ``len``.

    Examples
    --------
    >>> list(progress([1, 2, 3], "counting", quiet=True))
    [1, 2, 3]
    """
    if is_quiet(quiet):
        yield from items
        return
    if length is None:
        try:
            length = len(items)  # type: ignore[arg-type]
        except TypeError:
            length = None
    live = _live
    if live is not None:
        for i, item in enumerate(items):
            live.step(f"{label} {i + 1}/{length}" if length else f"{label} {i + 1}")
            yield item
        return
    import click

    with click.progressbar(items, length=length, label=label, file=sys.stderr,
                           show_pos=True) as bar:
        yield from bar


def note(message: str, quiet: bool | None = None) -> None:
    """Print one status line on stderr unless quiet (or show it in the live status line).

    >>> note("hidden", quiet=True)
    """
    if is_quiet(quiet):
        return
    if _live is not None:
        _live.stage(_clean(message))
        return
    import click

    click.echo(message, err=True)
