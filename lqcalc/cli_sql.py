"""``lqcalc sql DIR "QUERY"``: query an output directory's DuckDB database (read-only)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from lqcalc.errors import UsageError, did_you_mean

FORMATS = ("table", "csv", "json")


def open_output(out_dir: str | Path):
    """A read-only DuckDB connection on ``out_dir/lqcalc.duckdb``.

    When the directory has no database but has the Parquet outputs, an in-memory database
    with the macros and views over those files is returned instead.
    """
    from lqcalc.output.duckdb_db import DB_NAME, attach_parquet, connect, load_macros, load_views

    out = Path(out_dir)
    if not out.is_dir():
        raise UsageError(f"{out} is not a directory", hint="give the --out directory of `lqcalc run` or `lqcalc demo`")
    db = out / DB_NAME
    if db.is_file():
        return connect(db, read_only=True)
    if any(out.glob("*.parquet")):
        con = connect()
        load_macros(con)
        attach_parquet(con, out)
        load_views(con)
        return con
    raise UsageError(f"{out} holds no {DB_NAME} and no Parquet output",
                     hint="run `lqcalc run ... --out DIR` (or `lqcalc demo`) first")


def parse_variables(items: tuple[str, ...] | list[str]) -> dict[str, object]:
    """``NAME=VALUE`` pairs as a dict; numbers become numbers.

    >>> parse_variables(["region=440000", "min_value=500", "share=0.5"])
    {'region': '440000', 'min_value': 500, 'share': 0.5}
    """
    out: dict[str, object] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise UsageError(f"--var needs NAME=VALUE, not {item!r}", hint="e.g. --var region=440000")
        if name == "region":  # codes stay text: 440000, 0010180
            out[name] = value
            continue
        try:
            out[name] = int(value)
        except ValueError:
            try:
                out[name] = float(value)
            except ValueError:
                out[name] = value
    return out


def run_query(out_dir: str | Path, query: str, variables: dict[str, object] | None = None):
    """Run ``query`` (one or more statements; the last one's result is returned) as polars.

    ``variables`` are set first (``SET VARIABLE name = value``), for queries that read
    ``getvariable('name')`` like the shipped examples. Raises
    :class:`lqcalc.errors.UsageError` for a wrong query (exit code 2).
    """
    import duckdb
    import polars as pl

    con = open_output(out_dir)
    try:
        for name, value in (variables or {}).items():
            con.execute(f"set variable {name} = ?", [value])
        try:
            rel = con.sql(query)
        except duckdb.Error as exc:
            hint = None
            if isinstance(exc, duckdb.CatalogException):
                names = [r[0] for r in con.sql(
                    "select table_name from information_schema.tables union all "
                    "select function_name from duckdb_functions() where function_type in ('macro', 'table_macro')"
                ).fetchall()]
                word = str(exc).split(" with name ")[-1].split(" ")[0] if " with name " in str(exc) else ""
                hint = (did_you_mean(word, names) if word else "") or \
                    "list the tables and macros with: select * from lqcalc_objects"
            raise UsageError(f"the query failed: {str(exc).splitlines()[0]}", hint=hint) from exc
        if rel is None:
            return pl.DataFrame()
        return rel.pl()
    finally:
        con.close()


def _example(n: int) -> str:
    from lqcalc.output.duckdb_db import example_queries

    examples = example_queries()
    if not 1 <= n <= len(examples):
        raise UsageError(f"there is no example {n}", hint=f"examples are numbered 1 to {len(examples)}; see --list-examples")
    return examples[n - 1][1]


@click.command("sql", epilog="""\b
Examples:
  lqcalc sql demo-out "select region, industry, lq from indicators order by lq desc limit 10"
  lqcalc sql demo-out "select * from lqcalc_objects"          (tables, macros, views)
  lqcalc sql demo-out "select lq(1714, 79006, 879213, 15593224)"
  lqcalc sql demo-out --example 1 --format csv > strongest.csv
  lqcalc sql demo-out --example 3 --var region=UKI3
  lqcalc sql demo-out --list-examples""")
@click.argument("out_dir", metavar="DIR", required=False, type=click.Path(file_okay=False))
@click.argument("query", required=False)
@click.option("--file", "-f", "query_file", type=click.Path(dir_okay=False, exists=True), help="Read the query from a .sql file.")
@click.option("--example", "-e", type=int, metavar="N", help="Run example query N of the shipped examples.sql.")
@click.option("--list-examples", is_flag=True, help="List the shipped example queries and exit.")
@click.option("--var", "variables", multiple=True, metavar="NAME=VALUE",
              help="Set a DuckDB variable read by getvariable('NAME') (repeatable), e.g. --var region=440000.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format on stdout.")
@click.option("--max-rows", type=int, default=50, show_default=True, metavar="N", help="Rows shown by --format table (-1: all).")
def sql_command(out_dir, query, query_file, example, list_examples, variables, fmt, max_rows):
    """Run a SQL QUERY against DIR/lqcalc.duckdb (read-only) and print the result.

    The database holds every output table (tidy, indicators, regions, industries, growth,
    clusters, ...) and the lqcalc macros: lq(x_ri, x_r, x_ref_i, x_ref), slq, share, cagr,
    required_cagr, growth, the shift-share components, hhi, entropy, krugman, hoover and
    the table macros lq_table, region_indices, industry_indices, variety, shift_share.
    """
    if list_examples:
        from lqcalc.output.duckdb_db import example_queries

        for title, _ in example_queries():
            click.echo(title)
        return
    if out_dir is None:
        raise UsageError("missing the output directory DIR", hint='lqcalc sql DIR "select * from indicators limit 5"')
    given = [q for q in (query, query_file, example) if q is not None]
    if len(given) != 1:
        raise UsageError("give exactly one of QUERY, --file or --example",
                         hint='lqcalc sql DIR "select * from indicators limit 5"')
    if query_file:
        query = Path(query_file).read_text(encoding="utf-8")
    elif example is not None:
        query = _example(example)
    df = run_query(out_dir, query, parse_variables(variables))
    if fmt == "csv":
        click.echo(df.write_csv(), nl=False)
    elif fmt == "json":
        click.echo(json.dumps(df.to_dicts(), ensure_ascii=False, default=str, indent=1))
    else:
        import polars as pl

        with pl.Config(tbl_rows=max_rows, tbl_cols=-1, tbl_hide_column_data_types=True, fmt_str_lengths=60,
                       tbl_width_chars=200, tbl_hide_dataframe_shape=False):
            click.echo(str(df))
