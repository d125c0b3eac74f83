"""Spatial weights (who neighbours whom) for the spatial statistics of the clusters table.

Three sources, all returning a :class:`Weights` keyed by region code (a string):

* :func:`queen` -- queen contiguity of boundary polygons (GeoJSON features with
  ``properties["code"]``, as :mod:`lqcalc.geo.boundaries` gives them): two regions are
  neighbours when their boundaries share at least one point;
* :func:`knn` -- the *k* nearest regions by great-circle distance between centroids
  (coordinates are longitude / latitude);
* :func:`read_weights` -- a file: GeoDa ``.gal`` / ``.gwt`` or a CSV of neighbour pairs
  (``region,neighbor[,weight]``).

Regions without a neighbour (islands: Hainan or Taiwan under queen contiguity) are listed in
:attr:`Weights.islands`; ``islands="knn"`` gives each its nearest region as neighbour instead
(libpysal's ``attach_islands``). The weights are libpysal ``W`` objects; libpysal and shapely
are imported only when a function here runs (the ``spatial`` extra).
"""

from __future__ import annotations

import contextlib
import csv
import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from lqcalc.errors import DataError, Problem, UsageError

EXTRA_HINT = "install the spatial extra: pip install 'lqcalc[spatial]' (libpysal, esda, shapely)"


@dataclass
class Weights:
    """A libpysal ``W`` over region codes, with its islands and how it was made."""

    w: Any
    source: str
    islands: list[str] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)   # islands given their nearest region

    @property
    def ids(self) -> list[str]:
        return [str(i) for i in self.w.id_order]

    def describe(self) -> str:
        """One line for logs and the output: source, regions, islands.

        >>> Weights(w=type("W", (), {"n": 3, "id_order": ["a", "b", "c"]})(), source="queen contiguity",
        ...         islands=["c"]).describe()
        'queen contiguity: 3 regions, 1 without neighbours (c)'
        """
        text = f"{self.source}: {self.w.n} regions"
        if self.islands:
            text += f", {len(self.islands)} without neighbours ({_shown(self.islands)})"
        if self.linked:
            text += f", {len(self.linked)} linked to their nearest region ({_shown(self.linked)})"
        return text


def _shown(codes: list[str]) -> str:
    return ", ".join(codes[:10]) + (" ..." if len(codes) > 10 else "")


def _libpysal():
    try:
        import libpysal.weights as lw
    except ImportError as exc:   # pragma: no cover - depends on the installation
        raise UsageError("spatial weights need libpysal", hint=EXTRA_HINT) from exc
    return lw


def _quiet(fn, *args, **kwargs):
    # libpysal warns (and prints) about islands and disconnected components: Weights reports them
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore", UserWarning)
        return fn(*args, **kwargs)


def _row_standardised(w):
    _quiet(setattr, w, "transform", "r")
    return w


def _shapes(features: Iterable[dict], codes: Iterable[str] | None) -> tuple[list[str], list[Any]]:
    from shapely.geometry import shape

    wanted = None if codes is None else {str(c) for c in codes}
    ids, shapes = [], []
    for f in features:
        code = str(f["properties"]["code"])
        if (wanted is None or code in wanted) and f.get("geometry"):
            ids.append(code)
            shapes.append(shape(f["geometry"]))
    if len(set(ids)) != len(ids):
        dup = sorted({c for c in ids if ids.count(c) > 1})
        raise DataError("boundary codes are not unique", [Problem("duplicate_boundary", f"code {c!r} appears twice",
                                                                  value=c) for c in dup[:20]])
    return ids, shapes


def _finish(w, source: str, islands: str, features: list[dict] | None = None, shapes=None, ids=None) -> Weights:
    lw = _libpysal()
    w = _row_standardised(w)
    if islands not in ("keep", "knn"):
        raise UsageError(f"unknown islands setting {islands!r}", hint="use 'keep' or 'knn'")
    isl = [str(i) for i in w.islands]
    linked: list[str] = []
    if isl and islands == "knn" and shapes is not None and len(ids) > 1:
        nearest = _knn_w(ids, shapes, 1)
        w = _quiet(lw.attach_islands, w, nearest)
        w = _row_standardised(_quiet(lw.W, {str(k): [str(n) for n in v] for k, v in w.neighbors.items()},
                                     id_order=[str(i) for i in ids]))
        linked, isl = isl, [str(i) for i in w.islands]
    return Weights(w=w, source=source, islands=isl, linked=linked)


def queen(features: Iterable[dict], codes: Iterable[str] | None = None, islands: str = "keep") -> Weights:
    """Queen contiguity of the boundary polygons of ``features`` (only ``codes`` when given).

    ``islands="keep"`` leaves regions without a neighbour as islands (reported);
    ``"knn"`` links each to its nearest region.

    >>> sq = lambda c, x, y: {"type": "Feature", "properties": {"code": c}, "geometry": {"type": "Polygon",
    ...     "coordinates": [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]]}}
    >>> wt = queen([sq("A", 0, 0), sq("B", 1, 0), sq("C", 1, 1), sq("D", 5, 5)])
    >>> sorted(wt.w.neighbors["A"]), wt.islands
    (['B', 'C'], ['D'])
    >>> sorted(queen([sq("A", 0, 0), sq("B", 1, 0), sq("D", 5, 5)], islands="knn").w.neighbors["D"])
    ['B']
    """
    lw = _libpysal()
    ids, shapes = _shapes(features, codes)
    if not ids:
        raise UsageError("no boundary matches the regions of the data")
    w = _quiet(lw.Queen.from_iterable, shapes, ids=ids)
    return _finish(w, "queen contiguity", islands, shapes=shapes, ids=ids)


