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
    ("missing_key_column", ["missing_key_column.csv"], (), 2, "which column holds the industry"),
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
    assert len({c[0] for c in CATALOGUE}) == len(CATALOGUE) >= 30
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
