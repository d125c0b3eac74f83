"""The output tables: null reasons, parent regions, growth periods, clusters, intensity,
targets, and agreement of the vectorized table formulas with the metric expressions."""

from __future__ import annotations

import polars as pl
import pytest

from conftest import FIXTURES
from lqcalc.builder import build_tables
from lqcalc.config import RunConfig
from lqcalc.errors import UsageError
from lqcalc.metrics import concentration as conc
from lqcalc.metrics import specialization as sp
from lqcalc.metrics.clusters import cluster_settings
from lqcalc.schema import conform
from lqcalc.tables.growth import growth_periods
from lqcalc.tables.parents import gbt2260_parents
from lqcalc.tables.targets import parse_target
from lqcalc.totals import attach_totals

QCEW_SLICE = FIXTURES / "metrics" / "qcew_states_sectors_slice.csv"


def build(tidy: pl.DataFrame, reference=None, total=None, **cfg) -> dict[str, pl.DataFrame]:
    return build_tables(attach_totals(conform(tidy), reference, total).base, RunConfig(**cfg))


def frame(rows, cols=("region", "industry", "year", "value")) -> pl.DataFrame:
    df = pl.DataFrame(rows, schema=list(cols), orient="row")
    if "measure" not in df.columns:
        df = df.with_columns(measure=pl.lit("employment"))
    return df


# --------------------------------------------------------------------------- null reasons
def test_zero_region_total_gives_null_lq_with_reason():
    t = build(frame([("A", "x", 2020, 0.0), ("A", "y", 2020, 0.0), ("B", "x", 2020, 5.0), ("B", "y", 2020, 5.0)]))
    a = t["indicators"].filter(pl.col("region") == "A")
    assert a["lq"].null_count() == 2
    assert all("lq: region total is 0" in r for r in a["null_reason"])
    reg = t["regions"].filter(pl.col("region") == "A")
    assert reg["hhi"][0] is None and "leaf industries sum to 0" in reg["null_reason"][0]


def test_missing_value_stays_null_and_says_so():
    t = build(frame([("A", "x", 2020, None), ("A", "y", 2020, 3.0), ("B", "x", 2020, 5.0), ("B", "y", 2020, 5.0)]))
    row = t["indicators"].filter((pl.col("region") == "A") & (pl.col("industry") == "x"))
    assert row["value"][0] is None and row["lq"][0] is None
    assert row["null_reason"][0] == "value is missing"


def test_zero_base_value_gives_null_growth_with_reason_and_shift_share_still_adds_up():
    t = build(frame([("A", "x", 2015, 0.0), ("A", "x", 2018, 7.0), ("A", "y", 2015, 3.0), ("A", "y", 2018, 4.0),
                     ("B", "x", 2015, 5.0), ("B", "x", 2018, 6.0), ("B", "y", 2015, 5.0), ("B", "y", 2018, 5.0)]))
    g = t["growth"].filter((pl.col("region") == "A") & (pl.col("industry") == "x"))
    assert g["growth"][0] is None and g["cagr"][0] is None
    assert "growth: base value is 0" in g["null_reason"][0]
    assert g["change"][0] == 7.0
    assert g["national_share"][0] + g["industry_mix"][0] + g["regional_shift"][0] == pytest.approx(7.0)
    assert g["em_competitive"][0] is None


def test_ci_only_for_whole_counts():
    rows = [("A", "x", 2020, 10.0), ("A", "y", 2020, 30.0), ("B", "x", 2020, 20.0), ("B", "y", 2020, 40.0)]
    yuan = build(frame(rows).with_columns(unit=pl.lit("yuan")))["indicators"]
    assert yuan["lq_ci_low"].null_count() == yuan.height
    assert all("lq_ci: unit 'yuan' is not a count" in r for r in yuan["null_reason"])
    frac = build(frame([(r, i, y, v + 0.5) for r, i, y, v in rows]).with_columns(unit=pl.lit("persons")))["indicators"]
    assert all("lq_ci: values are not whole counts" in r for r in frac["null_reason"])
    persons = build(frame(rows).with_columns(unit=pl.lit("persons")))["indicators"]
    assert persons["lq_ci_low"].null_count() == 0
    wan = build(frame(rows).with_columns(unit=pl.lit("万人")))["indicators"]
    # 10 万人 = 100,000 persons: a much narrower interval than for 10 persons
    width = lambda d: (d["lq_ci_high"] - d["lq_ci_low"]).to_list()
    assert all(w_wan < w_p / 50 for w_wan, w_p in zip(width(wan), width(persons)))


