"""Options shared by ``lqcalc run`` and ``lqcalc validate``, defined once."""

from __future__ import annotations

from typing import Any

import click

READ_OPTIONS = [
    click.option("--region-col", metavar="NAME", help="Column with the region code (default: region, area_code, 地区 ...)."),
    click.option("--industry-col", metavar="NAME", help="Column with the industry / occupation code (default: industry ...)."),
    click.option("--year-col", metavar="NAME", help="Column with the year (optional; default: year if present)."),
    click.option("--value-col", "value_cols", metavar="NAME", multiple=True,
                 help="Column with values; repeat for several measures (each becomes a measure named after it)."),
    click.option("--unit-col", metavar="NAME",
                 help="Column with each row's unit (default: unit, units, 单位, 计量单位 if present): values are "
                      "converted to base units (万人 -> persons, 亿元 -> yuan); an unknown unit or one measure in "
                      "persons and yuan stops with exit 3."),
    click.option("--region-name-col", metavar="NAME",
                 help="Column with region names (default: region_name, area_title, 地区名称, 名称 ... if present)."),
    click.option("--industry-name-col", metavar="NAME",
                 help="Column with industry / occupation names (default: industry_name, occ_title, 行业名称 ... "
                      "if present)."),
    click.option("--layout", type=click.Choice(["long", "nbs-classic", "nbs-new", "nbs-regions-indicators",
                                                "nbs-indicators-years", "nbs-national", "yearbook"]),
                 help="Input layout (detected when omitted)."),
    click.option("--encoding", metavar="CODEC", help="Text encoding (detected: UTF-8, else GB18030)."),
    click.option("--unit", metavar="UNIT", help="Unit of the values when the file does not say (万人, 亿元, persons ...)."),
    click.option("--indicator", metavar="NAME", help="Indicator name when the file does not say (NBS new-format exports)."),
    click.option("--year", type=int, metavar="YYYY", help="Year of a file that has none."),
    click.option("--region", metavar="NAME",
                 help="Region of a file that names none (a single-region export without 地区：, a long table "
                      "without a region column); mapped to GB/T 2260 like every region name (北京市 -> 110000)."),
    click.option("--rate", "rates", metavar="MEASURE", multiple=True,
                 help="A measure that is a rate (repeatable), besides those in %, ‰ or 上年=100 and those named "
                      "增长率 / 比重 / 指数: negative values are valid, it is never summed, gets no LQ or share, and "
                      "its change is in percentage points."),
    click.option("--sheet", metavar="NAME", help="Excel sheet to read (default: the first)."),
    click.option("--zero-as-missing", is_flag=True, default=None, help="Treat 0 as missing (scraped series that write missing as 0.0)."),
    click.option("--region-map", metavar="CSV", type=click.Path(dir_okay=False), help="CSV name,code that adds or overrides region names."),
]

REFERENCE_OPTIONS = [
    click.option("--config", "config_file", metavar="run.toml", type=click.Path(dir_okay=False),
                 help="TOML file with the same settings; flags on the command line override it."),
    click.option("--reference-region", metavar="CODE", help="Region row that is the reference economy (0000000, 000000, 全国). "
                 "Without it the reference is the sum of the regions."),
    click.option("--total-industry", metavar="CODE", help="Industry row that is the all-industry total (000000, 合计). "
                 "Without it a region's total is the sum of its industries (which must not be nested)."),
    click.option("--report", metavar="PATH", type=click.Path(dir_okay=False),
                 help="Where to write the validation report (PATH.html and PATH.json) when the input is invalid "
                 "(default: DIR.validation.html next to --out DIR)."),
]


#: Options of `lqcalc run` only (validate never writes outputs).
RUN_OPTIONS = [
    click.option("--on-invalid", type=click.Choice(["fail", "quarantine"]),
                 help="fail (default): stop with exit code 3; quarantine: drop bad rows into rejected.parquet and go on."),
    click.option("--gx/--no-gx", "gx", default=None,
                 help="Also run the Great Expectations suite on the input. Off by default: the run validates with "
                 "lqcalc's own polars rules, which find exactly the same problems (the suite's counts are checked "
                 "against them) without the suite's start-up of several seconds and its pandas copy of the table. "
                 "`lqcalc validate` runs the suite by default."),
]

#: What `lqcalc run` and `lqcalc demo` print and draw.
OUTPUT_OPTIONS = [
    click.option("--no-charts", "charts", flag_value=False, default=None, help="Skip the charts."),
    click.option("--quiet", "-q", is_flag=True, default=None,
                 help="Print nothing but errors (no progress, no warnings, no summary; all of it is in manifest.json)."),
    click.option("--json", "as_json", is_flag=True,
                 help="Print the run summary as JSON on stdout (rows, tables, empty tables, warnings, stage timings) "
                      "and nothing else."),
]

#: Options of `lqcalc validate` only.
VALIDATE_OPTIONS = [
    click.option("--gx/--no-gx", "gx", default=None,
                 help="Run the Great Expectations suite as well as lqcalc's own polars rules (default), or the "
                 "polars rules alone (--no-gx), which find exactly the same problems without the suite's start-up "
                 "of several seconds. `lqcalc run` uses the polars rules alone unless given --gx."),
]

#: Defaults of `lqcalc validate` that differ from those of a run (:class:`lqcalc.config.RunConfig`),
#: for settings given neither in run.toml nor as a flag.
VALIDATE_DEFAULTS = {"gx": True}


def apply(options: list) -> Any:
    """Decorator applying a list of click options in the order they are listed."""

    def decorator(f):
        for opt in reversed(options):
            f = opt(f)
        return f

    return decorator


def make_config(inputs: tuple[str, ...], config_file: str | None, *, defaults: dict[str, Any] | None = None,
                **flags: Any):
    """Build a :class:`lqcalc.config.RunConfig` from a config file and the flags.

    ``defaults``: the command's own defaults (:data:`VALIDATE_DEFAULTS`).
    """
    from lqcalc.config import build_config, load_toml

    file_settings = load_toml(config_file) if config_file else {}
    flags["inputs"] = list(inputs) if inputs else None
    return build_config(file_settings, flags, defaults)
