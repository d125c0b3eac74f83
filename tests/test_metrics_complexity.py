"""Relatedness and economic complexity against their reference definitions.

Three kinds of evidence for :mod:`lqcalc.metrics.complexity`:

* an independent implementation in this file, written from the published formulas (loops
  over pairs, ``np.linalg.eig`` on the non-symmetric matrix as Hidalgo & Hausmann 2009 and
  ``py-ecomplexity`` do), compared cell by cell on a small table and on the UK BRES sample;
* values pinned from ``py-ecomplexity`` 0.5.3 itself (not a test dependency). They were
  produced by ``tests/fixtures/complexity/ecomplexity_reference.py``::

      pip install ecomplexity==0.5.3
      python tests/fixtures/complexity/ecomplexity_reference.py \
          tests/fixtures/complexity/small_employment.csv 2020 R1,R2,R3,R4,R5,R6 A,B,C,D,E \
          R1:A,R1:D,R3:E,R6:B
      python tests/fixtures/complexity/ecomplexity_reference.py \
          data/samples/uk-bres/bres_nuts2_segments_2015_2018.csv 2018 UKI3,UKC1,UKM6 \
          services_creative,manufacture_aerospace \
          UKC1:services_creative,UKI3:manufacture_aerospace,UKM6:services_computing

* EconGeo's relatedness and relatedness density worked by hand on a small co-occurrence
  matrix (exact fractions).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from lqcalc.metrics import complexity as cx
from lqcalc.metrics.lq import lq

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "tests" / "fixtures" / "complexity" / "small_employment.csv"
BRES = ROOT / "data" / "samples" / "uk-bres" / "bres_nuts2_segments_2015_2018.csv"


def cells_with_mcp(path: Path, year: int, threshold: float = 1.0) -> pl.DataFrame:
    """LQ (= Balassa RCA: totals are the sums of the table) and M_cp of one year."""
    d = pl.read_csv(path, schema_overrides={"region": pl.String, "industry": pl.String}).filter(pl.col("year") == year)
    d = d.with_columns(
        pl.col("employment").sum().over("region").alias("rt"),
        pl.col("employment").sum().over("industry").alias("rv"),
        pl.col("employment").sum().alias("T"),
    )
    return d.with_columns(lq("employment", "rt", "rv", "T").alias("lq")).with_columns(cx.mcp("lq", threshold).alias("mcp"))


# ----------------------------------------------------------------------------- the reference
def ref_rca(x: np.ndarray) -> np.ndarray:
    out = np.empty_like(x, dtype=float)
    for c in range(x.shape[0]):
        for p in range(x.shape[1]):
            out[c, p] = (x[c, p] / x[c].sum()) / (x[:, p].sum() / x.sum())
    return out


def ref_proximity(m: np.ndarray) -> np.ndarray:
    n = m.shape[1]
    phi = np.empty((n, n))
    for a in range(n):
        for b in range(n):
            both = sum(m[c, a] * m[c, b] for c in range(m.shape[0]))
            p_a_given_b = both / m[:, b].sum()
            p_b_given_a = both / m[:, a].sum()
            phi[a, b] = min(p_a_given_b, p_b_given_a)
    return phi


def ref_density(m: np.ndarray, phi: np.ndarray) -> np.ndarray:
    out = np.empty(m.shape)
    for c in range(m.shape[0]):
        for p in range(m.shape[1]):
            out[c, p] = sum(m[c, q] * phi[p, q] for q in range(m.shape[1])) / phi[p].sum()
    return out


def ref_eci_pci(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    kc0, kp0 = m.sum(axis=1), m.sum(axis=0)
    mpp = np.zeros((m.shape[1], m.shape[1]))
    for p in range(m.shape[1]):
        for q in range(m.shape[1]):
            mpp[p, q] = sum(m[c, p] * m[c, q] / (kc0[c] * kp0[p]) for c in range(m.shape[0]))
    vals, vecs = np.linalg.eig(mpp)
    kp = np.real(vecs[:, np.argsort(np.real(vals))[-2]])
    kc = np.array([sum(m[c, p] * kp[p] for p in range(m.shape[1])) / kc0[c] for c in range(m.shape[0])])
    s = np.sign(np.corrcoef(kc0, kc)[0, 1])
    kc, kp = s * kc, s * kp
    return (kc - kc.mean()) / kc.std(), (kp - kc.mean()) / kc.std()


def ref_econgeo_relatedness(c: np.ndarray) -> np.ndarray:
    n = c.shape[0]
    off = [[0.0 if i == j else float(c[i, j]) for j in range(n)] for i in range(n)]
    s = [sum(off[k][j] for k in range(n)) for j in range(n)]
    t = sum(map(sum, off))
    r = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            expected = (s[i] / t * s[j] / (t - s[i]) + s[j] / t * s[i] / (t - s[j])) * t / 2
            r[i, j] = off[i][j] / expected if expected else 0.0
    return r


def ref_relatedness_density(m: np.ndarray, r: np.ndarray) -> np.ndarray:
    out = np.empty(m.shape)
    for c in range(m.shape[0]):
        for p in range(m.shape[1]):
            out[c, p] = 100 * sum(m[c, q] * r[q, p] for q in range(m.shape[1])) / r[:, p].sum()
    return out


# ----------------------------------------------------------------------------- tests
@pytest.fixture(scope="module", params=["small", "bres"])
def case(request):
    path, year = (SMALL, 2020) if request.param == "small" else (BRES, 2018)
    cells = cells_with_mcp(path, year)
    inc = cx.incidence(cells, "employment")
    return request.param, cells, inc.matrix, cx.incidence(cells, "mcp").matrix, cx.complexity_frames(cells)


def test_mcp_is_the_rca_threshold_of_the_reference(case):
    _, cells, x, m, _ = case
    assert np.array_equal(m, (ref_rca(x) >= 1).astype(float))
    assert np.all(m.sum(axis=0) > 0) and np.all(m.sum(axis=1) > 0)


def test_proximity_and_density_agree_with_the_formulas(case):
    _, _, _, m, out = case
    phi = ref_proximity(m)
    assert np.allclose(cx.proximity(m), phi, rtol=0, atol=1e-12)
    assert np.allclose(cx.density(m, phi), ref_density(m, phi), rtol=0, atol=1e-12)
    pairs = out["pairs"]
    n = m.shape[1]
    assert pairs.height == n * (n - 1)
    assert np.allclose(np.sort(pairs["proximity"].to_numpy()), np.sort(phi[~np.eye(n, dtype=bool)]), atol=1e-12)
    assert pairs["cooccurrence"].min() >= 0 and 0 <= pairs["proximity"].min() and pairs["proximity"].max() <= 1


def test_eci_pci_agree_with_the_eigenvector_of_the_published_recipe(case):
    _, _, _, m, out = case
    eci, pci = ref_eci_pci(m)
    assert np.allclose(out["regions"].sort("region")["eci"].to_numpy(), eci, atol=1e-9)
    assert np.allclose(out["industries"].sort("industry")["pci"].to_numpy(), pci, atol=1e-9)
    # normalisation: mean 0, population sd 1; a region's ECI is the mean PCI of its industries
    assert abs(eci.mean()) < 1e-12 and abs(eci.std() - 1) < 1e-12
    assert np.allclose((m @ pci) / m.sum(axis=1), eci, atol=1e-9)


def test_econgeo_relatedness_density_agrees_with_the_formulas(case):
    _, _, _, m, out = case
    r = ref_econgeo_relatedness(cx.cooccurrence(m))
    assert np.allclose(cx.econgeo_relatedness(cx.cooccurrence(m)), r, atol=1e-12)
    rd = ref_relatedness_density(m, r)
    got = out["cells"].sort("region", "industry")["relatedness_density"].to_numpy().reshape(m.shape)
    assert np.allclose(got, rd, atol=1e-9)
    assert np.nanmin(got) >= 0 and np.nanmax(got) <= 100


def by(frame: pl.DataFrame, **keys) -> dict:
    rows = frame.filter(*[pl.col(k) == v for k, v in keys.items()]).to_dicts()
    assert len(rows) == 1, keys
    return rows[0]


# py-ecomplexity 0.5.3 on tests/fixtures/complexity/small_employment.csv, 2020 (module docstring)
SMALL_ECOMPLEXITY = {
    "regions": {"R1": (1, -1.770095033109, -0.193361415506), "R2": (2, 0.299598905490, -0.740883853133),
                "R3": (2, 0.805394732926, 0.843476090618), "R4": (2, -0.910981936266, 1.543249614781),
                "R5": (2, 0.956023766460, 0.069304086046), "R6": (3, 0.620059564499, -1.521784522806)},
    "industries": {"A": (2, -1.770095033109), "B": (3, -0.051868839422), "C": (2, 0.651066650401),
                   "D": (3, 0.959722815452), "E": (2, 0.952324717468)},
    "cells": {("R1", "A"): (0.75, 0.0), ("R1", "D"): (0.0, 0.631508867590),
              ("R3", "E"): (0.333333333333, 0.340708528230), ("R6", "B"): (0.714285714286, 0.0)},
    "pairs": {("A", "B"): 1 / 3, ("D", "E"): 2 / 3, ("A", "C"): 0.0, ("B", "E"): 1 / 3},
}
# py-ecomplexity 0.5.3 on the UK BRES sample, 2018 (module docstring)
BRES_ECOMPLEXITY = {
    "regions": {"UKI3": (22, -2.540300778276, 1.980973681076), "UKC1": (31, 0.908839950914, -1.091805365739),
                "UKM6": (28, 0.677935819874, -0.384206210397)},
    "industries": {"services_creative": (13, -4.026022824947), "manufacture_aerospace": (10, 1.077438882458)},
    "cells": {("UKC1", "services_creative"): (0.362804961749, -1.632729206959),
              ("UKI3", "manufacture_aerospace"): (0.244772634221, 0.395777517113),
              ("UKM6", "services_computing"): (0.259030319089, -1.912876532709)},
    "pairs": {("services_creative", "services_computing"): 0.615384615385,
              ("manufacture_aerospace", "manufacture_automotive"): 0.25},
}


def test_values_pinned_from_py_ecomplexity(case):
    name, _, _, _, out = case
    pinned = SMALL_ECOMPLEXITY if name == "small" else BRES_ECOMPLEXITY
    for region, (div, eci, coi) in pinned["regions"].items():
        row = by(out["regions"], region=region)
        assert row["diversity"] == div
        assert row["eci"] == pytest.approx(eci, abs=1e-9) and row["coi"] == pytest.approx(coi, abs=1e-9)
    for industry, (ubi, pci) in pinned["industries"].items():
        row = by(out["industries"], industry=industry)
        assert row["ubiquity"] == ubi and row["pci"] == pytest.approx(pci, abs=1e-9)
    for (region, industry), (dens, cog) in pinned["cells"].items():
        row = by(out["cells"], region=region, industry=industry)
        assert row["density"] == pytest.approx(dens, abs=1e-9) and row["cog"] == pytest.approx(cog, abs=1e-9)
    for (a, b), phi in pinned["pairs"].items():
        assert by(out["pairs"], industry=a, industry_2=b)["proximity"] == pytest.approx(phi, abs=1e-9)


def test_econgeo_relatedness_by_hand():
    # C: industry 0 and 1 co-occur in 2 regions, 1 and 2 in one; S = (2, 3, 1), T = 6
    # R01 = 2 / (3 * (2/6 * 3/4 + 3/6 * 2/3)) = 8/7 ; R12 = 1 / (3 * (3/6 * 1/3 + 1/6 * 3/5)) = 5/4
    r = cx.econgeo_relatedness(np.array([[0, 2, 0], [2, 0, 1], [0, 1, 0]]))
    assert r[0, 1] == pytest.approx(8 / 7) and r[1, 0] == pytest.approx(8 / 7)
    assert r[1, 2] == pytest.approx(5 / 4) and r[0, 2] == 0 and np.all(np.diag(r) == 0)
    # a region specialised in industry 1 only: related to 0 and 2 fully, to 1 not at all (R11 = 0)
    rd = cx.relatedness_density(np.array([[0, 1, 0]]), r)
    assert rd.tolist() == [[100.0, 0.0, 100.0]]
    # in 0 and 2: industry 1's related mass is 8/7 + 5/4, all present
    rd = cx.relatedness_density(np.array([[1, 0, 1]]), r)
    assert rd[0, 1] == pytest.approx(100.0) and rd[0, 0] == 0.0


def test_hidalgo_hausmann_simple_network():
    # Hidalgo & Hausmann (2009) SI Fig. S4 (EconGeo's KCI example): C1 makes P1-P4, C2 P2,
    # C3 P3-P4, C4 P4; values from py-ecomplexity 0.5.3 with presence_test="manual"
    m = np.array([[1, 1, 1, 1], [0, 1, 0, 0], [0, 0, 1, 1], [0, 0, 0, 1]])
    res = cx.eci_pci(m)
    assert np.allclose(res.eci, [-0.075353089, -1.602916066, 0.747788202, 0.930480953], atol=1e-8)
    assert np.allclose(res.pci, [-0.194072694, -1.602916066, 0.565095451, 0.930480953], atol=1e-8)


def test_zero_diversity_and_ubiquity_give_null_not_nan():
    cells = pl.DataFrame({"region": ["A", "A", "B", "B", "C", "C"], "industry": ["x", "y"] * 3,
                          "mcp": [1, 0, 0, 1, 0, 0]})
    cells = pl.concat([cells, pl.DataFrame({"region": ["A"], "industry": ["z"], "mcp": [0]})])
    out = cx.complexity_frames(cells)
    reg = out["regions"].sort("region")
    assert reg["diversity"].to_list() == [1, 1, 0]
    assert reg["eci"][2] is None                       # C has no specialisation
    ind = out["industries"].sort("industry")
    assert ind["ubiquity"].to_list() == [1, 1, 0] and ind["pci"][2] is None
    for frame in out.values():
        for col in frame.select(pl.col(pl.Float64)).columns:
            assert not frame[col].is_nan().any(), col
    assert by(out["pairs"], industry="x", industry_2="z")["proximity"] is None
    assert by(out["cells"], region="A", industry="z")["density"] is None
    # the other industries keep their density: x and y never co-occur, phi(x, x) = 1
    assert by(out["cells"], region="A", industry="x")["density"] == 1.0
    assert by(out["cells"], region="A", industry="y")["density"] == 0.0


def test_threshold_is_settable():
    cells = cells_with_mcp(SMALL, 2020, threshold=0.8)
    strict = cells_with_mcp(SMALL, 2020)
    assert cells["mcp"].sum() > strict["mcp"].sum()
    assert (cells["mcp"] >= strict["mcp"]).all()
