"""The rules computed with polars: one boolean flag column per error rule, plus warnings.

Why this module is long: every rule's flag is computed in one pass over shared integer
codes (:func:`compute`), and the warnings are composed from the partial tables that pass
leaves (:func:`compose_warnings`), which the merge of a partitioned run composes again.

Row rules (negative value, empty key, year range) are plain expressions. Cross-row rules
(duplicate keys, a part larger than its total, the reference region missing for a year, two
units for one measure, two spellings of one region) need group-wise context, which Great
Expectations 1.x cannot express on one column; they are computed here as a boolean flag per
row and Great Expectations then checks each flag column
(``expect_column_values_to_be_in_set(value_set=[False])``), so the suite still counts them.

The same flags give the listing of offending rows (bounded) and the quarantine split.

How it stays fast on millions of rows: region, industry and measure are turned into integer
codes once (their position among the distinct labels of the whole table, see
:class:`~lqcalc.validation.context.ValidationContext`; labels that come in runs are looked
up once per run), and every group of a rule (region / industry x year x measure) is an
integer. A duplicate key is looked for only when the keys are not already strictly
increasing; the value of the total or reference row of a row's group is a gather from a
small array, so a part larger than its total is one comparison per row; the heuristics of
the warnings look only at the rows they sample. Rules that look across the whole table
(units, spellings, notes) take their facts from the context, so that a partition of the
table is judged exactly as the whole table would be.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from lqcalc import schema
from lqcalc.validation.context import (KEY_MARKERS, KEY_TEXT, MOJIBAKE, ValidationContext, looks_like_note,
                                       validation_context)

__all__ = ["FLAG", "YEAR_MIN", "YEAR_MAX", "REQUIRED", "KEY_MARKERS", "Checked", "compute", "structure",
           "looks_like_note", "reason_expr", "compose_warnings"]

YEAR_MIN = 1900
YEAR_MAX = 2100

#: Default share of missing / suppressed cells in a measure above which a warning is given.
SUPPRESSED_SHARE = 0.2

#: Flag column of each error rule that is computed row by row.
FLAG = {
    "key_null": "_f_key_null",
    "duplicate_key": "_f_duplicate_key",
    "negative_value": "_f_negative_value",
    "non_finite": "_f_non_finite",
    "year_range": "_f_year_range",
    "reference_missing": "_f_reference_missing",
    "total_missing": "_f_total_missing",
    "exceeds_total": "_f_exceeds_total",
    "exceeds_reference": "_f_exceeds_reference",
    "mixed_units": "_f_mixed_units",
    "region_spelling": "_f_region_spelling",
    "industry_spelling": "_f_industry_spelling",
    "footnote_row": "_f_footnote_row",
}

_KEY_TEXT = KEY_TEXT
_MOJIBAKE = MOJIBAKE

_EXPECTED_KIND = {
    "region": "text", "region_name": "text", "industry": "text", "industry_name": "text",
    "measure": "text", "unit": "text", "source_file": "text",
    "year": "integer", "source_line": "integer", "value": "number",
}
REQUIRED = ["region", "industry", "measure", "value"]


def _kind_ok(dtype: pl.DataType, kind: str) -> bool:
    if dtype == pl.Null:
        return True
    if kind == "text":
        return dtype in (pl.String, pl.Categorical) or isinstance(dtype, (pl.String, pl.Categorical, pl.Enum))
    if kind == "integer":
        return dtype.is_integer()
    return dtype.is_numeric()


def structure(tidy: pl.DataFrame) -> list[dict[str, Any]]:
    """Missing required columns and columns of the wrong type (findings, possibly empty)."""
    out: list[dict[str, Any]] = []
    for col in REQUIRED:
        if col not in tidy.columns:
            out.append({"rule": "column_missing", "column": col})
    for col, kind in _EXPECTED_KIND.items():
        if col in tidy.columns and not _kind_ok(tidy.schema[col], kind):
            out.append({"rule": "column_type", "column": col, "actual": str(tidy.schema[col]),
                        "expected": {"text": "text (String)", "integer": "integer",
                                     "number": "number (Float64)"}[kind]})
    return out


@dataclass
class Checked:
    """The table with flag columns, the structural problems and the warnings found.

    ``frame`` has the tidy columns (empty keys and missing markers as null), one ``_f_*``
    boolean flag per active error rule and, for the rules that fail somewhere, the helper
    columns of their messages (``_dup_count``, ``_total_value``, ``_reference_value``,
    ``_units``, ``_others_region``, ``_others_industry``, ``_raw_region`` ...). ``tidy`` is
    the conformed table as read (what quarantined rows keep). ``partials`` holds the small
    tables the warnings are composed from (:func:`compose_warnings`); they add up across
    partitions of a table.
    """

    frame: pl.DataFrame | None
    structural: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    missing_share: list[dict[str, Any]] = field(default_factory=list)
    reference: str | None = None
    total: str | None = None
    active_flags: list[str] = field(default_factory=list)
    tidy: pl.DataFrame | None = None
    partials: dict[str, pl.DataFrame] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    codes: pl.DataFrame | None = None


def _dense(size: int, index: list[int], values: list[Any], dtype: pl.DataType, fill: Any = None) -> pl.Series:
    """A lookup array: ``values`` at positions ``index``, ``fill`` elsewhere."""
    base = pl.repeat(fill, size, dtype=dtype, eager=True)
    if index:
        base = base.scatter(index, pl.Series(values, dtype=dtype))
    return base


def _code_of(ctx: ValidationContext, column: str, label: str) -> int:
    """The integer code of ``label`` in ``column`` (the null code when absent or blank)."""
    labels = ctx.labels.get(column, ())
    if label in ctx.blank.get(column, ()):
        return len(labels)
    pos = ctx.position(column).get(label)
    return len(labels) if pos is None else pos


def _lookup(g: str, keys: pl.Series, values: pl.Series, size: int, rows: int) -> pl.Expr:
    """``values`` of each row's group (column ``g``, codes below ``size``); null where absent.

    A gather from a dense array when the codes are few, a hash lookup otherwise.
    """
    if size <= max(4 * rows, 1 << 20):
        dense = pl.repeat(None, size, dtype=values.dtype, eager=True)
        if keys.len():
            dense = dense.scatter(keys.cast(pl.Int64), values)
        return pl.lit(dense).gather(pl.col(g))
    return pl.col(g).replace_strict(keys, values, default=None, return_dtype=values.dtype)


def _distinct_count(key: pl.Series, size: int) -> int:
    """Distinct values of an integer ``key`` in ``[0, size)``: a bitmap when small, else a hash."""
    if size <= max(8 * key.len(), 1 << 22):
        return int(pl.repeat(False, size, dtype=pl.Boolean, eager=True).scatter(key, True).sum())
    return key.n_unique()


def _dup_counts(key: pl.Series, size: int) -> pl.Series | None:
    """Rows sharing each row's key (None when every key is unique, the usual case)."""
    if _distinct_count(key, size) == key.len():
        return None
    vc = key.value_counts(name="_n").filter(pl.col("_n") > 1)
    return key.replace_strict(vc[key.name], vc["_n"].cast(pl.UInt32), default=1, return_dtype=pl.UInt32)


