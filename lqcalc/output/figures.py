"""Drawing the charts: fonts, figures, label placement, and saving them as PNG and SVG.

Every chart is laid out once (margins from the few texts whose size varies, above a strip
kept for the footer), its point labels are placed in that final layout, and it is rasterised once:
the PNG is encoded from the Agg buffer of that single draw, the SVG keeps its text as
``<text>`` elements (searchable, editable, and a third of the work of glyph outlines).
matplotlib is imported inside the functions (Agg canvas, no display, no pyplot). Chinese
text is set in Noto Sans SC (SIL Open Font License 1.1), shipped by the
``pylopdf-fonts-zh-cn`` package and registered with matplotlib's font manager once per
process; nothing is downloaded.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

LATIN_FONT = "DejaVu Sans"
FORMATS = ("png", "svg")
DPI = 120
#: Colours of the NESTA cluster classes (``class_nesta`` of ``clusters``), in legend order.
CLASS_COLOURS = {"both": "#c0392b", "high concentration": "#e67e22", "high growth": "#2980b9",
                 "neither": "#95a5a6"}

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
        family.append(font_manager.fontManager.ttflist[-1].name)
    else:  # fall back to whatever CJK font the system has
        installed = {f.name for f in font_manager.fontManager.ttflist}
        family += [n for n in ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei",
                               "Microsoft YaHei", "PingFang SC") if n in installed]
    _font_family = family
    return family


def rc() -> dict:
    """matplotlib settings of every chart."""
    return {
        "font.family": font_family(),
        "axes.unicode_minus": False,
        "svg.fonttype": "none",       # text stays text in the SVG
        "text.hinting": "no_hinting",
        "axes.titley": 1.0,           # the title's place fixed (no top ticks): not worked out again at each draw  # anti-aliased outlines as drawn; FreeType's auto-hinter costs a tenth of the drawing
        "svg.hashsalt": "lqcalc",     # identical SVG files for identical charts
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def wrap(text: object, width: int = 22) -> str:
    """``text`` broken into lines of about ``width`` characters (never cut short).

    Latin text breaks at spaces; text without spaces (Chinese) every ``width // 2``
    characters, a Chinese character being about two Latin ones wide.

    >>> wrap("Herefordshire, Worcestershire and Warwickshire")
    'Herefordshire,\\nWorcestershire and\\nWarwickshire'
    >>> wrap("内蒙古自治区呼和浩特市赛罕区", 12)
    '内蒙古自治区\\n呼和浩特市赛\\n罕区'
    >>> wrap("UKI3")
    'UKI3'
    """
    s = str(text)
    if len(s) <= width:
        return s
    if " " in s:
        return "\n".join(textwrap.wrap(s, width, break_long_words=False, break_on_hyphens=False))
    step = max(1, width // 2)
    return "\n".join(s[i:i + step] for i in range(0, len(s), step))


def new_figure(width: float, height: float, footer_lines: int = 1):
    """A figure with a strip at the bottom kept for ``footer_lines`` lines of footer."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI)
    fig._lqcalc_strip = (0.08 + 0.15 * footer_lines) / height
    return fig


def footer(fig, lines: list[str]) -> None:
    """The source, years and notes under the chart (in the strip :func:`new_figure` kept)."""
    lines = [s for s in lines if s]
    if lines:
        fig.text(0.012, 0.06 / fig.get_figheight(), "\n".join(lines), fontsize=7.5, color="#555555",
                 ha="left", va="bottom", linespacing=1.4, gid="footer")


def side_legend(ax, **kwargs):
    """A legend right of the axes (inside the figure: the layout makes room for it)."""
    legend = ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, title_fontsize=8, frameon=False,
                       alignment="left", **kwargs)
    legend.set_gid("legend")   # <g id="legend"> in the SVG
    return legend


