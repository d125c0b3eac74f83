"""The DuckDB database of an output directory: every output table plus the SQL macros.

``write_database`` stores each table *inside* ``DIR/lqcalc.duckdb`` (no view points at a
Parquet path), so the file works from any working directory and after ``DIR`` is moved.
The macros, table macros and views come from the SQL files shipped in ``lqcalc.sql``
(the ``sql/`` folder of the repository), one object per file.

Connections never load or install extensions: nothing reaches the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

if TYPE_CHECKING:  # pragma: no cover
    import duckdb
    import polars as pl

DB_NAME = "lqcalc.duckdb"

#: DuckDB settings of every connection lqcalc opens (offline, no extension downloads).
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}

#: Folders of ``lqcalc.sql`` loaded into a database, in this order.
MACRO_FOLDERS = ("macros", "aggregates", "table_macros")
VIEW_FOLDER = "views"
PARQUET_FOLDER = "parquet"

#: Output tables with a Parquet view (``parquet/<name>.sql``), in the order of the docs.
PARQUET_TABLES = ("tidy", "indicators", "regions", "industries", "growth", "clusters", "targets", "intensity",
                  "rejected")

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class SqlObject:
    """One SQL file of ``lqcalc.sql``: its object name, folder, header comment and text."""

    name: str
    folder: str
    description: str
    text: str


def _sql_root() -> Path:
    """The ``lqcalc.sql`` folder (``sql/`` of a source checkout)."""
    from lqcalc.resources import sql_dir

    return sql_dir()


def _header(text: str) -> str:
    """The leading ``--`` comment of a SQL file, as one line of text."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line[2:].strip())
    return " ".join(lines)


def sql_objects(folder: str) -> list[SqlObject]:
    """The SQL objects of one folder of ``lqcalc.sql``, sorted by name.

    >>> [o.name for o in sql_objects("aggregates")]
    ['entropy', 'hhi', 'hoover', 'krugman']
    """
    root = _sql_root() / folder
    out = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".sql"):
            text = entry.read_text(encoding="utf-8")
            out.append(SqlObject(entry.name[:-4], folder, _header(text), text))
    return out


def example_queries() -> list[tuple[str, str]]:
    """The numbered queries of ``examples.sql`` as (title, query) pairs.

    >>> [title.split(".")[0] for title, _ in example_queries()][:3]
    ['1', '2', '3']
    """
    text = (_sql_root() / "examples.sql").read_text(encoding="utf-8")
    out = []
    for chunk in re.split(r"(?m)^;\s*$", text):
        m = re.search(r"(?m)^-- (\d+\..*)$", chunk)
        if not m:
            continue
        title = m.group(1).strip()
        out.append((title, chunk[m.start():].strip()))
    return out


def connect(path: str | Path | None = None, read_only: bool = False) -> "duckdb.DuckDBPyConnection":
    """Open DuckDB (in memory when ``path`` is None) without any extension auto-loading.

    >>> con = connect()
    >>> load_macros(con)
    >>> con.sql("select lq(1714, 79006, 879213, 15593224)").fetchall()[0][0]  # REAT example
    0.38476...
    """
    import duckdb

    database = ":memory:" if path is None else str(path)
    return duckdb.connect(database, read_only=read_only, config=dict(DUCKDB_CONFIG))


def _create_all(con, objects: Iterable[SqlObject], skip_failures: bool = False) -> list[str]:
    """Run the ``create`` statements, retrying those that refer to an object created later.

    Returns the names created. With ``skip_failures`` an object whose statement still fails
    (a view over a table the database does not hold) is left out instead of raising.
    """
    import duckdb

    pending = list(objects)
    created: list[str] = []
    while pending:
        failed: list[tuple[SqlObject, Exception]] = []
        for obj in pending:
            try:
                con.execute(obj.text)
                created.append(obj.name)
            except duckdb.Error as exc:
                failed.append((obj, exc))
        if len(failed) == len(pending):
            if skip_failures:
                break
            obj, exc = failed[0]
            from lqcalc.errors import InternalError

            raise InternalError(f"SQL object {obj.folder}/{obj.name}.sql failed to load: {exc}")
        pending = [obj for obj, _ in failed]
    return created


