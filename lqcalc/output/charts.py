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
fast. The data come from :mod:`lqcalc.output.chartdata`, the drawing helpers (fonts, layout,
label placement, saving) from :mod:`lqcalc.output.figures`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path

import polars as pl

from lqcalc.output.chartdata import _name_map, chart_data, largest
from lqcalc.output.figures import (CLASS_COLOURS, FORMATS, LATIN_FONT, cjk_font_path, font_family, footer,
                                   freeze_layout, new_figure, place_labels, rc, save, side_legend, wrap)
from lqcalc.output.labels import label, text, value_label
from lqcalc.output.summary import _cells, _names, collect, lazy_tables

__all__ = ["CHARTS_DIR", "MAX_BUBBLES", "FORMATS", "LATIN_FONT", "bubble_chart", "chart_data", "cjk_font_path",
           "font_family", "largest", "lq_time_chart", "shift_share_chart", "slug", "write_charts"]

CHARTS_DIR = "charts"
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


def footer_lines(lang: str, source: str | None, start, end, *notes: str) -> list[str]:
    """The footer of a chart: source and years, then ``notes``, then the tool.

    >>> footer_lines("en", "bres.csv", 2015, 2018)
    ['Source: bres.csv, 2015-2018.', 'Chart: lqcalc 0.1.0.']
    >>> footer_lines("zh", None, 2018, 2018)[0]
    '数据：2018年。'
    """
    from lqcalc import __version__

    if start is None or end is None or start == end:
        one = start if start is not None else end
        years = "" if one is None else str(one) if lang == "en" else f"{one}年"
    else:
        years = text("years", lang, start=start, end=end)
    if source:
        first = text("footer_source", lang, source=source, years=years) if years else text("footer_only", lang, source=source)
    else:
        first = text("footer_years", lang, years=years) if years else ""
    return [first, *[n for n in notes if n], text("footer_tool", lang, version=__version__)]


def _log_ticks(ax, lo: float, hi: float) -> None:
    from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator

    candidates = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5, 10, 20, 50, 100]
    ticks = [t for t in candidates if lo <= t <= hi] or [1]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_formatter(NullFormatter())


def _classes(d: pl.DataFrame, hi_g: float) -> list[str]:
    """NESTA class of each bubble: ``class_nesta`` of ``clusters`` when known, else the
    same rule on the charted numbers (LQ >= 1, growth at or above the reference)."""
    given = d["class_nesta"].to_list() if "class_nesta" in d.columns else [None] * d.height
    out = []
    for c, lq, g in zip(given, d["lq"].to_list(), d["growth"].to_list()):
        if c not in CLASS_COLOURS:
            hi_lq, hi_gr = lq >= 1, 100 * g >= hi_g
            c = "both" if hi_lq and hi_gr else "high concentration" if hi_lq else "high growth" if hi_gr else "neither"
        out.append(c)
    return out


