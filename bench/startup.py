"""Where the time of a small run goes: imports, read, validation, indicators, outputs.

A yearbook table (31 provinces x 20 years) is tiny; its run time is start-up and fixed
costs. This script times, in one fresh process, each piece of ``lqcalc run`` separately so
that the fixed costs can be seen:

* importing polars and lqcalc's pipeline modules;
* reading the file; the polars validation rules alone (``lqcalc.validation.checks.compute``);
  importing Great Expectations and running the whole validation (``validate_tidy``);
* denominators and every indicator table;
* importing matplotlib (charts) and DuckDB (database).

Usage::

    python bench/startup.py FILE [lqcalc run options...]
    python bench/startup.py tests/fixtures/io/yearbook_industries_2023.xlsx
"""

from __future__ import annotations

import json
import sys
import time

T0 = time.perf_counter()


def main() -> None:
    times: dict[str, float] = {}

    def lap(name: str, t: float) -> float:
        now = time.perf_counter()
        times[name] = round(now - t, 3)
        return now

    t = time.perf_counter()
    import polars as pl  # noqa: F401

    t = lap("import_polars", t)
    from lqcalc.cli_options import make_config  # noqa: F401
    from lqcalc.builder import build_tables
    from lqcalc.io import read_inputs
    from lqcalc.totals import attach_totals
    from lqcalc.validation import checks

    t = lap("import_lqcalc", t)
    path = sys.argv[1]
    from lqcalc.config import RunConfig

    cfg = RunConfig(inputs=[path], quiet=True)
    tidy, infos = read_inputs(cfg.inputs, cfg.read)
    t = lap("read", t)
    from lqcalc import pipeline

    defaults = pipeline._defaults_from_input(cfg, tidy, infos)
    checks.compute(tidy, reference_region=cfg.reference_region, total_industry=cfg.total_industry,
                   tolerance=cfg.tolerance)
    t = lap("validate_polars_rules", t)
    import great_expectations  # noqa: F401

    t = lap("import_great_expectations", t)
    from lqcalc.validation import validate_tidy

    validate_tidy(tidy, cfg)
    t = lap("validate_all", t)
    tables = build_tables(attach_totals(tidy, cfg.reference_region, cfg.total_industry).base, cfg)
    t = lap("indicators", t)
    import matplotlib.pyplot  # noqa: F401

    t = lap("import_matplotlib", t)
    import duckdb  # noqa: F401

    t = lap("import_duckdb", t)
    times["process_total"] = round(time.perf_counter() - T0, 3)
    print(json.dumps({"file": path, "rows": tidy.height, "defaults": defaults,
                      "tables": {k: v.height for k, v in tables.items()}, "times": times}, ensure_ascii=False))


if __name__ == "__main__":
    main()
