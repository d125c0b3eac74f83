"""Rebuild bres_nuts2_segments_2015_2018.csv from Nesta's BRES extract (see PROVENANCE.md).

Usage: python build_sample.py DIR_WITH_nomis_BRES_{2015..2018}_TYPE450.csv

Employment of each NUTS2 region is summed over the SIC 2007 4-digit classes of each Nesta
industry segment (all classes are leaves of SIC 2007, each in exactly one segment, so the sum
never crosses levels of the classification). Nothing else is changed.
"""

import sys
from pathlib import Path

import polars as pl

src = Path(sys.argv[1])
frames = [
    pl.read_csv(src / f"nomis_BRES_{y}_TYPE450.csv", schema_overrides={"SIC4": pl.String, "geo_cd": pl.String})
    for y in range(2015, 2019)
]
df = (
    pl.concat(frames)
    .group_by("year", "geo_cd", "geo_nm", "cluster_name")
    .agg(pl.col("value").sum().alias("employment"), pl.len().alias("sic4_classes"))
    .rename({"geo_cd": "region", "geo_nm": "region_name", "cluster_name": "industry"})
    .sort("year", "region", "industry")
    .select("year", "region", "region_name", "industry", "employment", "sic4_classes")
)
df.write_csv(Path(__file__).with_name("bres_nuts2_segments_2015_2018.csv"))
