"""Command line: a thin layer over the library. ``lqcalc --help`` lists the commands.

Exit codes: 0 success, 1 internal error, 2 usage error, 3 invalid data.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sys

import click

from lqcalc import __version__
from lqcalc.cli_options import OUTPUT_OPTIONS, READ_OPTIONS, REFERENCE_OPTIONS, RUN_OPTIONS, apply, make_config
from lqcalc.errors import LqcalcError


class LqcalcGroup(click.Group):
    """Turns lqcalc errors into messages and exit codes (no tracebacks for users)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except LqcalcError as exc:
            from lqcalc.progress import stop_display

            stop_display()
            kind = {2: "usage error", 3: "invalid data"}.get(exc.exit_code, "error")
            click.echo(f"lqcalc: {kind}: " + exc.render(), err=True)
            ctx.exit(exc.exit_code)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            from lqcalc.progress import stop_display

            stop_display()
            if os.environ.get("LQCALC_DEBUG"):
                raise
            click.echo(
                f"lqcalc: internal error: {type(exc).__name__}: {exc}\n"
                "  this is a bug in lqcalc, not a problem with your data; rerun with LQCALC_DEBUG=1 "
                "for the traceback and report it",
                err=True,
            )
            ctx.exit(1)


EPILOG = """\b
Exit codes: 0 ok, 1 internal error, 2 usage error, 3 invalid data.
Start with `lqcalc demo --out demo-out`, then `lqcalc run --help`."""


@click.group(cls=LqcalcGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="lqcalc")
def main() -> None:
    """lqcalc: location quotients and industrial-cluster indicators from regional statistics.

    Reads long tables, NBS portal exports and yearbook tables (CSV, XLS, XLSX, Parquet),
    validates them, computes location quotients, shares, concentration, growth and
    shift-share, classifies clusters, and writes Parquet, summary tables and a DuckDB
    database with SQL macros.
    """
    tune_allocator()


#: Settings of polars' memory allocator (jemalloc) for a command, which polars adds after its
#: own (``dirty_decay_ms:500,muzzy_decay_ms:1000``): freed memory is kept a little longer,
#: so that the next partition reuses it instead of having the kernel map fresh pages. With
#: every output, 5M rows: 7.6 -> 7.3 s (page faults 650,000 -> 506,000), peak 0.94 -> 1.04 GB;
#: 22.4M rows: 26.7 -> 25.3 s, peak 2.73 -> 2.82 GB (5,000 ms each: 25.0 s but 2.94 GB).
ALLOCATOR = "dirty_decay_ms:1000,muzzy_decay_ms:3000"


def tune_allocator() -> None:
    """Set :data:`ALLOCATOR` for polars, unless ``_RJEM_MALLOC_CONF`` says otherwise or
    polars is loaded already (the allocator reads it once, when polars is imported)."""
    if "polars" not in sys.modules:
        os.environ.setdefault("_RJEM_MALLOC_CONF", ALLOCATOR)


def _report(result, as_json: bool, quiet: bool, top: int = 10) -> None:
    m = result.manifest
    if as_json:
        click.echo(json.dumps({"out": str(result.out), "rows": m["rows"], "outputs": m.get("outputs", {}),
                               "empty_tables": m.get("empty_tables", {}), "warnings": result.warnings,
                               "timings": m.get("timings", {}), "write_timings": m.get("write_timings", {})},
                              ensure_ascii=False, indent=2))
        return
    if quiet:
        return
    for w in result.warnings:
        click.echo(f"warning: {w}", err=True)
    from lqcalc.rates import describe

    line = describe(m.get("rates") or {}, (m.get("settings") or {}).get("lang", "en"))
    if line:
        click.echo(line)
    r = m["rows"]
    click.echo(f"read {r['read']:,} rows, used {r['used']:,}, rejected {r['rejected']:,}")
    click.echo(f"outputs in {result.out}/: " + ", ".join(f"{k}.parquet ({v:,} rows)" for k, v in m.get("outputs", {}).items()))
    if "indicators" in result.tables:
        _strongest(result, top)
    for name, reason in m.get("empty_tables", {}).items():   # the last lines: tables written without rows
        click.echo(f"empty: {name}.parquet: {reason}")


def _strongest(result, top: int) -> None:
    import polars as pl

    ind = result.tables["indicators"].lazy()   # a scan of the written table
    latest = ind.select(pl.col("year").max()).collect().item()
    strongest = (
        ind.filter(pl.col("lq").is_not_null() & ((pl.col("year") == latest) if latest is not None else pl.lit(True)))
        .top_k(top, by="lq")
        .sort("lq", descending=True)
        .select("region", "region_name", "industry", "industry_name", "year", "measure",
                pl.col("value").round(2), pl.col("lq").round(3))
        .collect()
    )
    strongest = strongest.select(c for c in strongest.columns
                                 if c not in ("region_name", "industry_name") or strongest[c].null_count() < strongest.height)
    if strongest.height:
        with pl.Config(tbl_rows=top, tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True, fmt_str_lengths=40,
                       tbl_width_chars=120, float_precision=None, fmt_float="full"):
            when = f" in {latest}" if latest is not None else ""
            click.echo(f"strongest concentrations{when} (highest LQ):\n{strongest}")


