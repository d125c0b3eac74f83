"""lqcalc.duckdb: every table stored inside, macros present, works after a move, offline."""

from __future__ import annotations

import shutil

import polars as pl
import pytest

from lqcalc.output.duckdb_db import (DUCKDB_CONFIG, PARQUET_TABLES, attach_parquet, connect, load_macros,
                                     sql_objects, write_database)
from test_output_data import cached_run


@pytest.fixture(scope="module")
def run_tables():
    return cached_run("bres")


def test_every_table_is_stored_with_the_same_rows(run_tables, tmp_path):
    _, tables = run_tables
    db = write_database(tmp_path, tables)
    assert db == tmp_path / "lqcalc.duckdb"
    con = connect(db, read_only=True)
    stored = {r[0] for r in con.sql("select table_name from duckdb_tables()").fetchall()}
    assert set(tables) | {"lqcalc_objects"} == stored
    for name, df in tables.items():
        back = con.sql(f'select * from "{name}"').pl()
        assert back.height == df.height and back.columns == df.columns, name
    # values survive exactly (codes stay strings, nulls stay null)
    ind = con.sql("select * from indicators order by region, industry, year").pl()
    want = tables["indicators"].sort("region", "industry", "year")
    assert ind["lq"].to_list() == want["lq"].to_list()
    assert ind.schema["region"] == pl.String
    con.close()


def test_macros_views_and_catalog_are_in_the_file(run_tables, tmp_path):
    _, tables = run_tables
    con = connect(write_database(tmp_path, tables), read_only=True)
    macros = {r[0] for r in con.sql(
        "select function_name from duckdb_functions() where function_type in ('macro', 'table_macro') "
        "and not internal").fetchall()}
    expected = {o.name for f in ("macros", "aggregates", "table_macros") for o in sql_objects(f)}
    assert expected <= macros
    assert {"lq", "slq", "share", "cagr", "required_cagr", "hhi", "entropy", "krugman", "hoover",
            "shift_share", "region_indices", "industry_indices", "lq_table"} <= macros
    views = {r[0] for r in con.sql("select view_name from duckdb_views() where not internal").fetchall()}
    assert "latest_indicators" in views
    kinds = dict(con.sql("select kind, count(*) from lqcalc_objects group by kind").fetchall())
    assert kinds["table"] == len(tables) and kinds["macro"] >= 15
    con.close()


def test_database_works_after_the_directory_moves(run_tables, tmp_path, monkeypatch):
    _, tables = run_tables
    first = tmp_path / "first"
    first.mkdir()
    write_database(first, tables)
    moved = tmp_path / "elsewhere" / "moved"
    moved.parent.mkdir()
    shutil.move(str(first), str(moved))
    other = tmp_path / "cwd"
    other.mkdir()
    monkeypatch.chdir(other)
    con = connect(moved / "lqcalc.duckdb", read_only=True)
    for name in tables:
        assert con.sql(f'select count(*) from "{name}"').fetchall()[0][0] == tables[name].height
    assert con.sql("select count(*) from latest_indicators").fetchall()[0][0] > 0
    # nothing in the catalog points at a file
    for (sql,) in con.sql("select sql from duckdb_views() where not internal").fetchall():
        assert "parquet" not in sql.lower() and str(tmp_path) not in sql
    con.close()


def test_write_database_writes_only_inside_out_dir(run_tables, tmp_path):
    _, tables = run_tables
    out = tmp_path / "out"
    out.mkdir()
    before = set(tmp_path.rglob("*"))
    write_database(out, tables)
    after = set(tmp_path.rglob("*"))
    assert {p for p in after - before} == {out / "lqcalc.duckdb"}


def test_rewrite_replaces_the_old_file(run_tables, tmp_path):
    _, tables = run_tables
    write_database(tmp_path, {"indicators": tables["indicators"].head(3)})
    write_database(tmp_path, {"indicators": tables["indicators"]})
    con = connect(tmp_path / "lqcalc.duckdb", read_only=True)
    assert con.sql("select count(*) from indicators").fetchall()[0][0] == tables["indicators"].height
    con.close()


def test_connections_never_autoload_extensions():
    assert DUCKDB_CONFIG == {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    con = connect()
    got = dict(con.sql("select name, value from duckdb_settings() where name in "
                       "('autoinstall_known_extensions', 'autoload_known_extensions')").fetchall())
    assert got == {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}
    con.close()


def test_parquet_views_follow_the_directory_variable(run_tables, tmp_path, monkeypatch):
    out, tables = run_tables
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    monkeypatch.chdir(tmp_path)
    con = connect()
    load_macros(con)
    made = attach_parquet(con, copy)
    assert set(made) == {t for t in PARQUET_TABLES if (copy / f"{t}.parquet").exists()}
    assert "rejected" not in made  # the run rejected nothing, so there is no file and no view
    assert con.sql("select count(*) from indicators").fetchall()[0][0] == tables["indicators"].height
    (view_sql,) = con.sql("select sql from duckdb_views() where view_name = 'indicators'").fetchall()[0]
    assert str(copy) not in view_sql  # the path lives in a variable, not in the view
    con.close()


def test_all_null_and_odd_columns_are_stored(tmp_path):
    df = pl.DataFrame({"region": ["a", "b"], "empty": [None, None], "year": pl.Series([2020, None], dtype=pl.Int32)})
    con = connect(write_database(tmp_path, {"tidy": df}), read_only=True)
    assert con.sql("select count(*), count(empty) from tidy").fetchall()[0] == (2, 0)
    con.close()


def test_bad_table_names_are_refused(tmp_path):
    with pytest.raises(ValueError):
        write_database(tmp_path, {"drop table x; --": pl.DataFrame({"a": [1]})})
    with pytest.raises(FileNotFoundError):
        write_database(tmp_path / "missing", {})


def test_macros_load_whatever_their_order(monkeypatch, tmp_path):
    """In dependency order the database gets them in one transaction; in another (a failure
    in it) they are created one by one, retried in rounds."""
    import lqcalc.output.duckdb_db as db

    def names(path):
        con = connect(path, read_only=True)
        try:
            return {r[0] for r in con.sql("select function_name from duckdb_functions() where not internal").fetchall()}
        finally:
            con.close()

    t = pl.DataFrame({"region": ["a"], "industry": ["x"], "value": [1.0]})
    every = names(write_database(tmp_path, {"indicators": t}))
    assert len(every) == 34
    monkeypatch.setattr(db, "dependency_order", lambda objects: list(reversed(objects)))
    assert names(write_database(tmp_path, {"indicators": t})) == every
    con = connect()
    load_macros(con)
    assert con.sql("select lq(1714, 79006, 879213, 15593224)").fetchall()[0][0] == pytest.approx(0.3847623)
