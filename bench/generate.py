"""Deterministic synthetic table shaped like U.S. county x industry employment (QCEW-like).

One row per region x industry x year, long layout, columns ``region`` (5-digit FIPS-like
county code, plus the reference row ``US000``), ``industry`` (``10`` all industries, 2-digit
NAICS-like sectors and 4-digit leaves nested in them), ``year`` and ``employment``.

* Leaf cells: region size x industry share x log-normal noise, rounded to whole jobs; some
  are true zeros; about 8 % are suppressed (null), small cells more often, as in QCEW.
* Sector rows are the (unsuppressed) sums of their leaves, the ``10`` row the sum of all
  leaves: the parts of a published total do not add up once cells are suppressed.
* The reference region ``US000`` holds the sums over all counties of the true values, so it
  is an explicit reference row that the (suppressed) parts do not add up to either.
* A ``flat`` size (``5M``) has leaf industries only, no sector, total or reference rows: the
  table a new user runs with the default options, denominators summed from the cells.

Everything is drawn from ``numpy.random.default_rng(seed)``: the same arguments give the same
bytes. The table is written year by year (one Parquet row group per chunk) so that even the
200-million-row size is generated in bounded memory.

Usage::

    python bench/generate.py --size small --out /tmp/lqbench/small.parquet [--csv]
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

REFERENCE_REGION = "US000"
TOTAL_INDUSTRY = "10"
SECTORS = ["11", "21", "22", "23", "31", "32", "33", "42", "44", "45", "48", "49", "51", "52",
           "53", "54", "55", "56", "61", "62", "71", "72", "81", "92"]


@dataclass(frozen=True)
class Size:
    """Shape of a synthetic table: counties, leaf industries, years."""

    regions: int
    leaves: int
    years: int
    first_year: int = 2017
    #: a flat table: leaf industries only, no sector rows, no all-industry row and no reference
    #: region (what a new user downloads and runs with the default options)
    flat: bool = False

    @property
    def industries(self) -> int:
        """Industry codes including sectors and the all-industry row (leaves only when flat)."""
        return self.leaves if self.flat else self.leaves + len(SECTORS) + 1

    @property
    def rows(self) -> int:
        """Rows of the table (regions include the reference row unless flat)."""
        return (self.regions + (0 if self.flat else 1)) * self.industries * self.years


SIZES = {
    "tiny": Size(regions=30, leaves=40, years=3),
    "small": Size(regions=200, leaves=176, years=7),          # 281k rows
    "2M": Size(regions=800, leaves=376, years=7),             # 2.3M rows
    "5M": Size(regions=1000, leaves=1000, years=5, flat=True),  # 5.0M rows, flat
    "10M": Size(regions=1600, leaves=876, years=7),           # 10.1M rows
    "22M": Size(regions=3200, leaves=976, years=7),           # 22.4M rows
    "200M": Size(regions=3200, leaves=976, years=63, first_year=1961),   # 201.9M rows
}


def region_codes(n: int) -> list[str]:
    """``n`` county codes: 2-digit state and odd 3-digit county numbers (``01001``, ``01003``...)."""
    per_state = max(1, -(-n // 50))
    codes = []
    for s in range(1, 57):
        for c in range(per_state):
            codes.append(f"{s:02d}{2 * c + 1:03d}")
            if len(codes) == n:
                return codes
    raise ValueError(f"too many regions: {n}")


def industry_codes(leaves: int) -> tuple[list[str], np.ndarray]:
    """Leaf codes (4 digits, spread over the sectors) and each leaf's sector index."""
    codes, sector_of = [], []
    per = [leaves // len(SECTORS) + (1 if k < leaves % len(SECTORS) else 0) for k in range(len(SECTORS))]
    for k, (sec, n) in enumerate(zip(SECTORS, per)):
        if n > 81:
            raise ValueError(f"too many leaves per sector: {n}")
        for j in range(n):
            # last digit 1..9: a code ending in 0 would read as a padded parent (``1120`` > ``1121``)
            codes.append(f"{sec}{j // 9 + 1}{j % 9 + 1}")
            sector_of.append(k)
    return codes, np.array(sector_of)


def generate(size: Size, out: Path, seed: int = 20240601, csv: bool = False) -> dict:
    """Write the table to ``out`` (Parquet; also ``out`` with ``.csv`` if asked); return facts."""
    rng = np.random.default_rng(seed)
    R, L, S = size.regions, size.leaves, len(SECTORS)
    regions = region_codes(R)
    leaf_codes, sector_of = industry_codes(L)
    all_regions = regions if size.flat else regions + [REFERENCE_REGION]
    all_industries = leaf_codes if size.flat else leaf_codes + SECTORS + [TOTAL_INDUSTRY]
    nI = len(all_industries)
    region_size = np.exp(rng.normal(9.0, 1.4, R))                     # jobs per county
    ind_share = rng.dirichlet(np.full(L, 0.6))
    affinity = np.exp(rng.normal(0.0, 0.8, (R, L)))                    # regional specialization
    trend_i = rng.normal(0.01, 0.03, L)                                # industry growth per year
    trend_r = rng.normal(0.0, 0.02, R)
    level = region_size[:, None] * ind_share[None, :] * affinity / affinity.mean(axis=1, keepdims=True)

    region_col = pa.array(np.repeat(np.array(all_regions), nI))
    industry_col = pa.array(np.tile(np.array(all_industries), len(all_regions)))
    schema = pa.schema([("region", pa.string()), ("industry", pa.string()), ("year", pa.int32()),
                        ("employment", pa.float64())])
    out.parent.mkdir(parents=True, exist_ok=True)
    writer = pq.ParquetWriter(out, schema, compression="zstd")
    csv_path = out.with_suffix(".csv") if csv else None
    csv_fh = open(csv_path, "wb") if csv_path else None
    if csv_fh:
        csv_fh.write(b"region,industry,year,employment\n")
    nulls = 0
    try:
        for t in range(size.years):
            year = size.first_year + t
            drift = np.exp((trend_i[None, :] + trend_r[:, None]) * t + rng.normal(0, 0.05, (R, L)))
            true = np.floor(level * drift * np.exp(rng.normal(0, 0.1, (R, L))))   # whole jobs, some 0
            # suppression: 8 % of leaf cells, three times more likely below 10 jobs
            p = np.where(true < 10, 0.15, 0.05)
            suppressed = rng.random((R, L)) < p
            shown = np.where(suppressed, np.nan, true)
            sector_sum = np.zeros((R, S))
            np.add.at(sector_sum.T, sector_of, true.T)
            total = true.sum(axis=1, keepdims=True)
            if size.flat:
                block = shown.ravel()                                        # R x L
            else:
                block = np.concatenate([shown, sector_sum, total], axis=1)    # R x nI
                ref = np.concatenate([true.sum(axis=0), sector_sum.sum(axis=0), total.sum(axis=0)])[None, :]
                block = np.concatenate([block, ref], axis=0).ravel()         # (R+1) x nI
            mask = np.isnan(block)
            nulls += int(mask.sum())
            value = pa.array(block, mask=mask)
            year_col = pa.array(np.full(block.size, year, dtype=np.int32))
            table = pa.table([region_col, industry_col, year_col, value], schema=schema)
            writer.write_table(table, row_group_size=1 << 22)
            if csv_fh:
                import pyarrow.csv as pacsv

                pacsv.write_csv(table, csv_fh, pacsv.WriteOptions(include_header=False, quoting_style="none"))
    finally:
        writer.close()
        if csv_fh:
            csv_fh.close()
    facts = {
        "size": asdict(size),
        "rows": size.rows,
        "nulls": nulls,
        "regions": len(all_regions),
        "industries": nI,
        "reference_region": None if size.flat else REFERENCE_REGION,
        "total_industry": None if size.flat else TOTAL_INDUSTRY,
        "seed": seed,
        "parquet": str(out),
        "parquet_bytes": out.stat().st_size,
    }
    if csv_path:
        facts.update(csv=str(csv_path), csv_bytes=csv_path.stat().st_size)
    return facts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", choices=list(SIZES), default="small")
    ap.add_argument("--out", type=Path, required=True, help="Parquet file to write")
    ap.add_argument("--csv", action="store_true", help="also write the same table as CSV next to it")
    ap.add_argument("--seed", type=int, default=20240601)
    args = ap.parse_args()
    t = time.perf_counter()
    facts = generate(SIZES[args.size], args.out, args.seed, args.csv)
    facts["seconds"] = round(time.perf_counter() - t, 2)
    print(json.dumps(facts, indent=2))


if __name__ == "__main__":
    main()
