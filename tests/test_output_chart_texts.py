"""Golden tests of what the demo's charts say, read from the SVG files: titles with names,
a legend for every colour, the source and years in the footer, in English and Chinese;
labels that neither overlap nor get cut."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import polars as pl
import pytest

from lqcalc import __version__
from lqcalc.demo import demo_config
from lqcalc.pipeline import run

SVG = "{http://www.w3.org/2000/svg}"
SOURCE = "bres_nuts2_segments_2015_2018.csv"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = {}
    for lang in ("en", "zh"):
        d = tmp_path_factory.mktemp(f"demo-{lang}") / "out"
        run(demo_config(str(d), lang=lang, quiet=True))
        out[lang] = d
    return out


def texts(svg, gid: str) -> list[str]:
    """The text lines of the SVG group ``gid`` (title, legend, footer), in order."""
    root = ET.parse(svg).getroot()
    group = next(g for g in root.iter(f"{SVG}g") if g.get("id") == gid)
    return [t.text for t in group.iter(f"{SVG}text") if t.text]


def all_texts(svg) -> list[str]:
    return [t.text for t in ET.parse(svg).getroot().iter(f"{SVG}text") if t.text]


def test_english_bubble_chart_title_legend_and_footer(demo):
    svg = demo["en"] / "charts" / "bubble_services_creative.svg"
    assert " ".join(texts(svg, "title")) == (
        "Creative services (design, photography, translation, events): concentration and growth, 2015-2018")
    assert texts(svg, "legend") == ["Concentration x", "growth (NESTA)", "high concentration and high growth",
                                    "high concentration", "high growth", "neither"]
    assert texts(svg, "footer") == [f"Source: {SOURCE}, 2015-2018.", "bubble area: employment 2018",
                                    f"Chart: lqcalc {__version__}."]
    shown = all_texts(svg)
    assert "Inner London - West" in shown and not any("…" in t for t in shown)
    assert not any(t.startswith("services_") for t in shown)   # names, not codes


def test_bubble_colours_are_the_cluster_table_classes(demo):
    """Every class in the legend is a class of clusters.parquet for the charted cells."""
    cl = pl.read_parquet(demo["en"] / "clusters.parquet").filter(
        (pl.col("industry") == "services_creative") & (pl.col("year") == 2018))
    classes = set(cl["class_nesta"].drop_nulls())
    names = {"both": "high concentration and high growth", "high concentration": "high concentration",
             "high growth": "high growth", "neither": "neither"}
    legend = texts(demo["en"] / "charts" / "bubble_services_creative.svg", "legend")[2:]
    assert set(legend) == {names[c] for c in classes}


def test_chinese_charts_have_chinese_titles_legends_and_fonts(demo):
    svg = demo["zh"] / "charts" / "bubble_services_creative.svg"
    assert "".join(texts(svg, "title")) == "创意服务业（设计、摄影、翻译、会展）：集聚与增长，2015—2018年"
    assert texts(svg, "legend")[1:] == ["高集聚且高增长", "高集聚", "高增长", "均不是"]
    assert texts(svg, "footer")[0] == f"数据来源：{SOURCE}，2015—2018年。"
    raw = svg.read_text(encoding="utf-8")
    assert "Noto Sans SC" in raw   # the shipped font for the Chinese characters
    shift = demo["zh"] / "charts" / "shift_share_employment.svg"
    assert texts(shift, "legend") == ["变化量", "全国增长分量", "产业结构分量", "区域竞争分量"]


def test_lq_time_legend_names_every_line(demo):
    svg = demo["en"] / "charts" / "lq_time_services_cultural.svg"
    assert " ".join(texts(svg, "title")).startswith("Cultural services (libraries, museums, heritage sites): LQ over time")
    legend = texts(svg, "legend")
    assert len(legend) >= 6 and all("(UK" in line or not line.startswith("UK") for line in legend)
    ind = pl.read_parquet(demo["en"] / "indicators.parquet")
    names = set(ind["region_name"].drop_nulls())
    joined = " ".join(legend)
    assert sum(n in joined for n in names) == 6   # six regions, by name and code


def test_point_labels_do_not_overlap_and_stay_inside(demo):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    import lqcalc.output.charts as charts
    import lqcalc.output.drawing as drawing

    figs = []
    real = drawing.save

    def keep(fig, canvas, base):
        figs.append(fig)
        return real(fig, canvas, base)

    tables = {n: pl.scan_parquet(demo["en"] / f"{n}.parquet") for n in ("indicators", "growth", "clusters")}
    drawing.save = keep
    try:
        charts.write_charts(demo["en"].parent / "again", tables, "en", industries=["services_creative"], quiet=True)
    finally:
        drawing.save = real
    fig = figs[0]
    ax = fig.axes[0]
    renderer = FigureCanvasAgg(fig).get_renderer() if not isinstance(fig.canvas, FigureCanvasAgg) else fig.canvas.get_renderer()
    labels = [t for t in ax.texts if t.get_text() and t.get_fontsize() == 7.5 and t.get_gid() is None
              and t.get_text() not in ("LQ = 1",)]
    assert len(labels) >= 8
    boxes = [t.get_window_extent(renderer) for t in labels]
    inside = ax.get_window_extent(renderer)
    for i, a in enumerate(boxes):
        assert a.x0 >= inside.x0 - 1 and a.x1 <= inside.x1 + 1 and a.y0 >= inside.y0 - 1 and a.y1 <= inside.y1 + 1
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)
