"""Spatial weights and Moran statistics against esda, libpysal and hand computation.

The weights come from small hand-made GeoJSON squares (a 4 x 4 grid, an island) and from a
CSV of the UK NUTS2 2013 queen neighbours (tests/fixtures/complexity/PROVENANCE.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

esda = pytest.importorskip("esda")
libpysal = pytest.importorskip("libpysal")

from lqcalc.errors import DataError, UsageError  # noqa: E402
from lqcalc.geo import weights as gw  # noqa: E402
from lqcalc.metrics import spatial as sp  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "complexity"


def square(code: str, x: float, y: float, size: float = 1.0) -> dict:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Feature", "properties": {"code": code}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def grid(n: int = 4) -> list[dict]:
    """n x n unit squares, codes ``r{row}c{col}`` (row-major as libpysal's lat2W)."""
    return [square(f"r{i}c{j}", j, -i) for i in range(n) for j in range(n)]


def test_queen_of_squares_is_libpysal_lattice():
    wt = gw.queen(grid(4))
    ref = libpysal.weights.lat2W(4, 4, rook=False)
    ids = wt.ids
    assert ids == [f"r{i}c{j}" for i in range(4) for j in range(4)]
    for k, code in enumerate(ids):
        assert sorted(wt.w.neighbors[code]) == sorted(ids[j] for j in ref.neighbors[k])
    assert wt.islands == [] and wt.w.transform == "R"
    # a corner touches 3 squares (two by an edge, one by a corner), the centre 8
    assert len(wt.w.neighbors["r0c0"]) == 3 and len(wt.w.neighbors["r1c1"]) == 8


def test_islands_are_reported_or_linked_to_the_nearest_region():
    feats = grid(2) + [square("HAINAN", 0.2, -4)]
    wt = gw.queen(feats)
    assert wt.islands == ["HAINAN"] and "1 without neighbours (HAINAN)" in wt.describe()
    linked = gw.queen(feats, islands="knn")
    assert linked.islands == [] and linked.w.neighbors["HAINAN"] == ["r1c0"] and linked.linked == ["HAINAN"]
    assert "1 linked to their nearest region (HAINAN)" in linked.describe()
    assert "HAINAN" in linked.w.neighbors["r1c0"]        # the link goes both ways
    with pytest.raises(UsageError):
        gw.queen(feats, islands="drop")


def test_knn_and_codes_subset():
    wt = gw.knn(grid(3), k=2)
    assert all(len(v) == 2 for v in wt.w.neighbors.values())
    assert set(wt.w.neighbors["r0c0"]) == {"r0c1", "r1c0"}
    only = gw.queen(grid(3), codes=["r0c0", "r0c1", "r2c2"])
    assert only.ids == ["r0c0", "r0c1", "r2c2"] and only.islands == ["r2c2"]
    with pytest.raises(UsageError):
        gw.knn(grid(2), k=4)


def test_weights_files(tmp_path):
    csv = tmp_path / "w.csv"
    csv.write_text("region,neighbor\n06037,06059\n06059,06037\n06059,06111\n06111,06059\n06001,06037\n")
    wt = gw.read_weights(csv)
    assert wt.ids == ["06001", "06037", "06059", "06111"]          # codes stay strings
    assert wt.w.neighbors["06059"] == ["06037", "06111"] and wt.w.neighbors["06001"] == ["06037"]
    gal = tmp_path / "w.gal"
    gal.write_text("3\n06037 1\n06059\n06059 2\n06037 06111\n06111 1\n06059\n")
    assert gw.read_weights(gal).w.neighbors["06059"] == ["06037", "06111"]
    gwt = tmp_path / "w.gwt"
    gwt.write_text("0 3 shp CODE\n06037 06059 1.0\n06059 06037 1\n06059 06111 3\n06111 06059 3\n")
    wt = gw.read_weights(gwt)
    assert wt.w.weights["06059"] == pytest.approx([0.25, 0.75])    # row-standardised
    bad = tmp_path / "bad.csv"
    bad.write_text("region,neighbor,weight\nA,B,x\n")
    with pytest.raises(DataError) as err:
        gw.read_weights(bad)
    assert err.value.problems[0].line == 2 and err.value.problems[0].value == "x"
    with pytest.raises(UsageError):
        gw.read_weights(tmp_path / "w.shp")


def hand_moran(y: np.ndarray, neighbors: list[list[int]]) -> float:
    z = y - y.mean()
    n = len(y)
    num = sum(z[i] * z[j] / len(nb) for i, nb in enumerate(neighbors) for j in nb)
    s0 = sum(1 for nb in neighbors if nb)       # row-standardised: each row with neighbours sums to 1
    return n / s0 * num / (z @ z)


def test_global_moran_is_esda_and_the_formula():
    wt = gw.queen(grid(4))
    y = np.array([9, 8, 2, 1, 8, 7, 2, 1, 3, 2, 1, 0, 2, 1, 0, 0], dtype=float)   # high in the north-west
    g = sp.global_moran(y, wt.w, permutations=999, seed=7)
    nb = [[wt.ids.index(c) for c in wt.w.neighbors[code]] for code in wt.ids]
    assert g.moran_i == pytest.approx(hand_moran(y, nb), abs=1e-12)
    np.random.seed(7)
    ref = esda.Moran(y, libpysal.weights.lat2W(4, 4, rook=False), permutations=999)
    assert g.moran_i == pytest.approx(ref.I, abs=1e-12) and g.expected_i == pytest.approx(-1 / 15)
    assert g.p_sim == pytest.approx(ref.p_sim) and g.p_sim < 0.01
    # seeded: the same p-value again, whatever the global generator did in between
    np.random.seed(1)
    assert sp.global_moran(y, wt.w, permutations=999, seed=7).p_sim == g.p_sim
    flat = sp.global_moran(np.ones(16), wt.w)
    assert flat.moran_i is None and flat.reason == "moran: the values are all equal"


def test_local_moran_classes_are_esda_quadrants():
    wt = gw.queen(grid(4) + [square("ISLAND", 10, 10)])
    cells = [f"r{i}c{j}" for i in range(4) for j in range(4)]
    values = dict(zip(cells, [9, 8, 2, 1, 8, 7, 2, 1, 3, 2, 1, 0, 2, 1, 0, 0])) | {"ISLAND": 5}
    y = np.array([values[c] for c in wt.ids], dtype=float)      # in the order of the weights
    out = sp.local_moran(y, wt.w, permutations=999, seed=11, alpha=0.05)
    assert out["region"].to_list() == wt.ids
    ref = esda.Moran_Local(y, wt.w, transformation="r", permutations=999, seed=11)
    got = {row["region"]: row for row in out.to_dicts()}
    for k, code in enumerate(wt.ids):
        row = got[code]
        if code == "ISLAND":      # no neighbour: no statistic, no class
            assert row["class_spatial"] is None and row["lisa_i"] is None and row["lisa_p"] is None
            continue
        assert row["lisa_i"] == pytest.approx(ref.Is[k], abs=1e-12)
        assert row["lisa_p"] == pytest.approx(ref.p_sim[k])
        assert row["lisa_quadrant"] == sp.QUADRANTS[int(ref.q[k])]
        assert row["class_spatial"] == (row["lisa_quadrant"] if ref.p_sim[k] <= 0.05 else sp.NOT_SIGNIFICANT)
    # the hot spot of the north-west corner, the cold south-east
    assert got["r0c0"]["class_spatial"] == "high-high" and got["r3c3"]["lisa_quadrant"] == "low-low"
    # I_i by hand: z_i / m2 * (mean of the neighbours' z), m2 = sum of z^2 / (n - 1), n = 17
    z = {c: v - y.mean() for c, v in values.items()}
    m2 = sum(v * v for v in z.values()) / (len(y) - 1)
    nb = ["r0c0", "r0c1", "r0c2", "r1c0", "r1c2", "r2c0", "r2c1", "r2c2"]
    assert got["r1c1"]["lisa_i"] == pytest.approx(z["r1c1"] / m2 * np.mean([z[c] for c in nb]), abs=1e-12)
    assert sp.local_moran(y, wt.w, permutations=999, seed=11).equals(out)      # seeded


def test_subset_drops_regions_without_a_value():
    wt = gw.queen(grid(3))
    sub = gw.subset(wt, ["r0c0", "r0c1", "r2c2"])
    assert sub.ids == ["r0c0", "r0c1", "r2c2"] and sub.islands == ["r2c2"]
    assert sub.w.weights["r0c0"] == [1.0]


def test_uk_nuts2_lq_moran_against_esda():
    """Moran's I of the 2018 LQ of two BRES segments over the NUTS2 2013 queen neighbours."""
    from lqcalc.metrics.lq import lq

    wt = gw.read_weights(FIXTURES / "uk_nuts2_2013_queen.csv")
    d = pl.read_csv(Path(__file__).resolve().parents[1] / "data" / "samples" / "uk-bres" /
                    "bres_nuts2_segments_2015_2018.csv").filter(pl.col("year") == 2018)
    d = d.with_columns(lq("employment", pl.col("employment").sum().over("region"),
                          pl.col("employment").sum().over("industry"), pl.col("employment").sum()).alias("lq"))
    assert set(wt.ids) == set(d["region"].unique())
    for seg in ("services_computing", "manufacture_aerospace"):
        y = d.filter(pl.col("industry") == seg).sort("region")
        values = dict(zip(y["region"], y["lq"]))
        arr = np.array([values[c] for c in wt.ids])
        g = sp.global_moran(arr, wt.w, permutations=999, seed=3)
        np.random.seed(3)
        ref = esda.Moran(arr, wt.w, permutations=999)
        assert g.moran_i == pytest.approx(ref.I, abs=1e-12) and g.p_sim == pytest.approx(ref.p_sim)
        nb = [[wt.ids.index(c) for c in wt.w.neighbors[code]] for code in wt.ids]
        assert g.moran_i == pytest.approx(hand_moran(arr, nb), abs=1e-12)
        if seg == "services_computing":     # the computing services of the South East cluster
            assert g.moran_i == pytest.approx(0.394325232703, abs=1e-9) and g.p_sim < 0.01


def test_weights_from_the_boundaries_of_the_maps(monkeypatch):
    """The boundary path of the spatial rule, with a stand-in of :mod:`lqcalc.geo.boundaries`
    (``detect_scheme``, ``shape_code``, ``features``): codes are translated to the shapes'
    codes and back, queen contiguity with the island linked to its nearest region."""
    import importlib.machinery
    import sys
    import types

    from lqcalc.metrics.clusters import cluster_settings
    from lqcalc.tables.spatial import spatial_weights

    fake = types.ModuleType("lqcalc.geo.boundaries")
    fake.__spec__ = importlib.machinery.ModuleSpec("lqcalc.geo.boundaries", None)
    fake.detect_scheme = lambda codes: "test-grid" if all(c.startswith("X") for c in codes) else None
    fake.shape_code = lambda code, scheme: code[1:]          # X r0c0 -> r0c0
    fake.features = lambda scheme: grid(2) + [square("ISLE", 0.5, -5)]
    monkeypatch.setitem(sys.modules, "lqcalc.geo.boundaries", fake)
    settings = cluster_settings({})
    codes = ["Xr0c0", "Xr0c1", "Xr1c0", "Xr1c1", "XISLE"]
    w, reason = spatial_weights(codes, settings, None)
    assert reason is None and sorted(w.ids) == sorted(codes)
    assert w.w.neighbors["XISLE"] == ["Xr1c0"] and w.islands == []
    assert "queen contiguity" in w.source and "test-grid" in w.source and "XISLE" in w.describe()
    w, _ = spatial_weights(codes, cluster_settings({"spatial_islands": "keep"}), None)
    assert w.islands == ["XISLE"]
    w, _ = spatial_weights(codes, cluster_settings({"spatial_neighbours": "knn", "spatial_k": 2}), None)
    assert all(len(v) == 2 for v in w.w.neighbors.values())
    none, reason = spatial_weights(["110000", "UKI3"], settings, None)
    assert none is None and "not a boundary scheme" in reason


def test_shipped_uk_boundaries_give_the_queen_neighbours_of_the_weights_file():
    """The real boundary path: the demo's NUTS 2 codes are recognised, joined to the shipped
    shapes by code, and their queen contiguity is the neighbour list of the fixture."""
    import csv

    import polars as pl

    from lqcalc.metrics.clusters import cluster_settings
    from lqcalc.tables.spatial import spatial_weights

    sample = Path(__file__).resolve().parents[1] / "data" / "samples" / "uk-bres" / "bres_nuts2_segments_2015_2018.csv"
    codes = sorted(pl.read_csv(sample, columns=["region"], infer_schema=False)["region"].unique().to_list())
    w, reason = spatial_weights(codes, cluster_settings({}), None)
    assert reason is None and sorted(w.ids) == codes and len(codes) == 39
    assert "queen contiguity" in w.source and w.islands == []
    with open(FIXTURES / "uk_nuts2_2013_queen.csv", newline="") as fh:
        expected = {(r["region"], r["neighbor"]) for r in csv.DictReader(fh)}
    got = {(a, b) for a, nb in w.w.neighbors.items() for b in nb}
    assert got == expected
