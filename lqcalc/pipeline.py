"""The run: read -> validate -> denominators -> indicators -> write (all or nothing)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from lqcalc.config import RunConfig
from lqcalc.errors import InternalError, UsageError

#: Output tables written as Parquet, in this order.
TABLE_NAMES = ["indicators", "regions", "industries", "growth", "clusters", "targets", "intensity"]


@dataclass
class RunResult:
    """What a run produced: the output directory, its tables and the manifest."""

    out: Path
    tables: dict[str, pl.DataFrame]
    manifest: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


class Stages:
    """Timing of the pipeline stages, reported on stderr unless quiet."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.times: dict[str, float] = {}
        self._t = time.perf_counter()
        self._name: str | None = None

    def start(self, name: str, label: str) -> None:
        self._close()
        self._name = name
        self._t = time.perf_counter()
        from lqcalc.progress import note

        note(f"• {label} …", self.quiet)

    def _close(self) -> None:
        if self._name is not None:
            self.times[self._name] = round(time.perf_counter() - self._t, 4)
            self._name = None

    def done(self) -> dict[str, float]:
        self._close()
        return self.times


def read_stage(cfg: RunConfig) -> tuple[pl.DataFrame, list[dict], dict[str, str]]:
    """Read every input into the tidy table; fill the reference and total the extracts name.

    Returns the table, what each reader understood, and the defaults taken from the input
    (``cfg`` is updated with them).
    """
    from lqcalc.io import read_inputs

    tidy, infos = read_inputs(cfg.inputs, cfg.read)
    return tidy, infos, _defaults_from_input(cfg, tidy, infos)


def _defaults_from_input(cfg: RunConfig, tidy: pl.DataFrame, infos: list[dict]) -> dict[str, str]:
    """Reference region and total industry that statistical extracts name themselves.

    NBS exports and yearbooks mark the nation (全国, read as region ``000000``) and the
    all-industry total (合计 / GDP, read as industry ``合计``); those explicit rows are used
    unless the options say otherwise. Long tables never get defaults.
    """
    from lqcalc.reference.industries import TOTAL_INDUSTRY
    from lqcalc.reference.regions import REFERENCE_CODE

    chosen: dict[str, str] = {}
    extracts = [i for i in infos if i.get("layout") not in (None, "long")]
    if not extracts or len(extracts) != len(infos):
        return chosen
    if cfg.reference_region is None and any(i.get("reference_row") for i in extracts):
        cfg.reference_region = chosen["reference_region"] = REFERENCE_CODE
    if cfg.total_industry is None and (tidy["industry"] == TOTAL_INDUSTRY).any():
        cfg.total_industry = chosen["total_industry"] = TOTAL_INDUSTRY
    return chosen


def run(cfg: RunConfig, stages: Stages | None = None) -> RunResult:
    """Run the whole pipeline and write ``cfg.out`` atomically; raise on any problem."""
    from lqcalc.indicators import build_tables
    from lqcalc.output.atomic import atomic_directory, check_target
    from lqcalc.output.manifest import sha256_file, versions, write_manifest
    from lqcalc.totals import attach_totals

    stages = stages or Stages(cfg.quiet)
    if not cfg.out:
        raise UsageError("no output directory given", hint="pass --out DIR")
    check_target(Path(cfg.out).absolute())

    stages.start("read", f"reading {len(cfg.inputs)} file(s)")
    tidy, infos, defaults = read_stage(cfg)
    rows_read = tidy.height

    stages.start("validate", "validating")
    from lqcalc.validation import gate

    checked = gate(tidy, cfg, report=cfg.report)
    used, rejected = checked.good, checked.rejected
    warnings = [w.render() for w in checked.report.warnings_in(cfg.lang)]

    stages.start("indicators", "computing indicators")
    totals = attach_totals(used, cfg.reference_region, cfg.total_industry)
    tables = build_tables(totals.base, cfg)

    stages.start("write", f"writing {cfg.out}")
    manifest: dict[str, Any] = {
        "lqcalc_version": versions()["lqcalc"],
        "versions": versions(),
        "inputs": [
            {"path": str(p), "sha256": sha256_file(p), "bytes": Path(p).stat().st_size} for p in cfg.inputs
        ],
        "read": infos,
        "settings": cfg.to_dict(),
        "defaults_from_input": defaults,
        "reference_region": totals.reference_region,
        "total_industry": totals.total_industry,
        "rows": {"read": rows_read, "used": used.height, "rejected": rejected.height},
        "validation": checked.report.manifest_entry(),
        "warnings": warnings + totals.warnings,
    }
    if rows_read != used.height + rejected.height:
        raise InternalError(f"row accounting failed: read {rows_read}, used {used.height}, rejected {rejected.height}")
    with atomic_directory(cfg.out) as tmp:
        tidy.write_parquet(tmp / "tidy.parquet", compression="zstd")
        outputs = {"tidy": tidy.height}
        if rejected.height:
            rejected.write_parquet(tmp / "rejected.parquet", compression="zstd")
            outputs["rejected"] = rejected.height
        checked.report.write(tmp / "validation.html", tmp / "validation.json", lang=cfg.lang)
        for name in TABLE_NAMES:
            if name in tables:
                tables[name].write_parquet(tmp / f"{name}.parquet", compression="zstd")
                outputs[name] = tables[name].height
        from lqcalc.output import write_analyst_outputs

        all_tables = {"tidy": tidy, **tables}
        if rejected.height:
            all_tables["rejected"] = rejected
        extras = write_analyst_outputs(tmp, all_tables, lang=cfg.lang, charts=cfg.charts, quiet=cfg.quiet,
                                       industries=cfg.chart_industries or None)
        manifest["outputs"] = outputs
        manifest["files"] = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file())
        manifest["write_timings"] = extras.get("timings", {})
        write_manifest(tmp / "manifest.json", manifest)
    manifest["timings"] = stages.done()
    return RunResult(Path(cfg.out), tables, manifest, manifest["warnings"])
