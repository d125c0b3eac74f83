"""The catalogue of broken inputs, end to end through the command line.

Each case names input files from tests/fixtures/validation/ (written by make_fixtures.py),
extra options, the expected exit code and a fragment the message must contain. For every
case, ``lqcalc validate`` must give that exit code and message without a traceback; for the
failing ones ``lqcalc run --out DIR`` must fail the same way and leave no DIR behind.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

FIX = Path(__file__).parent / "fixtures" / "validation"
REF = ("--reference-region", "全国", "--total-industry", "合计")

# (case id, files, options, exit code, fragment of the output)
CATALOGUE = [
    # -- parsing: the readers refuse the file --
    ("empty_file", ["empty.csv"], (), 3, "is empty"),
    ("blank_lines_only", ["blank_lines.csv"], (), 3, "is empty"),
    ("header_only", ["header_only.csv"], (), 3, "no data rows"),
    ("value_column_typo", ["valid.csv"], ("--value-col", "valeu"), 2, "did you mean 'value'"),
    ("text_in_number_column", ["text_in_number.csv"], (), 3, "'abc'"),
    ("percent_sign_in_number", ["percent_in_number.csv"], (), 3, "'12%'"),
    ("misplaced_thousands_separators", ["bad_thousands_separators.csv"], (), 3, "'1,23,4'"),
    ("missing_marker_as_year", ["missing_marker_in_year.csv"], (), 3, "not a four-digit year"),
    ("year_in_chinese_numerals", ["bad_year.csv"], (), 3, "二〇二〇"),
    ("inf_and_nan_text", ["non_finite_text.csv"], (), 3, "not a finite number"),
    ("gbk_bytes_declared_utf8", ["gbk_read_as_utf8.csv"], ("--encoding", "utf-8"), 3, "not valid utf-8"),
    ("binary_garbage", ["binary_garbage.csv"], (), 3, "not valid UTF-8 or GB18030"),
    ("ragged_rows", ["ragged_rows.csv"], (), 3, "malformed_csv"),
    ("unclosed_quote", ["unclosed_quote.csv"], (), 3, "malformed_csv"),
    ("truncated_xlsx", ["truncated.xlsx"], (), 3, "cannot be read as an Excel workbook"),
    ("csv_renamed_xlsx", ["csv_renamed.xlsx"], (), 3, "cannot be read as an Excel workbook"),
    ("unsupported_file_type", ["unsupported.dat"], (), 2, "unsupported file type"),
    ("file_not_found", ["does_not_exist.csv"], (), 2, "not found"),
    ("decimal_commas_not_read_as_thousands", ["decimal_commas.csv"], (), 3, "'1,5'"),
    ("bom_only", ["bom_only.csv"], (), 3, "empty CSV"),
    ("duplicate_header_names", ["duplicate_header.csv"], (), 2, "the header names column 'region' twice"),
    ("empty_excel_sheet", ["empty_sheet.xlsx"], (), 3, "empty Excel sheet"),
    ("mixed_currencies_in_portal_exports", ["portal_gdp_yuan.csv", "portal_gdp_usd.csv"], (), 3, "mixes incompatible units"),
    # -- rules: lqcalc.validation finds them --
    ("duplicate_keys", ["duplicate_keys.csv"], REF, 3, "[duplicate_key]"),
    ("same_file_twice", ["valid.csv", "valid.csv"], REF, 3, "[duplicate_key]"),
    ("negative_value", ["negative_value.csv"], REF, 3, "negative value -44"),
    ("total_smaller_than_part", ["total_smaller_than_part.csv"], REF, 3, "larger than the total 合计 = 50"),
    ("region_larger_than_reference", ["region_exceeds_reference.csv"], REF, 3, "larger than the reference 全国"),
    ("reference_row_missing_for_one_year", ["reference_missing_one_year.csv"], REF, 3, "has no row for value, year 2020"),
    ("total_row_missing_for_one_region", ["total_missing_one_region.csv"], REF, 3, "no row for region 上海市"),
    ("province_written_two_ways", ["two_spellings.csv"], REF, 3, "内蒙古 looks like the same region as 内蒙古自治区"),
    ("leading_zeros_lost", ["leading_zeros_lost.csv"], (), 3, "0161 looks like the same industry as 161"),
    ("footnote_read_as_row", ["footnote_row.csv"], REF, 3, "[footnote_row]"),
    ("missing_marker_as_region", ["missing_marker_as_region.csv"], REF, 3,
     "(missing_marker_as_region.csv:34, column 'region', value '—')"),
    ("year_out_of_range", ["year_out_of_range.csv"], REF, 3, "year 1820 is outside 1900..2100"),
    ("reference_region_absent", ["valid.csv"], ("--reference-region", "全國", "--total-industry", "合计"), 2,
     "closest values in the input: '全国'"),
    ("total_industry_absent", ["valid.csv"], ("--reference-region", "全国", "--total-industry", "总计"), 2,
     "--total-industry '总计' is not in the input"),
    # -- accepted, with the right numbers or a warning --
    ("valid_csv", ["valid.csv"], REF, 0, "VALID"),
    ("valid_xlsx", ["valid.xlsx"], REF, 0, "VALID"),
    ("thousands_separators_parsed", ["thousands_separators.csv"], REF, 0, "VALID"),
    ("missing_markers_in_values", ["missing_markers_in_values.csv"], REF, 0, "VALID"),
    ("zero_totals_warned", ["zero_totals.csv"], REF, 0, "[zero_total]"),
    ("unnamed_national_row_warned", ["unnamed_national_row.csv"], (), 0, "region 全国 equals the sum of the other regions"),
    ("many_suppressed_cells_warned", ["many_suppressed.csv"], (), 0, "50% of 20 cells are missing"),
    ("latin1_names_warned", ["latin1_names.csv"], (), 0, "[suspect_encoding]"),
    ("units_converted_across_portal_exports", ["portal_units_wanren.csv", "portal_units_ren.csv"], (), 0, "VALID"),
]

# -- ordinary files analysts download: the right numbers or a clear refusal --
# (case id, files, options, exit code, fragment of `lqcalc validate`'s output, fragment of `lqcalc run`'s
#  output, check of what the run wrote: called with the output directory and the report, if any)
UNITS = ("--value-col", "emp", "--reference-region", "全国", "--total-industry", "合计")


def _ind(out: Path) -> pl.DataFrame:
    return pl.read_parquet(out / "indicators.parquet")


def _tidy(out: Path) -> pl.DataFrame:
    return pl.read_parquet(out / "tidy.parquet")


def _cell(df: pl.DataFrame, col: str, **where) -> object:
    rows = df.filter(*[pl.col(k) == v for k, v in where.items()])
    assert rows.height == 1, (where, rows)
    return rows[col][0]


def _report(report: dict | None) -> list[dict]:
    assert report is not None and report["ok"] is False
    return report["problems"]


# employment in persons of units_*.csv (tests/fixtures/validation/make_fixtures.py, PERSONS)
_P = {"全国合计": 170000000, "全国制造业": 38000000, "上海合计": 7636000, "上海制造业": 2491000}


def check_units_mixed(out, report):
    ind, tidy = _ind(out), _tidy(out)
    assert _cell(tidy, "value", region="上海", industry="合计") == 7636000.0      # 763.6 万人, exactly
    assert set(tidy["unit"]) == {"persons"}
    expected = (_P["上海制造业"] / _P["上海合计"]) / (_P["全国制造业"] / _P["全国合计"])
    assert _cell(ind, "lq", region="上海", industry="制造业") == pytest.approx(expected, rel=1e-15)


def check_units_same_as_persons(out, report, _cache={}):
    """The mixed-unit file gives exactly the LQs of the same data written in persons."""
    check_units_mixed(out, report)
    persons = _cache.get("persons")
    if persons is None:
        from click.testing import CliRunner

        from lqcalc.cli import main

        ref = out.parent / "persons"
        CliRunner().invoke(main, ["run", str(FIX / "units_all_persons.csv"), *UNITS, "--out", str(ref), "--no-charts",
                                  "-q"], catch_exceptions=False)
        persons = _cache["persons"] = _ind(ref).select("region", "industry", "lq", "lq_ci_low").sort("region", "industry")
    assert _ind(out).select("region", "industry", "lq", "lq_ci_low").sort("region", "industry").equals(persons)


def check_unknown_unit(out, report):
    [p] = _report(report)
    assert (p["rule"], p["line"], p["column"], p["value"]) == ("unknown_unit", 2, "unit", "公顷")
    assert "line(s) 2, 3" in p["message"]


def check_persons_and_yuan(out, report):
    [p] = _report(report)
    assert p["rule"] == "mixed_units" and p["column"] == "单位"
    assert "persons (万人) from line 2" in p["message"] and "yuan (亿元) from line 4" in p["message"]


def check_rate_export(out, report):
    tidy, growth = _tidy(out), pl.read_parquet(out / "growth.parquet")
    assert _cell(tidy, "value", region="110000", year=2022) == -16.0          # kept as read, never rejected
    assert set(tidy["unit"]) == {"percent"}
    bj = growth.filter(pl.col("region") == "110000")
    assert bj["change"].to_list() == [-18.3]                                   # 2.3 % -> -16.0 %: -18.3 points
    hb = growth.filter(pl.col("region") == "130000")
    assert hb["change"].to_list() == [0.8]                                     # 4.7 -> 5.5, without float noise
    assert bj["growth"].is_null().all() and bj["cagr"].is_null().all()
    ind = _ind(out)                                                             # one indicator, and a rate
    assert ind.height == 15 and ind["lq"].is_null().all() and ind["share_of_reference"].is_null().all()
    assert ind["null_reason"].str.contains("is a rate").all()
    assert "percentage points" in bj["null_reason"][0]
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["rates"] == {"规模以上工业增加值增长率": "percent"}


def check_index_export(out, report):
    tidy = _tidy(out)
    assert set(tidy["unit"]) == {"index"}
    assert _cell(tidy, "value", region="130000", year=2023) == 99.8
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["rates"] == {"居民消费价格指数": "index"}


def check_negative_named(out, report):
    problems = _report(report)
    assert [(p["rule"], p["line"], p["column"], p["value"]) for p in problems] == [
        ("negative_value", 2, "net_jobs", "-1200"), ("negative_value", 5, "net_jobs", "-50")]


def check_declared_rate(out, report):
    tidy, ind = _tidy(out), _ind(out)
    assert sorted(tidy["value"].to_list()) == [-1200.0, -50.0, 300.0, 800.0]
    assert ind["lq"].is_null().all() and ind["share_of_region"].is_null().all()
    assert ind["null_reason"].str.contains("net_jobs is a rate").all()


def check_sectors_and_share(out, report):
    ind = _ind(out)
    gdp = {"北京": 41610.9, "天津": 16311.3, "河北": 42370.4, "上海": 44652.8}
    s3 = {"北京": 34894.3, "天津": 9999.2, "河北": 20910.0, "上海": 33097.5}
    expected = (s3["北京"] / gdp["北京"]) / (sum(s3.values()) / sum(gdp.values()))
    va = ind.filter(pl.col("measure") == "增加值")
    assert _cell(va, "lq", region="110000", industry="sector3") == pytest.approx(expected, rel=1e-12)
    share = ind.filter(pl.col("measure") == "增加值比重")
    assert share.height == 4 and share["lq"].is_null().all() and share["share_of_reference"].is_null().all()
    assert _cell(share, "value", region="110000") == 83.9
    assert share["null_reason"].str.contains("is a rate").all()


def check_no_industry_column(out, report):
    ind = _ind(out)
    assert ind.select("region", "industry", "value", "share_of_reference", "region_rank", "lq").rows() == [
        ("北京市", "合计", 1.0, 1.0, 1, None)]
    assert ind["null_reason"][0] == "lq: an LQ needs at least two industries; value has the all-industry total only"


def _export_column(path: Path, year: str) -> dict[str, float]:
    """Province -> value of one year's column of a classic NBS export, read with the csv module."""
    import csv

    rows = list(csv.reader(path.read_bytes().decode("gb18030").splitlines()))
    header = next(r for r in rows if r and r[0] == "地区")
    j = header.index(year)
    return {r[0]: float(r[j]) for r in rows[rows.index(header) + 1:] if len(r) > j and r[j]}


