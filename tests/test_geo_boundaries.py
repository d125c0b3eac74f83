"""The shipped boundaries: valid polygons, neighbours that touch, codes that join the data."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from lqcalc.geo import boundaries
from lqcalc.geo.boundaries import SCHEMES, detect_scheme, display_features, features, join, shape_code

shapely = pytest.importorskip("shapely")
from shapely.geometry import shape  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
DATA = Path(boundaries.__file__).parent / "data"


def _shapes(scheme):
    return {f["properties"]["code"]: shape(f["geometry"]) for f in features(scheme)}


def _vertices(geom) -> set[tuple[float, float]]:
    return set(map(tuple, shapely.get_coordinates(geom).tolist()))


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_every_region_is_a_valid_polygon_with_a_string_code(scheme):
    feats = features(scheme)
    codes = [f["properties"]["code"] for f in feats]
    assert len(codes) == len(set(codes)) > 30
    assert all(isinstance(c, str) and c for c in codes)
    for f in feats:
        g = shape(f["geometry"])
        assert f["type"] == "Feature" and g.geom_type in ("Polygon", "MultiPolygon")
        assert g.is_valid and g.area > 0, f["properties"]
    lon, lat = zip(*(c for f in feats for c in _vertices(shape(f["geometry"]))))
    assert -180 <= min(lon) and max(lon) <= 180 and -90 <= min(lat) and max(lat) <= 90


def test_chinese_provinces_are_the_34_provincial_units_of_gb2260():
    table = Path(boundaries.__file__).parents[1] / "reference" / "gb2260_divisions.csv"
    provinces = {r["code"] for r in csv.DictReader(table.open(encoding="utf-8")) if r["level"] == "province"}
    assert set(_shapes("cn-province")) == provinces
    assert len(provinces) == 34


# (scheme, region, neighbours it must touch, regions it must not touch)
NEIGHBOURS = [
    ("cn-province", "440000", ["450000", "430000", "360000", "350000"], ["460000", "110000"]),  # 广东
    ("cn-province", "110000", ["130000", "120000"], ["370000"]),                                # 北京
    ("cn-prefecture", "440300", ["441300", "441900"], ["440100", "440500"]),  # 深圳: 惠州, 东莞; not 广州, 汕头
    ("us-state", "06", ["41", "32", "04"], ["49", "15", "02"]),          # California
    ("us-state", "15", [], ["06", "02"]),                                # Hawaii: an island state
    ("uk-nuts2-2013", "UKI3", ["UKI4", "UKI7", "UKI6"], ["UKM2"]),      # Inner London - West
    ("uk-nuts2-2013", "UKK3", ["UKK4"], ["UKK1"]),                       # Cornwall touches Devon only
]


@pytest.mark.parametrize("scheme,code,touching,apart", NEIGHBOURS)
def test_neighbours_touch_and_share_border_vertices(scheme, code, touching, apart):
    g = _shapes(scheme)
    me = g[code]
    for other in touching:
        assert me.intersects(g[other]), (code, other)
        # queen contiguity (libpysal) looks for shared vertices: the TopoJSON arcs give them
        assert len(_vertices(me) & _vertices(g[other])) >= 2, (code, other)
        # a border, not an overlap
        assert me.intersection(g[other]).area < 1e-4 * min(me.area, g[other].area)
    for other in apart:
        assert not me.intersects(g[other]), (code, other)


def test_shenzhen_neighbours_exactly_dongguan_and_huizhou():
    g = _shapes("cn-prefecture")
    touching = {c for c, other in g.items() if c != "440300" and other.intersects(g["440300"])}
    assert {"441900", "441300"} <= touching          # 东莞, 惠州
    assert touching <= {"441900", "441300", "810000"}  # and Hong Kong across the Shenzhen River


def test_prefecture_municipalities_use_the_province_code():
    codes = boundaries.codes("cn-prefecture")
    assert {"110000", "120000", "310000", "500000"} <= codes
    assert not {"110100", "120100", "310100"} & codes


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_stored_code_lists_and_drawings_are_those_of_the_shipped_files(scheme):
    """``python -m lqcalc.report.maps lqcalc/geo/data/`` was run after the last
    change of a boundary file or of the drawing code: the stored files are used."""
    from lqcalc.report import maps

    entry = boundaries._index()[scheme]
    assert entry["source"] == boundaries.source_digest(scheme)
    assert boundaries.codes(scheme) == boundaries.topology_codes(scheme) == frozenset(entry["codes"])
    stored = maps._stored(scheme)
    assert stored is not None
    drawn = maps.draw(scheme)
    assert {k: stored[k] for k in drawn} == drawn
    frame, fresh = maps.Frame(scheme), maps.Frame(scheme, stored=False)
    assert maps.shape_defs(frame) == maps.shape_defs(fresh) and vars(frame) == vars(fresh)


def test_display_features_keep_the_codes():
    for scheme in ("cn-province", "uk-nuts2-2013", "us-state"):
        drawn = {f["properties"]["code"] for f in display_features(scheme)}
        assert drawn <= boundaries.codes(scheme)
    # the U.S. map shows the 50 states and DC (the territories have no place on it)
    assert len({f["properties"]["code"] for f in display_features("us-state")}) == 51


def test_display_features_have_north_up():
    """y grows northwards in every drawn scheme (the U.S. source is in screen coordinates)."""
    for scheme, north, south in (("us-state", "53", "12"), ("cn-province", "230000", "460000"),
                                 ("uk-nuts2-2013", "UKM6", "UKK3")):
        g = {f["properties"]["code"]: shape(f["geometry"]) for f in display_features(scheme)}
        assert g[north].centroid.y > g[south].centroid.y, scheme


def test_china_has_the_maritime_line():
    lines = boundaries.extra_lines("cn-province")
    assert len(lines) >= 10 and all(len(line) >= 2 for line in lines)


def test_bls_area_codes_map_to_fips_by_rule():
    rows = list(csv.DictReader((FIXTURES / "oews" / "oews_2025_six_areas.csv").open(encoding="utf-8")))
    areas = {r["area_code"]: r["area_name"] for r in rows}
    matched, missing = join(areas, "us-state")
    assert missing == ["0000000"]              # the nation: the reference, no shape
    names = {f["properties"]["code"]: f["properties"]["name"] for f in features("us-state")}
    for area, fips in matched.items():          # joined by code; the names agree
        assert fips == area[:2] and names[fips] == areas[area]
    assert detect_scheme(areas) == "us-state"
    qcew = {r["area_fips"] for r in csv.DictReader((FIXTURES / "metrics" / "qcew_states_sectors_slice.csv").open())}
    assert detect_scheme(qcew) == "us-state"
    assert shape_code("01000", "us-state") == "01" and shape_code("01001", "us-county") == "01001"


def test_detect_scheme_picks_the_region_set_and_edition():
    demo = Path(boundaries.__file__).parents[1].parent / "data/samples/uk-bres/bres_nuts2_segments_2015_2018.csv"
    codes = {r["region"] for r in csv.DictReader(demo.open(encoding="utf-8"))}
    assert len(codes) == 39 and detect_scheme(codes) == "uk-nuts2-2013"
    assert join(codes, "uk-nuts2-2013")[1] == []
    assert detect_scheme(["UKM7", "UKM8", "UKI3"]) in ("uk-nuts2-2016", "uk-nuts2-2021")
    assert detect_scheme(["440300", "440100", "440600"]) == "cn-prefecture"
    assert detect_scheme(["440304", "440305", "110105"]) == "cn-county"
    assert detect_scheme(["北京市", "广东省"]) is None     # names never join


def test_regions_without_shape_are_listed():
    matched, missing = join(["110000", "999999", "431181", "110000"], "cn-province")
    assert matched == {"110000": "110000"} and missing == ["999999", "431181"]


def test_shipped_boundary_files_are_small():
    size = sum(p.stat().st_size for p in DATA.glob("*.gz"))
    assert size < 2_000_000
    assert (DATA / "PROVENANCE.md").is_file() and len(list(DATA.glob("LICENSE_*"))) == 3


def test_a_drawing_stored_by_other_drawing_code_is_not_used(monkeypatch):
    from lqcalc.report import maps

    monkeypatch.setattr(maps, "DRAWING", maps.DRAWING + 1)
    assert maps._stored("uk-nuts2-2013") is None
    assert maps.Frame("uk-nuts2-2013").codes == maps.draw("uk-nuts2-2013")["codes"]
