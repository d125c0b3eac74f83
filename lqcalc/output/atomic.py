"""Write an output directory all at once: a failed run leaves no directory (or the old one)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lqcalc.errors import UsageError

MARKER = "manifest.json"


def check_target(out: Path) -> None:
    """Refuse targets that are not ours to replace (a file, or a directory with other content)."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} exists and is a file", hint="give a directory path")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise UsageError(
            f"--out {out} exists and is not an lqcalc output directory; refusing to replace it",
            hint="give a new directory name (lqcalc replaces only its own previous outputs)",
        )


@contextmanager
def atomic_directory(out: str | Path) -> Iterator[Path]:
    """Yield a temporary directory beside ``out``; on success it replaces ``out`` in one rename.

    On any exception the temporary directory is removed and ``out`` is untouched.
    """
    out = Path(out).absolute()
    check_target(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        shutil.rmtree(old, ignore_errors=True)
        os.replace(out, old)
    try:
        os.replace(tmp, out)
    except BaseException:
        if old is not None:
            os.replace(old, out)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