def bubble_chart(data: pl.DataFrame, industry_title: str, start, end, measure: str, lang: str, base: Path,
                 max_labels: int = 14, max_points: int | None = None, source: str | None = None) -> list[Path]:
    """One LQ-growth bubble chart (PNG and SVG at ``base``.png/.svg); [] when nothing to plot.

    At most ``max_points`` (default :data:`MAX_BUBBLES`) regions are drawn: the largest by
    value, in their order in ``data``; the footer says so when regions were left out.
    """
    from matplotlib import rc_context
    from matplotlib.lines import Line2D

    d = data.filter(pl.col("lq").is_not_null() & (pl.col("lq") > 0) & pl.col("growth").is_not_null()
                    & pl.col("value").is_not_null())
    if d.height == 0:
        return []
    ref = d["reference_growth"].drop_nulls()
    ref_g = float(ref[0]) if ref.len() else None
    n_all = d.height
    d = largest(d, MAX_BUBBLES if max_points is None else max_points)
    lq = d["lq"].to_list()
    gr = [100 * g for g in d["growth"].to_list()]
    val = d["value"].to_list()
    vmax = max(val) or 1.0
    sizes = [25 + 1200 * v / vmax for v in val]
    hi_g = (ref_g * 100) if ref_g is not None else 0.0
    classes = _classes(d, hi_g)
    names = d["region_name"].to_list() if "region_name" in d.columns else [None] * d.height
    codes = d["region"].to_list()
    note = text("size_note", lang, measure=measure, year=end)
    if d.height < n_all:
        note += text("bubble_capped", lang, shown=d.height, total=n_all)
    with rc_context(rc()):
        fig = new_figure(10, 7, footer_lines=3)
        ax = fig.subplots()
        ax.scatter(lq, gr, s=sizes, c=[CLASS_COLOURS[c] for c in classes], alpha=0.55, edgecolors="#333333",
                   linewidths=0.5, zorder=3)
        ax.set_xscale("log")
        lo, hi = min(lq), max(lq)
        lo, hi = min(lo, 0.9) / 1.25, max(hi, 1.1) * 1.25
        ax.set_xlim(lo, hi)
        ax.set_ylim(*ax.get_ylim())  # fix the autoscaled limits before labels are placed
        _log_ticks(ax, lo, hi)
        ax.axvline(1.0, color="#555555", lw=1, ls="--", zorder=1)
        fixed = [ax.annotate(text("lq_one", lang), xy=(1.0, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -3),
                             textcoords="offset points", ha="left", va="top", fontsize=7.5, color="#555555")]
        if ref_g is not None:
            ax.axhline(100 * ref_g, color="#555555", lw=1, ls=":", zorder=1)
            fixed.append(ax.annotate(text("reference_growth", lang, value=100 * ref_g), xy=(0, 100 * ref_g),
                                     xycoords=("axes fraction", "data"), xytext=(4, 3), textcoords="offset points",
                                     ha="left", va="bottom", fontsize=8, color="#555555"))
        for key, x, y, ha, va in (("quadrant_hh", 0.98, 0.98, "right", "top"), ("quadrant_lh", 0.02, 0.98, "left", "top"),
                                  ("quadrant_hl", 0.98, 0.02, "right", "bottom"), ("quadrant_ll", 0.02, 0.02, "left", "bottom")):
            fixed.append(ax.text(x, y, text(key, lang), transform=ax.transAxes, ha=ha, va=va, fontsize=8.5,
                                 color="#777777", style="italic"))
        ax.set_xlabel(text("lq_axis", lang, year=end))
        ax.set_ylabel(text("growth_axis", lang, start=start, end=end))
        ax.set_title(wrap(text("bubble_title", lang, industry=industry_title, start=start, end=end), 80),
                     fontsize=12, gid="title")
        ax.grid(True, which="major", color="#eeeeee", zorder=0)
        shown = [c for c in CLASS_COLOURS if c in classes]
        handles = [Line2D([], [], ls="none", marker="o", ms=8, mfc=CLASS_COLOURS[c], mec="#333333", alpha=0.7,
                          label=value_label(c, lang)) for c in shown]
        legend = side_legend(ax, handles=handles, title=wrap(label("class_nesta", lang), 20))
        footer(fig, footer_lines(lang, source, start, end, note))
        canvas = freeze_layout(fig, ax, legend)
        # label the largest regions and the most concentrated ones, leaving out labels that would overlap
        order_size = sorted(range(len(val)), key=lambda i: -val[i])
        order_lq = sorted(range(len(lq)), key=lambda i: -lq[i])
        candidates: list[int] = []
        for pair in zip(order_size, order_lq):
            candidates += [i for i in pair if i not in candidates]
        place_labels(fig, ax, [(lq[i], gr[i], wrap(names[i] or codes[i]), (sizes[i] / 3.1416) ** 0.5)
                               for i in candidates], max_labels, fixed=fixed)
        return save(fig, canvas, base)


def lq_time_chart(data: pl.DataFrame, industry: str, industry_title: str, lang: str, base: Path,
                  n_regions: int = 6, source: str | None = None) -> list[Path]:
    """LQ over time of the ``n_regions`` regions with the highest LQ in the last year."""
    from matplotlib import rc_context

    d = data.filter((pl.col("industry") == industry) & pl.col("lq").is_not_null() & pl.col("year").is_not_null())
    if d.height == 0 or d["year"].n_unique() < 2:
        return []
    last_year = d["year"].max()
    last = d.filter(pl.col("year") == last_year)
    # ignore the smallest quarter of cells: tiny counts give erratic LQs
    cutoff = last["value"].quantile(0.25) if last["value"].drop_nulls().len() >= 8 else None
    if cutoff is not None:
        last = last.filter(pl.col("value") >= cutoff)
    leaders = last.sort(["lq", "region"], descending=[True, False])["region"].head(n_regions).to_list()
    names = _name_map(d, "region", "region_name")
    years = sorted(d["year"].unique().to_list())
    with rc_context(rc()):
        fig = new_figure(10, 5.8, footer_lines=3)
        ax = fig.subplots()
        for r in leaders:
            s = d.filter(pl.col("region") == r).sort("year")
            ax.plot(s["year"].to_list(), s["lq"].to_list(), marker="o", lw=1.8, ms=4,
                    label=wrap(f"{names[r]} ({r})" if r in names else r, 30))
        ax.axhline(1.0, color="#555555", lw=1, ls="--")
        ax.set_xticks(years, [str(y) for y in years])
        ax.set_xlabel(text("year_axis", lang))
        ax.set_ylabel(text("lq_time_axis", lang))
        ax.set_title(wrap(text("lq_time_title", lang, industry=industry_title), 80), fontsize=12, gid="title")
        legend = side_legend(ax)
        ax.grid(True, color="#eeeeee")
        note = text("lq_time_note", lang, n=len(leaders), year=last_year) if cutoff is not None else ""
        footer(fig, footer_lines(lang, source, years[0], years[-1], note))
        canvas = freeze_layout(fig, ax, legend)
        return save(fig, canvas, base)


