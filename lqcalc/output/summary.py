"""The tables an analyst reads first, written to ``DIR/summary/``.

Why this module is long: the summary tables share their lazy queries (the latest year, the
cells, the ranks) and their rendering to CSV, Markdown and sheets in two languages; the
charts (:mod:`lqcalc.output.charts`) reuse the same queries.

For each summary table: ``<name>.csv`` (UTF-8 with BOM, so Excel shows Chinese text),
a section of ``summary.md`` (Markdown) and a sheet of ``summary.xlsx``, all with readable
headers in English or Chinese (``lang``).

Tables (each skipped when the columns it needs are not in the run's outputs):

``top_clusters_by_industry``
    the ``top`` regions with the highest LQ per industry in the latest year;
``top_clusters_by_region``
    the ``top`` industries with the highest LQ per region in the latest year;
``cluster_classes``
    the region x industry cells that some cluster rule marks (not "neither" / "below" /
    false), with LQ, growth and the class columns of ``clusters``: the strongest
    :data:`CLASS_ROWS` at most (every cell is in ``clusters``);
``cluster_class_counts``
    how many cells each rule puts in each class, and how many cells one rule or more marks;
``growth_by_region``
    growth of each region's total against the reference, and the shift-share components
    summed over the region's industries;
``validation``
    rows read, used and rejected (by rule), missing values, LQ computed / empty (by reason).

The run's tables may be DataFrames or LazyFrames; the partitioned run passes scans of the
Parquet files it has written (22 or 200 million rows in ``tidy`` and ``indicators``). Every
query is a LazyFrame collected with the streaming engine that reads only what one summary
shows: the latest year for the rankings (four columns first, then the ranked rows), the
``clusters`` table, the start and end years for the growth by region, and small
aggregations for the counts, so memory stays bounded whatever the number of years.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from pathlib import Path

import polars as pl

from lqcalc.output.labels import label, relabel, sheet_name, table_title
from lqcalc.output.facts import NO_REASON, WrittenFacts

SUMMARY_DIR = "summary"

#: Columns that identify a cell; everything else in ``clusters`` is a measure or a class.
ID_COLUMNS = ("region", "region_name", "industry", "industry_name", "year", "measure", "unit",
              "start_year", "end_year", "region_level", "parent_region", "period", "is_total_industry", "is_leaf")
#: Numeric columns of ``clusters`` shown next to the classes.
CLUSTER_NUMBERS = ("value", "size", "establishments", "lq", "lq_ci_low", "growth", "reference_growth",
                   "relative_growth", "cagr")
#: Class values that mean "not a cluster" (NESTA "neither", threshold "below", the
#: growth-share quadrants of regions with LQ < 1).
NOT_A_CLUSTER = ("neither", "below", "none", "emerging", "transforming", "")

MARKDOWN_ROWS = 50
#: Rows of a summary table written to its XLSX sheet (the CSV file always has every row, the
#: Parquet tables and the database everything). A summary is read, not scrolled: beyond this
#: the workbook only gets slow to write and to open (2M-row runs: 27 s for 100,000-row sheets).
XLSX_ROWS = 10_000
#: Cells listed in ``cluster_classes`` at most, the strongest first (most rules met, then the
#: highest LQ). A summary that a spreadsheet opens whole (Excel shows 1,048,576 rows; U.S.
#: counties x 6-digit industries mark 1.2M cells, a 263 MB CSV file); ``clusters.parquet``
#: and the ``clusters`` table of the database hold every cell.
CLASS_ROWS = 100_000
#: The row of ``cluster_class_counts`` that counts the cells one rule or more marks.
MARKED = ("rules_met", ">= 1")


Frame = pl.DataFrame | pl.LazyFrame


def lazy_tables(tables: Mapping[str, Frame | None]) -> dict[str, pl.LazyFrame]:
    """The tables as LazyFrames (``None`` entries left out); DataFrames are wrapped, scans kept.

    >>> t = lazy_tables({"a": pl.DataFrame({"x": [1]}), "b": None})
    >>> list(t), type(t["a"]).__name__
    (['a'], 'LazyFrame')
    """
    return {name: t.lazy() for name, t in tables.items() if t is not None}


def collect(lf: pl.LazyFrame) -> pl.DataFrame:
    """Collect with the streaming engine: a scan is read in batches, so memory stays bounded."""
    return lf.collect(engine="streaming")


def _names(lf: Frame) -> list[str]:
    return lf.collect_schema().names()


def _has(lf: Frame | None, *cols: str) -> bool:
    if lf is None:
        return False
    names = _names(lf)
    return all(c in names for c in cols)


def _drop_empty(df: pl.DataFrame) -> pl.DataFrame:
    """Drop the columns that hold no value at all (names that no input gave, LQ against a
    parent region when there is no hierarchy)."""
    keep = [c for c in df.columns if df[c].null_count() < df.height]
    return df.select(keep) if df.height else df


def _cells(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Rows of real regions and industries (no reference row, no total row, whole period)."""
    names = _names(lf)
    for flag in ("is_reference_region", "is_total_industry"):
        if flag in names:
            lf = lf.filter(~pl.col(flag).fill_null(False))
    if "period" in names and collect(lf.select((pl.col("period") == "total").any())).item():
        lf = lf.filter(pl.col("period") == "total")
    return lf


