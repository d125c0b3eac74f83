"""LQ, growth and shift-share hand-written in DuckDB SQL (the reference query).

The denominators are joined in as common table expressions (all-industry rows, reference
region rows), the ratios use ``NULLIF`` so that a zero denominator gives NULL, and both
result tables are written with ``COPY ... TO`` Parquet straight from the input file.
DuckDB uses every core and spills to disk when memory is short.

Usage::

    python bench/contenders/duckdb_impl.py INPUT.parquet|INPUT.csv OUTDIR \
        --reference-region US000 --total-industry 10
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

SOURCE_PARQUET = "read_parquet('{path}')"
SOURCE_CSV = ("read_csv('{path}', header = true, "
              "columns = {{'region': 'VARCHAR', 'industry': 'VARCHAR', 'year': 'INTEGER', 'employment': 'DOUBLE'}})")

DENOMINATORS = """
CREATE OR REPLACE TEMP VIEW cells AS
WITH src AS (SELECT region, industry, year, employment FROM {source}),
region_total AS (
    SELECT region, year, employment AS region_total FROM src
    WHERE industry = $total AND region <> $ref),
reference AS (
    SELECT industry, year, employment AS reference_value FROM src
    WHERE region = $ref AND industry <> $total),
reference_total AS (
    SELECT year, employment AS reference_total FROM src
    WHERE region = $ref AND industry = $total)
SELECT c.region, c.industry, c.year, c.employment, t.region_total, r.reference_value, rt.reference_total
FROM src c
LEFT JOIN region_total t USING (region, year)
LEFT JOIN reference r USING (industry, year)
LEFT JOIN reference_total rt USING (year)
WHERE c.region <> $ref AND c.industry <> $total
"""

LQ = """
COPY (
    SELECT region, industry, year,
           (employment / NULLIF(region_total, 0)) / NULLIF(reference_value / NULLIF(reference_total, 0), 0) AS lq
    FROM cells
) TO '{out}' (FORMAT parquet, COMPRESSION zstd)
"""

GROWTH = """
COPY (
    WITH y AS (SELECT min(year) AS y0, max(year) AS y1 FROM cells),
    pair AS (
        SELECT s.region, s.industry, y.y0 AS start_year, y.y1 AS end_year,
               s.employment AS x0, e.employment AS x1,
               e.reference_value / NULLIF(s.reference_value, 0) - 1 AS g_ref,
               e.reference_total / NULLIF(s.reference_total, 0) - 1 AS g_tot
        FROM cells s CROSS JOIN y
        JOIN cells e ON e.region = s.region AND e.industry = s.industry AND e.year = y.y1
        WHERE s.year = y.y0)
    SELECT region, industry, start_year, end_year,
           x1 / NULLIF(x0, 0) - 1 AS growth,
           x0 * g_tot AS national_share,
           x0 * (g_ref - g_tot) AS industry_mix,
           (x1 - x0) - x0 * g_ref AS regional_shift
    FROM pair
) TO '{out}' (FORMAT parquet, COMPRESSION zstd)
"""


def compute(input_path: Path, out: Path, reference_region: str | None = "US000",
            total_industry: str | None = "10") -> dict:
    """Write ``out/lq.parquet`` and ``out/growth.parquet`` from ``input_path``; return timings."""
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    template = SOURCE_CSV if input_path.suffix == ".csv" else SOURCE_PARQUET
    source = template.format(path=str(input_path).replace("'", "''"))
    if reference_region is None or total_industry is None:
        raise SystemExit("duckdb_impl.py needs --reference-region and --total-industry (no flat tables)")
    params = {"ref": reference_region, "total": total_industry}
    times = {}
    t = time.perf_counter()
    # a view cannot hold prepared parameters: inline them as quoted literals
    sql = DENOMINATORS.format(source=source)
    for name, val in params.items():
        sql = sql.replace(f"${name}", "'" + val.replace("'", "''") + "'")
    con.execute(sql)
    con.execute(LQ.format(out=str(out / "lq.parquet").replace("'", "''")))
    times["lq"] = time.perf_counter() - t
    t = time.perf_counter()
    con.execute(GROWTH.format(out=str(out / "growth.parquet").replace("'", "''")))
    times["growth"] = time.perf_counter() - t
    con.close()
    return {k: round(v, 4) for k, v in times.items()}


def main() -> None:
    from contender_cli import run

    run(compute, "DuckDB SQL LQ + growth + shift-share")


if __name__ == "__main__":
    main()
