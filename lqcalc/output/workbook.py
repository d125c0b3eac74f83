"""``summary/summary.xlsx``: one sheet per summary table, written in this process or another.

xlsxwriter writes a workbook cell by cell in Python, about 12 µs a cell on the benchmark
machine: the 10,000-row sheets of a national table (half a million cells) take 6-7 s.
:func:`start_workbook` writes the workbook in a second Python process (``python -m
lqcalc.output.workbook``, the sheets handed over as Arrow IPC files) so that it runs beside
the charts on another core; :func:`write_workbook` writes it here. Both give the same
workbook.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import polars as pl

#: Sheets with more cells than this (rows x columns, all sheets together) are written by a
#: second process when the caller has other work to do meanwhile; smaller ones here (starting
#: a process costs about half a second).
BACKGROUND_CELLS = 50_000

HEADER_FORMAT = {"bold": True, "text_wrap": True, "valign": "top"}


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


def text_width(value: object) -> int:
    """Width of ``value`` in Excel characters (a Chinese character takes two).

    >>> text_width("LQ"), text_width("区位熵"), text_width(None)
    (2, 6, 0)
    """
    if value is None:
        return 0
    s = str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in s)


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

    >>> import tempfile, fastexcel
    >>> p = Path(tempfile.mkdtemp()) / "s.xlsx"
    >>> write_workbook(p, [Sheet("Top", pl.DataFrame({"lq": [1.23456]}), True), Sheet("Empty", pl.DataFrame(), True)])
    >>> fastexcel.read_excel(str(p)).sheet_names
    ['Top', 'Empty']
    """
    import xlsxwriter

    with xlsxwriter.Workbook(str(path)) as wb:
        for sheet in sheets:
            if sheet.frame.width:
                widths = {c: 7 * w + 5 for c, w in column_widths(sheet).items()}   # polars takes pixels
                sheet.frame.write_excel(wb, sheet.name, autofit=False, column_widths=widths,
                                        column_formats=column_formats(sheet), float_precision=3,
                                        freeze_panes=(1, 0), header_format=dict(HEADER_FORMAT), autofilter=True,
                                        table_style="Table Style Light 1")
            else:
                wb.add_worksheet(sheet.name)


class WorkbookJob:
    """A workbook being written by a second process; :meth:`wait` finishes it."""

    def __init__(self, path: Path, folder: Path, process: subprocess.Popen | None):
        self.path, self.folder, self.process = path, folder, process

    def wait(self) -> None:
        """Wait for the workbook; raise :class:`RuntimeError` when the process failed."""
        try:
            if self.process is not None:
                _, err = self.process.communicate()
                if self.process.returncode != 0:
                    raise RuntimeError(f"writing {self.path.name} failed: {err.decode('utf-8', 'replace').strip()}")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def cancel(self) -> None:
        """Stop the process (when the run fails elsewhere) and remove its files."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        shutil.rmtree(self.folder, ignore_errors=True)


def start_workbook(path: str | Path, sheets: list[Sheet]) -> WorkbookJob:
    """Start writing ``path`` in a second Python process; return the job to :meth:`~WorkbookJob.wait` for.

    The sheets go to a folder next to ``path`` (removed when the job ends) as Arrow IPC
    files. When no process can be started, the workbook is written here before returning.

    >>> import tempfile, fastexcel
    >>> p = Path(tempfile.mkdtemp()) / "s.xlsx"
    >>> job = start_workbook(p, [Sheet("Top", pl.DataFrame({"region": ["a"], "lq": [2.0]}), False)])
    >>> job.wait()
    >>> fastexcel.read_excel(str(p)).load_sheet(0).to_polars().rows(), sorted(x.name for x in p.parent.iterdir())
    ([('a', 2.0)], ['s.xlsx'])
    """
    path = Path(path)
    folder = path.parent / f".{path.stem}-sheets"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    listing = []
    for i, sheet in enumerate(sheets):
        name = f"{i:03d}.arrow"
        sheet.frame.write_ipc(folder / name, compression="uncompressed")
        listing.append({"name": sheet.name, "file": name, "autofit": sheet.autofit, "columns": list(sheet.columns)})
    (folder / "sheets.json").write_text(json.dumps({"path": str(path.absolute()), "sheets": listing}),
                                        encoding="utf-8")
    import lqcalc

    env = dict(os.environ)  # the child imports this very lqcalc, installed or not
    root = str(Path(lqcalc.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([root] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    try:
        process = subprocess.Popen([sys.executable, "-m", "lqcalc.output.workbook", str(folder.absolute())],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   env=env)
    except OSError:
        write_workbook(path, sheets)
        process = None
    return WorkbookJob(path, folder, process)


def _main(folder: str) -> None:
    spec = json.loads((Path(folder) / "sheets.json").read_text(encoding="utf-8"))
    sheets = [Sheet(s["name"], pl.read_ipc(Path(folder) / s["file"]), s["autofit"], tuple(s.get("columns", ())))
              for s in spec["sheets"]]
    write_workbook(spec["path"], sheets)


if __name__ == "__main__":  # pragma: no cover (run by start_workbook)
    _main(sys.argv[1])
