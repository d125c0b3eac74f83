"""The region hierarchy of the indicators table: the parent and level of every region."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl

from lqcalc.errors import UsageError
from lqcalc.tables.codes import code_names, with_codes


def gbt2260_parents(regions: list[str]) -> dict[str, str]:
    """Parents of GB/T 2260 codes among the given regions (nearest present ancestor).

    ``440304`` (a district) has parent ``440300`` (its city) when present, otherwise
    ``440000`` (its province); ``440300`` has parent ``440000``. Only six-digit codes are read.

    >>> gbt2260_parents(["440000", "440300", "440304", "110000", "110101"])
    {'110101': '110000', '440300': '440000', '440304': '440300'}
    >>> gbt2260_parents(["130000", "131000", "131100", "131002"])   # Langfang is not Hengshui's parent
    {'131000': '130000', '131002': '131000', '131100': '130000'}
    """
    from lqcalc.hierarchy import parent_map

    six = [r for r in regions if r is not None and len(r) == 6 and r.isdigit()]
    return parent_map(six, groups=(2, 2, 2))


def read_region_hierarchy(path: str) -> dict[str, str]:
    """Read a CSV with columns ``region,parent`` (codes kept as written).

    Raises :class:`UsageError` when the file is missing or lacks the columns.
    """
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"region hierarchy file not found: {p}", hint="give a CSV with columns region,parent")
    with p.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        cols = [c.strip() for c in (reader.fieldnames or [])]
        if "region" not in cols or "parent" not in cols:
            raise UsageError(f"region hierarchy {p} needs columns region,parent (found {', '.join(cols) or 'none'})")
        out = {}
        for row in reader:
            row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
            if row["region"] and row["parent"]:
                out[row["region"]] = row["parent"]
    return out


def region_parents(base: pl.DataFrame, hierarchy: str | None) -> tuple[dict[str, str], bool]:
    """Parent of each region (explicit CSV, else inferred from GB/T 2260 codes) and whether
    any hierarchy exists at all."""
    base = with_codes(base)
    ref = set(code_names(base.select("_rc", "region", "is_reference_region").filter("is_reference_region"),
                          "_rc", "region"))
    regions = [r for r in code_names(base, "_rc", "region") if r not in ref]
    if hierarchy:
        parents = {c: p for c, p in read_region_hierarchy(hierarchy).items() if p not in ref}
        return parents, True
    parents = gbt2260_parents(regions)
    return parents, bool(parents)


def region_levels(regions: list[str], parents: dict[str, str]) -> dict[str, int]:
    """Depth of each region below the reference: 0 without a parent present, parent's + 1.

    >>> region_levels(["44", "4403", "440304", "11"], {"4403": "44", "440304": "4403"})
    {'44': 0, '4403': 1, '440304': 2, '11': 0}
    """
    present = set(regions)
    out: dict[str, int] = {}
    for r in regions:
        depth, cur, seen = 0, r, {r}
        while cur in parents and parents[cur] in present and parents[cur] not in seen:
            cur = parents[cur]
            seen.add(cur)
            depth += 1
        out[r] = depth
    return out