def check_one_indicator_export(out, report):
    ind = _ind(out).filter(pl.col("year") == 2024)
    col = _export_column(FIX.parent / "io" / "renjiyi_urban_unit_employment_gbk.csv", "2024年")
    assert ind.height == len(col) == 31 and ind["lq"].is_null().all()
    total = sum(col.values())
    for name, v in col.items():
        row = ind.filter(pl.col("region_name") == name).row(0, named=True)
        assert row["value"] == pytest.approx(v * 10_000, rel=1e-15)
        assert row["share_of_reference"] == pytest.approx(v / total, rel=1e-12)
        assert row["region_rank"] == 1 + sum(1 for w in col.values() if w > v)
    assert _cell(ind, "region_name", region_rank=1) == "广东省"
    assert ind["null_reason"].str.starts_with("lq: an LQ needs at least two industries").all()
    growth = pl.read_parquet(out / "growth.parquet")
    assert growth.height == 31 and growth["cagr"].is_not_null().all()
    # 2025, 2007 and 2006 are empty columns: growth runs from the first to the last year with values
    assert set(growth["start_year"]) == {2008} and set(growth["end_year"]) == {2024}
    assert _cell(growth, "cagr", region="110000") == pytest.approx((763.6 / 570.3) ** (1 / 16) - 1, rel=1e-12)


