"""What an analyst takes away from a run (:func:`write_analyst_outputs`): the DuckDB
database (:mod:`lqcalc.output.duckdb_db`), the summary tables (:mod:`lqcalc.output.summary`)
and the charts (:mod:`lqcalc.output.charts`, drawn by a second process,
:mod:`lqcalc.output.chartjob`, when the run started one). Heavy libraries (matplotlib,
DuckDB) are imported only when these run. The growth by region is computed once, for the
summary and the shift-share chart; the database, that growth and the workbook are written in
threads beside the summary tables.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl

    from lqcalc.output.chartjob import ChartProcess
    from lqcalc.output.facts import WrittenFacts


def write_analyst_outputs(out_dir: Path, tables: Mapping[str, "pl.DataFrame | pl.LazyFrame"], lang: str = "en",
                          charts: bool = True, quiet: bool | None = None,
                          top_industries: int = 4, industries: list[str] | None = None,
                          chart_process: "ChartProcess | None" = None, source: str | None = None,
                          industry_names: dict[str, str] | None = None,
                          manifest: Mapping[str, Any] | None = None,
                          report_lang: str | None = None,
                          files: "Callable[[], Mapping[str, pl.LazyFrame]] | None" = None,
                          facts: "WrittenFacts | None" = None) -> dict[str, Any]:
    """Write ``lqcalc.duckdb``, ``summary/``, (unless ``charts`` is false) ``charts/``, and
    (when given the run's ``manifest``) ``report.html``.

    Parameters
    ----------
    out_dir : Path
        The (temporary) output directory; nothing is written outside it.
    tables : mapping of str to polars.DataFrame or polars.LazyFrame
        Every table of the run, including ``tidy`` (and ``rejected`` when rows were set aside).
        LazyFrames are meant to be scans of the Parquet files already written to ``out_dir``
        (``pl.scan_parquet(out_dir / f"{name}.parquet")``): the database copies or views
        them with DuckDB's own Parquet reader, and the summary tables and charts collect
        only the rows and columns they show, so memory stays bounded whatever the size of
        ``tidy`` and ``indicators``. DataFrames work too (they are copied into the database).
    lang : {"en", "zh"}
        Language of the summary headers and chart labels.
    charts : bool
        Draw the charts (``--no-charts`` turns them off).
    quiet : bool, optional
        No progress on stderr.
    top_industries : int
        Number of industries that get charts (the largest in the last year) ...
    industries : list of str, optional
        ... or the industry codes to chart (the demo charts the creative segments).
    chart_process : lqcalc.output.chartjob.ChartProcess, optional
        A chart process started earlier (:func:`lqcalc.output.chartjob.start`): it draws the
        charts from ``out_dir/<name>.parquet`` while the database and summary are written
        here. Without it (or when ``out_dir`` has no ``indicators.parquet``) the charts are
        drawn here.
    source : str, optional
        The data source named in the chart footers.
    industry_names : dict, optional
        Chart titles of industry codes that have no ``industry_name`` in the tables.
    manifest : dict, optional
        The run's manifest so far (inputs, rows, validation): ``report.html``
        (:func:`lqcalc.report.write_report`) is written last, with the charts, in
        ``report_lang`` when given, else in Chinese when ``lang`` is ``zh`` or the region
        names are Chinese, else in English.
    report_lang : {"en", "zh"}, optional
        The language asked for (``lqcalc run --lang en`` gives an English page of Chinese data).
    files : callable, optional
        Returns the scans of every table's finished Parquet file, waiting for them if need
        be (:meth:`lqcalc.output.appender.TableAppender.written`): the database is built from
        these, in its thread, while ``tables`` may still hold a table whose file is being
        written (as its frame in memory) for the summaries, charts and report.
    facts : lqcalc.output.facts.WrittenFacts, optional
        Counts the run took while writing ``tidy`` and ``indicators``: the summary uses them
        instead of reading those tables again.

    Returns
    -------
    dict
        ``database`` (path), ``summary`` (folder), ``charts`` (list of paths) and ``timings``
        (seconds per step), for the manifest. A large workbook (``summary.xlsx``) is written
        by a thread while the charts and ``report.html`` are made; ``summary`` counts
        the time spent waiting for it at the end. With a chart process, ``charts`` is its
        drawing time and ``charts_waited`` the time this process waited for it.
    """
    from lqcalc.output.beside import Beside
    from lqcalc.output.summary import SUMMARY_DIR, WORKBOOK, write_summary_files
    from lqcalc.output.workbook import BACKGROUND_CELLS, cells, start_workbook, write_workbook
    from lqcalc.progress import note

    out_dir = Path(out_dir)
    timings: dict[str, float] = {}
    beside = None
    by_region = None
    if chart_process is not None:
        if charts and (out_dir / "indicators.parquet").is_file():
            # the growth by region, once: for the summary and the shift-share chart
            from lqcalc.output.summary import growth_by_region

            by_region = Beside(growth_by_region, tables)
            chart_process.plan(out_dir, tables, by_region=by_region.wait, lang=lang, top_industries=top_industries,
                               industries=industries, source=source, industry_names=industry_names)
            beside = chart_process
        else:
            chart_process.close()
    job = None
    database = None
    chart_paths: list[Path] = []
    try:
        note("• writing the DuckDB database and the summary tables …", quiet)
        database = Beside(_database, out_dir, tables, files)   # DuckDB works without the interpreter lock
        t = time.perf_counter()
        built, sheets = write_summary_files(out_dir, tables, lang,
                                            by_region=by_region.wait if by_region is not None else None,
                                            facts=facts)
        workbook = out_dir / SUMMARY_DIR / WORKBOOK
        if cells(sheets) > BACKGROUND_CELLS:
            job = start_workbook(workbook, sheets)  # written beside the charts and report.html
        else:
            write_workbook(workbook, sheets)
        timings["summary"] = time.perf_counter() - t
        finish_report = None
        if manifest is not None:
            # the page but its charts, worked out before (and while) they are drawn
            from lqcalc.report import prepare_report

            t = time.perf_counter()
            finish_report = prepare_report(out_dir, lang=report_lang or ("zh" if lang == "zh" else None),
                                           manifest=manifest, summary=built, tables=tables)
            timings["report"] = time.perf_counter() - t
        t = time.perf_counter()
        if beside is not None:
            note("• drawing charts …", quiet)
            chart_paths, drawn = beside.wait()
            timings["charts"] = drawn.get("drawing", 0.0)
            timings["charts_warm_up"] = drawn.get("warm_up", 0.0)       # before the tables were ready
            timings["charts_idle"] = drawn.get("waiting", 0.0)          # ready before the tables
            timings["chart_workers"] = drawn.get("workers", 1)
            timings["charts_waited"] = round(time.perf_counter() - t, 4)
        elif charts:
            from lqcalc.output.charts import write_charts

            chart_paths = write_charts(out_dir, tables, lang, top_industries=top_industries, quiet=quiet,
                                       industries=industries, by_region=built.get("growth_by_region"), source=source,
                                       industry_names=industry_names)
            timings["charts"] = round(time.perf_counter() - t, 4)
        if finish_report is not None:   # last: the page shows the charts
            t = time.perf_counter()
            note("• writing report.html …", quiet)
            finish_report()
            timings["report"] = round(timings["report"] + time.perf_counter() - t, 4)
    except BaseException:
        for thread in (database, by_region):
            if thread is not None:
                thread.cancel()
        if job is not None:
            job.cancel()
        if beside is not None:
            beside.cancel()
        raise
    if job is not None:
        t = time.perf_counter()
        job.wait()
        timings["summary"] += time.perf_counter() - t
    db = database.wait()
    timings["database"] = round(database.seconds, 4)
    timings["summary"] = round(timings["summary"], 4)
    return {"database": db, "summary": out_dir / SUMMARY_DIR, "charts": chart_paths, "timings": timings}


def _database(out_dir: Path, tables: Mapping[str, Any], files: Callable[[], Mapping[str, Any]] | None) -> Path:
    """``lqcalc.duckdb`` (:func:`lqcalc.output.duckdb_db.write_database`) over the finished
    files: DuckDB is imported while they are still being written."""
    import duckdb  # noqa: F401
    from lqcalc.output.duckdb_db import write_database

    return write_database(out_dir, files() if files is not None else tables)
