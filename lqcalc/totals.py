"""Region totals and the reference economy: the denominators of every indicator.

Rules (see docs/methodology.md, "Notation"):

* ``x[r,*]`` region total: the explicit all-industry row (``--total-industry``) when given,
  otherwise the sum of the industries, which must then all be leaves of the code hierarchy.
* ``x[R,i]`` reference value: the explicit reference-region row (``--reference-region``) when
  given, otherwise the sum over regions.
* ``x[R,*]`` reference total: the reference region's all-industry row, or the matching sum.

An explicit row always wins over a computed sum: the parts need not add up to it
(suppressed cells, regions left out, overlapping areas). Sums skip missing cells but a sum of
nothing is null, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from lqcalc import schema
from lqcalc.errors import UsageError, closest, did_you_mean
from lqcalc.hierarchy import leaf_codes, looks_like_total, nested_pairs, region_groups

GROUP = ["year", "measure"]


@dataclass
class Totals:
    """The base frame (tidy + denominators) and what was decided on the way."""

    base: pl.DataFrame
    reference_region: str | None
    total_industry: str | None
    warnings: list[str] = field(default_factory=list)


def resolve_code(frame: pl.DataFrame, code_col: str, name_col: str, given: str, option: str) -> str:
    """The code ``given`` names: itself when it is a code, else the one code of that name.

    ``--reference-region 全国`` finds region ``000000`` when the readers named it so.
    Raises :class:`UsageError` with a "did you mean" or the closest codes and names otherwise.
    """
    given = str(given)
    if frame.height == 0 or (frame[code_col] == given).any():
        return given
    named = frame.filter(pl.col(name_col).str.strip_chars() == given.strip())[code_col].unique().drop_nulls()
    if named.len() == 1:
        return named[0]
    if named.len() > 1:
        raise UsageError(f"{option} {given!r} names several codes: {', '.join(sorted(named.to_list()))}",
                         hint=f"give the code instead, e.g. {option} {sorted(named.to_list())[0]!r}")
    choices = sorted(set(frame[code_col].drop_nulls().unique().to_list() + frame[name_col].drop_nulls().unique().to_list()))
    raise UsageError(
        f"{option} {given!r} is not in the input (neither a {code_col} code nor a name)",
        hint=did_you_mean(given, choices) or "closest values in the input: " + ", ".join(repr(c) for c in closest(given, choices)),
    )


def _nonnull_sum(expr: pl.Expr, over: list[str]) -> pl.Expr:
    """Sum over a window, null (not 0) when every part is missing."""
    return pl.when(expr.count().over(over) > 0).then(expr.sum().over(over)).otherwise(None)


def _varying(tidy: pl.DataFrame, cols: list[str]) -> list[str]:
    """The columns of ``cols`` that take more than one value (nulls count as a value).

    >>> _varying(pl.DataFrame({"year": [2020, 2021], "measure": ["emp", "emp"]}), ["year", "measure"])
    ['year']
    """
    if tidy.height == 0:
        return list(cols)
    one = set(schema.one_valued(tidy, cols))
    return [c for c in cols if c not in one]


def _over(expr: pl.Expr, keys: list[str]) -> pl.Expr:
    """``expr`` over the window ``keys``, or over the whole frame when there are none."""
    return expr.over(keys) if keys else expr


def _non_additive_measures(tidy: pl.DataFrame) -> list[tuple[str, str]]:
    """(measure, unit) pairs whose unit may not be summed (percent, ratios)."""
    from lqcalc.units import is_additive

    # run-length encode first: measure and unit come in long runs, so the unique is on few rows
    runs = tidy.select(pl.struct("measure", "unit").rle().struct.field("value")).unnest("value")
    pairs = runs.unique().drop_nulls().sort("measure").rows()
    return [(m, u) for m, u in pairs if not is_additive(u)]


def attach_totals(tidy: pl.DataFrame, reference_region: str | None = None, total_industry: str | None = None,
                  years: list | None = None) -> Totals:
    """Add ``region_total``, ``reference_value``, ``reference_total`` and flags to the tidy table.

    ``years``: the base keeps the rows of these years only (and rows without a year); the
    checks below still see every row. The denominators of a year come from its own rows,
    so they are the same either way.

    Raises :class:`UsageError` when the denominators are ambiguous: nested industry codes or an
    all-industry code without ``total_industry``, nested region codes without
    ``reference_region``, or a named reference region / total industry that is not there.

    >>> t = pl.DataFrame({"region": ["A", "A", "B", "B"], "industry": ["x", "y", "x", "y"],
    ...                   "measure": "emp", "value": [1.0, 3.0, 2.0, 2.0]})
    >>> from lqcalc.schema import conform
    >>> attach_totals(conform(t)).base.select("region", "industry", "region_total", "reference_value", "reference_total").rows()
    [('A', 'x', 4.0, 3.0, 8.0), ('A', 'y', 4.0, 5.0, 8.0), ('B', 'x', 4.0, 3.0, 8.0), ('B', 'y', 4.0, 5.0, 8.0)]
    """
    warnings: list[str] = []
    if reference_region is not None:
        reference_region = resolve_code(tidy, "region", "region_name", reference_region, "--reference-region")
    if total_industry is not None:
        total_industry = resolve_code(tidy, "industry", "industry_name", total_industry, "--total-industry")

    # integer codes of region and industry (lqcalc.tables.codes.with_codes), when the caller
    # made them: windows and lookups on UInt32 keys instead of strings
    coded = "_rc" in tidy.columns and "_ic" in tidy.columns
    rkey, ikey = ("_rc", "_ic") if coded else ("region", "industry")
    industries = (tidy.lazy().group_by(ikey).agg(pl.col("industry").first(), pl.col("industry_name").first())
                  .filter(pl.col("industry").is_not_null()).sort("industry").collect()
                  if coded else
                  tidy.select("industry", "industry_name").unique("industry", keep="first").sort("industry"))
    codes = industries["industry"].to_list()
    if total_industry is None:
        totals = [c for c, n in industries.select("industry", "industry_name").iter_rows() if looks_like_total(c, n)]
        pairs = nested_pairs(codes, limit=3)
        if totals or pairs:
            what = (
                f"an all-industry code ({', '.join(repr(t) for t in totals[:3])})" if totals
                else "codes nested in each other (" + ", ".join(f"{p!r} contains {c!r}" for p, c in pairs) + ")"
            )
            raise UsageError(
                f"the industry codes include {what}, so summing them would count the same jobs "
                "more than once",
                hint=(f"pass --total-industry {totals[0]!r} to use the explicit total row"
                      if totals else "pass --total-industry CODE naming the all-industry row, or keep only "
                      "one level of the classification in the input"),
            )
    leaves = leaf_codes([c for c in codes if c != total_industry])

    if reference_region is None:
        regions = tidy["region"].unique().drop_nulls().to_list()
        rpairs = nested_pairs(regions, limit=3, groups=region_groups(regions))
        if rpairs:
            raise UsageError(
                "the region codes are nested (" + ", ".join(f"{p!r} contains {c!r}" for p, c in rpairs)
                + "), so summing regions would count them twice",
                hint="pass --reference-region CODE naming the reference economy's row, or keep one level of regions",
            )
        suspect = _sum_of_others(tidy, total_industry)
        if suspect:
            warnings.append(
                f"region {suspect!r} looks like the sum of the other regions; if it is the reference "
                f"economy, pass --reference-region {suspect!r}"
            )

    if years is not None:
        tidy = tidy.filter(pl.col("year").is_in([y for y in years if y is not None]) | pl.col("year").is_null())
    # rates (percent, ratios) are never summed; the run names them once (lqcalc.rates)
    non_additive = _non_additive_measures(tidy)
    additive = ~pl.col("measure").is_in([m for m, _ in non_additive])
    value = pl.col("value")
    is_total = (pl.col("industry") == total_industry) if total_industry is not None else pl.lit(False)
    is_ref = (pl.col("region") == reference_region) if reference_region is not None else pl.lit(False)
    # a column with one value (one measure, one year) splits nothing: leaving it out of the
    # window keys gives the same groups and hashes one column less per row (10M rows: ~40 %)
    group = _varying(tidy, GROUP)
    region_keys = [rkey, *group]
    industry_keys = [ikey, *group]

    if total_industry is not None:
        region_total = value.filter(is_total).first().over(region_keys)
    else:
        region_total = _nonnull_sum(value, region_keys)

    if reference_region is not None:
        reference_value = value.filter(is_ref).first().over(industry_keys)
        if total_industry is not None:
            reference_total = _over(value.filter(is_ref & is_total).first(), group)
        else:
            ref_vals = value.filter(is_ref)
            reference_total = pl.when(_over(ref_vals.count(), group) > 0).then(_over(ref_vals.sum(), group))
    else:
        reference_value = _nonnull_sum(value, industry_keys)
        tot_vals = value.filter(is_total) if total_industry is not None else value
        reference_total = pl.when(_over(tot_vals.count(), group) > 0).then(_over(tot_vals.sum(), group))

    computed_region = total_industry is None
    computed_reference = reference_region is None
    base = tidy.with_columns(
        (pl.when(additive).then(region_total) if computed_region else region_total).alias("region_total"),
        (pl.when(additive).then(reference_value) if computed_reference else reference_value).alias("reference_value"),
        (pl.when(additive).then(reference_total) if computed_reference or computed_region else reference_total
         ).alias("reference_total"),
        is_ref.alias("is_reference_region"),
        is_total.alias("is_total_industry"),
        (pl.col("_ic").is_in(industries.filter(pl.col("industry").is_in(sorted(leaves)))["_ic"].implode())
         if coded else pl.col("industry").is_in(sorted(leaves))).fill_null(False).alias("is_leaf"),
    )
    return Totals(base, reference_region, total_industry, warnings)


#: Rows from which the sum per region is a numpy bincount: a smaller table (an NBS export) is
#: summed by polars, without importing numpy (0.06 s) for it.
NUMPY_ROWS = 100_000


def _sum_of_others(tidy: pl.DataFrame, total_industry: str | None, rel_tol: float = 0.01) -> str | None:
    """The region whose values are (within ``rel_tol``) the sum of all the others, if any.

    >>> t = pl.DataFrame({"region": ["A", "B", "C", "US"], "value": [1.0, 2.0, 3.0, 6.0]})
    >>> _sum_of_others(t, None), _sum_of_others(t.with_columns(_rc=pl.Series([0, 1, 2, 3], dtype=pl.UInt32)), None)
    ('US', 'US')
    """
    df = tidy if total_industry is None else tidy.filter(pl.col("industry") == total_industry)
    if "_rc" in df.columns and not df["_rc"].has_nulls() and df.height >= NUMPY_ROWS:
        # the integer region codes (positions, lqcalc.tables.codes): one bincount, no hashing
        # (4M rows: 0.13 -> 0.04 s of CPU); a test within rel_tol needs no exact summation order
        import numpy as np

        sums = np.bincount(df["_rc"].to_numpy(), weights=df["value"].fill_null(0.0).to_numpy())
        positive = sums[sums > 0]
        if len(positive) < 3:
            return None
        code = int(np.argmax(sums))
        top = (df.filter(pl.col("_rc") == code)["region"][0], float(sums[code]))
        grand = float(positive.sum())
    else:
        per_region = df.group_by("region").agg(pl.col("value").sum().alias("s")).filter(pl.col("s") > 0)
        if per_region.height < 3:
            return None
        grand = per_region["s"].sum()
        top = per_region.sort(["s", "region"], descending=[True, False]).row(0)   # ties: the first label
    others = grand - top[1]
    if others > 0 and abs(top[1] - others) <= rel_tol * others:
        return top[0]
    return None