@main.command(epilog="""\b
Examples:
  lqcalc run oews.csv --region-col area_code --industry-col occ_code \\
      --value-col employment --reference-region 0000000 --total-industry 000000 --out out/
  lqcalc run --config run.toml
  lqcalc run 分省年度数据.csv --out out/        (NBS portal export, detected)""")
@click.argument("inputs", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--out", "-o", metavar="DIR", help="Output directory (written at once; replaced only if it holds a previous lqcalc output).")
@apply(REFERENCE_OPTIONS)
@apply(RUN_OPTIONS)
@apply(READ_OPTIONS)
@click.option("--base-year", type=int, help="Start year of growth and shift-share (default: first year).")
@click.option("--end-year", type=int, help="End year of growth and shift-share (default: last year).")
@click.option("--dynamic", is_flag=True, default=None, help="Also consecutive-year growth rows (dynamic shift-share).")
@click.option("--intensity", multiple=True, metavar="A/B", help="Intensity of measure A over measure B (repeatable).")
@click.option("--target", "targets", multiple=True, metavar="MEASURE:REGION:INDUSTRY:YEAR=VALUE",
              help="A target to reach: reports the required CAGR (repeatable).")
@click.option("--region-hierarchy", metavar="CSV", type=click.Path(dir_okay=False), help="CSV region,parent for LQ against a parent region.")
@click.option("--lang", type=click.Choice(["en", "zh"]), help="Language of summary labels and charts.")
@click.option("--partition-rows", type=click.IntRange(min=1), metavar="N",
              help="Rows held in memory at once (default 1,000,000; a year with more rows is taken whole): a "
                   "larger input is read, validated and computed a few whole years at a time, with the same "
                   "results. Lower it when memory is short.")
@click.option("--tables", "tables", multiple=True, metavar="LIST",
              help="Write only these tables (comma-separated: indicators, regions, industries, growth, clusters, "
                   "targets, intensity); default all. The ones not asked for are not computed.")
@click.option("--complexity/--no-complexity", "complexity", default=None,
              help="Also relatedness.parquet (M_cp, density, relatedness density, COG per region x industry), "
                   "proximity.parquet (industry pairs) and eci / pci in regions / industries. Off by default "
                   "(about as much work again as the indicators on a national county table).")
@click.option("--spatial/--no-spatial", "spatial", default=None,
              help="Also spatial.parquet (global Moran's I of LQ and growth) and the LISA rule class_spatial in "
                   "clusters.parquet; needs the spatial extra (libpysal, esda). Neighbours: --weights, else the "
                   "boundaries of the regions' codes. Off by default.")
@click.option("--weights", metavar="FILE", type=click.Path(dir_okay=False),
              help="Spatial weights for --spatial: GeoDa .gal/.gwt or CSV region,neighbor[,weight].")
@apply(OUTPUT_OPTIONS)
def run(inputs, config_file, as_json, **flags):
    """Compute indicators from INPUT files into --out DIR.

    Long tables need --region-col, --industry-col and --value-col (and --year-col when there
    are years). The reference economy is --reference-region's row when given, else the sum of
    the regions; a region's total is --total-industry's row when given, else the sum of its
    industries. Explicit rows always win over computed sums.
    """
    cfg = make_config(inputs, config_file, **flags)
    if as_json:
        cfg.quiet = True
    if cfg.charts and cfg.out:
        from lqcalc.output import chartjob

        chartjob.start_early()
    from lqcalc.pipeline import run as run_pipeline

    result = run_pipeline(cfg)
    _report(result, as_json, cfg.quiet)


@main.command(epilog="The sample and its provenance: data/samples/ (shipped inside the package).")
@click.option("--out", "-o", metavar="DIR", default="demo-out", show_default=True, help="Output directory.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Language of labels.")
@apply(OUTPUT_OPTIONS)
def demo(out, lang, charts, quiet, as_json):
    """Run the whole pipeline offline on a real shipped sample (UK BRES, NUTS2, 2015-2018)."""
    if charts is not False:
        from lqcalc.output import chartjob

        chartjob.start_early()
    from lqcalc.demo import demo_config
    from lqcalc.pipeline import run as run_pipeline

    cfg = demo_config(out, lang=lang, quiet=bool(quiet or as_json))
    if charts is False:
        cfg.charts = False
    result = run_pipeline(cfg)
    _report(result, as_json, cfg.quiet)


def _register_optional() -> None:
    """Commands living in their own modules (kept import-light for a fast --help)."""
    for module, attr, name in (
        ("lqcalc.cli_import", "import_command", "import"),
        ("lqcalc.cli_validate", "validate_command", "validate"),
        ("lqcalc.cli_sql", "sql_command", "sql"),
        ("lqcalc.cli_report", "report_command", "report"),
    ):
        if importlib.util.find_spec(module) is None:
            continue
        mod = importlib.import_module(module)
        main.add_command(getattr(mod, attr), name)


_register_optional()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
