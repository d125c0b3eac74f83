"""The report of a file the readers refused (before any rule ran): every problem, grouped by
rule with counts, written where a failed run's validation report goes."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from lqcalc.errors import DataError
from lqcalc.validation.report import _LABELS, _atomic_write, failure_report_paths, report_paths


def write_problems(err: DataError, target: str | Path | None, out_dir: str | Path | None,
                   lang: str = "en") -> list[str]:
    """Write the report of a file the readers refused (every problem of ``err``, grouped by
    rule with counts) where a failed run's validation report goes: ``--report PATH`` or
    next to the output directory (:func:`failure_report_paths`). Returns the paths written
    (and records them in ``err.report``); nothing when neither is given."""
    if target is not None:
        html_p, json_p = report_paths(target)
    elif out_dir:
        html_p, json_p = failure_report_paths(out_dir)
    else:
        return []
    L = _LABELS[lang if lang in _LABELS else "en"]
    problems = [p.to_dict() for p in err.problems]
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for p in problems:
        by_rule.setdefault(p["rule"], []).append(p)
    data = {"ok": False, "stage": "read", "message": err.message, "hint": err.hint, "problems": problems,
            "rules": [{"id": r, "count": len(ps)} for r, ps in by_rule.items()]}
    e = html.escape
    parts = ["<!DOCTYPE html>", f'<html lang="{lang}"><head><meta charset="utf-8"><title>{e(L["title"])}</title>',
             "<style>body{font-family:system-ui,'Noto Sans SC','Microsoft YaHei',sans-serif;margin:2em;color:#222}"
             "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .5em;"
             "text-align:left;font-size:.9em}th{background:#f3f3f3}.bad{color:#c62828}</style></head><body>",
             f"<h1>{e(L['title'])}: <span class=\"bad\">{e(L['invalid'])}</span></h1>", f"<p>{e(err.message)}</p>"]
    for rule, ps in by_rule.items():
        parts.append(f"<h2 class=\"bad\"><code>{e(rule)}</code> ({len(ps)})</h2>")
        if ps[0].get("hint"):
            parts.append(f"<p>{e(L['hint'])}: {e(ps[0]['hint'])}</p>")
        parts.append(f"<table><tr><th>{L['file']}</th><th>{L['line']}</th><th>{L['column']}</th>"
                     f"<th>{L['value']}</th><th>{L['message']}</th></tr>")
        for p in ps:
            parts.append("<tr>" + "".join(f"<td>{e('' if p[k] is None else str(p[k]))}</td>"
                                          for k in ("file", "line", "column", "value", "message")) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    _atomic_write(Path(html_p), "\n".join(parts))
    _atomic_write(Path(json_p), json.dumps(data, ensure_ascii=False, indent=2, default=str))
    err.report = [str(html_p), str(json_p)]
    full = ("full report: " if lang != "zh" else "完整报告：") + ", ".join(err.report)
    err.hint = f"{err.hint}\n  {full}" if err.hint else full
    return err.report


__all__ = ["write_problems"]
