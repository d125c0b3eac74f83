"""Every option a message names exists in the commands that can print it.

The readers' messages (lqcalc/io, units, rates, reference tables) are printed by `lqcalc run`,
`lqcalc import` and `lqcalc validate`, so an option they name must exist in all three; the
validation rules' and denominators' messages are printed by `run` and `validate`.
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import click
import pytest

from lqcalc.cli import main

PKG = Path(__file__).resolve().parents[1] / "lqcalc"
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]+")


def _options() -> dict[str, set[str]]:
    ctx = click.Context(main)
    out = {}
    for name in main.list_commands(ctx):
        cmd = main.get_command(ctx, name)
        out[name] = {o for p in cmd.params if isinstance(p, click.Option) for o in p.opts + p.secondary_opts
                     if o.startswith("--")} | {"--help"}
    return out


def _named(path: Path) -> set[str]:
    """Options named in the string literals of a module (not in its comments)."""
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    return {o for t in tokens if t.type == tokenize.STRING for o in OPTION.findall(t.string)}


READERS = sorted([*(PKG / "io").glob("*.py"), PKG / "units.py", PKG / "rates.py", *(PKG / "reference").glob("*.py")])
RULES = sorted([*(PKG / "validation").glob("*.py"), PKG / "totals.py", PKG / "hierarchy.py"])


@pytest.mark.parametrize("path", READERS, ids=lambda p: p.name)
def test_reader_messages_name_options_of_run_import_and_validate(path):
    opts = _options()
    for option in sorted(_named(path)):
        missing = [c for c in ("run", "import", "validate") if option not in opts[c]]
        assert not missing, f"{path.name} names {option}, which `lqcalc {missing[0]}` does not have"


@pytest.mark.parametrize("path", RULES, ids=lambda p: p.name)
def test_rule_messages_name_options_of_run_and_validate(path):
    opts = _options()
    for option in sorted(_named(path) - {"--no-gx", "--gx", "--on-invalid"}):
        missing = [c for c in ("run", "validate") if option not in opts[c]]
        assert not missing, f"{path.name} names {option}, which `lqcalc {missing[0]}` does not have"


def test_no_message_names_an_option_that_does_not_exist():
    every = set().union(*_options().values()) | {"--version"}
    own = {"docgen.py": {"--check"}, "config.py": {"--no-x"},
           "build.py": {"--mapshaper", "--no-deps", "--only"}}   # lqcalc/geo/build.py: rebuilds the shipped shapes
    for path in sorted(PKG.rglob("*.py")):
        extra = _named(path) - every - own.get(path.name, set())
        assert not extra, f"{path.relative_to(PKG.parent)} names {sorted(extra)}"


def test_import_reads_a_long_table_with_the_run_options(cli, tmp_path):
    src = Path(__file__).parent / "fixtures" / "validation" / "oews_area_title_occ_title.csv"
    missing = cli("import", src, "--out", tmp_path / "t.parquet")
    assert missing.exit_code == 2 and "pass --region-col NAME" in missing.output
    ok = cli("import", src, "--region-col", "area", "--industry-col", "occ_code", "--value-col", "tot_emp",
             "--out", tmp_path / "t.parquet")
    assert ok.exit_code == 0, ok.output
    import polars as pl

    t = pl.read_parquet(tmp_path / "t.parquet")
    assert t.height == 9 and set(t["region_name"]) == {"National", "California", "Texas"}
    assert t.filter(pl.col("region") == "0600000", pl.col("industry") == "151252")["value"].to_list() == [290730.0]
