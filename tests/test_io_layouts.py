"""Each layout and quirk of statistical extracts, on small files in tests/fixtures/io."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from lqcalc.config import ReadOptions
from lqcalc.errors import DataError
from lqcalc.io.detect import detect
from lqcalc.io.portal import read_extract, read_extracts

FIX = Path(__file__).parent / "fixtures" / "io"
SAMPLE = Path(__file__).parents[1] / "data" / "samples" / "yearbook" / "urban_unit_employment_by_province_2019-2023.xlsx"


def value(df: pl.DataFrame, **key) -> float | None:
    expr = pl.lit(True)
    for k, v in key.items():
        expr = expr & (pl.col(k) == v)
    hit = df.filter(expr)
    assert hit.height == 1, (key, hit)
    return hit["value"][0]


def test_io_regions_by_indicators_for_one_year():
    df, info = read_extract(FIX / "portal_regions_indicators_2022.csv")
    assert info["layout"] == "nbs-regions-indicators"
    assert info["years"] == [2022]
    assert value(df, region="110000", measure="地区生产总值") == 4522240000000.0
    assert value(df, region="150000", measure="城镇单位就业人员") == 2655000.0
    assert dict(df.select("measure", "unit").unique().iter_rows()) == {"地区生产总值": "yuan", "城镇单位就业人员": "persons"}
    assert df["year"].unique().to_list() == [2022]
    assert df["source_line"].min() == 4


def test_io_indicators_by_years_for_one_region():
    df, info = read_extract(FIX / "portal_indicators_years_beijing.csv")
    assert info["layout"] == "nbs-indicators-years"
    assert df["region"].unique().to_list() == ["110000"]
    assert value(df, measure="城镇单位就业人员", year=2024) == 7636000.0
    assert value(df, measure="地区生产总值", year=2022) == 4522240000000.0
    assert sorted(df["year"].unique().to_list()) == [2022, 2023, 2024]


def test_io_national_series_zero_as_missing_and_industries():
    path = FIX / "national_urban_unit_employment_by_industry.csv"
    det = detect(path)
    assert det.layout == "nbs-national"
    plain, _ = read_extract(path, ReadOptions(unit="万人"))
    zero, info = read_extract(path, ReadOptions(unit="万人", zero_as_missing=True))
    assert (plain.filter(pl.col("year") == 1978)["value"] == 0).all()  # the scrape writes missing as 0.0
    early = zero.filter((pl.col("year") < 2003) & (pl.col("industry") != "合计"))
    assert early["value"].null_count() == early.height == 19 * 25  # sections not compiled before 2003
    assert value(zero, industry="合计", year=2000) == 116125000.0  # the total is: 11612.5 万人
    assert zero["region"].unique().to_list() == ["000000"]
    assert zero["measure"].unique().to_list() == ["城镇单位就业人员"]
    # 2002-edition names get the harmonized section codes
    assert value(zero, industry="I", year=2014) == 3362732.0  # 信息传输、计算机服务和软件业 336.2732 万人
    assert zero.filter(pl.col("industry") == "I")["industry_name"][0] == "信息传输、计算机服务和软件业"
    assert value(zero, industry="R", year=2014) == 1455190.0
    assert value(zero, industry="合计", year=2014) == 182777776.0
    assert zero["industry"].n_unique() == 20  # 19 sections and the total


def test_io_national_value_added_reproduces_published_composition():
    """Shares computed from the level table equal NBS's composition table (within 0.04 pp)."""
    levels, _ = read_extract(FIX / "national_value_added.csv", ReadOptions(unit="亿元"))
    comp, _ = read_extract(FIX / "national_value_added_composition.csv", ReadOptions(unit="%"))
    assert set(comp["unit"].unique()) == {"percent"}
    assert "增加值" in levels["measure"].to_list()
    gdp = levels.filter((pl.col("industry") == "合计") & (pl.col("measure") == "增加值")).select("year", gdp="value")
    shares = (levels.filter(pl.col("measure") == "增加值").join(gdp, on="year")
              .with_columns(share=pl.col("value") / pl.col("gdp") * 100))
    joined = shares.join(comp.filter(pl.col("measure") == "分行业增加值构成-增加值")
                         .select("industry", "year", published="value"), on=["industry", "year"])
    assert joined.height == 10 * 37  # 8 industries, 其他行业 and GDP, 1978-2014
    assert (joined["share"] - joined["published"]).abs().max() < 0.04


def _yearbook_checks(df: pl.DataFrame, info: dict) -> None:
    assert info["layout"] == "yearbook"
    assert info["unit"] == "万人" and info["years"] == [2023]
    assert info["indicator"] == "城镇非私营单位就业人员"
    assert info["footnote_lines"] == 2
    assert info["reference_row"] is True
    # the merged span 按行业分 over three columns, Chinese over English header rows
    assert set(df["industry"].unique()) == {"合计", "C", "I", "R"}
    names = dict(df.select("industry", "industry_name").unique().iter_rows())
    assert names["I"] == "信息传输、软件和信息技术服务业"
    # 全　国 National is the reference region, padded bilingual names map
    assert value(df, region="000000", industry="合计") == 10000000.0
    assert value(df, region="110000", industry="I") == 200000.0
    assert value(df, region="150000", industry="R") is None  # —
    assert value(df, region="440300", industry="C") == 300000.0  # #深圳 (of which)
    assert df["region"].n_unique() == 5
    assert value(df, region="440000", industry="R") == 35000.0
    assert df.filter(pl.col("region") == "110000")["source_line"].unique().to_list() == [8]
    assert df["year"].unique().to_list() == [2023]