def freeze_layout(fig, ax, legend=None, ytick_labels=()):
    """Place the axes so that their labels, the legend on the right and the footer fit in
    the figure; return the Agg canvas to draw on.

    The margins are computed from the few texts whose size varies (the legend, the title's
    lines, text tick labels) rather than by laying out every artist (matplotlib's tight and
    constrained layouts measure every tick label once or twice more than the draw does).
    Numeric tick labels and axis labels get fixed margins. Point labels are placed in this
    final layout (:func:`place_labels`) and drawing does not lay the figure out again.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    width, height = fig.get_size_inches()
    dpi = fig.dpi
    if ytick_labels:
        size = ax.yaxis.get_ticklabels()[0].get_fontsize() if ax.yaxis.get_ticklabels() else 8
        from matplotlib.font_manager import FontProperties

        prop = FontProperties(family=rc()["font.family"], size=size)
        widest = max(renderer.get_text_width_height_descent(t, prop, ismath=False)[0]
                     for line in ytick_labels for t in str(line).split("\n"))
        left = widest / dpi + 0.2 + (0.3 if ax.get_ylabel() else 0)
    else:
        left = 0.8
    right = 0.25 + (legend.get_window_extent(renderer).width / dpi + 0.15 if legend is not None else 0)
    top = 0.2 + 0.24 * (ax.get_title().count("\n") + 1)
    bottom = 0.65 + fig._lqcalc_strip * height
    fig.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height)
    _pin_axis_labels(ax, renderer)
    return canvas


def _pin_axis_labels(ax, renderer) -> None:
    """Fix the axis labels where matplotlib would put them (beside the tick labels and the
    spine, ``labelpad`` away), in axes coordinates, so that neither the Agg nor the SVG draw
    measures every tick label again to place them (a tenth of each draw). With the title's
    place fixed too (``axes.titley`` in :func:`rc`), drawing lays out nothing but the texts
    it draws."""
    from matplotlib.transforms import Bbox

    to_axes = ax.transAxes.inverted()
    px = ax.figure.dpi / 72
    for axis, spine in ((ax.xaxis, "bottom"), (ax.yaxis, "left")):
        if not axis.label.get_text() or axis.get_label_position() != spine:
            continue
        boxes = [t.get_window_extent(renderer) for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]
        edge = ax.spines[spine].get_window_extent(renderer) if spine in ax.spines else ax.get_window_extent(renderer)
        box = Bbox.union([*boxes, edge])
        if spine == "bottom":
            y = to_axes.transform((0, box.y0 - axis.labelpad * px))[1]
            axis.set_label_coords(0.5, y)
        else:
            x = to_axes.transform((box.x0 - axis.labelpad * px, 0))[0]
            axis.set_label_coords(x, 0.5)


_OFFSETS = ((1, 1, "left", "bottom"), (1, -1, "left", "top"), (-1, 1, "right", "bottom"),
            (-1, -1, "right", "top"), (0, 1, "center", "bottom"), (0, -1, "center", "top"))


def place_labels(fig, ax, points, max_labels: int, fixed=()) -> list:
    """Annotate up to ``max_labels`` of ``points`` (x, y, text, radius in points), in order,
    so that no two labels overlap and none leaves the axes.

    Each label is measured once and tried at six positions around its point, just outside
    the marker (``radius``); it is left out when every position overlaps a label already
    placed or one of the ``fixed`` texts. Needs the final layout (:func:`freeze_layout`).
    Returns the annotations placed.
    """
    from matplotlib.transforms import Bbox

    renderer = fig.canvas.get_renderer()
    taken = [t.get_window_extent(renderer).expanded(1.05, 1.1) for t in fixed]
    box_ax = ax.get_window_extent(renderer)
    px = fig.dpi / 72.0
    placed = []
    for x, y, label_text, radius in points:
        if len(placed) >= max_labels:
            break
        t = ax.annotate(label_text, (x, y), xytext=(0, 0), textcoords="offset points", ha="left", va="bottom",
                        fontsize=7.5, color="#222222", zorder=4, linespacing=1.0)
        t.set_in_layout(False)
        b = t.get_window_extent(renderer)
        w, h = b.width, b.height
        cx, cy = ax.transData.transform((x, y))
        gap = 0.75 * radius + 2
        for sx, sy, ha, va in _OFFSETS:
            dx, dy = sx * gap * (0.75 if sy else 1), sy * gap
            x0 = cx + dx * px - (w if ha == "right" else w / 2 if ha == "center" else 0)
            y0 = cy + dy * px - (h if va == "top" else 0)
            inside = x0 >= box_ax.x0 and x0 + w <= box_ax.x1 and y0 >= box_ax.y0 and y0 + h <= box_ax.y1
            if not inside:
                continue
            cand = Bbox.from_bounds(x0, y0, w, h)
            if not any(cand.overlaps(o) for o in taken):
                t.set_position((dx, dy))
                t.set_ha(ha)
                t.set_va(va)
                taken.append(cand.expanded(1.05, 1.15))
                placed.append(t)
                break
        else:
            t.remove()
    return placed


def save(fig, canvas, base: Path) -> list[Path]:
    """Write ``base``.png (from one Agg draw) and ``base``.svg; return both paths."""
    from PIL import Image

    canvas.draw()
    w, h = canvas.get_width_height()
    png = base.with_suffix(".png")
    image = Image.frombuffer("RGBA", (w, h), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
    image.save(png, format="png", compress_level=3, dpi=(DPI, DPI))
    svg = base.with_suffix(".svg")
    fig.savefig(svg, format="svg", metadata={"Date": None})
    return [png, svg]