def _leaves(ind: pl.LazyFrame) -> pl.LazyFrame:
    """Indicator cells of leaf industries (sums over them never cross hierarchy levels)."""
    ind = _cells(ind)
    return ind.filter(pl.col("is_leaf").fill_null(True)) if "is_leaf" in _names(ind) else ind


def _latest_years(ind: pl.LazyFrame) -> pl.DataFrame:
    """The latest year of each measure (``measure``, ``year``): one small aggregation."""
    return collect(ind.group_by("measure").agg(pl.col("year").max()))


def _latest(ind: pl.LazyFrame, last: pl.DataFrame | None = None) -> pl.LazyFrame:
    """Rows of the latest year of each measure (rows without a year are kept).

    ``last`` is :func:`_latest_years` of ``ind`` (computed when not given); the filter is a
    predicate on the scan (``year == Y`` for each measure), so only that year's rows are read.
    """
    if "year" not in _names(ind):
        return ind
    if last is None:
        last = _latest_years(ind)
    keep = pl.col("year").is_null()
    for measure, year in last.rows():
        if year is not None:
            keep = keep | (pl.col("measure").eq_missing(measure) & (pl.col("year") == year))
    return ind.filter(keep)


def _keys_in(lf: pl.LazyFrame, keys: pl.DataFrame) -> pl.LazyFrame:
    """Rows of ``lf`` whose ``keys.columns`` values are a row of ``keys`` (a small frame)."""
    return lf.join(keys.unique().lazy(), on=keys.columns, how="semi", nulls_equal=True, maintain_order="left")


def _with_growth(cells: pl.DataFrame, tables: Mapping[str, pl.LazyFrame]) -> pl.DataFrame:
    """Join growth (the longest period ending in the cell's year) onto indicator cells.

    Only the growth rows of the cells' region x industry x measure are read.
    """
    growth = tables.get("growth")
    if not _has(growth, "region", "industry", "measure", "growth", "end_year") or "year" not in cells.columns:
        return cells
    g = _keys_in(_cells(growth), cells.select("region", "industry", "measure"))
    cols = ["region", "industry", "measure", "end_year", "growth"] + [
        c for c in ("relative_growth",) if c in _names(g)]
    g = collect(g.select(cols + [c for c in ("start_year",) if c in _names(g)]))
    if "start_year" in g.columns:
        g = g.sort("start_year").group_by(["region", "industry", "measure", "end_year"], maintain_order=True).first()
    g = g.select(cols).with_columns(pl.col("end_year").cast(cells.schema["year"]))
    return cells.join(g, left_on=["region", "industry", "measure", "year"],
                      right_on=["region", "industry", "measure", "end_year"], how="left")


def _with_classes(cells: pl.DataFrame, tables: Mapping[str, pl.LazyFrame]) -> pl.DataFrame:
    clusters = tables.get("clusters")
    if not _has(clusters, "region", "industry", "measure"):
        return cells
    classes = class_columns(clusters)
    if not classes:
        return cells
    keys = ["region", "industry", "measure"] + [c for c in ("year",) if c in _names(clusters) and c in cells.columns]
    right = collect(_keys_in(clusters.select(keys + classes), cells.select("region", "industry", "measure")))
    right = right.unique(keys, keep="first")
    if "year" in keys:
        right = right.with_columns(pl.col("year").cast(cells.schema["year"]))
    return cells.join(right, on=keys, how="left")


def class_columns(clusters: Frame) -> list[str]:
    """The class columns of ``clusters``: text or true/false columns that are not ids.

    >>> class_columns(pl.DataFrame({"region": ["a"], "lq": [1.2], "nesta_class": ["both"], "strong": [True]}))
    ['nesta_class', 'strong']
    """
    return [c for c, t in clusters.collect_schema().items()
            if c not in ID_COLUMNS and c != "null_reason" and (t == pl.String or t == pl.Boolean)]


