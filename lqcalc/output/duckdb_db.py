"""The DuckDB database of an output directory: every output table plus the SQL macros.

``write_database`` stores each table of up to :data:`COPY_ROWS` rows *inside*
``DIR/lqcalc.duckdb``; a larger table whose Parquet file ``DIR/<name>.parquet`` is already
written (a scan of that file is passed) becomes a view over that file instead, with its path
relative to the database's directory (the DuckDB variable ``lqcalc_dir``, which
:func:`connect` sets when it opens a database file). Either way the database works from any
working directory and after ``DIR`` is moved; copying 22 million rows into DuckDB takes
about a minute and doubles the size of the directory, a view costs nothing (numbers in
``docs/outputs.md``).

The macros, table macros and views come from the SQL files shipped in ``lqcalc.sql``
(the ``sql/`` folder of the repository), one object per file.

Connections never load or install extensions: nothing reaches the network.

Why this module is long: the SQL objects, the tables and the catalog are written together, in
the order and transactions that make the database quick to write; split up, each part would
need the others' internals.
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
                  "relatedness", "proximity", "spatial", "rejected")

#: Tables with more rows than this are not copied into the database when their Parquet file
#: is in the output directory: they become views over that file (copying runs at 0.3-1
#: million rows a second on two cores, so a copy costs at most about a quarter of a second
#: per table; DuckDB queries a view over Parquet almost as fast; see docs/outputs.md).
COPY_ROWS = 250_000

#: The DuckDB variable holding the output directory, read by the views over Parquet files.
DIR_VARIABLE = "lqcalc_dir"

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

    For a database file, the variable ``lqcalc_dir`` is set to the file's directory (as an
    absolute path), so the views over the Parquet files next to it read them wherever the
    directory is and whatever the working directory.

    >>> con = connect()
    >>> load_macros(con)
    >>> con.sql("select lq(1714, 79006, 879213, 15593224)").fetchall()[0][0]  # REAT example
    0.38476...
    """
    import duckdb

    if path is None:
        return duckdb.connect(":memory:", read_only=read_only, config=dict(DUCKDB_CONFIG))
    con = duckdb.connect(str(path), read_only=read_only, config=dict(DUCKDB_CONFIG))
    con.execute(f"set variable {DIR_VARIABLE} = ?", [str(Path(path).absolute().parent)])
    return con


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


def dependency_order(objects: list[SqlObject]) -> list[SqlObject]:
    """``objects``, each after those it calls (``name(`` outside comments): DuckDB binds a
    macro when it is created, and in the order of their names six of the 34 failed and were
    created again (a third of the time of loading them).

    >>> [o.name for o in dependency_order(sql_objects("macros")) if o.name in ("cagr", "finite_or_null")]
    ['finite_or_null', 'cagr']
    """
    names = {o.name for o in objects}
    calls = {o.name: {n for n in re.findall(r"\b(\w+)\s*\(", "\n".join(ln.split("--", 1)[0] for ln in o.text.splitlines()))
                      if n in names} - {o.name} for o in objects}
    out: list[SqlObject] = []
    pending = list(objects)
    while pending:
        done = {o.name for o in out}
        ready = [o for o in pending if calls[o.name] <= done] or pending   # a cycle: left to _create_all
        out += ready
        pending = [o for o in pending if o not in ready]
    return out


def _macros() -> list[SqlObject]:
    """Every macro, aggregate macro and table macro of ``lqcalc.sql``, in :func:`dependency_order`."""
    return dependency_order([o for folder in MACRO_FOLDERS for o in sql_objects(folder)])


def load_macros(con) -> None:
    """Create every macro, aggregate macro and table macro of ``lqcalc.sql`` on ``con``."""
    _create_all(con, _macros())


