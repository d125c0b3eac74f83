"""docs/input-files.{en,zh}.md: the same commands in both languages, and each runs as shown."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from lqcalc.cli import main

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
VAL = Path(__file__).parent / "fixtures" / "validation"


def _commands(page: str) -> list[str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return [line.strip() for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S)
            for line in block.splitlines() if line.strip().startswith("lqcalc ")]


def test_both_pages_give_the_same_commands():
    assert _commands("input-files.en.md") == _commands("input-files.zh.md")
    assert len(_commands("input-files.en.md")) == 5


def _files(where: Path) -> None:
    """The files the page names, made from the test fixtures (real-shaped, see their PROVENANCE.md)."""
    text = (VAL / "units_mixed_wanren_ren.csv").read_text(encoding="utf-8")
    (where / "employment.csv").write_text(text.replace(",unit\n", ",单位\n", 1), encoding="utf-8")
    shutil.copy(VAL / "net_jobs.csv", where / "net_jobs.csv")
    shutil.copy(VAL / "portal_one_region_no_region_line.csv", where / "北京市主要指标.csv")
    for stem in ("制造业城镇单位就业人员", "金融业城镇单位就业人员", "城镇单位就业人员"):
        shutil.copy(VAL / f"stacked_{stem}.csv", where / f"{stem}.csv")
    (where / "data").mkdir()
    shutil.copytree(ROOT / "data" / "samples", where / "data" / "samples")


def _invoke(runner: CliRunner, line: str, tmp_path: Path):
    """Run one documented command (``run`` without charts, into a fresh ``out``): its
    arguments and click's result."""
    args = shlex.split(line)[1:]
    if args[0] == "run":
        args.append("--no-charts")
    shutil.rmtree(tmp_path / "out", ignore_errors=True)
    r = runner.invoke(main, args, catch_exceptions=False)
    assert r.exit_code == 0, f"{line}\n{r.output}"
    return args, r


def test_every_command_of_the_page_runs_and_writes_numbers(tmp_path, monkeypatch):
    _files(tmp_path)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for line in _commands("input-files.en.md"):
        args, r = _invoke(runner, line, tmp_path)
        if args[0] == "run":
            ind = pl.read_parquet(tmp_path / "out" / "indicators.parquet")
            assert ind.height > 0, line
            assert ind["share_of_reference"].is_not_null().any() or ind["null_reason"].str.contains("rate").all(), line
        else:
            assert pl.read_parquet(tmp_path / "tidy.parquet").height == 6


def test_readme_examples_on_nbs_exports_write_non_empty_tables(tmp_path, monkeypatch):
    """The README's commands on NBS exports (the shipped samples, the stacked per-industry exports)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line.split("#")[0].strip() for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S)
             for line in block.splitlines()
             if line.strip().startswith("lqcalc ") and ("nbs-portal" in line or "城镇单位就业人员.csv" in line)]
    assert len(lines) == 3, lines
    _files(tmp_path)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for line in lines:
        args, r = _invoke(runner, line, tmp_path)
        if args[0] == "run":
            ind = pl.read_parquet(tmp_path / "out" / "indicators.parquet")
            growth = pl.read_parquet(tmp_path / "out" / "growth.parquet")
            assert ind.height > 0 and growth.height > 0, line
            if "制造业城镇单位就业人员.csv" in line:
                assert ind["lq"].is_not_null().all()
            else:
                assert ind["share_of_reference"].is_not_null().sum() > 0 and "an LQ needs at least two" in r.output
