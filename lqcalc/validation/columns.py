"""The user's names of the tidy columns, so that every message names the column of the file.

The rules look at the tidy table (``region``, ``industry``, ``year``, ``value``, ``unit``); a
finding about ``value`` on a row of a long table is about the file's value column (``emp``,
the measure's name), on a row of an NBS export about the cell's column (``2024年``, or the
indicator ``地区生产总值(亿元)``). :func:`user_columns` reads those names from what the readers
understood (``infos``); :func:`rename` puts them in a finding.
"""

from __future__ import annotations

from typing import Any

#: Tidy columns whose file name a long table's reader knows.
_ROLES = {"region": "region", "industry": "industry", "year": "year", "unit": "unit", "region_name": "region_name",
          "industry_name": "industry_name"}


def user_columns(infos: list[dict]) -> dict[str, Any]:
    """Per file, what each tidy column is called in it.

    >>> names = user_columns([{"file": "a.csv", "layout": "long", "columns": {"region": "area_code", "values": ["emp"]}}])
    >>> rename({"file": "a.csv", "column": "value", "measure": "emp"}, names)["column"], rename({"file": "a.csv", "column": "region"}, names)["column"]
    ('emp', 'area_code')
    >>> names = user_columns([{"file": "b.csv", "layout": "nbs-classic", "value_columns": [["合计", "gdp", 2024, "2024年"]]}])
    >>> rename({"file": "b.csv", "column": "value", "industry": "合计", "measure": "gdp", "year": 2024}, names)["column"]
    '2024年'
    """
    out: dict[str, Any] = {}
    for info in infos:
        f = info.get("file")
        if f is None:
            continue
        cols = info.get("columns") or {}
        entry: dict[str, Any] = {"roles": {t: cols[r] for t, r in _ROLES.items() if cols.get(r)},
                                 "values": set(cols.get("values") or [])}
        entry["cells"] = {(i, m, y): c for i, m, y, c in info.get("value_columns") or []}
        out[str(f)] = entry
    return out


def rename(finding: dict[str, Any], names: dict[str, Any]) -> dict[str, Any]:
    """``finding`` with its ``column`` as the file calls it (unchanged when unknown)."""
    col = finding.get("column")
    entry = names.get(str(finding.get("file")))
    if col is None or entry is None:
        return finding
    if col == "value":
        m = finding.get("measure")
        if m in entry["values"]:
            return {**finding, "column": m}
        cell = entry["cells"].get((finding.get("industry"), m, finding.get("year")))
        return {**finding, "column": cell} if cell else finding
    if col in entry["roles"]:
        return {**finding, "column": entry["roles"][col]}
    return finding


def rename_all(findings: list[dict[str, Any]], names: dict[str, Any] | None) -> list[dict[str, Any]]:
    """:func:`rename` on every finding."""
    if not names:
        return findings
    return [rename(f, names) for f in findings]


__all__ = ["user_columns", "rename", "rename_all"]
