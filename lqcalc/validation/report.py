"""The validation report: a plain value with text, JSON and HTML renderings (en / zh).

Why this module is long: :class:`ValidationReport` is one value with several renderings
(text, JSON, HTML, the DataError of a failed run, the quarantine split) in two languages,
all reading the same fields.
"""

from __future__ import annotations

import dataclasses
import html
import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from lqcalc import schema
from lqcalc.errors import DataError, Problem
from lqcalc.validation.rules import RULES

#: ``gx_version`` in the settings of a report made by the polars rules alone.
NOT_RUN = "not run (lqcalc's polars rules only; --gx runs the Great Expectations suite as well)"

_LABELS = {
    "en": {
        "title": "lqcalc validation report", "valid": "VALID", "invalid": "INVALID",
        "rows": "rows", "bad_rows": "rows with errors", "errors": "errors", "warnings": "warnings",
        "rule": "rule", "severity": "severity", "expectation": "expectation", "column": "column",
        "unexpected": "failing rows", "checked": "checked", "status": "status", "pass": "pass",
        "fail": "fail", "file": "file", "line": "line", "value": "value", "message": "message",
        "hint": "hint", "shown": "showing the first {n} of {total}", "missing_share": "Missing values per measure and year",
        "measure": "measure", "year": "year", "cells": "cells", "missing": "missing", "share": "share",
        "suite": "Expectations (Great Expectations {version} and lqcalc's polars rules)",
        "suite_polars": "Expectations (lqcalc's polars rules)", "none": "none",
        "engine_gx": "Checked by the Great Expectations {version} suite and by lqcalc's polars rules, which agree on "
                     "every count; --no-gx runs the polars rules alone.",
        "engine_polars": "Checked by lqcalc's polars rules (the expectations of the Great Expectations suite, with the "
                         "same counts); the suite itself did not run: --gx runs it as well.",
        "summary": "{rows} rows checked: {errors} error(s) in {bad} row(s), {warnings} warning(s)",
        "settings": "reference region: {ref}; total industry: {tot}; tolerance: {tol}",
        "more": "... and {n} more (see the full report)",
        "error": "error", "warning": "warning",
    },
    "zh": {
        "title": "lqcalc 数据校验报告", "valid": "通过", "invalid": "未通过",
        "rows": "行", "bad_rows": "有错误的行", "errors": "错误", "warnings": "警告",
        "rule": "规则", "severity": "级别", "expectation": "期望", "column": "列",
        "unexpected": "不符合的行数", "checked": "检查行数", "status": "状态", "pass": "通过",
        "fail": "未通过", "file": "文件", "line": "行号", "value": "值", "message": "说明",
        "hint": "建议", "shown": "仅显示前 {n} 条，共 {total} 条", "missing_share": "各指标各年份缺失值比例",
        "measure": "指标", "year": "年份", "cells": "单元格", "missing": "缺失", "share": "比例",
        "suite": "期望（Great Expectations {version} 与 lqcalc 的 polars 规则）",
        "suite_polars": "期望（lqcalc 的 polars 规则）", "none": "无",
        "engine_gx": "由 Great Expectations {version} 期望套件和 lqcalc 的 polars 规则共同检查，两者计数一致；"
                     "--no-gx 只运行 polars 规则。",
        "engine_polars": "由 lqcalc 的 polars 规则检查（即 Great Expectations 期望套件的各项期望，计数相同）；"
                         "未运行 Great Expectations 套件，--gx 可同时运行它。",
        "summary": "共检查 {rows} 行：{bad} 行有 {errors} 个错误，{warnings} 个警告",
        "settings": "参照地区：{ref}；行业合计：{tot}；容差：{tol}",
        "more": "……另有 {n} 条（见完整报告）",
        "error": "错误", "warning": "警告",
    },
}


def fmt_value(v: Any) -> str | None:
    """A cell as text for messages: integers without ``.0``, nulls as None.

    >>> fmt_value(1234.0), fmt_value(0.25), fmt_value(float("inf")), fmt_value(None)
    ('1234', '0.25', 'inf', None)
    """
    if v is None:
        return None
    if isinstance(v, float):
        if math.isfinite(v) and v == int(v) and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    return str(v)