def _ranks(cells: pl.LazyFrame, top: int, by_measure: bool = True) -> dict[str, pl.DataFrame]:
    """Row numbers (``_row``, in the order of ``cells``) and ranks of the ``top`` highest LQs
    per industry and per region (and measure; ``by_measure`` false when ``cells`` hold a
    single measure, the same groups on one key less).

    Only four columns of the cells are read; ties keep the order of the rows (ordinal ranks),
    as if the whole table were ranked.
    """
    narrow = collect(cells.select("region", "industry", "measure", "lq").with_row_index("_row")
                     .filter(pl.col("lq").is_not_null()))
    out = {}
    for by in ("industry", "region"):
        window = [by, "measure"] if by_measure else by
        out[by] = (narrow.with_columns(pl.col("lq").rank("ordinal", descending=True).over(window)
                                       .cast(pl.Int32).alias("rank"))
                   .filter(pl.col("rank") <= top).select("_row", "rank"))
    return out


#: Columns of ``indicators`` that the top-cluster tables leave out (besides ``is_*`` flags).
TOP_HIDDEN = ("unit", "region_total", "reference_value", "reference_total", "null_reason", "slq", "lq_ci_high",
              "lq_excl_own", "region_level", "parent_region")


def _shown_in_top(column: str) -> bool:
    return column not in TOP_HIDDEN and not column.startswith("is_")


def _top(cells: pl.DataFrame, ranks: pl.DataFrame, by: str) -> pl.DataFrame:
    ranked = cells.join(ranks, on="_row", how="inner", maintain_order="left").drop("_row")
    first = ["industry", "industry_name"] if by == "industry" else ["region", "region_name"]
    second = ["region", "region_name"] if by == "industry" else ["industry", "industry_name"]
    order = [c for c in (*first, "measure", "rank", *second, "year", "value", "lq", "lq_ci_low",
                         "share_of_region", "share_of_reference", "growth", "relative_growth") if c in ranked.columns]
    rest = [c for c in ranked.columns if c not in order and _shown_in_top(c)]
    return _drop_empty(ranked.select(order + rest).sort([by, "measure", "rank"]))


def top_clusters(ind: pl.LazyFrame, tables: Mapping[str, pl.LazyFrame], top: int,
                 last: pl.DataFrame | None = None) -> dict[str, pl.DataFrame]:
    """``top_clusters_by_industry`` and ``top_clusters_by_region`` from the latest year's cells.

    The ranks are computed on four columns; only the ranked rows are kept with the columns
    the tables show, and growth and cluster classes are joined onto those rows alone.
    ``last`` is :func:`_latest_years` of ``ind`` when known (computed when not given).
    """
    cells = _cells(ind)
    if "year" not in _names(cells):
        last = None
    elif last is None:
        last = _latest_years(cells)
    cells = _latest(cells, last)
    ranks = _ranks(cells, top, by_measure=last is None or last.height > 1)
    wanted = pl.concat([ranks["industry"]["_row"], ranks["region"]["_row"]]).unique()
    keys = ("region", "industry", "measure", "year")
    rows = collect(cells.select(c for c in _names(cells) if c in keys or _shown_in_top(c)).with_row_index("_row")
                   .filter(pl.col("_row").is_in(wanted.implode())))
    rows = _with_classes(_with_growth(rows, tables), tables)
    return {f"top_clusters_by_{by}": _top(rows, ranks[by], by) for by in ("industry", "region")}