def check_one_industry_export(out, report):
    ind = _ind(out)
    assert ind.height == 6 and ind["lq"].is_null().all()              # never LQ 1.0 everywhere
    v = {"北京市": 38113.9, "天津市": 10703.6, "河北省": 22373.1}
    bj = ind.filter(pl.col("region") == "110000", pl.col("year") == 2023).row(0, named=True)
    assert bj["share_of_reference"] == pytest.approx(v["北京市"] / sum(v.values()), rel=1e-12)
    assert (bj["region_rank"], bj["industry"]) == (1, "sector3")
    assert "has one industry (sector3)" in bj["null_reason"]


def check_stacked_exports(out, report):
    ind = _ind(out).filter(pl.col("year") == 2024)
    manu = {"北京市": 101.2, "天津市": 75.3, "河北省": 118.6, "上海市": 249.1}
    total = {"北京市": 763.6, "天津市": 226.0, "河北省": 567.9, "上海市": 763.6}
    expected = (manu["北京市"] / total["北京市"]) / (sum(manu.values()) / sum(total.values()))
    row = ind.filter(pl.col("region") == "110000", pl.col("industry") == "C").row(0, named=True)
    assert row["lq"] == pytest.approx(expected, rel=1e-12)
    assert (row["industry_name"], row["measure"], row["region_total"]) == ("制造业", "城镇单位就业人员", 7636000.0)
    assert set(ind["industry"]) == {"C", "J"} and ind["lq"].is_not_null().all()