def shift_share_chart(data: pl.DataFrame, start, end, measure: str, unit: str, lang: str, base: Path,
                      max_regions: int = 25, source: str | None = None) -> list[Path]:
    """Grouped horizontal bars of the shift-share components per region."""
    from matplotlib import rc_context
    from matplotlib.ticker import FuncFormatter

    comps = ["national_share", "industry_mix", "regional_shift"]
    d = data.filter(pl.all_horizontal(pl.col(c).is_not_null() for c in comps))
    if d.height == 0:
        return []
    d = d.with_columns(pl.sum_horizontal(comps).alias("_total"))
    n_all = d.height
    d = d.sort(pl.col("_total").abs(), descending=True).head(max_regions).sort("regional_shift")
    names = d["region_name"].to_list() if "region_name" in d.columns else [None] * d.height
    labels_ = [wrap(n or r, 34) for n, r in zip(names, d["region"].to_list())]
    n = d.height
    with rc_context(rc()):
        fig = new_figure(10, 2.2 + 0.38 * n, footer_lines=3)
        ax = fig.subplots()
        h = 0.26
        colors = {"national_share": "#95a5a6", "industry_mix": "#2980b9", "regional_shift": "#c0392b"}
        for k, c in enumerate(comps):
            ys = [i + (k - 1) * h for i in range(n)]
            ax.barh(ys, d[c].to_list(), height=h, color=colors[c], label=label(c, lang))
        ax.scatter(d["_total"].to_list(), list(range(n)), marker="|", s=180, color="black", zorder=3,
                   label=label("change", lang))
        ax.set_yticks(list(range(n)), labels_, fontsize=8)
        ax.set_ylim(-0.6, n - 0.4)
        ax.axvline(0, color="#333333", lw=0.8)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}" if abs(v) >= 1000 else f"{v:g}"))
        ax.set_xlabel(text("shift_axis", lang, unit=unit or measure))
        ax.set_title(wrap(text("shift_title", lang, start=start, end=end, measure=measure), 80),
                     fontsize=12, gid="title")
        legend = side_legend(ax)
        ax.grid(True, axis="x", color="#eeeeee")
        note = text("shift_note", lang, n=n) if n < n_all else ""
        footer(fig, footer_lines(lang, source, start, end, note))
        canvas = freeze_layout(fig, ax, legend, ytick_labels=labels_)
        return save(fig, canvas, base)


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
    from lqcalc.progress import progress

    tables = lazy_tables(tables)
    data = chart_data(tables, top_industries, industries, by_region=by_region)
    if not data["industries"]:
        return []
    cdir = Path(out_dir) / CHARTS_DIR
    cdir.mkdir(parents=True, exist_ok=True)
    measure = data["measure"]
    ind = _cells(tables["indicators"])
    ind_names = _names(ind)
    charted = pl.col("industry").is_in(pl.Series(data["industries"], dtype=pl.String).implode())
    inames = (_name_map(collect(ind.filter(charted).select("industry", "industry_name")), "industry", "industry_name")
              if "industry_name" in ind_names else {})
    unit = None
    if "unit" in ind_names:
        unit = collect(ind.filter(pl.col("measure") == measure).select(pl.col("unit").drop_nulls().first())).item()
    unit = unit or ""
    jobs = []
    for code in data["industries"]:
        title = inames.get(code) or (industry_names or {}).get(code) or code
        if data["bubble"] is not None:
            jobs.append(("bubble", code, title))
        if data["lq_time"] is not None:
            jobs.append(("lq_time", code, title))
    if data["shift"] is not None:
        jobs.append(("shift", None, None))
    written: list[Path] = []
    for kind, code, title in progress(jobs, "charts", quiet=quiet):
        if kind == "bubble":
            sub = data["bubble"].filter(pl.col("industry") == code)
            written += bubble_chart(sub, title, data["start"], data["end"], measure, lang, cdir / f"bubble_{slug(code)}",
                                    source=source)
        elif kind == "lq_time":
            written += lq_time_chart(data["lq_time"], code, title, lang, cdir / f"lq_time_{slug(code)}", source=source)
        else:
            written += shift_share_chart(data["shift"], data["start"], data["end"], measure, unit, lang,
                                         cdir / f"shift_share_{slug(measure)}", source=source)
    return written