def cluster_class_tables(clusters: pl.LazyFrame, limit: int | None = None) -> dict[str, pl.DataFrame]:
    """``cluster_classes`` (the cells some rule marks, the strongest ``limit`` of them) and
    ``cluster_class_counts`` (with the number of marked cells in its :data:`MARKED` row).

    The counts of every class column, and of the marked cells, come from one pass (one
    group-by on the class columns together: a few dozen combinations); a cell meets a rule
    when its class is one of the values counted there that mean a cluster (a list of a few
    values instead of lowercasing every cell). Ties in rules met and LQ keep the order of
    ``clusters``.

    >>> c = pl.DataFrame({"region": ["a", "b", "c"], "industry": "x", "lq": [1.5, 3.0, 0.5],
    ...                   "strong_cluster": [True, True, False], "class_threshold": ["LQ >= 1.25", "LQ >= 2.0", "below"]})
    >>> out = cluster_class_tables(c.lazy(), limit=1)
    >>> out["cluster_classes"].select("region", "rules_met").rows()
    [('b', 2)]
    >>> out["cluster_class_counts"].filter(pl.col("rule") == "rules_met").rows()
    [('rules_met', '>= 1', 2)]
    """
    limit = CLASS_ROWS if limit is None else limit
    out: dict[str, pl.DataFrame] = {}
    schema = clusters.collect_schema()
    classes = class_columns(clusters)
    if not classes:
        return out
    shown_as_text = {c: pl.col(c).cast(pl.String) if schema[c] == pl.Boolean else pl.col(c) for c in classes}
    # the cells of each combination of classes (a few dozen): the counts of every column and
    # of the marked cells come from them (3.2M cells: 0.3 s instead of 0.85 + 0.14 s)
    combos = collect(clusters.group_by([shown_as_text[c].alias(c) for c in classes]).agg(pl.len().alias("_n")))
    counts, met, met_text = [], [], []
    for c in classes:
        vc = (combos.group_by(c).agg(pl.col("_n").sum().cast(pl.Int64).alias("count"))
              .sort(["count", c], descending=[True, False], nulls_last=True).rename({c: "class"}))
        counts.append(vc.select(pl.lit(c).alias("rule"), pl.col("class"), pl.col("count")))
        if schema[c] == pl.Boolean:
            met.append(pl.col(c).fill_null(False))
            met_text.append((pl.col(c) == "true").fill_null(False))
        else:
            values = vc["class"].drop_nulls()
            marked = values.filter(~values.str.to_lowercase().is_in(list(NOT_A_CLUSTER)))
            met.append(pl.col(c).is_in(marked.implode()).fill_null(False))
            met_text.append(met[-1])
    rules_met = pl.sum_horizontal([m.cast(pl.Int32) for m in met]).alias("rules_met")
    shown = [c for c in ("region", "region_name", "industry", "industry_name", "year", "measure",
                         *CLUSTER_NUMBERS) if c in schema] + ["rules_met"] + classes
    sort_by = ["rules_met"] + [c for c in ("lq",) if c in schema]
    marked_cells = clusters.with_columns(rules_met).filter(pl.col("rules_met") > 0)
    n_marked = int(combos.filter(pl.any_horizontal(met_text))["_n"].sum())
    # the marked cells collected, then ordered by their sort keys alone and gathered: at 5M rows
    # 0.15 s, where sorting all their columns in the query took 0.33 s
    marked_rows = collect(marked_cells.select(shown))
    marked_rows = marked_rows[descending_order(marked_rows, sort_by).head(limit)]
    counts.append(pl.DataFrame({"rule": [MARKED[0]], "class": [MARKED[1]], "count": [n_marked]},
                               schema={"rule": pl.String, "class": pl.String, "count": pl.Int64}))
    out["cluster_classes"] = _drop_empty(marked_rows)
    out["cluster_class_counts"] = pl.concat(counts)
    return out


def descending_order(df: pl.DataFrame, keys: list[str]) -> pl.Series:
    """Row positions of ``df`` sorted by ``keys``, each descending with nulls last, ties in
    the order of the rows: one stable sort per key, the last key first (0.06 s instead of
    0.17 s for one sort on two keys, 0.67M cells).

    >>> df = pl.DataFrame({"k": [1, 2, 2, 1, 2], "x": [0.5, None, 3.0, 0.5, 3.0]})
    >>> descending_order(df, ["k", "x"]).to_list()
    [2, 4, 1, 0, 3]
    """
    order = pl.int_range(df.height, dtype=pl.get_index_type(), eager=True)
    for key in reversed(keys):
        column = df[key].gather(order).to_frame()
        order = order.gather(column.select(pl.arg_sort_by(key, descending=True, nulls_last=True,
                                                          maintain_order=True)).to_series())
    return order