def _duplicates_hashed(df: pl.DataFrame) -> pl.Series | None:
    """Rows sharing the key, for tables too large for an integer key (hash, then exact)."""
    h = df.select(pl.struct(schema.KEY).hash().alias("h"))["h"]
    srt = h.sort()
    dup_hashes = srt.filter((srt == srt.shift(1)).fill_null(False)).unique()
    if dup_hashes.len() == 0:
        return None
    cand = h.is_in(dup_hashes.implode())
    counts = df.filter(cand).group_by(schema.KEY).agg(pl.len().cast(pl.UInt32).alias("_dup_count"))
    out = (df.select(schema.KEY).join(counts, on=schema.KEY, how="left", nulls_equal=True, maintain_order="left")
           ["_dup_count"].fill_null(1))
    return out if (out > 1).any() else None


def _unsigned(limit: int) -> pl.DataType:
    return pl.UInt32 if limit < 2 ** 32 else pl.UInt64


def compute(tidy: pl.DataFrame, context: ValidationContext | None = None, *, reference_region: str | None = None,
            total_industry: str | None = None, tolerance: float = 0.005, suppressed_share: float = 0.2,
            year_min: int = YEAR_MIN, year_max: int = YEAR_MAX) -> Checked:
    """Compute every polars-side rule.

    Parameters
    ----------
    tidy : polars.DataFrame
        The table, or one partition of it (a set of whole years).
    context : ValidationContext, optional
        Facts of the whole table (:func:`~lqcalc.validation.context.validation_context`);
        computed from ``tidy`` when not given.
    reference_region, total_industry : str, optional
        Code or name of the reference region row and of the all-industry row.
    tolerance : float
        Relative tolerance of the "part larger than its total" checks.
    suppressed_share : float
        Share of missing cells above which a warning is given.
    year_min, year_max : int
        Plausible years.

    Returns
    -------
    Checked
        ``frame`` is None when the table is structurally unusable.

    Examples
    --------
    >>> t = pl.DataFrame({"region": ["A", "A", "B"], "industry": ["x", "x", "x"], "year": [2020] * 3,
    ...                   "measure": "emp", "value": [1.0, 2.0, -5.0]})
    >>> c = compute(t)
    >>> c.frame.select(FLAG["duplicate_key"], FLAG["negative_value"]).rows()
    [(True, False), (True, False), (False, True)]
    """
    import time

    t0 = time.perf_counter()
    structural = structure(tidy)
    if structural:
        return Checked(frame=None, structural=structural)
    ctx = context if context is not None else validation_context(tidy)
    t1 = time.perf_counter()
    # a partition read from a scan comes in many chunks: one copy makes every pass cheaper
    # (columns already in one piece are left as they are)
    tidy_c = schema.conform(tidy).rechunk()
    n = tidy_c.height
    nr, ni, nm = (len(ctx.labels.get(c, ())) for c in ("region", "industry", "measure"))
    # a key of one label (the measure named by --value-col) is coded without writing the
    # label out on every row
    firsts = schema.single_values(tidy_c, ["region", "industry", "measure"])

    def codes(c: str, name: str) -> pl.Series:
        if firsts.get(c) is not None:
            return ctx.constant_codes(firsts[c], c, n).alias(name)
        return ctx.codes(tidy_c[c], c).alias(name)

    rc = codes("region", "rc")
    if rc.is_sorted():   # tables sorted by region: group-bys on it take the sorted fast path
        rc = rc.set_sorted()
    ic = codes("industry", "ic")
    mc = codes("measure", "mc")
    df = tidy_c
    # blank text and missing markers (—, ..., NA) count as empty keys; the raw text is kept
    # for the listing
    helpers: dict[str, pl.Series] = {}
    for c, code in (("region", rc), ("industry", ic), ("measure", mc)):
        if c in ctx.blank:
            blank = (code == len(ctx.labels[c])) & df[c].is_not_null()
            if blank.any():
                helpers[f"_raw_{c}"] = pl.DataFrame([df[c], blank.alias("_b")]).select(
                    pl.when("_b").then(pl.col(c)).alias(f"_raw_{c}")).to_series()
                df = df.with_columns(pl.when(blank).then(None).otherwise(pl.col(c)).alias(c))
    # year x measure as one small integer (only when the partition has several)
    year = df["year"]
    ymin, ymax = year.min(), year.max()
    ny = 1 if ymin is None else int(ymax) - int(ymin) + 2
    nym = ny * (nm + 1)
    ym_const = n == 0 or (year.null_count() in (0, n) and ymin == ymax and mc.min() == mc.max())
    # the other columns taken as a frame: a column of one literal (the source file) stays one
    work = pl.DataFrame([rc, ic, mc]).hstack(df.select("value", "year", "source_file", "source_line"))
    if not ym_const:
        yc = pl.col("year").cast(pl.Int64).sub(ymin - 1).fill_null(0) if ymin is not None else pl.lit(0)
        work = work.with_columns((yc * (nm + 1) + pl.col("mc")).cast(_unsigned(nym)).alias("ym"))
    ym = pl.lit(0, pl.UInt32) if ym_const else pl.col("ym")

    def group(major: str, labels: int) -> tuple[pl.Expr, int]:
        """Integer code of major x year x measure (``major`` a region or industry code), and its range."""
        if ym_const:
            return pl.col(major), labels + 1
        size = (labels + 1) * nym
        return pl.col(major).cast(_unsigned(size)) * nym + ym, size

    tol = float(tolerance)
    v = pl.col("value")
    fin = v.is_finite().fill_null(False)
    exprs: dict[str, pl.Expr] = {
        "key_null": (pl.col("rc") == nr) | (pl.col("ic") == ni) | (pl.col("mc") == nm),
        "negative_value": (v < 0).fill_null(False),
        "non_finite": (v.is_nan() | v.is_infinite()).fill_null(False),
        "year_range": ((pl.col("year") < year_min) | (pl.col("year") > year_max)).fill_null(False),
    }
    # notes read as rows and rows without keys are reported once, and kept out of the
    # cross-row rules (a note is not a region that lacks its total)
    if ctx.notes:
        exprs["footnote_row"] = (pl.lit(ctx.flags_of("region", ctx.notes)).gather(pl.col("rc"))
                                 | pl.lit(ctx.flags_of("industry", ctx.notes)).gather(pl.col("ic")))
    real = ~(exprs["key_null"] | exprs["footnote_row"]) if "footnote_row" in exprs else ~exprs["key_null"]
    extra: dict[str, pl.Expr] = {"_fin": fin, "_real": real}
    ref_code = tot_code = None
    if reference_region:
        ref_code = ctx.resolve("region", reference_region, "--reference-region")
        extra["_is_ref"] = real & (pl.col("rc") == _code_of(ctx, "region", ref_code))
        g_ref, size_ref = group("ic", ni)
        extra["_g_ref"] = g_ref
    if total_industry:
        tot_code = ctx.resolve("industry", total_industry, "--total-industry")
        extra["_is_total"] = real & (pl.col("ic") == _code_of(ctx, "industry", tot_code))
        # leaf industries only in the sum of the parts: nested codes would be counted twice
        extra["_leaf"] = pl.lit(ctx.leaf_flags(tot_code)).gather(pl.col("ic"))
        g_tot, size_tot = group("rc", nr)
        extra["_g_tot"] = g_tot
    work = work.with_columns([e.alias(FLAG[r]) for r, e in exprs.items()] + [e.alias(k) for k, e in extra.items()])
    flags = {r: pl.col(FLAG[r]) for r in exprs}
    lazy = work.lazy()
    # duplicate keys: one integer per key (nulls are a code of their own, as nulls_equal)
    key_size = (nr + 1) * (ni + 1) * (1 if ym_const else nym)
    if key_size < 2 ** 63:
        kt = _unsigned(key_size)
        key = work.select((pl.col("rc").cast(kt) * ((ni + 1) * (1 if ym_const else nym))
                           + pl.col("ic").cast(kt) * (1 if ym_const else nym)
                           + (pl.lit(0, kt) if ym_const else pl.col("ym").cast(kt))).alias("key"))["key"]
        dup = _dup_counts(key, key_size)
    else:  # pragma: no cover - astronomically many labels
        dup = _duplicates_hashed(df)
    if dup is not None:
        helpers["_dup_count"] = dup.alias("_dup_count")
        flags["duplicate_key"] = pl.col("_dup_count") > 1
    else:
        flags["duplicate_key"] = pl.lit(False)
    # the total / reference row of each group: one group-by for the parts, one for the marked rows
    queries = {}
    for name, marker, g, leaf in (("ref", "_is_ref", "_g_ref", None), ("tot", "_is_total", "_g_tot", "_leaf")):
        if marker not in extra:
            continue
        lv = pl.when(pl.col("_fin") & pl.col(leaf) if leaf else pl.col("_fin")).then(v)
        queries[f"{name}_parts"] = (lazy.filter(pl.col("_real") & ~pl.col(marker))
                                    .group_by(pl.col(g).alias("g"))
                                    .agg(lv.sum().alias("_psum"), lv.count().alias("_n"),
                                         pl.when(pl.col("_fin")).then(v).max().alias("_pmax")))
        queries[f"{name}_marks"] = (lazy.filter(pl.col(marker)).group_by(pl.col(g).alias("g"))
                                    .agg(v.max().alias("_mval"), *[pl.col(c).first() for c in
                                                                   ("rc", "ic", "mc", "year", "source_file", "source_line")]))
    got = dict(zip(queries, pl.collect_all(list(queries.values())))) if queries else {}
    ref_stats = tot_stats = None
    lookups: list[pl.Expr] = []

    def bad_groups(stats: pl.DataFrame) -> pl.DataFrame:
        """Groups where some part is larger than the marked row (rows are compared only there)."""
        return stats.filter(pl.col("_mval").is_finite() & (pl.col("_pmax") > pl.col("_mval") * (1 + tol)))

    if "_is_ref" in extra:
        marks, parts = got["ref_marks"], got["ref_parts"]
        ref_stats = marks.join(parts, on="g", how="inner")
        bad = bad_groups(ref_stats)
        if bad.height:
            lookups.append(_lookup("_g_ref", bad["g"], bad["_mval"], size_ref, n).alias("_mref"))
        # the reference row of every year x measure that has rows
        if ym_const:
            lacks = (parts.height > 0) and marks.height == 0
            flags["reference_missing"] = pl.col("_real") if lacks else pl.lit(False)
        else:
            groups = set((parts["g"] % nym).unique().to_list())
            have = set((marks["g"] % nym).unique().to_list())
            missing = sorted(groups - have)
            flags["reference_missing"] = (pl.col("_real") & pl.col("ym").is_in(missing)) if missing else pl.lit(False)
    if "_is_total" in extra:
        marks, parts = got["tot_marks"], got["tot_parts"]
        tot_stats = marks.join(parts, on="g", how="inner")
        bad = bad_groups(tot_stats)
        if bad.height:
            lookups.append(_lookup("_g_tot", bad["g"], bad["_mval"], size_tot, n).alias("_mtot"))
        missing_g = parts["g"].filter(~parts["g"].is_in(marks["g"].implode()))
        flags["total_missing"] = (pl.col("_real") & pl.col("_g_tot").is_in(missing_g.implode())) if missing_g.len() \
            else pl.lit(False)
    if lookups:
        work = work.with_columns(lookups)

    def exceeding(marker: str, mval: str) -> pl.Expr:
        if mval not in work.columns:
            return pl.lit(False)
        m = pl.col(mval)
        return (~pl.col(marker) & pl.col("_real") & pl.col("_fin") & m.is_finite() & (v > m * (1 + tol))).fill_null(False)

    if "_is_ref" in extra:
        flags["exceeds_reference"] = exceeding("_is_ref", "_mref")
    if "_is_total" in extra:
        flags["exceeds_total"] = exceeding("_is_total", "_mtot")
    # one unit per measure (the units of the whole table)
    mixed = ctx.mixed_units
    if mixed:
        is_mixed = pl.lit(ctx.flags_of("measure", mixed)).gather(pl.col("mc"))
        work = work.hstack([df["unit"].is_not_null().alias("_has_unit")])
        flags["mixed_units"] = pl.col("_real") & is_mixed & pl.col("_has_unit")
    # spellings, on the distinct labels of the whole table
    for col, rule, code_col in (("region", "region_spelling", "rc"), ("industry", "industry_spelling", "ic")):
        if ctx.spellings[col]:
            flags[rule] = pl.col("_real") & pl.lit(ctx.flags_of(col, ctx.spellings[col])).gather(pl.col(code_col))
    order = [r for r in FLAG if r in flags]
    if helpers:
        work = work.hstack(list(helpers.values()))
    work = work.with_columns([flags[r].alias(FLAG[r]) for r in order if r not in exprs])
    work = work.with_columns(pl.any_horizontal([pl.col(FLAG[r]) for r in order]).alias("_err"))
    failing = work.select([pl.col(FLAG[r]).any() for r in order]).row(0)
    failing = {r for r, f in zip(order, failing) if f}
    # message helpers of the rules that fail somewhere
    more: list[pl.Series] = []
    if "exceeds_reference" in failing:
        more.append(work.select(pl.when(FLAG["exceeds_reference"]).then(pl.col("_mref")).alias("_reference_value")).to_series())
    if "exceeds_total" in failing:
        more.append(work.select(pl.when(FLAG["exceeds_total"]).then(pl.col("_mtot")).alias("_total_value")).to_series())
    if "mixed_units" in failing:
        pos = [ctx.position("measure")[m] for m in mixed]
        text = _dense(nm + 1, pos, [", ".join(mixed[m]) for m in mixed], pl.String)
        more.append(text.gather(mc).alias("_units"))
    for col, code_s, size in (("region", rc, nr), ("industry", ic, ni)):
        if f"{col}_spelling" in failing:
            groups = ctx.spellings[col]
            pos = [ctx.position(col)[lab] for lab in groups]
            more.append(_dense(size + 1, pos, [", ".join(o) for o in groups.values()], pl.String)
                        .gather(code_s).alias(f"_others_{col}"))
    frame = df.hstack(list(helpers.values()) + more + [work[FLAG[r]] for r in order])
    t2 = time.perf_counter()
    checked = Checked(frame=frame, reference=reference_region, total=total_industry, active_flags=order, tidy=tidy_c,
                      codes=pl.DataFrame([s.alias(schema.CODES[c]) for c, s in
                                          (("region", rc), ("industry", ic), ("measure", mc))]))
    checked.partials = _warning_parts(df, work, ctx, any_err=bool(failing), ym_const=ym_const, tot_code=tot_code,
                                      ref_stats=ref_stats, tot_stats=tot_stats, tol=tol)
    checked.warnings, checked.missing_share = compose_warnings(
        checked.partials, reference=reference_region, total=total_industry, tolerance=tol,
        suppressed_share=suppressed_share)
    checked.seconds = {"context": round(t1 - t0, 3), "rules": round(t2 - t1, 3),
                       "warnings": round(time.perf_counter() - t2, 3)}
    return checked


