"""Read NBS portal extracts and yearbook tables into the tidy table.

:func:`read_extract` reads one file in any layout of :mod:`lqcalc.io.detect`;
:func:`read_extracts` reads several and refuses to mix revision vintages (two files giving
different values for the same region, industry, measure and year).

Normalization, for every layout:

* regions: names (``北京市``, ``北京``, ``北　京``, ``Beijing``) become GB/T 2260 codes
  (:class:`lqcalc.reference.regions.RegionResolver`); ``全国`` / ``National`` is the
  reference region ``000000``; an unknown name stops with a suggestion;
* indicators: ``文化、体育和娱乐业城镇单位就业人员`` becomes industry ``R`` (name kept) and
  measure ``城镇单位就业人员``; an indicator without an industry is an all-industry total
  (industry ``合计``);
* values: missing markers (empty, ``—``, ``-``, ``…``, ``NA``, ``*``) are null; with
  ``zero_as_missing`` a 0 is null too; units are scaled exactly to base units
  (763.6 万人 -> 7636000.0 ``persons``);
* every row keeps ``source_file`` and its 1-based ``source_line`` in the original file.
"""

from __future__ import annotations

from decimal import InvalidOperation
from pathlib import Path
from typing import Iterable

import polars as pl

from lqcalc import schema
from lqcalc.config import ReadOptions
from lqcalc.errors import DataError, Problem, UsageError
from lqcalc.io.detect import Detected, detect, year_of
from lqcalc.io.grid import MISSING_MARKERS
from lqcalc.reference.industries import TOTAL_INDUSTRY, TOTAL_MEASURES, lookup_industry, split_indicator
from lqcalc.reference.regions import REFERENCE_CODE, REFERENCE_NAME, RegionResolver
from lqcalc.units import Unit, check_consistent, is_additive, parse_unit, split_name_unit, to_decimal

MAX_PROBLEMS = 200


def _indicator_parts(label: str, default_unit: str | None) -> tuple[str, str, str, str | None]:
    """(industry, industry_name, measure, printed unit) of an indicator label."""
    name, unit = split_name_unit(label)
    code, iname, measure = split_indicator(name)
    if not measure:
        measure = name
    return code, iname, measure, unit or default_unit


def _harmonize_totals(parts: dict[object, tuple[str, str, str, str | None]]) -> dict:
    """GDP next to industry value added is the all-industry value added."""
    measures = {p[2] for p in parts.values() if p[0] != TOTAL_INDUSTRY}
    out = {}
    for key, (code, iname, measure, unit) in parts.items():
        if code == TOTAL_INDUSTRY:
            group, sep, item = measure.rpartition("-")
            if item in TOTAL_MEASURES:
                target = f"{group}{sep}{TOTAL_MEASURES[item]}"
                if target in measures:
                    out[key] = (TOTAL_INDUSTRY, item, target, unit)
                    continue
        out[key] = (code, iname, measure, unit)
    return out


class _Collector:
    def __init__(self, det: Detected, opts: ReadOptions):
        self.det = det
        self.opts = opts
        self.file = det.path
        self.problems: list[Problem] = []
        self.units: dict[str | None, Unit | None] = {}
        self.rows: list[dict] = []
        self.columns: dict[tuple, str] = {}     # (industry, measure, year) -> the file's column label

    def unit(self, printed: str | None) -> Unit | None:
        if printed not in self.units:
            self.units[printed] = parse_unit(printed)
        return self.units[printed]

    def value(self, cell: str, unit: Unit | None, line: int, column: str) -> float | None:
        text = cell.strip()
        if text in MISSING_MARKERS:
            return None
        try:
            d = to_decimal(text)
            if not d.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            if len(self.problems) < MAX_PROBLEMS:
                self.problems.append(Problem("non_numeric", "value is not a number", file=self.file, line=line,
                                             column=column, value=text,
                                             hint="missing values may be empty, —, -, …, NA or *"))
            return None
        if self.opts.zero_as_missing and d == 0:
            return None
        if unit is not None and unit.factor != 1:
            d = d * unit.factor
        return float(d)

    def add(self, region_label: str | None, region: str | None, industry: str, industry_name: str | None,
            year: int | None, measure: str, cell: str, printed_unit: str | None, line: int, column: str) -> None:
        u = self.unit(printed_unit)
        self.columns.setdefault((industry, measure, year), str(column))
        self.rows.append({
            "_label": region_label, "region": region, "industry": industry, "industry_name": industry_name,
            "year": year, "measure": measure, "value": self.value(cell, u, line, column),
            "unit": u.base if u else None, "source_file": self.file, "source_line": line,
        })


