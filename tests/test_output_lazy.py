"""The write stage on scans of the Parquet files already written (as the partitioned run
calls it): same database contents and summary files as with DataFrames, views over large
tables that follow the directory, bounded selections for summaries and charts."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

from lqcalc.cli import main
from lqcalc.output import write_analyst_outputs
from lqcalc.output.charts import chart_data, largest
from lqcalc.output.duckdb_db import connect, parquet_source, write_database
from lqcalc.output.summary import summary_tables
from test_output_data import cached_run


def _copy_outputs(src: Path, dst: Path) -> Path:
    dst.mkdir(parents=True)
    for p in src.glob("*.parquet"):
        shutil.copy(p, dst / p.name)
    if (src / "validation.json").is_file():
        shutil.copy(src / "validation.json", dst / "validation.json")
    return dst


def _scans(out: Path) -> dict[str, pl.LazyFrame]:
    return {p.stem: pl.scan_parquet(p) for p in sorted(out.glob("*.parquet"))}


def _frames(out: Path) -> dict[str, pl.DataFrame]:
    return {p.stem: pl.read_parquet(p) for p in sorted(out.glob("*.parquet"))}


def _database(path: Path) -> dict[str, pl.DataFrame]:
    """Every table and view of a database, rows in a canonical order."""
    con = connect(path, read_only=True)
    try:
        names = [r[0] for r in con.sql("select table_name from information_schema.tables order by 1").fetchall()]
        out = {}
        for name in names:
            df = con.sql(f'select * from "{name}"').pl()
            out[name] = df.sort(df.columns, nulls_last=True) if df.width else df
        return out
    finally:
        con.close()


@pytest.mark.parametrize("kind", ["bres", "chinese"])
def test_scans_give_the_same_database_and_summary_files_as_frames(kind, tmp_path):
    src, _ = cached_run(kind)
    lang = "zh" if kind == "chinese" else "en"
    eager = _copy_outputs(src, tmp_path / "eager")
    lazy = _copy_outputs(src, tmp_path / "lazy")
    write_analyst_outputs(eager, _frames(eager), lang, charts=False, quiet=True)
    write_analyst_outputs(lazy, _scans(lazy), lang, charts=False, quiet=True)

    a, b = _database(eager / "lqcalc.duckdb"), _database(lazy / "lqcalc.duckdb")
    assert set(a) == set(b) and {"indicators", "tidy", "growth", "latest_indicators", "lqcalc_objects"} <= set(a)
    for name in a:
        assert a[name].schema == b[name].schema, name
        assert a[name].equals(b[name]), name

    files = sorted(p.name for p in (eager / "summary").iterdir())
    assert files == sorted(p.name for p in (lazy / "summary").iterdir())
    for name in files:
        if name.endswith((".csv", ".md")):
            assert (eager / "summary" / name).read_bytes() == (lazy / "summary" / name).read_bytes(), name
    sheets = pl.read_excel(eager / "summary" / "summary.xlsx", sheet_id=0)
    lazy_sheets = pl.read_excel(lazy / "summary" / "summary.xlsx", sheet_id=0)
    assert list(sheets) == list(lazy_sheets)
    for title in sheets:
        assert sheets[title].equals(lazy_sheets[title]), title


def test_summary_tables_and_chart_data_do_not_depend_on_frames_or_scans():
    src, tables = cached_run("bres")
    eager, lazy = summary_tables(tables), summary_tables(_scans(src))
    assert list(eager) == list(lazy)
    for name in eager:
        assert eager[name].equals(lazy[name]), name
    d1, d2 = chart_data(tables, 3), chart_data(_scans(src), 3)
    assert d1["industries"] == d2["industries"] and (d1["start"], d1["end"]) == (d2["start"], d2["end"])
    for key in ("bubble", "lq_time", "shift"):
        assert d1[key].equals(d2[key]), key


def test_large_scanned_tables_become_views_that_follow_the_directory(tmp_path, monkeypatch):
    src, tables = cached_run("bres")
    first = _copy_outputs(src, tmp_path / "first")
    db = write_database(first, _scans(first), copy_rows=200)  # tidy and indicators (480 rows) above it
    con = connect(db, read_only=True)
    kinds = dict(con.sql("select table_name, table_type from information_schema.tables").fetchall())
    con.close()
    assert kinds["tidy"] == kinds["indicators"] == "VIEW"
    assert kinds["regions"] == "BASE TABLE" and kinds["growth"] == "BASE TABLE"  # 40 and 130 rows: copied

    moved = tmp_path / "elsewhere" / "moved"
    moved.parent.mkdir()
    shutil.move(str(first), str(moved))
    other = tmp_path / "cwd"
    other.mkdir()
    monkeypatch.chdir(other)
    con = connect(moved / "lqcalc.duckdb", read_only=True)
    for name, df in tables.items():
        assert con.sql(f'select count(*) from "{name}"').fetchall()[0][0] == df.height, name
    back = con.sql("select * from indicators").pl()
    assert back.equals(tables["indicators"])  # same rows in the same order, codes still strings
    assert con.sql("select count(*) from latest_indicators").fetchall()[0][0] == 120
    # the views hold no path of the directory, only the variable and the file name
    for (sql,) in con.sql("select sql from duckdb_views() where not internal").fetchall():
        assert str(tmp_path) not in sql
    described = dict(con.sql("select name, description from lqcalc_objects where kind = 'table'").fetchall())
    assert "indicators.parquet" in described["indicators"] and "480 rows" in described["indicators"]
    con.close()

    # lqcalc sql opens the moved directory from elsewhere
    r = CliRunner().invoke(main, ["sql", str(moved), "select count(*) as n from indicators", "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert r.stdout.split() == ["n", "480"]
    # a plain DuckDB connection without the variable reads the files relative to the working directory
    raw = duckdb.connect(str(moved / "lqcalc.duckdb"), read_only=True,
                         config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    with pytest.raises(duckdb.Error):
        raw.sql("select count(*) from indicators").fetchall()
    raw.execute("set variable lqcalc_dir = ?", [str(moved)])
    assert raw.sql("select count(*) from indicators").fetchall()[0][0] == 480
    raw.close()
    monkeypatch.chdir(moved)
    raw = duckdb.connect("lqcalc.duckdb", read_only=True,
                         config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    assert raw.sql("select count(*) from tidy").fetchall()[0][0] == 480
    raw.close()


def test_only_a_plain_scan_of_the_tables_own_file_is_read_by_duckdb(tmp_path):
    pl.DataFrame({"region": ["a", "b", "c"], "value": [1.0, 2.0, 3.0]}).write_parquet(tmp_path / "tidy.parquet")
    scan = pl.scan_parquet(tmp_path / "tidy.parquet")
    assert parquet_source(scan, tmp_path, "tidy") == tmp_path / "tidy.parquet"
    assert parquet_source(pl.scan_parquet(str(tmp_path / ".." / tmp_path.name / "tidy.parquet")), tmp_path,
                          "tidy") == tmp_path / "tidy.parquet"
    assert parquet_source(scan, tmp_path, "indicators") is None  # another table's name
    assert parquet_source(scan.filter(pl.col("value") > 1), tmp_path, "tidy") is None
    assert parquet_source(scan.select("region"), tmp_path, "tidy") is None
    assert parquet_source(scan.collect(), tmp_path, "tidy") is None

    # any other LazyFrame is copied, also above the row budget (streamed through a file removed afterwards)
    db = write_database(tmp_path, {"tidy": scan.filter(pl.col("value") > 1), "regions": scan.head(1)}, copy_rows=1)
    con = connect(db, read_only=True)
    kinds = dict(con.sql("select table_name, table_type from information_schema.tables").fetchall())
    assert kinds["tidy"] == kinds["regions"] == "BASE TABLE"
    assert con.sql("select region from tidy order by region").fetchall() == [("b",), ("c",)]
    con.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lqcalc.duckdb", "tidy.parquet"]


@pytest.mark.parametrize("copy_rows", [0, 10])
def test_all_null_columns_of_scans_are_text(tmp_path, copy_rows):
    df = pl.DataFrame({"region": ["a", "b"], "empty": [None, None], "year": pl.Series([2020, None], dtype=pl.Int32)})
    df.write_parquet(tmp_path / "tidy.parquet")
    con = connect(write_database(tmp_path, {"tidy": pl.scan_parquet(tmp_path / "tidy.parquet")}, copy_rows=copy_rows),
                  read_only=True)
    assert con.sql("select count(*), count(empty) from tidy").fetchall()[0] == (2, 0)
    assert dict(con.sql("select column_name, data_type from information_schema.columns "
                        "where table_name = 'tidy'").fetchall())["empty"] == "VARCHAR"
    con.close()


def test_workbook_written_in_a_thread_is_the_same(tmp_path, monkeypatch):
    import lqcalc.output.workbook as workbook

    src, _ = cached_run("bres")
    here = _copy_outputs(src, tmp_path / "here")
    there = _copy_outputs(src, tmp_path / "there")
    write_analyst_outputs(here, _scans(here), "en", charts=True, quiet=True, top_industries=1)
    started = []
    real_start = workbook.start_workbook

    def spy(path, sheets):
        started.append(path)
        return real_start(path, sheets)

    monkeypatch.setattr(workbook, "start_workbook", spy)
    monkeypatch.setattr(workbook, "BACKGROUND_CELLS", 0)
    write_analyst_outputs(there, _scans(there), "en", charts=True, quiet=True, top_industries=1)
    assert started == [there / "summary" / "summary.xlsx"]
    assert sorted(p.name for p in (there / "summary").iterdir()) == sorted(p.name for p in (here / "summary").iterdir())
    a = pl.read_excel(here / "summary" / "summary.xlsx", sheet_id=0)
    b = pl.read_excel(there / "summary" / "summary.xlsx", sheet_id=0)
    assert list(a) == list(b) and all(a[t].equals(b[t]) for t in a)


def test_a_failing_workbook_thread_is_reported_and_leaves_nothing_behind(tmp_path):
    from lqcalc.output.workbook import Sheet, start_workbook

    target = tmp_path / "summary.xlsx"
    target.mkdir()  # a folder where the file should go: the workbook cannot be written there
    job = start_workbook(target, [Sheet("s", pl.DataFrame({"a": [1]}), True)])
    with pytest.raises(RuntimeError, match="summary.xlsx"):
        job.wait()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.xlsx"]


def test_bubble_charts_draw_the_largest_regions_and_say_so(tmp_path, monkeypatch):
    import lqcalc.output.charts as charts

    _, tables = cached_run("bres")
    data = chart_data(tables, 1)
    sub = data["bubble"].filter(pl.col("industry") == data["industries"][0])
    assert sub.height == 10
    figures = []
    import lqcalc.output.drawing as drawing

    monkeypatch.setattr(drawing, "save", lambda fig, canvas, base: figures.append(fig) or [base])
    charts.bubble_chart(sub, "x", 2015, 2018, "employment", "en", tmp_path / "all")
    charts.bubble_chart(sub, "x", 2015, 2018, "employment", "en", tmp_path / "four", max_points=4)
    notes = [[line for t in fig.texts for line in t.get_text().split("\n")] for fig in figures]   # the footer
    assert notes[0] == ["Data: 2015-2018.", "bubble area: employment 2018", "Chart: lqcalc " + __import__("lqcalc").__version__ + "."]
    assert notes[1][1] == "bubble area: employment 2018; the 4 largest of 10 regions"
    drawn = figures[1].axes[0].collections[0].get_offsets()
    assert len(drawn) == 4
    want = largest(sub, 4)
    assert sorted(want["lq"].to_list()) == sorted(float(x) for x, _ in drawn)
    assert want["value"].min() >= sub.sort("value", descending=True)["value"][3]


def test_no_query_of_summaries_and_charts_collects_a_whole_large_table(tmp_path, monkeypatch):
    import lqcalc.output.charts as charts
    import lqcalc.output.summary as summary

    src, tables = cached_run("bres")
    out = _copy_outputs(src, tmp_path / "out")
    biggest = min(tables["indicators"].height, tables["tidy"].height)  # 480 rows, 4 years
    sizes = []
    real = summary.collect

    def counting(lf):
        df = real(lf)
        sizes.append(df.height)
        return df

    monkeypatch.setattr(summary, "collect", counting)
    monkeypatch.setattr(charts, "collect", counting)
    import lqcalc.output.chartdata as chartdata

    monkeypatch.setattr(chartdata, "collect", counting)   # the chart data are collected there
    write_analyst_outputs(out, _scans(out), "en", charts=True, quiet=True, top_industries=2)
    assert len(sizes) > 20 and max(sizes) < biggest / 2  # the latest year of 4 at most, never everything
    assert (out / "summary" / "cluster_classes.csv").is_file() and any((out / "charts").iterdir())


def test_an_error_of_the_database_thread_stops_the_outputs(tmp_path, monkeypatch):
    # the database is written in a thread beside the summary tables: its error is the caller's
    import lqcalc.output.duckdb_db as duckdb_db

    src, _ = cached_run("bres")
    out = _copy_outputs(src, tmp_path / "out")

    def broken(*args, **kwargs):
        raise OSError("disk full (test)")

    monkeypatch.setattr(duckdb_db, "write_database", broken)
    with pytest.raises(OSError, match="disk full"):
        write_analyst_outputs(out, _scans(out), "en", charts=False, quiet=True)


def test_the_growth_by_region_is_computed_once_for_summary_and_chart(tmp_path, monkeypatch):
    import lqcalc.output.chartjob as chartjob
    import lqcalc.output.summary as summary

    src, _ = cached_run("bres")
    out = _copy_outputs(src, tmp_path / "out")
    calls = []
    real = summary.growth_by_region

    def counted(tables):
        calls.append(1)
        return real(tables)

    monkeypatch.setattr(summary, "growth_by_region", counted)
    process = chartjob.start()
    if process is None:
        pytest.skip("no chart process on this machine")
    result = write_analyst_outputs(out, _scans(out), "en", charts=True, quiet=True, top_industries=1,
                                   chart_process=process)
    assert len(calls) == 1
    assert any(p.name.startswith("shift_share") for p in result["charts"])
    assert (out / "summary" / "growth_by_region.csv").stat().st_size > 100
