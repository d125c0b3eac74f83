"""DuckDB SQL shipped with lqcalc: macros, table macros, views and example queries.

The files are read with ``importlib.resources.files("lqcalc.sql")`` by
:mod:`lqcalc.output.duckdb_db`; see ``README.md`` in this folder for the list.
"""