# ---- warnings: small tables per partition, composed into warnings ----

_ROW = {"year": pl.Int32, "_row": pl.UInt32, "source_file": pl.String, "source_line": pl.Int64}
#: Columns of the partial tables the warnings are composed from (see :func:`compose_warnings`).
PARTIAL_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "missing": {"measure": pl.String, "year": pl.Int32, "cells": pl.Int64, "missing": pl.Int64},
    "region_sum": {"region": pl.String, "hits": pl.Int64, "groups": pl.Int64, **_ROW},
    "industry_sum": {"industry": pl.String, "hits": pl.Int64, "groups": pl.Int64, **_ROW},
    "encoding": {"order": pl.Int32, "column": pl.String, "label": pl.String, **_ROW},
    "parts_total": {"region": pl.String, "measure": pl.String, "year": pl.Int32, "parts": pl.Float64,
                    "total_value": pl.Float64, "source_file": pl.String, "source_line": pl.Int64},
    "parts_reference": {"measure": pl.String, "n_cells": pl.Int64, "n_over": pl.Int64, "industry": pl.String,
                        "year": pl.Int32, "parts": pl.Float64, "reference_value": pl.Float64,
                        "excess": pl.Float64, "source_file": pl.String, "source_line": pl.Int64},
    "zero_total": {"name": pl.String, "measure": pl.String, **_ROW},
    "zero_reference": {"name": pl.String, "measure": pl.String, **_ROW},
    "reference_value_missing": {"industry": pl.String, "measure": pl.String, **_ROW},
}

