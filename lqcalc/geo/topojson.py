"""Decode TopoJSON (the compact, shared-border form the boundaries are shipped in) to GeoJSON.

A TopoJSON topology stores each border once, as an *arc*; a polygon ring is a list of arc
indexes (``~i``, i.e. ``-i - 1``, is arc ``i`` reversed). Neighbouring regions therefore get
exactly the same vertices along their common border, which contiguity (queen / rook) needs.
Only what the shipped files use is supported: quantized or plain arcs, Polygon and
MultiPolygon (and LineString / MultiLineString) geometries.

>>> topo = {"type": "Topology", "transform": {"scale": [1, 1], "translate": [0, 0]},
...         "arcs": [[[0, 0], [1, 0], [0, 1], [-1, 0], [0, -1]]],
...         "objects": {"r": {"type": "GeometryCollection", "geometries": [
...             {"type": "Polygon", "arcs": [[0]], "id": "A", "properties": {"name": "a"}}]}}}
>>> decode(topo, "r")[0]["geometry"]["coordinates"]
[[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]
"""

from __future__ import annotations


def _arcs(topo: dict) -> list[list[list[float]]]:
    t = topo.get("transform")
    if not t:
        return topo["arcs"]
    (kx, ky), (dx, dy) = t["scale"], t["translate"]
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for p in arc:
            x += p[0]
            y += p[1]
            pts.append([_num(x * kx + dx), _num(y * ky + dy)])
        out.append(pts)
    return out


def _num(v: float) -> float:
    r = round(v, 6)
    return int(r) if r == int(r) else r


def _line(arcs: list, idx: list[int]) -> list[list[float]]:
    pts: list[list[float]] = []
    for i in idx:
        a = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(a if not pts else a[1:])
    return pts


def _geometry(g: dict, arcs: list) -> dict | None:
    kind = g.get("type")
    if kind == "Polygon":
        return {"type": kind, "coordinates": [_line(arcs, r) for r in g["arcs"]]}
    if kind == "MultiPolygon":
        return {"type": kind, "coordinates": [[_line(arcs, r) for r in poly] for poly in g["arcs"]]}
    if kind == "LineString":
        return {"type": kind, "coordinates": _line(arcs, g["arcs"])}
    if kind == "MultiLineString":
        return {"type": kind, "coordinates": [_line(arcs, r) for r in g["arcs"]]}
    return None


def decode(topo: dict, name: str) -> list[dict]:
    """The geometries of object ``name`` of ``topo`` as GeoJSON Feature dicts.

    Each feature keeps the geometry's ``id`` and ``properties``; null geometries are skipped.
    """
    arcs = _arcs(topo)
    obj = topo["objects"][name]
    geoms = obj["geometries"] if obj.get("type") == "GeometryCollection" else [obj]
    out = []
    for g in geoms:
        geom = _geometry(g, arcs)
        if geom is None:
            continue
        feat = {"type": "Feature", "properties": dict(g.get("properties") or {}), "geometry": geom}
        if "id" in g:
            feat["id"] = g["id"]
        out.append(feat)
    return out
