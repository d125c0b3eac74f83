"""``lqcalc report DIR``: rebuild ``DIR/report.html`` from an output directory."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("report", epilog="""\b
Examples:
  lqcalc report out/                 (language of the data: Chinese names give a Chinese page)
  lqcalc report demo-out --lang zh   (中文报告)

\b
Exit codes: 0 ok, 1 internal error, 2 usage error (not an lqcalc output directory).""")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--lang", type=click.Choice(["en", "zh"]), help="Language of the page (default: that of the region names).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def report_command(directory, lang, quiet):
    """Write DIR/report.html: one self-contained page to open, send and print.

    It shows the run's inputs and validation, the strongest clusters, maps of LQ, growth and
    cluster class (Chinese provinces, prefectures and counties, U.S. states and counties, UK
    NUTS 2, joined by code), the charts, the shift-share table and the cluster classes.
    Everything is inside the file (no network access); only aggregates and the first rows of
    each table are shown. `lqcalc run` writes it too.
    """
    from lqcalc.errors import UsageError
    from lqcalc.report import write_report

    out = Path(directory)
    if not (out / "manifest.json").is_file():
        raise UsageError(f"{out} is not an lqcalc output directory (it has no manifest.json)",
                         hint="give the --out DIR of `lqcalc run` or `lqcalc demo`")
    path = write_report(out, lang=lang)
    if not quiet:
        click.echo(f"wrote {path}")