def _begin_with_macros(con) -> None:
    """Begin a transaction on a new database and create the macros in it (a commit per
    macro made loading them a third slower); should one fail, they are created by
    :func:`load_macros` after a rollback, and a transaction begun again."""
    import duckdb

    con.execute("begin transaction")
    try:
        for obj in _macros():
            con.execute(obj.text)
    except duckdb.Error:
        con.execute("rollback")
        load_macros(con)
        con.execute("begin transaction")


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


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _select_sql(schema, source: str) -> str:
    """``select *`` from ``source``, all-null columns as text (as :func:`_duckdb_ready` does)."""
    import polars as pl

    nulls = [c for c, t in schema.items() if t == pl.Null]
    replace = (" replace (" + ", ".join(f"cast({_quote(c)} as varchar) as {_quote(c)}" for c in nulls) + ")"
               if nulls else "")
    return f"select *{replace} from {source}"


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def parquet_source(frame, out_dir: Path, name: str) -> Path | None:
    """``out_dir/<name>.parquet`` when ``frame`` is a plain scan of that file, else None.

    A plain scan is ``pl.scan_parquet(path)`` with nothing applied to it (its unoptimized
    plan is the scan alone), so the file holds exactly the frame's rows.

    >>> import tempfile, polars as pl
    >>> d = Path(tempfile.mkdtemp())
    >>> pl.DataFrame({"a": [1, 2]}).write_parquet(d / "t.parquet")
    >>> parquet_source(pl.scan_parquet(d / "t.parquet"), d, "t") == d / "t.parquet"
    True
    >>> parquet_source(pl.scan_parquet(d / "t.parquet").head(1), d, "t") is None
    True
    """
    import polars as pl

    if not isinstance(frame, pl.LazyFrame):
        return None
    target = Path(out_dir) / f"{name}.parquet"
    if not target.is_file():
        return None
    lines = [ln.strip() for ln in frame.explain(optimized=False).strip().splitlines()]
    m = re.fullmatch(r"Parquet SCAN \[(.+)\]", lines[0]) if lines else None
    rest = [ln for ln in lines[1:] if not ln.startswith("ESTIMATED ROWS")]
    if m is None or len(rest) != 1 or not re.fullmatch(r"PROJECT \*/\d+ COLUMNS", rest[0]):
        return None
    try:
        same = Path(m.group(1)).resolve() == target.resolve()
    except OSError:  # pragma: no cover
        return None
    return target if same else None


def _store(con, out_dir: Path, name: str, frame, copy_rows: int) -> tuple[str, int]:
    """Store one table (copy or view); return how (``copy`` or ``view``) and its rows."""
    import polars as pl

    if isinstance(frame, pl.DataFrame):
        df = _duckdb_ready(frame)  # noqa: F841  (read by name in the SQL below)
        con.execute(f"create table {_quote(name)} as select * from df")
        return "copy", frame.height
    schema = frame.collect_schema()
    source = parquet_source(frame, out_dir, name)
    if source is not None:
        rows = pl.scan_parquet(source).select(pl.len()).collect().item()  # from the file's metadata
        if rows > copy_rows:
            path = f"coalesce(getvariable('{DIR_VARIABLE}'), '.') || '/{source.name}'"
            con.execute(f"create view {_quote(name)} as {_select_sql(schema, f'read_parquet({path})')}")
            return "view", rows
        con.execute(f"create table {_quote(name)} as "
                    f"{_select_sql(schema, f'read_parquet({_sql_text(str(source.absolute()))})')}")
        return "copy", rows
    rows = frame.select(pl.len()).collect(engine="streaming").item()
    if rows <= copy_rows:
        return _store(con, out_dir, name, frame.collect(engine="streaming"), copy_rows)
    # another query: streamed to a Parquet file that DuckDB copies in and that is then removed
    tmp = Path(out_dir) / f".{name}.lqcalc-copy.parquet"
    try:
        frame.sink_parquet(tmp, compression="lz4")
        con.execute(f"create table {_quote(name)} as "
                    f"{_select_sql(schema, f'read_parquet({_sql_text(str(tmp.absolute()))})')}")
    finally:
        tmp.unlink(missing_ok=True)
    return "copy", rows


