"""``report.html``: one self-contained page of a run, to open, send and print.

:func:`write_report` writes ``DIR/report.html`` from an output directory: the run's inputs
and validation outcome, the strongest clusters, choropleth maps (:mod:`lqcalc.report.maps`),
the charts, the shift-share table and the cluster classes, in English or Chinese. Styles,
the sorting script, the charts (PNG), the maps (SVG) and a subset of the shipped Chinese
font are inlined, and a Content-Security-Policy forbids the page any network access.
Only aggregates and the first rows of each table are shown (:mod:`lqcalc.report.page`).

The page is rendered with Jinja2 (autoescaping on): the template
(``templates/report.html.j2``) keeps the layout apart from the data gathering, and
escaping region and industry names is Jinja2's job, not hand-written code.
"""

from lqcalc.report.html import REPORT, prepare_report, render, write_report

__all__ = ["REPORT", "prepare_report", "render", "write_report"]
