"""Unit tests of lqcalc.validation: every rule, the report, the quarantine split, GX failures."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lqcalc import schema
from lqcalc.config import RunConfig
from lqcalc.errors import DataError, InternalError, UsageError
from lqcalc.validation import RULES, gate, validate_tidy
from lqcalc.validation.labels import normalize_label, spelling_groups

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
CFG = RunConfig(reference_region="R", total_industry="T")
GX = RunConfig(reference_region="R", total_industry="T", gx=True)


def tidy(rows, **const) -> pl.DataFrame:
    """A tidy table from (region, industry, year, value) tuples; source lines start at 2."""
    df = pl.DataFrame(
        {"region": [r[0] for r in rows], "industry": [r[1] for r in rows], "year": [r[2] for r in rows],
         "value": [r[3] for r in rows]},
        schema_overrides={"year": pl.Int32, "value": pl.Float64},
    ).with_columns(
        pl.lit(const.get("measure", "emp")).alias("measure"),
        pl.lit(const.get("unit", "persons")).alias("unit"),
        pl.lit("in.csv").alias("source_file"),
        pl.int_range(2, len(rows) + 2, dtype=pl.Int64).alias("source_line"),
    )
    return schema.conform(df)


def good_rows(year=2020):
    # reference R, total T; parts fit inside totals; no region is the sum of the others
    return [
        ("R", "T", year, 1000.0), ("R", "a", year, 600.0), ("R", "b", year, 400.0),
        ("X", "T", year, 100.0), ("X", "a", year, 70.0), ("X", "b", year, 30.0),
        ("Y", "T", year, 300.0), ("Y", "a", year, 100.0), ("Y", "b", year, 200.0),
    ]


def failing(report):
    return {k for k, v in report.counts.items() if v}


def test_valid_table_passes():
    rep = validate_tidy(tidy(good_rows() + good_rows(2021)), CFG)
    assert rep.ok and not rep.fatal and failing(rep) == set()
    assert rep.warnings == []
    assert rep.n_bad_rows == 0
    good, rejected = rep.split()
    assert good.height == 18 and rejected.height == 0
    # every expectation ran and passed
    assert rep.stats and all(s["success"] for s in rep.stats)


@pytest.mark.parametrize("change, rule, line", [
    (lambda r: r + [("X", "a", 2020, 1.0)], "duplicate_key", 6),
    (lambda r: [(a, b, y, -3.0 if (a, b) == ("Y", "b") else v) for a, b, y, v in r], "negative_value", 10),
    (lambda r: [(a, b, y, float("inf") if (a, b) == ("Y", "b") else v) for a, b, y, v in r], "non_finite", 10),
    (lambda r: [(a, b, y, float("nan") if (a, b) == ("Y", "b") else v) for a, b, y, v in r], "non_finite", 10),
    (lambda r: [(a, b, 1850 if (a, b) == ("Y", "b") else y, v) for a, b, y, v in r], "year_range", 10),
    (lambda r: [(a, b, y, 120.0 if (a, b) == ("X", "a") else v) for a, b, y, v in r], "exceeds_total", 6),
    (lambda r: [(a, b, y, 500.0 if (a, b) == ("Y", "b") else 900.0 if (a, b) == ("Y", "T") else v)
                for a, b, y, v in r], "exceeds_reference", 10),
    (lambda r: [x for x in r if (x[0], x[1]) != ("Y", "T")], "total_missing", 8),
    (lambda r: r + [(None, "a", 2020, 1.0)], "key_null", 11),
    (lambda r: r + [("—", "a", 2020, 1.0)], "key_null", 11),
    (lambda r: r + [("注：数据来源于统计年鉴", "a", 2020, None)], "footnote_row", 11),
])
def test_each_rule_is_found_and_located(change, rule, line):
    rep = validate_tidy(tidy(change(good_rows())), CFG)
    assert not rep.ok
    assert rule in failing(rep)
    listed = [f for f in rep.findings if f["rule"] == rule]
    assert listed and listed[0]["file"] == "in.csv"
    assert line in [f["line"] for f in listed]
    probs = [p for p in rep.problems if p.rule == rule]
    assert probs[0].hint == RULES[rule].hint_en and probs[0].severity == "error"


def test_reference_missing_for_one_year_flags_that_year_only():
    rows = good_rows(2020) + [r for r in good_rows(2021) if r[0] != "R"]
    rep = validate_tidy(tidy(rows), CFG)
    assert failing(rep) == {"reference_missing"}
    [f] = [f for f in rep.findings if f["rule"] == "reference_missing"]
    assert f["year"] == 2021 and f["reference"] == "R"
    assert rep.counts["reference_missing"] == 6       # the 2021 rows lack their reference
    good, rejected = rep.split()
    assert set(good["year"].to_list()) == {2020}


def test_tolerance_is_relative():
    rows = [(a, b, y, 100.4 if (a, b) == ("X", "a") else v) for a, b, y, v in good_rows()]
    assert "exceeds_total" not in failing(validate_tidy(tidy(rows), CFG))           # 0.4% over
    strict = RunConfig(reference_region="R", total_industry="T", tolerance=0.001)
    assert "exceeds_total" in failing(validate_tidy(tidy(rows), strict))


def test_mixed_units_in_one_measure():
    t = pl.concat([tidy(good_rows(2020)), tidy(good_rows(2021), unit="万人")])
    rep = validate_tidy(t, CFG)
    assert failing(rep) == {"mixed_units"}
    assert rep.counts["mixed_units"] == 18
    assert {f["unit"] for f in rep.findings} == {"persons", "万人"}


def test_region_spelling_and_industry_leading_zeros():
    rows = good_rows() + [("内蒙古", "a", 2020, 1.0), ("内蒙古自治区", "b", 2020, 1.0)]
    rep = validate_tidy(tidy(rows), RunConfig())
    assert "region_spelling" in failing(rep)
    rep = validate_tidy(tidy([("X", "0161", 2020, 1.0), ("X", "161", 2020, 2.0), ("Y", "0162", 2020, 3.0)]))
    assert failing(rep) == {"industry_spelling"}
    assert rep.counts["industry_spelling"] == 2


PROVINCES = ["北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
             "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区",
             "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省",
             "宁夏回族自治区", "新疆维吾尔自治区"]
SHORT = ["北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建",
         "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西",
         "甘肃", "青海", "宁夏", "新疆"]


def test_spelling_of_the_31_provinces():
    assert spelling_groups(PROVINCES, region=True) == {}          # 31 distinct provinces
    assert spelling_groups(SHORT, region=True) == {}
    for full, short in zip(PROVINCES, SHORT):
        assert normalize_label(full, region=True) == normalize_label(short, region=True), full


def test_unknown_reference_region_is_a_usage_error():
    with pytest.raises(UsageError) as exc:
        validate_tidy(tidy(good_rows()), RunConfig(reference_region="RR", total_industry="T"))
    assert "'R'" in (exc.value.hint or "")


def test_reference_matched_by_name():
    t = tidy(good_rows()).with_columns(
        pl.when(pl.col("region") == "R").then(pl.lit("全国")).otherwise(None).alias("region_name"))
    rep = validate_tidy(t, RunConfig(reference_region="全国", total_industry="T"))
    assert rep.ok


def test_structural_problems_are_fatal():
    t = tidy(good_rows()).drop("industry")
    rep = validate_tidy(t, CFG)
    assert rep.fatal and not rep.ok and rep.n_bad_rows == t.height
    assert [f["rule"] for f in rep.findings] == ["column_missing"]
    with pytest.raises(DataError):
        rep.split()
    t = tidy(good_rows()).with_columns(pl.col("value").cast(pl.String))
    rep = validate_tidy(t, CFG)
    assert rep.fatal and rep.findings[0]["rule"] == "column_type" and rep.findings[0]["column"] == "value"


def test_warnings_region_and_industry_that_are_sums():
    rows = []
    for ind, vals in (("a", [10, 20, 30, 40]), ("b", [5, 6, 7, 2]), ("c", [1, 2, 3, 4])):
        for reg, v in zip("PQST", vals):
            rows.append((reg, ind, 2020, float(v)))
        rows.append(("NAT", ind, 2020, float(sum(vals))))
    rep = validate_tidy(tidy(rows))
    assert rep.ok
    assert [w["region"] for w in rep.warnings if w["rule"] == "region_is_sum"] == ["NAT"]
    # named as the reference it is no longer suspicious
    rep = validate_tidy(tidy(rows), RunConfig(reference_region="NAT"))
    assert not [w for w in rep.warnings if w["rule"] == "region_is_sum"]
    # an unnamed all-industry row
    rows = []
    for reg, vals in (("P", [10, 20, 30]), ("Q", [5, 6, 7]), ("S", [3, 1, 9])):
        rows += [(reg, ind, 2020, float(v)) for ind, v in zip("abc", vals)] + [(reg, "ALL", 2020, float(sum(vals)))]
    rep = validate_tidy(tidy(rows))
    assert [w["industry"] for w in rep.warnings if w["rule"] == "industry_is_sum"] == ["ALL"]


def test_warnings_missing_share_zero_total_reference_value_missing():
    rows = good_rows(2020) + good_rows(2021)
    rows = [(a, b, y, None if (y == 2021 and a != "R" and b != "T") else v) for a, b, y, v in rows]
    rows = [(a, b, y, 0.0 if (a, b, y) == ("X", "T", 2020) else v) for a, b, y, v in rows]
    rows = [(a, b, y, 0.0 if (a, b, y) == ("X", "a", 2020) else v) for a, b, y, v in rows]
    rows = [(a, b, y, 0.0 if (a, b, y) == ("X", "b", 2020) else v) for a, b, y, v in rows]
    rows = [(a, b, y, None if (a, b, y) == ("R", "a", 2021) else v) for a, b, y, v in rows]
    rep = validate_tidy(tidy(rows), CFG)
    assert rep.ok
    kinds = {w["rule"] for w in rep.warnings}
    assert {"missing_share", "zero_total", "reference_value_missing"} <= kinds
    [ms] = [w for w in rep.warnings if w["rule"] == "missing_share"]
    assert ms["year"] == 2021 and ms["share"] == "56%"         # 5 of 9 cells
    share = {(m["year"]): m["share"] for m in rep.missing_share}
    assert share[2020] == 0 and share[2021] == pytest.approx(5 / 9)
    assert all(p.severity == "warning" for p in rep.warning_problems)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["X", "Y", "Z"]), st.sampled_from(["a", "b"]),
                          st.sampled_from([2019, 2020]),
                          st.one_of(st.none(), st.floats(-5, 50, allow_nan=False))), min_size=1, max_size=25))
def test_split_accounts_for_every_row(rows):
    t = tidy(rows)
    rep = validate_tidy(t)
    good, rejected = rep.split()
    assert good.height + rejected.height == t.height == rep.rows
    assert rejected.height == rep.n_bad_rows
    assert rejected["rule"].null_count() == 0 and rejected["reason"].null_count() == 0
    # what is kept breaks no rule: unique keys, no negative values
    assert not good.select(pl.struct(schema.KEY).is_duplicated().any()).item()
    assert not (good["value"] < 0).any()
    # nothing kept was changed
    assert good.join(t, on=schema.TIDY_COLUMNS, how="anti", nulls_equal=True).height == 0
    assert rep.ok == (rejected.height == 0)


def test_report_renderings():
    rows = good_rows() + [("X", "a", 2020, 1.0), ("内蒙古", "a", 2020, 1.0), ("内蒙古自治区", "a", 2020, 1.0)]
    rep = validate_tidy(tidy(rows), RunConfig(reference_region="R"))
    text_en, text_zh = rep.render_text("en"), rep.render_text("zh")
    assert text_en.startswith("INVALID") and "[duplicate_key]" in text_en
    assert text_zh.startswith("未通过") and "同一地区有多种写法" in text_zh
    data = json.loads(rep.to_json())
    assert data["ok"] is False and data["rows"] == 12
    assert {p["rule"] for p in data["problems"]} == {"duplicate_key", "region_spelling"}
    assert all(s["expectation"].startswith("expect_") for s in data["expectations"])
    html_zh = rep.to_html("zh")
    assert html_zh.startswith("<!DOCTYPE html>") and 'lang="zh"' in html_zh and "数据校验报告" in html_zh
    for external in ("<script", "src=", "href=", "http://", "https://"):
        assert external not in html_zh
    err = rep.to_data_error(["x.html"])
    assert err.exit_code == 3 and "x.html" in err.hint and err.problems


def test_listing_is_bounded_but_counts_are_complete():
    rows = [(f"r{i}", "a", 2020, -1.0) for i in range(120)]
    rep = validate_tidy(tidy(rows), max_listed=50)
    assert rep.counts["negative_value"] == 120
    assert len([f for f in rep.findings if f["rule"] == "negative_value"]) == 50
    assert "120" in rep.render_text()


def test_gate_fail_writes_report_and_raises(tmp_path):
    t = tidy(good_rows() + [("X", "a", 2020, 1.0)])
    cfg = RunConfig(reference_region="R", total_industry="T", out=str(tmp_path / "out"))
    with pytest.raises(DataError) as exc:
        gate(t, cfg)
    assert (tmp_path / "out.validation.html").exists() and (tmp_path / "out.validation.json").exists()
    assert "out.validation.html" in exc.value.hint
    assert not (tmp_path / "out").exists()
    cfg.on_invalid = "quarantine"
    res = gate(t, cfg)
    assert res.good.height + res.rejected.height == t.height and res.rejected.height == 2


def test_gate_quarantine_with_nothing_left_fails():
    t = tidy([("X", "a", 2020, -1.0)])
    with pytest.raises(DataError, match="every row was rejected"):
        gate(t, RunConfig(on_invalid="quarantine"))


def test_great_expectations_exception_is_an_internal_error(monkeypatch):
    from lqcalc.validation import suite

    real = suite.specs

    def broken(active, **kw):
        # an expectation on a column that does not exist makes GX raise inside its metrics
        return real(active, **kw) + [suite.Spec("key_null", "ExpectColumnValuesToNotBeNull", {"column": "region"}, None),
                                     suite.Spec("key_null", "ExpectColumnValuesToBeBetween",
                                                {"column": "region", "min_value": 0}, None)]

    monkeypatch.setattr(suite, "specs", broken)
    with pytest.raises(InternalError, match="great-expectations raised in expect_column_values_to_be_between"):
        validate_tidy(tidy(good_rows()), GX)


def test_counts_must_agree_with_polars(monkeypatch):
    from lqcalc.validation import suite

    real = suite.specs

    def wrong_twin(active, **kw):
        out = real(active, **kw)
        out.append(suite.Spec("negative_value", "ExpectColumnValuesToBeBetween", {"column": "value", "min_value": -1},
                              pl.col("value") > 0))                   # disagrees with GX
        return out

    monkeypatch.setattr(suite, "specs", wrong_twin)
    with pytest.raises(InternalError, match="disagree"):
        validate_tidy(tidy(good_rows()), GX)
    # the polars rules alone cannot disagree with themselves: no second engine ran
    assert validate_tidy(tidy(good_rows()), CFG).settings["engine"] == "polars"


@pytest.mark.skipif(not (SHARED / "nbs-portal-exports").exists(), reason="shared data not present")
def test_real_nbs_export_reports_empty_years():
    from lqcalc.config import ReadOptions
    from lqcalc.io import read_inputs

    t, _ = read_inputs([str(SHARED / "nbs-portal-exports" / "renjiyi_urban_unit_employment_gbk.csv")], ReadOptions())
    rep = validate_tidy(t)
    assert rep.ok
    # 2025, 2007 and 2006 are empty columns in this export (see its PROVENANCE.md)
    assert sorted(w["year"] for w in rep.warnings if w["rule"] == "missing_share") == [2006, 2007, 2025]


def test_warnings_parts_exceed_total_and_reference():
    # every part fits its total, but together they exceed it (a wrong total, or overlapping parts)
    change = {("X", "a"): 80.0,            # X: 80 + 30 = 110 > its total 100
              ("Y", "b"): 380.0,           # b: X 30 + Y 380 = 410 > the reference 400
              ("Y", "T"): 500.0}
    rows = [(a, b, y, change.get((a, b), v)) for a, b, y, v in good_rows()]
    rep = validate_tidy(tidy(rows), RunConfig(reference_region="R", total_industry="T", tolerance=0.001))
    assert rep.ok                                            # warnings only: no single part is too large
    pt = [w for w in rep.warnings if w["rule"] == "parts_exceed_total"]
    assert [(w["region"], w["parts"], w["total_value"], w["line"]) for w in pt] == [("X", "110", "100", 5)]
    [pr] = [w for w in rep.warnings if w["rule"] == "parts_exceed_reference"]
    assert (pr["industry"], pr["cells"], pr["excess"], pr["parts"]) == ("b", "1 of 3", "2.5%", "410")


@pytest.mark.skipif(not (SHARED / "oews-2025-states").exists(), reason="shared data not present")
def test_real_oews_is_valid_and_territories_show_as_extra_regions():
    from lqcalc.config import ReadOptions
    from lqcalc.io import read_inputs

    opts = ReadOptions(region_col="area_code", industry_col="occ_code", value_cols=["employment"])
    t, _ = read_inputs([str(SHARED / "oews-2025-states" / "oews_2025_states.csv")], opts)
    rep = validate_tidy(t, RunConfig(reference_region="0000000", total_industry="000000"))
    assert rep.ok and rep.counts.get("exceeds_reference", 0) == 0 and rep.counts.get("exceeds_total", 0) == 0
    # the states plus DC, PR, GU and VI add up to more than the nation (PROVENANCE.md: they do not add up)
    assert [w["rule"] for w in rep.warnings] == ["parts_exceed_reference"]


def test_zero_reference_is_not_an_excess_of_parts():
    """0 employees in every region against a reference of 0 is a zero total, not parts > reference."""
    t = schema.conform(pl.DataFrame({
        "region": ["US", "US", "A", "A", "B", "B", "US", "A", "B"],
        "industry": ["10", "x", "10", "x", "10", "x", "y", "y", "y"],
        "measure": "m", "value": [10.0, 0.0, 5.0, 0.0, 5.0, 0.0, 10.0, 5.0, 6.0]}))
    rep = validate_tidy(t, RunConfig(reference_region="US", total_industry="10", gx=False))
    rules = [w.rule for w in rep.warnings_in("en")]
    assert "zero_total" in rules
    excess = [w for w in rep.warnings_in("en") if w.rule == "parts_exceed_reference"]
    assert len(excess) == 1 and "nan" not in excess[0].message  # only y: 11 against 10
