"""Validation of a tidy table, or of one partition of it, against every rule.

:func:`validate_tidy` runs lqcalc's polars rules (:mod:`lqcalc.validation.checks`) and,
when asked (``cfg.gx``), the Great Expectations suite (:mod:`lqcalc.validation.suite`), and
returns a :class:`~lqcalc.validation.report.ValidationReport` listing the first findings of
every rule.
"""

from __future__ import annotations

import time
from typing import Any

import polars as pl

from lqcalc import schema
from lqcalc.config import RunConfig
from lqcalc.validation import checks, suite
from lqcalc.validation.checks import FLAG, SUPPRESSED_SHARE, YEAR_MAX, YEAR_MIN
from lqcalc.validation.context import ValidationContext, validation_context
from lqcalc.validation.merge import ACROSS_YEARS, merge_reports
from lqcalc.validation.report import NOT_RUN, ValidationReport, fmt_value


def validate_tidy(tidy: pl.DataFrame, cfg: RunConfig | None = None, *, context: ValidationContext | None = None,
                  max_listed: int = 50, suppressed_share: float = SUPPRESSED_SHARE, year_min: int = YEAR_MIN,
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
                             year_min=year_min, year_max=year_max)
    if checked.frame is None:
        stats = suite.run_suite(tidy, suite.structural_specs(), engine=engine)
        settings.update(_engine_settings(engine))
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
        if rule in ACROSS_YEARS:
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
