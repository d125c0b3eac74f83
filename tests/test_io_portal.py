"""The real NBS portal exports (copied into tests/fixtures/io) import correctly."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import pytest

from lqcalc.config import ReadOptions
from lqcalc.errors import DataError
from lqcalc.io.detect import detect
from lqcalc.io.portal import read_extract, read_extracts

FIX = Path(__file__).parent / "fixtures" / "io"
EMPLOYMENT = FIX / "renjiyi_urban_unit_employment_gbk.csv"
GDP_NEW = FIX / "renjiyi_gdp_2006-2024_gbk.csv"
GDP_OLD = FIX / "tobby_gdp_1993-2017_gbk.csv"
GDP_XLS = FIX / "dataintegration_gdp_2015-2019.xls"
NEWFORMAT = FIX / "tecexp_newformat_by_province_2011-2025_a.csv"
ALL_EXPORTS = [EMPLOYMENT, GDP_NEW, GDP_OLD, GDP_XLS, NEWFORMAT]


def cell(df: pl.DataFrame, region: str, year: int) -> float | None:
    hit = df.filter((pl.col("region") == region) & (pl.col("year") == year))
    assert hit.height == 1, hit
    return hit["value"][0]


def raw_rows(path: Path, encoding: str) -> list[list[str]]:
    """The file's own data rows, read with the csv module (independent of lqcalc)."""
    text = path.read_bytes().decode(encoding)
    rows = list(csv.reader(io.StringIO(text)))
    return [[c.strip("\t ") for c in r] for r in rows
            if len(r) > 2 and r[0].strip("\t ").endswith(("省", "市", "区")) and r[0] != "地区"]


@pytest.mark.parametrize("path", ALL_EXPORTS, ids=lambda p: p.name)
def test_io_every_export_gives_31_provinces_and_no_footnotes(path):
    df, info = read_extract(path, ReadOptions(indicator="地方财政一般预算支出(亿元)") if path == NEWFORMAT else None)
    assert df["region"].n_unique() == 31
    assert info["regions"] == 31
    # codes are GB/T 2260 province codes and every region has its standard name
    assert all(len(c) == 6 and c.endswith("0000") for c in df["region"].unique().to_list())
    assert df["region_name"].null_count() == 0
    names = set(df["region_name"].to_list())
    assert not any(n.startswith(("注", "数据来源", "\u3000")) for n in names)
    assert info["footnote_lines"] >= 2
    # one cell per province and year, years from the header
    assert df.height == 31 * len(info["years"])
    assert df.select("region", "year").is_duplicated().sum() == 0


def test_io_beijing_urban_unit_employment_2024_is_exactly_7636000_persons():
    df, info = read_extract(EMPLOYMENT)
    assert info["layout"] == "nbs-classic"
    assert info["encoding"] == "gb18030"
    assert info["indicator"] == "城镇单位就业人员" and info["unit"] == "万人"
    row = df.filter((pl.col("region") == "110000") & (pl.col("year") == 2024))
    assert row["value"][0] == 7636000.0  # 763.6 万人, exact: not 7635999.999999999
    assert row["unit"][0] == "persons"
    assert row["region_name"][0] == "北京市"
    assert row["measure"][0] == "城镇单位就业人员"
    assert row["source_line"][0] == 5  # line 5 of the file (3 metadata lines + header)
    assert row["source_file"][0] == str(EMPLOYMENT)


def test_io_every_cell_matches_the_file_times_ten_thousand():
    df, _ = read_extract(EMPLOYMENT)
    from decimal import Decimal

    rows = raw_rows(EMPLOYMENT, "gb18030")
    header = next(r for r in csv.reader(io.StringIO(EMPLOYMENT.read_bytes().decode("gb18030"))) if r and r[0] == "地区")
    years = [int(h[:-1]) for h in header[1:] if h]
    checked = 0
    for r in rows:
        sub = df.filter(pl.col("region_name") == r[0])
        got = dict(zip(sub["year"].to_list(), sub["value"].to_list()))
        for y, text in zip(years, r[1:]):
            want = None if text == "" else float(Decimal(text) * 10000)
            assert got[y] == want, (r[0], y, text, got[y])
            checked += 1
    assert checked == 31 * 20
    # 2025, 2007 and 2006 are empty in the export: missing, never 0
    assert df.filter(pl.col("year").is_in([2025, 2007, 2006]))["value"].null_count() == 93


