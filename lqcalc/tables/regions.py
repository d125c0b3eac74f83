"""The ``regions`` table: specialization and diversity of every region x year x measure over
its leaf industries (:mod:`lqcalc.metrics.specialization`, :mod:`lqcalc.metrics.concentration`)."""

from __future__ import annotations

import functools
from typing import Any

import polars as pl

from lqcalc.metrics import concentration as conc
from lqcalc.metrics import specialization as sp
from lqcalc.metrics._safe import first_reason, join_reasons, safe_div
from lqcalc.tables.codes import by_code, first_of_codes, with_codes
from lqcalc.tables.engine import ENGINE, ROW_ENGINE
from lqcalc.tables.keys import pack_keys
from lqcalc.tables.order import sorted_rows
from lqcalc.tables.sums import with_closed_shares


def industry_groups(codes: list[str], digits: int) -> dict[str, str | None]:
    """Group of each leaf industry code for related/unrelated variety.

    The nearest ancestor present among ``codes`` when there is one (a division above its
    classes), otherwise the first ``digits`` characters of a code longer than ``digits``;
    ``None`` for codes that have no group (names, or codes too short).

    >>> industry_groups(["0111", "0112", "0510", "A"], 2)
    {'0111': '01', '0112': '01', '0510': '05', 'A': None}
    """
    from lqcalc.hierarchy import parent_map

    pm = parent_map(codes)
    out: dict[str, str | None] = {}
    for c in codes:
        if c in pm:
            out[c] = pm[c]
        elif len(c) > digits and c[:digits].isalnum() and any(ch.isdigit() for ch in c):
            out[c] = c[:digits]
        else:
            out[c] = None
    return out


@functools.lru_cache(maxsize=8)
def _group_ids(codes: tuple[str, ...], digits: int) -> tuple[int | None, ...]:
    """The group of each of ``codes`` (:func:`industry_groups`) as an integer: its position
    among the sorted groups, None for no group. Every partition of a run usually lists the
    same industries: the groups are worked out once.

    >>> _group_ids(("0111", "0112", "0510", "A"), 2)
    (0, 0, 1, None)
    """
    groups = industry_groups(list(codes), digits)
    ids = {g: n for n, g in enumerate(sorted({g for g in groups.values() if g is not None}))}
    return tuple(ids.get(groups[c]) if groups[c] is not None else None for c in codes)