def check_region_given(out, report):
    tidy = _tidy(out)
    assert set(tidy["region"]) == {"110000"} and set(tidy["region_name"]) == {"北京市"}
    assert _cell(tidy, "value", measure="地区生产总值", year=2024) == 4984310000000.0


def check_year_given(out, report):
    tidy = _tidy(out)
    assert set(tidy["year"]) == {2022}
    assert _cell(tidy, "value", region="110000", measure="城镇单位就业人员") == 7471000.0


def check_oews_names(out, report):
    import duckdb

    ind = _ind(out)
    expected = (290730 / 18213830) / (1654440 / 155495730)
    assert _cell(ind, "lq", region="0600000", industry="151252") == pytest.approx(expected, rel=1e-12)
    assert _cell(ind, "region_name", region="0600000", industry="151252") == "California"
    assert _cell(ind, "industry_name", region="4800000", industry="291141") == "Registered Nurses"
    summary = (out / "summary" / "top_clusters_by_region.csv").read_text(encoding="utf-8-sig")
    assert "California" in summary and "Software Developers" in summary
    con = duckdb.connect(str(out / "lqcalc.duckdb"), read_only=True)
    try:
        names = con.sql("select distinct region_name from indicators order by 1").fetchall()
    finally:
        con.close()
    assert names == [("California",), ("Texas",)]


