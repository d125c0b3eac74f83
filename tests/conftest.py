"""Shared test helpers: run the CLI in-process and locate fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def cli():
    """Invoke ``lqcalc`` in-process; returns click's Result (exit_code, stdout, stderr)."""
    from lqcalc.cli import main

    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


@pytest.fixture(scope="session")
def demo_out(tmp_path_factory):
    """The output directory of ``lqcalc demo`` (run once per test session; read it, don't change it)."""
    from lqcalc.demo import demo_config
    from lqcalc.pipeline import run

    out = tmp_path_factory.mktemp("demo") / "demo-out"
    run(demo_config(str(out), quiet=True))
    return out
