"""The run: read -> validate -> denominators -> indicators -> write (all or nothing)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from lqcalc.config import RunConfig
from lqcalc.schema import CODES
from lqcalc.errors import InternalError, UsageError

#: Output tables written as Parquet, in this order.
TABLE_NAMES = ["indicators", "regions", "industries", "growth", "clusters", "targets", "intensity"]


@dataclass
class RunResult:
    """What a run produced: the output directory, its tables and the manifest."""

    out: Path
    tables: dict[str, pl.LazyFrame]     # scans of the written tables
    manifest: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


class Stages:
    """Timing of the pipeline stages (summed over partitions), reported on stderr unless quiet."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.times: dict[str, float] = {}
        self._t = time.perf_counter()
        self._name: str | None = None
        self._announced: set[str] = set()

    def start(self, name: str, label: str | None = None) -> None:
        """Close the running stage and start ``name`` (announced once, with ``label``)."""
        self._close()
        self._name = name
        self._t = time.perf_counter()
        if label and name not in self._announced:
            from lqcalc.progress import note

            self._announced.add(name)
            note(f"• {label} …", self.quiet)

    def _close(self) -> None:
        if self._name is not None:
            self.times[self._name] = round(self.times.get(self._name, 0.0) + time.perf_counter() - self._t, 4)
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


def _label_codes(good: pl.DataFrame | None, rows: int, labels: dict[str, tuple[str, ...]]) -> dict | None:
    """Region and industry of ``rows`` rows as ``(labels, codes)`` for the writer
    (:meth:`TableAppender.write`): from ``good``, the partition's rows the rules kept (or
    rows computed from them, such as the indicator table) with the codes the rules gave
    them. None unless ``good`` has exactly those ``rows`` rows, in order, and every code
    names a label (a blank label has no code among them)."""
    if good is None or good.height != rows or rows == 0:
        return None
    out = {}
    for col in ("region", "industry"):
        code = CODES[col]
        if code in good.columns and good[code].null_count() == 0 and int(good[code].max()) < len(labels[col]):
            out[col] = (labels[col], good[code])
    return out or None


def _gate_api():
    from lqcalc.validation import PartitionGate, validation_context

    return PartitionGate, validation_context


