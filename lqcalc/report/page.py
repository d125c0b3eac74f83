"""What ``report.html`` shows, gathered from an output directory (no HTML here).

Only aggregates and the first rows of each table are read: the summary tables (built by
:func:`lqcalc.output.summary.summary_tables` from scans of the Parquet files, or handed
over by the run that just built them), the end-year rows of the mapped industries from
``clusters.parquet``, the manifest and the validation report. The page therefore stays small
and quick to open whatever the size of the run.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from lqcalc.output.labels import label, table_title, value_label
from lqcalc.report.text import t

#: rows of a table shown in the page at most (the CSV files in summary/ have them all)
TOP_ROWS = 20
_CJK = re.compile(r"[\u4e00-\u9fff]")

HIDDEN = ("unit", "null_reason", "strong_cluster", "class_threshold", "ci_cluster", "class_quadrant",
          "share_of_region", "lq_ci_low", "em_competitive", "em_allocation", "cagr", "reference_growth")


#: columns left out when they hold one value only (the heading says it)
CONSTANT_HIDDEN = ("rank", "measure", "year", "start_year", "end_year", "n_industries")


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def scans(out: Path) -> dict[str, pl.LazyFrame]:
    """Scans of the Parquet tables of an output directory."""
    return {p.stem: pl.scan_parquet(p) for p in sorted(out.glob("*.parquet"))}


def detect_lang(tables: Mapping[str, pl.LazyFrame]) -> str:
    """``zh`` when the region or industry names are Chinese, else ``en``."""
    for name in ("tidy", "indicators", "clusters"):
        lf = tables.get(name)
        if lf is None:
            continue
        cols = [c for c in ("region_name", "industry_name") if c in lf.collect_schema().names()]
        if not cols:
            continue
        sample = lf.select(cols).head(200).collect()
        if sample.height == 0:
            continue
        text = " ".join(str(v) for c in cols for v in sample[c].drop_nulls().to_list())
        return "zh" if _CJK.search(text) else "en"
    return "en"


def _cell(v: object, col: str, lang: str) -> tuple[str, str]:
    """(shown text, sort key) of a table cell."""
    if v is None:
        return "", ""
    if isinstance(v, bool):
        return str(value_label(str(v).lower(), lang)), str(int(v))
    if isinstance(v, float):
        if not math.isfinite(v):
            return "", ""
        if col in ("growth", "relative_growth", "share_of_reference", "share_of_region", "cagr", "reference_growth"):
            return f"{v * 100:.1f}%", repr(v)
        if abs(v) >= 1000:
            return f"{v:,.0f}", repr(v)
        return f"{v:.3g}" if abs(v) < 1 else f"{v:.2f}", repr(v)
    if isinstance(v, int):
        return (f"{v:,}" if col not in ("year", "start_year", "end_year", "rank") else str(v)), str(v)
    return str(value_label(v, lang)), str(v)


def table(df: pl.DataFrame | None, lang: str, rows: int = TOP_ROWS, hide: tuple[str, ...] = HIDDEN) -> dict | None:
    """A table for the template: headers, the first ``rows`` rows, total row count."""
    if df is None or df.height == 0:
        return None
    keep = [c for c in df.columns if c not in hide and df[c].null_count() < df.height
            and not (c in CONSTANT_HIDDEN and df.height > 1 and df[c].n_unique() == 1)]
    head = df.head(rows).select(keep)
    numeric = {c for c in keep if head.schema[c].is_numeric()}
    body = [[_cell(v, c, lang) for c, v in zip(keep, r)] for r in head.iter_rows()]
    return {"columns": [(label(c, lang), c in numeric) for c in keep], "rows": body,
            "shown": head.height, "total": df.height}


def strongest(summary: Mapping[str, pl.DataFrame], lang: str) -> dict | None:
    """The region with the highest LQ of each industry, highest first."""
    top = summary.get("top_clusters_by_industry")
    if top is None or "rank" not in top.columns:
        return None
    return table(top.filter(pl.col("rank") == 1).sort("lq", descending=True, nulls_last=True), lang)


def shift_share(summary: Mapping[str, pl.DataFrame], lang: str) -> dict | None:
    g = summary.get("growth_by_region")
    if g is None:
        return None
    g = g.sort(pl.col("change").abs(), descending=True, nulls_last=True) if "change" in g.columns else g
    return table(g, lang, hide=("unit", "em_competitive", "em_allocation", "reference_growth"))


def charts(out: Path) -> list[dict]:
    """The PNG charts of ``charts/``, inlined (bubble, LQ over time, shift-share)."""
    order = {"bubble": 0, "lq_time": 1, "shift_share": 2}
    files = sorted((out / "charts").glob("*.png"),
                   key=lambda p: (next((v for k, v in order.items() if p.stem.startswith(k)), 9), p.stem))
    return [{"name": p.stem, "src": "data:image/png;base64," + base64.b64encode(p.read_bytes()).decode("ascii")}
            for p in files]


def inputs(manifest: Mapping[str, Any]) -> list[dict]:
    rows = []
    for i in manifest.get("inputs", []):
        rows.append({"file": Path(i.get("path", "")).name, "bytes": f"{i.get('bytes', 0):,}",
                     "sha256": (i.get("sha256") or "")[:16]})
    return rows


def validation(manifest: Mapping[str, Any], report: Mapping[str, Any], lang: str) -> dict:
    v = manifest.get("validation") or {}
    failing = [{"rule": r.get("title") or r.get("id"), "rows": r.get("failing_rows", 0)}
               for r in report.get("rules", []) if r.get("failing_rows")]
    ok = v.get("ok", report.get("ok"))
    return {"ok": ok, "text": t("valid_ok" if ok else "valid_bad", lang), "rows": manifest.get("rows", {}),
            "failing": failing, "warnings": manifest.get("warnings", []), "engine": v.get("engine", "")}


def context(out: Path, tables: Mapping[str, pl.LazyFrame], summary: Mapping[str, pl.DataFrame],
            manifest: Mapping[str, Any], report: Mapping[str, Any], lang: str, with_charts: bool = True) -> dict:
    """Everything the template shows, in ``lang`` (``charts`` empty unless ``with_charts``:
    :func:`lqcalc.report.html.prepare_report` adds them once they are drawn)."""
    from lqcalc.report.mapdata import map_sections

    classes = summary.get("cluster_classes")
    counts = summary.get("cluster_class_counts") if classes is not None and classes.height else None
    return {
        "lang": lang,
        "t": lambda key, **kw: t(key, lang, **kw),
        "title_of": lambda name: table_title(name, lang),
        "version": manifest.get("lqcalc_version", ""),
        "out": Path(manifest.get("settings", {}).get("out") or out).name,
        "inputs": inputs(manifest),
        "reference_region": manifest.get("reference_region"),
        "total_industry": manifest.get("total_industry"),
        "validation": validation(manifest, report, lang),
        "strongest": strongest(summary, lang),
        "maps": map_sections(tables, manifest, lang),
        "charts": charts(out) if with_charts else [],
        "shift_share": shift_share(summary, lang),
        "class_counts": table(counts, lang, rows=100),
        "classes": table(classes, lang),
    }
