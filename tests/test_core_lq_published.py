"""Location quotients against published values: the REAT textbook and BLS's own LQs."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lqcalc.metrics.lq import lq
from lqcalc.schema import conform
from lqcalc.totals import attach_totals

from conftest import FIXTURES, SHARED

OEWS = FIXTURES / "oews" / "oews_2025_six_areas.csv"
OEWS_ARGS = ["--region-col", "area_code", "--industry-col", "occ_code", "--value-col", "employment",
             "--reference-region", "0000000", "--total-industry", "000000"]


def test_reat_textbook_value():
    """REAT documentation (Farhauer/Kröll 2013): LQ(1714, 79006, 879213, 15593224) = 0.3847623."""
    got = pl.select(lq(1714, 79006, 879213, 15593224)).item()
    assert got == pytest.approx(0.3847623, abs=5e-8)


def _bls_comparison(input_csv, out_dir, cli):
    res = cli("run", input_csv, *OEWS_ARGS, "--out", out_dir, "--quiet")
    assert res.exit_code == 0, res.output
    got = pl.read_parquet(out_dir / "indicators.parquet")
    o = pl.read_csv(input_csv, infer_schema=False).with_columns(
        pl.col("employment").cast(pl.Float64, strict=False), pl.col("bls_lq").cast(pl.Float64, strict=False))
    area_tot = o.filter(pl.col("occ_code") == "000000").select("area_code", e_r="employment")
    nat = o.filter(pl.col("area_code") == "0000000").select("occ_code", e_i="employment")
    e = nat.filter(pl.col("occ_code") == "000000")["e_i"][0]
    cmp = (
        o.filter(pl.col("bls_lq").is_not_null() & (pl.col("occ_code") != "000000"))
        .join(area_tot, on="area_code").join(nat, on="occ_code")
        .join(got.select("region", "industry", "lq"), left_on=["area_code", "occ_code"],
              right_on=["region", "industry"], how="left")
        .with_columns(bound=pl.max_horizontal("bls_lq", "lq") * (5 / pl.col("employment") + 5 / pl.col("e_r")
                                                                 + 5 / pl.col("e_i") + 5 / e) + 0.005 + 1e-9)
    )
    return got, cmp


def test_oews_fixture_matches_bls_published_lqs(tmp_path, cli):
    """Every published LQ of five states lies within BLS's rounding bound of ours."""
    got, cmp = _bls_comparison(OEWS, tmp_path / "out", cli)
    assert cmp.height > 3000  # five states, all occupation levels
    assert cmp["lq"].null_count() == 0
    bad = cmp.filter((pl.col("lq") - pl.col("bls_lq")).abs() > pl.col("bound"))
    assert bad.height == 0, bad.head()
    # codes keep their exact form, reference and total rows are not indicator rows
    assert got["region"].str.len_chars().unique().to_list() == [7]
    assert "0000000" not in got["region"].to_list()
    assert "000000" not in got["industry"].to_list()
    # suppressed cells stay null, never 0
    suppressed = pl.read_csv(OEWS, infer_schema=False).filter(pl.col("employment").is_null() & (pl.col("area_code") != "0000000"))
    if suppressed.height:
        row = suppressed.row(0, named=True)
        hit = got.filter((pl.col("region") == row["area_code"]) & (pl.col("industry") == row["occ_code"]))
        assert hit["value"].to_list() == [None] and hit["lq"].to_list() == [None]
        assert "missing" in hit["null_reason"][0]


@pytest.mark.skipif(not (SHARED / "data" / "oews-2025-states").exists(), reason="shared data not present")
def test_oews_all_states_match_bls(tmp_path, cli):
    """The full file: all 36,036 published state x occupation LQs."""
    _, cmp = _bls_comparison(SHARED / "data/oews-2025-states/oews_2025_states.csv", tmp_path / "out", cli)
    bad = cmp.filter(~((pl.col("lq") - pl.col("bls_lq")).abs() <= pl.col("bound")).fill_null(False))
    assert cmp.height == 36036 and bad.height == 0


#: Employment-like cells: zeros and values from a thousandth to ten million (no subnormals).
cell = st.one_of(st.just(0.0), st.floats(1e-3, 1e7, allow_nan=False))


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 6), st.integers(1, 5), st.data())
def test_closed_system_lqs_average_to_one(n_regions, n_industries, data):
    """With sums as the reference, each industry's LQs weighted by regional totals average to 1."""
    values = data.draw(st.lists(st.lists(cell, min_size=n_industries,
                                         max_size=n_industries), min_size=n_regions, max_size=n_regions))
    rows = [{"region": f"R{r}", "industry": f"I{i}", "measure": "m", "value": v}
            for r, row in enumerate(values) for i, v in enumerate(row)]
    base = attach_totals(conform(pl.DataFrame(rows))).base
    ind = base.with_columns(lq("value", "region_total", "reference_value", "reference_total").alias("lq"))
    check = (
        ind.filter(pl.col("lq").is_not_null())
        .group_by("industry")
        .agg(((pl.col("lq") * pl.col("region_total")).sum() / pl.col("region_total").sum()).alias("avg"),
             pl.col("reference_value").first() > 0)
    )
    for avg in check["avg"].to_list():
        assert avg == pytest.approx(1.0, rel=1e-9)
