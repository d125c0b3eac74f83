"""The analyst outputs of a whole run: database, summary and charts, offline, inside DIR."""

from __future__ import annotations

from click.testing import CliRunner

from lqcalc.cli import main
from lqcalc.output import write_analyst_outputs
from lqcalc.output.duckdb_db import connect
from test_output_data import cached_run, read_tables


def test_write_analyst_outputs_writes_everything_inside_dir(tmp_path):
    _, tables = cached_run("bres")
    out = tmp_path / "out"
    out.mkdir()
    result = write_analyst_outputs(out, tables, "zh", charts=True, quiet=True, top_industries=1)
    assert result["database"] == out / "lqcalc.duckdb"
    assert (out / "summary" / "summary.xlsx").is_file() and (out / "summary" / "summary.md").is_file()
    assert sorted(p.name.split("_")[0] for p in result["charts"]) == ["bubble", "bubble", "lq", "lq", "shift", "shift"]
    assert set(result["timings"]) == {"database", "summary", "charts"}
    assert all(p.is_relative_to(out) for p in tmp_path.rglob("*") if p != out)
    none = tmp_path / "none"
    none.mkdir()
    assert write_analyst_outputs(none, tables, "en", charts=False, quiet=True)["charts"] == []
    assert not (none / "charts").exists()


def test_demo_produces_database_summary_and_charts(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["demo", "--out", "demo-out", "--quiet"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    out = tmp_path / "demo-out"
    assert (out / "lqcalc.duckdb").is_file()
    tables = read_tables(out)
    con = connect(out / "lqcalc.duckdb", read_only=True)
    for name, df in tables.items():
        assert con.sql(f'select count(*) from "{name}"').fetchall()[0][0] == df.height
    con.close()
    assert (out / "summary" / "top_clusters_by_industry.csv").is_file()
    assert any(p.suffix == ".png" for p in (out / "charts").iterdir())
    r = CliRunner().invoke(main, ["sql", "demo-out", "--example", "1", "--format", "csv"])
    assert r.exit_code == 0 and "services_" in r.stdout
