"""Validation of the tidy table before any indicator is computed.

:func:`validate_tidy` runs lqcalc's polars rules (:mod:`lqcalc.validation.checks`) and,
when asked (``cfg.gx``), the Great Expectations suite (:mod:`lqcalc.validation.suite`), and
returns a :class:`~lqcalc.validation.report.ValidationReport`. :func:`gate` applies the
``--on-invalid`` policy for a run:

* ``fail`` (default): any error raises :class:`~lqcalc.errors.DataError` (exit 3) after the
  report was written next to the would-be output directory (``DIR.validation.html`` and
  ``DIR.validation.json``) or to ``--report PATH``; nothing else is written.
* ``quarantine``: rows failing a rule are set aside with their reasons (``rejected``, to be
  written as ``DIR/rejected.parquet``) and the run continues with the others. A table that
  is unusable as a whole (missing / mistyped column) or with no row left still fails.

A table too large for memory is validated one partition (a set of whole years) at a time:
:func:`validation_context` collects the few whole-table facts that rules across years need
(units per measure, distinct labels), :class:`PartitionGate` validates each partition
against them and applies the policy, and :func:`merge_reports` gives the report of the
whole table — the same verdict, counts, findings and warnings as validating it at once.

Rules and their ids are listed in :mod:`lqcalc.validation.rules`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from lqcalc import schema
from lqcalc.config import RunConfig
from lqcalc.validation import checks, suite
from lqcalc.validation.checks import FLAG, YEAR_MAX, YEAR_MIN
from lqcalc.validation.context import ValidationContext, validation_context
from lqcalc.validation.report import (MAX_LISTED, NOT_RUN, ValidationReport, empty_rejected, failure_report_paths, fmt_value,
                                      report_paths)
from lqcalc.validation.rules import RULES

__all__ = ["validate_tidy", "gate", "GateResult", "ValidationReport", "RULES", "report_paths", "merge_reports",
           "PartitionGate", "ValidationContext", "validation_context", "failure_report_paths"]

#: Default share of missing / suppressed cells in a measure above which a warning is given.
SUPPRESSED_SHARE = 0.2


def validate_tidy(tidy: pl.DataFrame, cfg: RunConfig | None = None, *, context: ValidationContext | None = None,
                  max_listed: int = MAX_LISTED, suppressed_share: float = SUPPRESSED_SHARE, year_min: int = YEAR_MIN,
                  year_max: int = YEAR_MAX) -> ValidationReport:
    """Validate a tidy table (:mod:`lqcalc.schema`), or one partition of it, against every rule.

    Parameters
    ----------
    tidy : polars.DataFrame
        The table the readers produced, or a partition of it (a set of whole years).
    cfg : RunConfig, optional
        Uses ``reference_region``, ``total_industry``, ``tolerance`` (relative tolerance of
        the "part larger than its total" checks) and ``gx`` (run the Great Expectations suite
        too; default: the polars rules alone).
    context : ValidationContext, optional
        Facts of the whole table (:func:`validation_context`) for the rules that look across
        years: given when ``tidy`` is a partition, so that its report is the whole table's
        share (see :func:`merge_reports`); computed from ``tidy`` itself when None.
    max_listed : int
        Findings listed per rule (all failing rows are counted); by default every one of them
        (up to :data:`~lqcalc.validation.report.MAX_LISTED`), so that the report is complete.
    suppressed_share : float
        Share of missing cells of a measure (or measure x year) above which a warning is given.
    year_min, year_max : int
        Plausible years.

    Returns
    -------
    ValidationReport

    Raises
    ------
    UsageError
        The named reference region or total industry is nowhere in the table.
    InternalError
        Great Expectations failed (never reported as bad data).

    Examples
    --------
    >>> t = pl.DataFrame({"region": ["A", "A", "B"], "industry": ["x", "x", "x"],
    ...                   "measure": ["emp"] * 3, "value": [1.0, 2.0, -5.0]})
    >>> r = validate_tidy(t, RunConfig(gx=False))
    >>> r.ok, sorted(k for k, v in r.counts.items() if v), r.settings["engine"]
    (False, ['duplicate_key', 'negative_value'], 'polars')
    """
    cfg = cfg or RunConfig()
    if context is None and tidy.height > SLICE_ROWS and not checks.structure(tidy):
        slices = _year_slices(tidy["year"], SLICE_ROWS)
        if len(slices) > 1:
            # a large table sorted by year: validated a few whole years at a time (the same
            # report, less memory and no group codes spanning years)
            ctx = validation_context(tidy)
            kw = {"max_listed": max_listed, "suppressed_share": suppressed_share, "year_min": year_min,
                  "year_max": year_max}
            return _joined(tidy, [validate_tidy(tidy.slice(o, k), cfg, context=ctx, **kw) for o, k in slices])
    engine = "gx" if cfg.gx else "polars"
    t0 = time.perf_counter()
    settings: dict[str, Any] = {
        "reference_region": cfg.reference_region, "total_industry": cfg.total_industry,
        "tolerance": cfg.tolerance, "year_range": [year_min, year_max], "suppressed_share": suppressed_share,
    }
    checked = checks.compute(tidy, context, reference_region=cfg.reference_region, total_industry=cfg.total_industry,
                             tolerance=cfg.tolerance, suppressed_share=suppressed_share,
                             year_min=year_min, year_max=year_max, rates=tuple(cfg.read.rates))
    if checked.frame is None:
        stats = suite.run_suite(tidy, suite.structural_specs(), engine=engine)
        settings.update(_engine_settings(engine))
        settings["seconds"] = round(time.perf_counter() - t0, 3)
        return ValidationReport(rows=tidy.height, findings=checked.structural, stats=stats, settings=settings,
                                max_listed=max_listed)
    df = checked.frame
    t1 = time.perf_counter()
    stats = suite.run_suite(df, suite.specs(checked.active_flags, year_min=year_min, year_max=year_max,
                                            rates=bool(checked.rates)), engine=engine)
    settings["rates"] = checked.rates
    t2 = time.perf_counter()
    counts: dict[str, int] = {}
    for st in stats:
        counts[st["rule"]] = counts.get(st["rule"], 0) + st["unexpected_count"]
    # rows, not occurrences, for key_null (three expectations, one rule)
    counts["key_null"] = int(df[FLAG["key_null"]].sum())
    findings: list[dict[str, Any]] = []
    for rule in checked.active_flags:
        if counts.get(rule):
            findings.extend(_list(df, rule, checked, max_listed, year_min, year_max))
    flags = [FLAG[r] for r in checked.active_flags]
    mask = df.select(pl.any_horizontal(flags).alias("bad"))["bad"] if flags else pl.Series("bad", [False] * df.height)
    tidy_c = checked.tidy
    assert tidy_c is not None
    rejected = None
    n_bad = int(mask.sum())
    if n_bad:
        bad = df.filter(mask)
        active = [r for r in checked.active_flags if counts.get(r)]
        reasons = bad.select(
            pl.concat_str([pl.when(pl.col(FLAG[r])).then(pl.lit(r)) for r in active], separator=",",
                          ignore_nulls=True).alias("rule"),
            pl.concat_str([pl.when(pl.col(FLAG[r])).then(checks.reason_expr(r)) for r in active], separator="; ",
                          ignore_nulls=True).alias("reason"),
        )
        # rejected rows keep the values as read (the blank-key normalization is internal)
        rejected = tidy_c.filter(mask).hstack(reasons)
    settings.update(_engine_settings(engine))
    settings["seconds"] = round(time.perf_counter() - t0, 3)
    settings["seconds_by_stage"] = {"polars_checks": round(t1 - t0, 3), "great_expectations": round(t2 - t1, 3),
                                    "listing_and_split": round(time.perf_counter() - t2, 3)}
    return ValidationReport(
        rows=tidy.height, findings=findings, counts=counts, warnings=checked.warnings, stats=stats,
        missing_share=checked.missing_share, bad_row_mask=mask.alias("bad_row"), settings=settings,
        max_listed=max_listed, _rejected=rejected, _tidy=tidy_c, _partials=checked.partials, _n_bad=n_bad,
        _codes=checked.codes,
    )


#: Tables with more rows than this are validated in slices of whole years when sorted by year.
SLICE_ROWS = 2_000_000


def _year_slices(year: pl.Series, rows: int) -> list[tuple[int, int]]:
    """(offset, length) of consecutive slices of whole years, each at least ``rows`` long
    (the last may be shorter); one slice when a year occurs in two places (not sorted).

    >>> _year_slices(pl.Series([2020, 2020, 2021, 2022, 2022]), 2)
    [(0, 2), (2, 3)]
    >>> _year_slices(pl.Series([2020, 2021, 2020]), 1)
    [(0, 3)]
    """
    runs = year.rle()
    values = runs.struct.field("value")
    if values.n_unique() != values.len():
        return [(0, year.len())]
    out: list[tuple[int, int]] = []
    start = size = 0
    for length in runs.struct.field("len").to_list():
        size += length
        if size >= rows:
            out.append((start, size))
            start, size = start + size, 0
    if size:
        if out and size < rows:
            o, k = out.pop()
            out.append((o, k + size))
        else:
            out.append((start, size))
    return out


def _joined(tidy: pl.DataFrame, reports: list[ValidationReport]) -> ValidationReport:
    """The report of a table from those of its consecutive slices, with the per-row frames."""
    rep = merge_reports(reports)
    rep.settings.pop("partitions", None)
    rep.bad_row_mask = pl.concat([r.bad_row_mask for r in reports if r.bad_row_mask is not None])
    rejected = [r._rejected for r in reports if r._rejected is not None]
    rep._rejected = pl.concat(rejected) if rejected else None
    rep._tidy = schema.conform(tidy)
    codes = [r._codes for r in reports]
    rep._codes = pl.concat(codes) if all(c is not None for c in codes) else None
    return rep


def _engine_settings(engine: str) -> dict[str, Any]:
    """What the report says about the engine that ran (and how to get the other one)."""
    if engine == "gx":
        return {"engine": "great_expectations", "gx_version": _gx_version()}
    return {"engine": "polars", "gx_version": NOT_RUN}


def _gx_version() -> str:
    try:
        from importlib.metadata import version

        return version("great-expectations")
    except Exception:  # pragma: no cover
        return "?"


def _base(row: dict[str, Any], column: str | None, value: Any) -> dict[str, Any]:
    return {"file": row.get("source_file"), "line": row.get("source_line"), "column": column,
            "value": fmt_value(value)}


def _list(df: pl.DataFrame, rule: str, checked: checks.Checked, limit: int, year_min: int, year_max: int) -> list[dict]:
    """The first ``limit`` findings of ``rule`` (rows, or groups for group-level rules)."""
    flagged = df.filter(pl.col(FLAG[rule]))
    out: list[dict[str, Any]] = []
    group = {"reference_missing": ["year", "measure"], "total_missing": ["region", "year", "measure"],
             "mixed_units": ["measure", "unit"], "region_spelling": ["region"], "industry_spelling": ["industry"]}
    if rule in group:
        if rule in _ACROSS_YEARS:
            # one row per unit / spelling: the earliest year's first (as a partitioned run finds it)
            flagged = flagged.with_row_index("_i").sort(["year", "_i"], nulls_last=True)
        flagged = flagged.unique(subset=group[rule], keep="first", maintain_order=True)
    for row in flagged.head(limit).iter_rows(named=True):
        f: dict[str, Any] = {"rule": rule, **{k: row[k] for k in ("region", "industry", "measure", "year", "unit")}}
        if rule == "key_null":
            col = next(c for c in ("region", "industry", "measure") if row[c] is None)
            f.update(_base(row, col, row.get(f"_raw_{col}")))
        elif rule == "duplicate_key":
            f.update(_base(row, None, row["value"]), count=row["_dup_count"])
        elif rule in ("negative_value", "non_finite"):
            f.update(_base(row, "value", row["value"]))
        elif rule == "year_range":
            f.update(_base(row, "year", row["year"]), min_year=year_min, max_year=year_max)
        elif rule == "reference_missing":
            f.update(_base(row, "region", None), reference=checked.reference)
        elif rule == "total_missing":
            f.update(_base(row, "industry", None), total=checked.total)
        elif rule == "exceeds_total":
            f.update(_base(row, "value", row["value"]), total=checked.total, total_value=fmt_value(row["_total_value"]))
        elif rule == "exceeds_reference":
            f.update(_base(row, "value", row["value"]), reference=checked.reference,
                     reference_value=fmt_value(row["_reference_value"]))
        elif rule == "mixed_units":
            f.update(_base(row, "unit", row["unit"]), units=row["_units"])
        elif rule == "region_spelling":
            f.update(_base(row, "region", row["region"]), others=row["_others_region"])
        elif rule == "industry_spelling":
            f.update(_base(row, "industry", row["industry"]), others=row["_others_industry"])
        elif rule == "footnote_row":
            col = "region" if checks.looks_like_note(row["region"]) else "industry"
            f.update(_base(row, col, row[col]))
        f["value"] = f.get("value")
        out.append(f)
    return out


#: Group rules whose groups span years: listed once per group, from the earliest year.
_ACROSS_YEARS = {"mixed_units", "region_spelling", "industry_spelling"}

_GROUP_KEYS = {"reference_missing": ("year", "measure"), "total_missing": ("region", "year", "measure"),
               "mixed_units": ("measure", "unit"), "region_spelling": ("region",), "industry_spelling": ("industry",),
               "column_missing": ("column",), "column_type": ("column",)}


def merge_reports(reports: list[ValidationReport], *, max_listed: int | None = None) -> ValidationReport:
    """One report for a table from the reports of its partitions (validated with one context).

    Rows and counts are summed; findings are concatenated in partition order keeping at most
    ``max_listed`` per rule (a group found in several partitions — a measure's units, a
    spelling, a missing column — is listed once); the expectation statistics are summed per
    expectation; the missing share and the warnings are composed again from the partitions'
    partial tables, so that a warning about the whole table (many suppressed cells in a
    measure, a region that is the sum of the others) is the one the whole table gives. No
    per-row frame is kept: ``bad_row_mask`` is None and :meth:`ValidationReport.split` is
    not available (:class:`PartitionGate` hands out the rows partition by partition).

    Parameters
    ----------
    reports : list of ValidationReport
        From :func:`validate_tidy` with the same ``context`` and settings, in partition order.
    max_listed : int, optional
        Findings listed per rule (default: that of the first report).

    Returns
    -------
    ValidationReport

    Examples
    --------
    >>> t = pl.DataFrame({"region": ["A", "B", "A", "B"], "industry": "x", "year": [2020, 2020, 2021, 2021],
    ...                   "measure": "emp", "value": [1.0, -2.0, 3.0, -4.0]})
    >>> ctx = validation_context(t)
    >>> parts = [validate_tidy(p, context=ctx) for p in t.partition_by("year")]
    >>> whole, merged = validate_tidy(t), merge_reports(parts)
    >>> merged.counts == whole.counts, merged.n_bad_rows, merged.rows
    (True, 2, 4)
    """
    if not reports:
        return ValidationReport(rows=0, settings={"partitions": 0})
    first = reports[0]
    limit = first.max_listed if max_listed is None else max_listed
    counts: dict[str, int] = {}
    for r in reports:
        for k, n in r.counts.items():
            counts[k] = counts.get(k, 0) + n
    findings = _merge_findings([r.findings for r in reports], limit)
    stats = _merge_stats([r.stats for r in reports])
    settings = dict(first.settings)
    settings["partitions"] = len(reports)
    for k in ("seconds",):
        if all(k in r.settings for r in reports):
            settings[k] = round(sum(r.settings[k] for r in reports), 3)
    if all("seconds_by_stage" in r.settings for r in reports):
        settings["seconds_by_stage"] = {k: round(sum(r.settings["seconds_by_stage"].get(k, 0) for r in reports), 3)
                                        for k in first.settings["seconds_by_stage"]}
    warnings: list[dict[str, Any]] = []
    missing_share: list[dict[str, Any]] = []
    partials = [r._partials for r in reports if r._partials is not None]
    if partials:
        merged = {k: pl.concat([p[k].with_columns(pl.lit(i, pl.UInt32).alias("_part")) for i, p in enumerate(partials)])
                  for k in partials[0]}
        warnings, missing_share = checks.compose_warnings(
            merged, reference=settings.get("reference_region"), total=settings.get("total_industry"),
            tolerance=settings.get("tolerance", 0.005), suppressed_share=settings.get("suppressed_share", SUPPRESSED_SHARE))
    else:
        merged = None
    return ValidationReport(
        rows=sum(r.rows for r in reports), findings=findings, counts=counts, warnings=warnings, stats=stats,
        missing_share=missing_share, settings=settings, max_listed=limit, _partials=merged,
        _n_bad=sum(r.n_bad_rows for r in reports),
    )


def _merge_findings(lists: list[list[dict[str, Any]]], limit: int) -> list[dict[str, Any]]:
    """Findings of the partitions, grouped by rule in report order, at most ``limit`` per rule.

    Within a rule they keep partition order; a group that several partitions list (a unit,
    a spelling, a missing column) is listed once, from its earliest year.
    """
    rank = {rid: i for i, rid in enumerate(RULES)}
    chosen: dict[tuple, tuple] = {}
    rows: list[tuple] = []
    for part, findings in enumerate(lists):
        for i, f in enumerate(findings):
            rule = f["rule"]
            year = f.get("year")
            order = (rank.get(rule, len(rank)), (year is None, year or 0) if rule in _ACROSS_YEARS else (False, 0),
                     part, i)
            if rule in _GROUP_KEYS:
                key = (rule, *(f.get(k) for k in _GROUP_KEYS[rule]))
                if key in chosen and chosen[key][0] <= order:
                    continue
                chosen[key] = (order, f)
            else:
                rows.append((order, f))
    rows.extend(chosen.values())
    rows.sort(key=lambda r: r[0])
    out: list[dict[str, Any]] = []
    listed: dict[str, int] = {}
    for _, f in rows:
        if listed.get(f["rule"], 0) < limit:
            listed[f["rule"]] = listed.get(f["rule"], 0) + 1
            out.append(f)
    return out


def _merge_stats(all_stats: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Expectation statistics summed per expectation (rule, expectation, column)."""
    out: dict[tuple, dict[str, Any]] = {}
    for stats in all_stats:
        for st in stats:
            key = (st["rule"], st["expectation"], st["column"])
            if key not in out:
                out[key] = dict(st)
                continue
            m = out[key]
            m["success"] = bool(m["success"] and st["success"])
            for k in ("element_count", "unexpected_count", "missing_count"):
                if m.get(k) is not None or st.get(k) is not None:
                    m[k] = (m.get(k) or 0) + (st.get(k) or 0)
    return list(out.values())


