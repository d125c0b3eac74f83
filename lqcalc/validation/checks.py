"""The rules computed with polars: one boolean flag column per error rule, plus warnings.

Row rules (negative value, empty key, year range) are plain expressions. Cross-row rules
(duplicate keys, a part larger than its total, the reference region missing for a year, two
units for one measure, two spellings of one region) need group-wise context, which Great
Expectations 1.x cannot express on one column; they are computed here as a boolean flag per
row and Great Expectations then checks each flag column
(``expect_column_values_to_be_in_set(value_set=[False])``), so the suite still counts them.

The same flags give the listing of offending rows (bounded) and the quarantine split.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from lqcalc import schema

YEAR_MIN = 1900
YEAR_MAX = 2100

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

_KEY_TEXT = ["region", "industry", "measure"]

#: Cell contents that mean "missing" and therefore cannot be a region, industry or measure.
KEY_MARKERS = ["—", "——", "-", "--", "…", "……", "...", "NA", "N/A", "n/a", "#N/A", "null", "NULL", "None", "*"]

# Latin letters around a CJK character: "Zürich" (Latin-1) decoded as GB18030 gives "Z黵ich".
_MOJIBAKE = re.compile(r"[A-Za-z][\u3400-\u4dbf\u4e00-\u9fff][A-Za-z]")

# Chinese administrative suffixes, longest first: 内蒙古自治区 / 内蒙古, 北京市 / 北京.
_ADMIN_SUFFIXES = sorted(
    ["省", "市", "自治区", "壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "地区", "自治州", "盟"],
    key=len, reverse=True,
)

_NOTE = re.compile(
    r"^\s*(注\s*[：:0-9０-９１-９()（）]|注$|数据来源|资料来源|来源[：:]|说明[：:]|备注|"
    r"notes?\s*[:.0-9]|sources?\s*[:.]|footnotes?\b|\*|†|‡|[①-⑳])",
    re.IGNORECASE,
)


def looks_like_note(text: str | None) -> bool:
    """Whether a region or industry label is a footnote or source line read as a row.

    >>> looks_like_note("注：2015年数据为经济普查修订数"), looks_like_note("数据来源：国家统计局")
    (True, True)
    >>> looks_like_note("Source: BLS"), looks_like_note("北京市"), looks_like_note("Sources of Funds")
    (True, False, False)
    """
    if text is None:
        return False
    t = str(text)
    return bool(_NOTE.match(t)) or len(t) > 80


def normalize_label(text: str, *, region: bool) -> str:
    """A spelling-insensitive key: width, case, spaces, punctuation, admin suffixes, zeros.

    >>> normalize_label("内蒙古自治区", region=True) == normalize_label("内蒙古", region=True)
    True
    >>> normalize_label("  New  York ", region=True) == normalize_label("new york", region=True)
    True
    >>> normalize_label("0161", region=False) == normalize_label("161", region=False)
    True
    >>> normalize_label("31-33", region=False) == normalize_label("31", region=False)
    False
    """
    t = unicodedata.normalize("NFKC", text).casefold()
    t = "".join(ch for ch in t if not unicodedata.category(ch)[0] in "PZ" and not ch.isspace())
    if region:
        for suf in _ADMIN_SUFFIXES:
            if t.endswith(suf) and len(t) > len(suf) + 1:
                t = t[: -len(suf)]
                break
    if t.isdigit():
        t = t.lstrip("0") or "0"
    return t


def spelling_groups(labels: list[str], *, region: bool) -> dict[str, list[str]]:
    """Labels that share a normalized key with another label: ``{label: [other spellings]}``.

    >>> spelling_groups(["内蒙古", "内蒙古自治区", "北京市"], region=True)
    {'内蒙古': ['内蒙古自治区'], '内蒙古自治区': ['内蒙古']}
    """
    by_key: dict[str, list[str]] = {}
    for lab in labels:
        if lab is None:
            continue
        by_key.setdefault(normalize_label(lab, region=region), []).append(lab)
    out: dict[str, list[str]] = {}
    for group in by_key.values():
        if len(group) > 1:
            for lab in group:
                out[lab] = [o for o in group if o != lab]
    return out


@dataclass
class Checked:
    """The table with flag columns, the structural problems and the warnings found."""

    frame: pl.DataFrame | None
    structural: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    missing_share: list[dict[str, Any]] = field(default_factory=list)
    reference: str | None = None
    total: str | None = None
    active_flags: list[str] = field(default_factory=list)
    total_stats: pl.DataFrame | None = None
    reference_stats: pl.DataFrame | None = None


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


def _match(frame: pl.DataFrame, code_col: str, name_col: str, wanted: str, option: str) -> pl.Expr:
    """Expression selecting the rows of a named reference region / total industry."""
    from lqcalc.totals import resolve_code

    return pl.col(code_col) == resolve_code(frame, code_col, name_col, wanted, option)


def compute(tidy: pl.DataFrame, *, reference_region: str | None, total_industry: str | None,
            tolerance: float, suppressed_share: float = 0.2,
            year_min: int = YEAR_MIN, year_max: int = YEAR_MAX) -> Checked:
    """Compute every polars-side rule.

    Returns a :class:`Checked` whose ``frame`` has the tidy columns, ``_row`` (0-based row
    index in ``tidy``), one ``_f_*`` boolean flag per active error rule and helper columns
    used in messages (``_dup_count``, ``_total_value``, ``_reference_value``, ``_units``).
    ``frame`` is None when the table is structurally unusable.
    """
    structural = structure(tidy)
    if structural:
        return Checked(frame=None, structural=structural)
    df = schema.conform(tidy).with_row_index("_row")
    # blank text and missing markers (—, ..., NA) count as empty keys (found among the
    # distinct labels, so that a clean 10M-row table costs nothing here)
    blank = {}
    for c in _KEY_TEXT:
        labels = df[c].drop_nulls().unique()
        bad = labels.filter((labels.str.strip_chars(" \t\u3000").str.len_chars() == 0)
                            | labels.str.strip_chars(" \t\u3000").is_in(pl.Series(KEY_MARKERS).implode()))
        if bad.len():
            blank[c] = bad
    if blank:
        df = df.with_columns([pl.when(pl.col(c).is_in(b.implode())).then(pl.col(c)).alias(f"_raw_{c}")
                              for c, b in blank.items()])
        df = df.with_columns([pl.when(pl.col(c).is_in(b.implode())).then(None).otherwise(pl.col(c)).alias(c)
                              for c, b in blank.items()])
    tol = float(tolerance)
    v = pl.col("value")
    flags: dict[str, pl.Expr] = {
        "key_null": pl.any_horizontal([pl.col(c).is_null() for c in _KEY_TEXT]),
        "negative_value": (v < 0).fill_null(False),
        "non_finite": (v.is_nan() | v.is_infinite()).fill_null(False),
        "year_range": ((pl.col("year") < year_min) | (pl.col("year") > year_max)).fill_null(False),
    }
    # notes read as rows and rows without keys are reported once, and kept out of the
    # cross-row rules (a note is not a region that lacks its total)
    notes = [lab for c in ("region", "industry") for lab in df[c].drop_nulls().unique().to_list() if looks_like_note(lab)]
    if notes:
        flags["footnote_row"] = pl.col("region").is_in(notes).fill_null(False) | pl.col("industry").is_in(notes).fill_null(False)
    primary = flags["key_null"] | flags.get("footnote_row", pl.lit(False))
    df = _duplicates(df.with_columns(primary.alias("_primary")))
    flags["duplicate_key"] = pl.col("_dup_count") > 1
    real = ~pl.col("_primary")
    # One group-by per check gives, for every reference / total group, the largest part and
    # the sum of the parts; rows are joined back only when some group breaks the rule (much
    # faster than window functions or joins over 10M rows).
    fin = v.is_finite().fill_null(False)

    def part_stats(frame: pl.DataFrame, marker: str, keys: list[str], leaf: pl.Expr) -> pl.DataFrame:
        # plain columns first: expressions inside agg() are evaluated group by group
        parts = (frame.lazy().filter(real & ~pl.col(marker))
                 .select(*keys, pl.when(fin).then(v).alias("_pv"), pl.when(fin & leaf).then(v).alias("_lv"))
                 .group_by(keys).agg(pl.col("_pv").max().alias("_pmax"), pl.col("_lv").sum().alias("_psum"),
                                     pl.col("_lv").count().alias("_n"))
                 .collect())
        marks = frame.filter(pl.col(marker)).group_by(keys).agg(
            v.max().alias("_mval"), pl.col("source_file").first(), pl.col("source_line").first())
        return marks.join(parts, on=keys, how="inner", nulls_equal=True)

    def exceeding(frame: pl.DataFrame, stats: pl.DataFrame, marker: str, keys: list[str], name: str
                  ) -> tuple[pl.DataFrame, pl.Expr]:
        bad = stats.filter(pl.col("_mval").is_finite() & (pl.col("_pmax") > pl.col("_mval") * (1 + tol)))
        if bad.height == 0:
            return frame.with_columns(pl.lit(None, pl.Float64).alias(name)), pl.lit(False)
        frame = frame.join(bad.select(*keys, pl.col("_mval").alias(name)), on=keys, how="left",
                           nulls_equal=True, maintain_order="left")
        return frame, (~pl.col(marker) & real & fin & (v > pl.col(name) * (1 + tol))).fill_null(False)

    def lacking(frame: pl.DataFrame, marker: str, keys: list[str]) -> tuple[pl.DataFrame, pl.Expr]:
        """Flag rows whose ``keys`` group has no ``marker`` row (a join only when some group lacks it)."""
        groups = frame.filter(real).select(keys).unique()
        have = frame.filter(pl.col(marker)).select(keys).unique()
        missing = groups.join(have, on=keys, how="anti", nulls_equal=True)
        if missing.height == 0:
            return frame, pl.lit(False)
        name = f"_lacks{marker}"
        frame = frame.join(missing.with_columns(pl.lit(True).alias(name)), on=keys, how="left",
                           nulls_equal=True, maintain_order="left")
        return frame, real & pl.col(name).fill_null(False)

    ref_stats = tot_stats = None
    if reference_region:
        is_ref = _match(df, "region", "region_name", reference_region, "--reference-region").fill_null(False)
        df = df.with_columns((is_ref & real).alias("_is_ref"))
        df, flags["reference_missing"] = lacking(df, "_is_ref", ["year", "measure"])
        keys = ["industry", "year", "measure"]
        ref_stats = part_stats(df, "_is_ref", keys, pl.lit(True))
        df, flags["exceeds_reference"] = exceeding(df, ref_stats, "_is_ref", keys, "_reference_value")
    if total_industry:
        is_tot = _match(df, "industry", "industry_name", total_industry, "--total-industry").fill_null(False)
        df = df.with_columns((is_tot & real).alias("_is_total"))
        df, flags["total_missing"] = lacking(df, "_is_total", ["region", "year", "measure"])
        keys = ["region", "year", "measure"]
        # leaf industries only in the sum of the parts: nested codes would be counted twice
        leaves = _leaves(df.filter(~pl.col("_is_total"))["industry"].drop_nulls().unique().to_list())
        leaf = pl.col("industry").is_in(pl.Series(leaves, dtype=pl.String).implode()).fill_null(False)
        tot_stats = part_stats(df, "_is_total", keys, leaf)
        df, flags["exceeds_total"] = exceeding(df, tot_stats, "_is_total", keys, "_total_value")
    # one unit per measure
    units = (df.lazy().filter(pl.col("unit").is_not_null() & real).group_by("measure")
             .agg(pl.col("unit").unique().sort().alias("_units")).collect())
    mixed = units.filter(pl.col("_units").list.len() > 1)
    if mixed.height:
        df = df.join(mixed.with_columns(pl.col("_units").list.join(", ")), on="measure", how="left",
                     nulls_equal=True, maintain_order="left")
        flags["mixed_units"] = real & pl.col("_units").is_not_null() & pl.col("unit").is_not_null()
    # spellings, on distinct labels
    for col, rule, is_region in (("region", "region_spelling", True), ("industry", "industry_spelling", False)):
        labels = df.filter(real)[col].drop_nulls().unique().to_list()
        groups = spelling_groups(labels, region=is_region)
        if groups:
            m = pl.DataFrame({col: list(groups), f"_others_{col}": [", ".join(o) for o in groups.values()]},
                             schema={col: pl.String, f"_others_{col}": pl.String})
            df = df.join(m, on=col, how="left", maintain_order="left")
            flags[rule] = real & pl.col(f"_others_{col}").is_not_null()
    order = [r for r in FLAG if r in flags]
    df = df.with_columns([flags[rule].alias(FLAG[rule]) for rule in order])
    if not df["_row"].is_sorted():  # joins keep the left order; this is a guard
        df = df.sort("_row")
    checked = Checked(frame=df, reference=reference_region, total=total_industry,
                      active_flags=[r for r in FLAG if r in flags], total_stats=tot_stats, reference_stats=ref_stats)
    _warnings(checked, tol=tol, suppressed_share=suppressed_share)
    return checked


def _duplicates(df: pl.DataFrame) -> pl.DataFrame:
    """Add ``_dup_count`` (rows sharing the key) without a 10M-group hash aggregation.

    Rows are hashed on the key; only rows whose hash occurs twice (true duplicates and the
    rare hash collisions) are grouped exactly on the key.
    """
    h = df.select(pl.struct(schema.KEY).hash().alias("h"))["h"]
    srt = h.sort()
    dup_hashes = srt.filter((srt == srt.shift(1)).fill_null(False)).unique()
    if dup_hashes.len() == 0:
        return df.with_columns(pl.lit(1, pl.UInt32).alias("_dup_count"))
    cand = h.is_in(dup_hashes.implode())
    counts = (df.filter(cand).group_by(schema.KEY).agg(pl.len().cast(pl.UInt32).alias("_dup_count")))
    return (df.join(counts, on=schema.KEY, how="left", nulls_equal=True, maintain_order="left")
            .with_columns(pl.col("_dup_count").fill_null(1)))


def _sample_values(frame: pl.DataFrame, col: str, n: int = 50) -> pl.DataFrame:
    """Rows of ``frame`` whose ``col`` is among ``n`` of its distinct values (spread evenly)."""
    vals = frame[col].unique().sort()
    if vals.len() <= n:
        return frame
    step = vals.len() / n
    keep = vals.gather([int(i * step) for i in range(n)])
    return frame.filter(pl.col(col).is_in(keep.implode()))


def _num(v: float | None) -> str:
    if v is None:
        return "?"
    return str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else f"{v:.6g}"


def _fmt_share(x: float) -> str:
    return f"{100 * x:.0f}%"


def _warnings(checked: Checked, *, tol: float, suppressed_share: float) -> None:
    df = checked.frame
    assert df is not None
    err = pl.any_horizontal([pl.col(FLAG[r]) for r in checked.active_flags]) if checked.active_flags else pl.lit(False)
    need = [c for c in ("region", "industry", "region_name", "industry_name", "measure", "year", "value",
                        "source_file", "source_line", "_is_ref", "_is_total") if c in df.columns]
    ok = df.select(need) if not df.select(err.any()).item() else df.filter(~err).select(need)
    w = checked.warnings
    # missing share per measure x year (all of it is reported; above the threshold also warned)
    ms = (ok.group_by(["measure", "year"]).agg(pl.len().alias("cells"), pl.col("value").null_count().alias("missing"))
          .with_columns((pl.col("missing") / pl.col("cells")).alias("share")).sort(["measure", "year"], nulls_last=True))
    checked.missing_share = ms.to_dicts()
    per_measure = (ok.group_by("measure").agg(pl.len().alias("cells"), pl.col("value").null_count().alias("missing"),
                                              pl.col("year").n_unique().alias("years"))
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
    tol_sum = max(tol, 0.01)
    # a region that is the sum of the other regions (an unnamed national row)
    # (on up to 50 industries: a heuristic, it need not see every cell)
    cand = _sample_values(ok.filter(pl.col("value").is_not_null() & pl.col("value").is_finite()), "industry")
    if checked.reference:
        cand = cand.filter(~pl.col("_is_ref"))
    if cand.height:
        g = ["industry", "year", "measure"]
        hits = (cand.with_columns(pl.col("value").sum().over(g).alias("_s"), pl.len().over(g).alias("_n"))
                .with_columns((((pl.col("_s") - 2 * pl.col("value")).abs() <= tol_sum * (pl.col("_s") - pl.col("value")))
                               & (pl.col("_n") >= 4) & (pl.col("value") > 0)).alias("_hit"))
                .group_by("region").agg(pl.col("_hit").sum().alias("hits"), pl.len().alias("groups"),
                                        pl.col("source_file").first(), pl.col("source_line").first())
                .filter((pl.col("hits") >= 1) & (pl.col("hits") >= 0.9 * pl.col("groups"))).sort("region"))
        for row in hits.iter_rows(named=True):
            w.append({"rule": "region_is_sum", "region": row["region"], "groups": row["groups"],
                      "share": f"{row['hits']} of {row['groups']}", "file": row["source_file"], "line": row["source_line"],
                      "column": "region", "value": row["region"]})
    # an industry that is the sum of the other (leaf) industries (an unnamed total)
    cand = _sample_values(ok.filter(pl.col("value").is_not_null() & pl.col("value").is_finite()), "region")
    if checked.total:
        cand = cand.filter(~pl.col("_is_total"))
    if cand.height:
        leaves = _leaves(cand["industry"].unique().to_list())
        g = ["region", "year", "measure"]
        c2 = cand.with_columns(pl.col("industry").is_in(leaves).alias("_leaf"))
        hits = (c2.with_columns(pl.when(pl.col("_leaf")).then(pl.col("value")).otherwise(0.0).sum().over(g).alias("_s"),
                                pl.col("_leaf").sum().over(g).alias("_n"))
                .with_columns(pl.when(pl.col("_leaf")).then(pl.col("_s") - pl.col("value")).otherwise(pl.col("_s")).alias("_o"),
                              (pl.col("_n") - pl.col("_leaf").cast(pl.Int64)).alias("_no"))
                .with_columns((((pl.col("value") - pl.col("_o")).abs() <= tol_sum * pl.col("_o"))
                               & (pl.col("_no") >= 3) & (pl.col("value") > 0)).alias("_hit"))
                .group_by("industry").agg(pl.col("_hit").sum().alias("hits"), pl.len().alias("groups"),
                                          pl.col("source_file").first(), pl.col("source_line").first())
                .filter((pl.col("hits") >= 1) & (pl.col("hits") >= 0.9 * pl.col("groups"))).sort("industry"))
        for row in hits.iter_rows(named=True):
            w.append({"rule": "industry_is_sum", "industry": row["industry"], "groups": row["groups"],
                      "share": f"{row['hits']} of {row['groups']}", "file": row["source_file"], "line": row["source_line"],
                      "column": "industry", "value": row["industry"]})
    # labels garbled by a wrong encoding
    for col in ("region", "industry", "region_name", "industry_name", "measure"):
        for lab in ok[col].drop_nulls().unique().sort().to_list():
            if _MOJIBAKE.search(lab):
                row = ok.filter(pl.col(col) == lab).row(0, named=True)
                w.append({"rule": "suspect_encoding", "label": lab, "file": row["source_file"],
                          "line": row["source_line"], "column": col, "value": lab})
    # parts that add up to more than their explicit total (leaf industries only: nested codes
    # would be counted twice; a warning, as named sub-items such as 其中 rows can overlap)
    if checked.total_stats is not None:
        g = ["region", "year", "measure"]
        bad = (checked.total_stats.filter((pl.col("_psum") > pl.col("_mval") * (1 + tol)) & (pl.col("_n") > 1))
               .sort(g, nulls_last=True))
        for row in bad.head(50).iter_rows(named=True):
            w.append({"rule": "parts_exceed_total", "region": row["region"], "measure": row["measure"], "year": row["year"],
                      "parts": _num(row["_psum"]), "total": checked.total, "total_value": _num(row["_mval"]),
                      "file": row["source_file"], "line": row["source_line"], "column": "value", "value": _num(row["_mval"])})
    if checked.reference_stats is not None:
        bad = (checked.reference_stats.rename({"_psum": "_parts", "_mval": "_ref"})
               .filter(pl.col("_n") > 1)
               # a zero reference is reported as zero_total; 0/0 must not count as an excess
               .with_columns(pl.when(pl.col("_ref") > 0).then(pl.col("_parts") / pl.col("_ref") - 1).alias("_excess")))
        # one warning per measure: overlapping or extra regions show up in many cells at once
        for measure in bad.filter(pl.col("_excess") > tol)["measure"].unique().sort().to_list():
            mb = bad.filter(pl.col("measure") == measure)
            over = mb.filter(pl.col("_excess") > tol).sort("_excess", descending=True)
            row = over.row(0, named=True)
            w.append({"rule": "parts_exceed_reference", "industry": row["industry"], "measure": measure,
                      "year": row["year"], "parts": _num(row["_parts"]), "reference": checked.reference,
                      "reference_value": _num(row["_ref"]), "cells": f"{over.height} of {mb.height}",
                      "excess": f"{100 * row['_excess']:.1f}%", "file": row["source_file"],
                      "line": row["source_line"], "column": "value", "value": _num(row["_ref"])})
    # zero totals and missing reference values
    if checked.total:
        for row in ok.filter(pl.col("_is_total") & (pl.col("value") == 0)).head(50).iter_rows(named=True):
            w.append({"rule": "zero_total", "what": "total of region", "name": row["region"], "measure": row["measure"],
                      "year": row["year"], "file": row["source_file"], "line": row["source_line"], "column": "value", "value": "0"})
    if checked.reference:
        for row in ok.filter(pl.col("_is_ref") & (pl.col("value") == 0)).head(50).iter_rows(named=True):
            w.append({"rule": "zero_total", "what": "reference value of", "name": row["industry"], "measure": row["measure"],
                      "year": row["year"], "file": row["source_file"], "line": row["source_line"], "column": "value", "value": "0"})
        for row in ok.filter(pl.col("_is_ref") & pl.col("value").is_null()).head(50).iter_rows(named=True):
            w.append({"rule": "reference_value_missing", "reference": checked.reference, "industry": row["industry"],
                      "measure": row["measure"], "year": row["year"], "file": row["source_file"],
                      "line": row["source_line"], "column": "value"})


def _leaves(codes: list[str]) -> list[str]:
    try:
        from lqcalc.hierarchy import leaf_codes
    except ImportError:  # pragma: no cover - hierarchy module not present
        return [c for c in codes if c is not None]
    return sorted(leaf_codes([c for c in codes if c is not None]))


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