def check_region_name_column(out, report):
    ind = _ind(out)
    assert _cell(ind, "region_name", region="310000", industry="B") == "上海市"
    assert _cell(ind, "lq", region="310000", industry="B") == pytest.approx((40 / 70) / (150 / 290), rel=1e-12)


def check_ragged(out, report):
    [p] = _report(report)
    assert (p["rule"], p["line"], p["value"]) == ("malformed_csv", 3, "上海市,制造业,2023,2,491")


def check_export_column(out, report):
    [p] = _report(report)
    assert (p["rule"], p["line"], p["column"], p["value"]) == ("negative_value", 6, "2023年", "-2190000")


ORDINARY = [
    ("unit_column_mixes_wanren_and_ren", ["units_mixed_wanren_ren.csv"], UNITS, 0, "VALID", "read 12 rows",
     check_units_same_as_persons),
    ("unit_column_named_jiliang_danwei_gbk", ["units_jiliang_danwei_gbk.csv"], UNITS, 0, "VALID", "read 12 rows",
     check_units_mixed),
    ("unit_column_with_unknown_unit", ["units_unknown.csv"], ("--value-col", "emp"), 3,
     "unit '公顷' (column 'unit') is not one lqcalc can convert", "on line(s) 2, 3", check_unknown_unit),
    ("unit_column_persons_and_yuan", ["units_persons_and_yuan.csv"], (), 3,
     "mixes units that cannot be converted into each other", "persons (万人) from line 2", check_persons_and_yuan),
    ("rate_export_with_negative_growth", ["portal_rate_growth_gbk.csv"], (), 0, "VALID",
     "rates (never summed; no LQ, share or concentration; change in percentage points): 规模以上工业增加值增长率 [percent]",
     check_rate_export),
    ("index_export_previous_year_100", ["portal_cpi_index_gbk.csv"], (), 0, "VALID", "居民消费价格指数 [index]",
     check_index_export),
    ("negative_change_names_its_column", ["net_jobs.csv"], ("--value-col", "net_jobs"), 3,
     "(net_jobs.csv:2, column 'net_jobs', value '-1200')", "--rate MEASURE", check_negative_named),
    ("negative_change_declared_rate", ["net_jobs.csv"], ("--value-col", "net_jobs", "--rate", "net_jobs"), 0, "VALID",
     "net_jobs [rate]", check_declared_rate),
    ("sector_export_with_a_share_column", ["portal_sectors_share_2022.csv"], (), 0, "VALID", "增加值比重 [percent]",
     check_sectors_and_share),
    ("one_region_export_without_region_line", ["portal_one_region_no_region_line.csv"], (), 2,
     "say which region it is with --region NAME", "--region NAME", None),
    ("one_region_export_given_region", ["portal_one_region_no_region_line.csv"], ("--region", "北京"), 0, "VALID",
     "read 6 rows", check_region_given),
    ("export_without_year", ["portal_regions_indicators_no_year.csv"], (), 3, "the file names no year", "give --year",
     None),
    ("export_given_year", ["portal_regions_indicators_no_year.csv"], ("--year", "2022"), 0, "VALID", "read 6 rows",
     check_year_given),
    ("oews_area_title_occ_title", ["oews_area_title_occ_title.csv"],
     ("--region-col", "area", "--industry-col", "occ_code", "--value-col", "tot_emp", "--reference-region", "0000000",
      "--total-industry", "000000"), 0, "VALID", "California", check_oews_names),
    ("region_name_column", ["region_name_column.csv"], (), 0, "VALID", "上海市", check_region_name_column),
    ("ragged_line_in_gbk_long_table", ["ragged_gbk.csv"], ("--value-col", "value"), 3,
     "line 3 has 5 fields, the header has 4 (地区, 行业, 年份, value)", "ragged_gbk.csv:3", check_ragged),
    ("negative_cell_of_an_export_names_its_column", ["portal_negative_cell_gbk.csv"], (), 3,
     "column '2023年', value '-2190000'", "[negative_value]", check_export_column),
    ("long_table_without_industry_column", ["missing_key_column.csv"], (), 0, "VALID",
     "an LQ needs at least two industries", check_no_industry_column),
    ("one_indicator_export_real", ["../io/renjiyi_urban_unit_employment_gbk.csv"], (), 0, "VALID",
     "城镇单位就业人员: the input has the all-industry total only, so no location quotient can be computed",
     check_one_indicator_export),
    ("one_industry_export_tertiary_only", ["portal_tertiary_only_gbk.csv"], (), 0, "VALID",
     "the input has one industry (sector3)", check_one_industry_export),
    ("one_export_per_industry_stacked", ["stacked_制造业城镇单位就业人员.csv", "stacked_金融业城镇单位就业人员.csv",
                                         "stacked_城镇单位就业人员.csv"], (), 0, "VALID", "strongest concentrations in 2024",
     check_stacked_exports),
    ("rate_named_that_is_no_measure", ["net_jobs.csv"], ("--value-col", "net_jobs", "--rate", "net_job"), 2,
     "did you mean 'net_jobs'", "did you mean 'net_jobs'", None),
]
CATALOGUE += [(case, files, options, code, fragment) for case, files, options, code, fragment, *_ in ORDINARY]


