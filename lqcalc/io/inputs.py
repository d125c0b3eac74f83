"""Every input file of a run read and stacked into one tidy table (:func:`read_inputs`)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from lqcalc import schema
from lqcalc.config import ReadOptions
from lqcalc.errors import UsageError


def _portal_reader():
    """The reader of NBS portal exports and yearbook tables, when it is available."""
    try:
        from lqcalc.io import detect, portal  # noqa: F401
    except ImportError:
        return None
    return detect, portal


def read_inputs(paths: list[str], opts: ReadOptions) -> tuple[pl.DataFrame, list[dict]]:
    """Read every input file and stack them into one tidy table.

    Long tables (explicit ``--region-col`` / ``--industry-col`` or ``--layout long``) go to
    :func:`lqcalc.io.long.read_long`; NBS portal exports and yearbook tables are detected
    and read by :mod:`lqcalc.io.portal`.
    """
    from lqcalc.io.long import read_long

    if not paths:
        raise UsageError("no input files given", hint="lqcalc run FILE... --out DIR")
    for p in paths:
        if not Path(p).exists():
            raise UsageError(f"input file not found: {p}")
    frames, infos = [], []
    long_paths, other_paths = [], []
    portal = _portal_reader()
    for p in paths:
        tabular = Path(p).suffix.lower() in (".parquet", ".pq")
        if opts.layout == "long" or opts.region_col or opts.industry_col or portal is None or tabular:
            long_paths.append(p)
        else:
            layout = portal[0].detect(p, opts).layout
            (long_paths if layout == "long" else other_paths).append(p)
    for p in long_paths:
        df, info = read_long(p, opts)
        frames.append(df)
        infos.append(info)
    if other_paths:
        df, more = portal[1].read_extracts(other_paths, opts)
        frames.append(schema.conform(df))
        infos.extend(more)
    tidy = pl.concat(frames, how="vertical") if len(frames) > 1 else frames[0]
    return tidy, infos
