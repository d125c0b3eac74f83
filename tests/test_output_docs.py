"""The documentation says what the program does: CLI reference, outputs, tutorial commands."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from lqcalc import docgen
from lqcalc.cli import main
from test_output_data import cached_run
from test_output_tutorial_data import write_exports

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_cli_reference_matches_help():
    current = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert current == docgen.generate(), "docs/cli.md is out of date: run `python -m lqcalc.docgen`"
    assert docgen.main(["--check", str(DOCS / "cli.md")]) == 0


def test_docgen_check_detects_a_stale_page(tmp_path):
    stale = tmp_path / "cli.md"
    stale.write_text("old", encoding="utf-8")
    assert docgen.main(["--check", str(stale)]) == 1
    assert docgen.main([str(stale)]) == 0 and stale.read_text(encoding="utf-8") == docgen.generate()


def _section(text: str, name: str) -> str:
    m = re.search(rf"^## {re.escape(name)}\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    assert m, f"docs/outputs.md has no section {name}"
    return m.group(1)


@pytest.mark.parametrize("kind", ["bres", "chinese"])
def test_outputs_page_documents_every_file_and_column(kind):
    out, tables = cached_run(kind)
    text = (DOCS / "outputs.md").read_text(encoding="utf-8")
    for p in out.iterdir():
        name = f"`{p.name}/`" if p.is_dir() else f"`{p.name}`"
        assert name in text, f"{name} is not documented"
    for name, df in tables.items():
        section = _section(text, f"{name}.parquet")
        for col in df.columns:
            assert f"`{col}`" in section, f"column {name}.{col} is not documented"


def test_index_links_every_page():
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    for page in ("tutorial.en.md", "tutorial.zh.md", "cli.md", "outputs.md", "methodology.md"):
        assert f"({page})" in index


def _commands(page: str) -> list[str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return [line.strip() for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S)
            for line in block.splitlines() if line.strip().startswith("lqcalc ")]


def test_both_tutorials_give_the_same_commands():
    assert _commands("tutorial.en.md") == _commands("tutorial.zh.md")


def test_tutorial_commands_run_on_portal_style_exports(tmp_path, monkeypatch):
    files = sorted(p.name for p in write_exports(tmp_path))
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    outputs = {}
    for line in _commands("tutorial.en.md"):
        if line.startswith("lqcalc demo"):
            continue  # the demo has its own tests
        args = _split(line)[1:]
        args = [a for arg in args for a in (files if arg == "*.csv" else [arg])]
        if args[0] == "run":
            args.append("--no-charts")  # the charts have their own tests; keep this one fast
        r = runner.invoke(main, args, catch_exceptions=False)
        assert r.exit_code == 0, f"{line}\n{r.output}"
        outputs[line] = r.stdout
    assert (tmp_path / "tidy.parquet").is_file() and (tmp_path / "out" / "indicators.parquet").is_file()
    ind = pl.read_parquet(tmp_path / "out" / "indicators.parquet")
    top = ind.filter(pl.col("year") == 2023).sort("lq", descending=True).row(0, named=True)
    assert (top["region_name"], top["industry"]) == ("北京市", "I")  # the tutorial's reading of LQ
    assert round(top["lq"], 1) == 3.0
    needed = [v for k, v in outputs.items() if "required_cagr" in k][0]
    assert "0.1856" in needed  # 18.6 %, as the tutorial says


def _split(line: str) -> list[str]:
    import shlex

    return shlex.split(line)


def test_outputs_page_and_sql_readme_list_every_macro_and_view():
    from lqcalc.output.duckdb_db import sql_objects

    outputs = (DOCS / "outputs.md").read_text(encoding="utf-8")
    readme = (DOCS.parent / "sql" / "README.md").read_text(encoding="utf-8")
    for folder in ("macros", "aggregates", "table_macros", "views"):
        for obj in sql_objects(folder):
            assert f"`{obj.name}" in outputs, f"docs/outputs.md does not mention {obj.name}"
            assert f"`{obj.name}" in readme, f"sql/README.md does not mention {obj.name}"
