"""Progress on stderr for long work, silent with ``--quiet`` (or when ``quiet=True``).

One helper for every module, so that ``--quiet`` turns all progress off the same way::

    from lqcalc.progress import progress
    for item in progress(items, "charts", quiet=cfg.quiet):
        ...

The bar is drawn by :func:`click.progressbar` on stderr; stdout stays clean for data
(``lqcalc sql --format csv`` pipes, ``--json`` reports).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def is_quiet(quiet: bool | None = None) -> bool:
    """Whether progress is off: ``quiet`` when given, else the ``LQCALC_QUIET`` variable.

    >>> is_quiet(True), is_quiet(False)
    (True, False)
    """
    if quiet is not None:
        return bool(quiet)
    return os.environ.get("LQCALC_QUIET", "") not in ("", "0", "false", "no")


def progress(items: Iterable[T], label: str, quiet: bool | None = None, length: int | None = None) -> Iterator[T]:
    """Iterate over ``items``, drawing a progress bar on stderr unless quiet.

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
    import click

    if length is None:
        try:
            length = len(items)  # type: ignore[arg-type]
        except TypeError:
            length = None
    with click.progressbar(items, length=length, label=label, file=sys.stderr,
                           show_pos=True) as bar:
        yield from bar


def note(message: str, quiet: bool | None = None) -> None:
    """Print one status line on stderr unless quiet.

    >>> note("hidden", quiet=True)
    """
    if is_quiet(quiet):
        return
    import click

    click.echo(message, err=True)
