"""Validation of the tidy table before any indicator is computed.

:func:`validate_tidy` runs the Great Expectations suite (:mod:`lqcalc.validation.suite`) and
the polars checks (:mod:`lqcalc.validation.checks`) and returns a
:class:`~lqcalc.validation.report.ValidationReport`. :func:`gate` applies the
``--on-invalid`` policy for a run:

* ``fail`` (default): any error raises :class:`~lqcalc.errors.DataError` (exit 3) after the
  report was written next to the would-be output directory (``DIR.validation.html`` and
  ``DIR.validation.json``) or to ``--report PATH``; nothing else is written.
* ``quarantine``: rows failing a rule are set aside with their reasons (``rejected``, to be
  written as ``DIR/rejected.parquet``) and the run continues with the others. A table that
  is unusable as a whole (missing / mistyped column) or with no row left still fails.

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
from lqcalc.validation.report import (ValidationReport, empty_rejected, failure_report_paths, fmt_value,
                                      report_paths)
from lqcalc.validation.rules import RULES

__all__ = ["validate_tidy", "gate", "GateResult", "ValidationReport", "RULES", "report_paths",
           "failure_report_paths"]

#: Default share of missing / suppressed cells in a measure above which a warning is given.
SUPPRESSED_SHARE = 0.2


def validate_tidy(tidy: pl.DataFrame, cfg: RunConfig | None = None, *, max_listed: int = 50,
                  suppressed_share: float = SUPPRESSED_SHARE, year_min: int = YEAR_MIN,
                  year_max: int = YEAR_MAX) -> ValidationReport:
    """Validate a tidy table (:mod:`lqcalc.schema`) against every rule.

    Parameters
    ----------
    tidy : polars.DataFrame
        The table the readers produced.
    cfg : RunConfig, optional
        Uses ``reference_region``, ``total_industry`` and ``tolerance`` (relative tolerance
        of the "part larger than its total" checks).
    max_listed : int
        Findings listed per rule (all failing rows are counted).
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
    >>> r = validate_tidy(t)                                  # doctest: +SKIP
    >>> r.ok, sorted(k for k, v in r.counts.items() if v)     # doctest: +SKIP
    (False, ['duplicate_key', 'negative_value'])
    """
    cfg = cfg or RunConfig()
    engine = "gx" if cfg.gx else "polars"
    t0 = time.perf_counter()
    settings: dict[str, Any] = {
        "reference_region": cfg.reference_region, "total_industry": cfg.total_industry,
        "tolerance": cfg.tolerance, "year_range": [year_min, year_max], "suppressed_share": suppressed_share,
    }
    checked = checks.compute(tidy, reference_region=cfg.reference_region, total_industry=cfg.total_industry,
                             tolerance=cfg.tolerance, suppressed_share=suppressed_share,
                             year_min=year_min, year_max=year_max)
    if checked.frame is None:
        stats = suite.run_suite(tidy, suite.structural_specs(), engine=engine)
        settings["gx_version"] = _gx_version() if engine == "gx" else "not run (--no-gx)"
        settings["seconds"] = round(time.perf_counter() - t0, 3)
        return ValidationReport(rows=tidy.height, findings=checked.structural, stats=stats, settings=settings,
                                max_listed=max_listed)
    df = checked.frame
    t1 = time.perf_counter()
    stats = suite.run_suite(df, suite.specs(checked.active_flags, year_min=year_min, year_max=year_max), engine=engine)
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
    tidy_c = schema.conform(tidy)
    rejected = None
    if mask.any():
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
    settings["gx_version"] = _gx_version() if engine == "gx" else "not run (--no-gx)"
    settings["seconds"] = round(time.perf_counter() - t0, 3)
    settings["seconds_by_stage"] = {"polars_checks": round(t1 - t0, 3), "great_expectations": round(t2 - t1, 3),
                                    "listing_and_split": round(time.perf_counter() - t2, 3)}
    return ValidationReport(
        rows=tidy.height, findings=findings, counts=counts, warnings=checked.warnings, stats=stats,
        missing_share=checked.missing_share, bad_row_mask=mask.alias("bad_row"), settings=settings,
        max_listed=max_listed, _rejected=rejected, _tidy=tidy_c,
    )


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


@dataclass
class GateResult:
    """What :func:`gate` hands back to the pipeline."""

    good: pl.DataFrame          # rows to compute with (tidy columns)
    rejected: pl.DataFrame      # tidy columns + rule + reason (empty when nothing rejected)
    report: ValidationReport
    report_files: list[str]     # report files written by gate (only on failure)


def gate(tidy: pl.DataFrame, cfg: RunConfig, *, report: str | Path | None = None) -> GateResult:
    """Validate ``tidy`` and apply ``cfg.on_invalid``; the pipeline's single entry point.

    On failure the report is written to ``report`` (``--report PATH``, see
    :func:`report_paths`) or, when not given and ``cfg.out`` is set, next to the output
    directory (:func:`failure_report_paths`), in ``cfg.lang``; then a DataError (exit 3) is
    raised whose hint names the files. On success nothing is written: the pipeline writes
    ``report.write(DIR / "validation.html", DIR / "validation.json")`` with its outputs.
    """
    rep = validate_tidy(tidy, cfg)
    if rep.ok:
        return GateResult(schema.conform(tidy), empty_rejected(), rep, [])
    if cfg.on_invalid == "quarantine" and not rep.fatal:
        good, rejected = rep.split()
        if good.height > 0:
            return GateResult(good, rejected, rep, [])
    if report is not None:
        html_p, json_p = report_paths(report)
    elif cfg.out:
        html_p, json_p = failure_report_paths(cfg.out)
    else:
        html_p = json_p = None
    files = rep.write(html_p, json_p, lang=cfg.lang) if html_p else []
    err = rep.to_data_error(files, lang=cfg.lang)
    if cfg.on_invalid == "quarantine" and not rep.fatal:
        err.message = "every row was rejected: " + err.message
        err.args = (err.message,)
    raise err
