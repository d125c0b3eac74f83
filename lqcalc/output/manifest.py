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
    """Versions of lqcalc and of the libraries that shape its numbers, from their package
    metadata: neither pyarrow (0.15 s) nor DuckDB (0.05 s) is imported for it.

    >>> sorted(versions())
    ['duckdb', 'lqcalc', 'polars', 'pyarrow', 'python']
    """
    from importlib.metadata import version

    import polars

    from lqcalc import __version__

    return {
        "lqcalc": __version__,
        "python": platform.python_version(),
        "polars": polars.__version__,
        "pyarrow": version("pyarrow"),
        "duckdb": version("duckdb"),
    }


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest as stable, human-readable JSON (sorted keys, UTF-8)."""
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True, default=str) + "\n", encoding="utf-8")


def empty_tables(outputs: dict[str, int], settings: dict[str, Any], years: list[int]) -> dict[str, str]:
    """Why each output table without rows has none, for ``manifest.json`` and the run's
    last lines: every empty table gets a reason.

    Parameters
    ----------
    outputs : dict
        Rows of each table written (``manifest["outputs"]``).
    settings : dict
        The run's settings (``RunConfig.to_dict()``).
    years : list of int
        The years of the input (empty when it has none).

    Examples
    --------
    >>> r = empty_tables({"indicators": 10, "targets": 0, "intensity": 0, "growth": 0},
    ...                  {"targets": [], "intensity": [], "base_year": None, "end_year": None}, [2020])
    >>> sorted(r), r["growth"]
    (['growth', 'intensity', 'targets'], 'growth needs two years; the input has one (2020)')
    >>> r["intensity"]
    'no ratio was asked for (--intensity A/B)'
    """
    def one_year() -> str | None:
        if len(years) >= 2:
            return None
        if not years:
            return "the input has no years"
        return f"the input has one ({years[0]})"

    reasons: dict[str, str] = {}
    for name, rows in outputs.items():
        if rows:
            continue
        if name == "intensity":
            reasons[name] = ("no ratio was asked for (--intensity A/B)" if not settings.get("intensity") else
                             "no region and year has both measures of the ratios asked for ("
                             + ", ".join(settings["intensity"]) + ")")
        elif name == "targets":
            reasons[name] = ("no target was given (--target MEASURE:REGION:INDUSTRY:YEAR=VALUE)"
                             if not settings.get("targets") else
                             "no target names a measure, region and industry of the input")
        elif name in ("growth", "clusters") and one_year():
            reasons[name] = f"{name} needs two years; {one_year()}"
        elif name == "growth" and settings.get("base_year") is not None and settings.get("base_year") == settings.get("end_year"):
            reasons[name] = "--base-year and --end-year are the same year"
        elif name == "rejected":
            reasons[name] = "no row was rejected"
        else:
            reasons[name] = "the input has no rows this table is computed from"
    return reasons
