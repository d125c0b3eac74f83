r"""Spatial autocorrelation of an indicator across neighbouring regions (PySAL ``esda``).

* Global Moran's I (Moran 1950; Cliff & Ord 1981) with row-standardised weights
  :math:`w_{ij}`:

  .. math:: I = \frac{n}{\sum_{ij} w_{ij}} \frac{\sum_{ij} w_{ij} z_i z_j}{\sum_i z_i^2},
     \qquad z_i = y_i - \bar y, \qquad E[I] = -\frac{1}{n - 1}

  and its pseudo p-value from random permutations of the values over the regions
  (one-sided, ``(1 + #{I_perm >= I}) / (1 + permutations)`` on the observed side).
* Local Moran (LISA, Anselin 1995): :math:`I_i = \frac{z_i}{m_2} \sum_j w_{ij} z_j` with
  :math:`m_2 = \sum_i z_i^2 / (n - 1)` (esda's), a conditional-permutation pseudo p-value per region, and
  the quadrant of the Moran scatter plot: ``high-high`` (a high value among high
  neighbours: a spatial hot spot), ``low-low``, ``high-low``, ``low-high``. A region whose
  p-value is above ``alpha`` is ``not significant``; an island (no neighbour) has no class.

The statistics are esda's (``esda.Moran``, ``esda.Moran_Local``), imported only here and only
when called. Permutations are seeded: the same data, weights and seed give the same p-values.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

#: esda's quadrant codes (``Moran_Local.q``) and their labels
QUADRANTS = {1: "high-high", 2: "low-high", 3: "low-low", 4: "high-low"}
NOT_SIGNIFICANT = "not significant"
DEFAULTS: dict[str, Any] = {"permutations": 999, "seed": 20240601, "alpha": 0.05}


def _esda():
    try:
        import esda
    except ImportError as exc:   # pragma: no cover - depends on the installation
        from lqcalc.errors import UsageError
        from lqcalc.geo.weights import EXTRA_HINT

        raise UsageError("spatial statistics need esda", hint=EXTRA_HINT) from exc
    return esda


@contextlib.contextmanager
def _seeded(seed: int):
    """numpy's global generator set to ``seed`` (esda's global Moran draws from it), restored after."""
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        np.random.set_state(state)


@dataclass(frozen=True)
class GlobalMoran:
    """Global Moran's I of one variable (``None`` where undefined)."""

    moran_i: float | None
    expected_i: float | None
    z_sim: float | None
    p_sim: float | None
    n_regions: int
    reason: str | None = None


def global_moran(y: np.ndarray, w: Any, permutations: int = 999, seed: int = DEFAULTS["seed"]) -> GlobalMoran:
    """Moran's I of ``y`` (ordered as ``w.id_order``) with a permutation p-value.

    ``None`` with a reason when fewer than 3 regions have neighbours or ``y`` is constant.
    """
    y = np.asarray(y, dtype=float)
    n = len(y)
    linked = n - len(w.islands)
    if linked < 3:
        return GlobalMoran(None, None, None, None, n, f"moran: {linked} regions with neighbours (3 needed)")
    if np.allclose(y, y[0]):
        return GlobalMoran(None, None, None, None, n, "moran: the values are all equal")
    with _seeded(seed):
        m = _esda().Moran(y, w, transformation="r", permutations=permutations)
    p = float(m.p_sim) if permutations else None
    z = float(m.z_sim) if permutations else None
    return GlobalMoran(_finite(m.I), _finite(m.EI), _finite(z), _finite(p), n)


def _finite(v: Any) -> float | None:
    if v is None:
        return None
    v = float(v)
    return v if np.isfinite(v) else None


def local_moran(y: np.ndarray, w: Any, permutations: int = 999, seed: int = DEFAULTS["seed"],
                alpha: float = 0.05) -> pl.DataFrame:
    """Local Moran per region of ``w.id_order``: ``region``, ``lisa_i``, ``lisa_p``, ``lisa_quadrant``,
    ``class_spatial`` (the quadrant when ``lisa_p <= alpha``, else ``not significant``; null for
    an island or when ``y`` is constant)."""
    y = np.asarray(y, dtype=float)
    ids = [str(i) for i in w.id_order]
    isl = {str(i) for i in w.islands}
    n = len(y)
    empty = pl.DataFrame({"region": ids}, schema={"region": pl.String}).with_columns(
        pl.lit(None, pl.Float64).alias("lisa_i"), pl.lit(None, pl.Float64).alias("lisa_p"),
        pl.lit(None, pl.String).alias("lisa_quadrant"), pl.lit(None, pl.String).alias("class_spatial"))
    if n - len(isl) < 3 or np.allclose(y, y[0]):
        return empty
    with _seeded(seed):
        lm = _esda().Moran_Local(y, w, transformation="r", permutations=permutations, seed=seed,
                                 keep_simulations=False)
    quad = [QUADRANTS.get(int(q)) for q in lm.q]
    p = np.asarray(lm.p_sim, dtype=float) if permutations else np.full(n, np.nan)
    cls = [None if r in isl else (q if pv <= alpha else NOT_SIGNIFICANT) for r, q, pv in zip(ids, quad, p)]
    li = np.where([r in isl for r in ids], np.nan, np.asarray(lm.Is, dtype=float))
    return pl.DataFrame({
        "region": ids, "lisa_i": li, "lisa_p": np.where(np.isnan(li), np.nan, p),
        "lisa_quadrant": [None if r in isl else q for r, q in zip(ids, quad)], "class_spatial": cls,
    }, schema={"region": pl.String, "lisa_i": pl.Float64, "lisa_p": pl.Float64, "lisa_quadrant": pl.String,
               "class_spatial": pl.String}).with_columns(pl.col(pl.Float64).fill_nan(None))
