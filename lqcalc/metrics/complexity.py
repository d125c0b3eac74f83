r"""Relatedness and economic complexity of a region x industry incidence matrix.

Notation: :math:`M_{c,p}` is 1 when region *c* is specialised in industry *p* (its RCA, the
location quotient, is at least a threshold, 1 by default) and 0 otherwise;
:math:`k_{c,0} = \sum_p M_{c,p}` is the *diversity* of region *c*, :math:`k_{p,0} = \sum_c
M_{c,p}` the *ubiquity* of industry *p*. Rows are regions, columns industries.

Two families, each following one reference implementation to the letter:

* the Harvard Growth Lab's ``py-ecomplexity`` (0.5): proximity (minimum conditional
  probability, Hidalgo et al. 2007), density, ECI / PCI (Hidalgo & Hausmann 2009, eigenvector
  form), complexity outlook index and gain;
* EconGeo (Balland 2017; 2.x): co-occurrence, the "probability" relatedness index (Steijn
  2017; van Eck & Waltman 2009) and relatedness density (Boschma, Balland & Kogler 2015),
  on a 0-100 scale.

The matrix steps work on :class:`numpy.ndarray` (:func:`incidence` builds one from a long
polars frame, :func:`complexity_frames` returns long frames again); nothing here reads or
writes a file. Non-finite results (a zero ubiquity, an empty matrix) are ``NaN`` in the
arrays and null in the frames.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from lqcalc.metrics._safe import ExprLike, as_expr


def mcp(rca: ExprLike, threshold: float = 1.0) -> pl.Expr:
    r"""Binary specialisation :math:`M_{c,p} = 1` when :math:`RCA_{c,p} \ge` ``threshold``.

    Source: Balassa (1965); Hidalgo et al. (2007) use RCA >= 1. Null where the RCA (LQ) is
    null: a suppressed cell is not "not specialised". The matrix steps below read a null as
    0, as ``py-ecomplexity`` does (``np.nan_to_num``).

    >>> import polars as pl
    >>> pl.DataFrame({"lq": [1.0, 0.99, 2.5, None]}).select(mcp("lq"))["lq"].to_list()
    [1, 0, 1, None]
    """
    e = as_expr(rca)
    return (e >= threshold).cast(pl.Int8)


@dataclass(frozen=True)
class Incidence:
    """A dense region x industry matrix with its row and column codes."""

    regions: list[str]
    industries: list[str]
    matrix: np.ndarray


def incidence(cells: pl.DataFrame, value: str = "mcp", region: str = "region",
              industry: str = "industry") -> Incidence:
    """The dense matrix of ``value`` from long ``cells`` (one row per region x industry).

    Codes are sorted; a cell that is absent or null is 0.

    >>> import polars as pl
    >>> inc = incidence(pl.DataFrame({"region": ["B", "A", "A"], "industry": ["x", "x", "y"], "mcp": [1, 1, None]}))
    >>> inc.regions, inc.industries, inc.matrix.tolist()
    (['A', 'B'], ['x', 'y'], [[1.0, 0.0], [1.0, 0.0]])
    """
    regions = sorted(cells[region].unique().drop_nulls().to_list())
    industries = sorted(cells[industry].unique().drop_nulls().to_list())
    m = np.zeros((len(regions), len(industries)))
    idx = cells.select(
        pl.col(region).replace_strict(regions, list(range(len(regions))), return_dtype=pl.Int64).alias("r"),
        pl.col(industry).replace_strict(industries, list(range(len(industries))), return_dtype=pl.Int64).alias("i"),
        pl.col(value).cast(pl.Float64).fill_null(0.0).alias("v"),
    )
    m[idx["r"].to_numpy(), idx["i"].to_numpy()] = idx["v"].to_numpy()
    return Incidence(regions, industries, m)


def _div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    out[~np.isfinite(out)] = np.nan
    return out


def diversity(m: np.ndarray) -> np.ndarray:
    r""":math:`k_{c,0} = \sum_p M_{c,p}`.

    >>> diversity(np.array([[1, 1], [0, 1]])).tolist()
    [2, 1]
    """
    return m.sum(axis=1)


def ubiquity(m: np.ndarray) -> np.ndarray:
    r""":math:`k_{p,0} = \sum_c M_{c,p}`.

    >>> ubiquity(np.array([[1, 1], [0, 1]])).tolist()
    [1, 2]
    """
    return m.sum(axis=0)


def cooccurrence(m: np.ndarray) -> np.ndarray:
    r"""Number of regions specialised in both industries, :math:`C = M^\top M`.

    The diagonal holds the ubiquities (EconGeo's ``co_occurrence(t(mat), diagonal = TRUE)``).

    >>> cooccurrence(np.array([[1, 1], [0, 1], [1, 1]])).tolist()
    [[2, 2], [2, 3]]
    """
    return m.T @ m


def proximity(m: np.ndarray) -> np.ndarray:
    r"""Hidalgo et al. (2007) proximity: the minimum of the two conditional probabilities.

    .. math:: \phi_{p,p'} = \frac{\sum_c M_{c,p} M_{c,p'}}{\max(k_{p,0}, k_{p',0})}

    As ``py-ecomplexity``'s ``calc_discrete_proximity`` (symmetric): the diagonal is 1 for an
    industry with a specialised region; a pair with an industry without one is ``NaN`` (a
    conditional probability given an empty set).

    Source: Hidalgo, Klinger, Barabási & Hausmann (2007), *Science* 317:482.

    >>> proximity(np.array([[1, 1], [0, 1], [1, 1]])).round(4).tolist()
    [[1.0, 0.6667], [0.6667, 1.0]]
    """
    c = cooccurrence(m).astype(float)
    k = ubiquity(m).astype(float)
    phi = _div(c, np.maximum(k[:, None], k[None, :]))
    phi[(k[:, None] == 0) | (k[None, :] == 0)] = np.nan
    return phi


def density(m: np.ndarray, phi: np.ndarray) -> np.ndarray:
    r"""Density of the industries around *p* that region *c* is specialised in, 0-1.

    .. math:: \omega_{c,p} = \frac{\sum_{p'} M_{c,p'} \phi_{p,p'}}{\sum_{p'} \phi_{p,p'}}

    The sums include :math:`p' = p` (:math:`\phi_{p,p} = 1`), as in ``py-ecomplexity``'s
    ``calc_density``. ``NaN`` where :math:`\sum_{p'} \phi_{p,p'}` is 0 (an industry no region
    is specialised in); its undefined proximities count as 0 for the other industries.

    Source: Hidalgo et al. (2007), eq. 2.

    >>> m = np.array([[1, 0], [0, 1], [1, 1]])
    >>> density(m, proximity(m)).round(4).tolist()
    [[0.6667, 0.3333], [0.3333, 0.6667], [1.0, 1.0]]
    """
    phi = np.nan_to_num(phi)   # a pair with an industry of no specialised region adds nothing
    return _div(m @ phi.T, phi.sum(axis=1)[None, :])


def econgeo_relatedness(c: np.ndarray) -> np.ndarray:
    r"""EconGeo's ``relatedness(mat, method = "prob")`` of a co-occurrence matrix.

    With the diagonal of :math:`C` set to 0, :math:`S_i = \sum_j C_{ij}` and
    :math:`T = \sum_{ij} C_{ij}`:

    .. math:: R_{ij} = \frac{C_{ij}}{\frac{T}{2}\left(\frac{S_i}{T}\frac{S_j}{T - S_i}
       + \frac{S_j}{T}\frac{S_i}{T - S_j}\right)}

    the observed over the expected co-occurrences when pairs are drawn without repetition
    (1 = as often as chance). The diagonal is 0; a 0/0 is 0 as in EconGeo (``NA`` -> 0).

    Source: Steijn (2017); van Eck & Waltman (2009), *JASIST* 60:1635; Balland (2017) EconGeo.

    >>> econgeo_relatedness(np.array([[0, 2, 0], [2, 0, 1], [0, 1, 0]])).round(4).tolist()
    [[0.0, 1.1429, 0.0], [1.1429, 0.0, 1.25], [0.0, 1.25, 0.0]]
    """
    c = np.array(c, dtype=float)
    np.fill_diagonal(c, 0.0)
    s = c.sum(axis=0)
    t = c.sum()
    si, sj = s[None, :], s[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = ((si / t) * (sj / (t - si)) + (sj / t) * (si / (t - sj))) * (t / 2)
        r = c / expected
    r[np.isnan(r)] = 0.0
    np.fill_diagonal(r, 0.0)
    return r


def relatedness_density(m: np.ndarray, r: np.ndarray) -> np.ndarray:
    r"""EconGeo's ``relatedness_density``: the share of the industries related to *p* that
    region *c* is specialised in, 0-100.

    .. math:: RD_{c,p} = 100\,\frac{\sum_{p'} M_{c,p'} R_{p',p}}{\sum_{p'} R_{p',p}}

    Not rounded here (EconGeo rounds to 2 decimals). ``NaN`` where *p* has no related
    industry (the column of ``r`` sums to 0).

    Source: Boschma, Balland & Kogler (2015), *Industrial and Corporate Change* 24:223.

    >>> m = np.array([[1, 0, 0], [0, 1, 1]])
    >>> relatedness_density(m, np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]])).tolist()
    [[0.0, 50.0, 0.0], [100.0, 50.0, 100.0]]
    """
    return 100.0 * _div(m @ r, r.sum(axis=0)[None, :])


@dataclass(frozen=True)
class Complexity:
    """ECI of the regions and PCI of the industries, raw and normalised (``NaN`` = not defined)."""

    eci: np.ndarray
    pci: np.ndarray
    kc: np.ndarray
    kp: np.ndarray


def eci_pci(m: np.ndarray) -> Complexity:
    r"""Economic complexity of the regions (ECI) and of the industries (PCI).

    :math:`\tilde M_{p,p'} = \sum_c \frac{M_{c,p} M_{c,p'}}{k_{c,0} k_{p,0}}`; :math:`K_p` is
    its eigenvector of the second largest eigenvalue, :math:`K_c = \sum_p M_{c,p} K_p / k_{c,0}`
    (the limit of the method of reflections). Signed so that ECI correlates positively with
    diversity, and normalised as ``py-ecomplexity`` (and the Atlas's Stata package) do:

    .. math:: ECI_c = \frac{K_c - \overline{K_c}}{\sigma(K_c)}, \qquad
       PCI_p = \frac{K_p - \overline{K_c}}{\sigma(K_c)}

    with the population standard deviation; so a region's ECI is the mean PCI of its
    industries. Regions of zero diversity and industries of zero ubiquity are left out (NaN).
    The eigenvector is taken from the symmetric matrix :math:`D_p^{-1/2} M^\top D_c^{-1} M
    D_p^{-1/2}` (the same eigenvalues; the normalisation removes the eigenvector's scale).

    Source: Hidalgo & Hausmann (2009), *PNAS* 106:10570; Hausmann, Hidalgo et al. (2014),
    *The Atlas of Economic Complexity*.

    >>> m = np.array([[1, 1, 1, 1], [0, 1, 0, 0], [0, 0, 1, 1], [0, 0, 0, 1]])
    >>> eci_pci(m).eci.round(4).tolist()
    [-0.0754, -1.6029, 0.7478, 0.9305]
    """
    m = np.asarray(m, dtype=float)
    kc0, kp0 = diversity(m), ubiquity(m)
    rows, cols = kc0 > 0, kp0 > 0
    eci = np.full(m.shape[0], np.nan)
    pci = np.full(m.shape[1], np.nan)
    kc_full, kp_full = eci.copy(), pci.copy()
    if rows.sum() < 2 or cols.sum() < 2:
        return Complexity(eci, pci, kc_full, kp_full)
    mv = m[rows][:, cols]
    dc, dp = kc0[rows], kp0[cols]
    s = (mv / np.sqrt(dp)[None, :]).T @ (mv / dc[:, None] / np.sqrt(dp)[None, :])
    vals, vecs = np.linalg.eigh((s + s.T) / 2)
    kp = vecs[:, -2] / np.sqrt(dp)
    kc = (mv @ kp) / dc
    r = np.corrcoef(dc, kc)[0, 1] if np.std(dc) > 0 and np.std(kc) > 0 else 1.0
    sign = -1.0 if r < 0 else 1.0
    kc, kp = sign * kc, sign * kp
    sd = kc.std()
    kc_full[rows], kp_full[cols] = kc, kp
    if sd > 0 and np.isfinite(sd):
        eci[rows] = (kc - kc.mean()) / sd
        pci[cols] = (kp - kc.mean()) / sd
    return Complexity(eci, pci, kc_full, kp_full)


def outlook(m: np.ndarray, dens: np.ndarray, phi: np.ndarray, cx: Complexity) -> tuple[np.ndarray, np.ndarray]:
    r"""Complexity outlook index (per region) and complexity outlook gain (per region x industry).

    .. math:: COI_c = \sum_p \omega_{c,p} (1 - M_{c,p}) K_p, \qquad
       COG_{c,p} = (1 - M_{c,p}) \sum_{p'} (1 - M_{c,p'}) K_{p'}
       \frac{\phi_{p',p}}{\sum_{p''} \phi_{p',p''}}

    with the signed, not yet normalised :math:`K_p`; then, as ``py-ecomplexity``, COI is
    standardised (mean 0, population sd 1) and COG divided by :math:`\sigma(K_c)`.
    Industries without PCI count as 0.

    Source: Hausmann, Hidalgo et al. (2014), *The Atlas of Economic Complexity*, technical box.
    """
    kp = np.nan_to_num(cx.kp)
    free = 1.0 - m
    coi = np.nansum(dens * free * kp[None, :], axis=1)
    phi = np.nan_to_num(phi)
    weights = _div(phi * kp[:, None], phi.sum(axis=1)[:, None])
    cog = free * (free @ np.nan_to_num(weights))
    kc = cx.kc[np.isfinite(cx.kc)]
    sd_kc = kc.std() if kc.size else np.nan
    sd_coi = coi.std()
    coi = (coi - coi.mean()) / sd_coi if sd_coi > 0 else np.full_like(coi, np.nan)
    cog = cog / sd_kc if sd_kc > 0 else np.full_like(cog, np.nan)
    return coi, cog


def _nan_to_null(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_columns(pl.col(pl.Float64).fill_nan(None))


def complexity_frames(cells: pl.DataFrame, value: str = "mcp") -> dict[str, pl.DataFrame]:
    """Every measure of this module for one region x industry incidence (one year, measure, level).

    ``cells`` has ``region``, ``industry`` and the 0/1 column ``value``. Returns

    * ``cells``: ``region``, ``industry``, ``density``, ``relatedness_density``, ``cog``;
    * ``regions``: ``region``, ``diversity``, ``eci``, ``coi``;
    * ``industries``: ``industry``, ``ubiquity``, ``pci``;
    * ``pairs``: ``industry``, ``industry_2`` (every ordered pair of two industries),
      ``cooccurrence``, ``proximity``, ``relatedness``.

    >>> import polars as pl
    >>> cells = pl.DataFrame({"region": ["A", "A", "B"], "industry": ["x", "y", "y"], "mcp": [1, 1, 1]})
    >>> out = complexity_frames(cells)
    >>> out["pairs"].rows()
    [('x', 'y', 1, 0.5, 1.0), ('y', 'x', 1, 0.5, 1.0)]
    >>> out["cells"].sort("region", "industry")["density"].to_list()
    [1.0, 1.0, 0.3333333333333333, 0.6666666666666666]
    """
    inc = incidence(cells, value)
    m = inc.matrix
    phi = proximity(m)
    dens = density(m, phi)
    co = cooccurrence(m)
    rel = econgeo_relatedness(co)
    rd = relatedness_density(m, rel)
    cx = eci_pci(m)
    coi, cog = outlook(m, dens, phi, cx)
    nr, ni = m.shape
    reg = pl.Series("region", inc.regions, dtype=pl.String)
    ind = pl.Series("industry", inc.industries, dtype=pl.String)
    out_cells = pl.DataFrame([
        reg.gather(np.repeat(np.arange(nr), ni)), ind.gather(np.tile(np.arange(ni), nr)),
        pl.Series("density", dens.ravel(), dtype=pl.Float64),
        pl.Series("relatedness_density", rd.ravel(), dtype=pl.Float64), pl.Series("cog", cog.ravel(), dtype=pl.Float64),
    ])
    regions = pl.DataFrame([reg, pl.Series("diversity", diversity(m).astype(np.int64)),
                            pl.Series("eci", cx.eci), pl.Series("coi", coi, dtype=pl.Float64)])
    industries = pl.DataFrame([ind, pl.Series("ubiquity", ubiquity(m).astype(np.int64)), pl.Series("pci", cx.pci)])
    a, b = np.nonzero(~np.eye(ni, dtype=bool))
    pairs = pl.DataFrame([
        ind.gather(a), ind.gather(b).alias("industry_2"), pl.Series("cooccurrence", co[a, b].astype(np.int64)),
        pl.Series("proximity", phi[a, b], dtype=pl.Float64), pl.Series("relatedness", rel[a, b], dtype=pl.Float64),
    ])
    return {name: _nan_to_null(df) for name, df in
            (("cells", out_cells), ("regions", regions), ("industries", industries), ("pairs", pairs))}
