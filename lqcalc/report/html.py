"""The page itself: ``report.html`` rendered with Jinja2 and written atomically, with a subset
of the shipped Chinese font inlined (:func:`write_report`, :func:`render`)."""

from __future__ import annotations

import base64
import io
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl

REPORT = "report.html"
_MARK = "/*lqcalc-font*/"


def _font_css(html: str) -> str:
    """``@font-face`` of the shipped Noto Sans SC cut to the characters of the page."""
    from lqcalc.output.charts import cjk_font_path

    chars = set(re.sub(r"<[^>]*>", "", html))
    cjk = "".join(sorted(c for c in chars if ord(c) > 0x2e7f))
    path = cjk_font_path()
    if not cjk or path is None:
        return ""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    opts = subset.Options()
    opts.flavor = "woff"
    opts.name_IDs = ["*"]
    opts.desubroutinize = True   # a third faster to cut and smaller for the few glyphs of a page
    opts.hinting = False         # screens and PDF printers do without the hints
    font = TTFont(str(path), lazy=True)
    sub = subset.Subsetter(opts)
    sub.populate(text=cjk)
    sub.subset(font)
    buf = io.BytesIO()
    font.flavor = "woff"
    font.save(buf)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'@font-face {{ font-family: "lqcalc-cjk"; src: url(data:font/woff;base64,{data}) format("woff"); '
            'unicode-range: U+2E80-FFFF; font-display: block; }')


_templates: dict[str, Any] = {}


def _template():
    """The page's Jinja2 template, compiled once per process."""
    if "page" not in _templates:
        import jinja2

        env = jinja2.Environment(loader=jinja2.PackageLoader("lqcalc.report", "templates"),
                                 autoescape=True, trim_blocks=True, lstrip_blocks=True)
        _templates["page"] = env.get_template("report.html.j2")
    return _templates["page"]


def render(context: Mapping[str, Any]) -> str:
    """The page for a :func:`lqcalc.report.page.context`."""
    page = _template().render(**context, font_css=_MARK)
    return page.replace(_MARK, _font_css(page), 1)


def prepare_report(out_dir: str | Path, lang: str | None = None, manifest: Mapping[str, Any] | None = None,
                   summary: Mapping[str, Any] | None = None,
                   tables: Mapping[str, "pl.LazyFrame"] | None = None) -> Callable[[], Path]:
    """Work out ``report.html`` but its charts; return the function that adds the charts of
    ``out_dir/charts`` and writes the page (a run prepares the page while its charts are
    being drawn). The parameters are those of :func:`write_report`; ``tables`` are the
    run's tables (by default the scans of the Parquet files of ``out_dir``)."""
    from lqcalc.report.page import charts, context, detect_lang, read_json, scans

    out = Path(out_dir)
    # by name, as scans() lists the files
    tables = scans(out) if tables is None else {name: tables[name].lazy() for name in sorted(tables)}
    report = read_json(out / "validation.json")
    if manifest is None:
        manifest = read_json(out / "manifest.json")
    if summary is None:
        from lqcalc.output.summary import summary_tables

        summary = summary_tables(tables, report=report or None)
    lang = lang or detect_lang(tables)
    ctx = context(out, tables, summary, manifest, report, lang, with_charts=False)
    _template()

    def write() -> Path:
        ctx["charts"] = charts(out)
        html = render(ctx)
        path = out / REPORT
        tmp = path.with_name(f".{REPORT}.tmp")
        tmp.write_text(html, encoding="utf-8")
        os.replace(tmp, path)   # a reader never sees half a page
        return path

    return write


def write_report(out_dir: str | Path, lang: str | None = None, manifest: Mapping[str, Any] | None = None,
                 summary: Mapping[str, Any] | None = None) -> Path:
    """Write ``out_dir/report.html`` and return its path.

    Parameters
    ----------
    out_dir : path
        An output directory of ``lqcalc run`` (or the temporary one the run is writing).
    lang : {"en", "zh"}, optional
        Language of the page; by default Chinese when the region or industry names are.
    manifest : dict, optional
        The run's manifest (read from ``manifest.json`` when not given).
    summary : dict of polars.DataFrame, optional
        The summary tables with plain column names
        (:func:`lqcalc.output.summary.summary_tables`) when the caller has them already;
        else they are built from scans of the Parquet files.
    """
    return prepare_report(out_dir, lang, manifest, summary)()