@dataclass
class ValidationReport:
    """The outcome of :func:`lqcalc.validation.validate_tidy`.

    Attributes
    ----------
    rows : int
        Rows checked.
    findings : list of dict
        Errors, at most ``max_listed`` per rule; each has ``rule``, ``file``, ``line``,
        ``column``, ``value`` and the fields of the rule's message template.
    counts : dict
        Rule id -> number of rows failing it (all of them, not only the listed ones).
    warnings : list of dict
        Warnings (``severity="warning"``), same shape as findings.
    stats : list of dict
        One entry per Great Expectations expectation: rule, expectation, column, success,
        element_count, unexpected_count.
    missing_share : list of dict
        measure, year, cells, missing, share, for every measure x year.
    bad_row_mask : polars.Series or None
        Boolean, one per input row, True where any error rule fails; None when the table is
        structurally unusable (see ``fatal``).
    """

    rows: int
    findings: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    stats: list[dict[str, Any]] = field(default_factory=list)
    missing_share: list[dict[str, Any]] = field(default_factory=list)
    bad_row_mask: pl.Series | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    max_listed: int = 50
    _rejected: pl.DataFrame | None = field(default=None, repr=False)
    _tidy: pl.DataFrame | None = field(default=None, repr=False)
    _partials: dict[str, pl.DataFrame] | None = field(default=None, repr=False)
    _n_bad: int | None = field(default=None, repr=False)
    _codes: pl.DataFrame | None = field(default=None, repr=False)

    # ---- status ----
    @property
    def ok(self) -> bool:
        """True when no error rule fails (warnings allowed)."""
        return not any(self.counts.values()) and not self.fatal

    @property
    def fatal(self) -> bool:
        """True when the table itself is unusable (a required column missing or mistyped)."""
        return any(RULES[f["rule"]].fatal for f in self.findings)

    @property
    def n_bad_rows(self) -> int:
        """Rows failing at least one error rule (all rows when the table is unusable)."""
        if self.fatal:
            return self.rows
        if self._n_bad is not None:
            return self._n_bad
        if self.bad_row_mask is None:
            return self.rows
        return int(self.bad_row_mask.sum())

    @property
    def n_errors(self) -> int:
        """Number of error occurrences (rows x rules; a structural problem counts as one)."""
        return sum(self.counts.values()) + sum(1 for f in self.findings if RULES[f["rule"]].fatal)

    # ---- problems ----
    def _problem(self, f: dict[str, Any], lang: str) -> Problem:
        rule = RULES[f["rule"]]
        return Problem(
            rule=rule.id, message=rule.message(f, lang), file=f.get("file"), line=f.get("line"),
            column=f.get("column"), value=f.get("value"), hint=rule.hint(lang) or None, severity=rule.severity,
        )

    def problems_in(self, lang: str = "en") -> list[Problem]:
        """The listed errors as :class:`~lqcalc.errors.Problem` in ``lang``."""
        return [self._problem(f, lang) for f in self.findings]

    def warnings_in(self, lang: str = "en") -> list[Problem]:
        """The warnings as :class:`~lqcalc.errors.Problem` (severity ``warning``) in ``lang``."""
        return [self._problem(f, lang) for f in self.warnings]

    @property
    def problems(self) -> list[Problem]:
        """The listed errors in English."""
        return self.problems_in("en")

    @property
    def warning_problems(self) -> list[Problem]:
        """The warnings in English."""
        return self.warnings_in("en")

    def slim(self) -> ValidationReport:
        """This report without its per-row frames (what :func:`merge_reports` needs)."""
        return dataclasses.replace(self, bad_row_mask=None, _rejected=None, _tidy=None, _n_bad=self.n_bad_rows,
                                   _codes=None)

    # ---- quarantine ----
    def split(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        """(good rows, rejected rows) of the validated table.

        ``good`` has the tidy columns; ``rejected`` the tidy columns plus ``rule`` (the
        failing rule ids, comma-separated) and ``reason`` (English, ``; ``-separated).
        Every input row is in exactly one of them.

        Raises
        ------
        DataError
            When the table is structurally unusable (nothing can be kept).
        """
        if self.fatal or self._tidy is None or self.bad_row_mask is None:
            raise self.to_data_error()
        good = self._tidy.filter(~self.bad_row_mask)
        rejected = self._rejected if self._rejected is not None else good.head(0).with_columns(
            pl.lit(None, pl.String).alias("rule"), pl.lit(None, pl.String).alias("reason"))
        return good, rejected

    def coded(self, good: pl.DataFrame) -> pl.DataFrame:
        """``good`` (the rows kept: all of them when the report is ok, those of :meth:`split`
        otherwise) with the integer codes the rules gave region, industry and measure
        (``_rc``, ``_ic``, ``_mc``: positions among the labels of the whole table, the same
        in every partition of one run), so that the indicators do not code the strings
        again (:func:`lqcalc.tables.codes.with_codes` keeps codes that are there). ``good``
        unchanged when the rules kept no codes.
        """
        if self._codes is None or self._codes.height != self.rows:
            return good
        codes = self._codes if good.height == self.rows else self._codes.filter(~self.bad_row_mask)
        return good.hstack(codes) if codes.height == good.height else good

    def to_data_error(self, report_paths: list[str] | None = None, lang: str = "en") -> DataError:
        """The :class:`~lqcalc.errors.DataError` (exit 3) describing this report."""
        L = _LABELS[lang if lang in _LABELS else "en"]
        msg = ("validation failed: " if lang != "zh" else "校验未通过：") + L["summary"].format(
            rows=self.rows, errors=self.n_errors, bad=self.n_bad_rows, warnings=len(self.warnings))
        hint = None
        if report_paths:
            hint = ("full report: " if lang != "zh" else "完整报告：") + ", ".join(str(p) for p in report_paths)
        return DataError(msg, self.problems_in(lang), hint=hint)

    # ---- renderings ----
    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """Everything in plain JSON-able types."""
        rules = []
        for rid, rule in RULES.items():
            n = self.counts.get(rid, 0)
            nf = sum(1 for f in self.findings if f["rule"] == rid)
            nw = sum(1 for f in self.warnings if f["rule"] == rid)
            rules.append({"id": rid, "severity": rule.severity, "title": rule.title(lang),
                          "failing_rows": n, "listed": nf + nw})
        return {
            "ok": self.ok, "fatal": self.fatal, "rows": self.rows, "bad_rows": self.n_bad_rows,
            "errors": self.n_errors, "engine": self.engine, "engine_note": self.engine_note(lang),
            "settings": self.settings,
            "rules": rules,
            "problems": [p.to_dict() for p in self.problems_in(lang)],
            "warnings": [p.to_dict() for p in self.warnings_in(lang)],
            "expectations": self.stats,
            "missing_share": self.missing_share,
        }

    def to_json(self, lang: str = "en") -> str:
        """The report as JSON text (UTF-8, Chinese kept readable)."""
        return json.dumps(self.to_dict(lang), ensure_ascii=False, indent=2, default=str)

    @property
    def engine(self) -> str:
        """``great_expectations`` (the suite and the polars rules ran) or ``polars`` (the rules alone)."""
        eng = self.settings.get("engine")
        if eng:
            return eng
        return "polars" if str(self.settings.get("gx_version", "not run")).startswith("not run") else "great_expectations"

    def engine_note(self, lang: str = "en") -> str:
        """Which engine checked the table, and how to get the other one."""
        L = _LABELS[lang if lang in _LABELS else "en"]
        if self.engine == "polars":
            return L["engine_polars"]
        return L["engine_gx"].format(version=self.settings.get("gx_version", "?"))

    def summary_line(self, lang: str = "en") -> str:
        L = _LABELS[lang if lang in _LABELS else "en"]
        return L["summary"].format(rows=self.rows, errors=self.n_errors, bad=self.n_bad_rows, warnings=len(self.warnings))

    def render_text(self, lang: str = "en", limit: int = 5) -> str:
        """Plain text for the terminal: status, then per rule its count and first findings."""
        lang = lang if lang in _LABELS else "en"
        L = _LABELS[lang]
        out = [f"{L['valid'] if self.ok else L['invalid']}: {self.summary_line(lang)}"]
        for sev, items in (("error", self.findings), ("warning", self.warnings)):
            for rid, rule in RULES.items():
                if rule.severity != sev:
                    continue
                fs = [f for f in items if f["rule"] == rid]
                if not fs:
                    continue
                total = self.counts.get(rid) or len(fs)
                unit = L["rows"] if sev == "error" and not rule.fatal else ""
                if unit == "rows" and total == 1:
                    unit = "row"
                out.append(f"{L[sev].upper()} [{rid}] {rule.title(lang)}: {total} {unit}".rstrip())
                for f in fs[:limit]:
                    p = self._problem(f, lang)
                    where = p.where()
                    out.append(f"  - {p.message}" + (f" ({where})" if where else ""))
                if len(fs) > limit:
                    out.append("  " + L["more"].format(n=len(fs) - limit if total == len(fs) else total - limit))
                if rule.hint(lang):
                    out.append(f"  {L['hint']}: {rule.hint(lang)}")
        out.append(self.engine_note(lang))
        return "\n".join(out)

    def to_html(self, lang: str = "en") -> str:
        """A self-contained HTML page (inline CSS, no scripts, no external resources)."""
        lang = lang if lang in _LABELS else "en"
        L = _LABELS[lang]
        e = html.escape
        status = L["valid"] if self.ok else L["invalid"]
        parts = [
            "<!DOCTYPE html>", f'<html lang="{lang}"><head><meta charset="utf-8">',
            f"<title>{e(L['title'])}</title>",
            "<style>body{font-family:system-ui,'Noto Sans SC','Microsoft YaHei',sans-serif;margin:2em;color:#222}"
            "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .5em;"
            "text-align:left;vertical-align:top;font-size:.9em}th{background:#f3f3f3}.ok{color:#1a7f37}"
            ".bad{color:#c62828}.warn{color:#9a6700}.num{text-align:right}code{background:#f6f6f6}"
            "h2{margin-top:1.5em}.hint{color:#555;font-style:italic}</style></head><body>",
            f"<h1>{e(L['title'])}: <span class=\"{'ok' if self.ok else 'bad'}\">{e(status)}</span></h1>",
            f"<p>{e(self.summary_line(lang))}</p>",
        ]
        s = self.settings
        parts.append(f"<p>{e(L['settings'].format(ref=s.get('reference_region') or '-', tot=s.get('total_industry') or '-', tol=s.get('tolerance')))}</p>")
        parts.append(f"<p>{e(self.engine_note(lang))}</p>")
        # rule overview
        parts.append(f"<table><tr><th>{L['rule']}</th><th>{L['severity']}</th><th>{L['unexpected']}</th></tr>")
        for rid, rule in RULES.items():
            n = self.counts.get(rid, 0) if rule.severity == "error" else sum(1 for f in self.warnings if f["rule"] == rid)
            if rule.fatal:
                n = sum(1 for f in self.findings if f["rule"] == rid)
            cls = "ok" if n == 0 else ("bad" if rule.severity == "error" else "warn")
            parts.append(f"<tr><td><code>{rid}</code> {e(rule.title(lang))}</td><td>{L[rule.severity]}</td>"
                         f"<td class=\"num {cls}\">{n}</td></tr>")
        parts.append("</table>")
        for sev, items in (("error", self.findings), ("warning", self.warnings)):
            for rid, rule in RULES.items():
                fs = [f for f in items if f["rule"] == rid]
                if rule.severity != sev or not fs:
                    continue
                total = self.counts.get(rid) or len(fs)
                parts.append(f"<h2 class=\"{'bad' if sev == 'error' else 'warn'}\"><code>{rid}</code> {e(rule.title(lang))} ({total})</h2>")
                if rule.hint(lang):
                    parts.append(f"<p class=\"hint\">{e(L['hint'])}: {e(rule.hint(lang))}</p>")
                if total > len(fs):
                    parts.append(f"<p>{e(L['shown'].format(n=len(fs), total=total))}</p>")
                parts.append(f"<table><tr><th>{L['file']}</th><th>{L['line']}</th><th>{L['column']}</th>"
                             f"<th>{L['value']}</th><th>{L['message']}</th></tr>")
                for f in fs:
                    p = self._problem(f, lang)
                    parts.append("<tr>" + "".join(
                        f"<td>{e('' if x is None else str(x))}</td>" for x in (p.file, p.line, p.column, p.value, p.message)) + "</tr>")
                parts.append("</table>")
        # expectations
        heading = L["suite_polars"] if self.engine == "polars" else L["suite"].format(version=s.get("gx_version", "?"))
        parts.append(f"<h2>{e(heading)}</h2>")
        parts.append(f"<table><tr><th>{L['expectation']}</th><th>{L['column']}</th><th>{L['rule']}</th>"
                     f"<th>{L['checked']}</th><th>{L['unexpected']}</th><th>{L['status']}</th></tr>")
        for st in self.stats:
            ok = st["success"]
            parts.append(f"<tr><td><code>{e(st['expectation'])}</code></td><td>{e(str(st['column']))}</td>"
                         f"<td><code>{e(st['rule'])}</code></td><td class=\"num\">{st['element_count']}</td>"
                         f"<td class=\"num\">{st['unexpected_count']}</td>"
                         f"<td class=\"{'ok' if ok else 'bad'}\">{L['pass'] if ok else L['fail']}</td></tr>")
        parts.append("</table>")
        if self.missing_share:
            parts.append(f"<h2>{e(L['missing_share'])}</h2>")
            parts.append(f"<table><tr><th>{L['measure']}</th><th>{L['year']}</th><th>{L['cells']}</th>"
                         f"<th>{L['missing']}</th><th>{L['share']}</th></tr>")
            for m in self.missing_share:
                parts.append(f"<tr><td>{e(str(m['measure']))}</td><td>{e(str(m['year']))}</td>"
                             f"<td class=\"num\">{m['cells']}</td><td class=\"num\">{m['missing']}</td>"
                             f"<td class=\"num\">{100 * m['share']:.1f}%</td></tr>")
            parts.append("</table>")
        parts.append("</body></html>")
        return "\n".join(parts)

    def manifest_entry(self) -> dict[str, Any]:
        """What the run manifest records: the engine, counts per rule and every warning (English)."""
        return {
            "ok": self.ok, "rows": self.rows, "bad_rows": self.n_bad_rows,
            "engine": self.engine, "engine_note": self.engine_note("en"),
            "failing_rows_by_rule": {k: v for k, v in self.counts.items() if v},
            "warnings": [p.to_dict() for p in self.warning_problems],
        }

    def write(self, html_path: str | Path | None = None, json_path: str | Path | None = None,
              lang: str = "en") -> list[str]:
        """Write the HTML and/or JSON report atomically; returns the paths written."""
        written = []
        for path, text in ((html_path, self.to_html(lang) if html_path else None),
                           (json_path, self.to_json(lang) if json_path else None)):
            if path is None:
                continue
            _atomic_write(Path(path), text)
            written.append(str(path))
        return written


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def report_paths(target: str | Path) -> tuple[Path, Path]:
    """(html, json) paths for ``--report PATH``: ``x.html`` gives ``x.html`` + ``x.json``.

    >>> [p.name for p in report_paths("out/check.html")]
    ['check.html', 'check.json']
    >>> [p.name for p in report_paths("check")]
    ['check.html', 'check.json']
    """
    p = Path(target)
    if p.suffix.lower() in (".html", ".htm", ".json"):
        p = p.with_suffix("")
    return p.with_name(p.name + ".html"), p.with_name(p.name + ".json")


def failure_report_paths(out_dir: str | Path) -> tuple[Path, Path]:
    """Where a failed run puts its report: next to the output directory it did not create.

    >>> [p.name for p in failure_report_paths("results/run1")]
    ['run1.validation.html', 'run1.validation.json']
    """
    p = Path(out_dir)
    name = p.name or "lqcalc"
    return p.parent / f"{name}.validation.html", p.parent / f"{name}.validation.json"


def empty_rejected() -> pl.DataFrame:
    """An empty rejected table (tidy columns + rule + reason)."""
    return schema.empty().with_columns(pl.lit(None, pl.String).alias("rule"), pl.lit(None, pl.String).alias("reason"))