_FIRST = ["year", "_part", "_row"]      # "the first row": earliest year, then partition and row order
_ENCODING_COLUMNS = ("region", "industry", "region_name", "industry_name", "measure")


def _shape(name: str, frame: pl.DataFrame | None = None) -> pl.DataFrame:
    sch = PARTIAL_SCHEMAS[name]
    if frame is None:
        return pl.DataFrame(schema=sch)
    return frame.select([pl.col(c).cast(t) for c, t in sch.items()])


def _warning_parts(df: pl.DataFrame, work: pl.DataFrame, ctx: ValidationContext, *, any_err: bool, ym_const: bool,
                   tot_code: str | None, ref_stats: pl.DataFrame | None, tot_stats: pl.DataFrame | None,
                   tol: float) -> dict[str, pl.DataFrame]:
    """The partial tables of the warnings for one table or partition (rows without errors).

    ``work`` has the integer codes (``rc``, ``ic``, ``mc``, ``ym`` unless constant), value,
    year, source columns and the row masks ``_fin``, ``_real``, ``_err``, ``_is_ref``,
    ``_is_total``.
    """
    n = work.height
    v = pl.col("value")
    out: dict[str, pl.DataFrame] = {}
    regions = pl.Series(ctx.labels.get("region", ()) + (None,), dtype=pl.String)
    industries = pl.Series(ctx.labels.get("industry", ()) + (None,), dtype=pl.String)
    measures = pl.Series(ctx.labels.get("measure", ()) + (None,), dtype=pl.String)
    ok = ~pl.col("_err")
    lazy = work.lazy().with_row_index("_row")
    ym = pl.lit(0, pl.UInt32) if ym_const else pl.col("ym")
    one_year = n == 0 or work["year"].n_unique() == 1

    def by_year(frame: pl.LazyFrame) -> pl.LazyFrame:
        """Rows in the order "earliest year first, then row order" (already so within one year)."""
        return frame if one_year else frame.sort(["year", "_row"], nulls_last=True, maintain_order=True)
    # missing cells per measure x year
    if ym_const:
        cells, missing = ((n, df["value"].null_count()) if not any_err else
                          work.select(ok.sum().alias("c"), (ok & v.is_null()).sum().alias("m")).row(0))
        out["missing"] = _shape("missing", pl.DataFrame({
            "measure": [measures[work["mc"][0]]], "year": [work["year"][0]], "cells": [cells], "missing": [missing],
        }, schema=PARTIAL_SCHEMAS["missing"])) if cells else _shape("missing")
    else:
        out["missing"] = _shape("missing", lazy.filter(ok).group_by(ym.alias("g")).agg(
            pl.col("mc").first(), pl.col("year").first(), pl.len().alias("cells"),
            v.null_count().alias("missing")).collect().pipe(_decode, "mc", measures, "measure"))
    tol_sum = max(tol, 0.01)
    first = [pl.col(k).first() for k in _ROW]
    queries: dict[str, pl.LazyFrame] = {}
    # a region that is the sum of the other regions (an unnamed national row), on up to 50
    # industries: a heuristic, it need not see every cell
    cand = ok & pl.col("_fin") & pl.lit(ctx.sample_flags("industry")).gather(pl.col("ic"))
    if "_is_ref" in work.columns:
        cand = cand & ~pl.col("_is_ref")
    g = ["ic"] if ym_const else ["ic", "ym"]
    queries["region_sum"] = (
        lazy.filter(cand)
        .with_columns(v.sum().over(g).alias("_s"), pl.len().over(g).alias("_n"))
        .with_columns((((pl.col("_s") - 2 * v).abs() <= tol_sum * (pl.col("_s") - v))
                       & (pl.col("_n") >= 4) & (v > 0)).alias("_hit"))
        .pipe(by_year)
        .group_by("rc", maintain_order=True).agg(pl.col("_hit").sum().alias("hits"), pl.len().alias("groups"), *first))
    # an industry that is the sum of the other (leaf) industries (an unnamed total)
    cand = ok & pl.col("_fin") & pl.lit(ctx.sample_flags("region")).gather(pl.col("rc"))
    if "_is_total" in work.columns:
        cand = cand & ~pl.col("_is_total")
    g = ["rc"] if ym_const else ["rc", "ym"]
    leaf = pl.col("_sleaf")
    queries["industry_sum"] = (
        lazy.filter(cand).with_columns(pl.lit(ctx.leaf_flags(tot_code)).gather(pl.col("ic")).alias("_sleaf"))
        .with_columns(pl.when(leaf).then(v).otherwise(0.0).sum().over(g).alias("_s"), leaf.sum().over(g).alias("_n"))
        .with_columns(pl.when(leaf).then(pl.col("_s") - v).otherwise(pl.col("_s")).alias("_o"),
                      (pl.col("_n") - leaf.cast(pl.Int64)).alias("_no"))
        .with_columns((((v - pl.col("_o")).abs() <= tol_sum * pl.col("_o")) & (pl.col("_no") >= 3) & (v > 0)).alias("_hit"))
        .pipe(by_year)
        .group_by("ic", maintain_order=True).agg(pl.col("_hit").sum().alias("hits"), pl.len().alias("groups"), *first))
    # zero totals and missing reference values (the first 50, earliest years first)
    for name, marker, cond, code in (("zero_total", "_is_total", v == 0, "rc"),
                                     ("zero_reference", "_is_ref", v == 0, "ic"),
                                     ("reference_value_missing", "_is_ref", v.is_null(), "ic")):
        if marker in work.columns:
            queries[name] = (lazy.filter(pl.col(marker)).filter(ok & cond.fill_null(False)).pipe(by_year).head(50)
                             .select("mc", code, *_ROW))
    got = dict(zip(queries, pl.collect_all(list(queries.values()))))
    out["region_sum"] = _shape("region_sum", got["region_sum"].pipe(_decode, "rc", regions, "region"))
    out["industry_sum"] = _shape("industry_sum", got["industry_sum"].pipe(_decode, "ic", industries, "industry"))
    for name, code, labels, label in (("zero_total", "rc", regions, "name"), ("zero_reference", "ic", industries, "name"),
                                      ("reference_value_missing", "ic", industries, "industry")):
        out[name] = (_shape(name, got[name].pipe(_decode, code, labels, label).pipe(_decode, "mc", measures, "measure"))
                     if name in got else _shape(name))
    # labels garbled by a wrong encoding (found among the distinct labels of the whole table)
    found = []
    for order, col in enumerate(_ENCODING_COLUMNS):
        for lab in ctx.garbled.get(col, ()):
            m = (df[col] == lab).fill_null(False) & ~work["_err"]
            if m.any():
                first_row = (work.select("year", "source_file", "source_line").with_row_index("_row").filter(m)
                             .sort(["year", "_row"], nulls_last=True, maintain_order=True).head(1))
                found.append(first_row.with_columns(order=pl.lit(order), column=pl.lit(col), label=pl.lit(lab)))
    out["encoding"] = _shape("encoding", pl.concat(found)) if found else _shape("encoding")
    # parts that add up to more than their explicit total (leaf industries only)
    if tot_stats is not None:
        bad = (tot_stats.filter((pl.col("_psum") > pl.col("_mval") * (1 + tol)) & (pl.col("_n") > 1))
               .pipe(_decode, "rc", regions, "region").pipe(_decode, "mc", measures, "measure")
               .rename({"_psum": "parts", "_mval": "total_value"})
               .sort(["region", "year", "measure"], nulls_last=True).head(50))
        out["parts_total"] = _shape("parts_total", bad)
    else:
        out["parts_total"] = _shape("parts_total")
    if ref_stats is not None:
        b = (ref_stats.filter(pl.col("_n") > 1)
             # a zero reference is reported as zero_total; 0/0 must not count as an excess
             .with_columns(pl.when(pl.col("_mval") > 0).then(pl.col("_psum") / pl.col("_mval") - 1).alias("excess"))
             .pipe(_decode, "mc", measures, "measure").pipe(_decode, "ic", industries, "industry")
             .rename({"_psum": "parts", "_mval": "reference_value"}))
        counts = b.group_by("measure").agg(pl.len().alias("n_cells"), (pl.col("excess") > tol).sum().alias("n_over"))
        top = (b.filter(pl.col("excess") > tol).sort(["excess", "industry", "year"], descending=[True, False, False],
                                                       nulls_last=True)
               .group_by("measure", maintain_order=True).first())
        out["parts_reference"] = _shape("parts_reference", counts.join(top, on="measure", how="left"))
    else:
        out["parts_reference"] = _shape("parts_reference")
    return out