def test_no_inf_or_nan_anywhere_with_zeros():
    t = build(frame([("A", "x", 2015, 0.0), ("A", "x", 2018, 0.0), ("A", "y", 2015, 0.0), ("A", "y", 2018, 3.0),
                     ("B", "x", 2015, 0.0), ("B", "x", 2018, 0.0), ("B", "y", 2015, 5.0), ("B", "y", 2018, 5.0)]),
              dynamic=True)
    for name, df in t.items():
        for c, dt in df.schema.items():
            if dt == pl.Float64:
                s = df[c].drop_nulls()
                assert not (s.is_nan().any() or s.is_infinite().any()), (name, c)


# --------------------------------------------------------------------------- parent regions
GD = [  # nation, Guangdong, Shenzhen, Futian district: x = digital creative, y = the rest
    ("000000", "x", 2023, 1000.0), ("000000", "y", 2023, 99000.0),
    ("440000", "x", 2023, 300.0), ("440000", "y", 2023, 9700.0),
    ("440300", "x", 2023, 150.0), ("440300", "y", 2023, 2850.0),
    ("440304", "x", 2023, 60.0), ("440304", "y", 2023, 440.0),
]


def test_gbt2260_parent_inference():
    assert gbt2260_parents(["440000", "440300", "440304", "440305"]) == {
        "440300": "440000", "440304": "440300", "440305": "440300"}
    # a district whose city is absent falls back to the province
    assert gbt2260_parents(["440000", "440304"]) == {"440304": "440000"}


def test_lq_against_parent_region_from_gbt2260_codes():
    t = build(frame(GD), reference="000000")
    ind = t["indicators"].filter(pl.col("industry") == "x").sort("region")
    got = dict(zip(ind["region"], ind["lq_parent"]))
    assert got["440304"] == pytest.approx((60 / 500) / (150 / 3000))
    assert got["440300"] == pytest.approx((150 / 3000) / (300 / 10000))
    assert got["440000"] == pytest.approx((300 / 10000) / (1000 / 100000))  # province: against the nation
    assert dict(zip(ind["region"], ind["region_level"])) == {"440000": 0, "440300": 1, "440304": 2}
    # concentration indices never mix levels
    assert sorted(t["industries"].filter(pl.col("industry") == "x")["region_level"].to_list()) == [0, 1, 2]


def test_lq_against_parent_region_from_a_hierarchy_file(tmp_path):
    rows = [("N", "x", 2023, 100.0), ("N", "y", 2023, 900.0), ("P", "x", 2023, 40.0), ("P", "y", 2023, 160.0),
            ("C", "x", 2023, 10.0), ("C", "y", 2023, 90.0), ("Q", "x", 2023, 5.0), ("Q", "y", 2023, 5.0)]
    h = tmp_path / "h.csv"
    h.write_text("region,parent\nC,P\nP,N\nQ,Z\n", encoding="utf-8")
    ind = build(frame(rows), reference="N", region_hierarchy=str(h))["indicators"].filter(pl.col("industry") == "x")
    got = dict(zip(ind["region"], ind["lq_parent"]))
    assert got["C"] == pytest.approx((10 / 100) / (40 / 200))
    assert got["P"] == pytest.approx((40 / 200) / (100 / 1000))
    q = ind.filter(pl.col("region") == "Q")
    assert q["lq_parent"][0] is None and "parent region 'Z' is not in the data" in q["null_reason"][0]


# --------------------------------------------------------------------------- growth periods
def test_growth_periods_and_errors():
    assert growth_periods([2010, 2015, 2020], 2015, None, False).rows() == [(2015, 2020, "total")]
    with pytest.raises(UsageError, match="not a year"):
        growth_periods([2010, 2015], 2011, None, False)
    with pytest.raises(UsageError, match="before"):
        growth_periods([2010, 2015], 2015, 2010, False)
    assert growth_periods([2020], None, None, True).height == 0