def _paths(files):
    return [str(FIX / f) for f in files]


@pytest.mark.parametrize("case, files, options, code, fragment", CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_validate_catalogue(cli, case, files, options, code, fragment):
    result = cli("validate", *_paths(files), *options)
    out = result.output.replace(str(FIX) + "/", "")
    assert "Traceback" not in out
    assert result.exit_code == code, out
    assert fragment in out, out


FAILING = [c for c in CATALOGUE if c[3] != 0]


@pytest.mark.parametrize("case, files, options, code, fragment", FAILING, ids=[c[0] for c in FAILING])
def test_run_catalogue_writes_nothing(cli, tmp_path, case, files, options, code, fragment):
    out_dir = tmp_path / "out"
    result = cli("run", *_paths(files), *options, "--out", str(out_dir), "--no-charts")
    assert "Traceback" not in result.output
    assert result.exit_code == code, result.output
    assert fragment in result.output.replace(str(FIX) + "/", "")
    assert not out_dir.exists()
    leftovers = [p.name for p in tmp_path.iterdir() if not p.name.startswith("out.validation.")]
    assert leftovers == [], leftovers


AGREE = [c for c in CATALOGUE if c[3] in (0, 3)]


@pytest.mark.parametrize("case, files, options, code, fragment", AGREE, ids=[c[0] for c in AGREE])
def test_gx_and_polars_rules_agree_on_the_catalogue(cli, case, files, options, code, fragment):
    """`lqcalc validate` (suite + polars rules) and `--no-gx` (the rules alone, what a run uses)."""
    with_gx = cli("validate", *_paths(files), *options, "--json")
    alone = cli("validate", *_paths(files), *options, "--json", "--no-gx")
    assert with_gx.exit_code == alone.exit_code == code
    if "{" not in with_gx.stdout:                 # the readers refused the file: no validation ran
        assert with_gx.output == alone.output
        return
    a, b = (json.loads(r.stdout[r.stdout.index("{"):]) for r in (with_gx, alone))
    assert (a["engine"], b["engine"]) == ("great_expectations", "polars")
    for key in ("ok", "rows", "bad_rows", "errors", "rules", "problems", "warnings", "missing_share"):
        assert a[key] == b[key], key
    assert [(e["rule"], e["expectation"], e["column"], e["unexpected_count"], e["success"]) for e in a["expectations"]] \
        == [(e["rule"], e["expectation"], e["column"], e["unexpected_count"], e["success"]) for e in b["expectations"]]


def test_catalogue_is_large_enough():
    assert len({c[0] for c in CATALOGUE}) == len(CATALOGUE) >= 30 + 15
    assert len(ORDINARY) >= 15
    for _, files, *_ in CATALOGUE:
        for f in files:
            assert (FIX / f).exists() or f == "does_not_exist.csv", f


def test_failed_run_writes_report_next_to_out_dir(cli, tmp_path):
    out_dir = tmp_path / "res"
    result = cli("run", str(FIX / "total_smaller_than_part.csv"), *REF, "--out", str(out_dir))
    assert result.exit_code == 3
    html, js = tmp_path / "res.validation.html", tmp_path / "res.validation.json"
    assert html.exists() and js.exists()
    assert str(html) in result.output            # the user is told where the report is
    rep = json.loads(js.read_text(encoding="utf-8"))
    assert rep["ok"] is False
    [p] = rep["problems"]
    assert (p["rule"], p["line"], p["value"]) == ("exceeds_total", 23, "55")
    assert "<html" in html.read_text(encoding="utf-8")
    assert not out_dir.exists()


def test_failed_run_leaves_existing_output_untouched(cli, tmp_path):
    out_dir = tmp_path / "res"
    ok = cli("run", str(FIX / "valid.csv"), *REF, "--out", str(out_dir), "--no-charts")
    assert ok.exit_code == 0, ok.output
    before = {p.name: p.stat().st_mtime_ns for p in out_dir.iterdir()}
    bad = cli("run", str(FIX / "negative_value.csv"), *REF, "--out", str(out_dir), "--no-charts")
    assert bad.exit_code == 3
    assert {p.name: p.stat().st_mtime_ns for p in out_dir.iterdir()} == before


def test_report_option_writes_html_and_json(cli, tmp_path):
    target = tmp_path / "check.html"
    result = cli("validate", str(FIX / "two_spellings.csv"), *REF, "--report", str(target), "--lang", "zh")
    assert result.exit_code == 3
    html = (tmp_path / "check.html").read_text(encoding="utf-8")
    assert "同一地区有多种写法" in html and "内蒙古自治区" in html
    data = json.loads((tmp_path / "check.json").read_text(encoding="utf-8"))
    assert {p["rule"] for p in data["problems"]} == {"region_spelling"}


def test_validate_json_output(cli):
    result = cli("validate", str(FIX / "negative_value.csv"), *REF, "--json")
    assert result.exit_code == 3
    start = result.output.index("{")
    data = json.loads(result.output[start:])
    assert data["ok"] is False and data["bad_rows"] == 1
    assert [r["failing_rows"] for r in data["rules"] if r["id"] == "negative_value"] == [1]


def test_quarantine_accounts_for_every_row(cli, tmp_path):
    out_dir = tmp_path / "q"
    result = cli("run", str(FIX / "duplicate_keys.csv"), *REF,
                 "--on-invalid", "quarantine", "--out", str(out_dir), "--no-charts")
    assert result.exit_code == 0, result.output
    rejected = pl.read_parquet(out_dir / "rejected.parquet")
    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    rows = manifest["rows"]
    assert rows["read"] == 33 == rows["used"] + rows["rejected"]
    assert rows["rejected"] == rejected.height == 2
    assert {"rule", "reason"} <= set(rejected.columns)
    assert rejected["rule"].str.contains("duplicate_key").all()
    assert sorted(rejected["value"].to_list()) == [55.0, 60.0]
    # the rejected cell gets no indicator; the others do
    ind = pl.read_parquet(out_dir / "indicators.parquet")
    cell = (pl.col("region") == "北京市") & (pl.col("industry") == "A")
    assert ind.filter(cell & (pl.col("year") == 2020)).height == 0
    assert ind.filter(cell & (pl.col("year") == 2019)).height == 1


def test_thousands_separators_give_the_right_numbers(cli, tmp_path):
    out_dir = tmp_path / "t"
    result = cli("run", str(FIX / "thousands_separators.csv"), *REF, "--out", str(out_dir), "--no-charts")
    assert result.exit_code == 0, result.output
    tidy = pl.read_parquet(out_dir / "tidy.parquet")
    got = tidy.filter((pl.col("region") == "全国") & (pl.col("industry") == "合计")).sort("year")["value"].to_list()
    assert got == [1000.0, 1100.0]


def test_zero_totals_give_null_with_reason_never_inf(cli, tmp_path):
    out_dir = tmp_path / "z"
    result = cli("run", str(FIX / "zero_totals.csv"), *REF, "--out", str(out_dir), "--no-charts")
    assert result.exit_code == 0, result.output
    ind = pl.read_parquet(out_dir / "indicators.parquet")
    floats = [c for c, t in ind.schema.items() if t.is_float()]
    assert not ind.select(pl.any_horizontal([pl.col(c).is_infinite() | pl.col(c).is_nan() for c in floats])).to_series().any()
    bj = ind.filter((pl.col("region") == "北京市") & (pl.col("year") == 2020))
    assert bj.height > 0
    assert bj["lq"].is_null().all()
    assert bj["null_reason"].str.contains("0").all(), bj["null_reason"].to_list()
    # other cells are computed
    assert ind.filter((pl.col("region") == "上海市") & (pl.col("year") == 2020))["lq"].is_not_null().all()


def test_great_expectations_failure_is_exit_1_not_bad_data(cli, tmp_path, monkeypatch):
    from lqcalc.validation import suite

    real = suite.specs
    monkeypatch.setattr(suite, "specs", lambda active, **kw: real(active, **kw) + [
        suite.Spec("key_null", "ExpectColumnValuesToBeBetween", {"column": "region", "min_value": 0}, None)])
    out_dir = tmp_path / "out"
    result = cli("run", str(FIX / "valid.csv"), *REF, "--out", str(out_dir), "--no-charts", "--gx")
    assert result.exit_code == 1, result.output
    assert "lqcalc: error: great-expectations raised" in result.output and "Traceback" not in result.output
    assert "not your data" in result.output
    assert "invalid data" not in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("case, files, options, code, fragment, run_fragment, check", ORDINARY, ids=[c[0] for c in ORDINARY])
def test_ordinary_files_give_the_right_numbers_or_a_clear_refusal(cli, tmp_path, case, files, options, code, fragment,
                                                                   run_fragment, check):
    out_dir = tmp_path / "out"
    result = cli("run", *_paths(files), *options, "--out", str(out_dir), "--no-charts")
    output = result.output.replace(str(FIX) + "/", "")
    assert "Traceback" not in output
    assert result.exit_code == code, output
    assert run_fragment in output, output
    report = tmp_path / "out.validation.json"
    if code == 0:
        assert out_dir.is_dir() and not report.exists()
    else:
        assert not out_dir.exists()
        assert report.exists() == (code == 3)
        if code == 3:
            assert "out.validation.json" in output           # the terminal says where the report is
    if check is not None:
        check(out_dir, json.loads(report.read_text(encoding="utf-8")) if report.exists() else None)