def _decode(frame: pl.DataFrame, code: str, labels: pl.Series, name: str) -> pl.DataFrame:
    """Add the label of an integer code column."""
    return frame.with_columns(labels.gather(frame[code]).alias(name))


def _num(v: float | None) -> str:
    if v is None:
        return "?"
    return str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else f"{v:.6g}"


def _fmt_share(x: float) -> str:
    return f"{100 * x:.0f}%"


def compose_warnings(partials: dict[str, pl.DataFrame], *, reference: str | None, total: str | None,
                     tolerance: float, suppressed_share: float) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Warnings and the missing share per measure x year from the partial tables.

    ``partials`` are those of one table (:attr:`Checked.partials`) or the concatenation of
    those of its partitions, with a ``_part`` column giving the partition order; the result
    is the same either way (counts add up, "the first row" is the earliest year's).

    >>> p = {k: _shape(k) for k in PARTIAL_SCHEMAS}
    >>> p["missing"] = _shape("missing", pl.DataFrame({"measure": ["m", "m"], "year": [2020, 2021],
    ...                                                "cells": [10, 10], "missing": [1, 6]}))
    >>> w, ms = compose_warnings(p, reference=None, total=None, tolerance=0.005, suppressed_share=0.2)
    >>> [(x["rule"], x["share"]) for x in w], [m["share"] for m in ms]
    ([('suppressed_share', '35%'), ('missing_share', '60%')], [0.1, 0.6])
    """
    P = {k: (f if "_part" in f.columns else f.with_columns(pl.lit(0, pl.UInt32).alias("_part")))
         for k, f in partials.items()}
    w: list[dict[str, Any]] = []
    ms = (P["missing"].group_by(["measure", "year"]).agg(pl.col("cells").sum(), pl.col("missing").sum())
          .with_columns((pl.col("missing") / pl.col("cells")).alias("share")).sort(["measure", "year"], nulls_last=True))
    missing_share = ms.to_dicts()
    per_measure = (ms.group_by("measure").agg(pl.col("cells").sum(), pl.col("missing").sum(), pl.len().alias("years"))
                   .with_columns((pl.col("missing") / pl.col("cells")).alias("share")).sort("measure"))
    multi_year = set(per_measure.filter(pl.col("years") > 1)["measure"].to_list())
    for row in per_measure.iter_rows(named=True):
        if row["share"] > suppressed_share:
            w.append({"rule": "suppressed_share", "measure": row["measure"], "share": _fmt_share(row["share"]),
                      "cells": row["cells"]})
    for m in ms.filter(pl.col("share") > suppressed_share).iter_rows(named=True):
        if m["measure"] in multi_year:
            w.append({"rule": "missing_share", "measure": m["measure"], "year": m["year"],
                      "share": _fmt_share(m["share"]), "cells": m["cells"]})
    for key, rule in (("region", "region_is_sum"), ("industry", "industry_is_sum")):
        hits = (P[f"{key}_sum"].sort(_FIRST, nulls_last=True, maintain_order=True)
                .group_by(key, maintain_order=True)
                .agg(pl.col("hits").sum(), pl.col("groups").sum(), pl.col("source_file").first(),
                     pl.col("source_line").first())
                .filter((pl.col("hits") >= 1) & (pl.col("hits") >= 0.9 * pl.col("groups"))).sort(key))
        for row in hits.iter_rows(named=True):
            w.append({"rule": rule, key: row[key], "groups": row["groups"],
                      "share": f"{row['hits']} of {row['groups']}", "file": row["source_file"],
                      "line": row["source_line"], "column": key, "value": row[key]})
    enc = (P["encoding"].sort(_FIRST, nulls_last=True, maintain_order=True)
           .group_by(["order", "column", "label"], maintain_order=True).first().sort(["order", "label"]))
    for row in enc.iter_rows(named=True):
        w.append({"rule": "suspect_encoding", "label": row["label"], "file": row["source_file"],
                  "line": row["source_line"], "column": row["column"], "value": row["label"]})
    pt = P["parts_total"].sort(["region", "year", "measure"], nulls_last=True).head(50)
    for row in pt.iter_rows(named=True):
        w.append({"rule": "parts_exceed_total", "region": row["region"], "measure": row["measure"], "year": row["year"],
                  "parts": _num(row["parts"]), "total": total, "total_value": _num(row["total_value"]),
                  "file": row["source_file"], "line": row["source_line"], "column": "value",
                  "value": _num(row["total_value"])})
    pr = P["parts_reference"]
    counts = pr.group_by("measure").agg(pl.col("n_cells").sum(), pl.col("n_over").sum())
    top = (pr.filter(pl.col("excess").is_not_null())
           .sort(["excess", "industry", "year"], descending=[True, False, False], nulls_last=True)
           .group_by("measure", maintain_order=True).first().drop("n_cells", "n_over"))
    for row in counts.filter(pl.col("n_over") > 0).join(top, on="measure", how="inner").sort("measure").iter_rows(named=True):
        w.append({"rule": "parts_exceed_reference", "industry": row["industry"], "measure": row["measure"],
                  "year": row["year"], "parts": _num(row["parts"]), "reference": reference,
                  "reference_value": _num(row["reference_value"]), "cells": f"{row['n_over']} of {row['n_cells']}",
                  "excess": f"{100 * row['excess']:.1f}%", "file": row["source_file"],
                  "line": row["source_line"], "column": "value", "value": _num(row["reference_value"])})
    for name, what in (("zero_total", "total of region"), ("zero_reference", "reference value of")):
        for row in P[name].sort(_FIRST, nulls_last=True, maintain_order=True).head(50).iter_rows(named=True):
            w.append({"rule": "zero_total", "what": what, "name": row["name"], "measure": row["measure"],
                      "year": row["year"], "file": row["source_file"], "line": row["source_line"],
                      "column": "value", "value": "0"})
    for row in P["reference_value_missing"].sort(_FIRST, nulls_last=True, maintain_order=True).head(50).iter_rows(named=True):
        w.append({"rule": "reference_value_missing", "reference": reference, "industry": row["industry"],
                  "measure": row["measure"], "year": row["year"], "file": row["source_file"],
                  "line": row["source_line"], "column": "value"})
    return w, missing_share


def reason_expr(rule: str) -> pl.Expr:
    """A per-row English reason for a flagged row (used in ``rejected.parquet``)."""
    v = pl.col("value").cast(pl.String)
    return {
        "key_null": pl.lit("empty region, industry or measure"),
        "duplicate_key": pl.format("region x industry x year x measure appears {} times", pl.col("_dup_count")),
        "negative_value": pl.format("negative value {}", v),
        "non_finite": pl.format("value {} is not a finite number", v),
        "year_range": pl.format("year {} is outside {}..{}", pl.col("year"), pl.lit(YEAR_MIN), pl.lit(YEAR_MAX)),
        "reference_missing": pl.lit("the reference region has no row for this measure and year"),
        "total_missing": pl.lit("the total industry has no row for this region, measure and year"),
        "exceeds_total": pl.format("value {} is larger than the total {}", v, pl.col("_total_value")),
        "exceeds_reference": pl.format("value {} is larger than the reference value {}", v, pl.col("_reference_value")),
        "mixed_units": pl.format("measure has several units ({})", pl.col("_units")),
        "region_spelling": pl.format("region also written as {}", pl.col("_others_region")),
        "industry_spelling": pl.format("industry also written as {}", pl.col("_others_industry")),
        "footnote_row": pl.lit("a note line read as a data row"),
    }[rule]
