"""The ``targets`` table: the CAGR a target (``--target``) requires, against the observed
trend (:mod:`lqcalc.metrics.growth`)."""

from __future__ import annotations

import re
from typing import Any

import polars as pl

from lqcalc.errors import UsageError, did_you_mean
from lqcalc.metrics import growth as gr
from lqcalc.metrics._safe import join_reasons
from lqcalc.tables.base import TOTAL_STAR


_TARGET = re.compile(r"^(?P<measure>[^:]+):(?P<region>[^:]+):(?P<industry>[^:]+):(?P<year>\d{4})=(?P<value>.+)$")


def parse_target(spec: str) -> dict[str, Any]:
    """Parse ``MEASURE:REGION:INDUSTRY:YEAR=VALUE``.

    >>> parse_target("value_added:440300:digital_creative:2025=1000")
    {'measure': 'value_added', 'region': '440300', 'industry': 'digital_creative', 'year': 2025, 'value': 1000.0}
    """
    m = _TARGET.match(spec.strip())
    if not m:
        raise UsageError(f"--target {spec!r} must be written MEASURE:REGION:INDUSTRY:YEAR=VALUE",
                         hint="e.g. value_added:440300:digital_creative:2025=1000 (use * as INDUSTRY for the region total)")
    try:
        value = float(m["value"].replace(",", "").replace("_", ""))
    except ValueError:
        raise UsageError(f"--target {spec!r}: {m['value']!r} is not a number") from None
    return {"measure": m["measure"].strip(), "region": m["region"].strip(), "industry": m["industry"].strip(),
            "year": int(m["year"]), "value": value}


def _match(given: str, frame: pl.DataFrame, code: str, name: str, what: str, spec: str) -> str:
    codes = frame[code].unique().drop_nulls().to_list()
    if given in codes:
        return given
    hits = frame.filter(pl.col(name) == given)[code].unique().drop_nulls().to_list()
    if len(hits) == 1:
        return hits[0]
    labels = codes + frame[name].unique().drop_nulls().to_list()
    raise UsageError(f"--target {spec!r}: {what} {given!r} is not in the input",
                     hint=did_you_mean(given, labels) or None)


def targets_table(base: pl.DataFrame, specs: list[str], total_code: str) -> pl.DataFrame:
    """Required CAGR to reach each target, and whether the observed trend reaches it.

    Columns: ``target`` (the spec), measure, region, industry, ``target_year``,
    ``target_value``, ``first_year``, ``first_value``, ``latest_year``, ``latest_value``,
    ``trend_cagr`` (CAGR from the first to the latest observed year), ``required_cagr``
    (:func:`lqcalc.metrics.growth.required_cagr` from the latest year), ``projected_value``
    (the latest value grown at the trend to the target year), ``on_track`` (trend >= required,
    or the target already reached) and ``null_reason``. The target is in the unit of the data.
    """
    schema = {"target": pl.String, "measure": pl.String, "region": pl.String, "industry": pl.String,
              "unit": pl.String, "target_year": pl.Int32, "target_value": pl.Float64, "first_year": pl.Int32,
              "first_value": pl.Float64, "latest_year": pl.Int32, "latest_value": pl.Float64,
              "trend_cagr": pl.Float64, "required_cagr": pl.Float64, "projected_value": pl.Float64,
              "on_track": pl.Boolean, "null_reason": pl.String}
    rows = []
    measures = base["measure"].unique().drop_nulls().to_list()
    for spec in specs:
        t = parse_target(spec)
        if t["measure"] not in measures:
            raise UsageError(f"--target {spec!r}: measure {t['measure']!r} is not in the input",
                             hint=did_you_mean(t["measure"], measures) or "measures: " + ", ".join(sorted(measures)))
        m = base.filter(pl.col("measure") == t["measure"])
        region = _match(t["region"], m, "region", "region_name", "region", spec)
        r = m.filter(pl.col("region") == region)
        if t["industry"] in (TOTAL_STAR, total_code):
            series = r.group_by("year").agg(pl.col("region_total").drop_nulls().first().alias("value"),
                                            pl.col("unit").drop_nulls().first())
            industry = total_code
        else:
            industry = _match(t["industry"], r, "industry", "industry_name", "industry", spec)
            series = r.filter(pl.col("industry") == industry).select("year", "value", "unit")
        series = series.filter(pl.col("year").is_not_null() & pl.col("value").is_not_null()).sort("year")
        row = {"target": spec, "measure": t["measure"], "region": region, "industry": industry,
               "target_year": t["year"], "target_value": t["value"],
               "unit": series["unit"].drop_nulls().first() if series.height else None}
        rows.append((row, series))
    if not rows:
        return pl.DataFrame(schema=schema)
    frames = []
    for row, series in rows:
        first = series.head(1).rows(named=True)
        last = series.tail(1).rows(named=True)
        row["first_year"] = first[0]["year"] if first else None
        row["first_value"] = first[0]["value"] if first else None
        row["latest_year"] = last[0]["year"] if last else None
        row["latest_value"] = last[0]["value"] if last else None
        frames.append(row)
    df = pl.DataFrame(frames, schema={k: v for k, v in schema.items() if k not in (
        "trend_cagr", "required_cagr", "projected_value", "on_track", "null_reason")})
    span = (pl.col("latest_year") - pl.col("first_year")).cast(pl.Float64)
    ahead = (pl.col("target_year") - pl.col("latest_year")).cast(pl.Float64)
    trend = gr.cagr("first_value", "latest_value", span)
    req = gr.required_cagr("latest_value", "target_value", ahead)
    df = df.with_columns(trend.alias("trend_cagr"), req.alias("required_cagr")).with_columns(
        (pl.col("latest_value") * (1.0 + pl.col("trend_cagr")).pow(ahead)).alias("projected_value"),
        pl.when(pl.col("latest_value") >= pl.col("target_value")).then(True)
        .when(ahead <= 0).then(False)
        .otherwise(pl.col("trend_cagr") >= pl.col("required_cagr")).alias("on_track"),
        join_reasons([
            pl.when(pl.col("latest_year").is_null()).then(pl.lit("target: no observed value")),
            pl.when(pl.col("latest_year").is_not_null() & (span == 0)).then(
                pl.lit("trend_cagr: only one observed year")),
            pl.when(pl.col("latest_year").is_not_null() & (span > 0) & pl.col("trend_cagr").is_null()).then(
                gr.cagr_reason("first_value", "latest_value", span, "trend_cagr")),
            pl.when(pl.col("latest_year").is_not_null() & (ahead <= 0)).then(
                pl.lit("required_cagr: the target year is not after the latest observed year")),
            pl.when(pl.col("latest_year").is_not_null() & (ahead > 0) & pl.col("required_cagr").is_null()).then(
                gr.cagr_reason("latest_value", "target_value", ahead, "required_cagr")),
        ]).alias("null_reason"),
    )
    return df.select(list(schema))
