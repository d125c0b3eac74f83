"""Inputs shared by the output-area tests (imported by test_output_* and test_sql_*).

* ``run_bres``: the pipeline on tests/fixtures/output/bres_subset.csv (real UK BRES rows,
  see its PROVENANCE.md): 10 NUTS2 regions x 12 segments x 2015-2018, no explicit totals.
* ``run_chinese``: the pipeline on a small synthetic table with Chinese names,
  administrative codes (a province, its cities and districts), an explicit reference row
  (``000000`` 全国) and an explicit all-industry row (``合计``).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

FIXTURE = Path(__file__).parent / "fixtures" / "output" / "bres_subset.csv"


def read_tables(out: Path) -> dict[str, pl.DataFrame]:
    """Every Parquet table of an output directory, by name."""
    return {p.stem: pl.read_parquet(p) for p in sorted(Path(out).glob("*.parquet"))}


def run_bres(out: Path) -> dict[str, pl.DataFrame]:
    from lqcalc.config import ReadOptions, RunConfig
    from lqcalc.pipeline import run

    cfg = RunConfig(
        inputs=[str(FIXTURE)], out=str(out),
        read=ReadOptions(region_col="region", industry_col="industry", year_col="year",
                         value_cols=["employment"], region_name_col="region_name", unit="persons"),
        quiet=True, charts=False,
    )
    run(cfg)
    return read_tables(out)


REGIONS = {
    "000000": "全国", "440000": "广东省", "440100": "广州市", "440103": "荔湾区", "440104": "越秀区",
    "440106": "天河区", "440300": "深圳市", "440304": "福田区", "440305": "南山区", "310000": "上海市",
    "310101": "黄浦区", "310104": "徐汇区",
}
INDUSTRIES = {"C": "制造业", "I": "信息传输、软件和信息技术服务业", "R": "文化、体育和娱乐业",
              "M": "科学研究和技术服务业"}


def chinese_table() -> pl.DataFrame:
    """Synthetic persons employed: districts add up to cities, cities to provinces."""
    import random

    rng = random.Random(7)
    rows = []
    districts = [c for c in REGIONS if not c.endswith("00")]
    for year in (2019, 2022):
        vals: dict[tuple[str, str], float] = {}
        for d in districts:
            for i in INDUSTRIES:
                vals[(d, i)] = float(rng.randint(200, 60000) * (1.3 if (d, i) in (("440305", "I"), ("440106", "R")) else 1))
        for parent in ("440100", "440300", "440000", "310000", "000000"):
            for i in INDUSTRIES:
                prefix = parent.rstrip("0") if parent != "000000" else ""
                if parent.endswith("0000") and parent != "000000":
                    prefix = parent[:2]
                kids = [d for d in districts if d.startswith(prefix)]
                vals[(parent, i)] = sum(vals[(d, i)] for d in kids) * (1.0 if parent != "000000" else 6.0)
        for (r, i), v in vals.items():
            rows.append((r, REGIONS[r], i, INDUSTRIES[i], year, v))
        for r in REGIONS:
            total = sum(v for (rr, _), v in vals.items() if rr == r) * 1.8  # other industries exist
            rows.append((r, REGIONS[r], "合计", "合计", year, float(round(total))))
    return pl.DataFrame(rows, schema={"region": pl.String, "region_name": pl.String, "industry": pl.String,
                                      "industry_name": pl.String, "year": pl.Int32, "employment": pl.Float64},
                        orient="row")


def run_chinese(out: Path) -> dict[str, pl.DataFrame]:
    from lqcalc.config import ReadOptions, RunConfig
    from lqcalc.pipeline import run

    src = Path(out).parent / "chinese_employment.csv"
    chinese_table().write_csv(src)
    cfg = RunConfig(
        inputs=[str(src)], out=str(out),
        read=ReadOptions(region_col="region", industry_col="industry", year_col="year", value_cols=["employment"],
                         region_name_col="region_name", industry_name_col="industry_name", unit="人"),
        reference_region="000000", total_industry="合计", quiet=True, charts=False, lang="zh",
    )
    run(cfg)
    return read_tables(out)


_CACHE: dict[str, tuple[Path, dict[str, pl.DataFrame]]] = {}


def cached_run(kind: str) -> tuple[Path, dict[str, pl.DataFrame]]:
    """Run the pipeline once per test session (``kind`` is ``bres`` or ``chinese``).

    Returns the output directory (do not write into it) and its tables.
    """
    import atexit
    import shutil
    import tempfile

    if kind not in _CACHE:
        work = Path(tempfile.mkdtemp(prefix=f"lqcalc-{kind}-"))
        atexit.register(shutil.rmtree, work, True)
        out = work / "out"
        tables = run_bres(out) if kind == "bres" else run_chinese(out)
        _CACHE[kind] = (out, tables)
    return _CACHE[kind]