def _cell(row: list[str], j: int) -> str:
    return row[j] if j < len(row) else ""


def _collect(det: Detected, opts: ReadOptions) -> _Collector:
    grid = det.grid
    assert grid is not None
    col = _Collector(det, opts)
    rows, lines = grid.rows, grid.lines
    layout = det.layout
    if layout in ("nbs-classic", "nbs-new"):
        if not det.indicator:
            raise UsageError(f"{det.path}: the file names no indicator", hint="give --indicator NAME(UNIT)")
        code, iname, measure, unit = _indicator_parts(det.indicator, det.unit)
        for k in det.data_rows:
            label = rows[k][0]
            for j in det.value_cols:
                col.add(label, None, code, iname, year_of(det.col_labels[j]), measure,
                        _cell(rows[k], j), unit, lines[k], det.col_labels[j])
    elif layout == "nbs-regions-indicators":
        year = det.years[0] if det.years else None
        if year is None:
            col.problems.append(Problem("missing_year", "the file names no year (时间：…)", file=det.path,
                                        hint="give --year"))
        parts = _harmonize_totals({j: _indicator_parts(det.col_labels[j], det.unit) for j in det.value_cols})
        for k in det.data_rows:
            label = rows[k][0]
            for j in det.value_cols:
                code, iname, measure, unit = parts[j]
                col.add(label, None, code, iname, year, measure, _cell(rows[k], j), unit, lines[k], det.col_labels[j])
    elif layout == "nbs-indicators-years":
        region = opts.region or det.region
        if not region:
            raise UsageError(f"{det.path}: the file names no region (no line 地区：…)",
                             hint="say which region it is with --region NAME (e.g. --region 北京市)")
        parts = _harmonize_totals({k: _indicator_parts(rows[k][0], det.unit) for k in det.data_rows})
        for k in det.data_rows:
            code, iname, measure, unit = parts[k]
            for j in det.value_cols:
                col.add(region, None, code, iname, year_of(det.col_labels[j]), measure,
                        _cell(rows[k], j), unit, lines[k], det.col_labels[j])
    elif layout == "nbs-national":
        parts = _harmonize_totals({j: _indicator_parts(det.col_labels[j], det.unit) for j in det.value_cols})
        region = opts.region or det.region or REFERENCE_NAME
        for k in det.data_rows:
            year = year_of(rows[k][0])
            for j in det.value_cols:
                code, iname, measure, unit = parts[j]
                col.add(region, None, code, iname, year, measure, _cell(rows[k], j), unit, lines[k], det.col_labels[j])
    elif layout == "yearbook":
        _collect_yearbook(det, col)
    else:  # pragma: no cover - guarded by read_extract
        raise UsageError(f"layout {layout!r} is not an extract layout")
    return col


