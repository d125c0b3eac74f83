"""``summary/summary.xlsx``: one sheet per summary table, written here or in a thread.

:func:`write_workbook` builds the sheets' XML with polars string expressions (a column at a
time) and zips it: 0.5 s for the 366,000 cells of the 5M benchmark's workbook, where
xlsxwriter (cell by cell in Python, about 10 µs a cell) took 3.5 s. :func:`start_workbook`
writes it in a thread while the caller goes on (polars and zlib work without the
interpreter lock); a second process cost 0.75 s of CPU for the same workbook, a thread 0.5 s.
Both give the same workbook.

Why this module is long: an XLSX file is a dozen XML parts (sheets, tables, styles, shared
strings, relationships), each written here, since no cell-by-cell library is fast enough.
"""

from __future__ import annotations

import math
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import polars as pl

#: Sheets with more cells than this (rows x columns, all sheets together) are written in a
#: thread when the caller has other work to do meanwhile; smaller ones at once.
BACKGROUND_CELLS = 50_000

#: Excel number formats by column name: growth rates and shares as percentages, LQs with
#: three decimals, years without a thousands separator.
PERCENT = "0.0%"
NUMBER_FORMATS: dict[str, str] = {
    **{c: PERCENT for c in ("growth", "cagr", "reference_growth", "relative_growth", "reference_total_growth",
                            "share_of_region", "share_of_reference", "required_cagr", "trend_cagr", "cr4",
                            "lq_cutoff", "size_cutoff")},
    **{c: "0.000" for c in ("lq", "lq_ci_low", "lq_ci_high", "slq", "lq_excl_own", "lq_parent", "lq_start", "lq_end",
                            "lq_change", "hhi", "hhi_norm", "entropy", "krugman_spec", "hoover_spec", "gini_loc",
                            "hoover_loc", "krugman_conc", "eg_gamma")},
    **{c: "0" for c in ("year", "start_year", "end_year", "target_year", "rank", "rules_met")},
    **{c: "0.00" for c in ("share_change_pp", "region_share_change_pp")},
}
#: Other numbers: integers with thousands separators, other floats with two decimals.
INTEGER_FORMAT = "#,##0"
FLOAT_FORMAT = "#,##0.00"
#: Column widths (characters) at most, and the rows looked at to fit them.
MAX_WIDTH = 48
WIDTH_ROWS = 2000


@dataclass(frozen=True)
class Sheet:
    """One worksheet: its name, the rows written, whether columns are autofitted, and the
    plain column names behind its (readable) headers, which choose the number formats."""

    name: str
    frame: pl.DataFrame
    autofit: bool
    columns: tuple[str, ...] = ()


#: The first character :func:`text_width` counts twice (CJK and everything after it), and
#: the same characters as a polars pattern.
WIDE_FROM = 0x2E80
_WIDE = rf"[\x{{{WIDE_FROM:X}}}-\x{{10FFFF}}]"


def text_width(value: object) -> int:
    """Width of ``value`` in Excel characters (a Chinese character takes two).

    >>> text_width("LQ"), text_width("区位熵"), text_width(None)
    (2, 6, 0)
    """
    if value is None:
        return 0
    s = str(value)
    return sum(2 if ord(ch) >= WIDE_FROM else 1 for ch in s)


def column_formats(sheet: Sheet) -> dict[str, str]:
    """Number format of each numeric column of ``sheet`` (header -> Excel format).

    >>> sh = Sheet("x", pl.DataFrame({"Growth": [0.1], "Value": [3], "Year": [2018]}), True, ("growth", "value", "year"))
    >>> column_formats(sh)
    {'Growth': '0.0%', 'Value': '#,##0', 'Year': '0'}
    """
    out = {}
    names = sheet.columns or tuple(sheet.frame.columns)
    for header, name in zip(sheet.frame.columns, names):
        dtype = sheet.frame.schema[header]
        if not dtype.is_numeric():
            continue
        out[header] = NUMBER_FORMATS.get(name) or (INTEGER_FORMAT if dtype.is_integer() else FLOAT_FORMAT)
    return out


