"""Say what is wrong with a CSV file the CSV reader refused: which line, fields expected and found.

Only called after :func:`polars.read_csv` failed, so it may take its time: the text is read
again with Python's :mod:`csv` module, record by record.
"""

from __future__ import annotations

import csv
import io

from lqcalc.errors import Problem

#: Ragged lines listed (every one is counted).
MAX_LISTED = 200

_HINT = "every line needs as many fields as the header: a value with a comma inside must be quoted (\"1,5\")"


def ragged_lines(text: str, sep: str, file: str) -> list[Problem]:
    """One ``malformed_csv`` problem per line whose number of fields differs from the header's,
    or for a quote that is never closed; empty when neither is found.

    >>> [p.message for p in ragged_lines("a,b,c\\n1,2,3\\n1,2,3,4\\n1,2\\n", ",", "f.csv")]
    ['line 3 has 4 fields, the header has 3 (a, b, c)', 'line 4 has 2 fields, the header has 3 (a, b, c)']
    >>> [(p.line, p.message) for p in ragged_lines('a,b\\n1,"2\\n3,4\\n', ",", "f.csv")]
    [(2, 'line 2 opens a quote (") that is never closed')]
    """
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=sep, strict=True)
    problems: list[Problem] = []
    header: list[str] | None = None
    start = 1
    bad = 0
    try:
        for fields in reader:
            line = start
            start = reader.line_num + 1
            if header is None:
                header = fields
                continue
            if not fields or fields == [""]:
                continue   # a blank line
            if len(fields) != len(header):
                bad += 1
                if len(problems) < MAX_LISTED:
                    names = ", ".join(header) if len(header) <= 8 else ", ".join(header[:8]) + ", …"
                    problems.append(Problem("malformed_csv",
                                            f"line {line} has {len(fields)} fields, the header has {len(header)} ({names})",
                                            file, line, None, sep.join(fields)[:80], _HINT))
    except csv.Error:
        problems.append(Problem("malformed_csv", f"line {start} opens a quote (\") that is never closed", file, start,
                                hint="close the quote, or remove it"))
    if bad > len(problems) and problems:
        problems.append(Problem("malformed_csv", f"{bad} lines in all have the wrong number of fields", file,
                                hint=_HINT))
    return problems


__all__ = ["ragged_lines"]
