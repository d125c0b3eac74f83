"""Settings of a run: from ``run.toml`` and the command line (flags override the file)."""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lqcalc.errors import UsageError, did_you_mean

#: Rows per partition when the run does not say (``--partition-rows``; :mod:`lqcalc.io.source`):
#: a partition is whole years, so a larger year is a partition alone. Measured against
#: 4,000,000 with every output (``bench/``): 5M rows (1M a year) 8.3 -> 7.4 s and 1.6 -> 0.9
#: GB, 10M rows (1.4M a year) 14.5 -> 12.8 s and 1.8 -> 1.4 GB, 2.3M rows the same time in
#: 0.8 GB instead of 1.3 GB; a table of 0.28M rows stays one partition (at 50,000 rows a
#: partition it took 0.6 s more).
DEFAULT_PARTITION_ROWS = 1_000_000


@dataclass
class ReadOptions:
    """How to read the input files (see ``lqcalc run --help``)."""

    region_col: str | None = None
    industry_col: str | None = None
    year_col: str | None = None
    value_cols: list[str] = field(default_factory=list)
    region_name_col: str | None = None
    industry_name_col: str | None = None
    layout: str | None = None          # auto-detected when None: long, nbs, yearbook, ...
    encoding: str | None = None        # auto-detected when None (utf-8, then gb18030)
    unit: str | None = None            # override the unit found in the file
    indicator: str | None = None       # override the indicator found in the file
    year: int | None = None            # year of a file that has none
    sheet: str | None = None           # Excel sheet name
    zero_as_missing: bool = False      # scraped series that write missing as 0
    region_map: str | None = None      # CSV name,code mapping that adds or overrides names
    unit_col: str | None = None        # column with each row's unit (default: unit, units, 单位, 计量单位)
    region: str | None = None          # region of a file that names none (mapped to GB/T 2260)
    rates: list[str] = field(default_factory=list)   # measures that are rates (besides %, ‰, 上年=100, names)


@dataclass
class RunConfig:
    """Everything a run needs; ``to_dict`` goes into the manifest."""

    inputs: list[str] = field(default_factory=list)
    out: str | None = None
    read: ReadOptions = field(default_factory=ReadOptions)
    reference_region: str | None = None
    total_industry: str | None = None
    on_invalid: str = "fail"           # fail | quarantine
    report: str | None = None          # where a failed validation writes its HTML/JSON report
    base_year: int | None = None
    end_year: int | None = None
    dynamic: bool = False
    intensity: list[str] = field(default_factory=list)   # "A/B"
    targets: list[str] = field(default_factory=list)     # "MEASURE:REGION:INDUSTRY:YEAR=VALUE"
    region_hierarchy: str | None = None                  # CSV region,parent
    clusters: dict[str, Any] = field(default_factory=dict)   # thresholds, see lqcalc.clusters
    tolerance: float = 0.005           # relative tolerance of "part > total" checks
    gx: bool = False                   # also run the Great Expectations suite (the polars rules always run);
                                       # lqcalc run: --gx, lqcalc validate: on unless --no-gx
    partition_rows: int = DEFAULT_PARTITION_ROWS   # larger inputs are processed a few years at a time
    tables: list[str] = field(default_factory=list)      # output tables to write (default: all)
    complexity: bool = False           # relatedness + proximity tables, eci/pci columns (--complexity)
    spatial: bool = False              # spatial table and the LISA rule of clusters (--spatial)
    weights: str | None = None         # spatial weights file (.gal, .gwt, .csv region,neighbor[,weight])
    lang: str = "en"
    #: whether ``lang`` was asked for (``--lang`` or the file) rather than left at its default:
    #: report.html then takes it instead of the language of the region names
    lang_given: bool = field(default=False, repr=False)
    charts: bool = True
    chart_industries: list[str] = field(default_factory=list)   # industries to chart (default: the largest)
    chart_industry_names: dict[str, str] = field(default_factory=dict)   # chart titles of codes without a name
    quiet: bool = False

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d.pop("lang_given")
        return d