def write_database(out_dir: Path, tables: Mapping[str, "pl.DataFrame | pl.LazyFrame | None"],
                   copy_rows: int = COPY_ROWS) -> Path:
    """Write ``out_dir/lqcalc.duckdb`` holding every table of ``tables`` and the macros.

    Parameters
    ----------
    out_dir : Path
        Output directory (it must exist); nothing is written outside it.
    tables : mapping of str to polars.DataFrame or polars.LazyFrame
        Output tables by name (``tidy``, ``indicators``, ``regions``, ...). ``None`` values
        are skipped. Each becomes a DuckDB table (or view) of the same name:

        * a DataFrame is copied in;
        * a scan of ``out_dir/<name>.parquet`` (``pl.scan_parquet``, nothing applied) is
          copied by DuckDB's own Parquet reader when it has at most ``copy_rows`` rows, and
          is otherwise a view over that file, which reads it relative to the database's
          directory (the variable ``lqcalc_dir``, set by :func:`connect`);
        * any other LazyFrame is copied in (streamed, not collected, when it is large).
    copy_rows : int
        The largest table copied from its Parquet file.

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
    >>> con.close()
    >>> t.write_parquet(d / "indicators.parquet")
    >>> db = write_database(d, {"indicators": pl.scan_parquet(d / "indicators.parquet")}, copy_rows=1)
    >>> con = connect(db, read_only=True)
    >>> con.sql("select table_type from information_schema.tables where table_name = 'indicators'").fetchall()
    [('VIEW',)]
    >>> con.sql("select sum(value) from indicators").fetchall()
    [(4.0,)]
    >>> con.close()
    """
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise FileNotFoundError(f"output directory {out_dir} does not exist")
    for name in tables:
        if not _IDENT.match(name):
            raise ValueError(f"table name {name!r} is not a plain SQL identifier")
    path = out_dir / DB_NAME
    for stale in (path, out_dir / (DB_NAME + ".wal")):
        if stale.exists():
            stale.unlink()
    con = connect(path)
    try:
        _begin_with_macros(con)   # one commit for the macros and tables (not one each)
        stored: list[tuple[str, str, int]] = []
        for name, frame in tables.items():
            if frame is None:
                continue
            how, rows = _store(con, out_dir, name, frame, copy_rows)
            stored.append((name, how, rows))
        con.execute("commit")
        load_views(con)   # each on its own: one over a table the database lacks fails
        con.execute("begin transaction")
        _write_catalog(con, stored)
        con.execute("commit")
        con.execute("checkpoint")
    finally:
        con.close()
    return path


def _write_catalog(con, stored: list[tuple[str, str, int]]) -> None:
    """Store a table ``lqcalc_objects`` listing the tables, macros and views with their help.

    ``stored`` holds (name, ``copy`` or ``view``, rows) of each output table.
    """
    rows = [(name, "table", f"output table {name} (see docs/outputs.md)" if how == "copy" else
             f"output table {name}, read from {name}.parquet next to the database ({n:,} rows; see docs/outputs.md)")
            for name, how, n in stored]
    for folder in (*MACRO_FOLDERS, VIEW_FOLDER):
        kind = {"macros": "macro", "aggregates": "aggregate macro", "table_macros": "table macro",
                "views": "view"}[folder]
        for obj in sql_objects(folder):
            rows.append((obj.name, kind, obj.description))
    con.execute("create table lqcalc_objects (name varchar, kind varchar, description varchar)")
    # one statement (executemany ran one insert a row: 20 ms for the 40 rows)
    con.execute("insert into lqcalc_objects values " + ", ".join(["(?, ?, ?)"] * len(rows)),
                [v for row in rows for v in row])
