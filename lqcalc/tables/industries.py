"""The ``industries`` table: geographic concentration of every industry x year x measure
across the regions of one level (:mod:`lqcalc.metrics.concentration`)."""

from __future__ import annotations

from typing import Any

import polars as pl

from lqcalc.metrics import concentration as conc
from lqcalc.metrics._safe import join_reasons, safe_div
from lqcalc.tables.base import is_estab_col
from lqcalc.tables.codes import with_codes
from lqcalc.tables.engine import ENGINE, ROW_ENGINE
from lqcalc.tables.keys import pack_keys
from lqcalc.tables.order import group_order, sorted_rows
from lqcalc.tables.sums import with_closed_shares


def industry_table(indicators: pl.DataFrame, settings: dict[str, Any], estab: str | None,
                   plant_hhi: pl.DataFrame | None) -> pl.DataFrame:
    """Concentration of each industry x year x measure across the regions of one level.

    Same formulas as :mod:`lqcalc.metrics.concentration` (tested equal), computed as
    row-level window terms summed by a plain group-by for speed.
    """
    indicators = with_codes(indicators)
    keys = ["industry", "year", "measure", "region_level"]
    ckeys = ["_ic", "year", "_mc", "region_level"]
    lf = indicators.lazy().select(*keys, "_ic", "_mc", "_rc", "industry_name", "unit", "value", "region_total")
    has_eg = estab is not None or plant_hhi is not None
    if estab is not None:
        est = indicators.lazy().filter(pl.col("measure") == estab).select(
            "_rc", "_ic", "year", pl.col("value").alias("_estabs"))
        lf = lf.join(est, on=["_rc", "_ic", "year"], how="left", nulls_equal=True, maintain_order="left")
    else:
        lf = lf.with_columns(pl.lit(None, dtype=pl.Float64).alias("_estabs"))
    if plant_hhi is not None:
        lf = lf.join(plant_hhi.lazy(), on=["industry", "year"], how="left", nulls_equal=True, maintain_order="left")
    else:
        lf = lf.with_columns(pl.lit(None, dtype=pl.Float64).alias("_plant_hhi"))
    x = pl.col("value")
    df = lf.collect(engine=ROW_ENGINE)
    # rows grouped by industry (row order kept within each industry): every group sum below is
    # a window over a contiguous run, and the Lorenz curve sorts within runs only
    k = pack_keys(df, ckeys)
    if k is None:
        k = df.select(pl.struct(ckeys).rank("dense").cast(pl.UInt64))[ckeys[0]]
    order = group_order(k)
    rows = df.select(k.alias("_k"), "value", "region_total", "_estabs", "_plant_hhi",
                     pl.int_range(df.height, dtype=pl.get_index_type()).alias("_row"),
                     pl.col("industry_name").is_not_null().alias("_has_name"),
                     pl.col("unit").is_not_null().alias("_has_unit"))[order]
    rows = rows.with_columns(pl.col("_k").set_sorted())
    gkeys = ["_k"]
    lf = with_closed_shares(rows, "value", "region_total", gkeys)
    p, a, b = pl.col("_p"), pl.col("_a"), pl.col("_b")
    lq_key = conc.lq_order_key(a, b)
    ok_est = x.is_not_null() & (pl.col("_estabs") > 0)
    lf = lf.with_columns(
        lq_key.alias("_lqk"),
        pl.when(ok_est).then(x * x / pl.col("_estabs")).alias("_x2n"),
        pl.when(ok_est).then(x).alias("_xe"),
    ).with_columns(
        a.cum_sum().over(gkeys, order_by="_lqk").alias("_A"),
    ).with_columns(
        conc.hhi_term(p).alias("_p2"),
        conc.dissimilarity_term(a, b).alias("_dab"),
        conc.gini_term(a, b, "_A").alias("_gini"),
        (conc.dissimilarity_term(a, b) ** 2).alias("_g"),
        conc.hhi_term(b).alias("_b2"),
    )
    terms = lf.collect(engine=ROW_ENGINE).with_columns(pl.col("_k").set_sorted())
    out = terms.group_by(gkeys).agg(
        pl.col("_row").first().alias("_first"),
        pl.col("_row").filter(pl.col("_has_name")).first().alias("_name_row"),
        pl.col("_row").filter(pl.col("_has_unit")).first().alias("_unit_row"),
        x.count().alias("n_regions"),
        x.sum().alias("regions_total"),
        pl.col("_p2").sum().alias("hhi"),
        pl.col("_dab").sum().alias("krugman_conc"),
        (1.0 - pl.col("_gini").sum()).alias("gini_loc"),
        x.top_k(4).sum().alias("_top"),   # the four largest values (nulls never among them)
        pl.col("_g").sum().alias("_G"),
        pl.col("_b2").sum().alias("_B2"),
        pl.col("_x2n").sum().alias("_x2n"),
        pl.col("_xe").sum().alias("_xe"),
        pl.col("_plant_hhi").drop_nulls().first().alias("_ph"),
        pl.col("_a").count().alias("_n_pairs"),
    )
    # the labels of each industry: its first row, and its first row with a name and a unit
    out = out.with_columns(
        *[df[c].gather(out["_first"]) for c in keys],
        df["industry_name"].gather(out["_name_row"]), df["unit"].gather(out["_unit_row"]),
    ).lazy()
    n, tot = pl.col("n_regions"), pl.col("regions_total")
    has = (n > 0) & (tot != 0)
    pair_ok = has & (pl.col("_n_pairs") > 0)
    is_estab = is_estab_col(estab)
    h_plant = pl.coalesce(pl.col("_ph"), safe_div(pl.col("_x2n"), pl.col("_xe") * pl.col("_xe")))
    out = out.with_columns(
        pl.when(has).then(pl.col("hhi")).alias("hhi"),
        pl.when(pair_ok).then(pl.col("krugman_conc")).alias("krugman_conc"),
        pl.when(pair_ok).then(pl.col("gini_loc")).alias("gini_loc"),
        pl.when(has).then(safe_div(pl.col("_top"), tot)).alias("cr4"),
        pl.when(~is_estab & pair_ok).then(h_plant).alias("plant_hhi"),
    ).with_columns(
        pl.when(has).then(conc.hhi_normalize("hhi", n)).alias("hhi_norm"),
        (0.5 * pl.col("krugman_conc")).alias("hoover_loc"),
        conc.eg_gamma_from("_G", "_B2", "plant_hhi").alias("eg_gamma"),
    )
    reasons = [
        pl.when(~has).then(pl.lit("hhi, hoover_loc, krugman_conc, gini_loc, cr4: ")
                           + pl.when(n == 0).then(pl.lit("no region has a value")).otherwise(pl.lit("values sum to 0"))),
        pl.when(has & (n < 2)).then(pl.lit("hhi_norm: fewer than 2 regions")),
        pl.when(has & ~pair_ok).then(pl.lit("hoover_loc, krugman_conc, gini_loc: region totals are missing or 0")),
        pl.when(pl.col("eg_gamma").is_null() & pair_ok).then(
            pl.lit("eg_gamma: no establishment counts (set [clusters] establishments_measure or plant_hhi_measure)")
            if not has_eg else
            pl.when(is_estab).then(pl.lit("eg_gamma: not computed for the establishment counts themselves"))
            .when(pl.col("plant_hhi").is_null()).then(pl.lit("eg_gamma: no establishment counts for this industry"))
            .otherwise(pl.lit("eg_gamma: undefined (plant HHI is 1 or one region only)"))),
    ]
    out = out.with_columns(join_reasons(reasons).alias("null_reason"))
    return sorted_rows(out.collect(engine=ENGINE), keys).select(
        "industry", "industry_name", "year", "measure", "region_level", "unit", "n_regions", "regions_total",
        "hhi", "hhi_norm", "hoover_loc", "krugman_conc", "gini_loc", "cr4", "plant_hhi", "eg_gamma", "null_reason",
    )
