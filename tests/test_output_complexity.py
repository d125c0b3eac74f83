"""`lqcalc run --complexity --spatial` end to end on the UK BRES sample (39 NUTS2 regions x 72
segments x 2015-2018, no explicit totals, so the LQ is Balassa's RCA of py-ecomplexity).

* the new tables and columns exist, are documented, and are off by default;
* eci / pci / density of the run are the values pinned from py-ecomplexity 0.5.3 in
  tests/test_metrics_complexity.py;
* the SQL macros mcp, proximity(tbl) and density(tbl) give the polars values on every row;
* Moran's I and the LISA classes of the run are esda's on the same weights and seed;
* without weights the spatial rule is skipped and every row says why.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from test_metrics_complexity import BRES_ECOMPLEXITY
from test_output_data import read_tables

esda = pytest.importorskip("esda")

ROOT = Path(__file__).resolve().parents[1]
BRES = ROOT / "data" / "samples" / "uk-bres" / "bres_nuts2_segments_2015_2018.csv"
WEIGHTS = ROOT / "tests" / "fixtures" / "complexity" / "uk_nuts2_2013_queen.csv"
SMALL = ROOT / "tests" / "fixtures" / "complexity" / "small_employment.csv"
READ = ["--region-col", "region", "--industry-col", "industry", "--year-col", "year", "--value-col", "employment"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from click.testing import CliRunner

    from lqcalc.cli import main

    out = tmp_path_factory.mktemp("complexity") / "out"
    r = CliRunner().invoke(main, ["run", str(BRES), *READ, "--region-name-col", "region_name", "--unit", "persons",
                                  "--complexity", "--spatial", "--weights", str(WEIGHTS), "--no-charts", "--quiet",
                                  "--out", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return out, read_tables(out)


def test_tables_and_columns_exist_and_are_documented(run):
    out, tables = run
    for name in ("relatedness", "proximity", "spatial"):
        assert tables[name].height > 0
    assert {"diversity", "eci", "coi"} <= set(tables["regions"].columns)
    assert {"ubiquity", "pci"} <= set(tables["industries"].columns)
    assert {"lisa_i", "lisa_p", "lisa_quadrant", "class_spatial"} <= set(tables["clusters"].columns)
    for name, df in tables.items():
        assert df.columns[-1] == "null_reason" or "null_reason" not in df.columns, name
    text = (ROOT / "docs" / "outputs.md").read_text(encoding="utf-8")
    for name, df in tables.items():
        section = re.search(rf"^## {re.escape(name)}.parquet\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
        assert section, name
        for col in df.columns:
            assert f"`{col}`" in section.group(1), f"{name}.{col} is not documented"
    # 39 regions x 72 segments x 4 years; 72 x 71 ordered pairs x 4 years; 72 x 2 variables
    assert tables["relatedness"].height == 39 * 72 * 4
    assert tables["proximity"].height == 72 * 71 * 4
    assert tables["spatial"].height == 72 * 2
    import duckdb

    con = duckdb.connect(str(out / "lqcalc.duckdb"), read_only=True)
    stored = {r[0] for r in con.sql("select table_name from information_schema.tables").fetchall()}
    con.close()
    assert {"relatedness", "proximity", "spatial"} <= stored


def test_off_by_default():
    from test_output_data import cached_run

    _, tables = cached_run("bres")
    assert not {"relatedness", "proximity", "spatial"} & set(tables)
    assert "eci" not in tables["regions"].columns and "pci" not in tables["industries"].columns
    assert "class_spatial" not in tables["clusters"].columns


def test_run_values_are_py_ecomplexity_values(run):
    _, tables = run
    y = pl.col("year") == 2018
    for region, (div, eci, coi) in BRES_ECOMPLEXITY["regions"].items():
        row = tables["regions"].filter(y, pl.col("region") == region).row(0, named=True)
        assert row["diversity"] == div and math.isclose(row["eci"], eci, abs_tol=1e-9)
        assert math.isclose(row["coi"], coi, abs_tol=1e-9)
    for industry, (ubi, pci) in BRES_ECOMPLEXITY["industries"].items():
        row = tables["industries"].filter(y, pl.col("industry") == industry).row(0, named=True)
        assert row["ubiquity"] == ubi and math.isclose(row["pci"], pci, abs_tol=1e-9)
    for (region, industry), (dens, cog) in BRES_ECOMPLEXITY["cells"].items():
        row = tables["relatedness"].filter(y, pl.col("region") == region, pl.col("industry") == industry).row(
            0, named=True)
        assert math.isclose(row["density"], dens, abs_tol=1e-9) and math.isclose(row["cog"], cog, abs_tol=1e-9)
    for (a, b), phi in BRES_ECOMPLEXITY["pairs"].items():
        row = tables["proximity"].filter(y, pl.col("industry") == a, pl.col("industry_2") == b).row(0, named=True)
        assert math.isclose(row["proximity"], phi, abs_tol=1e-9)
    # the reference region and the names are carried
    assert tables["relatedness"]["region_name"].null_count() == 0
    assert tables["relatedness"].filter(pl.col("mcp") == 1).height == int(tables["regions"]["diversity"].sum())


def test_sql_macros_agree_with_polars(run):
    from lqcalc.output.duckdb_db import connect

    out, tables = run
    con = connect(out / "lqcalc.duckdb", read_only=True)
    keys = ["industry", "industry_2", "year", "measure", "region_level"]
    sql = con.sql("select * from proximity('indicators')").pl()
    j = tables["proximity"].join(sql, on=keys, suffix="_sql", how="full", coalesce=True)
    assert j.height == tables["proximity"].height == sql.height
    assert (j["cooccurrence"] == j["cooccurrence_sql"]).all()
    for col in ("proximity", "relatedness"):
        assert (j[col] - j[f"{col}_sql"]).abs().max() < 1e-12
    keys = ["region", "industry", "year", "measure", "region_level"]
    sql = con.sql("select *, mcp(lq) as mcp_scalar from density('indicators') join indicators "
                  "using (region, industry, year, measure, region_level)").pl()
    j = tables["relatedness"].join(sql, on=keys, suffix="_sql")
    assert j.height == tables["relatedness"].height
    assert (j["mcp"] == j["mcp_sql"]).all() and (j["mcp"] == j["mcp_scalar"]).all()
    for col in ("density", "relatedness_density"):
        assert (j[col] - j[f"{col}_sql"]).abs().max() < 1e-9
    con.close()


def test_spatial_statistics_are_esda_on_the_same_weights(run):
    from lqcalc.geo.weights import read_weights

    _, tables = run
    w = read_weights(WEIGHTS)
    cl = tables["clusters"].filter(pl.col("industry") == "services_computing")
    values = dict(zip(cl["region"], cl["lq"]))
    y = np.array([values[c] for c in w.ids])
    np.random.seed(20240601)   # the default spatial_seed
    ref = esda.Moran(y, w.w, permutations=999)
    row = tables["spatial"].filter(pl.col("industry") == "services_computing", pl.col("variable") == "lq").row(
        0, named=True)
    assert math.isclose(row["moran_i"], ref.I, abs_tol=1e-12) and row["p_sim"] == pytest.approx(ref.p_sim)
    assert math.isclose(row["moran_i"], 0.394325232703, abs_tol=1e-9)     # also tests/test_metrics_spatial.py
    assert row["n_regions"] == 39 and row["n_islands"] == 0 and row["weights"].startswith("weights file")
    loc = esda.Moran_Local(y, w.w, transformation="r", permutations=999, seed=20240601)
    labels = {1: "high-high", 2: "low-high", 3: "low-low", 4: "high-low"}
    got = dict(zip(cl["region"], cl["class_spatial"]))
    for k, code in enumerate(w.ids):
        want = labels[int(loc.q[k])] if loc.p_sim[k] <= 0.05 else "not significant"
        assert got[code] == want, code
    # London and the South East: the computing services' hot spot
    hot = set(cl.filter(pl.col("class_spatial") == "high-high")["region"])
    assert {"UKI3", "UKI4", "UKJ1"} <= hot
    # growth is tested too
    g = tables["spatial"].filter(pl.col("variable") == "growth")
    assert g["moran_i"].null_count() == 0 and g["p_sim"].is_between(0, 1).all()


def test_without_weights_the_spatial_rule_says_why(tmp_path, cli):
    out = tmp_path / "out"
    r = cli("run", SMALL, *READ, "--spatial", "--no-charts", "--quiet", "--out", out)
    assert r.exit_code == 0, r.output
    tables = read_tables(out)
    cl = tables["clusters"]
    assert cl["class_spatial"].null_count() == cl.height
    assert all("class_spatial: skipped, " in reason for reason in cl["null_reason"])
    sp = tables["spatial"]
    assert sp.height == 5 * 2 and sp["moran_i"].null_count() == sp.height
    assert all(reason.startswith("moran: skipped, ") for reason in sp["null_reason"])


def test_usage_errors(tmp_path, cli):
    r = cli("run", SMALL, *READ, "--weights", WEIGHTS, "--out", tmp_path / "a")
    assert r.exit_code == 2 and "--weights is for --spatial" in r.output
    r = cli("run", SMALL, *READ, "--spatial", "--weights", tmp_path / "none.csv", "--out", tmp_path / "b")
    assert r.exit_code == 2 and "weights file not found" in r.output


def test_mcp_threshold_setting(tmp_path, cli):
    cfg = tmp_path / "run.toml"
    cfg.write_text("[clusters]\nmcp_threshold = 0.8\n", encoding="utf-8")
    out = tmp_path / "out"
    r = cli("run", SMALL, *READ, "--complexity", "--config", cfg, "--no-charts", "--quiet", "--out", out)
    assert r.exit_code == 0, r.output
    rel = pl.read_parquet(out / "relatedness.parquet")
    assert ((rel["lq"] >= 0.8).cast(pl.Int8) == rel["mcp"]).all() and rel.filter(pl.col("lq") < 1)["mcp"].sum() > 0
    bad = tmp_path / "bad.toml"
    bad.write_text("[clusters]\nspatial_islands = \"drop\"\n", encoding="utf-8")
    r = cli("run", SMALL, *READ, "--config", bad, "--out", tmp_path / "c")
    assert r.exit_code == 2 and "spatial_islands" in r.output


def test_partitions_give_the_same_complexity_tables(tmp_path):
    """Year by year (one partition per year) gives the tables of one pass; the regions of each
    level of the hierarchy form their own matrix, over the leaf industries only."""
    from test_core_partitions import _assert_same, _cfg, _table

    from lqcalc.pipeline import run as run_pipeline

    src = tmp_path / "table.parquet"
    _table().write_parquet(src)
    whole = run_pipeline(_cfg(src, tmp_path / "whole", 10**9, complexity=True))
    part = run_pipeline(_cfg(src, tmp_path / "part", 1, complexity=True))
    assert len(part.manifest["partitions"]) > 1
    for name in ("relatedness", "proximity", "regions", "industries"):
        _assert_same(pl.read_parquet(part.out / f"{name}.parquet"), pl.read_parquet(whole.out / f"{name}.parquet"),
                     name)
    rel = pl.read_parquet(whole.out / "relatedness.parquet")
    ind = pl.read_parquet(whole.out / "indicators.parquet")
    assert set(rel["industry"]) == set(ind.filter(pl.col("is_leaf"))["industry"])     # what the indices count
    assert rel["region_level"].n_unique() > 1 and "000000" not in set(rel["region"])
    eci = pl.read_parquet(whole.out / "regions.parquet").filter(pl.col("eci").is_not_null())
    # ECI is standardised within each matrix: mean 0 and population sd 1 per year x measure x level
    levels = rel.select("region", "region_level").unique()
    stats = eci.join(levels, on="region").group_by("year", "measure", "region_level").agg(
        pl.col("eci").mean().alias("m"), pl.col("eci").std(ddof=0).alias("s"), pl.len().alias("n"))
    stats = stats.filter(pl.col("n") >= 3)
    assert stats.height > 0 and stats["m"].abs().max() < 1e-9 and (stats["s"] - 1).abs().max() < 1e-9


def test_industries_that_are_not_leaves_stay_out_of_the_matrix():
    from lqcalc.tables.relatedness import complexity_parts

    ind = pl.DataFrame({"region": ["A", "A", "A", "B", "B", "B"], "region_name": None, "industry": ["x", "y", "xy"] * 2,
                        "industry_name": None, "year": 2020, "measure": "emp", "region_level": 0,
                        "is_leaf": [True, True, False] * 2, "lq": [1.5, 0.5, 1.0, 0.7, 1.2, 1.0]},
                       schema_overrides={"region_name": pl.String, "industry_name": pl.String, "year": pl.Int32,
                                         "region_level": pl.Int32})
    parts = complexity_parts(ind)
    assert set(parts.relatedness["industry"]) == {"x", "y"} and set(parts.industries["industry"]) == {"x", "y"}
    assert parts.regions["diversity"].to_list() == [1, 1]
