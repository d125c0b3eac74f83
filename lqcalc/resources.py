"""Where the shipped SQL and sample files are, installed or in a source checkout.

In an installed package they are the subpackages ``lqcalc.sql`` and ``lqcalc.samples``
(pyproject.toml maps the repository's ``sql/`` and ``data/samples/`` there); when lqcalc runs
from a source checkout they are those repository folders.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent


def _locate(package: str, repo_relative: str) -> Path:
    try:
        path = Path(str(files(package)))
        if path.is_dir():
            return path
    except ModuleNotFoundError:
        pass
    return _REPO / repo_relative


def sql_dir() -> Path:
    """Folder of the DuckDB SQL files (``sql/`` in the repository).

    >>> (sql_dir() / "__init__.py").exists()
    True
    """
    return _locate("lqcalc.sql", "sql")


def samples_dir() -> Path:
    """Folder of the shipped samples (``data/samples/`` in the repository).

    >>> (samples_dir() / "uk-bres" / "PROVENANCE.md").exists()
    True
    """
    return _locate("lqcalc.samples", "data/samples")
