"""Drawing the charts from their points: matplotlib only, no polars.

:mod:`lqcalc.output.charts` turns the run's tables into one *job* per chart: a small
JSON-ready dict with the chart's kind, file name, texts and points (a few hundred numbers).
This module draws jobs, so that the chart process (:mod:`lqcalc.output.chartjob`) needs
matplotlib and nothing of the table code: it starts sooner, and it can be forked into
several processes that draw their shares of the jobs side by side (:func:`shares`).

Job keys: ``kind`` (``bubble``, ``lq_time`` or ``shift``), ``file`` (the file name without
suffix), ``lang``, ``title`` (the industry's name or code), ``start``, ``end``, ``measure``,
``unit``, ``source`` and ``points`` (see :func:`draw_bubble`, :func:`draw_lq_time` and
:func:`draw_shift`).
"""

from __future__ import annotations

from pathlib import Path

from lqcalc.output.figures import (CLASS_COLOURS, footer, freeze_layout, new_figure, place_labels, rc, save,
                                   side_legend, wrap)
from lqcalc.output.labels import label, text, value_label

CHARTS_DIR = "charts"

#: Relative drawing time of each kind of chart (measured on the demo: a bubble chart 0.4 s,
#: an LQ-over-time chart 0.27 s, the shift-share bars 0.7 s), to share the charts fairly.
CHART_COST = {"bubble": 3, "lq_time": 2, "shift": 5}


def shares(kinds: list[str], n: int) -> list[int]:
    """Which of ``n`` processes draws each chart: the costliest first, each to the process
    with the least work so far (ties: the lower number), so that the shares take about the
    same time. The same list always gives the same shares.

    >>> shares(["bubble", "lq_time", "bubble", "lq_time", "shift"], 2)
    [1, 0, 1, 1, 0]
    >>> shares(["bubble", "lq_time"], 1)
    [0, 0]
    """
    owner = [0] * len(kinds)
    if n <= 1:
        return owner
    load = [0] * n
    for i in sorted(range(len(kinds)), key=lambda i: -CHART_COST.get(kinds[i], 1)):
        k = min(range(n), key=lambda j: (load[j], j))
        owner[i] = k
        load[k] += CHART_COST.get(kinds[i], 1)
    return owner


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


def classes(given: list, lq: list[float], growth_pct: list[float], ref_pct: float) -> list[str]:
    """NESTA class of each bubble: the given class (``class_nesta`` of ``clusters``) when it
    is one, else the same rule on the charted numbers (LQ >= 1, growth at or above the
    reference, in per cent).

    >>> classes(["both", None, None], [2.0, 2.0, 0.5], [1.0, -5.0, 9.0], 0.0)
    ['both', 'high concentration', 'high growth']
    """
    out = []
    for c, q, g in zip(given, lq, growth_pct):
        if c not in CLASS_COLOURS:
            hi_lq, hi_gr = q >= 1, g >= ref_pct
            c = "both" if hi_lq and hi_gr else "high concentration" if hi_lq else "high growth" if hi_gr else "neither"
        out.append(c)
    return out


