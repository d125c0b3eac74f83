"""docs/uk-creative-clusters.md states what the demo computes: every class, region and number."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "uk-creative-clusters.md"
ROW = re.compile(r"^\| (both|high concentration|high growth) \| (.+) \|$")
ENTRY = re.compile(r"(?:^|, )([^()]+?) \((UK\w\d), ([\d.]+), ([+−-][\d.]+) %\)")


def _doc_tables() -> dict[str, dict[str, list[tuple[str, str, float, float]]]]:
    """{segment: {class: [(region name, code, LQ, growth %)]}} as written in the page."""
    tables: dict[str, dict] = {}
    segment = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^### `(\w+)`", line)
        if m:
            segment = m.group(1)
            tables[segment] = {}
        m = ROW.match(line)
        if m and segment:
            tables[segment][m.group(1)] = [
                (name.strip(), code, float(lq), float(growth.replace("−", "-")))
                for name, code, lq, growth in ENTRY.findall(m.group(2))
            ]
    return tables


@pytest.fixture(scope="module")
def clusters(tmp_path_factory):
    from click.testing import CliRunner

    from lqcalc.cli import main

    out = tmp_path_factory.mktemp("demo") / "out"
    res = CliRunner().invoke(main, ["demo", "--out", str(out), "--quiet"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return pl.read_parquet(out / "clusters.parquet")


def test_doc_lists_exactly_the_demo_clusters(clusters):
    tables = _doc_tables()
    assert set(tables) == {"services_creative", "services_cultural"}
    for segment, classes in tables.items():
        got = clusters.filter(pl.col("industry") == segment)
        for cls in ("both", "high concentration", "high growth"):
            expected = got.filter(pl.col("class_nesta") == cls).sort("lq", descending=True)
            listed = classes[cls]
            assert [code for _, code, _, _ in listed] == expected["region"].to_list(), (segment, cls)
            for (name, code, lq, growth), row in zip(listed, expected.iter_rows(named=True)):
                assert name == row["region_name"]
                assert lq == pytest.approx(row["lq"], abs=0.005)
                assert growth == pytest.approx(100 * row["growth"], abs=0.05)