def test_dynamic_steps_sum_to_the_dynamic_shift_share():
    rows = []
    for y, (a, b, c, d) in {2015: (10, 30, 20, 40), 2016: (12, 33, 21, 44), 2018: (15, 31, 22, 50)}.items():
        rows += [("A", "x", y, float(a)), ("A", "y", y, float(b)), ("B", "x", y, float(c)), ("B", "y", y, float(d))]
    g = build(frame(rows), dynamic=True)["growth"]
    steps = g.filter((pl.col("period") == "step") & ~pl.col("is_total_industry"))
    assert sorted(set(steps["start_year"].to_list())) == [2015, 2016]
    # Barff & Knight: the steps' changes add up to the whole period's change
    total = g.filter((pl.col("period") == "total") & ~pl.col("is_total_industry")).select("region", "industry", "change")
    summed = steps.group_by("region", "industry").agg(
        pl.col("change").sum().alias("s"),
        (pl.col("national_share") + pl.col("industry_mix") + pl.col("regional_shift")).sum().alias("parts"))
    j = total.join(summed, on=["region", "industry"])
    assert (j["change"] - j["s"]).abs().max() < 1e-9
    assert (j["change"] - j["parts"]).abs().max() < 1e-9


def test_region_rows_use_the_total_industry_code():
    rows = [("A", "T", 2015, 100.0), ("A", "x", 2015, 40.0), ("A", "T", 2018, 110.0), ("A", "x", 2018, 50.0),
            ("B", "T", 2015, 200.0), ("B", "x", 2015, 20.0), ("B", "T", 2018, 260.0), ("B", "x", 2018, 30.0)]
    g = build(frame(rows), total="T")["growth"]
    tot = g.filter(pl.col("is_total_industry")).sort("region")
    assert tot["industry"].to_list() == ["T", "T"]
    assert tot["growth"].to_list() == pytest.approx([0.1, 0.3])
    assert tot["reference_growth"].to_list() == pytest.approx([70 / 300] * 2)


# --------------------------------------------------------------------------- clusters
def test_cluster_classes():
    # four regions x two industries, 2015 -> 2018
    rows = []
    data = {"A": (100, 100, 300, 100), "B": (100, 900, 100, 900), "C": (50, 950, 100, 900), "D": (10, 990, 10, 990)}
    for r, (x0, y0, x1, y1) in data.items():
        rows += [(r, "x", 2015, float(x0)), (r, "y", 2015, float(y0)), (r, "x", 2018, float(x1)), (r, "y", 2018, float(y1))]
    cl = build(frame(rows), clusters={"threshold_min_size": 50})["clusters"].filter(pl.col("industry") == "x").sort("region")
    assert cl["year"].unique().to_list() == [2018]
    a = cl.row(0, named=True)
    assert a["lq"] > 2 and a["growth"] > a["reference_growth"]
    assert a["class_nesta"] == "both" and a["class_quadrant"] == "star" and a["class_threshold"] == "LQ >= 2.0"
    assert a["strong_cluster"] is True and a["ci_cluster"] is True
    d = cl.filter(pl.col("region") == "D").row(0, named=True)
    assert d["class_nesta"] == "neither" and d["class_quadrant"] == "transforming"
    assert d["class_threshold"] == "below" and d["strong_cluster"] is False
    c = cl.filter(pl.col("region") == "C").row(0, named=True)
    assert c["class_nesta"] == "high growth" and c["class_quadrant"] == "emerging"


def test_cluster_settings_are_checked():
    assert cluster_settings({"threshold_lq": 1.5})["threshold_lq"] == 1.5
    with pytest.raises(UsageError, match="unknown"):
        cluster_settings({"treshold_lq": 1.5})
    with pytest.raises(UsageError, match="between 0 and 1"):
        cluster_settings({"strong_lq_percentile": 75})


# --------------------------------------------------------------------------- intensity and targets
def test_intensity_rd_over_gdp():
    tidy = pl.DataFrame({"region": ["CN", "CN"], "industry": ["T", "T"], "year": [2023, 2023],
                         "measure": ["rd", "gdp"], "value": [2.69, 100.0], "unit": ["亿元", "亿元"]})
    t = build(tidy, total="T", intensity=["rd/gdp"])["intensity"]
    assert t["value"][0] == pytest.approx(0.0269)
    with pytest.raises(UsageError, match="not a measure"):
        build(tidy, total="T", intensity=["rnd/gdp"])