def summary_tables(tables: Mapping[str, Frame | None], top: int = 5, report: dict | None = None,
                   by_region: Callable[[], pl.DataFrame | None] | None = None,
                   facts: WrittenFacts | None = None) -> dict[str, pl.DataFrame]:
    """Build the summary tables (plain column names) from a run's output tables.

    Parameters
    ----------
    tables : mapping of str to polars.DataFrame or polars.LazyFrame
        The run's tables: ``indicators`` (needed for the cluster tables), ``growth``,
        ``clusters``, ``tidy``, ``rejected`` (each optional). LazyFrames (scans of the
        Parquet outputs) are read only as far as each summary needs: a few columns, the
        latest year, the ranked rows; the large tables are never collected whole.
    top : int
        How many regions per industry (and industries per region) to list.
    report : dict, optional
        The run's validation report (``validation.json``) for the validation summary.
    by_region : callable, optional
        Gives :func:`growth_by_region` of the same tables, when the caller computes it anyway
        (a run's shift-share chart needs it too).
    facts : lqcalc.output.facts.WrittenFacts, optional
        Counts a run took from ``tidy`` and ``indicators`` while writing them (the empty LQs
        by reason, the missing values, the latest years): the same numbers, without reading
        those tables again.

    Examples
    --------
    >>> ind = pl.DataFrame({"region": ["a", "b", "a", "b"], "industry": ["x", "x", "y", "y"],
    ...                     "year": [2020] * 4, "measure": ["jobs"] * 4, "value": [1.0, 3, 3, 1],
    ...                     "lq": [0.5, 1.5, 1.5, 0.5]})
    >>> s = summary_tables({"indicators": ind}, top=1)
    >>> s["top_clusters_by_industry"].select("industry", "region", "lq").rows()
    [('x', 'b', 1.5), ('y', 'a', 1.5)]
    >>> s = summary_tables({"indicators": ind.lazy()}, top=1)
    >>> s["top_clusters_by_region"].select("region", "industry", "lq").rows()
    [('a', 'y', 1.5), ('b', 'x', 1.5)]
    """
    tables = lazy_tables(tables)
    out: dict[str, pl.DataFrame] = {}
    ind = tables.get("indicators")
    if _has(ind, "region", "industry", "measure", "lq"):
        known = facts.latest_years() if facts is not None and facts.has("indicators") else None
        out.update(top_clusters(ind, tables, top, last=known))
    clusters = tables.get("clusters")
    if _has(clusters, "region", "industry"):
        out.update(cluster_class_tables(clusters))
    gbr = by_region() if by_region is not None else growth_by_region(tables)
    if gbr is not None:
        out["growth_by_region"] = gbr
    out["validation"] = validation_summary(tables, report, facts=facts)
    return out


def growth_by_region(tables: Mapping[str, Frame | None]) -> pl.DataFrame | None:
    """Growth of each region's total and its shift-share components (None without growth).

    The region total and the reference total come from ``indicators`` (their columns
    ``region_total`` and ``reference_total``); the components are summed over the region's
    industries in ``growth`` (only the rows that are cells of ``indicators``: its regions,
    its measures and its leaf industries).

    Every growth row is a cell of ``indicators`` in its end year (both tables hold the rows
    of the same regions and industries), so of ``indicators`` only the rows of the start and
    end years are read (a predicate on the scan), and the cells of ``growth`` are selected by
    region, industry and measure separately (three small lists instead of a join of millions
    of keys).

    >>> ind = pl.DataFrame({"region": ["a", "a"], "industry": ["x", "x"], "year": [2020, 2021],
    ...                     "measure": ["jobs"] * 2, "region_total": [10.0, 12.0],
    ...                     "reference_total": [100.0, 110.0]})
    >>> g = pl.DataFrame({"region": ["a", "b"], "industry": ["x", "x"], "measure": ["jobs"] * 2,
    ...                   "start_year": [2020] * 2, "end_year": [2021] * 2, "change": [1.0, 5.0]})
    >>> growth_by_region({"indicators": ind, "growth": g.lazy()}).select("region", "growth", "change").rows()
    [('a', 0.19999999999999996, 1.0)]
    """
    tables = lazy_tables(tables)
    growth = tables.get("growth")
    ind = tables.get("indicators")
    if not _has(growth, "region", "industry", "measure", "start_year", "end_year"):
        return None
    comps = [c for c in ("change", "national_share", "industry_mix", "regional_shift", "em_competitive",
                         "em_allocation") if c in _names(growth)]
    g = _cells(growth)
    ends = starts = None
    if _has(ind, "year"):
        year_type = ind.collect_schema()["year"]
        starts, ends = (collect(g.select(pl.col(c).unique().cast(year_type).implode())).to_series()[0]
                        for c in ("start_year", "end_year"))
    if _has(ind, "region", "industry", "measure"):
        at_end = ind.filter(pl.col("year").is_in(ends.implode())) if ends is not None else ind
        present = collect(_leaves(at_end).select(pl.col(c).unique().implode() for c in ("region", "industry", "measure")))
        g = g.filter(pl.all_horizontal(pl.col(c).is_in(present[c].explode().implode())
                                       for c in ("region", "industry", "measure")))
    keys = ["region", "measure", "start_year", "end_year"]
    summed = collect(g.select(*keys, *comps)).group_by(keys, maintain_order=True).agg(
        [pl.col(c).sum().alias(c) for c in comps] + [pl.len().alias("n_industries")]
    )
    if _has(ind, "region", "year", "measure", "region_total", "reference_total"):
        # one row per region x year x measure: the totals are the same on every industry's row
        cells = _cells(ind)
        if starts is not None:
            cells = cells.filter(pl.col("year").is_in(pl.concat([starts, ends]).implode()))
        name_cols = [c for c in ("region_name",) if c in _names(ind)]
        tot = collect(cells.group_by("region", "year", "measure").agg(
            pl.col("region_total", "reference_total", *name_cols).first()))
        names = tot.sort("year", nulls_last=True).group_by("region", maintain_order=True).agg(
            pl.col(c).first() for c in name_cols)
        tot = tot.drop(name_cols)
        for side in ("start", "end"):
            t = tot.rename({"year": f"{side}_year", "region_total": f"_rt_{side}", "reference_total": f"_rT_{side}"})
            t = t.with_columns(pl.col(f"{side}_year").cast(summed.schema[f"{side}_year"]))
            summed = summed.join(t, on=["region", "measure", f"{side}_year"], how="left", maintain_order="left")

        def _growth(a: str, b: str) -> pl.Expr:
            return pl.when(pl.col(a) != 0).then(pl.col(b) / pl.col(a) - 1)

        summed = summed.with_columns(
            pl.col("_rt_start").alias("start_value"),
            pl.col("_rt_end").alias("end_value"),
            _growth("_rt_start", "_rt_end").alias("growth"),
            _growth("_rT_start", "_rT_end").alias("reference_growth"),
        ).with_columns((pl.col("growth") - pl.col("reference_growth")).alias("relative_growth"))
        summed = summed.join(names, on="region", how="left", maintain_order="left")
        first = ["region"] + [c for c in ("region_name",) if c in summed.columns]
        summed = summed.select(first + ["measure", "start_year", "end_year", "start_value", "end_value", "growth",
                                        "reference_growth", "relative_growth", *comps, "n_industries"])
    sort_col = "regional_shift" if "regional_shift" in summed.columns else "region"
    return _drop_empty(summed.sort(sort_col, descending=sort_col != "region", nulls_last=True))


