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


@dataclass(frozen=True)
class Sheet:
    """One worksheet: its name, the rows written and whether columns are autofitted."""

    name: str
    frame: pl.DataFrame
    autofit: bool


def cells(sheets: list[Sheet]) -> int:
    """Cells of all sheets (rows x columns).

    >>> cells([Sheet("a", pl.DataFrame({"x": [1, 2], "y": [3, 4]}), True)])
    4
    """
    return sum(s.frame.height * s.frame.width for s in sheets)


def write_workbook(path: str | Path, sheets: list[Sheet]) -> None:
    """Write ``path`` (XLSX) with one worksheet per sheet, header row bold and frozen.

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
                sheet.frame.write_excel(wb, sheet.name, autofit=sheet.autofit, float_precision=3,
                                        freeze_panes=(1, 0), header_format=dict(HEADER_FORMAT))
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
        listing.append({"name": sheet.name, "file": name, "autofit": sheet.autofit})
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
    sheets = [Sheet(s["name"], pl.read_ipc(Path(folder) / s["file"]), s["autofit"])
              for s in spec["sheets"]]
    write_workbook(spec["path"], sheets)


if __name__ == "__main__":  # pragma: no cover (run by start_workbook)
    _main(sys.argv[1])
