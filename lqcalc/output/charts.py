"""Charts of a run, written to ``DIR/charts/`` as PNG and SVG.

* ``bubble_<industry>``: one LQ-growth bubble chart per leading industry: log LQ in the
  end year on x, growth over the period on y, bubble area by the end-year value, colour by
  the NESTA class of ``clusters`` (named in the legend), a vertical line at LQ = 1 and a
  horizontal line at the industry's reference growth, regions labelled by name;
* ``lq_time_<industry>``: LQ over the years for the industry's leading regions;
* ``shift_share_<measure>``: the shift-share components (national share, industry mix,
  regional shift) of each region, summed over its industries.

Titles name the industry (its name, else its code) in the ``lang`` language; a footer gives
the source files and years. Only the ``top_industries`` largest industries get charts, and a
bubble chart draws at most :data:`MAX_BUBBLES` regions (the largest), so large inputs stay
fast. This module picks what each chart shows (:func:`chart_jobs`: polars, from the tables,
through :mod:`lqcalc.output.chartdata`); :mod:`lqcalc.output.drawing` draws it (matplotlib,
with the helpers of :mod:`lqcalc.output.figures`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path

import polars as pl

from lqcalc.output.chartdata import _name_map, chart_data, largest
from lqcalc.output.drawing import CHARTS_DIR, SHIFT_COMPONENTS, draw_bubble, draw_jobs, draw_lq_time, draw_shift
from lqcalc.output.figures import FORMATS, LATIN_FONT, cjk_font_path, font_family
from lqcalc.output.summary import _cells, _names, collect, lazy_tables

__all__ = ["CHARTS_DIR", "MAX_BUBBLES", "FORMATS", "LATIN_FONT", "bubble_chart", "bubble_points", "chart_data",
           "chart_jobs", "cjk_font_path", "font_family", "largest", "lq_time_chart", "lq_time_points", "shift_points",
           "shift_share_chart", "slug", "write_charts"]

#: Regions drawn in a bubble chart at most (the largest by value): beyond a few hundred the
#: bubbles only cover each other, and drawing and labelling slow down (3,200 U.S. counties).
MAX_BUBBLES = 300


def slug(code: object) -> str:
    """A file-name-safe form of a code (a hash is appended when characters were lost).

    >>> slug("31-33"), slug("services_creative")
    ('31-33', 'services_creative')
    >>> slug("制造业").startswith("x_")
    True
    """
    s = str(code)
    clean = re.sub(r"[^A-Za-z0-9_-]+", "_", s).strip("_")
    if clean != s or not clean:
        clean = (clean[:40] or "x") + "_" + hashlib.sha1(s.encode("utf-8")).hexdigest()[:8]
    return clean[:60]


def _floats(s: pl.Series) -> list:
    return [None if v is None else float(v) for v in s.to_list()]


def bubble_points(data: pl.DataFrame, max_points: int | None = None) -> dict | None:
    """The points of a bubble chart (:func:`lqcalc.output.drawing.draw_bubble`) from the
    ``bubble`` rows of one industry (:func:`chart_data`); None when nothing can be drawn.

    Cells need a positive LQ, a growth and a value; at most ``max_points`` (default
    :data:`MAX_BUBBLES`) of them are kept: the largest by value, in their order in ``data``.
    """
    d = data.filter(pl.col("lq").is_not_null() & (pl.col("lq") > 0) & pl.col("growth").is_not_null()
                    & pl.col("value").is_not_null())
    if d.height == 0:
        return None
    ref = d["reference_growth"].drop_nulls()
    total = d.height
    d = largest(d, MAX_BUBBLES if max_points is None else max_points)
    names = d["region_name"].to_list() if "region_name" in d.columns else [None] * d.height
    return {"lq": _floats(d["lq"]), "growth": _floats(d["growth"]), "value": _floats(d["value"]),
            "class_nesta": d["class_nesta"].to_list() if "class_nesta" in d.columns else None,
            "names": [n or c for n, c in zip(names, d["region"].to_list())],
            "reference_growth": float(ref[0]) if ref.len() else None, "total": total}


def lq_time_points(data: pl.DataFrame, industry: str, n_regions: int = 6) -> dict | None:
    """The lines of an LQ-over-time chart: the ``n_regions`` regions with the highest LQ in
    the last year (leaving out the smallest quarter of cells there: tiny counts give erratic
    LQs); None with fewer than two years."""
    d = data.filter((pl.col("industry") == industry) & pl.col("lq").is_not_null() & pl.col("year").is_not_null())
    if d.height == 0 or d["year"].n_unique() < 2:
        return None
    last_year = d["year"].max()
    last = d.filter(pl.col("year") == last_year)
    cutoff = last["value"].quantile(0.25) if last["value"].drop_nulls().len() >= 8 else None
    if cutoff is not None:
        last = last.filter(pl.col("value") >= cutoff)
    leaders = last.sort(["lq", "region"], descending=[True, False])["region"].head(n_regions).to_list()
    names = _name_map(d, "region", "region_name")
    series = []
    for r in leaders:
        s = d.filter(pl.col("region") == r).sort("year")
        series.append({"label": f"{names[r]} ({r})" if r in names else r, "years": s["year"].to_list(),
                       "lq": _floats(s["lq"])})
    return {"series": series, "years": sorted(d["year"].unique().to_list()), "last_year": last_year,
            "small_left_out": cutoff is not None}


def shift_points(data: pl.DataFrame, max_regions: int = 25) -> dict | None:
    """The bars of a shift-share chart: the ``max_regions`` regions with the largest change
    (in absolute value), ordered by regional shift; None when no region has all components."""
    comps = list(SHIFT_COMPONENTS)
    d = data.filter(pl.all_horizontal(pl.col(c).is_not_null() for c in comps))
    if d.height == 0:
        return None
    d = d.with_columns(pl.sum_horizontal(comps).alias("_total"))
    total_regions = d.height
    d = d.sort(pl.col("_total").abs(), descending=True).head(max_regions).sort("regional_shift")
    names = d["region_name"].to_list() if "region_name" in d.columns else [None] * d.height
    return {"names": [n or r for n, r in zip(names, d["region"].to_list())],
            **{c: _floats(d[c]) for c in comps}, "total": _floats(d["_total"]), "total_regions": total_regions}


def bubble_chart(data: pl.DataFrame, industry_title: str, start, end, measure: str, lang: str, base: Path,
                 max_labels: int = 14, max_points: int | None = None, source: str | None = None) -> list[Path]:
    """One LQ-growth bubble chart (PNG and SVG at ``base``.png/.svg); [] when nothing to plot.

    At most ``max_points`` (default :data:`MAX_BUBBLES`) regions are drawn: the largest by
    value, in their order in ``data``; the footer says so when regions were left out.
    """
    points = bubble_points(data, max_points)
    return [] if points is None else draw_bubble(points, industry_title, start, end, measure, lang, base,
                                                 max_labels=max_labels, source=source)


def lq_time_chart(data: pl.DataFrame, industry: str, industry_title: str, lang: str, base: Path,
                  n_regions: int = 6, source: str | None = None) -> list[Path]:
    """LQ over time of the ``n_regions`` regions with the highest LQ in the last year."""
    points = lq_time_points(data, industry, n_regions)
    return [] if points is None else draw_lq_time(points, industry_title, lang, base, source=source)


def shift_share_chart(data: pl.DataFrame, start, end, measure: str, unit: str, lang: str, base: Path,
                      max_regions: int = 25, source: str | None = None) -> list[Path]:
    """Grouped horizontal bars of the shift-share components per region."""
    points = shift_points(data, max_regions)
    return [] if points is None else draw_shift(points, start, end, measure, unit, lang, base, source=source)


def chart_jobs(tables: Mapping[str, pl.DataFrame | pl.LazyFrame], lang: str = "en", top_industries: int = 4,
               industries: list[str] | None = None, by_region: pl.DataFrame | None = None, source: str | None = None,
               industry_names: Mapping[str, str] | None = None) -> list[dict]:
    """What each chart of a run shows: one job per chart for
    :func:`lqcalc.output.drawing.draw_jobs` (plain Python values, JSON-ready), in the order
    they are drawn (per industry its bubble and LQ-over-time charts, then the shift-share
    bars). The parameters are those of :func:`write_charts`; charts with nothing to show are
    left out.
    """
    tables = lazy_tables(tables)
    data = chart_data(tables, top_industries, industries, by_region=by_region)
    if not data["industries"]:
        return []
    measure = data["measure"]
    ind = _cells(tables["indicators"])
    ind_names = _names(ind)
    charted = pl.col("industry").is_in(pl.Series(data["industries"], dtype=pl.String).implode())
    inames = (_name_map(collect(ind.filter(charted).select("industry", "industry_name")), "industry", "industry_name")
              if "industry_name" in ind_names else {})
    unit = None
    if "unit" in ind_names:
        unit = collect(ind.filter(pl.col("measure") == measure).select(pl.col("unit").drop_nulls().first())).item()
    common = {"lang": lang, "start": data["start"], "end": data["end"], "measure": measure, "unit": unit or "",
              "source": source}
    jobs = []
    for code in data["industries"]:
        title = inames.get(code) or (industry_names or {}).get(code) or code
        if data["bubble"] is not None:
            points = bubble_points(data["bubble"].filter(pl.col("industry") == code))
            if points is not None:
                jobs.append({"kind": "bubble", "file": f"bubble_{slug(code)}", "title": title, **common,
                             "points": points})
        if data["lq_time"] is not None:
            points = lq_time_points(data["lq_time"], code)
            if points is not None:
                jobs.append({"kind": "lq_time", "file": f"lq_time_{slug(code)}", "title": title, **common,
                             "points": points})
    if data["shift"] is not None:
        points = shift_points(data["shift"])
        if points is not None:
            jobs.append({"kind": "shift", "file": f"shift_share_{slug(measure)}", "title": None, **common,
                         "points": points})
    return jobs


def write_charts(out_dir: Path, tables: Mapping[str, pl.DataFrame | pl.LazyFrame], lang: str = "en",
                 top_industries: int = 4, quiet: bool | None = None, industries: list[str] | None = None,
                 by_region: pl.DataFrame | None = None, source: str | None = None,
                 industry_names: Mapping[str, str] | None = None) -> list[Path]:
    """Write the charts of a run to ``out_dir/charts/``; return the files written.

    Parameters
    ----------
    out_dir : Path
        Output directory; only ``out_dir/charts`` is written.
    tables : mapping of str to polars.DataFrame or polars.LazyFrame
        The run's tables; charts whose columns are missing are skipped (``indicators`` with
        ``lq`` and ``value``; ``growth`` with ``growth``, ``start_year``, ``end_year`` for the
        bubble and shift-share charts).
    lang : {"en", "zh"}
        Language of titles, legends, axis labels and footers.
    top_industries : int
        Number of industries (the largest by value in the last year) that get charts.
    quiet : bool, optional
        No progress bar on stderr.
    industries : list of str, optional
        Industry codes to chart instead of the ``top_industries`` largest.
    by_region : polars.DataFrame, optional
        The summary's ``growth_by_region`` of the same tables (see :func:`chart_data`).
    source : str, optional
        The data source named in the footers (the input file names).
    industry_names : mapping of str to str, optional
        Names of industry codes for the titles, used when the tables have no
        ``industry_name`` for them (the title shows the code when neither has a name).
    """
    jobs = chart_jobs(tables, lang, top_industries, industries, by_region, source, industry_names)
    if not jobs:
        return []
    return [path for _, path in draw_jobs(jobs, Path(out_dir) / CHARTS_DIR, quiet=quiet)]
