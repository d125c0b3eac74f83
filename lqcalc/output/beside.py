"""Work run in a thread beside the caller (:class:`Beside`): the database, the workbook and
the growth by region of a run's write stage, while its summary tables are built."""

from __future__ import annotations

import threading
import time
from typing import Any


class Beside:
    """``fn(*args)`` run in a thread; :meth:`wait` gives its result (or raises its error).

    >>> Beside(sum, [1, 2]).wait()
    3
    """

    def __init__(self, fn, *args, name: str = "lqcalc-beside"):
        self.result: Any = None
        self.error: BaseException | None = None
        self.seconds = 0.0   # how long fn took
        self._fn, self._args = fn, args
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        t = time.perf_counter()
        try:
            self.result = self._fn(*self._args)
        except BaseException as exc:   # raised again by wait()
            self.error = exc
        self.seconds = time.perf_counter() - t

    def wait(self) -> Any:
        self._thread.join()
        if self.error is not None:
            raise self.error
        return self.result

    def cancel(self) -> None:
        """Wait for the thread without its result (the caller failed elsewhere)."""
        self._thread.join()