def validation_summary(tables: Mapping[str, Frame | None], report: dict | None = None,
                       facts: WrittenFacts | None = None) -> pl.DataFrame:
    """Counts an analyst checks first: rows, rejections by rule, missing values, empty LQs.

    ``report`` is the validation report of the run (``validation.json``), when there is one:
    its rows checked, rows with errors, warnings and every rule that failed are added.
    Counts of LazyFrames are aggregations over the few columns they need; ``facts``, the
    counts a run took while writing ``tidy`` and ``indicators``
    (:class:`lqcalc.output.facts.WrittenFacts`), spare reading those tables again.

    >>> validation_summary({"tidy": pl.DataFrame({"value": [1.0, None]})}).rows()
    [('rows used', 2), ('missing values', 1)]
    """
    tables = lazy_tables(tables)
    rows: list[tuple[str, int]] = []
    tidy = tables.get("tidy")
    rejected = tables.get("rejected")
    tidy_n = collect(tidy.select(pl.len())).item() if tidy is not None else 0
    rejected_n = collect(rejected.select(pl.len())).item() if rejected is not None else 0
    if tidy is not None:
        if rejected is not None:
            rows.append(("rows read", tidy_n + rejected_n))
        rows.append(("rows used", tidy_n))
    if rejected is not None:
        rows.append(("rows rejected", rejected_n))
        rule_col = next((c for c in ("rule", "rejected_rule", "reason") if c in _names(rejected)), None)
        if rule_col:
            vc = collect(rejected.select(pl.col(rule_col).value_counts(sort=True))).unnest(rule_col)
            for rule, n in vc.rows():
                rows.append((f"rows rejected: {rule}", n))
    if _has(tidy, "value"):
        missing = (facts.missing_values if facts is not None and facts.has("tidy")
                   else collect(tidy.select(pl.col("value").null_count())).item())
        rows.append(("missing values", missing))
    ind = tables.get("indicators")
    if _has(ind, "lq"):
        ind = _cells(ind)
        reasons = "null_reason" in _names(ind)
        if reasons and facts is not None and facts.has("indicators"):
            counts = facts.lq_counts()
        else:   # one streaming aggregation (a handful of groups), whatever the number of rows
            empty = pl.col("lq").is_null()
            keys = [empty.alias("_empty")]
            if reasons:
                keys.append(pl.when(empty).then(pl.col("null_reason").fill_null(NO_REASON)).alias("_reason"))
            counts = collect(ind.group_by(keys).agg(pl.len().alias("n")))
        n = counts["n"].sum()
        empties = counts.filter(pl.col("_empty"))
        rows.append(("cells", n))
        rows.append(("lq computed", n - empties["n"].sum()))
        rows.append(("lq empty", empties["n"].sum()))
        if "_reason" in counts.columns:
            for reason, k in empties.sort(["n", "_reason"], descending=[True, False]).select("_reason", "n").rows():
                rows.append((f"lq empty: {reason}", k))
    if report:
        for key, name in (("rows", "rows checked"), ("bad_rows", "rows with errors"), ("errors", "errors")):
            if isinstance(report.get(key), int):
                rows.append((name, report[key]))
        if isinstance(report.get("warnings"), list):
            rows.append(("warnings", len(report["warnings"])))
        for rule in report.get("rules") or []:
            if isinstance(rule, dict) and rule.get("failing_rows"):
                rows.append((f"rule {rule.get('id')}: {rule.get('title', '')}".strip(), int(rule["failing_rows"])))
    return pl.DataFrame(rows, schema={"check": pl.String, "count": pl.Int64}, orient="row")


