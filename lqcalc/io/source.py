"""Where the rows of a run come from, one partition (a set of whole years) at a time.

A run reads, validates and computes partition by partition, so that a national table never
has to fit in memory at once (see docs/performance.md). Two sources:

* :class:`ParquetSource`: one long Parquet file whose year column is an integer column.
  Nothing is read up front but the row count of each year (one column, streaming); each
  partition is a filtered scan of the file (Parquet statistics skip the row groups of other
  years) turned into tidy rows by the same code as the eager reader
  (:func:`lqcalc.io.long.to_tidy`), so lines, parsing rules and problems are identical.
* :class:`FrameSource`: every other input (CSV, Excel, NBS exports, several files), read at
  once by :func:`lqcalc.io.read_inputs` and then cut into partitions in memory.

:func:`plan_partitions` groups consecutive years into partitions of at most ``budget`` rows
(a year larger than the budget is a partition of its own); a table within the budget is one
partition, and its run is exactly the run of the whole table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from lqcalc import schema
from lqcalc.config import DEFAULT_PARTITION_ROWS, ReadOptions
from lqcalc.errors import DataError, Problem, UsageError


@dataclass(frozen=True)
class Partition:
    """The years of one partition (``None`` stands for rows without a year) and its rows."""

    years: tuple[int | None, ...]
    rows: int


def plan_partitions(counts: list[tuple[int | None, int]], budget: int) -> list[Partition]:
    """Group years (in order, rows without a year last) into partitions of at most ``budget`` rows.

    >>> [p.years for p in plan_partitions([(2020, 3), (2021, 3), (2022, 3), (None, 1)], 6)]
    [(2020, 2021), (2022, None)]
    >>> [p.years for p in plan_partitions([(2021, 9), (2020, 2)], 4)]   # a year over the budget stands alone
    [(2020,), (2021,)]
    >>> plan_partitions([(2020, 5), (2021, 5)], 100)[0].rows
    10
    """
    budget = max(int(budget), 1)
    ordered = sorted(counts, key=lambda c: (c[0] is None, c[0] if c[0] is not None else 0))
    parts: list[Partition] = []
    years: list[int | None] = []
    rows = 0
    for year, n in ordered:
        if years and rows + n > budget:
            parts.append(Partition(tuple(years), rows))
            years, rows = [], 0
        years.append(year)
        rows += n
    if years:
        parts.append(Partition(tuple(years), rows))
    return parts


def _year_filter(col: str, years: tuple[int | None, ...]) -> pl.Expr:
    known = [y for y in years if y is not None]
    expr = pl.col(col).is_in(pl.Series(known, dtype=pl.Int64).implode()) if known else pl.lit(False)
    if None in years:
        expr = expr | pl.col(col).is_null()
    return expr


@dataclass
class FrameSource:
    """A tidy table already in memory (every reader but the partitioned Parquet one)."""

    tidy: pl.DataFrame
    infos: list[dict]
    problems: list[Problem] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.tidy.height

    def year_counts(self) -> list[tuple[int | None, int]]:
        counts = self.tidy.group_by("year").len()
        return [(y, n) for y, n in counts.iter_rows()]

    def plan(self, budget: int) -> list[Partition]:
        return plan_partitions(self.year_counts(), budget)

    def read(self, part: Partition, single: bool = False) -> pl.DataFrame:
        """The tidy rows of ``part`` (the whole table, uncopied, when it is the only partition)."""
        if single:
            return self.tidy
        return self.tidy.filter(_year_filter("year", part.years))

    #: Key columns that :meth:`lazy` gives as written (none: the tidy table is clean).
    raw_keys: tuple[str, ...] = ()

    @property
    def fixed_pairs(self) -> dict[str, pl.DataFrame]:
        """Distinct label pairs known without reading the rows: none, the rows are in memory."""
        return {}

    def lazy(self) -> pl.LazyFrame:
        """The tidy table as a LazyFrame (for whole-table facts such as the validation context)."""
        return self.tidy.lazy()

    def keys_padded(self, padded: tuple[str, ...]) -> None:
        """Nothing to learn: the table in memory is already clean."""


class ParquetSource:
    """One long Parquet file read partition by partition (see the module docstring)."""

    #: Key columns that :meth:`lazy` gives as written, not stripped of blanks.
    raw_keys: tuple[str, ...] = ("region", "industry")

    def __init__(self, path: str | Path, opts: ReadOptions):
        from lqcalc.io.long import resolve_columns

        self.path = Path(path)
        self.opts = opts
        try:
            file_schema = pl.read_parquet_schema(self.path)
        except Exception as exc:  # noqa: BLE001 - any reader failure is bad input
            raise DataError(f"cannot read {self.path} as Parquet: {exc}",
                            [Problem("unreadable_file", str(exc), str(self.path))]) from exc
        self.schema = file_schema
        self.cols = resolve_columns(list(file_schema), self.path, opts)
        year = self.cols["year"]
        self.year_col = year
        scan = self._scan(row_index=False)
        if year is None:
            n = scan.select(pl.len()).collect(engine="streaming").item()
            self.counts: list[tuple[int | None, int]] = [(None, n)] if n else []
        else:
            counts = scan.group_by(year).len().collect(engine="streaming")
            self.counts = [(y, n) for y, n in counts.iter_rows()]
        self.problems: list[Problem] = []
        self.norm_counts: dict[str, int] = {}
        self.strip: tuple[str, ...] = self.raw_keys
        if not self.rows:
            raise DataError(f"{self.path} has a header but no data rows",
                            [Problem("no_rows", "no data rows after the header", str(self.path), 1)])
        self.info = {"file": str(self.path), "format": "parquet",
                     "integer_columns": [c for c, t in file_schema.items() if t.is_integer()],
                     "layout": "long", "rows": self.rows, "partitioned": True,
                     "columns": {"region": self.cols["region"], "industry": self.cols["industry"], "year": year,
                                 "values": self.cols["values"], "region_name": self.cols["region_name"],
                                 "industry_name": self.cols["industry_name"]}}

    @classmethod
    def eligible(cls, paths: list[str], opts: ReadOptions) -> bool:
        """One Parquet file whose year column (if any) holds integers."""
        if len(paths) != 1 or Path(paths[0]).suffix.lower() not in (".parquet", ".pq") or not Path(paths[0]).is_file():
            return False
        try:
            file_schema = pl.read_parquet_schema(paths[0])
        except Exception:  # noqa: BLE001 - the eager reader reports it
            return False
        from lqcalc.io.long import _resolve

        try:
            year = _resolve(opts.year_col, "year_col", list(file_schema), Path(paths[0]), False)
        except UsageError:
            return False
        return year is None or file_schema[year].is_integer()

    @property
    def infos(self) -> list[dict]:
        return [{**self.info, **self.norm_counts}]

    @property
    def rows(self) -> int:
        return sum(n for _, n in self.counts) * max(len(self.cols["values"]), 1) if hasattr(self, "cols") else 0

    def _scan(self, row_index: bool = True) -> pl.LazyFrame:
        if row_index:
            return pl.scan_parquet(self.path, row_index_name="__line", row_index_offset=1)
        return pl.scan_parquet(self.path)

    def year_counts(self) -> list[tuple[int | None, int]]:
        k = max(len(self.cols["values"]), 1)
        return [(y, n * k) for y, n in self.counts]

    def plan(self, budget: int) -> list[Partition]:
        return plan_partitions(self.year_counts(), budget)

    def read(self, part: Partition, single: bool = False) -> pl.DataFrame:
        """The tidy rows of ``part``; cells that cannot be read are collected in ``problems``."""
        from lqcalc.io.long import to_tidy

        scan = self._scan()
        if self.year_col is not None:
            scan = scan.filter(_year_filter(self.year_col, part.years))
        raw = scan.collect().with_columns(pl.col("__line").cast(pl.Int64))
        tidy, problems, counts = to_tidy(raw, self.cols, str(self.path), self.opts, strip=self.strip)
        self.problems.extend(problems)
        for k, v in counts.items():
            self.norm_counts[k] = self.norm_counts.get(k, 0) + v
        return tidy

    def keys_padded(self, padded: tuple[str, ...]) -> None:
        """Learn which of :attr:`raw_keys` have a label with blanks around it (from the
        distinct labels of the whole file, :func:`lqcalc.validation.validation_context`):
        the others need no stripping as each partition is read (22M-row file: 0.3 s per
        partition)."""
        self.strip = tuple(k for k in self.raw_keys if k in padded)

    @property
    def fixed_pairs(self) -> dict[str, pl.DataFrame]:
        """The distinct (measure, unit) pairs of :meth:`lazy`, known without reading a row
        (see :func:`lqcalc.validation.validation_context`)."""
        values = list(dict.fromkeys(self.cols["values"]))
        return {"measure": pl.DataFrame({"measure": values, "unit": [self.opts.unit] * len(values)},
                                        schema={"measure": pl.String, "unit": pl.String})}

    def lazy(self) -> pl.LazyFrame:
        """The key columns of the tidy table, lazily (for whole-table facts; values unparsed).

        The region and industry codes are as written (:attr:`raw_keys`): their distinct
        values are far fewer than the rows, so whoever reads them strips them after ``unique``.
        """
        c = self.cols
        frames = []
        for v in c["values"]:
            frames.append(self._scan(row_index=False).select(
                pl.col(c["region"]).cast(pl.String).alias("region"),
                (pl.col(c["region_name"]).cast(pl.String) if c["region_name"] else pl.lit(None, pl.String)).alias("region_name"),
                pl.col(c["industry"]).cast(pl.String).alias("industry"),
                (pl.col(c["industry_name"]).cast(pl.String) if c["industry_name"] else pl.lit(None, pl.String)).alias("industry_name"),
                (pl.col(c["year"]).cast(pl.Int32, strict=False) if c["year"] else pl.lit(None, pl.Int32)).alias("year"),
                pl.lit(v, dtype=pl.String).alias("measure"),
                pl.lit(None, dtype=pl.Float64).alias("value"),
                pl.lit(self.opts.unit, dtype=pl.String).alias("unit"),
                pl.lit(str(self.path), dtype=pl.String).alias("source_file"),
                pl.lit(None, dtype=pl.Int64).alias("source_line"),
            ))
        return pl.concat(frames) if len(frames) > 1 else frames[0]


def open_source(paths: list[str], opts: ReadOptions) -> FrameSource | ParquetSource:
    """The source of a run's rows: partitioned Parquet when possible, else read at once."""
    if ParquetSource.eligible(paths, opts):
        return ParquetSource(paths[0], opts)
    from lqcalc.io import read_inputs

    tidy, infos = read_inputs(paths, opts)
    return FrameSource(schema.conform(tidy) if isinstance(tidy, pl.DataFrame) else tidy, infos)


__all__ = ["DEFAULT_PARTITION_ROWS", "Partition", "plan_partitions", "FrameSource", "ParquetSource", "open_source"]