def test_io_yearbook_xlsx_with_merged_headers():
    df, info = read_extract(FIX / "yearbook_industries_2023.xlsx")
    assert info["sheet"] == "4-13"
    _yearbook_checks(df, info)


def test_io_yearbook_xls_with_merged_headers():
    df, info = read_extract(FIX / "yearbook_industries_2023.xls")
    _yearbook_checks(df, info)


def test_io_shipped_yearbook_sample_matches_the_portal_export():
    ybk, info = read_extract(SAMPLE)
    assert info["layout"] == "yearbook"
    assert info["years"] == [2019, 2020, 2021, 2022, 2023]
    assert info["footnote_lines"] == 3
    portal, _ = read_extract(FIX / "renjiyi_urban_unit_employment_gbk.csv")
    key = ["region", "industry", "year", "measure"]
    joined = ybk.join(portal, on=key, suffix="_portal")
    assert joined.height == 31 * 5 == ybk.height
    assert (joined["value"] == joined["value_portal"]).all()
    assert (joined["region_name"] == joined["region_name_portal"]).all()


def test_io_missing_markers_are_null_and_zero_is_kept_unless_asked():
    df, info = read_extract(FIX / "missing_markers.csv")
    bj = df.filter(pl.col("region") == "110000").sort("year")
    assert bj["value"].to_list() == [7636000.0, None, None, None]  # 2021..2024: 763.6, …, -, —
    assert df.filter(pl.col("region") == "120000")["value"].null_count() == 4  # ..., NA, *, empty
    assert value(df, region="130000", year=2024) == 0.0
    df0, _ = read_extract(FIX / "missing_markers.csv", ReadOptions(zero_as_missing=True))
    assert value(df0, region="130000", year=2024) is None
    assert info["missing"] == 7


