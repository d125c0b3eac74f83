"""report.html: written by every run, rebuilt by `lqcalc report`, self-contained and small."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polars as pl
import pytest

from lqcalc.geo import boundaries

FIXTURES = Path(__file__).parent / "fixtures"
PROVINCES = FIXTURES / "io" / "renjiyi_urban_unit_employment_gbk.csv"


@pytest.fixture(scope="module")
def china_out(tmp_path_factory):
    from lqcalc.config import RunConfig
    from lqcalc.pipeline import run

    out = tmp_path_factory.mktemp("report") / "cn-out"
    run(RunConfig(inputs=[str(PROVINCES)], out=str(out), quiet=True, charts=False))
    return out


def _maps(page: str) -> list[str]:
    return re.findall(r'<svg class="map".*?</svg>', page, flags=re.S)


def test_every_run_writes_a_self_contained_report(demo_out):
    page = (demo_out / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'lang="en"' in page
    assert "report.html" in (demo_out / "manifest.json").read_text(encoding="utf-8")
    # nothing to fetch: no external URL in any src/href/url(), a policy that forbids it
    assert not re.search(r'(src|href)="(?!data:|#)', page)
    assert not re.search(r"url\((?!data:)", page)
    assert "default-src 'none'" in page
    for section in ("The run", "Strongest clusters", "Maps", "Charts", "Shift-share", "Cluster classes"):
        assert f">{section}" in page
    # the demo's end year; the creative services of Inner London - East: LQ 2.16, class "both"
    assert "UK NUTS 2 regions (2013), 2018" in page
    creative = page[page.index("<h3>services_creative"):page.index("<h3>services_cultural")]
    assert re.search(r'data-code="UKI4" fill="#b2182b"><title>Inner London - East \(UKI4\): 2\.16', creative)


def test_maps_draw_every_region_of_the_table(demo_out):
    page = (demo_out / "report.html").read_text(encoding="utf-8")
    maps = _maps(page)
    assert len(maps) == 4 * 3           # four charted industries x LQ, growth, class
    shapes = set(re.findall(r'<symbol id="shape-([^"]+)"', page))
    assert shapes == boundaries.codes("uk-nuts2-2013")
    data = set(pl.read_parquet(demo_out / "clusters.parquet")["region"])
    for svg in maps:
        drawn = dict(re.findall(r'data-code="([^"]+)" fill="([^"]+)"', svg))
        assert set(drawn) == shapes
        # the 39 regions of the table are coloured, Northern Ireland (not in the sample) is grey
        assert {c for c, fill in drawn.items() if fill != "#e3e3e3"} == data
    assert "without a shape" not in page


def test_report_is_chinese_for_chinese_data(china_out):
    page = (china_out / "report.html").read_text(encoding="utf-8")
    assert 'lang="zh-CN"' in page and "区位熵与产业集群分析" in page
    assert "省级行政区" in page and "依据中国标准地图" in page
    svg = _maps(page)[0]
    drawn = dict(re.findall(r'data-code="([^"]+)" fill="([^"]+)"', svg))
    assert set(drawn) == boundaries.codes("cn-province")
    # the 31 provinces of the export are coloured; Taiwan, Hong Kong, Macao have no data
    assert {c for c, f in drawn.items() if f == "#e3e3e3"} == {"710000", "810000", "820000"}
    assert '<symbol id="extra-lines"' in page        # the maritime line of the standard map
    assert "@font-face" in page and "lqcalc-cjk" in page


def test_lqcalc_report_rebuilds_in_either_language(cli, demo_out, tmp_path):
    out = tmp_path / "copy"
    shutil.copytree(demo_out, out)
    (out / "report.html").unlink()
    r = cli("report", out, "--lang", "zh")
    assert r.exit_code == 0 and (out / "report.html").is_file()
    page = (out / "report.html").read_text(encoding="utf-8")
    assert 'lang="zh-CN"' in page and "集聚程度最高的产业" in page and "英国NUTS2地区（2013版）" in page
    assert not list(out.glob(".*.tmp"))
    r = cli("report", tmp_path / "nothing-here")
    assert r.exit_code == 2 and "not an lqcalc output directory" in r.stderr


def test_names_are_escaped(tmp_path):
    from lqcalc.report import render
    from lqcalc.report.page import table

    df = pl.DataFrame({"region": ["<script>alert(1)</script>"], "lq": [1.5]})
    html = render({"lang": "en", "t": lambda k, **kw: k, "title_of": str, "version": "x", "out": "o",
                   "inputs": [], "reference_region": None, "total_industry": None,
                   "validation": {"ok": True, "text": "", "rows": {}, "failing": [], "warnings": []},
                   "strongest": table(df, "en"), "maps": None, "charts": [], "shift_share": None,
                   "class_counts": None, "classes": None})
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_report_of_a_large_output_stays_small(tmp_path):
    """3,230 U.S. counties x 8 industries: only aggregates and the first rows are in the page."""
    from lqcalc.report import write_report

    counties = sorted(boundaries.codes("us-county"))
    n = len(counties)
    rows = pl.DataFrame({
        "region": counties * 8,
        "industry": [f"ind{i}" for i in range(8) for _ in range(n)],
        "year": [2020] * (8 * n),
        "measure": ["employment"] * (8 * n),
        "value": [float((i * 7919 + k * 104729) % 1000 + 1) for i in range(8) for k in range(n)],
    })
    src = tmp_path / "counties.parquet"
    rows.write_parquet(src)
    from lqcalc.config import ReadOptions, RunConfig
    from lqcalc.pipeline import run

    out = tmp_path / "out"
    run(RunConfig(inputs=[str(src)], out=str(out), quiet=True, charts=False,
                  read=ReadOptions(region_col="region", industry_col="industry", year_col="year",
                                   value_cols=["value"])))
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "U.S. counties" in page
    # one symbol per county of the map, one <use> per county and map: 4 industries x LQ (one
    # year: no growth, so no growth or class map)
    drawn = {f["properties"]["code"] for f in boundaries.display_features("us-county")}
    assert page.count("<symbol id=") == len(drawn) == 3139
    assert len(_maps(page)) == 4
    # the counties of Puerto Rico and the other territories are listed, not dropped silently
    assert f"without a shape on these maps ({n - len(drawn)}):" in page and "72001" in page
    assert (out / "report.html").stat().st_size < 4_000_000
    assert len(re.findall(r"<tr>", page)) < 200
    write_report(out)   # rebuilt from the directory alone


def test_lang_asked_for_beats_the_language_of_the_names(cli, tmp_path):
    """`lqcalc run --lang en` of a Chinese export gives an English page; without --lang the
    page follows the region names (Chinese), and the summaries stay English by default."""
    out = tmp_path / "en"
    r = cli("run", PROVINCES, "--out", out, "--lang", "en", "--no-charts", "--quiet")
    assert r.exit_code == 0, r.output
    page = (out / "report.html").read_text(encoding="utf-8")
    assert 'lang="en"' in page and 'lang="zh-CN"' not in page
    import json

    assert json.loads((out / "manifest.json").read_text())["settings"]["lang"] == "en"
    assert "lang_given" not in json.loads((out / "manifest.json").read_text())["settings"]


def test_regions_without_a_shape_are_listed_in_the_order_of_their_codes(tmp_path):
    from lqcalc.report.mapdata import map_sections

    shaped = sorted(boundaries.codes("uk-nuts2-2013"))
    regions = ["UKZ9", *shaped, "UKZ1", "UKZ5"]
    pl.DataFrame({"region": regions, "industry": ["x"] * len(regions), "year": [2020] * len(regions),
                  "measure": ["employment"] * len(regions), "lq": [1.0] * len(regions),
                  "size": [1.0] * len(regions)}).write_parquet(tmp_path / "clusters.parquet")
    maps = map_sections({"clusters": pl.scan_parquet(tmp_path / "clusters.parquet")}, {}, "en")
    assert maps["scheme"] == "uk-nuts2-2013"
    assert maps["without"] == [("UKZ1", ""), ("UKZ5", ""), ("UKZ9", "")]