def test_io_gdp_exports_real_cells_and_units():
    new, _ = read_extract(GDP_NEW)
    old, _ = read_extract(GDP_OLD)
    xls, info = read_extract(GDP_XLS)
    assert cell(new, "110000", 2015) == 26034.1 * 1e8 == 2603410000000.0
    assert cell(old, "110000", 2015) == 2301459000000.0  # 23014.59 亿元
    assert cell(xls, "110000", 2019) == 3537128000000.0  # 35371.28 亿元 in the .xls
    assert info["layout"] == "nbs-classic" and info["sheet"] == "分省年度数据"
    assert set(new["unit"].unique()) == {"yuan"}
    # Xinjiang's long name and the LF-only file with a quoted footnote cell
    assert cell(old, "650000", 1993) == 49525000000.0
    assert old["industry"].unique().to_list() == ["合计"]


def test_io_new_format_tab_padded_utf8_bom():
    det = detect(NEWFORMAT, ReadOptions())
    assert det.layout == "nbs-new"
    assert det.encoding == "utf-8-sig"
    assert any("file name" in n for n in det.notes)
    df, info = read_extract(NEWFORMAT, ReadOptions(indicator="地方财政一般预算支出(亿元)"))
    assert info["indicator"] == "地方财政一般预算支出"
    assert cell(df, "110000", 2024) == 839649000000.0  # 8396.49 亿元
    assert cell(df, "110000", 2025) is None  # the empty 2025 column
    assert cell(df, "650000", 2011) == 228449000000.0
    assert sorted(df["year"].unique().to_list()) == list(range(2011, 2026))  # trailing empty column ignored
    assert df["measure"].unique().to_list() == ["地方财政一般预算支出"]


def test_io_new_format_without_indicator_uses_file_name_and_keeps_values_as_printed():
    df, info = read_extract(NEWFORMAT)
    assert info["indicator"] == NEWFORMAT.stem
    assert df["unit"].null_count() == df.height
    assert cell(df, "110000", 2024) == 8396.49


def test_io_vintage_conflict_names_both_files_and_values():
    with pytest.raises(DataError) as err:
        read_extracts([GDP_OLD, GDP_NEW])
    problems = [p for p in err.value.problems if p.rule == "vintage_conflict"]
    beijing = [p for p in problems if "region 110000" in p.message and "year 2015" in p.message]
    assert len(beijing) == 1
    msg = beijing[0].message
    assert "2301459000000 yuan" in msg and "2603410000000 yuan" in msg  # 23014.59 vs 26034.1 亿元
    assert GDP_OLD.name in msg and GDP_NEW.name in msg


def test_io_same_vintage_overlap_is_merged_once():
    # the .xls (2015-2019) and the tobby file (1993-2017) agree on 2015-2017
    df, infos = read_extracts([GDP_OLD, GDP_XLS])
    assert [i["layout"] for i in infos] == ["nbs-classic", "nbs-classic"]
    assert df.select("region", "year").is_duplicated().sum() == 0
    assert sorted(df["year"].unique().to_list()) == list(range(1993, 2020))
    assert cell(df, "110000", 2017) == 2801494000000.0
    assert cell(df, "110000", 2019) == 3537128000000.0
    assert df.height == 31 * 27


def test_io_two_indicators_become_two_measures():
    df, _ = read_extracts([EMPLOYMENT, GDP_NEW])
    assert set(df["measure"].unique()) == {"城镇单位就业人员", "地区生产总值"}
    units = dict(df.select("measure", "unit").unique().iter_rows())
    assert units == {"城镇单位就业人员": "persons", "地区生产总值": "yuan"}


@pytest.mark.skipif(not Path("/work/shared/data/nbs-portal-exports").is_dir(), reason="shared data absent")
def test_io_shared_exports_identical_to_fixtures():
    shared = Path("/work/shared/data/nbs-portal-exports")
    for p in ALL_EXPORTS:
        assert (shared / p.name).read_bytes() == p.read_bytes()