def _collect_yearbook(det: Detected, col: _Collector) -> None:
    grid = det.grid
    rows, lines = grid.rows, grid.lines
    measure_default = det.indicator or "value"
    year_cols = {j: int(lbl) for j, lbl in det.col_labels.items() if year_of(lbl) is not None}
    t_code, t_name, t_measure = split_indicator(measure_default) if year_cols else (None, None, None)
    if year_cols and not t_measure:
        t_measure = measure_default
    year = det.years[0] if det.years and not year_cols else None
    col_parts: dict[int, tuple[str, str, str, str | None]] = {}
    indicator_cols = {}
    for j, lbl in det.col_labels.items():
        if j in year_cols:
            continue
        name, unit = split_name_unit(lbl)
        if unit is not None:  # 地区生产总值(亿元): an indicator column with its own unit
            indicator_cols[j] = _indicator_parts(lbl, det.unit)
            continue
        code = lookup_industry(lbl)
        if code is not None:
            col_parts[j] = (code, lbl, measure_default, det.unit)
            continue
        c2, n2, rest = split_indicator(lbl)
        if c2 != TOTAL_INDUSTRY:
            col_parts[j] = (c2, n2, rest or measure_default, det.unit)
        else:
            col_parts[j] = (lbl, lbl, measure_default, det.unit)
    col_parts.update(_harmonize_totals(indicator_cols))
    if not year_cols and year is None:
        col.problems.append(Problem("missing_year", "no year in the table title", file=det.path,
                                    hint="give --year"))
    for k in det.data_rows:
        r = rows[k]
        label = next((r[j] for j in det.label_cols if _cell(r, j) != ""), "")
        if all(_cell(r, j) == "" for j in det.value_cols):
            continue  # a group label inside the table (东部地区：, 按地区分), not a region with data
        if not label:
            if any(_cell(r, j) not in MISSING_MARKERS for j in det.value_cols):
                col.problems.append(Problem("missing_label", "a row with values has no region name",
                                            file=det.path, line=lines[k]))
            continue
        for j in det.value_cols:
            if j in year_cols:
                col.add(label, None, t_code, t_name, year_cols[j], t_measure, _cell(r, j), det.unit, lines[k],
                        det.col_labels[j])
            else:
                code, iname, measure, unit = col_parts[j]
                col.add(label, None, code, iname, year, measure, _cell(r, j), unit, lines[k], det.col_labels[j])


def read_extract(path: str | Path, opts: ReadOptions | None = None,
                 resolver: RegionResolver | None = None) -> tuple[pl.DataFrame, dict]:
    """Read one extract into the tidy table; return ``(tidy, info)``.

    ``info`` says what was understood: layout, encoding, indicator, unit, years, regions
    matched, rows, missing values, footnote lines skipped and notes.

    A plain long table (layout ``long``) is handed to :func:`lqcalc.io.long.read_long`.
    """
    opts = opts or ReadOptions()
    det = detect(path, opts)
    info = det.summary()
    if det.layout == "long":
        try:
            from lqcalc.io.long import read_long
        except ImportError as exc:  # pragma: no cover - the long reader is part of the package
            raise UsageError(f"{path}: not a recognized statistical extract") from exc
        df, long_info = read_long(path, opts)
        info.update(long_info)
        return df, info
    if resolver is None:
        resolver = RegionResolver(opts.region_map)
    col = _collect(det, opts)
    if col.problems:
        raise DataError(f"{path}: {len(col.problems)} problem(s) reading the {det.layout} layout", col.problems)
    if not col.rows:
        raise DataError(f"{path}: no data rows found (layout {det.layout})",
                        [Problem("no_data", "no data rows", file=str(path))])
    labels = [(r["_label"], det.path, r["source_line"]) for r in col.rows]
    mapping = resolver.resolve_many(labels)
    for r in col.rows:
        code, name = mapping[r["_label"]]
        r["region"], r["region_name"] = code, name
    df = schema.conform(pl.DataFrame([{k: v for k, v in r.items() if k != "_label"} for r in col.rows],
                                     schema_overrides={"year": pl.Int32, "value": pl.Float64,
                                                       "source_line": pl.Int64}, infer_schema_length=None))
    _check_duplicates(df)
    check_consistent(df.select("measure", "unit", "source_file").unique(maintain_order=True).rows(), det.path)
    units = sorted({u for u in df["unit"].unique().to_list() if u is not None})
    info["value_columns"] = [[i, m, y, c] for (i, m, y), c in col.columns.items()]
    info.update(
        rows=df.height,
        missing=int(df["value"].is_null().sum()),
        regions=df["region"].n_unique(),
        regions_matched={lbl: code for lbl, (code, _) in mapping.items()},
        reference_row=REFERENCE_CODE in set(df["region"].to_list()),
        measures=sorted(df["measure"].unique().to_list()),
        industries=df["industry"].n_unique(),
        base_units=units,
        non_additive=sorted({m for m, u in df.select("measure", "unit").unique().iter_rows() if not is_additive(u)}),
        years=sorted(y for y in df["year"].unique().to_list() if y is not None) or info["years"],
    )
    return df, info


