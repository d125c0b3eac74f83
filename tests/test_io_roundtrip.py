"""Property: any classic or new-format portal export written from known cells reads back exactly."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
from hypothesis import HealthCheck, given, settings, strategies as st

from lqcalc.io.portal import read_extract
from lqcalc.reference.regions import divisions

PROVINCES = sorted((d.code, d.name) for d in divisions().values() if d.level == "province" and d.code < "700000")
MARKERS = ["", "—", "-", "…", "...", "NA", "*"]
UNITS = {"万人": ("persons", 10_000), "亿元": ("yuan", 100_000_000), "个": ("units", 1)}

cell_st = st.one_of(
    st.sampled_from(MARKERS).map(lambda m: (m, None)),
    st.decimals(min_value=0, max_value=999_999, places=2, allow_nan=False, allow_infinity=False).map(lambda d: (str(d), d)),
)


@st.composite
def exports(draw):
    regions = draw(st.lists(st.sampled_from(PROVINCES), min_size=1, max_size=8, unique=True))
    first = draw(st.integers(1990, 2020))
    years = list(range(first + draw(st.integers(0, 5)), first - 1, -1))  # descending, as the portal writes
    cells = {(code, y): draw(cell_st) for code, _ in regions for y in years}
    unit = draw(st.sampled_from(sorted(UNITS)))
    new_format = draw(st.booleans())
    newline = draw(st.sampled_from(["\r\n", "\n"]))
    short = draw(st.booleans())
    return regions, years, cells, unit, new_format, newline, short


def render(regions, years, cells, unit, new_format, newline, short) -> bytes:
    pad = "\t" if new_format else ""
    lines = ["数据库：分省年度数据" + (" " if new_format else "")]
    if not new_format:
        lines.append(f"指标：测试指标({unit})")
    lines.append("时间：最近几年")
    tail = "," if new_format else ""
    lines.append(",".join(["地区" + pad] + [f"{y}年{pad}" for y in years]) + tail)
    for code, name in regions:
        label = name
        if short:
            for suf in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"):
                if name.endswith(suf):
                    label = name[: -len(suf)]
                    break
            if len(label) == 2:
                label = label[0] + "\u3000" + label[1]
        lines.append(",".join([label + pad] + [cells[(code, y)][0] + pad for y in years]) + tail)
    lines.append('"注：1.本表数据, 按当年价格计算。"')
    lines.append("\u3000\u3000\u30002.第二条注释。")
    lines.append("数据来源：国家统计局")
    text = newline.join(lines) + newline
    return b"\xef\xbb\xbf" + text.encode("utf-8") if new_format else text.encode("gb18030")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(exports())
def test_io_portal_export_roundtrip(tmp_path_factory, export):
    regions, years, cells, unit, new_format, newline, short = export
    path = tmp_path_factory.mktemp("rt") / "分省年度数据.csv"
    path.write_bytes(render(*export))
    opts = None
    if new_format:
        from lqcalc.config import ReadOptions

        opts = ReadOptions(indicator=f"测试指标({unit})")
    df, info = read_extract(path, opts)
    assert info["layout"] == ("nbs-new" if new_format else "nbs-classic")
    assert df.height == len(regions) * len(years)
    base, factor = UNITS[unit]
    got = {(r["region"], r["year"]): r for r in df.iter_rows(named=True)}
    for i, (code, name) in enumerate(regions):
        for y in years:
            row = got[(code, y)]
            want = cells[(code, y)][1]
            assert row["value"] == (None if want is None else float(Decimal(want) * factor))
            assert row["region_name"] == name
            assert row["unit"] == base
            assert row["source_line"] == (4 if new_format else 5) + i  # metadata lines, header, rows
    assert set(df["measure"].unique()) == {"测试指标"}
    assert df.filter(pl.col("region_name").str.starts_with("注")).height == 0
