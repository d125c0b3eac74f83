"""DIR/summary/: BOM CSV that Excel reads with Chinese, Markdown, one XLSX, correct numbers."""

from __future__ import annotations

import polars as pl
import pytest

from lqcalc.output.labels import label, sheet_name, table_title
from lqcalc.output.summary import growth_by_region, summary_tables, to_markdown, write_summary
from test_output_data import cached_run

EXPECTED = {"top_clusters_by_industry", "top_clusters_by_region", "cluster_classes", "cluster_class_counts",
            "growth_by_region", "validation"}


@pytest.fixture(scope="module")
def bres():
    return cached_run("bres")[1]


@pytest.fixture(scope="module")
def chinese():
    return cached_run("chinese")[1]


def test_all_files_are_written_inside_summary(bres, tmp_path):
    write_summary(tmp_path, bres, "en")
    files = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert files == {f"summary/{n}.csv" for n in EXPECTED} | {"summary/summary.md", "summary/summary.xlsx"}


def test_csv_has_bom_and_readable_chinese_headers(chinese, tmp_path):
    write_summary(tmp_path, chinese, "zh")
    raw = (tmp_path / "summary" / "top_clusters_by_industry.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel opens it as UTF-8
    text = raw.decode("utf-8-sig")
    header = text.splitlines()[0].split(",")
    assert label("lq", "zh") in header and label("region_name", "zh") in header
    assert "南山区" in text or "天河区" in text
    back = pl.read_csv(tmp_path / "summary" / "top_clusters_by_industry.csv", encoding="utf8")
    assert back.columns[0].lstrip("\ufeff") == label("industry", "zh")


def test_xlsx_has_one_sheet_per_table_with_headers(chinese, tmp_path):
    import fastexcel

    write_summary(tmp_path, chinese, "zh")
    path = tmp_path / "summary" / "summary.xlsx"
    built = summary_tables(chinese)
    # a first sheet describing the others, then one readable sheet name per table
    assert fastexcel.read_excel(str(path)).sheet_names == ["说明"] + [sheet_name(n, "zh") for n in built]
    sheet = pl.read_excel(path, sheet_name=sheet_name("top_clusters_by_industry", "zh"))
    assert sheet.columns[0] == label("industry", "zh")
    assert sheet.height == built["top_clusters_by_industry"].height
    assert sheet.schema[label("lq", "zh")] == pl.Float64  # numbers stay numbers in Excel
    assert sheet[label("lq", "zh")].to_list() == pytest.approx(built["top_clusters_by_industry"]["lq"].to_list())


def test_markdown_has_a_section_per_table(bres, tmp_path):
    write_summary(tmp_path, bres, "en")
    md = (tmp_path / "summary" / "summary.md").read_text(encoding="utf-8")
    for name in EXPECTED:
        assert f"## {table_title(name, 'en')}" in md
    assert "| Region code |" in md


def test_top_clusters_are_the_highest_lqs_of_the_last_year(bres):
    built = summary_tables(bres, top=3)
    ind = bres["indicators"].filter(pl.col("year") == 2018)
    top = built["top_clusters_by_industry"]
    assert top.group_by("industry").len()["len"].max() == 3
    for industry, group in top.group_by("industry"):
        want = ind.filter(pl.col("industry") == industry[0]).sort("lq", descending=True)["region"].head(3).to_list()
        assert group.sort("rank")["region"].to_list() == want
    assert (top["year"] == 2018).all()
    by_region = built["top_clusters_by_region"]
    assert by_region.group_by("region").len()["len"].max() == 3


def test_growth_by_region_adds_up(bres):
    gbr = growth_by_region(bres)
    assert gbr.height == 10
    tidy = bres["tidy"]
    totals = tidy.group_by("region", "year").agg(pl.col("value").sum())
    for row in gbr.iter_rows(named=True):
        t0 = totals.filter((pl.col("region") == row["region"]) & (pl.col("year") == 2015))["value"][0]
        t1 = totals.filter((pl.col("region") == row["region"]) & (pl.col("year") == 2018))["value"][0]
        assert row["start_value"] == pytest.approx(t0) and row["end_value"] == pytest.approx(t1)
        assert row["change"] == pytest.approx(t1 - t0)
        assert row["growth"] == pytest.approx(t1 / t0 - 1)
        parts = row["national_share"] + row["industry_mix"] + row["regional_shift"]
        assert parts == pytest.approx(row["change"], rel=1e-9)
        assert row["n_industries"] == 12


def test_cluster_classes_list_marked_cells_only(bres):
    built = summary_tables(bres)
    cc = built["cluster_classes"]
    assert (cc["rules_met"] > 0).all()
    assert cc.height == bres["clusters"].height - bres["clusters"].filter(
        (pl.col("class_nesta").is_null() | (pl.col("class_nesta") == "neither"))
        & ~pl.col("strong_cluster").fill_null(False)
        & (pl.col("class_threshold").is_null() | (pl.col("class_threshold") == "below"))
        & ~pl.col("ci_cluster").fill_null(False)
        & (pl.col("class_quadrant").is_null() | pl.col("class_quadrant").is_in(["emerging", "transforming"]))
    ).height
    counts = built["cluster_class_counts"]
    nesta = dict(counts.filter(pl.col("rule") == "class_nesta").select("class", "count").iter_rows())
    assert sum(nesta.values()) == bres["clusters"].height
    assert counts.filter(pl.col("rule") == "rules_met").select("class", "count").rows() == [(">= 1", cc.height)]


def test_cluster_classes_keep_the_strongest_cells_when_there_are_many(bres, tmp_path, monkeypatch):
    import lqcalc.output.summary as summary

    every = summary_tables(bres)["cluster_classes"]
    assert every.height > 7
    monkeypatch.setattr(summary, "CLASS_ROWS", 7)
    write_summary(tmp_path, bres, "en")
    shown = pl.read_csv(tmp_path / "summary" / "cluster_classes.csv", encoding="utf8", infer_schema=False)
    assert shown.height == 7
    # the strongest: most rules met, then the highest LQ, in the order of the full list
    assert shown[label("region", "en")].to_list() == every.head(7)["region"].to_list()
    assert every["rules_met"][6] >= every["rules_met"][7]
    md = (tmp_path / "summary" / "summary.md").read_text(encoding="utf-8")
    assert f"The strongest 7 of the {every.height:,} cells that a rule marks" in md
    counts = pl.read_csv(tmp_path / "summary" / "cluster_class_counts.csv", encoding="utf8", infer_schema=False)
    assert str(every.height) in counts.row(counts.height - 1)


def test_validation_counts(bres):
    v = dict(summary_tables(bres)["validation"].iter_rows())
    assert v["rows used"] == bres["tidy"].height == 480
    assert v["cells"] == v["lq computed"] + v["lq empty"]


def test_missing_tables_are_skipped(tmp_path):
    write_summary(tmp_path, {}, "en")
    assert {p.name for p in (tmp_path / "summary").iterdir()} == {"validation.csv", "summary.md", "summary.xlsx"}
    ind = pl.DataFrame({"region": ["a", "b"], "industry": ["x", "x"], "measure": ["m", "m"], "value": [1.0, 2.0],
                        "lq": [0.5, None], "null_reason": [None, "lq: region total is 0"]})
    built = summary_tables({"indicators": ind})
    assert set(built) == {"top_clusters_by_industry", "top_clusters_by_region", "validation"}
    v = dict(built["validation"].iter_rows())
    assert v["lq empty: lq: region total is 0"] == 1


def test_markdown_escapes_pipes_and_limits_rows():
    df = pl.DataFrame({"name": ["a|b"] * 3, "v": [1.0, 2000.0, None]})
    md = to_markdown(df, max_rows=2)
    assert "a\\|b" in md and "2,000" in md and "(1 more rows in the CSV file)" in md


def test_validation_report_counts_are_added(bres, tmp_path):
    import json

    from lqcalc.output.summary import validation_summary

    report = {"ok": False, "rows": 480, "bad_rows": 2, "errors": 3, "warnings": ["w"],
              "rules": [{"id": "exceeds_total", "title": "Part larger than its total", "failing_rows": 2},
                        {"id": "key_null", "title": "Key is empty", "failing_rows": 0}]}
    v = dict(validation_summary(bres, report).iter_rows())
    assert v["rows checked"] == 480 and v["rows with errors"] == 2 and v["warnings"] == 1
    assert v["rule exceeds_total: Part larger than its total"] == 2
    assert not any("key_null" in k for k in v)
    (tmp_path / "validation.json").write_text(json.dumps(report), encoding="utf-8")
    write_summary(tmp_path, bres, "en")
    text = (tmp_path / "summary" / "validation.csv").read_text(encoding="utf-8-sig")
    assert "rule exceeds_total: Part larger than its total,2" in text


def test_xlsx_sheets_are_capped_but_csv_keeps_every_row(bres, tmp_path, monkeypatch):
    import lqcalc.output.summary as summary

    monkeypatch.setattr(summary, "XLSX_ROWS", 7)
    write_summary(tmp_path, bres, "en")
    sheet = pl.read_excel(tmp_path / "summary" / "summary.xlsx", sheet_name=sheet_name("top_clusters_by_industry", "en"))
    assert sheet.height == 7
    csv_rows = (tmp_path / "summary" / "top_clusters_by_industry.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(csv_rows) == 1 + summary_tables(bres)["top_clusters_by_industry"].height
    assert "The XLSX sheet holds the first 7 rows" in (tmp_path / "summary" / "summary.md").read_text(encoding="utf-8")


def test_xlsx_opens_ready_to_read(bres, tmp_path):
    """Read back with openpyxl: a first sheet describing every other sheet and column in
    English and Chinese, filters and a frozen header on every sheet, growth as percentages,
    LQs with three decimals, years without separators, widths that fit, names within 31."""
    from openpyxl import load_workbook

    write_summary(tmp_path, bres, "en")
    wb = load_workbook(tmp_path / "summary" / "summary.xlsx")
    names = wb.sheetnames
    assert names[0] == "About" and len(set(n.lower() for n in names)) == len(names)
    assert all(len(n) <= 31 and not n.endswith(" ") for n in names)
    about = list(wb["About"].iter_rows(values_only=True))
    assert about[0] == ("Sheet / 工作表", "Column / 列", "Name in files / 字段名", "English", "中文")
    described = {(r[0], r[1]) for r in about[1:]}
    for ws in wb.worksheets[1:]:
        assert (ws.title, None) in described   # the sheet itself ...
        headers = [c.value for c in ws[1]]
        assert all((ws.title, h) in described for h in headers)   # ... and each of its columns
        assert ws.freeze_panes == "A2"
        assert ws.tables and all(t.autoFilter is not None and t.ref.startswith("A1:") for t in ws.tables.values())
    lq_row = next(r for r in about if r[2] == "lq")
    assert lq_row[3] == "Location quotient (LQ)" and lq_row[4] == "区位熵 (LQ)"

    ws = wb[sheet_name("growth_by_region")]
    headers = {c.value: c.column_letter for c in ws[1]}
    growth = ws[f"{headers['Growth']}2"]
    assert isinstance(growth.value, float) and growth.number_format == "0.0%"
    assert ws[f"{headers['Start year']}2"].number_format == "0"
    assert ws[f"{headers['Change']}2"].number_format in ("#,##0", "#,##0.00")
    ws = wb[sheet_name("top_clusters_by_industry")]
    headers = {c.value: c.column_letter for c in ws[1]}
    assert ws[f"{headers['Location quotient (LQ)']}2"].number_format == "0.000"
    assert ws[f"{headers['Share of region total']}2"].number_format == "0.0%"
    # the region names fit their column: width at least the longest name shown
    region = headers["Region"]
    longest = max(len(str(r[0].value or "")) for r in ws.iter_rows(min_row=2, min_col=ws[region + "1"].column,
                                                                   max_col=ws[region + "1"].column))
    assert ws.column_dimensions[region].width >= longest


def test_csv_files_open_in_excel_with_chinese(chinese, tmp_path):
    write_summary(tmp_path, chinese, "zh")
    for p in (tmp_path / "summary").glob("*.csv"):
        raw = p.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")   # the BOM that makes Excel read UTF-8
        raw.decode("utf-8")