def test_target_required_cagr_and_trend():
    tidy = pl.DataFrame({"region": "440300", "region_name": "深圳市", "industry": "digital_creative",
                         "year": [2019, 2020, 2022], "measure": "value_added", "value": [500.0, 600.0, 800.0],
                         "unit": "亿元"})
    t = build(tidy, targets=["value_added:深圳市:digital_creative:2025=1000"])["targets"].row(0, named=True)
    assert t["region"] == "440300" and t["latest_year"] == 2022 and t["first_year"] == 2019
    assert t["required_cagr"] == pytest.approx((1000 / 800) ** (1 / 3) - 1)
    assert t["trend_cagr"] == pytest.approx((800 / 500) ** (1 / 3) - 1)
    assert t["on_track"] is True
    assert t["projected_value"] == pytest.approx(800 * (800 / 500))
    slow = build(tidy, targets=["value_added:440300:digital_creative:2025=5000"])["targets"].row(0, named=True)
    assert slow["on_track"] is False
    with pytest.raises(UsageError):
        parse_target("value_added:440300:2025=1000")


# --------------------------------------------------------------------------- table formulas = metric expressions
def qcew_base() -> pl.DataFrame:
    raw = pl.read_csv(QCEW_SLICE, infer_schema=False).filter(pl.col("own_code") == "5")
    sup = pl.col("disclosure_code") == "N"
    common = [pl.col("area_fips").alias("region"), pl.col("industry_code").alias("industry"), pl.col("year").cast(pl.Int32)]
    emp = raw.select(*common, pl.lit("employment").alias("measure"),
                     pl.when(sup).then(None).otherwise(pl.col("annual_avg_emplvl").cast(pl.Float64)).alias("value"),
                     pl.lit("persons").alias("unit"))
    est = raw.select(*common, pl.lit("annual_avg_estabs_count").alias("measure"),
                     pl.when(sup).then(None).otherwise(pl.col("annual_avg_estabs_count").cast(pl.Float64)).alias("value"),
                     pl.lit("establishments").alias("unit"))
    return attach_totals(conform(pl.concat([emp, est])), "US000").base


def test_vectorized_tables_equal_metric_expressions():
    base = qcew_base()
    t = build_tables(base, RunConfig())
    rows = base.filter(~pl.col("is_reference_region") & ~pl.col("is_total_industry"))
    emp = rows.filter(pl.col("measure") == "employment")
    est = rows.filter(pl.col("measure") == "annual_avg_estabs_count").select(
        "region", "industry", "year", pl.col("value").alias("n"))
    direct = emp.join(est, on=["region", "industry", "year"], how="left").group_by("industry", "year").agg(
        conc.hhi("value").alias("hhi"), conc.hhi_norm("value").alias("hhi_norm"),
        conc.hoover_index("value", "region_total").alias("hoover_loc"),
        conc.krugman_index("value", "region_total").alias("krugman_conc"),
        conc.gini_loc("value", "region_total").alias("gini_loc"), conc.top_share("value", 4).alias("cr4"),
        conc.eg_gamma("value", "region_total", conc.plant_hhi_equal_size("value", "n")).alias("eg_gamma"),
    )
    table = t["industries"].filter(pl.col("measure") == "employment")
    j = table.join(direct, on=["industry", "year"], suffix="_direct")
    assert j.height == direct.height > 20
    for c in ["hhi", "hhi_norm", "hoover_loc", "krugman_conc", "gini_loc", "cr4", "eg_gamma"]:
        diff = (j[c] - j[c + "_direct"]).abs().max()
        assert diff is not None and diff < 1e-12, c
    assert j["eg_gamma"].null_count() == 0

    direct_r = emp.group_by("region", "year").agg(
        sp.hhi("value").alias("hhi"), sp.entropy("value").alias("entropy"),
        sp.krugman_spec("value", "reference_value").alias("krugman_spec"))
    jr = t["regions"].filter(pl.col("measure") == "employment").join(direct_r, on=["region", "year"], suffix="_direct")
    assert jr.height == direct_r.height
    for c in ["hhi", "entropy", "krugman_spec"]:
        assert (jr[c] - jr[c + "_direct"]).abs().max() < 1e-12, c


