"""``lqcalc validate``: read the inputs like ``lqcalc run``, check them, print the report.

Exit code 0 when the input is valid (warnings allowed), 3 when it is invalid, 2 for a usage
error, 1 for an internal error. Nothing but the report files (``--report PATH``) is written.
"""

from __future__ import annotations

import click

from lqcalc.cli_options import READ_OPTIONS, REFERENCE_OPTIONS, VALIDATE_DEFAULTS, VALIDATE_OPTIONS, apply, make_config


@click.command("validate", epilog="""\b
Examples:
  lqcalc validate oews.csv --region-col area_code --industry-col occ_code \\
      --value-col employment --reference-region 0000000 --total-industry 000000
  lqcalc validate 分省年度数据.csv --report check      (writes check.html and check.json)
  lqcalc validate data.csv --json                     (the report as JSON on stdout)

\b
Exit codes: 0 valid, 1 internal error, 2 usage error, 3 invalid data.""")
@click.argument("inputs", nargs=-1, type=click.Path(dir_okay=False))
@apply(REFERENCE_OPTIONS)
@apply(VALIDATE_OPTIONS)
@apply(READ_OPTIONS)
@click.option("--tolerance", type=float, metavar="REL",
              help="Relative tolerance of the 'part larger than its total' checks (default 0.005).")
@click.option("--lang", type=click.Choice(["en", "zh"]), help="Language of the report.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON instead of text.")
@click.option("--quiet", "-q", is_flag=True, default=None, help="Print only the summary line and the errors.")
def validate_command(inputs, config_file, as_json, **flags):
    """Check INPUT files without computing anything.

    Reads the files exactly as `lqcalc run` does (same options), then checks the tidy table:
    required columns and types, empty keys, duplicate keys, negative and non-finite values,
    years, the reference region and total industry present for every year and measure, no
    part larger than its total or than the reference, one unit per measure, one spelling per
    region, no notes read as rows. Warnings: a region or industry that looks like the sum of
    the others, many missing cells, zero totals.

    The checks run twice, by the Great Expectations suite and by lqcalc's own polars rules,
    which must agree; --no-gx runs the polars rules alone (what `lqcalc run` does unless
    given --gx).
    """
    from lqcalc.pipeline import read_stage
    from lqcalc.validation import report_paths, validate_tidy
    from lqcalc.validation.report import SHOWN

    cfg = make_config(inputs, config_file, defaults=VALIDATE_DEFAULTS, **flags)
    from lqcalc.validation.columns import user_columns

    tidy, infos, _defaults = read_stage(cfg)
    rep = validate_tidy(tidy, cfg).with_user_columns(user_columns(infos))
    lang = cfg.lang
    written = rep.write(*report_paths(cfg.report), lang=lang) if cfg.report else []
    if as_json:
        click.echo(rep.to_json(lang))
    else:
        text = rep.render_text(lang, limit=3 if cfg.quiet else SHOWN, report=written)
        click.echo(text, err=not rep.ok)
    if written:
        click.echo(("report: " if lang != "zh" else "报告：") + ", ".join(written), err=True)
    if not rep.ok:
        raise click.exceptions.Exit(3)
