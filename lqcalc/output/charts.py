"""Charts of a run, written to ``DIR/charts/`` as PNG and SVG.

Why this module is long: the three kinds of chart share one data query (:func:`chart_data`),
the fonts and the label placement.

* ``bubble_<industry>``: one LQ-growth bubble chart per leading industry: log LQ in the
  end year on x, growth over the period on y, bubble area by the end-year value, a vertical
  line at LQ = 1 and a horizontal line at the industry's reference growth, regions labelled;
* ``lq_time_<industry>``: LQ over the years for the industry's leading regions;
* ``shift_share_<measure>``: the shift-share components (national share, industry mix,
  regional shift) of each region, summed over its industries.

Only the ``top_industries`` largest industries get charts, and a bubble chart draws at most
:data:`MAX_BUBBLES` regions (the largest), so large inputs stay fast: the tables may be
LazyFrames over the Parquet outputs, of which only a few aggregates and the rows of the
charted industries are collected.
matplotlib (Agg, no display) is imported inside the functions. Chinese text is set in
Noto Sans SC (SIL Open Font License 1.1), shipped by the ``pylopdf-fonts-zh-cn`` package
and registered with matplotlib's font manager; nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path

import polars as pl

from lqcalc.output.labels import label, text
from lqcalc.output.summary import _cells, _leaves, _names, collect, lazy_tables

CHARTS_DIR = "charts"
#: Regions drawn in a bubble chart at most (the largest by value): beyond a few hundred the
#: bubbles only cover each other, and drawing and labelling slow down (3,200 U.S. counties).
MAX_BUBBLES = 300
FORMATS = ("png", "svg")
LATIN_FONT = "DejaVu Sans"

_font_family: list[str] | None = None


def cjk_font_path() -> Path | None:
    """The file of the Simplified Chinese font used in charts (None when unavailable).

    >>> p = cjk_font_path()
    >>> p is None or p.suffix in (".otf", ".ttf", ".ttc")
    True
    """
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    return path if path.is_file() else None


def font_family() -> list[str]:
    """Register the CJK font with matplotlib once; return the font family list to use.

    Latin text is set in DejaVu Sans (matplotlib's own font); characters it lacks fall back
    to Noto Sans SC (or to an installed CJK font when the package is missing).
    """
    global _font_family
    if _font_family is not None:
        return _font_family
    from matplotlib import font_manager

    family = [LATIN_FONT]
    path = cjk_font_path()
    if path is not None:
        font_manager.fontManager.addfont(str(path))
        family.append(font_manager.FontProperties(fname=str(path)).get_name())
    else:  # fall back to whatever CJK font the system has
        installed = {f.name for f in font_manager.fontManager.ttflist}
        family += [n for n in ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei",
                               "Microsoft YaHei", "PingFang SC") if n in installed]
    _font_family = family
    return family


def _rc() -> dict:
    return {
        "font.family": font_family(),
        "axes.unicode_minus": False,
        "svg.fonttype": "path",
        "figure.dpi": 100,
        "savefig.dpi": 120,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


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


def _short(name: object, n: int = 24) -> str:
    s = str(name)
    return s if len(s) <= n else s[: n - 1] + "…"


def _save(fig, base: Path) -> list[Path]:
    """Save ``fig`` as PNG and SVG, cropped to its content (the crop is computed once)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    bbox = fig.get_tightbbox(canvas.get_renderer()).padded(0.15)
    paths = []
    for fmt in FORMATS:
        p = base.with_suffix("." + fmt)
        extra = {"pil_kwargs": {"compress_level": 4}} if fmt == "png" else {}
        fig.savefig(p, format=fmt, bbox_inches=bbox, **extra)
        paths.append(p)
    return paths


def largest(df: pl.DataFrame, n: int, by: str = "value") -> pl.DataFrame:
    """The ``n`` rows of ``df`` with the largest ``by`` (ties: the smaller region code), in
    their order in ``df``.

    >>> df = pl.DataFrame({"region": ["a", "b", "c", "d"], "value": [3.0, 9.0, 3.0, 1.0]})
    >>> largest(df, 2)["region"].to_list(), largest(df, 9).height
    (['a', 'b'], 4)
    """
    if df.height <= n:
        return df
    order = [by] + [c for c in ("region",) if c in df.columns and c != by]
    keep = (df.with_row_index("_i").sort(order, descending=[True] + [False] * (len(order) - 1), nulls_last=True)
            .head(n)["_i"].sort())
    return df[keep.to_list()]


def _year_stats(names: list[str]) -> list[pl.Expr]:
    """Rows with a year, distinct years (null counted) and the last year."""
    if "year" not in names:
        return []
    return [pl.col("year").count().alias("_known"), pl.col("year").n_unique().alias("_years"),
            pl.col("year").max().alias("_last")]


def _measure_counts(lf: pl.LazyFrame) -> pl.DataFrame:
    """Rows per measure (``len``), most first (ties: by name): the first is the measure
    charted; with the measure's region levels and year statistics, all from one pass."""
    names = _names(lf)
    extra = _year_stats(names) + ([pl.col("region_level").n_unique().alias("_levels")]
                                  if "region_level" in names else [])
    return (collect(lf.group_by("measure").agg(pl.len(), *extra))
            .sort(["len", "measure"], descending=[True, False]))


def _name_map(df: pl.DataFrame, code: str, name: str) -> dict:
    if name not in df.columns:
        return {}
    return {k: v for k, v in df.select(code, name).unique(code, keep="first").iter_rows() if v is not None}


def chart_data(tables: Mapping[str, pl.DataFrame | pl.LazyFrame | None], top_industries: int = 6,
               industries: list[str] | None = None, by_region: pl.DataFrame | None = None) -> dict:
    """The data behind the charts (also used by the tests).

    Returns a dict with ``measure``, ``industries`` (codes of the charted industries, largest
    first), ``bubble`` (region, industry, lq, growth, value, reference_growth at the end year
    for the charted industries, or None), ``start``/``end`` years, ``lq_time`` (indicators of
    the measure for the charted industries) and ``shift`` (components per region, or None).
    ``industries`` picks the charted industries (codes; unknown codes are ignored) instead of
    the largest ones. ``by_region`` is :func:`lqcalc.output.summary.growth_by_region` of the
    same tables when the summary has it already: the shift-share data are then its rows of
    the charted measure and period (with regions of a single level).

    The tables may be LazyFrames (scans of the Parquet outputs): only aggregates (row counts
    per measure, industry sizes in the last year) and the rows of the charted industries are
    collected, a few hundred points per chart.
    """
    out: dict = {"measure": None, "industries": [], "bubble": None, "lq_time": None, "shift": None,
                 "start": None, "end": None}
    tables = lazy_tables(tables)
    ind = tables.get("indicators")
    if ind is None or not {"region", "industry", "measure", "value", "lq"} <= set(_names(ind)):
        return out
    ind = _cells(ind)
    counts = _measure_counts(ind)
    if counts.height == 0:
        return out
    measure = counts["measure"][0]
    out["measure"] = measure
    stats = counts.row(0, named=True)
    ind = ind.filter(pl.col("measure").eq_missing(measure))
    names = _names(ind)
    if stats.get("_levels", 1) > 1:
        # one level of regions per chart (provinces, or cities, not both): the level with most regions
        levels = (collect(ind.group_by("region_level").agg(pl.col("region").n_unique().alias("n")))
                  .sort(["n", "region_level"], descending=[True, False], nulls_last=True))
        ind = ind.filter(pl.col("region_level") == levels["region_level"][0])
        out["region_level"] = levels["region_level"][0]
        if "year" in names:  # the year statistics of that level
            stats = collect(ind.select(_year_stats(names))).row(0, named=True)
    has_year = n_years = last = None
    if "year" in names:
        n_known, n_years, last = stats["_known"], stats["_years"], stats["_last"]
        has_year = n_known > 0
    at_last = ind.filter(pl.col("year") == last) if has_year else ind
    at_last = _leaves(at_last)
    sizes = (collect(at_last.group_by("industry").agg(pl.col("value").sum().alias("size")))
             .sort(["size", "industry"], descending=[True, False], nulls_last=True))
    if industries:
        present = set(sizes["industry"].to_list())
        out["industries"] = [c for c in industries if c in present]
    else:
        out["industries"] = sizes["industry"].head(top_industries).to_list()
    charted = pl.col("industry").is_in(pl.Series(out["industries"], dtype=pl.String).implode())
    if has_year and n_years >= 2:
        out["lq_time"] = collect(ind.filter(charted).select(
            c for c in ("region", "region_name", "industry", "industry_name", "year", "measure", "value", "lq")
            if c in names))
    growth = tables.get("growth")
    if growth is not None and {"region", "industry", "measure", "start_year", "end_year", "growth"} <= set(_names(growth)):
        g = _cells(growth).filter(pl.col("measure").eq_missing(measure))
        n, start, end = collect(g.select(pl.len(), pl.col("start_year").min(), pl.col("end_year").max())).row(0)
        if n:
            g = g.filter((pl.col("start_year") == start) & (pl.col("end_year") == end))
            out["start"], out["end"] = start, end
            ref = "reference_growth" if "reference_growth" in _names(g) else None
            gcols = ["region", "industry", "growth"] + ([ref] if ref else [])
            cur = ind.filter(pl.col("year") == end) if has_year else ind
            cur_names = _names(cur)
            bubble = collect(cur.filter(charted).select(
                "region", *[c for c in ("region_name",) if c in cur_names], "industry",
                *[c for c in ("industry_name",) if c in cur_names], "lq", "value"))
            bubble = bubble.join(collect(g.filter(charted).select(gcols)), on=["region", "industry"], how="inner",
                                 maintain_order="left")
            if ref is None:
                bubble = bubble.with_columns(pl.lit(None, dtype=pl.Float64).alias("reference_growth"))
            out["bubble"] = bubble
            from lqcalc.output.summary import growth_by_region

            if by_region is not None and "region_level" not in out:
                gbr = by_region.filter(pl.col("measure").eq_missing(measure) & (pl.col("start_year") == start)
                                       & (pl.col("end_year") == end))
            else:
                gbr = growth_by_region({**tables, "indicators": ind, "growth": growth.filter(
                    (pl.col("start_year") == start) & (pl.col("end_year") == end))})
            if gbr is not None and {"national_share", "industry_mix", "regional_shift"} <= set(gbr.columns):
                out["shift"] = gbr.filter(pl.col("measure") == measure)
    return out


_OFFSETS = ((5, 4, "left", "bottom"), (5, -4, "left", "top"), (-5, 4, "right", "bottom"),
            (-5, -4, "right", "top"), (0, 9, "center", "bottom"), (0, -9, "center", "top"))


def _place_labels(fig, ax, points, max_labels: int, fixed=()) -> int:
    """Annotate up to ``max_labels`` of ``points`` (x, y, text), in order, without overlaps.

    Each label tries a few positions around its point and is dropped when all of them
    overlap a label already placed (or one of the ``fixed`` texts). Returns the number placed.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    taken = [t.get_window_extent(renderer).expanded(1.05, 1.1) for t in fixed]
    axes_box = ax.get_window_extent(renderer)
    placed = 0
    for x, y, label_text in points:
        if placed >= max_labels:
            break
        for dx, dy, ha, va in _OFFSETS:
            t = ax.annotate(label_text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                            fontsize=7.5, color="#222222", zorder=4)
            box = t.get_window_extent(renderer)
            inside = (box.x0 >= axes_box.x0 and box.x1 <= axes_box.x1 and box.y0 >= axes_box.y0
                      and box.y1 <= axes_box.y1)
            if inside and not any(box.overlaps(o) for o in taken):
                taken.append(box.expanded(1.05, 1.15))
                placed += 1
                break
            t.remove()
    return placed


def _log_ticks(ax, lo: float, hi: float) -> None:
    from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator

    candidates = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5, 10, 20, 50, 100]
    ticks = [t for t in candidates if lo <= t <= hi] or [1]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_formatter(NullFormatter())


def bubble_chart(data: pl.DataFrame, industry_title: str, start, end, measure: str, lang: str, base: Path,
                 max_labels: int = 14, max_points: int | None = None) -> list[Path]:
    """One LQ-growth bubble chart (PNG and SVG at ``base``.png/.svg); [] when nothing to plot.

    At most ``max_points`` (default :data:`MAX_BUBBLES`) regions are drawn: the largest by
    value, in their order in ``data``; the note under the chart says so when regions were
    left out.
    """
    from matplotlib import rc_context
    from matplotlib.figure import Figure

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
    colors = ["#c0392b" if (l >= 1 and g >= hi_g) else "#e67e22" if l >= 1 else "#2980b9" if g >= hi_g else "#95a5a6"
              for l, g in zip(lq, gr)]
    names = d["region_name"].to_list() if "region_name" in d.columns else [None] * d.height
    codes = d["region"].to_list()
    with rc_context(_rc()):
        fig = Figure(figsize=(9, 6.5))
        ax = fig.subplots()
        ax.scatter(lq, gr, s=sizes, c=colors, alpha=0.55, edgecolors="#333333", linewidths=0.5, zorder=3)
        ax.set_xscale("log")
        lo, hi = min(lq), max(lq)
        lo, hi = min(lo, 0.9) / 1.25, max(hi, 1.1) * 1.25
        ax.set_xlim(lo, hi)
        ax.set_ylim(*ax.get_ylim())  # fix the autoscaled limits before labels are placed
        _log_ticks(ax, lo, hi)
        ax.axvline(1.0, color="#555555", lw=1, ls="--", zorder=1)
        if ref_g is not None:
            ax.axhline(100 * ref_g, color="#555555", lw=1, ls=":", zorder=1)
            ref_text = ax.annotate(text("reference_growth", lang, value=100 * ref_g), xy=(0, 100 * ref_g),
                                   xycoords=("axes fraction", "data"), xytext=(4, 3), textcoords="offset points",
                                   ha="left", va="bottom", fontsize=8, color="#555555")
        else:
            ref_text = None
        quadrant_texts = []
        for key, x, y, ha, va in (("quadrant_hh", 0.98, 0.98, "right", "top"), ("quadrant_lh", 0.02, 0.98, "left", "top"),
                                  ("quadrant_hl", 0.98, 0.02, "right", "bottom"), ("quadrant_ll", 0.02, 0.02, "left", "bottom")):
            quadrant_texts.append(ax.text(x, y, text(key, lang), transform=ax.transAxes, ha=ha, va=va, fontsize=8.5,
                                          color="#777777", style="italic"))
        # label the largest regions and the most concentrated ones, skipping labels that would overlap
        order_size = sorted(range(len(val)), key=lambda i: -val[i])
        order_lq = sorted(range(len(lq)), key=lambda i: -lq[i])
        candidates: list[int] = []
        for pair in zip(order_size, order_lq):
            for i in pair:
                if i not in candidates:
                    candidates.append(i)
        _place_labels(fig, ax, [(lq[i], gr[i], _short(names[i] or codes[i])) for i in candidates],
                      max_labels, fixed=quadrant_texts + ([ref_text] if ref_text is not None else []))
        ax.set_xlabel(text("lq_axis", lang, year=end))
        ax.set_ylabel(text("growth_axis", lang, start=start, end=end))
        ax.set_title(text("bubble_title", lang, industry=industry_title, start=start, end=end), fontsize=12)
        note = text("size_note", lang, measure=measure, year=end)
        if d.height < n_all:
            note += text("bubble_capped", lang, shown=d.height, total=n_all)
        fig.text(0.01, 0.005, note, fontsize=7.5, color="#666666",
                 ha="left", va="bottom")
        ax.grid(True, which="major", color="#eeeeee", zorder=0)
        return _save(fig, base)


def lq_time_chart(data: pl.DataFrame, industry: str, industry_title: str, lang: str, base: Path,
                  n_regions: int = 6) -> list[Path]:
    """LQ over time of the ``n_regions`` regions with the highest LQ in the last year."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    d = data.filter((pl.col("industry") == industry) & pl.col("lq").is_not_null() & pl.col("year").is_not_null())
    if d.height == 0 or d["year"].n_unique() < 2:
        return []
    last = d.filter(pl.col("year") == d["year"].max())
    # ignore the smallest quarter of cells: tiny counts give erratic LQs
    cutoff = last["value"].quantile(0.25) if last["value"].drop_nulls().len() >= 8 else None
    if cutoff is not None:
        last = last.filter(pl.col("value") >= cutoff)
    leaders = last.sort(["lq", "region"], descending=[True, False])["region"].head(n_regions).to_list()
    names = _name_map(d, "region", "region_name")
    with rc_context(_rc()):
        fig = Figure(figsize=(9, 5.5))
        ax = fig.subplots()
        for r in leaders:
            s = d.filter(pl.col("region") == r).sort("year")
            ax.plot(s["year"].to_list(), s["lq"].to_list(), marker="o", lw=1.8, ms=4,
                    label=_short(names.get(r, r), 30) + (f" ({r})" if r in names else ""))
        ax.axhline(1.0, color="#555555", lw=1, ls="--")
        years = sorted(d["year"].unique().to_list())
        ax.set_xticks(years, [str(y) for y in years])
        ax.set_xlabel(text("year_axis", lang))
        ax.set_ylabel(text("lq_time_axis", lang))
        ax.set_title(text("lq_time_title", lang, industry=industry_title), fontsize=12)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
        ax.grid(True, color="#eeeeee")
        return _save(fig, base)


def shift_share_chart(data: pl.DataFrame, start, end, measure: str, unit: str, lang: str, base: Path,
                      max_regions: int = 25) -> list[Path]:
    """Grouped horizontal bars of the shift-share components per region."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    comps = ["national_share", "industry_mix", "regional_shift"]
    d = data.filter(pl.all_horizontal(pl.col(c).is_not_null() for c in comps))
    if d.height == 0:
        return []
    d = d.with_columns(pl.sum_horizontal(comps).alias("_total"))
    d = d.sort(pl.col("_total").abs(), descending=True).head(max_regions).sort("regional_shift")
    names = d["region_name"].to_list() if "region_name" in d.columns else [None] * d.height
    labels_ = [_short(n or r, 30) for n, r in zip(names, d["region"].to_list())]
    n = d.height
    with rc_context(_rc()):
        fig = Figure(figsize=(9, 1.6 + 0.38 * n))
        ax = fig.subplots()
        h = 0.26
        colors = {"national_share": "#95a5a6", "industry_mix": "#2980b9", "regional_shift": "#c0392b"}
        for k, c in enumerate(comps):
            ys = [i + (k - 1) * h for i in range(n)]
            ax.barh(ys, d[c].to_list(), height=h, color=colors[c], label=label(c, lang))
        ax.scatter(d["_total"].to_list(), list(range(n)), marker="|", s=180, color="black", zorder=3,
                   label=label("change", lang))
        ax.set_yticks(list(range(n)), labels_, fontsize=8)
        ax.axvline(0, color="#333333", lw=0.8)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}" if abs(v) >= 1000 else f"{v:g}"))
        ax.set_xlabel(text("shift_axis", lang, unit=unit or measure))
        ax.set_title(text("shift_title", lang, start=start, end=end, measure=measure), fontsize=12)
        ax.legend(loc="best", fontsize=8)
        ax.grid(True, axis="x", color="#eeeeee")
        return _save(fig, base)


def write_charts(out_dir: Path, tables: Mapping[str, pl.DataFrame | pl.LazyFrame], lang: str = "en",
                 top_industries: int = 4, quiet: bool | None = None, industries: list[str] | None = None,
                 by_region: pl.DataFrame | None = None) -> list[Path]:
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
        Language of titles and axis labels.
    top_industries : int
        Number of industries (the largest by value in the last year) that get charts.
    quiet : bool, optional
        No progress bar on stderr.
    industries : list of str, optional
        Industry codes to chart instead of the ``top_industries`` largest.
    by_region : polars.DataFrame, optional
        The summary's ``growth_by_region`` of the same tables (see :func:`chart_data`).
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
        title = _short(inames.get(code, code), 50)
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
            written += bubble_chart(sub, title, data["start"], data["end"], measure, lang, cdir / f"bubble_{slug(code)}")
        elif kind == "lq_time":
            written += lq_time_chart(data["lq_time"], code, title, lang, cdir / f"lq_time_{slug(code)}")
        else:
            written += shift_share_chart(data["shift"], data["start"], data["end"], measure, unit, lang,
                                         cdir / f"shift_share_{slug(measure)}")
    return written
