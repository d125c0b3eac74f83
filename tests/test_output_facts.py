"""The summaries a run writes from the counts it took while writing (lqcalc.output.facts) are
the summaries computed from its Parquet files."""

from __future__ import annotations

import random
import shutil

import polars as pl

from lqcalc.output.facts import WrittenFacts
from lqcalc.output.summary import validation_summary, write_summary_files


def _table() -> pl.DataFrame:
    """3 years x 12 regions x 6 industries of jobs, with missing cells and zeros (empty LQs)."""
    rng = random.Random(7)
    rows = []
    for year in (2019, 2020, 2021):
        for r in range(12):
            for i in range(6):
                roll = rng.random()
                value = None if roll < 0.08 else 0.0 if roll < 0.15 else float(rng.randint(1, 900))
                rows.append((f"R{r:02d}", f"I{i}", year, value))
    # a region with nothing at all in 2021: its region total is 0, so are its LQs' denominators
    rows = [(reg, ind, y, 0.0 if (reg == "R11" and y == 2021 and v is not None) else v) for reg, ind, y, v in rows]
    return pl.DataFrame(rows, schema={"region": pl.String, "industry": pl.String, "year": pl.Int64,
                                      "jobs": pl.Float64}, orient="row")


def test_a_partitioned_run_writes_the_summaries_its_files_give(tmp_path):
    from lqcalc.config import ReadOptions, RunConfig
    from lqcalc.pipeline import run

    src = tmp_path / "jobs.csv"
    _table().write_csv(src)
    out = tmp_path / "out"
    cfg = RunConfig(inputs=[str(src)], out=str(out), quiet=True, charts=False, partition_rows=100,
                    read=ReadOptions(region_col="region", industry_col="industry", year_col="year",
                                     value_cols=["jobs"]))
    result = run(cfg)
    assert len(result.manifest["partitions"]) == 3       # one year a partition: the counts add up
    again = tmp_path / "again"
    again.mkdir()
    shutil.copy(out / "validation.json", again / "validation.json")
    scans = {p.stem: pl.scan_parquet(p) for p in out.glob("*.parquet")}
    write_summary_files(again, scans)                     # from the files, no facts
    for name in ("validation", "top_clusters_by_industry", "top_clusters_by_region"):
        mine = (out / "summary" / f"{name}.csv").read_bytes()
        assert mine == (again / "summary" / f"{name}.csv").read_bytes(), name
    counts = dict(pl.read_csv(out / "summary" / "validation.csv").iter_rows())
    assert counts["missing values"] > 0 and counts["LQ empty"] > counts["missing values"]
    assert any(k.startswith("lq empty: lq: region total is 0") for k in counts)   # a region of zeros


def test_facts_count_what_the_tables_hold():
    tidy = pl.DataFrame({"value": [1.0, None, 3.0, None]})
    ind = pl.DataFrame({"region": ["a", "b", "a", "b"], "industry": "x", "measure": "m", "year": [2020, 2020, 2021, 2021],
                        "lq": [1.0, None, None, 2.0], "null_reason": [None, "lq: region total is 0", None, None]})
    facts = WrittenFacts()
    for part in (tidy.head(2), tidy.tail(2)):
        facts.add("tidy", part)
    for year in (2020, 2021):
        facts.add("indicators", ind.filter(pl.col("year") == year))
    facts.add("growth", pl.DataFrame({"value": [None]}))     # not counted
    tables = {"tidy": tidy.lazy(), "indicators": ind.lazy()}
    assert validation_summary(tables, facts=facts).rows() == validation_summary(tables).rows()
    assert dict(validation_summary(tables, facts=facts).rows())["lq empty: unknown"] == 1
    assert facts.latest_years().rows() == [("m", 2021)]