def region_table(base: pl.DataFrame, settings: dict[str, Any]) -> pl.DataFrame:
    """Specialization and diversity of each region x year x measure over its leaf industries.

    Same formulas as :mod:`lqcalc.metrics.specialization` (tested equal), computed as
    row-level window terms summed by a plain group-by for speed.
    """
    base = with_codes(base)
    rows = base.lazy().filter(~pl.col("is_reference_region") & ~pl.col("is_total_industry") & pl.col("is_leaf"))
    ind_codes = (first_of_codes(base, "_ic", ["industry", "is_total_industry"])
                 .filter(~pl.col("is_total_industry") & pl.col("_ic").is_not_null()))
    gc = pl.Series("_gc", _group_ids(tuple(ind_codes["industry"].to_list()), int(settings["variety_digits"])),
                   dtype=pl.UInt32)
    # the group of each row looked up by its industry code (a gather, not a join)
    group_of = by_code(ind_codes["_ic"], gc)
    keys = ["region", "year", "measure"]
    ckeys = ["_rc", "year", "_mc"]
    df = rows.select(*keys, "_rc", "_mc", "_ic", "region_name", "unit", "value", "reference_value").collect(
        engine=ROW_ENGINE)
    df = df.with_columns(group_of.gather(df["_ic"]).alias("_gc"))
    k, kg = pack_keys(df, ckeys), pack_keys(df, [*ckeys, "_gc"])
    if k is not None and kg is not None:
        df = df.with_columns(k.alias("_k"), kg.alias("_kg"))
        gkeys, fine = ["_k"], ["_kg"]
    else:
        gkeys, fine = keys, [*keys, "_gc"]
    lf = with_closed_shares(df, "value", "reference_value", gkeys, {"_P": fine})
    p, a, b = pl.col("_p"), pl.col("_a"), pl.col("_b")
    lf = lf.with_columns(
        conc.hhi_term(p).alias("_p2"),
        sp.entropy_term(p).alias("_plogp"),
        sp.unrelated_variety_term(p, "_P").alias("_uv"),
        sp.related_variety_term(p, "_P").alias("_rv"),
        conc.dissimilarity_term(a, b).alias("_dab"),
        (pl.col("value").is_not_null() & pl.col("_gc").is_null()).alias("_nogroup"),
        (pl.col("value").is_not_null() & pl.col("reference_value").is_not_null()).alias("_both"),
    )
    out = lf.group_by(gkeys).agg(
        *[pl.col(c).first() for c in keys if c not in gkeys],
        pl.col("region_name").drop_nulls().first(),
        pl.col("unit").drop_nulls().first(),
        pl.col("value").count().alias("n_industries"),
        pl.col("value").sum().alias("leaf_total"),
        pl.col("_p2").sum().alias("hhi"),
        (-pl.col("_plogp").sum()).alias("entropy"),
        pl.col("_dab").sum().alias("krugman_spec"),
        (-pl.col("_rv").sum()).alias("related_variety"),
        (-pl.col("_uv").sum()).alias("unrelated_variety"),
        pl.col("_both").sum().alias("_n_pairs"),
        pl.col("reference_value").filter(pl.col("_both")).sum().alias("_ref_sum"),
        pl.col("_nogroup").sum().alias("_no_group"),
    )
    n, tot = pl.col("n_industries"), pl.col("leaf_total")
    has = (n > 0) & (tot != 0)
    spec_ok = has & (pl.col("_n_pairs") > 0) & (pl.col("_ref_sum") != 0)
    var_ok = has & (pl.col("_no_group") == 0)
    out = out.with_columns(
        pl.when(has).then(pl.col("hhi")).alias("hhi"),
        pl.when(has).then(pl.col("entropy") + 0.0).alias("entropy"),
        pl.when(spec_ok).then(pl.col("krugman_spec")).alias("krugman_spec"),
        pl.when(var_ok).then(pl.col("related_variety") + 0.0).alias("related_variety"),
        pl.when(var_ok).then(pl.col("unrelated_variety") + 0.0).alias("unrelated_variety"),
    ).with_columns(
        pl.when(has).then(conc.hhi_normalize("hhi", n)).alias("hhi_norm"),
        safe_div(pl.lit(1.0), pl.col("hhi")).alias("equivalent_number"),
        (0.5 * pl.col("krugman_spec")).alias("hoover_spec"),
    )
    no_value = first_reason((n == 0, "no leaf industry has a value"), (tot == 0, "leaf industries sum to 0"))
    spec_reason = first_reason(
        (pl.col("_n_pairs") == 0, "no reference value for the leaf industries"),
        (pl.col("_ref_sum") == 0, "reference values of the leaf industries sum to 0"),
    )
    reasons = [
        pl.when(~has).then(pl.concat_str(pl.lit("hhi, entropy: "), no_value)),
        pl.when(has & (n < 2)).then(pl.lit("hhi_norm: fewer than 2 industries")),
        pl.when(has & ~spec_ok).then(pl.concat_str(pl.lit("krugman_spec, hoover_spec: "), spec_reason)),
        pl.when(has & ~var_ok).then(
            pl.lit(f"related_variety, unrelated_variety: industry codes have no group (no parent code and not longer "
                   f"than variety_digits = {settings['variety_digits']})")),
    ]
    out = out.with_columns(join_reasons(reasons).alias("null_reason"))
    return sorted_rows(out.collect(engine=ENGINE), keys).select(
        "region", "region_name", "year", "measure", "unit", "n_industries", "leaf_total", "hhi", "hhi_norm",
        "equivalent_number", "entropy", "krugman_spec", "hoover_spec", "related_variety", "unrelated_variety",
        "null_reason",
    )
