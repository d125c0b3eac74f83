"""One report for a table from the reports of its partitions (:func:`merge_reports`)."""

from __future__ import annotations

from typing import Any

import polars as pl

from lqcalc.validation import checks
from lqcalc.validation.checks import SUPPRESSED_SHARE
from lqcalc.validation.report import ValidationReport
from lqcalc.validation.rules import RULES

#: Group rules whose groups span years: listed once per group, from the earliest year.
ACROSS_YEARS = {"mixed_units", "region_spelling", "industry_spelling"}

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
    >>> import polars as pl
    >>> from lqcalc.validation import validate_tidy, validation_context
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
            order = (rank.get(rule, len(rank)), (year is None, year or 0) if rule in ACROSS_YEARS else (False, 0),
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
