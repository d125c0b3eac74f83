"""``lqcalc sql DIR QUERY``: read-only queries, formats, examples and exit codes."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from lqcalc.cli import main
from lqcalc.output.duckdb_db import write_database
from test_output_data import cached_run


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory):
    src, tables = cached_run("chinese")
    out = tmp_path_factory.mktemp("cli-sql")
    write_database(out, tables)
    return out


def sql(*args):
    return CliRunner().invoke(main, ["sql", *[str(a) for a in args]])


def test_table_output(out_dir):
    r = sql(out_dir, "select region, region_name, round(lq, 4) as lq from indicators where region = '440305' "
                     "and industry = 'I' order by year")
    assert r.exit_code == 0, r.output
    assert "南山区" in r.stdout and "440305" in r.stdout


def test_csv_and_json_output_are_exact(out_dir):
    r = sql(out_dir, "select region, industry, year, lq from indicators order by region, industry, year",
            "--format", "csv")
    assert r.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    _, tables = cached_run("chinese")
    assert len(rows) == tables["indicators"].height
    assert rows[0]["region"] == "310000"  # codes stay text, zeros kept
    r = sql(out_dir, "select region_name, lq(1714, 79006, 879213, 15593224) as reat from indicators limit 1",
            "--format", "json")
    data = json.loads(r.stdout)
    assert round(data[0]["reat"], 7) == 0.3847623
    assert data[0]["region_name"] and "\\u" not in r.stdout  # Chinese printed as characters


def test_examples_can_be_listed_and_run(out_dir):
    r = sql("--list-examples")
    assert r.exit_code == 0 and r.stdout.startswith("1.")
    r = sql(out_dir, "--example", 4, "--format", "csv")
    assert r.exit_code == 0, r.output
    assert "lq_against_parent" in r.stdout.splitlines()[0]


def test_query_from_a_file(out_dir, tmp_path):
    f = tmp_path / "q.sql"
    f.write_text("select count(*) as n from indicators", encoding="utf-8")
    r = sql(out_dir, "--file", f, "--format", "json")
    assert json.loads(r.stdout)[0]["n"] == cached_run("chinese")[1]["indicators"].height


def test_database_is_opened_read_only(out_dir):
    r = sql(out_dir, "drop table indicators")
    assert r.exit_code == 2
    assert "read-only" in r.stderr.lower() or "read only" in r.stderr.lower()
    assert sql(out_dir, "select count(*) from indicators").exit_code == 0


def test_usage_errors_exit_2_with_a_hint(out_dir, tmp_path):
    r = sql(out_dir, "select * from indicatrs")
    assert r.exit_code == 2 and "did you mean 'indicators'" in r.stderr
    r = sql(out_dir, "selec 1")
    assert r.exit_code == 2 and "query failed" in r.stderr
    assert sql(tmp_path / "nowhere", "select 1").exit_code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert sql(empty, "select 1").exit_code == 2
    assert sql(out_dir).exit_code == 2                      # no query
    assert sql(out_dir, "select 1", "--example", 1).exit_code == 2
    assert sql(out_dir, "--example", 99).exit_code == 2


def test_parquet_only_directory_gets_views(tmp_path):
    src, _ = cached_run("bres")
    import shutil

    d = tmp_path / "copy"
    shutil.copytree(src, d, ignore=shutil.ignore_patterns("*.duckdb"))
    r = sql(d, "select count(*) as n, lq(1, 2, 3, 4) as x from indicators", "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)[0]["n"] == cached_run("bres")[1]["indicators"].height


def test_variables_feed_the_examples(out_dir):
    r = sql(out_dir, "--example", 3, "--var", "region=440305", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert rows and {row["region"] for row in rows} == {"440305"}
    r = sql(out_dir, "--example", 1, "--var", "min_value=1e9", "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout) == []
    assert sql(out_dir, "--example", 1, "--var", "no_equals_sign").exit_code == 2