# ----------------------------------------------------------------------------- writers

def _fmt(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        if v != 0 and abs(v) >= 1000:
            return f"{v:,.0f}"
        if v == int(v) and abs(v) >= 100:
            return f"{v:.0f}"
        return f"{v:.3f}"
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}" if abs(v) >= 10000 else str(v)
    return str(v).replace("|", "\\|").replace("\n", " ")


def to_markdown(df: pl.DataFrame, max_rows: int = MARKDOWN_ROWS) -> str:
    """A Markdown pipe table of ``df`` (at most ``max_rows`` rows).

    >>> print(to_markdown(pl.DataFrame({"a": ["x"], "b": [1.23456]})))
    | a | b |
    | --- | ---: |
    | x | 1.235 |
    """
    numeric = [df.schema[c].is_numeric() for c in df.columns]
    lines = ["| " + " | ".join(_fmt(c) for c in df.columns) + " |",
             "| " + " | ".join("---:" if n else "---" for n in numeric) + " |"]
    for row in df.head(max_rows).iter_rows():
        lines.append("| " + " | ".join(_fmt(v) for v in row) + " |")
    if df.height > max_rows:
        lines.append("")
        lines.append(f"({df.height - max_rows:,} more rows in the CSV file)")
    return "\n".join(lines)


def _sheet_name(title: str, used: set[str]) -> str:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31].strip() or "sheet"
    base, i = name, 2
    while name.lower() in used:
        suffix = f" {i}"
        name, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(name.lower())
    return name


VALUE_COLUMNS_SKIP = ("region", "region_name", "industry", "industry_name", "measure", "unit")


def write_summary(out_dir: Path, tables: Mapping[str, Frame | None], lang: str = "en", top: int = 5
                  ) -> dict[str, pl.DataFrame]:
    """Write ``out_dir/summary/``: one CSV per summary table, ``summary.md`` and ``summary.xlsx``.

    Parameters
    ----------
    out_dir : Path
        Output directory; only ``out_dir/summary`` is written.
    tables : mapping of str to polars.DataFrame or polars.LazyFrame
        The run's output tables (see :func:`summary_tables`).
    lang : {"en", "zh"}
        Language of headers, titles and class names.
    top : int
        Regions per industry (and industries per region) in the top-cluster tables.

    Returns
    -------
    dict of str to polars.DataFrame
        The summary tables written (plain column names, as :func:`summary_tables`).
    """
    from lqcalc.output.workbook import write_workbook

    built, sheets = write_summary_files(out_dir, tables, lang, top)
    write_workbook(Path(out_dir) / SUMMARY_DIR / WORKBOOK, sheets)
    return built


WORKBOOK = "summary.xlsx"