def _centroids(shapes) -> list[tuple[float, float]]:
    # the centroid, or a point inside the shape when the centroid falls outside (a crescent)
    pts = [s.centroid if s.centroid.within(s) else s.representative_point() for s in shapes]
    return [(p.x, p.y) for p in pts]


def _knn_w(ids: list[str], shapes, k: int):
    import numpy as np

    lw = _libpysal()
    pts = np.array(_centroids(shapes))
    w = _quiet(lw.KNN.from_array, pts, k=k, ids=ids, distance_metric="arc", radius=6371.0)
    return _quiet(lw.W, {str(a): [str(b) for b in nb] for a, nb in w.neighbors.items()}, id_order=list(ids))


def knn(features: Iterable[dict], k: int = 4, codes: Iterable[str] | None = None) -> Weights:
    """The ``k`` nearest regions (great-circle distance between centroids, lon/lat).

    Not symmetric: B may be among A's nearest without A among B's.

    >>> sq = lambda c, x, y: {"type": "Feature", "properties": {"code": c}, "geometry": {"type": "Polygon",
    ...     "coordinates": [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]]}}
    >>> wt = knn([sq("A", 0, 0), sq("B", 1, 0), sq("C", 3, 0)], k=1)
    >>> {c: list(n) for c, n in wt.w.neighbors.items()}
    {'A': ['B'], 'B': ['A'], 'C': ['B']}
    """
    if not isinstance(k, int) or k < 1:
        raise UsageError(f"k must be a positive integer, not {k!r}")
    ids, shapes = _shapes(features, codes)
    if len(ids) <= k:
        raise UsageError(f"k = {k} needs more than {k} regions with boundaries, found {len(ids)}")
    w = _knn_w(ids, shapes, k)
    return _finish(w, f"{k} nearest neighbours", "keep")


def read_weights(path: str | Path) -> Weights:
    """Weights from a file: GeoDa ``.gal`` or ``.gwt``, or a CSV of neighbour pairs.

    The CSV has a header with ``region`` and ``neighbor`` (or ``neighbour``) and optionally
    ``weight``; each row links ``region`` to ``neighbor`` (write both directions for a
    symmetric relation). Codes stay strings (``06037``). A region listed only as a neighbour
    becomes an island unless it has its own rows.
    """
    lw = _libpysal()
    p = Path(path)
    if not p.exists():
        raise UsageError(f"weights file not found: {p}")
    suffix = p.suffix.lower()
    if suffix in (".gal", ".gwt"):
        import libpysal

        f = libpysal.io.open(str(p))
        if suffix == ".gal":
            f.data_type = str
        try:
            w = _quiet(f.read)
        except Exception as exc:
            raise DataError(f"cannot read weights file {p}", [Problem("weights_file", str(exc), file=str(p))]) from exc
        finally:
            f.close()
        neighbors = {str(k): [str(n) for n in v] for k, v in w.neighbors.items()}
        weights = {str(k): list(map(float, v)) for k, v in w.weights.items()}
        return _finish(_quiet(lw.W, neighbors, weights, id_order=sorted(neighbors)), f"weights file {p.name}", "keep")
    if suffix != ".csv":
        raise UsageError(f"unknown weights file type {p.suffix!r}", hint="use .gal, .gwt or .csv (region,neighbor[,weight])")
    neighbors: dict[str, list[str]] = {}
    weights: dict[str, list[float]] = {}
    with p.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        cols = {c.strip().lower(): c for c in reader.fieldnames or []}
        nb_col = cols.get("neighbor") or cols.get("neighbour")
        if "region" not in cols or nb_col is None:
            raise DataError(f"weights file {p} needs the columns region and neighbor",
                            [Problem("weights_columns", "missing column region or neighbor", file=str(p), line=1,
                                     value=",".join(reader.fieldnames or []))])
        for line, row in enumerate(reader, start=2):
            a, b = (row[cols["region"]] or "").strip(), (row[nb_col] or "").strip()
            if not a or not b:
                raise DataError(f"weights file {p}: empty code", [Problem("weights_pair", "region or neighbor is empty",
                                                                          file=str(p), line=line)])
            wt = 1.0
            if "weight" in cols and (row[cols["weight"]] or "").strip():
                try:
                    wt = float(row[cols["weight"]])
                except ValueError:
                    raise DataError(f"weights file {p}: weight is not a number",
                                    [Problem("weights_value", "weight is not a number", file=str(p), line=line,
                                             column="weight", value=row[cols["weight"]])]) from None
            if a == b:
                continue
            neighbors.setdefault(a, []).append(b)
            weights.setdefault(a, []).append(wt)
            neighbors.setdefault(b, [])
            weights.setdefault(b, [])
    if not neighbors:
        raise DataError(f"weights file {p} has no pairs", [Problem("weights_pair", "no neighbour pairs", file=str(p))])
    w = _quiet(lw.W, neighbors, weights, id_order=sorted(neighbors))
    return _finish(w, f"weights file {p.name}", "keep")


def subset(weights: Weights, codes: Iterable[str]) -> Weights:
    """The weights among ``codes`` only (regions with a value), row-standardised again.

    A region whose neighbours all lack a value becomes an island of the subset.
    """
    lw = _libpysal()
    keep = [c for c in weights.ids if c in set(codes)]
    w = _quiet(lw.w_subset, weights.w, keep)
    w = _quiet(lw.W, {str(k): [str(n) for n in v] for k, v in w.neighbors.items()},
               {str(k): list(v) for k, v in w.weights.items()}, id_order=keep)
    w = _row_standardised(w)
    return Weights(w=w, source=weights.source, islands=[str(i) for i in w.islands],
                   linked=[c for c in weights.linked if c in set(keep)])