def test_tables_are_deterministic():
    # multi-threaded joins and group-bys must not change the row order between runs
    import numpy as np

    rng = np.random.default_rng(7)
    rows = [(f"R{r:02d}", f"{10 + i // 5}{i % 5}", y, float(rng.integers(0, 500)))
            for r in range(40) for i in range(25) for y in (2015, 2016, 2018)]
    tidy = frame(rows).with_columns(unit=pl.lit("persons"))
    a = build(tidy, dynamic=True)
    for _ in range(2):
        b = build(tidy, dynamic=True)
        for name in a:
            assert a[name].equals(b[name]), name


def test_growth_and_clusters_pair_cells_alike_by_position_and_by_join():
    # a balanced panel pairs its start and end year row by row (the same cells in the same
    # rows), and clusters take growth the same way; the same cells in another order, or a
    # panel with a cell missing from one year, go through the joins: the tables must agree
    from polars.testing import assert_frame_equal

    import numpy as np

    rng = np.random.default_rng(11)
    rows = [(f"R{r:02d}", f"{10 + i // 5}{i % 5}", y, float(rng.integers(0, 400)))
            for r in range(30) for i in range(20) for y in (2015, 2020)]
    tidy = frame(rows).with_columns(unit=pl.lit("persons"))
    first, last = (tidy.filter(pl.col("year") == y) for y in (2015, 2020))
    by_position = build(tidy)
    by_join = build(pl.concat([first, last.sample(fraction=1.0, shuffle=True, seed=3)]))
    keys = {"growth": ["region", "industry", "measure", "period"], "clusters": ["region", "industry", "measure"]}
    for name, k in keys.items():
        assert by_position[name].height == by_join[name].height > 500
        assert_frame_equal(by_position[name].sort(k), by_join[name].sort(k), rel_tol=1e-12, abs_tol=1e-12)
    # clusters are in key order either way
    assert by_join["clusters"].equals(by_join["clusters"].sort(keys["clusters"]))

    # a cell only in the end year and one only in the start year
    gone_start = (pl.col("region") == "R03") & (pl.col("industry") == "111")
    gone_end = (pl.col("region") == "R07") & (pl.col("industry") == "124")
    unbalanced = build(pl.concat([first.filter(~gone_start), last.filter(~gone_end)]))
    g = unbalanced["growth"].filter(~pl.col("is_total_industry"))
    assert g.height == by_position["growth"].filter(~pl.col("is_total_industry")).height - 1
    lone = g.filter(gone_start)
    assert lone["growth"].to_list() == [None] and "growth" in lone["null_reason"][0]
    same = g.filter(~gone_start).join(by_position["growth"], on=keys["growth"], suffix="_b")
    assert same.height == g.height - 1
    assert (same["growth"] - same["growth_b"]).abs().max() < 1e-12


def test_eg_gamma_with_a_supplied_plant_hhi():
    # two regions of equal size; the industry sits 90/10; plant HHI 0.1 given on the reference row
    rows = [("A", "x", 2020, 90.0), ("A", "y", 2020, 10.0), ("B", "x", 2020, 10.0), ("B", "y", 2020, 90.0)]
    tidy = frame(rows).with_columns(unit=pl.lit("persons"))
    h = pl.DataFrame({"region": "A", "industry": ["x", "y"], "year": 2020, "value": [0.1, 0.1],
                      "measure": "plant_hhi", "unit": None}, schema_overrides={"unit": pl.String})
    t = build(pl.concat([tidy, h], how="diagonal_relaxed"), clusters={"plant_hhi_measure": "plant_hhi"})
    assert "plant_hhi" not in t["indicators"]["measure"].to_list()
    x = t["industries"].filter(pl.col("industry") == "x").row(0, named=True)
    # G = 0.4² + 0.4² = 0.32, 1 - Σ b² = 0.5: γ = (0.32 - 0.05) / (0.5 · 0.9) = 0.6
    assert x["plant_hhi"] == pytest.approx(0.1)
    assert x["eg_gamma"] == pytest.approx(0.6)