def write_summary_files(out_dir: Path, tables: Mapping[str, Frame | None], lang: str = "en", top: int = 5,
                        by_region: Callable[[], pl.DataFrame | None] | None = None,
                        facts: WrittenFacts | None = None):
    """Write the CSV files and ``summary.md`` of :func:`write_summary`; return the summary
    tables and the sheets of ``summary.xlsx`` (:class:`lqcalc.output.workbook.Sheet`), which
    the caller writes (:func:`~lqcalc.output.workbook.write_workbook`, or in a thread
    with :func:`~lqcalc.output.workbook.start_workbook`). ``by_region`` as in
    :func:`summary_tables` (``facts`` too)."""
    from lqcalc.output.workbook import Sheet

    sdir = Path(out_dir) / SUMMARY_DIR
    sdir.mkdir(parents=True, exist_ok=True)
    report = None
    report_path = Path(out_dir) / "validation.json"
    if report_path.is_file():
        import json

        try:
            report = json.loads(report_path.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            report = None
    built = summary_tables(tables, top=top, report=report if isinstance(report, dict) else None, by_region=by_region,
                           facts=facts)
    md = [f"# {'摘要' if lang == 'zh' else 'Summary'}", ""]
    used: set[str] = set()
    sheets: list[Sheet] = []
    names: list[str] = []
    for name, df in built.items():
        yes, no = ("是", "否") if lang == "zh" else ("yes", "no")
        df = df.with_columns(pl.when(pl.col(c)).then(pl.lit(yes)).when(~pl.col(c)).then(pl.lit(no)).alias(c)
                             for c, t in df.schema.items() if t == pl.Boolean)
        if "rule" in df.columns and name == "cluster_class_counts":
            df = df.with_columns(pl.col("rule").map_elements(lambda v: label(v, lang), return_dtype=pl.String))
        value_cols = tuple(c for c, t in df.schema.items() if t == pl.String and c not in VALUE_COLUMNS_SKIP)
        shown = relabel(df, lang, values=value_cols)
        shown.write_csv(sdir / f"{name}.csv", include_bom=True)
        title = table_title(name, lang)
        md += [f"## {title}", "", f"`{name}.csv`, {df.height:,} {'行' if lang == 'zh' else 'rows'}", ""]
        md += [to_markdown(shown) if df.height else ("（无）" if lang == "zh" else "(none)"), ""]
        if name == "cluster_classes":
            md += _class_rows_note(df.height, built.get("cluster_class_counts"), lang)
        ws_name = _sheet_name(sheet_name(name, lang), used)
        if shown.height > XLSX_ROWS:
            note = (f"XLSX 工作表只含前 {XLSX_ROWS:,} 行，CSV 文件含全部行。" if lang == "zh"
                    else f"The XLSX sheet holds the first {XLSX_ROWS:,} rows; the CSV file has them all.")
            md += [note, ""]
        sheets.append(Sheet(ws_name, shown.head(XLSX_ROWS), autofit=shown.height <= 5000, columns=tuple(df.columns)))
        names.append(name)
    (sdir / "summary.md").write_text("\n".join(md), encoding="utf-8")
    about = about_sheet(names, sheets, lang, used)
    return built, [about, *sheets]


def about_sheet(names: list[str], sheets: list, lang: str, used: set[str]):
    """The first sheet of ``summary.xlsx``: every other sheet (what it holds) and each of its
    columns (header shown, column name in the CSV / Parquet files, English, Chinese).

    >>> from lqcalc.output.workbook import Sheet
    >>> sh = Sheet("Validation", pl.DataFrame({"Check": ["rows read"], "Count": [3]}), True, ("check", "count"))
    >>> about_sheet(["validation"], [sh], "en", set()).frame.rows()[1]
    ('Validation', 'Check', 'check', 'Check', '检查项')
    """
    from lqcalc.output.labels import DESCRIPTIONS
    from lqcalc.output.workbook import Sheet

    rows = []
    for name, sheet in zip(names, sheets):
        en, zh = DESCRIPTIONS.get(name, ("", ""))
        title_en, title_zh = table_title(name, "en"), table_title(name, "zh")
        rows.append((sheet.name, None, f"{name}.csv", f"{title_en}: {en}".rstrip(": "), f"{title_zh}：{zh}".rstrip("："),))
        for header, column in zip(sheet.frame.columns, sheet.columns):
            rows.append((sheet.name, header, column, label(column, "en"), label(column, "zh")))
    headers = ["Sheet / 工作表", "Column / 列", "Name in files / 字段名", "English", "中文"]
    frame = pl.DataFrame(rows, schema=headers, orient="row")
    return Sheet(_sheet_name(sheet_name("about", lang), used), frame, autofit=False,
                 columns=("sheet", "column", "field", "english", "chinese"))


def _class_rows_note(shown: int, counts: pl.DataFrame | None, lang: str) -> list[str]:
    """Lines of ``summary.md`` saying that ``cluster_classes`` lists only the strongest cells
    (nothing when it lists every marked cell).

    >>> counts = pl.DataFrame({"rule": ["rules_met"], "class": [">= 1"], "count": [250_000]})
    >>> _class_rows_note(100_000, counts, "en")[0][:60]
    'The strongest 100,000 of the 250,000 cells that a rule marks'
    >>> _class_rows_note(3, counts.with_columns(pl.lit(3).alias("count")), "en")
    []
    """
    if counts is None:
        return []
    row = counts.filter((pl.col("rule") == MARKED[0]) & (pl.col("class") == MARKED[1]))
    total = int(row["count"][0]) if row.height else shown
    if total <= shown:
        return []
    if lang == "zh":
        return [f"只列出被规则认定的 {total:,} 个单元中最强的 {shown:,} 个（满足的规则数、区位商从高到低）；"
                "全部单元见 `clusters.parquet` 或数据库中的 `clusters` 表。", ""]
    return [f"The strongest {shown:,} of the {total:,} cells that a rule marks (most rules met, then highest LQ); "
            "every cell is in `clusters.parquet` and the `clusters` table of the database.", ""]