def load_macros(con) -> None:
    """Create every macro, aggregate macro and table macro of ``lqcalc.sql`` on ``con``."""
    objects = [o for folder in MACRO_FOLDERS for o in sql_objects(folder)]
    _create_all(con, objects)


def load_views(con) -> list[str]:
    """Create the views of ``lqcalc.sql/views`` whose tables exist; return their names."""
    return _create_all(con, sql_objects(VIEW_FOLDER), skip_failures=True)


def attach_parquet(con, out_dir: str | Path) -> list[str]:
    """Create views over the Parquet files of ``out_dir`` (those that exist); return names.

    The views read ``getvariable('lqcalc_dir')``, set here to ``out_dir``; nothing absolute
    is stored in the view definitions.
    """
    out_dir = Path(out_dir)
    con.execute("set variable lqcalc_dir = ?", [str(out_dir)])
    made = []
    for obj in sql_objects(PARQUET_FOLDER):
        if (out_dir / f"{obj.name}.parquet").is_file():
            con.execute(obj.text)
            made.append(obj.name)
    return made


def _duckdb_ready(df: "pl.DataFrame") -> "pl.DataFrame":
    """Cast columns DuckDB cannot take from Arrow as they are (all-null, object) to text."""
    import polars as pl

    casts = [
        pl.col(name).cast(pl.String)
        for name, dtype in df.schema.items()
        if dtype == pl.Null or dtype == pl.Object
    ]
    return df.with_columns(casts) if casts else df


def write_database(out_dir: Path, tables: Mapping[str, "pl.DataFrame"]) -> Path:
    """Write ``out_dir/lqcalc.duckdb`` holding every table of ``tables`` and the macros.

    Parameters
    ----------
    out_dir : Path
        Output directory (it must exist); nothing is written outside it.
    tables : mapping of str to polars.DataFrame
        Output tables by name (``tidy``, ``indicators``, ``regions``, ...). ``None`` values
        are skipped. Each is stored as a DuckDB table of the same name.

    Returns
    -------
    Path
        The database file.

    Examples
    --------
    >>> import tempfile, polars as pl
    >>> d = Path(tempfile.mkdtemp())
    >>> t = pl.DataFrame({"region": ["a", "b"], "industry": ["x", "x"], "value": [1.0, 3.0]})
    >>> db = write_database(d, {"indicators": t})
    >>> con = connect(db, read_only=True)
    >>> con.sql("select sum(value), share(1, 0) from indicators").fetchall()
    [(4.0, None)]
    """
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise FileNotFoundError(f"output directory {out_dir} does not exist")
    path = out_dir / DB_NAME
    for stale in (path, out_dir / (DB_NAME + ".wal")):
        if stale.exists():
            stale.unlink()
    con = connect(path)
    try:
        load_macros(con)
        stored = []
        for name, df in tables.items():
            if df is None:
                continue
            if not _IDENT.match(name):
                raise ValueError(f"table name {name!r} is not a plain SQL identifier")
            frame = _duckdb_ready(df)  # noqa: F841  (read by name in the SQL below)
            con.execute(f'create table "{name}" as select * from frame')
            stored.append(name)
        load_views(con)
        _write_catalog(con, stored)
        con.execute("checkpoint")
    finally:
        con.close()
    return path


def _write_catalog(con, stored: list[str]) -> None:
    """Store a table ``lqcalc_objects`` listing the tables, macros and views with their help."""
    rows = [(name, "table", f"output table {name} (see docs/outputs.md)") for name in stored]
    for folder in (*MACRO_FOLDERS, VIEW_FOLDER):
        kind = {"macros": "macro", "aggregates": "aggregate macro", "table_macros": "table macro",
                "views": "view"}[folder]
        for obj in sql_objects(folder):
            rows.append((obj.name, kind, obj.description))
    con.execute("create table lqcalc_objects (name varchar, kind varchar, description varchar)")
    con.executemany("insert into lqcalc_objects values (?, ?, ?)", rows)