def _check_duplicates(df: pl.DataFrame) -> None:
    dup = (df.group_by(schema.KEY)
           .agg(pl.col("source_line").alias("lines"), pl.col("source_file").first(), pl.len().alias("n"))
           .filter(pl.col("n") > 1))
    if dup.height:
        problems = [Problem("duplicate_key",
                            f"region {r['region']}, industry {r['industry']}, measure {r['measure']}, "
                            f"year {r['year']} appears on lines {', '.join(map(str, sorted(r['lines'])))}",
                            file=r["source_file"], line=min(r["lines"]),
                            hint="two labels map to the same region? check the names or --region-map")
                    for r in dup.head(MAX_PROBLEMS).iter_rows(named=True)]
        raise DataError(f"{dup.height} duplicated cell(s) in {problems[0].file}", problems)


def read_extracts(paths: Iterable[str | Path], opts: ReadOptions | None = None) -> tuple[pl.DataFrame, list[dict]]:
    """Read several extracts into one tidy table; return ``(tidy, infos)``.

    One indicator per file becomes the industry (or measure) dimension; one year per file
    the year. Cells given by two files with the same value are kept once; different values
    for the same region, industry, measure and year (two revision vintages) raise a
    :class:`~lqcalc.errors.DataError` naming both files and both values. One measure with
    two base units (persons and yuan) is a DataError too.
    """
    opts = opts or ReadOptions()
    paths = [str(p) for p in paths]
    if not paths:
        raise UsageError("no input files given")
    resolver = RegionResolver(opts.region_map)
    frames, infos = [], []
    for i, p in enumerate(paths):
        df, info = read_extract(p, opts, resolver)
        frames.append(schema.conform(df).with_columns(pl.lit(i).alias("_file")))
        infos.append(info)
    df = pl.concat(frames, how="vertical")
    triples = df.select("measure", "unit", "source_file").unique(maintain_order=True).rows()
    check_consistent(triples)
    if len(paths) > 1:
        df = _merge_vintages(df)
    return schema.conform(df.sort("_file", "source_line", maintain_order=True)), infos


def _fmt(v: float) -> str:
    """A value without float noise: 2301459000000.0 -> '2301459000000'."""
    return str(int(v)) if float(v).is_integer() and abs(v) < 1e18 else repr(v)


def _merge_vintages(df: pl.DataFrame) -> pl.DataFrame:
    key = schema.KEY
    stats = (df.filter(pl.col("value").is_not_null())
             .group_by(key)
             .agg(pl.col("value").n_unique().alias("n_values"),
                  pl.struct("source_file", "source_line", "value").alias("cells")))
    conflicts = stats.filter(pl.col("n_values") > 1).sort(key, nulls_last=True)
    units = dict(df.select("measure", "unit").drop_nulls().unique(subset="measure").iter_rows())
    if conflicts.height:
        problems = []
        for r in conflicts.head(MAX_PROBLEMS).iter_rows(named=True):
            cells = r["cells"]
            seen = {}
            for c in cells:
                seen.setdefault(c["value"], c)
            unit = units.get(r["measure"])
            desc = " vs ".join(f"{_fmt(c['value'])}{' ' + unit if unit else ''} in {c['source_file']}:{c['source_line']}"
                               for c in seen.values())
            problems.append(Problem(
                "vintage_conflict",
                f"two files give different values for region {r['region']}, industry {r['industry']}, "
                f"measure {r['measure']!r}, year {r['year']}: {desc}",
                file=cells[0]["source_file"], line=cells[0]["source_line"],
                hint="the files are probably different revision vintages; use one of them per series"))
        raise DataError(f"{conflicts.height} cell(s) differ between input files: two revision vintages of the same "
                        "series? a growth rate must never mix vintages", problems)
    # same cell from several files: keep one, a value over a null
    return (df.sort(pl.col("value").is_null(), "_file", "source_line")
            .unique(subset=key, keep="first", maintain_order=True))
