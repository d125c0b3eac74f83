"""``manifest.json``: what went in, with which settings, and what came out."""

from __future__ import annotations

import hashlib
import json
import platform
from pathlib import Path
from typing import Any


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def versions() -> dict[str, str]:
    """Versions of lqcalc and of the libraries that shape its numbers (pyarrow's from its
    package metadata: a run that writes no appended table never imports it, 0.15 s)."""
    from importlib.metadata import version

    import duckdb
    import polars

    from lqcalc import __version__

    return {
        "lqcalc": __version__,
        "python": platform.python_version(),
        "polars": polars.__version__,
        "pyarrow": version("pyarrow"),
        "duckdb": duckdb.__version__,
    }


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest as stable, human-readable JSON (sorted keys, UTF-8)."""
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True, default=str) + "\n", encoding="utf-8")
