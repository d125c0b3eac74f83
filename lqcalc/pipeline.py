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
#: Tables written only with --complexity / --spatial (or when named in --tables).
OPTIONAL_TABLE_NAMES = ["relatedness", "proximity", "spatial"]


@dataclass
class RunResult:
    """What a run produced: the output directory, its tables and the manifest."""

    out: Path
    tables: dict[str, pl.LazyFrame]     # scans of the written tables
    manifest: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


class Stages:
    """Timing of the pipeline stages (summed over partitions), shown on stderr unless quiet
    (:class:`lqcalc.progress.RunDisplay`: a live status line on a terminal, else plain lines)."""

    def __init__(self, quiet: bool = False):
        from lqcalc.progress import start_run

        self.quiet = quiet
        self.display = start_run(quiet)
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
            self._announced.add(name)
            self.display.stage(label)

    def rows(self, n: int) -> None:
        """Rows read so far (shown in the live status line)."""
        self.display.rows(n)

    def close(self) -> None:
        """Erase the live status line."""
        self.display.close()

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
    unless the options say otherwise. A long table without an industry column is one
    all-industry total (industry ``合计``); other long tables get no defaults.
    """
    from lqcalc.reference.industries import TOTAL_INDUSTRY
    from lqcalc.reference.regions import REFERENCE_CODE

    chosen: dict[str, str] = {}
    extracts = [i for i in infos if i.get("layout") not in (None, "long")]
    totals_only = [i for i in infos if i.get("no_industry_column")]   # long tables without an industry column
    if totals_only and len(extracts) + len(totals_only) == len(infos) and cfg.total_industry is None:
        cfg.total_industry = chosen["total_industry"] = TOTAL_INDUSTRY
    if not extracts or len(extracts) + len(totals_only) != len(infos):
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


def _rates(context, cfg: RunConfig, measures: list[str]) -> dict[str, str]:
    """The rates of the input (:mod:`lqcalc.rates`); a ``--rate`` naming no measure is a usage error."""
    from lqcalc.validation.checks import rates_of

    return rates_of(context, cfg.read.rates)


def _years_with_values(source, years: list[int]) -> list[int]:
    """The years that have a value: a year every cell of which is empty (the latest year, not
    yet published, or one before the series was compiled) is no start or end of growth.
    All the years when none has a value, or when the rows are not in memory."""
    tidy = getattr(source, "tidy", None)
    if tidy is None or not years:
        return years
    filled = set(tidy.filter(pl.col("value").is_not_null())["year"].unique().drop_nulls().to_list())
    kept = [y for y in years if y in filled]
    return kept or years


def _single_warning(single: dict[str, str | None], rates: dict[str, str]) -> list[str]:
    """The one warning of a run whose measures (rates aside) have one industry or none."""
    from lqcalc.tables.standing import WARNING, describe

    counts = {m: i for m, i in single.items() if m not in rates}
    if not counts:
        return []
    return [WARNING.format(measures=", ".join(sorted(counts)), what="the input has " + describe(counts))]


def _report_refusal(err, cfg: RunConfig) -> None:
    """A file the readers refused: its problems written where a failed run's report goes
    (``DIR.validation.html`` / ``.json`` next to ``--out DIR``, or ``--report PATH``)."""
    from lqcalc.validation.refusal import write_problems

    if err.problems:
        write_problems(err, cfg.report, cfg.out, cfg.lang)


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
    from lqcalc.tables.codes import with_codes
    from lqcalc.errors import DataError
    from lqcalc.io.source import open_source
    from lqcalc.output.appender import TableAppender
    from lqcalc.output.atomic import atomic_directory, check_target
    from lqcalc.output.facts import WrittenFacts
    from lqcalc.output.manifest import empty_tables, sha256_file, versions, write_manifest
    from lqcalc.progress import progress
    from lqcalc.rates import mask_table
    from lqcalc.tables.standing import single_measures
    from lqcalc.totals import attach_totals

    from lqcalc.builder import selected_tables

    stages = stages or Stages(cfg.quiet)
    selected_tables(cfg.tables)   # a misspelled table name stops the run before anything is read
    if cfg.weights and not cfg.spatial:
        raise UsageError("--weights is for --spatial", hint="add --spatial, or leave out --weights")
    if cfg.weights and not Path(cfg.weights).is_file():
        raise UsageError(f"weights file not found: {cfg.weights}", hint="give a .gal, .gwt or .csv file")
    if not cfg.out:
        raise UsageError("no output directory given", hint="pass --out DIR")
    check_target(Path(cfg.out).absolute())
    from lqcalc.output import chartjob

    chart_process = chartjob.start() if cfg.charts else None   # warms up while the tables are computed

    stages.start("read", f"reading {len(cfg.inputs)} file(s)")
    try:
        source = open_source(cfg.inputs, cfg.read)
    except DataError as exc:
        _report_refusal(exc, cfg)
        raise
    defaults = _defaults_from_input(cfg, source.tidy, source.infos) if hasattr(source, "tidy") else {}
    plan = source.plan(cfg.partition_rows)
    single = len(plan) == 1
    years = _years_with_values(source, sorted({y for p in plan for y in p.years if y is not None}))

    stages.start("validate", "validating")
    PartitionGate, validation_context = _gate_api()
    context = validation_context(source.lazy(), raw_keys=source.raw_keys, fixed=source.fixed_pairs)
    source.keys_padded(context.padded)   # keys without blanks around any label are not stripped again
    from lqcalc.validation.columns import user_columns

    pgate = PartitionGate(cfg, context, report=cfg.report, columns=user_columns(source.infos))
    measures = list(context.labels.get("measure", ()))
    rates = _rates(context, cfg, measures)
    labels = {c: context.labels.get(c, ()) for c in ("region", "industry")}

    builder: TableBuilder | None = None
    rows = {"read": 0, "used": 0, "rejected": 0}
    warnings_seen: dict[str, None] = {}
    one_industry: dict[str, str | None] = {}     # measures with one industry or none (lqcalc.tables.standing)
    facts = WrittenFacts()   # the summaries' counts, taken from each part as it is written
    resolved: dict[str, str | None] = {}
    manifest: dict[str, Any] = {}
    with atomic_directory(cfg.out) as tmp, TableAppender(tmp, single=single) as app, chartjob.closing(chart_process):
        parts = plan if single else progress(plan, f"{len(plan)} partitions", quiet=cfg.quiet)
        for part in parts:
            stages.start("read")
            tidy = source.read(part, single)
            rows["read"] += tidy.height
            stages.rows(rows["read"])
            if getattr(source, "problems", None):
                continue  # unreadable cells: only look for more of them
            stages.start("validate")
            good, rejected = pgate.check(tidy)
            stages.start("write")
            facts.add("tidy", tidy)
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
            needed = builder.needed_years(part.years)
            if not needed:
                continue  # validated and kept in tidy, but no table asked for reads these years
            # integer codes first: the denominators' windows and every table group on them
            coded = all(c in good.columns for c in CODES.values())   # the rules' codes of the labels
            totals = attach_totals(with_codes(good), cfg.reference_region, cfg.total_industry,
                                   years=None if len(needed) == len(part.years) else needed)
            del good
            resolved.setdefault("reference_region", totals.reference_region)
            resolved.setdefault("total_industry", totals.total_industry)
            for w in totals.warnings:
                warnings_seen.setdefault(w)
            one_industry.update(single_measures(totals.base))
            # each table is handed to the writer as soon as it is computed
            for name, df in builder.tables_of(totals.base, label_codes=coded):
                df = mask_table(name, df, rates)
                stages.start("write", f"writing {cfg.out}")
                codes = None
                if coded and name == "indicators":
                    codes = _label_codes(df, df.height, labels)
                    df = df.drop(CODES["region"], CODES["industry"])
                facts.add(name, df)
                app.write(name, df, coded=codes, last=builder.last_rows(name, part.years))
                del df
                stages.start("indicators")
            del totals
        problems = getattr(source, "problems", None)
        if problems:
            err = DataError(f"{cfg.inputs[0]}: {len(problems)} cell(s) cannot be read", problems)
            _report_refusal(err, cfg)
            raise err
        stages.start("validate")
        checked = pgate.finish()
        stages.start("indicators")
        if builder is None:
            raise InternalError("no partition was computed although validation passed")
        for name, df in builder.finish().items():
            df = mask_table(name, df, rates)
            facts.add(name, df)
            app.write(name, df)
        stages.start("write")   # waiting for the writer thread counts as writing
        readable = app.finish()   # a table still being written in one piece is read from memory
        warnings = checked.report.warning_lines(cfg.lang) + list(warnings_seen) + _single_warning(one_industry, rates)
        if rows["read"] != rows["used"] + rows["rejected"]:
            raise InternalError(f"row accounting failed: read {rows['read']}, used {rows['used']}, "
                                f"rejected {rows['rejected']}")
        libraries = versions()
        manifest.update({
            "lqcalc_version": libraries["lqcalc"],
            "versions": libraries,
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
            "rates": rates,
        })
        checked.report.write(tmp / "validation.html", tmp / "validation.json", lang=cfg.lang)
        outputs = {name: app.rows[name] for name in ["tidy", "rejected", *TABLE_NAMES, *OPTIONAL_TABLE_NAMES]
                   if app.has(name)}
        from lqcalc.output import write_analyst_outputs

        all_tables = {name: readable[name] for name in ["tidy", *TABLE_NAMES, *OPTIONAL_TABLE_NAMES, "rejected"]
                      if name in readable}
        extras = write_analyst_outputs(tmp, all_tables, files=app.written, lang=cfg.lang, charts=cfg.charts,
                                       quiet=cfg.quiet,
                                       industries=cfg.chart_industries or None, chart_process=chart_process,
                                       industry_names=cfg.chart_industry_names or None,
                                       source=", ".join(Path(p).name for p in cfg.inputs),
                                       manifest=manifest, report_lang=cfg.lang if cfg.lang_given else None,
                                       facts=facts)
        app.close()
        manifest["outputs"] = outputs
        manifest["empty_tables"] = empty_tables(outputs, manifest["settings"], years)
        manifest["files"] = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file())
        manifest["write_timings"] = extras.get("timings", {})
        manifest["timings"] = stages.done()   # what is left (the manifest, the final rename) takes milliseconds
        write_manifest(tmp / "manifest.json", manifest)
    stages.close()
    out = Path(cfg.out)
    tables_out = {name: pl.scan_parquet(out / f"{name}.parquet") for name in [*TABLE_NAMES, *OPTIONAL_TABLE_NAMES] if (out / f"{name}.parquet").exists()}
    return RunResult(out, tables_out, manifest, manifest["warnings"])
