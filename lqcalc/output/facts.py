"""Counts of the summaries taken from each part of a table as it is written.

The summaries count the empty LQs by reason, the missing values and the latest year of each
measure. Read back from ``indicators.parquet`` and ``tidy.parquet``, that is a pass over
every row of the largest files (22.4M rows: 0.5 s for the counts, 0.3 s for the years);
taken from each partition's rows in memory while they are written, it is a few
milliseconds a partition. :class:`WrittenFacts` gathers them in a run
(:func:`lqcalc.pipeline.run`); :func:`lqcalc.output.summary.summary_tables` uses them when
given, and otherwise computes the same from the tables
(``tests/test_output_facts.py`` compares the two).
"""

from __future__ import annotations

import polars as pl

#: The reason counted for an empty LQ that has none (as the summary from the tables counts it).
NO_REASON = "unknown"


class WrittenFacts:
    """What the summaries count, added up part by part (:meth:`add`).

    >>> facts = WrittenFacts()
    >>> facts.add("tidy", pl.DataFrame({"value": [1.0, None]}))
    >>> facts.add("indicators", pl.DataFrame({"measure": ["emp"] * 3, "year": [2020, 2021, 2021],
    ...                                       "lq": [1.0, None, None], "null_reason": [None, "value is missing", None]}))
    >>> facts.missing_values, facts.lq_counts().sort("_reason").rows()
    (1, [(False, None, 1), (True, 'unknown', 1), (True, 'value is missing', 1)])
    >>> facts.latest_years().rows()
    [('emp', 2021)]
    """

    def __init__(self) -> None:
        self.missing_values = 0
        self.cells = 0
        self._empty: dict[str, int] = {}
        self._latest: list[pl.DataFrame] = []
        self._seen: set[str] = set()

    def add(self, name: str, df: pl.DataFrame) -> None:
        """Count the part ``df`` of table ``name`` (``tidy`` and ``indicators``; others are ignored)."""
        if name == "tidy" and "value" in df.columns:
            self._seen.add(name)
            self.missing_values += df["value"].null_count()
        elif name == "indicators" and {"lq", "null_reason", "measure", "year"} <= set(df.columns):
            self._seen.add(name)
            self.cells += df.height
            empty = (df.lazy().filter(pl.col("lq").is_null())
                     .group_by(pl.col("null_reason").fill_null(NO_REASON).alias("_reason"))
                     .agg(pl.len().alias("n")).collect())
            for r, n in empty.iter_rows():
                self._empty[r] = self._empty.get(r, 0) + n
            self._latest.append(df.group_by("measure").agg(pl.col("year").max()))

    def has(self, name: str) -> bool:
        """Whether a part of ``name`` was counted."""
        return name in self._seen

    def lq_counts(self) -> pl.DataFrame:
        """Cells by ``_empty`` (LQ null) and ``_reason`` (null where the LQ has a value), ``n``."""
        empty = sum(self._empty.values())
        rows = [(False, None, self.cells - empty)] if self.cells > empty else []
        rows += [(True, r, n) for r, n in self._empty.items()]
        return pl.DataFrame(rows, schema={"_empty": pl.Boolean, "_reason": pl.String, "n": pl.UInt32}, orient="row")

    def latest_years(self) -> pl.DataFrame:
        """The latest year of each measure of ``indicators`` (``measure``, ``year``)."""
        if not self._latest:
            return pl.DataFrame(schema={"measure": pl.String, "year": pl.Int32})
        return pl.concat(self._latest, how="vertical_relaxed").group_by("measure", maintain_order=True).agg(
            pl.col("year").max())