def run(cfg: RunConfig, stages: Stages | None = None) -> RunResult:
    """Run the whole pipeline and write ``cfg.out`` atomically; raise on any problem.

    The input is processed one partition (a set of whole years, at most
    ``cfg.partition_rows`` rows, see :mod:`lqcalc.io.source`) at a time: read, validate,
    denominators, every per-year table, appended to the output files. Growth, shift-share
    and clusters take the rows of their start and end years; the validation report covers
    the whole table. A table within the row budget is one partition.
    """
    from lqcalc.builder import TableBuilder
    from lqcalc.indicators import with_codes
    from lqcalc.errors import DataError
    from lqcalc.io.source import open_source
    from lqcalc.output.appender import TableAppender
    from lqcalc.output.atomic import atomic_directory, check_target
    from lqcalc.output.manifest import sha256_file, versions, write_manifest
    from lqcalc.progress import progress
    from lqcalc.totals import attach_totals

    from lqcalc.builder import selected_tables

    stages = stages or Stages(cfg.quiet)
    selected_tables(cfg.tables)   # a misspelled table name stops the run before anything is read
    if not cfg.out:
        raise UsageError("no output directory given", hint="pass --out DIR")
    check_target(Path(cfg.out).absolute())

    stages.start("read", f"reading {len(cfg.inputs)} file(s)")
    source = open_source(cfg.inputs, cfg.read)
    defaults = _defaults_from_input(cfg, source.tidy, source.infos) if hasattr(source, "tidy") else {}
    plan = source.plan(cfg.partition_rows)
    single = len(plan) == 1
    years = sorted({y for p in plan for y in p.years if y is not None})

    stages.start("validate", "validating")
    PartitionGate, validation_context = _gate_api()
    context = validation_context(source.lazy(), raw_keys=source.raw_keys, fixed=source.fixed_pairs)
    source.keys_padded(context.padded)   # keys without blanks around any label are not stripped again
    pgate = PartitionGate(cfg, context, report=cfg.report)
    measures = list(context.labels.get("measure", ()))
    labels = {c: context.labels.get(c, ()) for c in ("region", "industry")}

    builder: TableBuilder | None = None
    rows = {"read": 0, "used": 0, "rejected": 0}
    warnings_seen: dict[str, None] = {}
    resolved: dict[str, str | None] = {}
    manifest: dict[str, Any] = {}
    with atomic_directory(cfg.out) as tmp, TableAppender(tmp, single=single) as app:
        parts = plan if single else progress(plan, f"{len(plan)} partitions", quiet=cfg.quiet)
        for part in parts:
            stages.start("read")
            tidy = source.read(part, single)
            rows["read"] += tidy.height
            if getattr(source, "problems", None):
                continue  # unreadable cells: only look for more of them
            stages.start("validate")
            good, rejected = pgate.check(tidy)
            stages.start("write")
            app.write("tidy", tidy, coded=_label_codes(good, tidy.height, labels))
            del tidy
            rows["rejected"] += rejected.height
            if rejected.height:
                stages.start("write")
                app.write("rejected", rejected)
            if good is None:
                continue  # the run will fail: keep validating, compute nothing
            rows["used"] += good.height
            if good.height == 0:
                continue
            stages.start("indicators", "computing indicators")
            if builder is None:
                builder = TableBuilder(cfg, years=years, measures=measures)
            if not builder.needs(part.years):
                continue  # validated and kept in tidy, but no table asked for reads these years
            # integer codes first: the denominators' windows and every table group on them
            coded = all(c in good.columns for c in CODES.values())   # the rules' codes of the labels
            totals = attach_totals(with_codes(good), cfg.reference_region, cfg.total_industry)
            del good
            resolved.setdefault("reference_region", totals.reference_region)
            resolved.setdefault("total_industry", totals.total_industry)
            for w in totals.warnings:
                warnings_seen.setdefault(w)
            # each table is handed to the writer as soon as it is computed
            for name, df in builder.tables_of(totals.base, label_codes=coded):
                stages.start("write", f"writing {cfg.out}")
                codes = None
                if coded and name == "indicators":
                    codes = _label_codes(df, df.height, labels)
                    df = df.drop(CODES["region"], CODES["industry"])
                app.write(name, df, coded=codes, last=builder.last_rows(name, part.years))
                del df
                stages.start("indicators")
            del totals
        problems = getattr(source, "problems", None)
        if problems:
            raise DataError(f"{cfg.inputs[0]}: {len(problems)} cell(s) cannot be read", problems)
        stages.start("validate")
        checked = pgate.finish()
        stages.start("indicators")
        if builder is None:
            raise InternalError("no partition was computed although validation passed")
        for name, df in builder.finish().items():
            app.write(name, df)
        stages.start("write")   # waiting for the writer thread counts as writing
        app.close()
        warnings = [w.render() for w in checked.report.warnings_in(cfg.lang)] + list(warnings_seen)
        if rows["read"] != rows["used"] + rows["rejected"]:
            raise InternalError(f"row accounting failed: read {rows['read']}, used {rows['used']}, "
                                f"rejected {rows['rejected']}")
        manifest.update({
            "lqcalc_version": versions()["lqcalc"],
            "versions": versions(),
            "inputs": [
                {"path": str(p), "sha256": sha256_file(p), "bytes": Path(p).stat().st_size} for p in cfg.inputs
            ],
            "read": source.infos,
            "settings": cfg.to_dict(),
            "defaults_from_input": defaults,
            "reference_region": resolved.get("reference_region"),
            "total_industry": resolved.get("total_industry"),
            "rows": rows,
            "partitions": [{"years": list(p.years), "rows": p.rows} for p in plan],
            "validation": checked.report.manifest_entry(),
            "warnings": warnings,
        })
        checked.report.write(tmp / "validation.html", tmp / "validation.json", lang=cfg.lang)
        outputs = {name: app.rows[name] for name in ["tidy", "rejected", *TABLE_NAMES] if app.has(name)}
        from lqcalc.output import write_analyst_outputs

        all_tables = {name: pl.scan_parquet(app.path(name)) for name in ["tidy", *TABLE_NAMES, "rejected"]
                      if app.has(name)}
        extras = write_analyst_outputs(tmp, all_tables, lang=cfg.lang, charts=cfg.charts, quiet=cfg.quiet,
                                       industries=cfg.chart_industries or None, manifest=manifest)
        manifest["outputs"] = outputs
        manifest["files"] = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file())
        manifest["write_timings"] = extras.get("timings", {})
        write_manifest(tmp / "manifest.json", manifest)
    manifest["timings"] = stages.done()
    out = Path(cfg.out)
    tables_out = {name: pl.scan_parquet(out / f"{name}.parquet") for name in TABLE_NAMES if (out / f"{name}.parquet").exists()}
    return RunResult(out, tables_out, manifest, manifest["warnings"])