def test_io_gb18030_only_character_decodes_and_footnote_is_skipped():
    raw = (FIX / "gb18030_only_char.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("gbk")  # a GBK decoder would fail on this file
    df, info = read_extract(FIX / "gb18030_only_char.csv")
    assert info["encoding"] == "gb18030"
    assert df.height == 4 and info["footnote_lines"] == 2
    assert value(df, region="120000", year=2024) == 2260000.0


def test_io_undecodable_bytes_name_file_line_and_byte():
    with pytest.raises(DataError) as err:
        read_extract(FIX / "bad_bytes.csv")
    p = err.value.problems[0]
    assert p.rule == "undecodable_bytes"
    assert p.line == 6 and p.file.endswith("bad_bytes.csv")
    raw = (FIX / "bad_bytes.csv").read_bytes()
    offset = raw.index(bytes([0xFF]))
    assert f"byte offset {offset}" in err.value.message


def test_io_unknown_region_suggests_the_nearest_name():
    with pytest.raises(DataError) as err:
        read_extract(FIX / "unknown_region.csv")
    p = err.value.problems[0]
    assert p.rule == "unknown_region" and p.value == "河北身" and p.line == 6
    assert "河北省" in p.hint


def test_io_region_map_adds_a_name(tmp_path):
    m = tmp_path / "map.csv"
    m.write_text("name,code\n河北身,130000\n", encoding="utf-8")
    df, _ = read_extract(FIX / "unknown_region.csv", ReadOptions(region_map=str(m)))
    assert value(df, region="130000", year=2024) == 4744810000000.0
    assert value(df, region="130000", year=2024) and df.filter(pl.col("region") == "130000")["region_name"][0] == "河北省"


def test_io_shenzhen_districts_and_industry_split():
    df, info = read_extract(FIX / "shenzhen_districts_2023.csv")
    assert set(df["region"].unique()) == {"440304", "440303", "440305", "440306"}  # 南山区 is Shenzhen's, not Hegang's
    assert value(df, region="440305", industry="R") == 2500.0
    assert value(df, region="440305", industry="合计") == 210000.0
    assert df["measure"].unique().to_list() == ["城镇单位就业人员"]


def test_io_incompatible_units_in_one_measure(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("数据库：分省年度数据\n指标：城镇单位就业人员(万人)\n时间：2024\n地区,2024年\n北京市,763.6\n", encoding="utf-8")
    b = tmp_path / "b.csv"
    b.write_text("数据库：分省年度数据\n指标：城镇单位就业人员(%)\n时间：2023\n地区,2023年\n天津市,3.1\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_extracts([a, b])
    assert err.value.problems[0].rule == "mixed_units"
    assert "percent" in err.value.message and "persons" in err.value.message


def test_io_one_indicator_per_file_becomes_the_industry(tmp_path):
    total = tmp_path / "total.csv"
    total.write_text("数据库：分省年度数据\n指标：城镇单位就业人员(万人)\n时间：2\n地区,2024年\n北京市,763.6\n上海市,676.7\n",
                     encoding="utf-8")
    culture = tmp_path / "culture.csv"
    culture.write_text("数据库：分省年度数据\n指标：文化、体育和娱乐业城镇单位就业人员(万人)\n时间：2\n地区,2024年\n北京市,21.1\n上海市,9.9\n",
                       encoding="utf-8")
    df, _ = read_extracts([total, culture])
    assert df["measure"].unique().to_list() == ["城镇单位就业人员"]
    assert set(df["industry"].unique()) == {"合计", "R"}
    assert value(df, region="110000", industry="R") == 211000.0


def test_io_duplicate_region_in_one_file_is_an_error(tmp_path):
    f = tmp_path / "dup.csv"
    f.write_text("数据库：分省年度数据\n指标：地区生产总值(亿元)\n时间：1\n地区,2024年\n北京市,1\n北京,2\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_extract(f)
    assert err.value.problems[0].rule == "duplicate_key"


def test_io_non_numeric_cell_is_located(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("数据库：分省年度数据\n指标：地区生产总值(亿元)\n时间：1\n地区,2024年,2023年\n北京市,1,abc\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_extract(f)
    p = err.value.problems[0]
    assert (p.rule, p.line, p.column, p.value) == ("non_numeric", 5, "2023年", "abc")


def test_io_long_table_is_left_to_the_long_reader(tmp_path):
    f = tmp_path / "long.csv"
    f.write_text("region,industry,year,value\n110000,R,2024,1\n", encoding="utf-8")
    assert detect(f).layout == "long"
    f2 = tmp_path / "areas.csv"
    f2.write_text("area_type,area_code,occ_code,employment\nN,0000000,000000,10\n", encoding="utf-8")
    assert detect(f2).layout == "long"


def test_io_one_year_per_file_becomes_the_year(tmp_path):
    files = []
    for year, bj in ((2022, "747.1"), (2023, "755.6")):
        f = tmp_path / f"y{year}.csv"
        f.write_text(f"数据库：分省年度数据\n时间：{year}年\n地区,城镇单位就业人员(万人)\n北京市,{bj}\n", encoding="utf-8")
        files.append(f)
    df, infos = read_extracts(files)
    assert [i["years"] for i in infos] == [[2022], [2023]]
    assert df.sort("year")["value"].to_list() == [7471000.0, 7556000.0]
    # a file without 时间 takes --year
    f = tmp_path / "noyear.csv"
    f.write_text("数据库：分省年度数据\n地区,城镇单位就业人员(万人)\n北京市,763.6\n", encoding="utf-8")
    with pytest.raises(DataError):
        read_extract(f)
    df, _ = read_extract(f, ReadOptions(year=2024))
    assert df["year"].to_list() == [2024]


def test_io_yearbook_group_label_rows_are_skipped(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["2-1  分地区年末单位数（2023年）"])
    ws.append(["单位：个"])
    ws.append(["地　区", "合　计", "制造业"])
    ws.append(["全　国", 10, 4])
    ws.append(["东部地区："])
    ws.append(["北　京", 3, 1])
    ws.append(["上　海", 2, "…"])
    ws.append(["注：示例。"])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    df, info = read_extract(path)
    assert info["layout"] == "yearbook" and info["indicator"] == "年末单位数"
    assert set(df["region"].unique()) == {"000000", "110000", "310000"}
    assert value(df, region="310000", industry="C") is None
    assert value(df, region="110000", industry="合计") == 3.0 and df["unit"].unique().to_list() == ["units"]
    assert df.filter(pl.col("region") == "110000")["source_line"].unique().to_list() == [6]


def test_io_yearbook_indicator_columns_with_their_own_units(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["分地区主要经济指标（2022年）"])  # no table number, no unit row
    ws.append(["地　区", "地区生产总值（亿元）", "城镇单位就业人员（万人）"])
    ws.append(["Region", "Gross Regional Product", "Employed Persons in Urban Units"])
    ws.append(["北　京 Beijing", 45222.4, 747.1])
    ws.append(["天　津 Tianjin", 16588.5, 243.3])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    df, info = read_extract(path)
    assert info["layout"] == "yearbook" and info["years"] == [2022]
    assert value(df, region="110000", measure="地区生产总值") == 4522240000000.0
    assert value(df, region="120000", measure="城镇单位就业人员") == 2433000.0
    assert dict(df.select("measure", "unit").unique().iter_rows()) == {"地区生产总值": "yuan", "城镇单位就业人员": "persons"}


def test_io_percent_measures_are_flagged_non_additive():
    _, info = read_extract(FIX / "national_value_added_composition.csv", ReadOptions(unit="%"))
    assert info["non_additive"] == ["分行业增加值构成-增加值"]
    _, info = read_extract(FIX / "national_value_added.csv", ReadOptions(unit="亿元"))
    assert info["non_additive"] == []