def draw_bubble(points: dict, industry_title: str, start, end, measure: str, lang: str, base: Path,
                max_labels: int = 14, source: str | None = None) -> list[Path]:
    """One LQ-growth bubble chart (PNG and SVG at ``base``.png/.svg).

    ``points``: ``lq``, ``growth`` (fractions), ``value`` (bubble areas), ``class_nesta``
    (or None each), ``names`` (region names or codes), ``reference_growth`` (a fraction, or
    None) and ``total`` (regions before the largest were kept; the footer says so when
    fewer are drawn).
    """
    from matplotlib import rc_context
    from matplotlib.lines import Line2D

    lq = points["lq"]
    gr = [100 * g for g in points["growth"]]
    val = points["value"]
    ref_g = points.get("reference_growth")
    vmax = max(val) or 1.0
    sizes = [25 + 1200 * v / vmax for v in val]
    hi_g = (ref_g * 100) if ref_g is not None else 0.0
    cls = classes(points.get("class_nesta") or [None] * len(lq), lq, gr, hi_g)
    names = points["names"]
    note = text("size_note", lang, measure=measure, year=end)
    if len(lq) < points.get("total", len(lq)):
        note += text("bubble_capped", lang, shown=len(lq), total=points["total"])
    with rc_context(rc()):
        fig = new_figure(10, 7, footer_lines=3)
        ax = fig.subplots()
        ax.scatter(lq, gr, s=sizes, c=[CLASS_COLOURS[c] for c in cls], alpha=0.55, edgecolors="#333333",
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
        shown = [c for c in CLASS_COLOURS if c in cls]
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
        place_labels(fig, ax, [(lq[i], gr[i], wrap(names[i]), (sizes[i] / 3.1416) ** 0.5)
                               for i in candidates], max_labels, fixed=fixed)
        return save(fig, canvas, base)


def draw_lq_time(points: dict, industry_title: str, lang: str, base: Path, source: str | None = None) -> list[Path]:
    """LQ over time of a few regions.

    ``points``: ``series`` (one dict per region: ``label``, ``years``, ``lq``), ``years``
    (the x ticks), ``last_year`` and ``small_left_out`` (whether the smallest quarter of
    cells was left out when the regions were chosen; the footer says so).
    """
    from matplotlib import rc_context

    years = points["years"]
    series = points["series"]
    with rc_context(rc()):
        fig = new_figure(10, 5.8, footer_lines=3)
        ax = fig.subplots()
        for s in series:
            ax.plot(s["years"], s["lq"], marker="o", lw=1.8, ms=4, label=wrap(s["label"], 30))
        ax.axhline(1.0, color="#555555", lw=1, ls="--")
        ax.set_xticks(years, [str(y) for y in years])
        ax.set_xlabel(text("year_axis", lang))
        ax.set_ylabel(text("lq_time_axis", lang))
        ax.set_title(wrap(text("lq_time_title", lang, industry=industry_title), 80), fontsize=12, gid="title")
        legend = side_legend(ax)
        ax.grid(True, color="#eeeeee")
        note = text("lq_time_note", lang, n=len(series), year=points["last_year"]) if points["small_left_out"] else ""
        footer(fig, footer_lines(lang, source, years[0], years[-1], note))
        canvas = freeze_layout(fig, ax, legend)
        return save(fig, canvas, base)


SHIFT_COMPONENTS = ("national_share", "industry_mix", "regional_shift")


def draw_shift(points: dict, start, end, measure: str, unit: str, lang: str, base: Path,
               source: str | None = None) -> list[Path]:
    """Grouped horizontal bars of the shift-share components per region.

    ``points``: ``names`` (region names or codes, bottom to top), one list per component
    (:data:`SHIFT_COMPONENTS`), ``total`` (their sum, the change) and ``total_regions``
    (regions before the largest changes were kept).
    """
    from matplotlib import rc_context
    from matplotlib.ticker import FuncFormatter

    labels_ = [wrap(n, 34) for n in points["names"]]
    n = len(labels_)
    with rc_context(rc()):
        fig = new_figure(10, 2.2 + 0.38 * n, footer_lines=3)
        ax = fig.subplots()
        h = 0.26
        colors = {"national_share": "#95a5a6", "industry_mix": "#2980b9", "regional_shift": "#c0392b"}
        for k, c in enumerate(SHIFT_COMPONENTS):
            ys = [i + (k - 1) * h for i in range(n)]
            ax.barh(ys, points[c], height=h, color=colors[c], label=label(c, lang))
        ax.scatter(points["total"], list(range(n)), marker="|", s=180, color="black", zorder=3,
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
        note = text("shift_note", lang, n=n) if n < points["total_regions"] else ""
        footer(fig, footer_lines(lang, source, start, end, note))
        canvas = freeze_layout(fig, ax, legend, ytick_labels=labels_)
        return save(fig, canvas, base)


def draw_job(job: dict, charts_dir: Path) -> list[Path]:
    """Draw one job (see the module's docstring) into ``charts_dir``; return its files."""
    base = Path(charts_dir) / job["file"]
    lang, source, points = job["lang"], job.get("source"), job["points"]
    if job["kind"] == "bubble":
        return draw_bubble(points, job["title"], job["start"], job["end"], job["measure"], lang, base, source=source)
    if job["kind"] == "lq_time":
        return draw_lq_time(points, job["title"], lang, base, source=source)
    if job["kind"] == "shift":
        return draw_shift(points, job["start"], job["end"], job["measure"], job.get("unit") or "", lang, base,
                          source=source)
    raise ValueError(f"unknown kind of chart: {job['kind']!r}")


def draw_jobs(jobs: list[dict], charts_dir: Path, share: tuple[int, int] = (0, 1),
              quiet: bool | None = True) -> list[tuple[int, Path]]:
    """Draw share ``share`` = ``(k, n)`` of ``jobs`` (:func:`shares`; ``(0, 1)``: all of
    them) into ``charts_dir``; return each file with its job's position in ``jobs``."""
    from lqcalc.progress import progress

    k, n = share
    mine = [(i, job) for i, (job, owner) in enumerate(zip(jobs, shares([j["kind"] for j in jobs], n))) if owner == k]
    Path(charts_dir).mkdir(parents=True, exist_ok=True)
    written: list[tuple[int, Path]] = []
    for i, job in progress(mine, "charts", quiet=quiet):
        written += [(i, p) for p in draw_job(job, charts_dir)]
    return written
