"""The indicator settings through `lqcalc run`: [clusters] in run.toml, --target, --intensity,
--dynamic, --region-hierarchy, and the tables they produce."""

from __future__ import annotations

import polars as pl
import pytest

ROWS = """region,region_name,industry,year,emp,va
000000,全国,x,2019,900,400
000000,全国,y,2019,99100,9600
000000,全国,x,2022,1000,500
000000,全国,y,2022,99000,9500
440000,广东省,x,2019,270,150
440000,广东省,y,2019,9730,850
440000,广东省,x,2022,300,200
440000,广东省,y,2022,9700,800
440300,深圳市,x,2019,120,80
440300,深圳市,y,2019,2880,220
440300,深圳市,x,2022,150,110
440300,深圳市,y,2022,2850,190
"""


def test_settings_reach_the_tables(tmp_path, cli):
    src = tmp_path / "in.csv"
    src.write_text(ROWS, encoding="utf-8")
    toml = tmp_path / "run.toml"
    toml.write_text(
        'inputs = ["in.csv"]\nregion_col = "region"\nregion_name_col = "region_name"\nindustry_col = "industry"\n'
        'year_col = "year"\nvalue_cols = ["emp", "va"]\nreference_region = "000000"\n'
        "[clusters]\nthreshold_lq = 1.5\nthreshold_min_size = 100\n", encoding="utf-8")
    out = tmp_path / "out"
    res = cli("run", "--config", toml, "--dynamic", "--intensity", "va/emp",
              "--target", "va:深圳市:x:2025=200", "--no-charts", "-q", "--out", out)
    assert res.exit_code == 0, res.output

    ind = pl.read_parquet(out / "indicators.parquet").filter((pl.col("industry") == "x") & (pl.col("year") == 2022)
                                                             & (pl.col("measure") == "emp"))
    sz = ind.filter(pl.col("region") == "440300").row(0, named=True)
    assert sz["parent_region"] == "440000"  # inferred from the GB/T 2260 codes
    assert sz["lq_parent"] == pytest.approx((150 / 3000) / (300 / 10000))
    assert sz["lq"] == pytest.approx((150 / 3000) / (1000 / 100000))

    cl = pl.read_parquet(out / "clusters.parquet").filter((pl.col("industry") == "x") & (pl.col("measure") == "emp"))
    # LQ 5.0 (Shenzhen) and 3.0 (Guangdong): both above 2.0 and size >= 100
    assert set(cl["class_threshold"]) == {"LQ >= 2.0"}

    it = pl.read_parquet(out / "intensity.parquet").filter(
        (pl.col("region") == "440300") & (pl.col("industry") == "x") & (pl.col("year") == 2022))
    assert it["value"][0] == pytest.approx(110 / 150)

    t = pl.read_parquet(out / "targets.parquet").row(0, named=True)
    assert t["region"] == "440300" and t["latest_value"] == 110
    assert t["required_cagr"] == pytest.approx((200 / 110) ** (1 / 3) - 1)

    g = pl.read_parquet(out / "growth.parquet")
    assert set(g["period"]) == {"total", "step"}

    res = cli("run", "--config", toml, "--target", "va:深圳:x:2025=200", "--out", tmp_path / "bad")
    assert res.exit_code == 2
    assert not (tmp_path / "bad").exists()
