"""Raw cell grids from CSV and Excel files, with the original line (row) numbers.

Every layout reader works on a :class:`Grid`: the rows of a file as lists of cleaned text
cells, each with its 1-based line number in the original file (for CSV the physical line
where the record starts, for Excel the sheet row). Decoding is strict: a byte sequence that
is not valid in the chosen encoding stops with a :class:`~lqcalc.errors.DataError` naming the
file, the line and the byte offset; nothing is ever decoded lossily.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from lqcalc.errors import DataError, Problem, UsageError
from lqcalc.io.text import MISSING_MARKERS as _COMMON_MARKERS

EXCEL_SUFFIXES = (".xls", ".xlsx", ".xlsm", ".xlsb", ".ods")

MISSING_MARKERS = frozenset(set(_COMMON_MARKERS) | {"－", "–", "＊", "..", "…."})
"""Cell texts that mean "no value" (empty, dashes, ellipses, NA, ``*`` for suppressed)."""

_PAD = "\t \u3000\u00a0\ufeff\r\n"


def clean_cell(value: object) -> str:
    """Strip padding (tabs, spaces, full-width spaces) around a cell.

    >>> clean_cell("北京市\\t")
    '北京市'
    >>> clean_cell(None)
    ''
    """
    if value is None:
        return ""
    return str(value).strip(_PAD)


@dataclass
class Grid:
    """Cells of one table: ``rows[k]`` has the cells of original line ``lines[k]``."""

    path: str
    rows: list[list[str]]
    lines: list[int]
    encoding: str | None = None
    tab_padded: bool = False
    bom: bool = False
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)


def _line_of_offset(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def decode_bytes(raw: bytes, path: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode a text file strictly; return ``(text, encoding used)``.

    Without ``encoding``: UTF-8 with BOM, then UTF-8, then GB18030 (a superset of GBK and
    GB2312, so files labelled GBK with a GB18030-only character still decode).

    >>> decode_bytes("北京".encode("gbk"), "x.csv")
    ('北京', 'gb18030')
    >>> decode_bytes(b"\\xef\\xbb\\xbfa,b", "x.csv")
    ('a,b', 'utf-8-sig')
    >>> decode_bytes(b"ok\\n\\xff\\xff", "x.csv")
    Traceback (most recent call last):
    ...
    lqcalc.errors.DataError: x.csv is not valid UTF-8 or GB18030 text: undecodable byte 0xff at line 2 (byte offset 3)
    """
    if encoding:
        enc = encoding.lower().replace("_", "-")
        if enc in ("gbk", "gb2312", "cp936", "gb-2312"):
            enc = "gb18030"  # a superset: never fails where GBK would succeed
        if enc in ("utf8", "utf-8") and raw.startswith(b"\xef\xbb\xbf"):
            enc = "utf-8-sig"
        try:
            return raw.decode(enc), enc
        except LookupError as exc:
            raise UsageError(f"unknown encoding {encoding!r}", hint="try utf-8 or gb18030") from exc
        except UnicodeDecodeError as exc:
            raise _decode_error(raw, path, exc, enc) from exc
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _decode_error(raw, path, exc, "utf-8") from exc
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf_exc:
        try:
            return raw.decode("gb18030"), "gb18030"
        except UnicodeDecodeError as exc:
            raise _decode_error(raw, path, exc, "UTF-8 or GB18030", utf_exc) from exc


def _decode_error(raw: bytes, path: str, exc: UnicodeDecodeError, enc: str,
                  other: UnicodeDecodeError | None = None) -> DataError:
    # the encoding whose failure came later describes the file better
    if other is not None and other.start > exc.start:
        exc = other
    line = _line_of_offset(raw, exc.start)
    bad = raw[exc.start:exc.end]
    msg = (f"{path} is not valid {enc} text: undecodable byte {'0x' + bad[:1].hex()} at line {line} "
           f"(byte offset {exc.start})")
    return DataError(msg, [Problem("undecodable_bytes", msg, file=str(path), line=line,
                                   value=bad.hex(" "),
                                   hint="save the file as UTF-8 or GB18030, or give --encoding")])


def read_csv_grid(path: str | Path, encoding: str | None = None) -> Grid:
    """Read a CSV file into a :class:`Grid` (quoted multi-line cells keep their first line).

    A TAB before each delimiter (the new NBS portal export) is stripped and recorded.
    """
    p = Path(path)
    return grid_from_bytes(p.read_bytes(), str(p), encoding)


def grid_from_bytes(raw: bytes, path: str, encoding: str | None = None) -> Grid:
    """:func:`read_csv_grid` on bytes already read (``path`` names them in messages)."""
    p = path
    text, enc = decode_bytes(raw, str(p), encoding)
    bom = enc == "utf-8-sig"
    tab_padded = bool(re.search(r"\t,", text[:4000]))
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[str]] = []
    lines: list[int] = []
    prev_end = 0
    try:
        for rec in reader:
            start = prev_end + 1
            prev_end = reader.line_num
            rows.append([clean_cell(c) for c in rec])
            lines.append(start)
    except csv.Error as exc:
        raise DataError(f"{p}: malformed CSV near line {reader.line_num}: {exc}",
                        [Problem("malformed_csv", str(exc), file=str(p), line=reader.line_num)]) from exc
    return Grid(str(p), rows, lines, encoding=enc, tab_padded=tab_padded, bom=bom)


def read_excel_grid(path: str | Path, sheet: str | int | None = None) -> Grid:
    """Read one sheet of an Excel workbook (.xls or .xlsx) as text cells.

    Uses fastexcel (calamine) with no header row, every cell as text and no skipped
    leading rows, so ``lines`` are the sheet's row numbers. Merged cells hold their value
    in the top-left cell only; the layout readers forward-fill header spans.
    """
    import fastexcel

    p = Path(path)
    try:
        reader = fastexcel.read_excel(str(p))
    except Exception as exc:  # calamine raises its own error types
        raise DataError(f"{p} cannot be read as an Excel workbook: {exc}",
                        [Problem("unreadable_excel", str(exc), file=str(p))]) from exc
    names = reader.sheet_names
    if sheet is None:
        idx: str | int = 0
    elif isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit() and sheet not in names):
        idx = int(sheet)
        if idx >= len(names):
            raise UsageError(f"{p} has {len(names)} sheet(s); sheet index {idx} does not exist",
                             hint="sheets: " + ", ".join(names))
    else:
        if sheet not in names:
            from lqcalc.errors import did_you_mean
            raise UsageError(f"{p} has no sheet {sheet!r}",
                             hint=did_you_mean(sheet, names) or "sheets: " + ", ".join(names))
        idx = sheet
    data = reader.load_sheet(idx, header_row=None, skip_rows=0, dtypes="string").to_polars()
    rows = [[clean_cell(c) for c in r] for r in data.rows()]
    lines = list(range(1, len(rows) + 1))
    return Grid(str(p), rows, lines, encoding=None, sheet=names[idx] if isinstance(idx, int) else idx)


def read_grid(path: str | Path, encoding: str | None = None, sheet: str | None = None) -> Grid:
    """CSV or Excel (by suffix) to a :class:`Grid`."""
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"input file not found: {p}")
    if p.suffix.lower() in EXCEL_SUFFIXES:
        return read_excel_grid(p, sheet)
    return read_csv_grid(p, encoding)