def column_widths(sheet: Sheet) -> dict[str, int]:
    """Widths that fit each column's header (on up to two lines) and its first
    :data:`WIDTH_ROWS` values, at most :data:`MAX_WIDTH`.

    >>> column_widths(Sheet("x", pl.DataFrame({"Region": ["Inner London - West"]}), True))
    {'Region': 21}
    """
    out = {}
    head = sheet.frame.head(WIDTH_ROWS)
    formats = column_formats(sheet)
    for header in head.columns:
        col = head[header]
        if col.dtype.is_numeric():
            values = col.drop_nulls()
            if values.len() == 0:
                widest = 4
            elif formats.get(header) == PERCENT:
                widest = 7
            else:
                big = max(abs(float(values.max())), abs(float(values.min())))
                digits = len(f"{big:,.0f}")
                widest = digits + (4 if formats.get(header, "").count("0") > 1 and formats[header] != "0" else 1)
        elif col.dtype == pl.String:   # text_width of every value, by expressions
            widest = int((col.str.len_chars() + col.str.count_matches(_WIDE)).fill_null(0).max() or 0)
        else:
            widest = max((text_width(v) for v in col.to_list()), default=0)
        words = str(header).split()
        half = max((text_width(w) for w in words), default=0)
        head_width = min(text_width(header), max(half, (text_width(header) + 1) // 2 + 1))
        out[header] = int(min(MAX_WIDTH, max(widest, head_width, 4) + 2))
    return out


def cells(sheets: list[Sheet]) -> int:
    """Cells of all sheets (rows x columns).

    >>> cells([Sheet("a", pl.DataFrame({"x": [1, 2], "y": [3, 4]}), True)])
    4
    """
    return sum(s.frame.height * s.frame.width for s in sheets)


def write_workbook(path: str | Path, sheets: list[Sheet]) -> None:
    """Write ``path`` (XLSX) with one worksheet per sheet: each an Excel table with filters,
    its header row bold and frozen, columns as wide as their contents, growth rates and
    shares as percentages and LQs with three decimals (:func:`column_formats`).

    The worksheets' XML is built by polars string expressions, a column at a time, and
    zipped here (no cell-by-cell Python): the 366,000 cells of the 5M benchmark's workbook
    take 0.5 s instead of 3.5 s with xlsxwriter (polars ``write_excel``), for the same
    cells, numbers (``%.16G``, as xlsxwriter writes them), formats, widths and tables.
    Text cells are shared strings; a null, an empty text or a NaN is a blank cell with
    its column's format.

    >>> import tempfile, fastexcel
    >>> p = Path(tempfile.mkdtemp()) / "s.xlsx"
    >>> write_workbook(p, [Sheet("Top", pl.DataFrame({"lq": [1.23456]}), True), Sheet("Empty", pl.DataFrame(), True)])
    >>> fastexcel.read_excel(str(p)).sheet_names
    ['Top', 'Empty']
    """
    styles, strings = _Styles(), _Strings()
    parts: dict[str, str] = {}
    tables = 0
    for i, sheet in enumerate(sheets, 1):
        table = None
        if sheet.frame.width:
            tables += 1
            table = tables
            parts[f"xl/tables/table{table}.xml"] = _table_xml(sheet, table, styles)
            parts[f"xl/worksheets/_rels/sheet{i}.xml.rels"] = _rels(
                [("table", f"../tables/table{table}.xml")])
        parts[f"xl/worksheets/sheet{i}.xml"] = _sheet_xml(sheet, styles, strings, selected=i == 1, table=table)
    names = [s.name for s in sheets]
    parts["xl/workbook.xml"] = _workbook_xml(names)
    parts["xl/_rels/workbook.xml.rels"] = _rels(
        [("worksheet", f"worksheets/sheet{i}.xml") for i in range(1, len(sheets) + 1)]
        + [("theme", "theme/theme1.xml"), ("styles", "styles.xml"), ("sharedStrings", "sharedStrings.xml")])
    parts["xl/styles.xml"] = styles.xml()
    parts["xl/sharedStrings.xml"] = strings.xml()
    parts["xl/theme/theme1.xml"] = (Path(__file__).parent / "theme1.xml").read_text(encoding="utf-8")
    parts["_rels/.rels"] = _rels([("officeDocument", "xl/workbook.xml")])
    parts["[Content_Types].xml"] = _content_types(len(sheets), tables)
    order = ["[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels"]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as z:
        for name in order + sorted(set(parts) - set(order)):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, parts[name].encode("utf-8"), compresslevel=ZIP_LEVEL)

#: zlib level of the workbook's parts: level 1 zips the 5M benchmark's workbook with 0.2 s
#: less CPU than level 6, for 3.3 MB instead of 2.6 MB.
ZIP_LEVEL = 1

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_ESCAPED_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")
#: Longest text of a cell (UTF-16 units).
STRING_MAX = 32767


def _letters(col: int) -> str:
    """Excel's name of a column (0-based).

    >>> _letters(0), _letters(25), _letters(26), _letters(701), _letters(702)
    ('A', 'Z', 'AA', 'ZZ', 'AAA')
    """
    name = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        name = chr(65 + rest) + name
    return name


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;", "\n": "&#xA;"})


def _text(value: str) -> str:
    """Text of a shared string as Excel stores it: control characters as ``_xHHHH_``
    (a literal ``_xHHHH_`` with its underscore escaped) and XML's ``&<>`` escaped.

    >>> _text("a & b\\x01_x0041_")
    'a &amp; b_x0001__x005F_x0041_'
    """
    value = _ESCAPED_ESCAPE.sub(r"_x005F\1", value)
    value = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    value = value.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    return escape(value)


def _utf16_cut(value: str) -> str:
    if len(value) <= STRING_MAX // 2 or len(value.encode("utf-16-le")) <= 2 * STRING_MAX:
        return value
    return value.encode("utf-16-le")[: 2 * STRING_MAX].decode("utf-16-le", "ignore")


class _Strings:
    """The shared strings of a workbook: each text once, numbered in the order first seen."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.count = 0

    def column(self, values: pl.Series) -> pl.Series:
        """The shared-string numbers of ``values`` as text (null for a null or empty text)."""
        values = values.cast(pl.String)
        seen = [v for v in values.unique(maintain_order=True).to_list() if v]
        for v in seen:
            self.index.setdefault(v, len(self.index))
        self.count += values.len() - values.null_count() - int((values == "").sum() or 0)
        return values.replace_strict(seen, [str(self.index[v]) for v in seen], default=None, return_dtype=pl.String)

    def xml(self) -> str:
        items = []
        for v in self.index:
            v = _text(_utf16_cut(v))
            space = ' xml:space="preserve"' if v[:1].isspace() or v[-1:].isspace() else ""
            items.append(f"<si><t{space}>{v}</t></si>")
        return (f'{_XML}<sst xmlns="{_MAIN}" count="{self.count}" uniqueCount="{len(self.index)}">'
                + "".join(items) + "</sst>")


class _Styles:
    """The cell formats of a workbook: 0 the default, 1 the header (bold, wrapped, at the top),
    then one per number format (``None`` for text) in the order first used, each centred
    vertically; the tables' column formats (dxf) are the same number formats."""

    def __init__(self) -> None:
        self.formats: list[str | None] = [None]

    def dxf(self, number_format: str | None) -> int:
        if number_format not in self.formats:
            self.formats.append(number_format)
        return self.formats.index(number_format)

    def xf(self, number_format: str | None) -> int:
        return 2 + self.dxf(number_format)

    def _ids(self) -> dict[str, int]:
        ids, custom = {}, 164
        for f in self.formats:
            if f is None or f in ids:
                continue
            if f in BUILTIN_FORMATS:
                ids[f] = BUILTIN_FORMATS[f]
            else:
                ids[f], custom = custom, custom + 1
        return ids

    def xml(self) -> str:
        ids = self._ids()
        custom = [(f, i) for f, i in ids.items() if i >= 164]
        num_fmts = (f'<numFmts count="{len(custom)}">' + "".join(
            f'<numFmt numFmtId="{i}" formatCode="{_attr(f)}"/>' for f, i in custom) + "</numFmts>") if custom else ""
        font = '<sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/>'
        base = 'fontId="0" fillId="0" borderId="0" xfId="0"'
        xfs = [f'<xf numFmtId="0" {base}/>',
               '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
               '<alignment vertical="top" wrapText="1"/></xf>']
        dxfs = []
        for f in self.formats:
            if f is None:
                xfs.append(f'<xf numFmtId="0" {base} applyAlignment="1"><alignment vertical="center"/></xf>')
                dxfs.append("<dxf></dxf>")
            else:
                xfs.append(f'<xf numFmtId="{ids[f]}" {base} applyNumberFormat="1" applyAlignment="1">'
                           '<alignment vertical="center"/></xf>')
                dxfs.append(f'<dxf><numFmt numFmtId="{ids[f]}" formatCode="{_attr(f)}"/></dxf>')
        return (f'{_XML}<styleSheet xmlns="{_MAIN}">{num_fmts}'
                f'<fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
                '<fills count="2"><fill><patternFill patternType="none"/></fill>'
                '<fill><patternFill patternType="gray125"/></fill></fills>'
                '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
                '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
                '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
                f'<dxfs count="{len(dxfs)}">{"".join(dxfs)}</dxfs>'
                '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16"/>'
                "</styleSheet>")


#: Number formats that Excel knows by number (the others are numbered from 164).
BUILTIN_FORMATS = {"General": 0, "0": 1}


def _numbers(values: pl.Series) -> pl.Series:
    """Numbers as xlsxwriter writes them (``%.16G``), null for a null, NaN or infinity.

    Integers below 10^16 are the same digits (a cast); other numbers are formatted in
    Python (0.03 s for the 200,000 numbers of the 5M benchmark's workbook).

    >>> _numbers(pl.Series([1, None, 2021])).to_list()
    ['1', None, '2021']
    >>> _numbers(pl.Series([0.1 + 0.2, None, float("nan"), 1e20, -0.0])).to_list()
    ['0.3', None, None, '1E+20', '-0']
    """
    if values.dtype.is_integer():
        low, high = values.min(), values.max()
        if low is None or (abs(low) < 10**16 and abs(high) < 10**16):
            return values.cast(pl.String)
    text = [None if v is None or math.isnan(v) or math.isinf(v) else f"{v:.16G}"
            for v in values.cast(pl.Float64).to_list()]
    return pl.Series(values.name, text, dtype=pl.String)


def _cols_xml(sheet: Sheet) -> str:
    """``<cols>``: the widths of :func:`column_widths`, neighbours of one width together."""
    widths = list(column_widths(sheet).values())
    out, first = [], 0
    for i, w in enumerate(widths):
        if i + 1 == len(widths) or widths[i + 1] != w:
            # Excel's width of w characters: w + 5 pixels of padding at 7 pixels a character,
            # in 1/256ths (xlsxwriter's rounding)
            width = w + int(5 / 7 * 256) / 256
            out.append(f'<col min="{first + 1}" max="{i + 1}" width="{width:.16G}" customWidth="1"/>')
            first = i + 1
    return "<cols>" + "".join(out) + "</cols>"


def _rows_xml(sheet: Sheet, styles: _Styles, strings: _Strings) -> str:
    """The ``<row>`` elements of the header and every row of ``sheet``, built a column at a time."""
    df = sheet.frame
    formats = column_formats(sheet)
    spans = f' spans="1:{df.width}">'
    header = "".join(f'<c r="{_letters(j)}1" s="1" t="s"><v>{v}</v></c>'
                     for j, v in enumerate(strings.column(pl.Series(df.columns, dtype=pl.String)).to_list()))
    head = f'<row r="1"{spans}{header}</row>'
    if not df.height:
        return head
    values = {"_row": pl.int_range(2, df.height + 2, eager=True).cast(pl.String)}
    cells = []
    for j, name in enumerate(df.columns):
        number_format = formats.get(name)
        if number_format is not None:
            values[f"_{j}"], kind = _numbers(df[name]), ""
        else:
            values[f"_{j}"], kind = strings.column(df[name]), ' t="s"'
        ref, style = f'<c r="{_letters(j)}', f'" s="{styles.xf(number_format)}"'
        v = pl.col(f"_{j}")
        cells.append(pl.when(v.is_null()).then(pl.concat_str(pl.lit(ref), "_row", pl.lit(style + "/>")))
                     .otherwise(pl.concat_str(pl.lit(ref), "_row", pl.lit(f"{style}{kind}><v>"), v, pl.lit("</v></c>"))))
    rows = pl.DataFrame(values).select(
        pl.concat_str([pl.lit('<row r="'), "_row", pl.lit('"' + spans), *cells, pl.lit("</row>")]).str.join(""))
    return head + rows.item()


def _sheet_xml(sheet: Sheet, styles: _Styles, strings: _Strings, selected: bool, table: int | None) -> str:
    selected_attr = ' tabSelected="1"' if selected else ""
    margins = '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    start = f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
    if table is None:
        return (f'{start}<dimension ref="A1"/><sheetViews><sheetView{selected_attr} workbookViewId="0"/></sheetViews>'
                f'<sheetFormatPr defaultRowHeight="15"/><sheetData/>{margins}</worksheet>')
    last = f"{_letters(sheet.frame.width - 1)}{sheet.frame.height + 1}"
    return (f'{start}<dimension ref="A1:{last}"/><sheetViews><sheetView{selected_attr} workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            f"{_cols_xml(sheet)}<sheetData>{_rows_xml(sheet, styles, strings)}</sheetData>{margins}"
            '<tableParts count="1"><tablePart r:id="rId1"/></tableParts></worksheet>')


def _table_xml(sheet: Sheet, number: int, styles: _Styles) -> str:
    """The Excel table of a sheet (``Frame0``, ``Frame1``... as polars names them), with
    filters and the style Table Style Light 1; an empty sheet's table has one empty row."""
    df = sheet.frame
    ref = f"A1:{_letters(df.width - 1)}{max(df.height, 1) + 1}"
    formats = column_formats(sheet)
    columns = "".join(f'<tableColumn id="{j}" name="{_attr(name)}" dataDxfId="{styles.dxf(formats.get(name))}"/>'
                      for j, name in enumerate(df.columns, 1))
    name = f"Frame{number - 1}"
    return (f'{_XML}<table xmlns="{_MAIN}" id="{number}" name="{name}" displayName="{name}" ref="{ref}" '
            f'totalsRowShown="0"><autoFilter ref="{ref}"/><tableColumns count="{df.width}">{columns}</tableColumns>'
            '<tableStyleInfo name="TableStyleLight1" showFirstColumn="0" showLastColumn="0" showRowStripes="1" '
            'showColumnStripes="0"/></table>')


def _workbook_xml(names: list[str]) -> str:
    sheets = "".join(f'<sheet name="{_attr(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1))
    return (f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr defaultThemeVersion="124226"/>'
            '<bookViews><workbookView xWindow="240" yWindow="15" windowWidth="16095" windowHeight="9660"/>'
            f'</bookViews><sheets>{sheets}</sheets><calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>')


def _rels(targets: list[tuple[str, str]]) -> str:
    kind = {"officeDocument": f"{_REL}/officeDocument"}
    items = "".join(f'<Relationship Id="rId{i}" Type="{kind.get(t, f"{_REL}/{t}")}" Target="{target}"/>'
                    for i, (t, target) in enumerate(targets, 1))
    return (f'{_XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{items}</Relationships>")


def _content_types(sheets: int, tables: int) -> str:
    office = "application/vnd.openxmlformats-officedocument"
    parts = [("/xl/workbook.xml", "spreadsheetml.sheet.main+xml"), ("/xl/styles.xml", "spreadsheetml.styles+xml"),
             ("/xl/theme/theme1.xml", "theme+xml"), ("/xl/sharedStrings.xml", "spreadsheetml.sharedStrings+xml")]
    parts += [(f"/xl/worksheets/sheet{i}.xml", "spreadsheetml.worksheet+xml") for i in range(1, sheets + 1)]
    parts += [(f"/xl/tables/table{i}.xml", "spreadsheetml.table+xml") for i in range(1, tables + 1)]
    overrides = "".join(f'<Override PartName="{p}" ContentType="{office}.{t}"/>' for p, t in parts)
    return (f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>')


class WorkbookJob:
    """A workbook being written by a thread (:class:`lqcalc.output.beside.Beside`); :meth:`wait` finishes it."""

    def __init__(self, path: Path, sheets: list[Sheet]):
        from lqcalc.output.beside import Beside

        self.path = path
        self._job = Beside(write_workbook, path, sheets, name="lqcalc-workbook")

    def wait(self) -> None:
        """Wait for the workbook; raise :class:`RuntimeError` when writing it failed."""
        try:
            self._job.wait()
        except Exception as exc:
            raise RuntimeError(f"writing {self.path.name} failed: {exc}") from exc

    def cancel(self) -> None:
        """Wait for the thread (when the run fails elsewhere); its file goes with the run's folder."""
        self._job.cancel()


def start_workbook(path: str | Path, sheets: list[Sheet]) -> WorkbookJob:
    """Start writing ``path`` in a thread; return the job to :meth:`~WorkbookJob.wait` for.

    >>> import tempfile, fastexcel
    >>> p = Path(tempfile.mkdtemp()) / "s.xlsx"
    >>> job = start_workbook(p, [Sheet("Top", pl.DataFrame({"region": ["a"], "lq": [2.0]}), False)])
    >>> job.wait()
    >>> fastexcel.read_excel(str(p)).load_sheet(0).to_polars().rows(), sorted(x.name for x in p.parent.iterdir())
    ([('a', 2.0)], ['s.xlsx'])
    """
    return WorkbookJob(Path(path), sheets)
