"""Region and industry reference tables, and exact unit scaling."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from lqcalc.errors import DataError
from lqcalc.reference.industries import TOTAL_INDUSTRY, lookup_industry, read_table, split_indicator
from lqcalc.reference.regions import REFERENCE_CODE, AmbiguousRegion, RegionResolver, clean_name, divisions
from lqcalc.units import is_additive, parse_unit, scale

FIX = Path(__file__).parent / "fixtures" / "io"

# the 31 provinces of the NBS exports, as the portal writes them, with their GB/T 2260 codes
PROVINCES = {
    "北京市": "110000", "天津市": "120000", "河北省": "130000", "山西省": "140000", "内蒙古自治区": "150000",
    "辽宁省": "210000", "吉林省": "220000", "黑龙江省": "230000", "上海市": "310000", "江苏省": "320000",
    "浙江省": "330000", "安徽省": "340000", "福建省": "350000", "江西省": "360000", "山东省": "370000",
    "河南省": "410000", "湖北省": "420000", "湖南省": "430000", "广东省": "440000", "广西壮族自治区": "450000",
    "海南省": "460000", "重庆市": "500000", "四川省": "510000", "贵州省": "520000", "云南省": "530000",
    "西藏自治区": "540000", "陕西省": "610000", "甘肃省": "620000", "青海省": "630000", "宁夏回族自治区": "640000",
    "新疆维吾尔自治区": "650000",
}


def test_io_division_table_levels():
    divs = divisions()
    levels = {}
    for d in divs.values():
        levels[d.level] = levels.get(d.level, 0) + 1
    assert levels["nation"] == 1 and divs[REFERENCE_CODE].name == "全国"
    assert levels["province"] == 34  # 31 + Hong Kong, Macao, Taiwan
    assert levels["prefecture"] >= 333  # all prefecture-level units
    assert levels["county"] > 2800
    shenzhen = {d.name for d in divs.values() if d.parent == "440300"}
    assert shenzhen == {"福田区", "罗湖区", "南山区", "宝安区", "龙岗区", "盐田区", "龙华区", "坪山区", "光明区"}
    assert all(len(c) == 6 and c.isdigit() for c in divs)


@pytest.mark.parametrize("name,code", sorted(PROVINCES.items()))
def test_io_province_names_in_every_form(name, code):
    r = RegionResolver()
    assert r.resolve(name) == (code, name)
    short = name
    for suf in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"):
        if name.endswith(suf):
            short = name[: -len(suf)]
            break
    assert r.resolve(short)[0] == code
    if len(short) == 2:
        assert r.resolve(short[0] + "\u3000" + short[1])[0] == code  # 北　京
        assert r.resolve(short[0] + "  " + short[1])[0] == code


def test_io_reference_and_english_names():
    r = RegionResolver()
    for n in ("全国", "全　国", "National", "全国 National", "全　国 National"):
        assert r.resolve(n) == ("000000", "全国")
    assert r.resolve("北　京 Beijing") == ("110000", "北京市")
    assert r.resolve("Inner Mongolia")[0] == "150000"
    assert r.resolve("吉林")[0] == "220000" and r.resolve("吉林市")[0] == "220200"


def test_io_ambiguous_county_names():
    r = RegionResolver()
    with pytest.raises(AmbiguousRegion) as amb:
        r.resolve("朝阳区")
    assert amb.value.codes == ["110105", "220104"]
    assert r.resolve("北京市朝阳区")[0] == "110105"
    assert r.resolve("吉林省长春市朝阳区")[0] == "220104"
    # alone it stops with both candidates; next to Shenzhen's districts 南山区 is Shenzhen's
    with pytest.raises(DataError) as err:
        r.resolve_many([("朝阳区", "f.csv", 3)])
    assert err.value.problems[0].rule == "ambiguous_region" and "110105" in err.value.problems[0].message
    got = r.resolve_many([("福田区", "f", 2), ("南山区", "f", 3)])
    assert got["南山区"] == ("440305", "南山区")


def test_io_unknown_names_listed_together_with_suggestions():
    with pytest.raises(DataError) as err:
        RegionResolver().resolve_many([("北京市", "f", 2), ("广东身", "f", 3), ("Shangai", "f", 4)])
    rules = [(p.rule, p.value, p.line) for p in err.value.problems]
    assert rules == [("unknown_region", "广东身", 3), ("unknown_region", "Shangai", 4)]
    assert "广东" in err.value.problems[0].hint
    assert "Shanghai" in err.value.problems[1].hint


def test_io_user_map_overrides(tmp_path):
    m = tmp_path / "m.csv"
    m.write_text("name,code\n北京,999999\n东部地区,EAST\n", encoding="utf-8")
    r = RegionResolver(str(m))
    assert r.resolve("北京")[0] == "999999"
    assert r.resolve("东部地区") == ("EAST", "东部地区")
    assert r.resolve("北京市")[0] == "110000"


def test_io_clean_name():
    assert clean_name("\u3000北\u3000京\t") == "北京"
    assert clean_name("#深圳") == "深圳"
    assert clean_name("110000") == "110000"


def test_io_gbt4754_editions_share_codes():
    assert lookup_industry("信息传输、计算机服务和软件业") == lookup_industry("信息传输、软件和信息技术服务业") == "I"
    assert lookup_industry("交通运输、仓储和邮政业") == "G"
    assert lookup_industry("卫生、社会保障和社会福利业") == lookup_industry("卫生和社会工作") == "Q"
    assert lookup_industry("农、林、牧、渔业") == lookup_industry("农林牧渔业") == "A"
    rows = read_table("gbt4754_sections.csv")
    for edition in ("2002", "2011", "2017"):
        sec = [r for r in rows if r["edition"] == edition]
        assert len(sec) == 20 and len({r["code"] for r in sec}) == 20  # a bijection onto A..T
    it_2002 = next(r for r in rows if r["edition"] == "2002" and r["code"] == "I")
    assert it_2002["edition_code"] == "G"


def test_io_other_classifications():
    assert lookup_industry("创意设计服务") == "03"
    assert len(read_table("cultural_industries_2018.csv")) == 9
    assert lookup_industry("Manufacturing") == "C"  # GB/T 4754 English name first
    assert lookup_industry("Retail Trade") == "44-45"
    assert lookup_industry("Computer programming activities") == "6201"
    dcms = read_table("dcms_creative_sic.csv")
    assert len({r["group"] for r in dcms}) == 9 and all(r["sic4"] == r["sic2007"].replace(".", "") for r in dcms)
    soc = read_table("soc_major_groups.csv")
    assert all(r["code_oews"] == r["code"].replace("-", "") for r in soc)


@pytest.mark.parametrize("indicator,expected", [
    ("文化、体育和娱乐业城镇单位就业人员", ("R", "文化、体育和娱乐业", "城镇单位就业人员")),
    ("教育业城镇单位就业人员", ("P", "教育业", "城镇单位就业人员")),
    ("交通运输、仓储及邮电通信业城镇单位就业人员", ("G", "交通运输、仓储及邮电通信业", "城镇单位就业人员")),
    ("城镇单位就业人员", (TOTAL_INDUSTRY, TOTAL_INDUSTRY, "城镇单位就业人员")),
    ("第一产业就业人员", ("sector1", "第一产业", "就业人员")),
    ("工业增加值", ("B-D", "工业", "增加值")),
    ("三次产业构成-第二产业增加值", ("sector2", "第二产业", "三次产业构成-增加值")),
])
def test_io_split_indicator(indicator, expected):
    assert split_indicator(indicator) == expected


def test_io_units_parse():
    assert parse_unit("万人").base == "persons" and parse_unit("万人").factor == 10_000
    assert parse_unit("亿元").factor == 100_000_000 and parse_unit("亿元").base == "yuan"
    assert parse_unit("万元").factor == 10_000
    assert parse_unit("个").base == parse_unit("家").base == "units"
    assert parse_unit("%").base == "percent" and not is_additive("percent")
    assert parse_unit("10 000 persons").factor == 10_000
    assert parse_unit("元/人").base == "yuan/persons" and not is_additive("yuan/persons")


def test_io_exact_scaling_examples():
    assert scale("763.6", parse_unit("万人")) == 7636000.0
    assert 1.005 * 10000 != 10050.0  # binary floating point: why the scaling goes through Decimal
    assert scale("1.005", parse_unit("万人")) == 10050.0
    assert scale(1.005, parse_unit("万人")) == 10050.0
    assert scale("4.35", parse_unit("亿元")) == 435000000.0  # 4.35 * 1e8 is 434999999.99999994
    assert scale(763.6, parse_unit("万人")) == 7636000.0
    assert scale("0.0001", parse_unit("亿元")) == 10000.0


@given(st.decimals(min_value=Decimal("0"), max_value=Decimal("99999999"), places=2, allow_nan=False,
                   allow_infinity=False),
       st.sampled_from(["万人", "亿元", "万元", "人", "%"]))
def test_io_scaling_is_the_exact_decimal_product(d, unit):
    u = parse_unit(unit)
    text = str(d)
    assert scale(text, u) == float(Decimal(text) * u.factor)
    assert scale(float(text), u) == float(Decimal(text) * u.factor)  # Excel floats too
