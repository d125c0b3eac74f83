"""Reader for long tables: one row per region x industry (x year), one column per measure.

CSV (UTF-8 or GB18030, comma / semicolon / tab), Parquet and Excel (first sheet or
``--sheet``). Every cell is read as text first so codes keep their exact form
(``0010180``, ``0161``, ``31-33``); numbers are then parsed with every failure located
(file, line, column, value).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from lqcalc import schema
from lqcalc.config import ReadOptions
from lqcalc.errors import DataError, Problem, UsageError, did_you_mean
from lqcalc.io.grid import decode_bytes
from lqcalc.io.rowunits import apply_units
from lqcalc.io.text import parse_numbers, parse_years
from lqcalc.reference.industries import TOTAL_INDUSTRY

#: Column names tried, in order, when an option is not given.
DEFAULT_COLUMNS = {
    "region_col": ["region", "region_code", "area_code", "地区代码", "地区"],
    "industry_col": ["industry", "industry_code", "行业代码", "行业"],
    "year_col": ["year", "年份"],
    "unit_col": ["unit", "units", "单位", "计量单位"],
    "region_name_col": ["region_name", "area_name", "area_title", "region_title", "地区名称", "名称"],
    "industry_name_col": ["industry_name", "industry_title", "occ_title", "naics_title", "行业名称"],
}

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
PARQUET_SUFFIXES = {".parquet", ".pq"}


def read_table_as_text(path: Path, opts: ReadOptions) -> tuple[pl.DataFrame, dict]:
    """Read any supported file into a frame of text columns plus ``__line`` (1-based line).

    Returns the frame and what was found out about the file (format, encoding).
    """
    suffix = path.suffix.lower()
    info: dict = {"file": str(path)}
    if suffix in PARQUET_SUFFIXES:
        try:
            df = pl.read_parquet(path)
        except Exception as exc:  # noqa: BLE001 - any reader failure is bad input
            raise DataError(f"cannot read {path} as Parquet: {exc}", [Problem("unreadable_file", str(exc), str(path))]) from exc
        info["format"] = "parquet"
        numeric_codes = [c for c, t in df.schema.items() if t.is_integer()]
        info["integer_columns"] = numeric_codes
        df = df.with_row_index("__line", offset=1).with_columns(pl.col("__line").cast(pl.Int64))
        return df, info
    if suffix in EXCEL_SUFFIXES:
        try:
            kwargs = {"sheet_name": opts.sheet} if opts.sheet else {"sheet_id": 1}
            df = pl.read_excel(path, engine="calamine", infer_schema_length=0, **kwargs)
        except Exception as exc:  # noqa: BLE001
            raise DataError(
                f"cannot read {path} as an Excel workbook",
                [Problem("unreadable_file", f"{type(exc).__name__}: {exc}", str(path),
                         hint="open and save it again in Excel, or export the sheet as CSV")],
            ) from exc
        info["format"] = "excel"
        df = df.with_row_index("__line", offset=2).with_columns(pl.col("__line").cast(pl.Int64))
        return df, info
    if suffix not in CSV_SUFFIXES:
        raise UsageError(
            f"{path}: unsupported file type {suffix or '(none)'!r}",
            hint="lqcalc reads .csv, .tsv, .txt, .parquet, .xlsx and .xls",
        )
    data = path.read_bytes()
    if not data.strip():
        raise DataError(f"{path} is empty", [Problem("empty_file", "the file has no content", str(path), hint="check the download")])
    text, encoding = decode_bytes(data, str(path), opts.encoding)
    info.update(format="csv", encoding=encoding)
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    sep = max([",", ";", "\t"], key=first.count)
    try:
        source = data if encoding in ("utf-8", "utf-8-sig") else text.encode("utf-8")
        df = pl.read_csv(source, infer_schema=False, separator=sep, truncate_ragged_lines=False)
    except pl.exceptions.PolarsError as exc:
        from lqcalc.io.csvcheck import ragged_lines

        problems = ragged_lines(text, sep, str(path)) or [
            Problem("malformed_csv", str(exc).splitlines()[0], str(path),
                    hint="check quoting and that every line has the same number of fields")]
        raise DataError(f"cannot parse {path} as CSV: {problems[0].message}", problems) from exc
    df = df.rename({c: c.strip().lstrip("\ufeff") for c in df.columns})
    _check_header(df.columns, path)
    df = df.with_row_index("__line", offset=2).with_columns(pl.col("__line").cast(pl.Int64))
    return df, info


def _check_header(columns: list[str], path: Path) -> None:
    """Refuse a header naming one column twice (the CSV reader renames the second ``x_duplicated_0``)."""
    import re

    dup = sorted({m.group(1) for c in columns if (m := re.fullmatch(r"(.*)_duplicated_\d+", c)) and m.group(1) in columns})
    if dup:
        written = [re.sub(r"_duplicated_\d+$", "", c) if re.sub(r"_duplicated_\d+$", "", c) in dup else c for c in columns]
        raise UsageError(f"{path}: the header names column {dup[0]!r} twice (columns: {', '.join(written)})",
                         hint="rename one of them in the file, so that each column has its own name")


def _resolve(name: str | None, option: str, columns: list[str], path: Path, required: bool) -> str | None:
    if name is not None:
        if name in columns:
            return name
        hint = did_you_mean(name, columns) or "choose one of the available columns"
        raise UsageError(
            f"{path}: column {name!r} (given with --{option.replace('_col', '-col').replace('_', '-')}) not found; "
            f"available columns: {', '.join(columns)}",
            hint=hint,
        )
    lowered = {c.lower(): c for c in reversed(columns)}
    for cand in DEFAULT_COLUMNS.get(option, []):
        if cand in columns:
            return cand
        if cand.lower() in lowered:   # BLS workbooks write AREA_TITLE, OCC_TITLE
            return lowered[cand.lower()]
    if required:
        flag = "--" + option.replace("_", "-")
        raise UsageError(
            f"{path}: which column holds the {option.replace('_col', '').replace('_', ' ')}? available columns: {', '.join(columns)}",
            hint=f"pass {flag} NAME" + (", or --region NAME when the whole file is one region"
                                        if option == "region_col" else ""),
        )
    return None


def _years(df: pl.DataFrame, col: str, *, file: str) -> tuple[pl.DataFrame, list[Problem]]:
    """Years as Int32: integer columns (Parquet) directly, text through :func:`parse_years`.

    An integer column needs no text round trip (which costs seconds on millions of rows); the
    rule is the same: a four-digit year, anything else located as ``bad_year``.

    >>> out, probs = _years(pl.DataFrame({"y": [2024, 99, None], "__line": [1, 2, 3]}), "y", file="f")
    >>> out["y"].to_list(), [(p.line, p.value) for p in probs]
    ([2024, None, None], [(2, '99'), (3, None)])
    >>> out, probs = _years(pl.DataFrame({"y": ["2024", "2023年", "x", "0999", None], "__line": [1, 2, 3, 4, 5]}), "y", file="f")
    >>> out["y"].to_list(), [(p.line, p.value) for p in probs]
    ([2024, 2023, None, 999, None], [(3, 'x'), (5, None)])
    """
    if df.schema[col] == pl.String:
        # the common case first: four ASCII digits; only the other rows take the text rules
        fast = pl.col(col).cast(pl.Int32, strict=False)
        ok = (pl.col(col).str.len_bytes() == 4) & fast.is_between(1000, 9999)
        flags = df.select(ok.fill_null(False).alias("ok"), fast.alias("y"))
        slow_idx = schema.true_positions(~flags["ok"])
        years = flags["y"].set(~flags["ok"], None)
        problems: list[Problem] = []
        if len(slow_idx):
            sub, problems = parse_years(df[slow_idx], col, file=file)
            years = years.scatter(slow_idx, sub[col])
        return df.with_columns(years.alias(col)), problems
    if not df.schema[col].is_integer():
        return parse_years(df, col, file=file)
    y = pl.col(col)
    ok = y.is_between(1000, 9999).fill_null(False)
    bad = df.filter(~ok).select("__line", y.cast(pl.String).alias("__v"))
    problems = [
        Problem("bad_year", "not a four-digit year", file, line, col, value, "years are written like 2024 or 2024年")
        for line, value in bad.iter_rows()
    ]
    return df.with_columns(pl.when(ok).then(y).otherwise(None).cast(pl.Int32).alias(col)), problems


def _numbers(df: pl.DataFrame, columns: list[str], *, file: str,
             zero_as_missing: bool = False) -> tuple[pl.DataFrame, list[Problem], dict[str, int]]:
    """Values as Float64: numeric columns (Parquet) directly, text through :func:`parse_numbers`.

    Same rules as the text path: NaN and infinities are located as ``non_finite``, nulls stay
    missing, ``zero_as_missing`` turns 0 into null.

    >>> t = pl.DataFrame({"v": ["1,234.5", "—", " 7 ", "abc", "12", None], "__line": [2, 3, 4, 5, 6, 7]})
    >>> out, probs, counts = _numbers(t, ["v"], file="t.csv")
    >>> out["v"].to_list(), [(p.rule, p.line, p.value) for p in probs], counts["thousands_separators"]
    ([1234.5, None, 7.0, None, 12.0, None], [('non_numeric', 5, 'abc')], 1)
    >>> df = pl.DataFrame({"v": [1.5, float("nan"), None, 0.0], "__line": [1, 2, 3, 4]})
    >>> out, probs, counts = _numbers(df, ["v"], file="f", zero_as_missing=True)
    >>> out["v"].to_list(), [(p.rule, p.line) for p in probs], counts["zeros_as_missing"]
    ([1.5, None, None, None], [('non_finite', 2)], 1)
    """
    numeric = [c for c in columns if df.schema[c].is_numeric()]
    text = [c for c in columns if df.schema[c] == pl.String]
    other = [c for c in columns if c not in numeric and c not in text]
    df, problems, counts = parse_numbers(df, other, file=file, zero_as_missing=zero_as_missing)
    if text:
        # plain numbers first (a strict cast giving a finite value is a number by the text rules
        # too); only the other cells (markers, separators, blanks, errors) take the text rules
        fast = df.select(pl.col(c).cast(pl.Float64, strict=False) for c in text)
        slow = df.select(pl.any_horizontal(
            pl.col(c).is_not_null() & ~fast[c].is_finite().fill_null(False) for c in text).alias("slow"))["slow"]
        slow_idx = schema.true_positions(slow)
        values = {c: fast[c] for c in text}
        if len(slow_idx):
            sub, sub_problems, sub_counts = parse_numbers(df[slow_idx], text, file=file)
            problems += sub_problems
            for k, v in sub_counts.items():
                counts[k] += v
            values = {c: values[c].scatter(slow_idx, sub[c]) for c in text}
        df = df.with_columns(values[c].alias(c) for c in text)
        if zero_as_missing:
            counts["zeros_as_missing"] += int(sum((df[c] == 0).sum() for c in text))
            df = df.with_columns(pl.when(pl.col(c) != 0).then(pl.col(c)).otherwise(None).alias(c) for c in text)
    if not numeric:
        return df, problems, counts
    df = df.with_columns(pl.col(c).cast(pl.Float64) for c in numeric)
    for c in numeric:
        bad = df.filter(~pl.col(c).is_finite()).select("__line", pl.col(c).cast(pl.String))
        for line, value in bad.iter_rows():
            problems.append(Problem("non_finite", "value is not a finite number", file, line, c, value,
                                    "write the real figure, or leave the cell empty if it is missing"))
    fix = [pl.when(pl.col(c).is_finite()).then(pl.col(c)).otherwise(None).alias(c) for c in numeric]
    if zero_as_missing:
        counts["zeros_as_missing"] += int(df.select(pl.sum_horizontal((pl.col(c) == 0).sum() for c in numeric)).item())
        fix = [pl.when(e != 0).then(e).otherwise(None).alias(c) for e, c in zip(fix, numeric)]
    return df.with_columns(fix), problems, counts


def resolve_columns(columns: list[str], path: Path, opts: ReadOptions) -> dict:
    """The column of each role (region, industry, year, names, values) among ``columns``.

    Raises :class:`UsageError` with a "did you mean" when a named column is not there, a
    required role has no column, or one column is given two roles.
    """
    region_col = _resolve(opts.region_col, "region_col", columns, path, opts.region is None)
    industry_col = _resolve(opts.industry_col, "industry_col", columns, path, False)
    year_col = _resolve(opts.year_col, "year_col", columns, path, False)
    unit_col = _resolve(opts.unit_col, "unit_col", columns, path, False)
    keys = {region_col, industry_col, year_col, unit_col}
    named = {c for c in (opts.region_name_col, opts.industry_name_col) if c}
    rname_col = _resolve(opts.region_name_col, "region_name_col", [c for c in columns if c not in keys], path, False)
    iname_col = _resolve(opts.industry_name_col, "industry_name_col",
                         [c for c in columns if c not in keys and (c != rname_col or c in named)], path, False)
    if opts.value_cols:
        value_cols = [_resolve(v, "value_col", columns, path, True) for v in opts.value_cols]
    elif "value" in columns:
        value_cols = ["value"]
    else:
        raise UsageError(
            f"{path}: which columns hold the values? available columns: {', '.join(columns)}",
            hint="pass --value-col NAME (repeat it for several measures)",
        )
    roles = [region_col, industry_col, year_col, unit_col, *value_cols]
    used = {c for c in roles if c}
    if len(used) < len([c for c in roles if c]):
        raise UsageError(f"{path}: the same column is given for two roles",
                         hint="check --region-col, --industry-col, --year-col, --unit-col and --value-col")
    # a name column found by default must not be a column of another role
    rname_col = None if rname_col in used and not opts.region_name_col else rname_col
    iname_col = None if iname_col in used and not opts.industry_name_col else iname_col
    return {"region": region_col, "industry": industry_col, "year": year_col, "values": value_cols,
            "region_name": rname_col, "industry_name": iname_col, "unit": unit_col}


def _region_constant(opts: ReadOptions) -> tuple[str | None, str | None]:
    """(code, name) of ``--region`` for a table without a region column: the GB/T 2260 code
    when the name is a Chinese region (北京市 -> 110000), else the name as given."""
    if opts.region is None:
        return None, None
    from lqcalc.reference.regions import RegionResolver

    try:
        hit = RegionResolver(opts.region_map).resolve(opts.region)
    except Exception:  # noqa: BLE001 - ambiguous: kept as written
        hit = None
    return hit if hit is not None else (opts.region, None)


def to_tidy(raw: pl.DataFrame, cols: dict, file: str, opts: ReadOptions,
            strip: tuple[str, ...] = ("region", "industry")) -> tuple[pl.DataFrame, list[Problem], dict[str, int]]:
    """Turn the rows ``raw`` of a long table (columns as read plus ``__line``) into tidy rows.

    Returns the tidy rows, every cell that cannot be read (located) and the normalization
    counts; the caller decides when to raise. Works on any slice of a file's rows (the
    partitioned reader calls it once per partition). The region and industry codes are
    stripped of :data:`lqcalc.schema.KEY_BLANKS`; a key left out of ``strip`` is known to
    have no label with blanks around it (the partitioned reader learns this from the
    distinct labels of the whole file), so it is only cast to text.
    """
    region_col, industry_col, year_col = cols["region"], cols["industry"], cols["year"]
    rname_col, iname_col, value_cols = cols["region_name"], cols["industry_name"], cols["values"]
    unit_col = cols.get("unit")
    problems: list[Problem] = []

    def key(k: str, c: str | None, constant: str | None) -> pl.Expr:
        if c is None:   # no column: --region, or one all-industry total
            return pl.lit(constant, dtype=pl.String).alias(f"__key_{k}")
        e = pl.col(c).cast(pl.String)
        return (e.str.strip_chars(schema.KEY_BLANKS) if k in strip else e).alias(f"__key_{k}")

    region_const, region_const_name = _region_constant(opts) if region_col is None else (None, None)
    df = raw.select(
        pl.col("__line"),
        key("region", region_col, region_const),
        key("industry", industry_col, TOTAL_INDUSTRY),
        *( [pl.col(year_col).alias("__year")] if year_col else [] ),
        *( [pl.col(rname_col).cast(pl.String).alias("region_name")] if rname_col else
           [pl.lit(region_const_name, dtype=pl.String).alias("region_name")] if region_const_name else [] ),
        *( [pl.col(iname_col).cast(pl.String).alias("industry_name")] if iname_col else [] ),
        *( [pl.col(unit_col).alias("__unit_raw")] if unit_col else [] ),
        *(pl.col(v).alias(f"__val_{i}") for i, v in enumerate(value_cols)),
    )
    for k, col in (("region", region_col), ("industry", industry_col)):
        if col is None:
            continue
        empty = df.filter(pl.col(f"__key_{k}").is_null() | (pl.col(f"__key_{k}") == ""))
        for line in empty["__line"].head(50).to_list():
            problems.append(Problem("missing_key", f"the {k} code is empty", file, line, col, "",
                                    f"every row needs a {k}; a footnote or a blank line read as a row?"))
    if year_col:
        df, year_problems = _years(df, "__year", file=file)
        problems += [Problem(p.rule, p.message, p.file, p.line, year_col, p.value, p.hint) for p in year_problems]
    elif opts.year is not None:
        df = df.with_columns(pl.lit(opts.year, dtype=pl.Int32).alias("__year"))
    val_names = [f"__val_{i}" for i in range(len(value_cols))]
    df, num_problems, counts = _numbers(df, val_names, file=file, zero_as_missing=opts.zero_as_missing)
    rename = dict(zip(val_names, value_cols))
    problems += [Problem(p.rule, p.message, p.file, p.line, rename.get(p.column, p.column), p.value, p.hint) for p in num_problems]
    df, unit_problems, _printed = apply_units(df, "__unit_raw" if unit_col else None, unit_col, opts.unit, rename, file)
    problems += unit_problems
    if unit_col:
        df = df.drop("__unit_raw")

    if len(val_names) == 1:
        # one measure: a rename, not an unpivot (which copies every column: 1.6 GB at 22M rows)
        long = df.rename({val_names[0]: "value"}).with_columns(pl.lit(value_cols[0], dtype=pl.String).alias("measure"))
    else:
        long = df.unpivot(
            index=[c for c in df.columns if c not in val_names], on=val_names, variable_name="measure", value_name="value"
        ).with_columns(pl.col("measure").replace_strict(rename, return_dtype=pl.String))
    tidy = long.rename({"__key_region": "region", "__key_industry": "industry", "__line": "source_line",
                        "__unit": "unit"})
    if year_col or opts.year is not None:
        tidy = tidy.rename({"__year": "year"})
    tidy = tidy.with_columns(pl.lit(file).alias("source_file"))
    return schema.conform(tidy), problems, counts


def read_long(path: str | Path, opts: ReadOptions) -> tuple[pl.DataFrame, dict]:
    """Read one long table into the tidy table.

    Each ``--value-col`` becomes a measure named after the column. Returns the tidy frame
    and a dict describing what was read (format, encoding, rows, normalizations).
    Raises :class:`DataError` with every unparseable cell located.
    """
    path = Path(path)
    if not path.exists():
        raise UsageError(f"input file not found: {path}")
    raw, info = read_table_as_text(path, opts)
    columns = [c for c in raw.columns if c != "__line"]
    if raw.height == 0:
        raise DataError(f"{path} has a header but no data rows", [Problem("no_rows", "no data rows after the header", str(path), 1)])
    cols = resolve_columns(columns, path, opts)
    tidy, problems, counts = to_tidy(raw, cols, str(path), opts)
    if problems:
        raise DataError(f"{path}: {len(problems)} cell(s) cannot be read" if all(p.rule not in ("unknown_unit", "mixed_units") for p in problems)
                        else f"{path}: {len(problems)} problem(s) with the values and their units", problems)
    info.update(layout="long", rows=raw.height, columns={
        "region": cols["region"], "industry": cols["industry"], "year": cols["year"], "values": cols["values"],
        "region_name": cols["region_name"], "industry_name": cols["industry_name"], "unit": cols["unit"]}, **counts)
    info["base_units"] = sorted(u for u in tidy["unit"].unique().to_list() if u is not None)
    if cols["industry"] is None:
        info["no_industry_column"] = True
    return tidy, info
