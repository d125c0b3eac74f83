"""DIR/charts/: bubble, LQ-over-time and shift-share charts in PNG and SVG, Chinese glyphs."""

from __future__ import annotations

import importlib.metadata
import warnings
import xml.etree.ElementTree as ET

import polars as pl
import pytest

from lqcalc.output import labels
from lqcalc.output.charts import chart_data, cjk_font_path, font_family, write_charts
from test_output_data import INDUSTRIES, REGIONS, cached_run


def test_cjk_font_is_shipped_open_licensed_and_has_simplified_chinese():
    from matplotlib.ft2font import FT2Font

    path = cjk_font_path()
    assert path is not None and path.is_file()
    meta = importlib.metadata.metadata("pylopdf-fonts-zh-cn")
    assert "Open Font License" in (meta.get("License") or "") + " ".join(meta.get_all("Classifier") or [])
    charmap = FT2Font(str(path)).get_charmap()
    texts = [v[1] for d in (labels.COLUMNS, labels.TABLES, labels.VALUES, labels.TEXTS) for v in d.values()]
    texts += list(REGIONS.values()) + list(INDUSTRIES.values()) + ["区位熵", "广东省", "北京市", "内蒙古自治区"]
    missing = {ch for t in texts for ch in t if ord(ch) > 0x2E7F and ord(ch) not in charmap}
    assert not missing
    # simplified forms, not only traditional ones
    assert all(ord(ch) in charmap for ch in "国区业产经济")
    assert font_family()[1] == "Noto Sans SC"


@pytest.fixture(scope="module")
def bres():
    return cached_run("bres")[1]


def _check_files(paths, n_charts):
    from PIL import Image

    assert len(paths) == 2 * n_charts
    for p in paths:
        assert p.stat().st_size > 5000
        if p.suffix == ".png":
            with Image.open(p) as im:
                im.verify()
                assert im.size[0] >= 600 and im.size[1] >= 400
        else:
            assert ET.parse(p).getroot().tag.endswith("svg")


def test_english_charts_of_chosen_industries(bres, tmp_path):
    paths = write_charts(tmp_path, bres, "en", quiet=True, industries=["services_creative", "no_such_code"])
    assert sorted(p.name for p in paths) == sorted(
        f"{k}.{e}" for k in ("bubble_services_creative", "lq_time_services_creative", "shift_share_employment")
        for e in ("png", "svg"))
    _check_files(paths, 3)
    assert all(p.parent == tmp_path / "charts" for p in paths)


def test_chart_data_are_the_run_numbers(bres):
    data = chart_data(bres, 3)
    ind = bres["indicators"].filter(pl.col("year") == 2018)
    sizes = ind.group_by("industry").agg(pl.col("value").sum()).sort("value", descending=True)
    assert data["industries"] == sizes["industry"].head(3).to_list()
    assert (data["start"], data["end"]) == (2015, 2018)
    b = data["bubble"].join(ind.select("region", "industry", pl.col("lq").alias("lq_ind")), on=["region", "industry"])
    assert (b["lq"] == b["lq_ind"]).all()
    g = bres["growth"].filter(~pl.col("is_total_industry"))
    j = data["bubble"].join(g.select("region", "industry", pl.col("growth").alias("g")), on=["region", "industry"])
    # the bubbles of the charted industries only: 3 industries x 10 regions
    assert j.height == data["bubble"].height == 30 and (j["growth"] == j["g"]).all()
    assert sorted(set(data["bubble"]["industry"])) == sorted(data["industries"])
    assert set(data["lq_time"]["industry"]) == set(data["industries"])
    assert data["lq_time"].height == 3 * 10 * 4  # every year of the charted industries
    assert data["shift"].height == 10


def test_chinese_charts_render_without_missing_glyphs(tmp_path):
    tables = cached_run("chinese")[1]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        paths = write_charts(tmp_path, tables, "zh", top_industries=1, quiet=True)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert not missing, missing[:3]
    assert any(p.name.startswith("bubble_") for p in paths)
    assert any(p.name.startswith("shift_share_") for p in paths)
    _check_files(paths, len(paths) // 2)


def test_charts_are_skipped_when_columns_are_missing(bres, tmp_path):
    assert write_charts(tmp_path, {}, "en", quiet=True) == []
    assert not (tmp_path / "charts").exists()
    only_ind = {"indicators": bres["indicators"]}
    paths = write_charts(tmp_path, only_ind, "en", top_industries=1, quiet=True)
    assert [p.name.split("_")[0] for p in paths] == ["lq", "lq"]  # LQ over time only, no growth


def test_progress_goes_to_stderr_and_quiet_silences_it(bres, tmp_path, capsys):
    only_ind = {"indicators": bres["indicators"]}
    write_charts(tmp_path / "a", only_ind, "en", top_industries=1, quiet=True)
    cap = capsys.readouterr()
    assert cap.out == "" and cap.err == ""
    write_charts(tmp_path / "b", only_ind, "en", top_industries=1, quiet=False)
    cap = capsys.readouterr()
    assert cap.out == "" and "charts" in cap.err