@dataclass
class GateResult:
    """What :func:`gate` and :meth:`PartitionGate.finish` hand back to the pipeline.

    From :meth:`PartitionGate.finish`, ``good`` and ``rejected`` are empty: the rows were
    handed out partition by partition by :meth:`PartitionGate.check`; ``rows_used`` and
    ``rows_rejected`` count them.
    """

    good: pl.DataFrame          # rows to compute with (tidy columns)
    rejected: pl.DataFrame      # tidy columns + rule + reason (empty when nothing rejected)
    report: ValidationReport
    report_files: list[str]     # report files written by gate (only on failure)
    rows_used: int = 0
    rows_rejected: int = 0


class PartitionGate:
    """``--on-invalid`` applied partition by partition.

    Every partition is validated against the whole table's ``context``; the report of the
    run is the merge of the partitions' reports (:func:`merge_reports`) and equals that of
    validating the whole table at once.

    * ``fail``: once an error is seen, :meth:`check` returns None for the rows to compute
      with (the run will fail) but still validates, so that the report lists every problem;
      :meth:`finish` writes the report and raises the DataError.
    * ``quarantine``: rows failing a rule are handed back as rejected rows with their
      reasons; the others are computed with. A structurally unusable table, or no row left
      over all partitions, still fails.

    Parameters
    ----------
    cfg : RunConfig
        ``on_invalid``, ``out``, ``lang``, the reference / total and the tolerance.
    context : ValidationContext
        :func:`validation_context` of the whole input.
    report : str or Path, optional
        ``--report PATH`` (where the report of a failed run goes, see :func:`gate`).

    Examples
    --------
    >>> t = pl.DataFrame({"region": ["A", "B", "A", "B"], "industry": "x", "year": [2020, 2020, 2021, 2021],
    ...                   "measure": "emp", "value": [1.0, 2.0, 3.0, -4.0]})
    >>> pg = PartitionGate(RunConfig(on_invalid="quarantine"), validation_context(t))
    >>> [(g.height, r.height) for g, r in (pg.check(p) for p in t.partition_by("year"))]
    [(2, 0), (1, 1)]
    >>> res = pg.finish()
    >>> res.report.ok, res.rows_used, res.rows_rejected
    (False, 3, 1)
    """

    def __init__(self, cfg: RunConfig, context: ValidationContext | None, *, report: str | Path | None = None,
                 max_listed: int = MAX_LISTED, columns: dict[str, Any] | None = None) -> None:
        self.cfg = cfg
        self.columns = columns   # the files' names of the tidy columns (lqcalc.validation.columns)
        self.context = context
        self.report_target = report
        self.max_listed = max_listed
        self._reports: list[ValidationReport] = []
        self._failed = False
        self.rows_used = 0
        self.rows_rejected = 0

    @property
    def failed(self) -> bool:
        """True once the run is bound to fail (fail mode and an error seen, or a fatal problem)."""
        return self._failed

    def check(self, part: pl.DataFrame) -> tuple[pl.DataFrame | None, pl.DataFrame]:
        """Validate one partition: (rows to compute with, rejected rows [tidy columns + rule + reason]).

        The rows to compute with have the tidy columns and the integer codes the rules gave
        region, industry and measure (``_rc``, ``_ic``, ``_mc``; see
        :meth:`ValidationReport.coded`), which the indicators use instead of coding the
        strings again.

        The first is None once the run is bound to fail (fail mode and an error seen so far,
        or a fatal structural problem): the caller then stops computing but keeps calling
        :meth:`check` on the remaining partitions so that the report lists every problem.
        In fail mode nothing is set aside (the rejected rows are empty).
        """
        rep = validate_tidy(part, self.cfg, context=self.context, max_listed=self.max_listed)
        good: pl.DataFrame | None
        rejected = empty_rejected()
        if rep.fatal:
            self._failed = True
            good = None
        elif rep.ok:
            good = rep.coded(rep._tidy) if rep._tidy is not None else schema.conform(part)
        elif self.cfg.on_invalid == "quarantine":
            good, rejected = rep.split()
            good = rep.coded(good)
        else:
            self._failed = True
            good = None
        self._reports.append(rep.slim())
        if self._failed:
            good = None
        else:
            assert good is not None
            self.rows_used += good.height
            self.rows_rejected += rejected.height
        return good, rejected

    def finish(self) -> GateResult:
        """The merged report.

        Raises the same :class:`~lqcalc.errors.DataError` as :func:`gate` (writing the
        failure report files exactly as :func:`gate` does) when the run fails, including
        quarantine with no good row left overall.
        """
        rep = merge_reports(self._reports, max_listed=self.max_listed).with_user_columns(self.columns)
        quarantine = self.cfg.on_invalid == "quarantine" and not rep.fatal
        if rep.ok or (quarantine and self.rows_used > 0):
            return GateResult(schema.empty(), empty_rejected(), rep, [], self.rows_used, self.rows_rejected)
        cfg = self.cfg
        if self.report_target is not None:
            html_p, json_p = report_paths(self.report_target)
        elif cfg.out:
            html_p, json_p = failure_report_paths(cfg.out)
        else:
            html_p = json_p = None
        files = rep.write(html_p, json_p, lang=cfg.lang) if html_p else []
        err = rep.to_data_error(files, lang=cfg.lang)
        if quarantine:
            err.message = "every row was rejected: " + err.message
            err.args = (err.message,)
        raise err


def gate(tidy: pl.DataFrame, cfg: RunConfig, *, report: str | Path | None = None) -> GateResult:
    """Validate ``tidy`` and apply ``cfg.on_invalid``; the whole table as one partition.

    On failure the report is written to ``report`` (``--report PATH``, see
    :func:`report_paths`) or, when not given and ``cfg.out`` is set, next to the output
    directory (:func:`failure_report_paths`), in ``cfg.lang``; then a DataError (exit 3) is
    raised whose hint names the files. On success nothing is written: the pipeline writes
    ``report.write(DIR / "validation.html", DIR / "validation.json")`` with its outputs.
    """
    pg = PartitionGate(cfg, None, report=report)
    good, rejected = pg.check(tidy)
    res = pg.finish()
    assert good is not None
    res.good, res.rejected = good.drop(list(schema.CODES.values()), strict=False), rejected   # the tidy columns
    return res