_READ_FIELDS = {f.name for f in dataclasses.fields(ReadOptions)}
_RUN_FIELDS = {f.name for f in dataclasses.fields(RunConfig)} - {"read", "lang_given"}


def load_toml(path: str | Path) -> dict[str, Any]:
    """Read a ``run.toml``; keys may sit at the top level or under ``[run]`` / ``[read]``."""
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"config file not found: {p}", hint="give the path of a run.toml")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"config file {p} is not valid TOML: {exc}") from exc
    flat: dict[str, Any] = {}
    for key, val in data.items():
        if key in ("run", "read") and isinstance(val, dict):
            flat.update(val)
        elif key == "clusters" and isinstance(val, dict):
            flat["clusters"] = val
        else:
            flat[key] = val
    known = _READ_FIELDS | _RUN_FIELDS
    for key in flat:
        key_norm = key.replace("-", "_")
        if key_norm not in known:
            raise UsageError(
                f"unknown setting {key!r} in {p}",
                hint=did_you_mean(key_norm, sorted(known)) or "see `lqcalc run --help` for the settings",
            )
    # a file path in the config is relative to the config file
    base = p.parent
    for key in ("inputs", "input"):
        if key in flat:
            vals = flat.pop(key)
            vals = [vals] if isinstance(vals, str) else list(vals)
            flat["inputs"] = [str(base / v) if not Path(v).is_absolute() else v for v in vals]
    for key in ("region_map", "region_hierarchy", "weights"):
        if flat.get(key) and not Path(flat[key]).is_absolute():
            flat[key] = str(base / flat[key])
    return {k.replace("-", "_"): v for k, v in flat.items()}


#: On/off flags given as ``--x/--no-x`` (or ``--no-x`` alone): an explicit ``--no-x`` beats
#: ``x = true`` in the file.
_SWITCHES = {"gx", "charts", "complexity", "spatial"}


def build_config(file_settings: dict[str, Any], cli_settings: dict[str, Any],
                 defaults: dict[str, Any] | None = None) -> RunConfig:
    """Merge settings: the command line wins over the file; unset (None / empty) flags don't.

    ``defaults`` are a command's own defaults for settings neither sets (``lqcalc validate``
    runs the Great Expectations suite unless told not to, ``lqcalc run`` only with ``--gx``).

    >>> build_config({}, {"gx": None}).gx, build_config({}, {"gx": None}, {"gx": True}).gx
    (False, True)
    >>> build_config({"gx": True}, {"gx": False}).gx, build_config({"gx": False}, {}, {"gx": True}).gx
    (False, False)
    >>> build_config({"charts": True}, {"charts": False}).charts, build_config({"charts": False}, {"charts": None}).charts
    (False, False)
    """
    merged: dict[str, Any] = {**(defaults or {}), **file_settings}
    for key, val in cli_settings.items():
        if val is None or val == () or val == []:
            continue
        if isinstance(val, bool) and not val and key in file_settings and key not in _SWITCHES:
            continue
        merged[key] = list(val) if isinstance(val, tuple) else val
    read_kwargs = {k: merged.pop(k) for k in list(merged) if k in _READ_FIELDS}
    for key in ("value_cols", "rates"):
        if key in read_kwargs and isinstance(read_kwargs[key], str):
            read_kwargs[key] = [read_kwargs[key]]
    run_kwargs = {k: v for k, v in merged.items() if k in _RUN_FIELDS}
    for key in ("intensity", "targets", "inputs", "tables"):
        if key in run_kwargs and isinstance(run_kwargs[key], str):
            run_kwargs[key] = [run_kwargs[key]]
    run_kwargs["lang_given"] = "lang" in run_kwargs
    cfg = RunConfig(read=ReadOptions(**read_kwargs), **run_kwargs)
    if cfg.on_invalid not in ("fail", "quarantine"):
        raise UsageError(f"--on-invalid must be 'fail' or 'quarantine', not {cfg.on_invalid!r}")
    return cfg
