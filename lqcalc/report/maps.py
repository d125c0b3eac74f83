"""Choropleth maps as inline SVG: LQ, growth and cluster class of an industry by region.

The shapes of a region set (:mod:`lqcalc.geo.boundaries`) are written once per page as SVG
``<symbol>`` elements (:func:`shape_defs`); each map then draws every region with a
``<use>`` of its symbol, filled by class (:func:`choropleth`). A page with a dozen maps of
the 2,875 Chinese counties stays small, and nothing but the SVG itself is needed to draw it.

Classes are fixed, so that maps of several industries can be compared:

* LQ: below 0.5, 0.5-0.8, 0.8-1.25, 1.25-2, 2 and above (1.25 and 2 are the thresholds of
  the LQ-threshold cluster rule), on a blue-white-red scale centred on 1;
* growth over the period: below -10 %, -10 to -2 %, -2 to 2 %, 2 to 10 %, 10 % and above;
* cluster class (NESTA): high concentration and high growth, high concentration only, high
  growth only, neither.

>>> bins_of(1.3, LQ_BINS), bins_of(0.1, LQ_BINS), bins_of(None, LQ_BINS)
(3, 0, None)
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping

from lqcalc.geo import boundaries

WIDTH = 560
NO_DATA = "#e3e3e3"

LQ_BINS = (0.5, 0.8, 1.25, 2.0)
LQ_COLORS = ("#2166ac", "#92c5de", "#f7f7f7", "#f4a582", "#b2182b")
GROWTH_BINS = (-0.10, -0.02, 0.02, 0.10)
GROWTH_COLORS = ("#8c510a", "#d8b365", "#f5f5f5", "#5ab4ac", "#01665e")
VALUE_COLORS = ("#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d")
CLASSES = ("both", "high concentration", "high growth", "neither")
CLASS_COLORS = {"both": "#b2182b", "high concentration": "#ef8a62", "high growth": "#67a9cf", "neither": "#f7f7f7"}


def bins_of(value: float | None, bins: tuple[float, ...]) -> int | None:
    """Index of the class of ``value`` (None for a missing or non-finite value)."""
    if value is None or not math.isfinite(value):
        return None
    return sum(value >= b for b in bins)


def _ring(points: list, scale: float, x0: float, y1: float, closed: bool = True) -> str:
    out = []
    last = None
    for x, y in points:
        p = (round((x - x0) * scale, 1), round((y1 - y) * scale, 1))
        if p != last:
            out.append(f"{p[0]:g} {p[1]:g}")
            last = p
    if len(out) < (3 if closed else 2):
        return ""
    return "M" + "L".join(out) + ("Z" if closed else "")


#: version of :func:`draw`: a drawing stored for another version, width or boundary file is
#: not used
DRAWING = 1


def stored_name(scheme: str) -> str:
    """The file of ``lqcalc/geo/data`` that holds the drawing of ``scheme``
    (made by ``python -m lqcalc.report.maps lqcalc/geo/data/``)."""
    return f"{scheme}.svg.json.xz"


def draw(scheme: str) -> dict:
    """The shapes of ``scheme`` projected, fitted to :data:`WIDTH` pixels and written as SVG:
    ``height``, the region ``codes`` in drawing order, their ``names``, one ``<symbol>`` per
    region (``symbols``) and the path of the extra lines (``lines``, often empty)."""
    feats = boundaries.display_features(scheme)
    xs, ys = [], []
    for f in feats:
        for poly in _polys(f["geometry"]):
            for x, y in poly[0]:
                xs.append(x)
                ys.append(y)
    extra = boundaries.extra_lines(scheme)
    for line in extra:   # China's maritime line reaches south of the islands
        for x, y in line:
            xs.append(x)
            ys.append(y)
    x0, x1, y1 = min(xs), max(xs), max(ys)
    scale = WIDTH / (x1 - x0)

    def path(geom: dict) -> str:
        return "".join(_ring(r, scale, x0, y1) for poly in _polys(geom) for r in poly)

    codes = [f["properties"]["code"] for f in feats]
    return {"height": math.ceil((y1 - min(ys)) * scale), "codes": codes,
            "names": [f["properties"].get("name") or "" for f in feats],
            "symbols": "".join(f'<symbol id="shape-{html.escape(c)}" overflow="visible"><path d="{path(f["geometry"])}"/>'
                               "</symbol>" for c, f in zip(codes, feats)),
            "lines": "".join(_ring(line, scale, x0, y1, closed=False) for line in extra)}


def _stored(scheme: str) -> dict | None:
    d = boundaries.stored(stored_name(scheme))
    if d and d.get("drawing") == DRAWING and d.get("width") == WIDTH and d.get("source") == boundaries.source_digest(scheme):
        return d
    return None


class Frame:
    """The shapes of a scheme drawn for the maps (:func:`draw`): ``height``, ``codes``,
    ``names``, ``symbols`` and :meth:`lines`.

    Read from the scheme's stored drawing while it is that of the shipped boundary file,
    :data:`WIDTH` and :data:`DRAWING` (drawing the 3,231 U.S. counties took 0.5 s, reading
    them 0.01 s), else drawn; ``stored=False`` always draws.
    """

    def __init__(self, scheme: str, stored: bool = True):
        self.scheme = scheme
        d = (_stored(scheme) if stored else None) or draw(scheme)
        self.height = d["height"]
        self.codes = d["codes"]
        self.names = dict(zip(d["codes"], d["names"]))
        self.symbols = d["symbols"]
        self._lines = d["lines"]

    def lines(self) -> str:
        return self._lines


def _polys(geom: dict) -> list:
    return [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]


def shape_defs(frame: Frame) -> str:
    """The hidden SVG that defines one symbol per region (ids ``shape-<code>``)."""
    syms = frame.symbols
    extra = frame.lines()
    if extra:
        syms += f'<symbol id="extra-lines" overflow="visible"><path d="{extra}"/></symbol>'
    return f'<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>{syms}</defs></svg>'


def _fmt(v: object, kind: str) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    if kind == "growth":
        return f"{v * 100:+.1f}%"
    if kind == "lq":
        return f"{v:.2f}"
    if kind == "value" and isinstance(v, (int, float)):
        return _num(v)
    return str(v)


def quintiles(values: list[float]) -> tuple[float, ...]:
    """Class breaks of a map of plain values: the 20th, 40th, 60th and 80th percentiles.

    >>> quintiles([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0])
    (3.0, 5.0, 7.0, 9.0)
    """
    v = sorted(x for x in values if x is not None and math.isfinite(x))
    if not v:
        return ()
    return tuple(v[min(len(v) - 1, int(len(v) * q))] for q in (0.2, 0.4, 0.6, 0.8))


def _scale(kind: str, bins: tuple[float, ...] | None) -> tuple[tuple[float, ...], tuple[str, ...]]:
    if kind == "lq":
        return LQ_BINS, LQ_COLORS
    if kind == "growth":
        return GROWTH_BINS, GROWTH_COLORS
    return bins or (), VALUE_COLORS


def fill(value: object, kind: str, bins: tuple[float, ...] | None = None) -> str:
    """Colour of a value for a map of ``kind`` (``lq``, ``growth``, ``class``, or ``value``
    with the class breaks ``bins``).

    >>> fill(2.4, "lq"), fill(None, "growth"), fill("both", "class"), fill(5, "value", (1, 2, 3, 4))
    ('#b2182b', '#e3e3e3', '#b2182b', '#045a8d')
    """
    if kind == "class":
        return CLASS_COLORS.get(str(value), NO_DATA) if value is not None else NO_DATA
    scale, colors = _scale(kind, bins)
    i = bins_of(value, scale)  # type: ignore[arg-type]
    return NO_DATA if i is None or not scale and kind == "value" else colors[i]


def _num(b: float) -> str:
    return f"{b:,.0f}" if abs(b) >= 100 else f"{b:.3g}"


def legend(kind: str, labels: Mapping[str, str], no_data: str,
           bins: tuple[float, ...] | None = None) -> list[tuple[str, str]]:
    """``(colour, text)`` pairs of the legend of a map of ``kind``."""
    if kind == "class":
        items = [(CLASS_COLORS[c], labels.get(c, c)) for c in CLASSES]
    elif kind == "value" and not bins:
        items = []
    else:
        bins, colors = _scale(kind, bins)
        f = {"lq": lambda b: f"{b:g}", "growth": lambda b: f"{b * 100:+g}%"}.get(kind, _num)
        edges = [f(b) for b in bins]
        texts = [f"< {edges[0]}"] + [f"{a} – {b}" for a, b in zip(edges, edges[1:])] + [f"≥ {edges[-1]}"]
        items = list(zip(colors, texts))
    return items + [(NO_DATA, no_data)]


def choropleth(frame: Frame, values: Mapping[str, object], kind: str, title: str,
               names: Mapping[str, str] | None = None, bins: tuple[float, ...] | None = None) -> str:
    """One map: every region of ``frame`` filled by its value in ``values`` (shape code ->
    value; regions without a value are grey), with a tooltip of name and value."""
    names = names or {}
    uses = []
    for code in frame.codes:
        v = values.get(code)
        name = names.get(code) or frame.names.get(code, "")
        tip = html.escape(f"{name} ({code}): {_fmt(v, kind)}")
        uses.append(f'<use href="#shape-{html.escape(code)}" data-code="{html.escape(code)}" '
                    f'fill="{fill(v, kind, bins)}"><title>{tip}</title></use>')
    lines = '<use href="#extra-lines" class="extra" fill="none"/>' if frame.lines() else ""
    return (f'<svg class="map" viewBox="0 0 {WIDTH} {frame.height}" role="img" aria-label="{html.escape(title)}" '
            f'data-kind="{kind}"><g class="regions">{"".join(uses)}</g>{lines}</svg>')


def write_derived(dest) -> None:
    """Write ``codes.json.xz`` and the drawings ``SCHEME.svg.json.xz`` made from the boundary
    files of the package into ``dest`` (``python -m lqcalc.report.maps lqcalc/geo/data/``)."""
    import json
    import lzma
    from pathlib import Path

    def write(obj: dict, name: str) -> None:
        raw = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        (Path(dest) / name).write_bytes(lzma.compress(raw, preset=9 | lzma.PRESET_EXTREME))

    write({s: {"source": boundaries.source_digest(s), "codes": sorted(boundaries.topology_codes(s))}
           for s in boundaries.SCHEMES}, boundaries.INDEX)
    for scheme in boundaries.SCHEMES:
        write({"source": boundaries.source_digest(scheme), "width": WIDTH, "drawing": DRAWING, **draw(scheme)},
              stored_name(scheme))


if __name__ == "__main__":  # pragma: no cover
    import sys

    write_derived(sys.argv[1])
